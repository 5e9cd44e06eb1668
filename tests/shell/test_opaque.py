"""Programs the simulator does not model: it must say "unknown", never guess."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakefs import PATH, busybox_fs  # noqa: E402

from simulator.fs.protocol import UnknownContent  # noqa: E402
from simulator.shell import execute  # noqa: E402

ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 57


def fs_with_programs():
    fs = busybox_fs()
    fs.write("/usr/bin/python3", ELF, mode=0o755)
    fs.write("/usr/bin/apt-get", ELF, mode=0o755)
    fs.mkdir("/usr/local/bin", parents=True)
    fs.write("/usr/local/bin/tool.sh", b"#!/bin/sh\necho \"tool: $1\"\n", mode=0o755)
    fs.write("/usr/local/bin/noexec", b"data", mode=0o644)
    fs.write("/etc/motd", b"hi\n", mode=0o644)
    return fs


def sh(script, fs=None):
    fs = fs or fs_with_programs()
    return fs, execute(["/bin/sh", "-c", script], env={"PATH": PATH}, fs=fs, workdir="/")


def test_unmodelled_program_makes_output_unknown_and_names_it():
    fs, res = sh("apt-get update; echo done")
    assert res.stdout is None  # apt-get's own output is unknown
    assert res.exit_code == 0  # the last command, echo, is known
    assert "apt-get" in res.opaque
    with pytest.raises(UnknownContent):
        fs.read("/etc/motd")  # apt-get may have changed anything


@pytest.mark.parametrize("script", [
    "python3 -c 'print(1)' && echo yes",
    "if python3 x; then echo a; fi",
    "set -e; apt-get install -y curl; echo after",
    "x=$(python3 -V); echo $x",
    "python3 x; echo $?",
])
def test_decisions_on_unknown_status_are_unknown(script):
    _, res = sh(script)
    assert res.stdout is None and res.exit_code is None and res.opaque


def test_opaque_output_to_dev_null_keeps_stdout_known():
    _, res = sh("python3 x > /dev/null 2>&1; echo ok")
    assert res.stdout == "ok\n" and res.exit_code == 0


def test_exec_form_binary_argv_kept_stdout_unknown():
    fs = fs_with_programs()
    res = execute(["/usr/bin/python3", "-c", "print(1)"], env={"PATH": PATH}, fs=fs, workdir="/")
    assert res.stdout is None and res.exit_code is None and res.opaque


def test_shebang_script_runs_through_the_shell():
    _, res = sh("tool.sh arg")
    assert (res.stdout, res.exit_code) == ("tool: arg\n", 0)


def test_missing_and_non_executable():
    _, res = sh("nosuch; noexec; echo $?")
    assert res.stdout == "126\n"
    assert res.stderr == "/bin/sh: nosuch: not found\n/bin/sh: noexec: Permission denied\n"


def test_unknown_file_content_after_opaque_run_is_not_guessed():
    fs = fs_with_programs()
    fs.mark_unknown("an earlier RUN")
    res = execute(["/bin/sh", "-c", "cat /etc/motd"], env={"PATH": PATH}, fs=fs, workdir="/")
    assert res.stdout is None and res.exit_code is None


def test_unmodelled_busybox_applet_is_opaque():
    _, res = sh("wget -q -O- http://127.0.0.1/ ; echo x")
    assert res.stdout is None and "wget" in res.opaque


def test_unmodelled_option_is_opaque_not_guessed():
    _, res = sh("ls -l /etc")
    assert res.stdout is None and res.exit_code is None and res.opaque
