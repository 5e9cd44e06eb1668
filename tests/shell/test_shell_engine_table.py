"""The shell model against outputs the real engine recorded (busybox 1.35 ash in
dsim/busybox:1.35; see cases.py and record_engine.py). No engine needed to run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import CASES  # noqa: E402
from engine_fs import PATH, container_fs  # noqa: E402

from simulator.shell import execute  # noqa: E402

OBSERVED = json.loads((HERE / "data" / "engine_observed.json").read_text())
WORKDIR = OBSERVED["workdir"]


def simulate(script, args, user):
    fs = container_fs()
    fs.mkdir(WORKDIR, 0o755, parents=True)  # docker run -w creates it, owned by root
    ids = user or None
    home = {"app": "/home/app", None: "/root"}.get(user, "/")
    env = {"PATH": PATH, "HOSTNAME": "0123456789ab", "HOME": home}
    return execute(["sh", "-c", script, *args], env=env, fs=fs, user=ids, workdir=WORKDIR,
                   runtime="container")


@pytest.mark.parametrize("name,script,args,user", CASES, ids=[c[0] for c in CASES])
def test_matches_engine(name, script, args, user):
    want = OBSERVED["cases"][name]
    got = simulate(script, args, user)
    assert got.opaque is None, got.opaque
    assert (got.stdout, got.exit_code) == (want["stdout"], want["exit_code"])
    assert got.stderr == want["stderr"]
