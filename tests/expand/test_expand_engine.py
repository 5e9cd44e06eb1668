"""The lexer against what the 20.10 engine did with the same words (both builders).

Expected values: tests/expand/data/engine-20.10.json, written by record_engine.py from
real builds (20.10 engine, Debian 20.10.24+dfsg1, recorded 2026-12-04). Each entry keeps
the Dockerfile text that was built and what `docker image inspect` (or the build error)
showed. The environment given to the lexer is the one the engine recorded for the setup
lines alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from simulator.expand import LexError, Lexer
from simulator.versions import engine

DATA = json.loads((Path(__file__).parent / "data" / "engine-20.10.json").read_text(encoding="utf-8"))
BUILDERS = ("buildkit", "legacy")
GO_BLANKS = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def _env(entries: list[str]) -> dict[str, str]:
    return dict(e.split("=", 1) for e in entries)


def _params():
    for case in DATA["cases"]:
        for builder in BUILDERS:
            yield pytest.param(case, builder, id=f"{builder}-{case['form']}-{case['escape']}-{case['word']}")


def _simulate(lexer: Lexer, form: str, word: str, env: dict[str, str]):
    if form == "expose":
        # EXPOSE's parser splits on blanks first; each part is expanded with ProcessWords
        ports: list[str] = []
        for part in re.split(r"[\t\v\f\r ]+", word):
            ports += lexer.process_words(part, env)
        return ports
    return lexer.process_word(word, env)


@pytest.mark.parametrize("case,builder", list(_params()))
def test_engine_2010_expansion(case, builder):
    observed = case[builder]
    features = engine("20.10").features_for(builder)
    lexer = Lexer(escape=case["escape"], features=features)
    env = _env(DATA["setup_env"][case["escape"]][builder])
    form, word = case["form"], case["word"]
    if form == "env":
        # the line parser trims the line with Go's strings.TrimSpace (any Unicode blank, so
        # also a trailing U+00A0) before the rest of the line becomes the word
        word = word.rstrip(GO_BLANKS)
    error = observed.get("error")
    if not observed["ok"] and error.startswith("failed to process "):
        with pytest.raises(LexError) as info:
            _simulate(lexer, form, word, env)
        assert str(info.value) == error
        return
    result = _simulate(lexer, form, word, env)  # must not raise: any failure came later
    if not observed["ok"]:
        return
    if form == "expose":
        # the engine stores a port set; a bare port gets /tcp
        got = sorted(p if "/" in p else p + "/tcp" for p in result)
        assert got == observed["ports"]
    else:
        assert result == observed["value"]


def test_table_is_substantial():
    assert len(DATA["cases"]) >= 180
    assert {c["form"] for c in DATA["cases"]} == {"env", "label", "expose", "workdir"}
