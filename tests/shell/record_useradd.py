"""Record useradd_cases.py with the host's useradd/groupadd (by hand; needs root).

They run with --prefix on a scratch directory holding only etc/passwd, etc/group and
the host's login.defs and default/useradd, so the host's own accounts are never touched.

    python tests/shell/record_useradd.py   # writes data/useradd_observed.json
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fakefs import GROUP, PASSWD  # noqa: E402
from useradd_cases import USERADD_CASES  # noqa: E402


def main() -> int:
    out = {"shadow": subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "passwd"],
                                    capture_output=True, text=True).stdout, "cases": {}}
    for name, steps in USERADD_CASES:
        with tempfile.TemporaryDirectory(prefix="shell-useradd-") as root:
            etc = Path(root, "etc")
            (etc / "default").mkdir(parents=True)
            (etc / "passwd").write_text(PASSWD)
            (etc / "group").write_text(GROUP)
            shutil.copy("/etc/login.defs", etc / "login.defs")
            shutil.copy("/etc/default/useradd", etc / "default" / "useradd")
            results = []
            for argv in steps:
                res = subprocess.run(["/usr/sbin/" + argv[0], "--prefix", root, *argv[1:]],
                                     capture_output=True, text=True)
                results.append({"exit_code": res.returncode, "stderr": res.stderr})
            out["cases"][name] = {"steps": results, "passwd": (etc / "passwd").read_text(),
                                  "group": (etc / "group").read_text()}
    (HERE / "data" / "useradd_observed.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"recorded {len(USERADD_CASES)} useradd cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
