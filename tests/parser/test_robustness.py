"""Arbitrary text and bytes: the only outcomes are a parse or a clean error."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.cli import parse_file
from simulator.errors import SimulatorError
from simulator.parser import DockerfileSyntaxError, parse
from strategies import dockerfile


def _clean(data):
    try:
        parse_file(data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape"), "Dockerfile")
    except (DockerfileSyntaxError, SimulatorError) as e:
        msg = str(e)
        assert msg and "\n" not in msg.strip()
        assert msg.startswith("Dockerfile")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_parse_or_fail_cleanly(data):
    _clean(data)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_text_parse_or_fail_cleanly(text):
    _clean(text)


@settings(max_examples=200, deadline=None)
@given(dockerfile(), st.binary(max_size=8), st.integers(0, 400))
def test_mutated_dockerfiles_parse_or_fail_cleanly(text, junk, at):
    data = text.encode("utf-8")
    at = min(at, len(data))
    _clean(data[:at] + junk + data[at:])


def test_invalid_utf8_and_nul_parse_as_go_reads_them():
    # Go reads bytes: an invalid byte is just a character of the line, NUL too.
    r = parse(b"FROM a\nRUN echo \xff\x00 x\n")
    assert r.nodes[1].value == ("echo \udcff\x00 x",)


def test_cli_never_prints_a_traceback_on_binary_input(tmp_path):
    f = tmp_path / "Dockerfile"
    f.write_bytes(bytes(range(256)) * 3)
    proc = subprocess.run([sys.executable, "-m", "simulator", "parse", str(f)], capture_output=True, text=True)
    assert proc.returncode in (0, 1)
    assert "Traceback" not in proc.stderr
