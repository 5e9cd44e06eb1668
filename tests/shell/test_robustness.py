"""Any script text gives a result (possibly a shell error), never a Python exception."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakefs import PATH, busybox_fs  # noqa: E402

from simulator.shell import ExecResult, execute  # noqa: E402

TOKENS = list("ab $'\"\\`(){}[]<>|&;*?#=-+:%/!~0129\n\t") + [
    "if ", "then ", "fi", "for ", "do ", "done", "case ", "esac", "<<EOF\n", "EOF\n", "$((", "))",
    "${", "$(", "cat ", "echo ", "while ", "set -e", "exit ", "in ", ";;", "${#", "${a:-", "$@"]
SHELLISH = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=SHELLISH, flavour=st.sampled_from(["busybox", "dash", "bash"]))
def test_never_raises(script, flavour):
    res = execute(["/bin/sh", "-c", script, "a0", "x"], env={"PATH": PATH}, fs=busybox_fs(), workdir="/tmp",
                  flavour=flavour)
    assert isinstance(res, ExecResult)
    assert res.exit_code is None or 0 <= res.exit_code <= 255


@settings(max_examples=300, deadline=None)
@given(script=st.text(max_size=80))
def test_arbitrary_text_never_raises(script):
    res = execute(["/bin/sh", "-c", script], env={"PATH": PATH}, fs=busybox_fs(), workdir="/")
    assert isinstance(res, ExecResult)
