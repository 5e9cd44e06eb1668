"""Record tests/shell/fs_cases.py on the engine (by hand): writes data/fs_observed.json."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fs_cases import FS_CASES  # noqa: E402

DOCKER = "/usr/bin/docker"
IMAGE = "dsim/busybox:1.35"
REPORT = r"""
for p in "$@"; do
  if [ -e "$p" ] || [ -L "$p" ]; then
    stat -c '%n|%a|%u|%g|%F|%s' "$p"
    if [ -f "$p" ] && [ ! -L "$p" ]; then echo "content:$(od -An -tx1 "$p" | tr -d ' \n')"; fi
    if [ -L "$p" ]; then echo "link:$(readlink "$p")"; fi
  else echo "$p|absent"; fi
done
"""


def run_case(case):
    name, script, paths, user = case
    cmd = [DOCKER, "run", "--rm", "--network", "none", "--pull", "never", "-w", "/tmp/w"]
    if user:
        cmd += ["-u", user]
    full = script + "\necho \"status:$?\"\nset -- " + " ".join(paths) + "\n" + REPORT
    res = subprocess.run(cmd + [IMAGE, "sh", "-c", full], capture_output=True, text=True, timeout=60)
    return name, {"report": res.stdout, "stderr": res.stderr}


def main() -> int:
    with ThreadPoolExecutor(8) as pool:
        results = dict(pool.map(run_case, FS_CASES))
    (HERE / "data" / "fs_observed.json").write_text(json.dumps(results, indent=1) + "\n")
    print(f"recorded {len(results)} fs cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
