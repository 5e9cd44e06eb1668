"""Record what the real engine prints for tests/shell/cases.py (run by hand, needs the engine).

    python tests/shell/record_engine.py   # writes tests/shell/data/engine_observed.json
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import CASES  # noqa: E402

DOCKER = "/usr/bin/docker"
IMAGE = "dsim/busybox:1.35"
WORKDIR = "/tmp/w"


def run_case(case):
    name, script, args, user = case
    cmd = [DOCKER, "run", "--rm", "--network", "none", "--pull", "never", "-w", WORKDIR]
    if user:
        cmd += ["-u", user]
    cmd += [IMAGE, "sh", "-c", script, *args]
    res = subprocess.run(cmd, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    return name, {"stdout": res.stdout.decode("utf-8", "surrogateescape"),
                  "stderr": res.stderr.decode("utf-8", "surrogateescape"),
                  "exit_code": res.returncode}


def main() -> int:
    with ThreadPoolExecutor(8) as pool:
        results = dict(pool.map(run_case, CASES))
    engine = subprocess.run([DOCKER, "version", "--format", "{{.Server.Version}}"],
                            capture_output=True, text=True).stdout.strip()
    out = {"engine": engine, "image": IMAGE, "workdir": WORKDIR,
           "cases": {name: results[name] for name, *_ in CASES}}
    (HERE / "data").mkdir(exist_ok=True)
    (HERE / "data" / "engine_observed.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    print(f"recorded {len(results)} cases from engine {engine}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
