"""The recorder: build every corpus case for real and write its expected files.

`python -m simulator.oracle record [CASE...]` — for each case (parse_only ones skipped):
copy the context to a temp dir with normalised metadata, build the parent case first if
any, build with each builder, run the case's runs, write
`corpus/NAME/expected/ENGINEKEY-BUILDER.json`, and remove every image it made.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import attrs

from simulator.oracle import baseimage
from simulator.oracle.engine import BUILDERS, Engine, NoEngine, RunSpec, UnsafeBuild

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
#: mtime given to every file and folder of a copied context (2024-01-01T00:00:00Z), so
#: legacy `COPY file:<hash>` history strings and `.Size` never depend on the checkout.
CONTEXT_MTIME = baseimage.EPOCH
EXCLUDED = ("case.json", "expected")
CASE_KEYS = {"description", "dockerfile", "build_args", "build_env", "target", "platform", "parent",
             "parent_tag", "runs", "parse_only", "builders"}


class CaseError(Exception):
    pass


@attrs.frozen
class Case:
    name: str
    path: Path
    spec: dict = attrs.field(eq=False)

    @property
    def dockerfile(self) -> str | None:
        return self.spec.get("dockerfile")

    @property
    def build_args(self) -> dict:
        return dict(self.spec.get("build_args") or {})

    @property
    def build_env(self) -> dict:
        return dict(self.spec.get("build_env") or {})

    @property
    def target(self) -> str | None:
        return self.spec.get("target")

    @property
    def platform(self) -> str | None:
        """`docker build --platform`, when the case gives one."""
        return self.spec.get("platform")

    @property
    def parse_only(self) -> bool:
        return bool(self.spec.get("parse_only"))

    @property
    def builders(self) -> tuple[str, ...]:
        return tuple(self.spec.get("builders") or BUILDERS)

    @property
    def runs(self) -> list[RunSpec]:
        return [RunSpec.from_json(r) for r in self.spec.get("runs") or []]

    def build_kwargs(self) -> dict:
        """Keyword arguments shared by Engine.build and simulator.api.build_json."""
        out = {"dockerfile": self.dockerfile, "build_args": self.build_args or None,
               "build_env": self.build_env or None, "target": self.target}
        if self.platform is not None:
            out["platform"] = self.platform
        return out

    def expected_path(self, engine_key: str, builder: str) -> Path:
        return self.path / "expected" / f"{engine_key}-{builder}.json"

    def load_expected(self, engine_key: str, builder: str) -> dict | None:
        p = self.expected_path(engine_key, builder)
        return json.loads(p.read_text()) if p.exists() else None

    def host_names(self, engine_key: str, builder: str):
        """The recording daemon host's user database (`daemon_host` in the expected
        file) as a HostNames, or None where the recording did not need it."""
        from simulator.fs.legacyhash import HostNames

        host = (self.load_expected(engine_key, builder) or {}).get("daemon_host")
        return HostNames.from_json(host) if host else None


def uses_from(dockerfile_text: str) -> bool:
    """Whether a COPY/ADD (or RUN --mount) may read another stage or image: only then can
    the classic builder's digests depend on the daemon host's user names."""
    return re.search(r"--from\b", dockerfile_text, re.IGNORECASE) is not None


def _reads_other_images(case: Case, corpus: Path = CORPUS) -> bool:
    """Whether the case's Dockerfile, or its parent case's (whose rows the image keeps),
    copies from another stage or image."""
    for c in (case, find_case(case.spec["parent"], corpus) if case.spec.get("parent") else None):
        if c is None:
            continue
        df = c.path / (c.dockerfile or "Dockerfile")
        if df.is_file() and uses_from(df.read_text(errors="replace")):
            return True
    return False


def daemon_host_names() -> dict:
    """This machine's users and groups by id, read from /etc/passwd and /etc/group as
    dockerd's Go lookups read them (HostNames.from_files). The recorder's engine runs
    here, so these are the daemon host's names."""
    from simulator.fs.legacyhash import HostNames

    names = HostNames.from_files("/etc/passwd", "/etc/group")
    return {"users": {str(k): v for k, v in sorted(names.users.items())},
            "groups": {str(k): v for k, v in sorted(names.groups.items())}}


def engine_host_names(engine: Engine):
    """The HostNames of `engine`'s daemon host: this machine's when the engine runs here,
    else None (unknown: only root is named)."""
    from simulator.fs.legacyhash import HostNames

    return HostNames.from_files("/etc/passwd", "/etc/group") if engine.local else None


