"""The parser against BuildKit's own (the `dockerfile` binding of BuildKit v0.12.5).

Expected values come from BuildKit's parser; see binding.py for the binding's known
faults and how each is set aside."""

from __future__ import annotations

import pathlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binding import Incomparable, binding_parse, is_comparable, simulator_parse
from strategies import dockerfile

CORPUS = pathlib.Path(__file__).resolve().parents[2] / "corpus"
CORPUS_FILES = sorted(p for p in CORPUS.glob("*/Dockerfile*") if p.is_file())


def _agree(text: str) -> None:
    if not is_comparable(text):
        return
    try:
        expected, expected_err = binding_parse(text)
    except Incomparable:
        return
    got, got_err = simulator_parse(text)
    if expected is None:
        assert got is None, f"BuildKit rejects ({expected_err}) but the simulator parses"
        assert got_err == expected_err
        return
    assert got_err is None, f"BuildKit parses but the simulator rejects: {got_err}"
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g == e


def test_corpus_has_files():
    assert len(CORPUS_FILES) >= 60


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.parent.name)
def test_corpus_file_agrees_with_buildkit(path):
    _agree(path.read_bytes().decode("utf-8", "surrogateescape"))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfile())
def test_generated_dockerfiles_agree_with_buildkit(text):
    _agree(text)


_MARKER_PIECES = ["<<", "<<-", "$", "${", "}", ":", "-", "?", "+", '"', "'", "\\", "EOF", " ", "a", "2",
                  "#", "%", "/", "E", "b c"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_MARKER_PIECES), min_size=1, max_size=7),
       st.lists(st.sampled_from(["EOF", "E", "a", "b c", "\tEOF", "x"]), min_size=0, max_size=3))
def test_heredoc_markers_with_quotes_and_substitutions_agree(pieces, terminators):
    word = "".join(pieces)
    _agree("FROM a\nRUN x " + word + "\nbody\n" + "\n".join(terminators) + "\n")
