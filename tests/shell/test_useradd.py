"""useradd/groupadd (shadow-utils, modelled by path) against the real ones (record_useradd.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fakefs import PATH, busybox_fs  # noqa: E402
from useradd_cases import USERADD_CASES  # noqa: E402

from simulator.shell import execute  # noqa: E402

OBSERVED = json.loads((HERE / "data" / "useradd_observed.json").read_text())
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 57


@pytest.mark.parametrize("name,steps", USERADD_CASES, ids=[c[0] for c in USERADD_CASES])
def test_useradd_matches_shadow_utils(name, steps):
    fs = busybox_fs()
    fs.write("/usr/sbin/useradd", ELF, mode=0o755)
    fs.write("/usr/sbin/groupadd", ELF, mode=0o755)
    want = OBSERVED["cases"][name]
    for argv, w in zip(steps, want["steps"]):
        res = execute(["/usr/sbin/" + argv[0], *argv[1:]], env={"PATH": PATH}, fs=fs)
        assert (res.exit_code, res.stderr) == (w["exit_code"], w["stderr"]), argv
    assert fs.read("/etc/passwd").decode() == want["passwd"]
    assert fs.read("/etc/group").decode() == want["group"]
