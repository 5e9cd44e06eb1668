"""Live: random words with modifiers, quotes and escapes, built on the running engine with
both builders, must expand exactly as the simulator's lexer says (value or error text).

Each example builds `FROM dsim/busybox:1.35`, a few ENV lines, `ENV W <word>` (the old
form hands the rest of the line to the lexer untouched) and, when the word has no blank,
`LABEL w=<word>`. About 60 examples per builder.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.expand import LexError, Lexer
from simulator.versions import engine as engine_model

pytestmark = pytest.mark.engine

SETUP = ["ENV A=hello", "ENV E=", "ENV S='a  b'", "ENV F=x.tar.gz"]
ENV = {"A": "hello", "E": "", "S": "a  b", "F": "x.tar.gz"}  # checked against the image below
NAMES = st.sampled_from(["A", "E", "S", "F", "U"])
TEXT = st.text(alphabet="abc.-_/:=@ ", min_size=1, max_size=4)
_counter = itertools.count()


def _fragment(inner):
    return st.one_of(
        TEXT,
        NAMES.map(lambda n: "$" + n),
        NAMES.map(lambda n: "${%s}" % n),
        st.tuples(NAMES, st.sampled_from([":-", ":+", ":?", "?", "-", "+", "#", "%", "##", "%%", "/", "//",
                                          ":=", ":#", ":0:1"]), inner)
        .map(lambda t: "${%s%s%s}" % t),
        inner.map(lambda s: '"%s"' % s),
        inner.filter(lambda s: "'" not in s).map(lambda s: "'%s'" % s),
        st.sampled_from(["\\$A", "\\\\", '\\"', "\\'", "\\ ", "$", "*", "?", "}", "{"]),
    )


WORD = st.recursive(TEXT, lambda inner: st.lists(_fragment(inner), min_size=1, max_size=4).map("".join),
                    max_leaves=8)


def _usable(word: str) -> bool:
    # the line parser strips the blanks around the value and treats a final `\` as a line
    # continuation, so such words never reach the lexer as written
    return word == word.strip() and not word.endswith("\\") and "\n" not in word


def _build(eng, text: str, builder: str) -> dict:
    tag = f"expand-live-{next(_counter)}-{builder}"
    with tempfile.TemporaryDirectory(prefix="expand-live-") as tmp:
        Path(tmp, "Dockerfile").write_text(text, encoding="utf-8")
        out = eng.build(tmp, tag, builder=builder)
    try:
        if not out.ok:
            return {"ok": False, "error": out.error}
        return {"ok": True, "config": eng.inspect(tag).get("Config") or {}}
    finally:
        eng.remove_image(tag)
        for step in out.intermediate_ids:
            eng.remove_image(step)


def _check(eng, builder: str, word: str) -> None:
    lines = ["FROM dsim/busybox:1.35", *SETUP, f"ENV W {word}"]
    with_label = not any(ch in word for ch in " \t")
    if with_label:
        lines.append(f"LABEL w={word}")
    real = _build(eng, "\n".join(lines) + "\n", builder)
    lexer = Lexer(features=engine_model(eng.version).features_for(builder))
    try:
        simulated, sim_error = lexer.process_word(word, ENV), None
    except LexError as e:
        simulated, sim_error = None, str(e)
    if not real["ok"]:
        error = real["error"]
        assert "failed to process " in error, f"engine failed outside the lexer: {error}"
        assert sim_error == error[error.index("failed to process "):], (word, builder)
        return
    env = dict(e.split("=", 1) for e in real["config"].get("Env") or [])
    assert {k: env.get(k) for k in ENV} == ENV  # the setup gave the lexer the env we model
    assert sim_error is None, (word, builder, sim_error)
    assert env["W"] == simulated, (word, builder)
    if with_label:
        assert (real["config"].get("Labels") or {}).get("w") == simulated, (word, builder)


@settings(max_examples=60, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(word=WORD.filter(_usable))
def test_live_words_match_engine(engine, word):
    for builder in ("buildkit", "legacy"):
        _check(engine, builder, word)
