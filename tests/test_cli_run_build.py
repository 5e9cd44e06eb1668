"""`simulate build` and `simulate run` through the command line (../shared/cli-contract.md).

Expected values: the Dockerfile reference (exec-form ENTRYPOINT with run arguments
appends them; exec form does not expand variables) and the contract's keys."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from simulator.api import local_base_images

needs_busybox_image = pytest.mark.skipif("dsim/busybox:1.35" not in local_base_images(),
                                         reason="no static busybox here to make the dsim base image")


def simulate(*args):
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True)


def _context(tmp_path, dockerfile):
    (tmp_path / "Dockerfile").write_text(dockerfile)
    return str(tmp_path)


@needs_busybox_image
def test_run_arguments_after_double_dash_and_args_option(tmp_path):
    ctx = _context(tmp_path, 'FROM dsim/busybox:1.35\nENV NAME=docker\nENTRYPOINT ["echo", "hello $NAME"]\n')
    a = json.loads(simulate("run", ctx, "--format", "json", "--", "a", "b c").stdout)
    b = json.loads(simulate("run", ctx, "--format", "json", "--args", "a 'b c'").stdout)
    for data in (a, b):
        assert data["argv"] == ["echo", "hello $NAME", "a", "b c"]
        assert data["stdout"] == "hello $NAME a b c\n"
        assert data["exit_code"] == 0
        assert {"argv", "env", "user", "workdir", "stdout", "exit_code"} <= data.keys()


@needs_busybox_image
def test_build_json_has_the_contract_keys(tmp_path):
    ctx = _context(tmp_path, "FROM dsim/busybox:1.35\nLABEL a=b\nCMD [\"sh\"]\n")
    proc = simulate("build", ctx, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {"config", "history", "layers", "size", "warnings"} <= data.keys()
    assert data["config"]["Labels"] == {"a": "b"}
    assert data["config"]["Cmd"] == ["sh"]


def test_failed_build_exits_1_without_traceback(tmp_path):
    ctx = _context(tmp_path, "FROM scratch\nCOPY missing /x\n")
    proc = simulate("build", ctx)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout


def test_missing_context_is_a_usage_error(tmp_path):
    proc = simulate("build", str(tmp_path / "nope"))
    assert proc.returncode == 2
