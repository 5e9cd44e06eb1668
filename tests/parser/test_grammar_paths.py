"""The grammar and the byte-wise line reader (used for non-ASCII flags) give one answer.

Both must reproduce BuildKit; test_against_buildkit checks the grammar path against
BuildKit itself, this test keeps the fallback path honest on the same inputs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.parser import lines as L
from simulator.parser.gosemantics import trim_space
from simulator.parser.reader import _parse_lines
from strategies import instruction


@settings(max_examples=400, deadline=None)
@given(instruction(), st.sampled_from(["\\", "`"]))
def test_grammar_and_line_reader_agree(text, escape):
    line = trim_space(text.split("\n", 1)[0].replace("\r", " "))
    if not line:
        return
    try:
        expected = L.parse_line(line, escape)
    except L.LineError as e:
        expected = ("error", str(e))
    try:
        got = _parse_lines([line], escape)[0]
    except Exception as e:  # noqa: BLE001
        orig = getattr(e, "orig_exc", e)
        got = ("error", str(orig))
    assert got == expected
