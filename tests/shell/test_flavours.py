"""The dash and bash flavours against the real dash and bash (recorded by
record_flavours.py; no engine needed). Only what the simulator models is compared: stdout
and exit status always, stderr too."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fakefs import busybox_fs  # noqa: E402
from flavour_cases import FLAVOUR_CASES  # noqa: E402

from simulator.shell import execute  # noqa: E402
from simulator.shell.interp import Shell  # noqa: E402
from simulator.shell.io import BufferSink, FDs, Source  # noqa: E402

OBSERVED = json.loads((HERE / "data" / "flavours_observed.json").read_text())


def run_flavour(flavour: str, script: str):
    fs = busybox_fs()
    fs.mkdir("/w", 0o755)
    out, err = BufferSink(), BufferSink()
    sh = Shell(fs, env={"PATH": "/usr/bin:/bin", "HOME": "/root"}, cwd="/w", flavour=flavour,
               arg0="zz", dollar0="zz")
    status = sh.run_script(script, FDs({0: Source(""), 1: out, 2: err}))
    return {"stdout": out.text(), "stderr": err.text(), "exit_code": status}


@pytest.mark.parametrize("flavour", ["dash", "bash"])
@pytest.mark.parametrize("name,script", FLAVOUR_CASES, ids=[c[0] for c in FLAVOUR_CASES])
def test_flavour_matches_real_shell(flavour, name, script):
    want = OBSERVED["cases"][name][flavour]
    assert run_flavour(flavour, script) == want
