"""Here-document delimiters: the word's source with quoting removed, nothing expanded.

Expected stdout: busybox 1.35 (Debian bookworm's busybox-static, the binary in the dsim
base images) running each script with `busybox sh -c`, HOME=/root."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from fakefs import PATH, busybox_fs  # noqa: E402

from simulator.shell import execute  # noqa: E402

CASES = [
    ("cat <<$@\nhello\n$@\necho after", "hello\nafter\n"),
    ("cat <<$x\nhi $x\n$x\necho after", "hi \nafter\n"),
    ('x=1; cat <<"$x"\nhi $x\n$x\necho after', "hi $x\nafter\n"),
    ("cat <<'E F'\nbody\nE F\necho after", "body\nafter\n"),
    ("cat <<\\E\nb $HOME\nE\necho after", "b $HOME\nafter\n"),
    ('cat <<E"N"D\nb\nEND\necho after', "b\nafter\n"),
    ("cat <<${y}\nq\n${y}\necho after", "q\nafter\n"),
    ('cat <<"a\\"b"\nq\na"b\necho after', "q\nafter\n"),
    # a backslash-newline in the delimiter is a line continuation (unquoted, double quotes)
    ("cat <<E\\\nND\nx\nEND\necho after", "x\nafter\n"),
    ('cat <<"E\\\nND"\nx\nEND\necho after', "x\nafter\n"),
]


@pytest.mark.parametrize("script,stdout", CASES)
def test_delimiter(script, stdout):
    res = execute(["/bin/sh", "-c", script], env=["PATH=" + PATH, "HOME=/root"], fs=busybox_fs())
    assert (res.stdout, res.exit_code) == (stdout, 0)
