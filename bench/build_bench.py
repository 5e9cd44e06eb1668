"""Build benchmark (a script, not a timed test).

1. Simulated builds per second over the recorded corpus (both builders, 20.10 model).
2. Time of one build against Dockerfile length, 10 -> 10,000 lines, for a generated
   Dockerfile mixing metadata instructions, ARG/ENV and shell-form RUNs the shell model
   handles; prints the time per line, which must stay flat (linear total time).

Usage: python bench/build_bench.py [--quick] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.build import BuildOptions, build  # noqa: E402


def corpus_rate(base_images: dict, rounds: int) -> dict:
    from simulator.oracle.record import all_cases, context_copy

    cases = [c for c in all_cases() if not c.parse_only and not c.spec.get("parent")
             and c.load_expected("20.10", "buildkit") is not None]
    contexts = []
    stack = []
    for case in cases:
        cm = context_copy(case)
        ctx = cm.__enter__()
        stack.append(cm)
        contexts.append((case, str(ctx)))
    n = 0
    ok = 0
    start = time.perf_counter()
    try:
        for _ in range(rounds):
            for case, ctx in contexts:
                for builder in ("buildkit", "legacy"):
                    res = build(BuildOptions(context=ctx, dockerfile=case.dockerfile, build_args=case.build_args,
                                             build_env=case.build_env, target=case.target, builder=builder,
                                             engine="20.10", base_images=base_images))
                    n += 1
                    ok += res.ok
    finally:
        for cm in stack:
            cm.__exit__(None, None, None)
    elapsed = time.perf_counter() - start
    return {"cases": len(contexts), "builds": n, "ok": ok, "seconds": round(elapsed, 3),
            "builds_per_second": round(n / elapsed, 1) if elapsed else None}


def engine_rate(sample: int) -> dict | None:
    """Real `docker build --no-cache` of the first `sample` corpus cases, both builders."""
    import os
    import subprocess

    from simulator.oracle.record import all_cases, context_copy

    docker = "/usr/bin/docker"
    if subprocess.run([docker, "version"], capture_output=True).returncode != 0:
        return None
    cases = [c for c in all_cases() if not c.parse_only and not c.spec.get("parent") and not c.build_args
             and c.load_expected("20.10", "buildkit") is not None][:sample]
    n = 0
    elapsed = 0.0
    for case in cases:
        with context_copy(case) as ctx:
            for builder, flag in (("buildkit", "1"), ("legacy", "0")):
                cmd = [docker, "build", "--no-cache", "--network", "none", "-q", "-t", "dsim-bench:tmp",
                       "-f", str(Path(ctx) / (case.dockerfile or "Dockerfile"))]
                if case.target:
                    cmd += ["--target", case.target]
                t0 = time.perf_counter()
                subprocess.run(cmd + [str(ctx)], capture_output=True,
                               env={**os.environ, "DOCKER_BUILDKIT": flag})
                elapsed += time.perf_counter() - t0
                n += 1
    subprocess.run([docker, "rmi", "-f", "dsim-bench:tmp"], capture_output=True)
    return {"builds": n, "seconds": round(elapsed, 3), "builds_per_second": round(n / elapsed, 2) if n else None}


def generated_dockerfile(lines: int) -> str:
    body = ["FROM dsim/busybox:1.35", "ARG V=1"]
    i = 0
    user = 0  # files are per user: a user cannot overwrite another one's file in /tmp
    while len(body) < lines:
        k = i % 8
        if k == 0:
            body.append(f"ENV E{i % 50}=value{i}")
        elif k == 1:
            body.append(f"LABEL l{i % 50}=v{i}")
        elif k == 2:
            body.append(f"RUN echo {i} $V > /tmp/f{i % 20}_u{user}")
        elif k == 3:
            # a bounded number of ARG declarations: every declaration is listed in each later
            # RUN's history row (BuildKit 20.10 does not even dedup them), so unbounded ones
            # would make the output itself grow quadratically
            body.append(f"ARG A{i}=a{i}" if i < 240 else f"LABEL m{i % 50}=v{i}")
        elif k == 4:
            body.append(f"EXPOSE {1000 + i % 100}")
        elif k == 5:
            body.append(f"WORKDIR /w{i % 10}")
        elif k == 6:
            body.append(f'CMD ["echo", "{i}"]')
        else:
            user = i % 3
            body.append(f"USER {user}")
        i += 1
    return "\n".join(body[:lines]) + "\n"


def length_scaling(base_images: dict, sizes: list[int], builder: str) -> list[dict]:
    out = []
    with tempfile.TemporaryDirectory() as ctx:
        for n in sizes:
            text = generated_dockerfile(n)
            t0 = time.perf_counter()
            res = build(BuildOptions(context=ctx, dockerfile_text=text, builder=builder, engine="20.10",
                                     base_images=base_images))
            dt = time.perf_counter() - t0
            out.append({"lines": n, "builder": builder, "ok": res.ok, "error": res.error,
                        "seconds": round(dt, 4), "us_per_line": round(dt / n * 1e6, 1)})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one corpus round, sizes up to 1,000")
    ap.add_argument("--json", help="write the results to this file")
    ap.add_argument("--engine-sample", type=int, default=20,
                    help="real builds of this many corpus cases (both builders) for the ratio; 0: none")
    a = ap.parse_args(argv)
    from simulator.oracle.baseimage import base_image_paths

    base_images = base_image_paths()
    rate = corpus_rate(base_images, rounds=1 if a.quick else 3)
    print(f"corpus: {rate['builds']} builds of {rate['cases']} cases in {rate['seconds']}s "
          f"= {rate['builds_per_second']} builds/s ({rate['ok']} ok)")
    real = engine_rate(a.engine_sample) if a.engine_sample else None
    if real:
        print(f"engine: {real['builds']} real builds (--no-cache) in {real['seconds']}s = "
              f"{real['builds_per_second']} builds/s; simulated/real = "
              f"{rate['builds_per_second'] / real['builds_per_second']:.0f}x")
    else:
        print("engine: no Docker engine answers; no real-build ratio")
    sizes = [10, 100, 1000] if a.quick else [10, 100, 1000, 3000, 10000]
    scaling = []
    for builder in ("buildkit", "legacy"):
        rows = length_scaling(base_images, sizes, builder)
        scaling += rows
        for r in rows:
            status = "ok" if r["ok"] else f"FAILED: {r['error']}"
            print(f"{builder:8} {r['lines']:6} lines  {r['seconds']:9.4f}s  {r['us_per_line']:8.1f} us/line  {status}")
        big = rows[-1]
        small = next(r for r in rows if r["lines"] >= 1000)  # below, fixed costs dominate
        ratio = big["us_per_line"] / small["us_per_line"] if small["us_per_line"] else float("nan")
        print(f"{builder:8} per-line cost ratio {big['lines']} vs {small['lines']} lines: {ratio:.2f} "
              f"({'linear' if ratio < 2.0 else 'NOT linear'})")
    if a.json:
        Path(a.json).write_text(json.dumps({"corpus": rate, "engine": real, "scaling": scaling}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
