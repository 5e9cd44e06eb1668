"""Record the real engine's results for tests/run/cases.py (by hand, needs the engine).

    python tests/run/record_engine.py   # writes tests/run/data/engine_observed.json
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import IMAGES, RUNS  # noqa: E402

DOCKER = "/usr/bin/docker"
PREFIX = "shell-run-"


def build(name: str, text: str) -> dict:
    with tempfile.TemporaryDirectory() as d:
        Path(d, "Dockerfile").write_text(text)
        env = dict(os.environ, DOCKER_BUILDKIT="1")
        subprocess.run([DOCKER, "build", "-q", "--network", "none", "-t", PREFIX + name, d],
                       check=True, capture_output=True, env=env)
    out = subprocess.run([DOCKER, "image", "inspect", "--format", "{{json .Config}}", PREFIX + name],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def docker_run(image: str, spec: dict) -> dict:
    cmd = [DOCKER, "run", "--rm", "--network", "none", "--pull", "never"]
    if spec.get("entrypoint") is not None:
        cmd += ["--entrypoint", spec["entrypoint"]]
    for kv in spec.get("env", []):
        cmd += ["-e", kv]
    if spec.get("user") is not None:
        cmd += ["-u", spec["user"]]
    if spec.get("workdir") is not None:
        cmd += ["-w", spec["workdir"]]
    cmd += [image, *spec.get("args", [])]
    env = {k: v for k, v in os.environ.items() if k not in ("NAME",)}
    res = subprocess.run(cmd, capture_output=True, timeout=60, stdin=subprocess.DEVNULL, env=env)
    err = res.stderr.decode("utf-8", "replace").strip().splitlines()
    return {"stdout": res.stdout.decode("utf-8", "surrogateescape"), "exit_code": res.returncode,
            "stderr_last": err[-1] if err else "", "stderr_first": err[0] if err else ""}


def main() -> int:
    configs = {name: build(name, text) for name, text in IMAGES.items()}
    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda r: docker_run(PREFIX + r[0], r[1]), RUNS))
    finally:
        subprocess.run([DOCKER, "rmi", *[PREFIX + n for n in IMAGES]], capture_output=True)
    out = {"configs": configs,
           "runs": [{"image": img, "spec": spec, **res} for (img, spec), res in zip(RUNS, results)]}
    (HERE / "data").mkdir(exist_ok=True)
    (HERE / "data" / "engine_observed.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"recorded {len(results)} runs of {len(configs)} images")
    return 0


if __name__ == "__main__":
    sys.exit(main())
