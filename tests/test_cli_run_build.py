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


@needs_busybox_image
def test_host_passwd_and_group_name_owners_in_classic_digests(tmp_path):
    """The classic builder's `file:` digest of an image file owned by 1000:1000 carries
    the names the daemon host gives those ids: the recording (engine 20.10, corpus
    stage-copy-from-image) kept that host's database, written out here as the files
    `--host-passwd`/`--host-group` read."""
    from simulator.oracle.record import find_case

    case = find_case("stage-copy-from-image")
    recorded = case.load_expected("20.10", "legacy")
    host = recorded["daemon_host"]
    (tmp_path / "passwd").write_text("".join(f"{n}:x:{i}:0::/:/bin/sh\n" for i, n in host["users"].items()))
    (tmp_path / "group").write_text("".join(f"{n}:x:{i}:\n" for i, n in host["groups"].items()))
    want = [h["created_by"] for h in recorded["build"]["history"] if "COPY" in h["created_by"]]
    base = ("build", str(case.path), "--builder", "legacy", "--engine", "20.10", "--format", "json")
    named = simulate(*base, "--host-passwd", str(tmp_path / "passwd"), "--host-group", str(tmp_path / "group"))
    assert named.returncode == 0, named.stderr
    got = [h["created_by"] for h in json.loads(named.stdout)["history"] if "COPY" in h["created_by"]]
    assert got == want
    # without the host's database only root is named: the 1000:1000 file's digest differs,
    # and the trace says which ids it depends on
    plain = json.loads(simulate(*base).stdout)
    got = [h["created_by"] for h in plain["history"] if "COPY" in h["created_by"]]
    assert got[0] == want[0] and got[1] != want[1]
    assert any("[1000]" in (s["note"] or "") for s in plain["trace"])
    missing = simulate(*base, "--host-passwd", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