def load_case(path: Path) -> Case:
    path = Path(path)
    spec_file = path / "case.json"
    spec = json.loads(spec_file.read_text()) if spec_file.exists() else {}
    if not isinstance(spec, dict):
        raise CaseError(f"{spec_file}: not a JSON object")
    for b in spec.get("builders") or ():
        if b not in BUILDERS:
            raise CaseError(f"{spec_file}: unknown builder {b!r}")
    return Case(path.name, path, spec)


def all_cases(corpus: Path = CORPUS) -> list[Case]:
    return [load_case(p) for p in sorted(corpus.iterdir())
            if p.is_dir() and ((p / "case.json").exists() or (p / "Dockerfile").exists())]


def find_case(name: str, corpus: Path = CORPUS) -> Case:
    p = Path(name)
    if not p.is_dir():
        p = corpus / name
    if not p.is_dir():
        raise CaseError(f"no such case: {name}")
    return load_case(p)


@contextmanager
def context_copy(case: Case) -> Iterator[Path]:
    """The case folder minus case.json and expected/, in a temp dir, with git-like modes
    (0755 dirs, 0644 or 0755 files) and every mtime set to CONTEXT_MTIME."""
    with tempfile.TemporaryDirectory(prefix="oracle-ctx-") as tmp:
        dest = Path(tmp) / "context"
        shutil.copytree(case.path, dest, symlinks=True,
                        ignore=lambda d, names: [n for n in names
                                                 if Path(d) == case.path and n in EXCLUDED])
        for root, dirs, files in os.walk(dest, topdown=False):
            for n in files:
                f = Path(root) / n
                if f.is_symlink():
                    os.utime(f, (CONTEXT_MTIME, CONTEXT_MTIME), follow_symlinks=False)
                    continue
                f.chmod(0o755 if os.stat(f).st_mode & 0o100 else 0o644)
                os.utime(f, (CONTEXT_MTIME, CONTEXT_MTIME))
            for n in dirs:
                d = Path(root) / n
                if not d.is_symlink():
                    d.chmod(0o755)
                    os.utime(d, (CONTEXT_MTIME, CONTEXT_MTIME))
        dest.chmod(0o755)
        os.utime(dest, (CONTEXT_MTIME, CONTEXT_MTIME))
        yield dest


def _tag(case: Case, builder: str) -> str:
    return "oracle-rec-" + re.sub(r"[^a-z0-9_.-]", "-", case.name.lower()) + ":" + builder


def base_layer_ids() -> set[str]:
    """diff_ids of every dsim base image layer (recorded as null in layer_files)."""
    import hashlib
    ids = set()
    for spec in baseimage.image_specs():
        for files in spec.layers:
            ids.add("sha256:" + hashlib.sha256(baseimage.layer_tar(files)).hexdigest())
    return ids


def record_context(engine: Engine, context: Path, tag: str, builder: str, build_kwargs: dict,
                   runs: list[RunSpec], base_ids: set[str]) -> dict:
    """Build one context for real, collect its facts and run its runs; the image is
    removed afterwards.  Returns the expected-file dict."""
    made: list[str] = []
    try:
        out = engine.build(context, tag, builder=builder, **build_kwargs)
        made = [tag, *out.intermediate_ids]
        build: dict = {"ok": out.ok, "error": out.error}
        results: list[dict] = []
        if out.ok:
            build.update(engine.facts(tag, skip_layers=base_ids))
            results = [engine.run(tag, spec) for spec in runs]
        else:
            build.update({"config": None, "layers": None, "size": None, "history": None,
                          "layer_files": None})
        build["warnings"] = list(out.warnings)
        build["context_size"] = out.context_size
        build["client_exit_code"] = out.client_exit_code
        return {"engine": engine.version, "builder": builder, "build": build, "runs": results}
    finally:
        _cleanup(engine, made)


def _cleanup(engine: Engine, made: list[str]) -> None:
    tags = [r for r in made if ":" in r]
    ids = [r for r in made if ":" not in r]
    for ref in tags + ids[::-1]:
        engine.remove_image(ref)


