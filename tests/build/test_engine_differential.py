"""Differential test: random Dockerfiles built by the real engine and by the simulator.

Each Dockerfile comes from a fixed seed (reproducible); the engine's facts are the
expected values, read live (tests marked `engine`: they skip without an engine and fail
without one under CI=true). The generator mixes:
- global and stage ARGs (the automatic TARGETARCH/BUILDPLATFORM among the names), ENV
  in both forms, build args (a predefined proxy arg now and then), `--target`;
- values using every `${}` modifier (`-` `+` `?` with and without `:`, and the pattern
  forms `#` `##` `%` `%%` `/` `//`, which 20.10's builders reject);
- LABEL/CMD/ENTRYPOINT/SHELL/HEALTHCHECK/EXPOSE/VOLUME/USER/WORKDIR/STOPSIGNAL/ONBUILD/
  MAINTAINER, RUNs that print variables into fresh files;
- FROM an image, a stage, or a base whose ONBUILD triggers fire, with or without
  `--platform`;
- COPY --from an earlier stage or a base image (the classic builder's digests of those
  files name their owners from the daemon host's user database: the engine runs on
  this machine, so the simulator is given this machine's).
It leaves out what other modules do not model yet (a non-root RUN appending to a
root-owned file).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from simulator.build import BuildOptions, build

NAMES = ["A", "B", "MODE", "GREETING", "PATH", "X", "TARGETARCH", "BUILDPLATFORM"]  # the last two: automatic
BASES = ["dsim/busybox:1.35", "dsim/configured:1", "dsim/app-user:1", "dsim/onbuild:1"]  # the last: ONBUILD triggers fire
SEEDS = range(1, 6)  # 59 seeds passed in a wider sweep (1-59), plus 30 with COPY/ADD/proxy args


class _Gen:
    def __init__(self, seed: int):
        self.rnd = random.Random(seed)
        self.runs = 0
        self.stages: list[str] = []  # earlier stages' names

    def val(self) -> str:
        if self.rnd.random() < 0.08:  # every modifier (20.10 rejects most: an error to match)
            return self.rnd.choice(["${A-d}", "${B+s}", "${X:?need X}", "${B?}", "${GREETING#hello}",
                                    "${A##*/}", "${MODE%e}", "${A%%.*}", "${MODE/a/b}", "${A//x}"])
        return self.rnd.choice(["1", "two", "$A", "${B:-dflt}", "${MODE}x", "'q s'", '"d q"', "a\\ b", "",
                                "${X:+set}"])

    def instr(self) -> str:
        r = self.rnd
        k = r.randrange(17)
        n = r.choice(NAMES)
        if k == 0:
            return f"ARG {n}"
        if k == 1:
            return f"ARG {n}={self.val()}"
        if k == 2:
            return f"ENV {n}={self.val()}"
        if k == 3:
            return f"ENV {n} {self.val() or 'v'}"
        if k in (4, 14):
            self.runs += 1
            return f'RUN echo "{n}=${n}" > /tmp/r{self.runs}.txt'
        if k == 5:
            return f"LABEL l{r.randrange(3)}={self.val()}"
        if k == 6:
            return r.choice(['CMD ["echo", "$A"]', "CMD echo $A", "CMD []", 'ENTRYPOINT ["/bin/echo"]',
                             "ENTRYPOINT echo hi", "ENTRYPOINT []"])
        if k == 7:
            return "WORKDIR " + r.choice(["/w", "sub", "/tmp", "..", "/"])
        if k == 8:
            return "USER " + r.choice(["app", "1000", "root", "nobody:nobody"])
        if k == 9:
            return "EXPOSE " + r.choice(["80", "53/udp", "$A", "8000-8001", "443/tcp 80"])
        if k == 10:
            return "VOLUME " + r.choice(["/v", '["/a", "/b"]', "/tmp/vol"])
        if k == 11:
            return "STOPSIGNAL " + r.choice(["SIGKILL", "9", "SIGRTMIN+3"])
        if k == 12:
            return r.choice(['SHELL ["/bin/sh", "-ec"]', "HEALTHCHECK --interval=3s --retries=2 CMD true",
                             "HEALTHCHECK NONE"])
        if k == 13:
            return r.choice(["ONBUILD RUN echo trig", "MAINTAINER someone"])
        if k == 15:
            sources = [("dsim/configured:1", "/srv/app"), ("dsim/configured:1", "/srv/app/owned-by-app.txt"),
                       ("dsim/app-user:1", "/home/app"), ("dsim/busybox:1.35", "/etc/passwd")]
            sources += [(st, p) for st in self.stages for p in ("/tmp", "/etc/group", "/home")]
            ref, src = r.choice(sources)
            chown = r.choice(["", "", "--chown=app ", "--chown=1000:nobody "])
            return f"COPY --from={ref} {chown}{src} /c{r.randrange(3)}/"
        return f"ARG {n}={self.val()} {r.choice(NAMES)}"

    def dockerfile(self) -> tuple[str, dict, str | None]:
        """(Dockerfile text, build args, --target or None)."""
        r = self.rnd
        lines = [r.choice(["ARG BASE=dsim/busybox:1.35", "ARG A=glob", "ARG B", "ARG X=gx"])
                 for _ in range(r.randrange(3))]
        names: list[str] = []
        for s in range(r.choice([1, 2, 3])):
            base = r.choice(BASES + (["$BASE"] if any("BASE=" in x for x in lines) else []) + names)
            names.append(f"s{s}")
            platform = r.choice(["", "", "", "--platform=$BUILDPLATFORM ", "--platform=linux/amd64 "])
            lines.append(f"FROM {platform}{base} AS s{s}")
            lines += [self.instr() for _ in range(r.randrange(2, 9))]
            self.stages.append(f"s{s}")
        args = {r.choice(NAMES): r.choice(["ba", "b a", "$A"])} if r.random() < 0.5 else {}
        if r.random() < 0.2:  # a predefined proxy arg: usable undeclared, kept out of history
            args[r.choice(["HTTP_PROXY", "no_proxy"])] = "http://127.0.0.1:9"
        target = r.choice(names[:-1]) if len(names) > 1 and r.random() < 0.25 else None
        return "\n".join(lines) + "\n", args, target


def _differences(rec: dict, res) -> list[str]:
    from simulator.oracle.engine import CONFIG_KEYS

    if res.ok != rec["ok"]:
        return [f"outcome: engine {rec['ok']} {rec['error']!r} / sim {res.ok} {res.error!r}"]
    if not rec["ok"]:
        return [] if res.error == rec["error"] else [f"error: engine {rec['error']!r} / sim {res.error!r}"]
    out = []
    cfg = res.image.config.to_json()
    for k in CONFIG_KEYS:
        a, e = cfg.get(k), rec["config"].get(k)
        if k in ("WorkingDir", "User", "StopSignal"):
            a, e = a or None, e or None
        if a != e:
            out.append(f"config {k}: engine {e!r} / sim {a!r}")
    if len(res.image.layers) != rec["layers"]:
        out.append(f"layers: engine {rec['layers']} / sim {len(res.image.layers)}")
    eh = [(h["created_by"], bool(h.get("empty_layer"))) for h in rec["history"]]
    ah = [(h.created_by, h.empty_layer) for h in res.image.history]
    if eh != ah:
        out.append(f"history: engine {eh!r}\n  sim {ah!r}")
    if list(res.warnings) != list(rec["warnings"]):
        out.append(f"warnings: engine {rec['warnings']} / sim {list(res.warnings)}")
    return out


@pytest.mark.engine
@pytest.mark.parametrize("seed", SEEDS)
def test_random_dockerfile_matches_engine(seed, engine, tmp_path):
    from simulator.oracle.baseimage import base_image_paths
    from simulator.oracle.record import base_layer_ids, engine_host_names, record_context

    text, args, target = _Gen(seed).dockerfile()
    Path(tmp_path, "Dockerfile").write_text(text)
    problems = []
    for builder in ("buildkit", "legacy"):
        rec = record_context(engine, Path(tmp_path), f"build-diff-{seed}-{builder}", builder,
                             {"build_args": args or None, "target": target}, [], base_layer_ids())["build"]
        res = build(BuildOptions(context=str(tmp_path), builder=builder, engine="20.10",
                                 base_images=base_image_paths(), build_args=args, target=target,
                                 host_names=engine_host_names(engine)))
        problems += [f"[{builder}] {p}" for p in _differences(rec, res)]
    assert not problems, f"seed {seed}, build args {args}, target {target}:\n{text}\n" + "\n".join(problems)


# The property test: 150 generated Dockerfiles a run, each built by both builders on the
# engine and by the simulator. Derandomized, so that a CI run repeats what was checked
# here; widen the search locally with DSIM_DIFF_RANDOM=1.
import os  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@pytest.mark.engine
@settings(max_examples=150, deadline=None, database=None,
          derandomize=not os.environ.get("DSIM_DIFF_RANDOM"),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(min_value=1000, max_value=2**31))
def test_generated_dockerfiles_match_engine(seed, engine, tmp_path_factory):
    test_random_dockerfile_matches_engine(seed, engine, tmp_path_factory.mktemp("diff"))
