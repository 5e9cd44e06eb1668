"""What file applets leave in the filesystem (modes, owners, types, content, symlink
targets) against the real engine's recorded `stat` report (fs_cases.py, record_fs.py)."""

from __future__ import annotations

import json
import posixpath
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from engine_fs import PATH, container_fs  # noqa: E402
from fs_cases import FS_CASES  # noqa: E402

from simulator.shell import execute  # noqa: E402

OBSERVED = json.loads((HERE / "data" / "fs_observed.json").read_text())
KIND = {"dir": "directory", "symlink": "symbolic link", "file": "regular file"}


def report(fs, paths: list[str], status: int) -> str:
    lines = [f"status:{status}"]
    for p in paths:
        full = posixpath.join("/tmp/w", p)
        st = fs.stat(full, follow=False)
        if st is None:
            lines.append(f"{p}|absent")
            continue
        kind = KIND.get(st.type, st.type)
        if st.type == "file" and st.size == 0:
            kind = "regular empty file"
        size = 4096 if st.type == "dir" else st.size
        lines.append(f"{p}|{st.mode:o}|{st.uid}|{st.gid}|{kind}|{size}")
        if st.type == "file":
            lines.append("content:" + fs.read(full).hex())
        if st.type == "symlink":
            lines.append("link:" + st.target)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name,script,paths,user", FS_CASES, ids=[c[0] for c in FS_CASES])
def test_fs_effects_match_engine(name, script, paths, user):
    fs = container_fs()
    fs.mkdir("/tmp/w", 0o755, parents=True)
    home = "/home/app" if user == "app" else "/root"
    res = execute(["sh", "-c", script], env={"PATH": PATH, "HOME": home}, fs=fs, user=user,
                  workdir="/tmp/w")
    assert res.opaque is None
    assert report(fs, paths, res.exit_code) == OBSERVED[name]["report"]
