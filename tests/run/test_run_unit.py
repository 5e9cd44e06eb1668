"""Run-model rules that need no engine: programs the simulator cannot know, unknown
filesystems, and argv/env assembly on their own."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "shell"))

from fakefs import PATH, busybox_fs  # noqa: E402

from simulator.image import Image, ImageConfig  # noqa: E402
from simulator.run import RunOptions, command_line, environment, run_image  # noqa: E402

ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 57


def test_compiled_binary_argv_right_stdout_unknown():
    fs = busybox_fs()
    fs.mkdir("/app", 0o755)
    fs.write("/app/server", ELF, mode=0o755)
    img = Image(config=ImageConfig(env=["PATH=" + PATH], entrypoint=["/app/server"],
                                   cmd=["--port", "8080"]))
    res = run_image(img, fs, RunOptions())
    assert res.argv == ("/app/server", "--port", "8080")
    assert res.stdout is None and res.exit_code is None
    assert any("/app/server" in n for n in res.notes)


def test_unknown_filesystem_keeps_argv_and_env_but_not_output():
    img = Image(config=ImageConfig(env=["PATH=" + PATH, "A=1"], cmd=["echo", "hi"]), known=False,
                unknown_reason="base image not given")
    res = run_image(img, RunOptions())
    assert res.argv == ("echo", "hi")
    assert res.env[:3] == ("PATH=" + PATH, "HOSTNAME=<container id>", "A=1")
    assert res.stdout is None and res.exit_code is None and res.notes


def test_argv_rules():
    cfg = ImageConfig(entrypoint=["ep"], cmd=["c1"])
    assert command_line(cfg, RunOptions()) == ["ep", "c1"]
    assert command_line(cfg, RunOptions(args=["a"])) == ["ep", "a"]
    assert command_line(cfg, RunOptions(entrypoint="x")) == ["x"]
    assert command_line(cfg, RunOptions(entrypoint="x", args=["a"])) == ["x", "a"]
    assert command_line(cfg, RunOptions(entrypoint="")) == []
    assert command_line(ImageConfig(cmd=["c"]), RunOptions(args=[])) == ["c"]


def test_env_rules():
    # -e entries first, then image entries not overridden; PATH and HOSTNAME replaced in place
    env = environment(["PATH=/img", "NAME=docker", "KEEP=1"], ["FOO=1", "NAME=x", "KEEP"], "/root")
    assert env == ["PATH=/img", "HOSTNAME=<container id>", "FOO=1", "NAME=x", "HOME=/root"]
    assert environment([], ["HOME=/h"], "/root") == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
                                                     "/usr/bin:/sbin:/bin", "HOSTNAME=<container id>",
                                                     "HOME=/h"]
