"""Arbitrary input never makes the lexer fail with anything but its own clean error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.errors import ExpansionError
from simulator.expand import LexError, Lexer
from simulator.versions import frontend

# words built mostly from the characters the lexer treats specially
SPECIAL = st.sampled_from(list("${}:-+?#%/\\`'\" \t<*.!@0123456789") + ["A", "U", "E", "é", "\ufeff", "\x00"])
WORDS = st.one_of(st.text(), st.lists(SPECIAL, max_size=30).map("".join))
ENV = st.dictionaries(st.sampled_from(["A", "E", "U", "é", "1", "#"]), st.text(max_size=8), max_size=4)
FRONTENDS = st.sampled_from([(1, 2), (1, 5), (1, 6), (1, 7), (1, 8), (1, 9), (1, 10), (1, 15), (1, 16), (1, 26)])


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(word=WORDS, env=ENV, fe=FRONTENDS, escape=st.sampled_from(["\\", "`"]),
       raw_quotes=st.booleans(), raw_escapes=st.booleans(), skip_quotes=st.booleans(), skip_unset=st.booleans())
def test_only_clean_errors(word, env, fe, escape, raw_quotes, raw_escapes, skip_quotes, skip_unset):
    lexer = Lexer(escape=escape, features=frontend(*fe), raw_quotes=raw_quotes, raw_escapes=raw_escapes,
                  skip_process_quotes=skip_quotes, skip_unset_env=skip_unset)
    try:
        result = lexer.expand(word, env)
    except LexError as e:
        assert isinstance(e, ExpansionError)
        assert str(e).startswith("failed to process \"") and e.reason
        return
    assert isinstance(result.value, str)
    assert all(isinstance(w, str) and w for w in result.words)
    assert result.matched <= set(env) and not (result.unmatched & set(env))


@settings(max_examples=300, deadline=None)
@given(word=st.text(alphabet=st.characters(blacklist_characters="$'\"\\<"), max_size=40))
def test_words_without_specials_pass_through(word):
    # with no `$`, quote or escape character the word is returned unchanged (lex.go: every
    # other rune is written to the result as read)
    assert Lexer().process_word(word.lstrip("\ufeff"), {}) == word.lstrip("\ufeff")
