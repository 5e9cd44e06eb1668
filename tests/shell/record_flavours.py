"""Record tests/shell/flavour_cases.py from the host's dash and bash (Debian bookworm's).

    python tests/shell/record_flavours.py   # writes tests/shell/data/flavours_observed.json
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from flavour_cases import FLAVOUR_CASES  # noqa: E402

SHELLS = {"dash": "/bin/dash", "bash": "/bin/bash"}


def main() -> int:
    out = {"versions": {}, "cases": {}}
    out["versions"]["bash"] = subprocess.run(["/bin/bash", "-c", "echo $BASH_VERSION"],
                                             capture_output=True, text=True).stdout.strip()
    out["versions"]["dash"] = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "dash"],
                                             capture_output=True, text=True).stdout.strip()
    for name, script in FLAVOUR_CASES:
        row = {}
        for flavour, path in SHELLS.items():
            with tempfile.TemporaryDirectory() as d:
                res = subprocess.run([path, "-c", script, "zz"], capture_output=True, text=True,
                                     cwd=d, env={"PATH": "/usr/bin:/bin", "HOME": "/root"},
                                     stdin=subprocess.DEVNULL)
            row[flavour] = {"stdout": res.stdout, "stderr": res.stderr, "exit_code": res.returncode}
        out["cases"][name] = row
    (HERE / "data" / "flavours_observed.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"recorded {len(FLAVOUR_CASES)} cases x {len(SHELLS)} shells")
    return 0


if __name__ == "__main__":
    sys.exit(main())