def record_case(engine: Engine, case: Case, builder: str, base_ids: set[str],
                corpus: Path = CORPUS) -> dict:
    """Build (parent first) and run one case with one builder; return the expected dict."""
    made: list[str] = []
    try:
        if case.spec.get("parent"):
            parent = find_case(case.spec["parent"], corpus)
            parent_tag = case.spec.get("parent_tag")
            if not parent_tag:
                raise CaseError(f"{case.name}: 'parent' needs a 'parent_tag'")
            with context_copy(parent) as ctx:
                out = engine.build(ctx, parent_tag, builder=builder, **parent.build_kwargs())
            made = [parent_tag, *out.intermediate_ids]
            if not out.ok:
                raise CaseError(f"{case.name}: parent {parent.name} failed to build: {out.error}")
        with context_copy(case) as ctx:
            data = record_context(engine, ctx, _tag(case, builder), builder, case.build_kwargs(),
                                  case.runs, base_ids)
            if builder == "legacy" and data["build"]["ok"] and engine.local and _reads_other_images(case, corpus):
                data["daemon_host"] = daemon_host_names()
            return data
    finally:
        _cleanup(engine, made)


def symlink_slack(build: dict) -> int:
    """Bytes by which engine 20.10's `.Size` of this image may vary between identical
    builds: it sometimes counts the layers' symlink target lengths and sometimes not."""
    return sum(len(e.get("linkname") or "") for layer in build.get("layer_files") or []
               for e in layer or [] if e.get("type") == "symlink")


def write_expected(path: Path, data: dict) -> None:
    """Write the expected file; an existing recording that differs only by the engine's
    symlink-bytes `.Size` flip is kept as it is (both values are the engine's)."""
    if path.exists():
        old = json.loads(path.read_text())
        ob, nb = old.get("build") or {}, data["build"]
        if (ob.get("size") is not None and nb.get("size") is not None
                and abs(ob["size"] - nb["size"]) <= symlink_slack(nb)
                and {**old, "build": {**ob, "size": nb["size"]}} == data):
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def _remove_stale(case: Case, engine_key: str) -> None:
    """Drop this engine's expected files for builders the case no longer builds."""
    wanted = set() if case.parse_only else set(case.builders)
    for builder in BUILDERS:
        path = case.expected_path(engine_key, builder)
        if builder not in wanted and path.exists():
            path.unlink()
            print(f"{case.name} [{builder}]: removed stale {path.name}")


def main(argv: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m simulator.oracle record")
    ap.add_argument("cases", nargs="*", help="case names or folders (default: all)")
    ap.add_argument("--builder", choices=BUILDERS, action="append",
                    help="only this builder (repeatable)")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="builds in parallel (default 1; 20.10 BuildKit has mixed up concurrent builds)")
    opts = ap.parse_args(argv)
    try:
        engine = Engine.detect()
    except NoEngine as exc:
        print(f"record: {exc}; a real engine is needed to record", file=sys.stderr)
        return 2
    try:
        baseimage.load_all(baseimage.write_all())
        cases = [find_case(n) for n in opts.cases] if opts.cases else all_cases()
    except (CaseError, baseimage.BaseImageError, json.JSONDecodeError) as exc:
        print(f"record: {exc}", file=sys.stderr)
        return 2
    base_ids = base_layer_ids()
    jobs: list[tuple[Case, str]] = []
    for case in cases:
        _remove_stale(case, engine.key)
        if case.parse_only:
            print(f"{case.name}: parse_only, skipped")
            continue
        jobs += [(case, b) for b in case.builders if not opts.builder or b in opts.builder]

    def one(job: tuple[Case, str]) -> tuple[bool, str]:
        case, builder = job
        try:
            data = record_case(engine, case, builder, base_ids)
        except UnsafeBuild as exc:
            return False, f"{case.name} [{builder}]: NOT BUILT: {exc}"
        except (CaseError, RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
            return False, f"{case.name} [{builder}]: ERROR: {exc}"
        write_expected(case.expected_path(engine.key, builder), data)
        b = data["build"]
        status = "ok" if b["ok"] else f"build fails: {b['error']}"
        return True, f"{case.name} [{builder}]: {status}; {len(data['runs'])} run(s)"

    # cases with a parent share parent tags: they run one at a time, after the others
    free = [j for j in jobs if not j[0].spec.get("parent")]
    chained = [j for j in jobs if j[0].spec.get("parent")]
    failures = 0
    with ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        for ok, line in pool.map(one, free):
            failures += not ok
            print(line, flush=True)
    for job in chained:
        ok, line = one(job)
        failures += not ok
        print(line, flush=True)
    return 1 if failures else 0
