"""The lexer's rules for frontends newer than the 20.10 engine's.

No engine here runs those frontends, so the expectations are BuildKit's own test
expectations, restated in these tables (moby/buildkit, frontend/dockerfile/shell/ at
dockerfile/1.26.0: `envVarTest` and `wordsTest` data files, `lex_test.go`
TestShellParserMandatoryEnvVars, TestProcessWithMatches, TestProcessWithMatchesPlatform),
or the Dockerfile reference (frontend/dockerfile/docs/reference.md, "Environment
replacement"). Rules where upstream has no test are marked "source:" with the lex.go
lines they follow.
"""

from __future__ import annotations

import pytest

from simulator.expand import LexError, Lexer
from simulator.versions import NEWEST_FRONTEND, frontend

ERR = object()  # "the lexer must report an error"

NEWEST = Lexer(features=frontend(*NEWEST_FRONTEND))

# ---------------------------------------------------------------- envVarTest (ProcessWord)
# env of TestShellParser4EnvVars
ENV_VAR_TEST_ENV = {"PWD": "/home", "SHELL": "bash", "KOREAN": "한국어", "NULL": ""}
ENV_VAR_TEST = [
    ("hello", "hello"), ("he'll'o", "hello"), ("he'llo", ERR), ("he\\'llo", "he'llo"),
    ("he\\\\'llo", ERR), ("abc\\tdef", "abctdef"), ('"abc\\tdef"', "abc\\tdef"),
    ('"abc\\\\tdef"', "abc\\tdef"), ("'abc\\tdef'", "abc\\tdef"), ("hello\\", "hello"),
    ("hello\\\\", "hello\\"), ('"hello', ERR), ('"hello\\"', ERR), ('"hel\'lo"', "hel'lo"),
    ("'hello", ERR), ("'hello\\'", "hello\\"), ("'hello\\there'", "hello\\there"),
    ('"\'\'"', "''"), ("$.", "$."), ("he$1x", "hex"), ("he$.x", "he$.x"), ("he$pwd.", "he."),
    ("he$PWD", "he/home"), ("he\\$PWD", "he$PWD"), ("he\\\\$PWD", "he\\/home"),
    ('"he\\$PWD"', "he$PWD"), ('"he\\\\$PWD"', "he\\/home"), ("\\${}", "${}"),
    ("he\\${}xx", "he${}xx"), ("${}", ERR), ("he${}xx", ERR), ("he${hi}xx", "hexx"),
    ("he${PWD}", "he/home"), ("he${.}", ERR), ("he${XXX:-000}xx", "he000xx"),
    ("he${PWD:-000}xx", "he/homexx"), ("he${XXX:-$PWD}xx", "he/homexx"),
    ("he${XXX:-${PWD:-yyy}}xx", "he/homexx"), ("he${XXX:-${YYY:-yyy}}xx", "heyyyxx"),
    ("he${XXX:YYY}", ERR), ("he${XXX?}", ERR), ("he${XXX:?}", ERR), ("he${PWD?}", "he/home"),
    ("he${PWD:?}", "he/home"), ("he${NULL?}", "he"), ("he${NULL:?}", ERR),
    ("he${XXX:+${PWD}}xx", "hexx"), ("he${PWD:+${XXX}}xx", "hexx"),
    ("he${PWD:+${SHELL}}xx", "hebashxx"), ("he${XXX:+000}xx", "hexx"),
    ("he${PWD:+000}xx", "he000xx"), ("'he${XX}'", "he${XX}"), ('"he\'$PWD\'"', "he'/home'"),
    ("'\\$PWD'", "\\$PWD"), ("he${PWD", ERR), ("he${PWD:=000}xx", ERR),
    ("he${PWD:+${PWD}:}xx", "he/home:xx"), ("he${XXX:-\\$PWD:}xx", "he$PWD:xx"),
    ("he${XXX:-\\${PWD}z}xx", "he${PWDz}xx"), ("안녕${PWD}", "안녕/home"),
    ("안'녕'하세요", "안녕하세요"), ("$KOREAN", "한국어"), ("${{aaa}", ERR), ("${aaa}}", "}"),
    ("${aaa", ERR), ("${aaa:-bbb}}", "bbb}"), ("${aaa:-bbb", ERR), ("${aaa:-bbb ${foo}", ERR),
    ("${aaa:-bbb {foo}", "bbb {foo"), ("${:}", ERR), ("${:-bbb}", ERR), ("${:+bbb}", ERR),
    ("$1", ""), ("${9:-bbb}", "bbb"), ("$999aaa", "aaa"), ("${001:-bbb}aaa", "bbbaaa"),
    ("$@@@", "@@"), ("${@:-bbb}aaa", "bbbaaa"), ("${#}", ""), ("${#:-bbb}", "bbb"),
    ("${?:+bbb}", ""), ("$$", ""), ("${!:-bbb}", "bbb"), ("$0", ""), ("${0:-bbb}", "bbb"),
]


@pytest.mark.parametrize("fe", [(1, 2), (1, 6), (1, 9), NEWEST_FRONTEND], ids=lambda v: f"1.{v[1]}")
@pytest.mark.parametrize("word,expected", ENV_VAR_TEST)
def test_envvartest(word, expected, fe):
    lexer = Lexer(features=frontend(*fe))
    if expected is ERR:
        with pytest.raises(LexError):
            lexer.process_word(word, ENV_VAR_TEST_ENV)
    else:
        assert lexer.process_word(word, ENV_VAR_TEST_ENV) == expected


# ---------------------------------------------------------------- wordsTest (ProcessWords)
WORDS_ENV = {"hi": "hi", "space": "abc  def", "leading": "  ab c", "trailing": "ab c   "}
WORDS_TEST = [
    ("hello", ["hello"]), ("hello${hi}bye", ["hellohibye"]), ("hello${space}bye", ["helloabc", "defbye"]),
    ('hello"${space}"bye', ["helloabc  defbye"]), ('hello "${space}"bye', ["hello", "abc  defbye"]),
    ("hello${leading}def", ["hello", "ab", "cdef"]), ('hello"${leading}" def', ["hello  ab c", "def"]),
    ("hello${leading}", ["hello", "ab", "c"]), ("hello${trailing}", ["helloab", "c"]),
    ("hello${trailing}d", ["helloab", "c", "d"]), ('hello"${trailing}"d', ["helloab c   d"]),
    ('hel"lo${trailing}"', ["helloab c   "]), ('hello" there  "', ["hello there  "]),
    ("hello there", ["hello", "there"]), ("hello\\ there", ["hello there"]), ('hello" there', ERR),
    ('hello\\" there', ['hello"', "there"]), ('hello"\\\\there"', ["hello\\there"]),
    ('hello"\\there"', ["hello\\there"]), ("hello'\\\\there'", ["hello\\\\there"]),
    ("hello'$there'", ["hello$there"]),
]


@pytest.mark.parametrize("fe", [(1, 2), NEWEST_FRONTEND], ids=lambda v: f"1.{v[1]}")
@pytest.mark.parametrize("word,expected", WORDS_TEST)
def test_wordstest(word, expected, fe):
    lexer = Lexer(features=frontend(*fe))
    env = dict(WORDS_ENV)
    if expected is ERR:
        with pytest.raises(LexError):
            lexer.process_words(word, env)
    else:
        assert lexer.process_words(word, env) == expected


# ---------------------------------------------------------------- TestShellParserMandatoryEnvVars
@pytest.mark.parametrize("word,env,expected", [
    ("${VAR:?message here$ARG}", {"VAR": "plain", "ARG": "x"}, "plain"),
    ("${VAR:?message here$ARG}", {"VAR": "", "ARG": "x"}, "VAR: message herex"),
    ("${VAR:?message here$ARG}", {"ARG": "x"}, "VAR: message herex"),
    ("${VAR?message here$ARG}", {"VAR": "plain", "ARG": "x"}, "plain"),
    ("${VAR?message here$ARG}", {"VAR": "", "ARG": "x"}, ""),
    ("${VAR?message here$ARG}", {"ARG": "x"}, "VAR: message herex"),
])
def test_mandatory_vars(word, env, expected):
    if expected.startswith("VAR: "):
        with pytest.raises(LexError) as info:
            NEWEST.process_word(word, env)
        assert info.value.reason == expected  # upstream checks ErrorContains(message)
        assert str(info.value) == f'failed to process "{word}": {expected}'
    else:
        assert NEWEST.process_word(word, env) == expected


# ---------------------------------------------------------------- TestProcessWithMatches
FX = {"FOO": "xxx", "BAR": ""}
WITH_MATCHES = [
    # (word, env, expected, matched, unmatched)
    ("x", {"DUMMY": "dummy"}, "x", set(), set()),
    ("x ${UNUSED}", {"DUMMY": "dummy"}, "x ", set(), {"UNUSED"}),
    ("x ${FOO}", {"FOO": "y"}, "x y", {"FOO"}, set()),
    ("${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}", FX, "xxx  ccc", {"FOO", "BAR"}, {"BAZ"}),
    ("${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}", FX, "xxx bbb ccc", {"FOO", "BAR"}, {"BAZ"}),
    ("${FOO:-}", FX, "xxx", {"FOO"}, set()),
    ("${FOO:-}", {}, "", set(), {"FOO"}),
    ("${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}", FX, "aaa bbb ", {"FOO", "BAR"}, {"BAZ"}),
    ("${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}", FX, "aaa  ", {"FOO", "BAR"}, {"BAZ"}),
    ("${FOO?aaa}", FX, "xxx", {"FOO"}, set()),
    ("${BAR?bbb}", FX, "", {"BAR"}, set()),
    ("${BAZ?ccc}", FX, ERR, None, None),
    ("${FOO:?aaa}", FX, "xxx", {"FOO"}, set()),
    ("${BAR:?bbb}", FX, ERR, None, None),
    ("${BAZ:?ccc}", FX, ERR, None, None),
    ("${BAZ:?}", FX, ERR, None, None),
    ("${FOO=aaa}", FX, ERR, None, None),
    ("${FOO=:aaa}", FX, ERR, None, None),
    ("${FOO=}", {}, ERR, None, None),
    ("${FOO#()[]{\\}^$.\\*\\?|\\\\}", {"FOO": "()[]{}^$.*?|\\x"}, "x", {"FOO"}, set()),
    ("${FOO%%\\**}", {"FOO": "xx**"}, "xx", {"FOO"}, set()),
    ("${FOO#*x*y}", {"FOO": "xxyy"}, "y", {"FOO"}, set()),
    ("${FOO#*}", {"FOO": "xxyy"}, "xxyy", {"FOO"}, set()),
    ("${FOO#$BAR}", {"FOO": "xxyy", "BAR": "x"}, "xyy", {"FOO", "BAR"}, set()),
    ("${FOO#$BAR}", {"FOO": "xxyy", "BAR": ""}, "xxyy", {"FOO", "BAR"}, set()),
    ("${FOO#}", {"FOO": "xxyy"}, "xxyy", {"FOO"}, set()),
    ("${FOO##*x}", {"FOO": "xxyy"}, "yy", {"FOO"}, set()),
    ("${FOO##}", {"FOO": "xxyy"}, "xxyy", {"FOO"}, set()),
    ("${FOO#?\\?}", {"FOO": "???y"}, "?y", {"FOO"}, set()),
    ("${ABC:-.}${FOO%x}${ABC:-.}", {"FOO": "xxyy"}, ".xxyy.", {"FOO"}, {"ABC"}),
    ("${FOO%%\\**\\*}", {"FOO": "a***yy*"}, "a", {"FOO"}, set()),
    ("${FOO%}", {"FOO": "xxyy"}, "xxyy", {"FOO"}, set()),
    ("${FOO%%$BAR}", {"FOO": "xxyy", "BAR": ""}, "xxyy", {"FOO", "BAR"}, set()),
    ("${FOO:#}", {}, ERR, None, None),
    ("${FOO:##}", {}, ERR, None, None),
    ("${FOO:%}", {}, ERR, None, None),
    ("${FOO:%%}", {}, ERR, None, None),
    ("${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}", {"FOO": "/foo*/*/*.txt", "NEEDLE": "\\*/"},
     "/foo.*/*.txt - /foo..*.txt", {"FOO", "NEEDLE"}, set()),
    ("${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}", {"FOO": "/tmp/tmp/bar.txt", "NEEDLE": "/tmp"},
     "/tmp/bar.txt - /bar.txt", {"FOO", "NEEDLE"}, set()),
    ("${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
     {"FOO": "/a/foo/b/c.txt", "NEEDLE": "/?/", "REPLACEMENT": "/"},
     "/foo/b/c.txt - /foo/c.txt", {"FOO", "NEEDLE", "REPLACEMENT"}, set()),
    ("${FOO/$NEEDLE/$REPLACEMENT}", {"FOO": "http://google.de", "NEEDLE": "http://", "REPLACEMENT": "https://"},
     "https://google.de", {"FOO", "NEEDLE", "REPLACEMENT"}, set()),
    ("${FOO//\\//\\/}", {"FOO": "/tmp/foo.txt"}, "\\/tmp\\/foo.txt", {"FOO"}, set()),
    ("${FOO/$BAR/ww}", {"FOO": "xxyy", "BAR": ""}, "wwxxyy", {"FOO", "BAR"}, set()),
    ("${FOO//ww}", {"FOO": "xxyy"}, ERR, None, None),
    ("${FOO//}", {"FOO": "xxyy"}, ERR, None, None),
    ("${FOO///}", {"FOO": "xxyy"}, "xxyy", {"FOO"}, set()),
    ("${FOO///}", {}, "", set(), {"FOO"}),
]


@pytest.mark.parametrize("word,env,expected,matched,unmatched", WITH_MATCHES)
def test_process_with_matches(word, env, expected, matched, unmatched):
    if expected is ERR:
        with pytest.raises(LexError):
            NEWEST.expand(word, env)
        return
    result = NEWEST.expand(word, env)
    assert result.value == expected
    assert result.matched == matched
    assert result.unmatched == unmatched
    assert NEWEST.process_word_with_matches(word, env) == (expected, frozenset(matched))


RELEASE = "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz"


@pytest.mark.parametrize("extra,expected", [
    ({"TARGETARCH": "arm", "TARGETVARIANT": "v7"}, "something-v1.2.3.linux-arm-v7.tar.gz"),
    ({"TARGETARCH": "arm64", "TARGETVARIANT": ""}, "something-v1.2.3.linux-arm64.tar.gz"),
    ({"TARGETARCH": "arm64"}, "something-v1.2.3.linux-arm64.tar.gz"),
])
def test_process_with_matches_platform(extra, expected):
    env = {"VERSION": "v1.2.3", "TARGETOS": "linux", **extra}
    assert NEWEST.process_word(RELEASE, env) == expected


# ---------------------------------------------------------------- what changed between frontends
def _outcome(fe, word, env):
    try:
        return Lexer(features=frontend(*fe)).process_word(word, env)
    except LexError as e:
        return ("error", e.reason)


@pytest.mark.parametrize("word,env,expected_by_version", [
    # colon-less - and + arrive in 1.6.0 (580eb93, whose lex_test rows are restated above);
    # before, the old parser says "missing ':'" (recorded on the 20.10 engine, see
    # test_expand_engine.py)
    ("${U-x}", {}, {(1, 5): ("error", "missing ':' in substitution"), (1, 6): "x"}),
    ("${A+x}", {"A": ""}, {(1, 5): ("error", "missing ':' in substitution"), (1, 6): "x"}),
    # trimming and substitution arrive in 1.7.0 (4f459a4, 9a3f9f3)
    ("${F%.*}", {"F": "a.b.c"}, {(1, 6): ("error", "unsupported modifier (%) in substitution"),
                                 (1, 7): "a.b"}),
    ("${F/b/x}", {"F": "a.b.c"}, {(1, 6): ("error", "unsupported modifier (/) in substitution"),
                                  (1, 7): "a.x.c"}),
    # `:#` is rejected from 1.10.0 (9749c52, lex_test rows restated above); source: in 1.7-1.9
    # the `:` case falls through to the `#` trimming code
    ("${F:#a.}", {"F": "a.b"}, {(1, 9): "b", (1, 10): ("error", "unsupported modifier (:#) in substitution")}),
])
def test_version_differences(word, env, expected_by_version):
    for fe, expected in expected_by_version.items():
        assert _outcome(fe, word, env) == expected, fe


def test_empty_trim_pattern_crash_window():
    # source: `word[0]` on an empty word panics in 1.7.0-1.8.0; guarded from 1.8.1 (de3e9c4,
    # which added the `${FOO#}` -> "xxyy" row of TestProcessWithMatches)
    with pytest.raises(LexError):
        Lexer(features=frontend(1, 7)).process_word("${FOO#}", {"FOO": "xxyy"})
    assert Lexer(features=frontend(1, 8)).process_word("${FOO#}", {"FOO": "xxyy"}) == "xxyy"


def test_shared_words_buffer_from_1_9():
    # source: from 1.9.0 (0cdb0e3/f0563a5) every processStopOn resets the one
    # shellWord.wordsBuffer, so a `${v:-w}` inside a field drops the field's earlier text
    # (ProcessWords, i.e. EXPOSE). Unverified against a running 1.9+ frontend.
    word = "8${U:-0}80"
    assert Lexer(features=frontend(1, 8)).process_words(word, {}) == ["8080"]
    assert Lexer(features=frontend(1, 9)).process_words(word, {}) == ["080"]
    # ProcessWord (everything but EXPOSE) is not affected
    assert Lexer(features=frontend(1, 9)).process_word(word, {}) == "8080"


def test_heredoc_marker_word_from_1_16():
    # source: processPossibleHeredoc (1.16.0, 0b77373) keeps `<<` and the blanks after it
    # in the same field
    assert Lexer(features=frontend(1, 15)).process_words("cat << EOF", {}) == ["cat", "<<", "EOF"]
    assert Lexer(features=frontend(1, 16)).process_words("cat << EOF", {}) == ["cat", "<< EOF"]


# ---------------------------------------------------------------- modes
@pytest.mark.parametrize("body,expected", [
    ("Hello ${name}!\n", "Hello world!\n"),
    ("Hello '${name}'!\n", "Hello 'world'!\n"),
    ('Hello "${name}"!\n', 'Hello "world"!\n'),
])
def test_raw_mode_keeps_quotes(body, expected):
    # ExpandRaw of COPY heredoc bodies (convert.go: NewLex('\\') with SkipProcessQuotes);
    # expectations of dockerfile_heredoc_test.go testHeredocVarSubstitution, files c1, q1, q2
    assert NEWEST.raw().process_word(body, {"name": "world"}) == expected
    assert Lexer(escape="`").raw().process_word(body, {"name": "world"}) == expected


def test_skip_unset_env_keeps_references():
    # source: lex.go's SkipUnsetEnv branches return the reference as written (used by
    # convert.go for RUN progress names); RawQuotes keeps the quote characters
    lexer = Lexer(features=frontend(*NEWEST_FRONTEND), raw_quotes=True, skip_unset_env=True)
    assert lexer.process_word("a${U}b$U ${U:-x}", {}) == "a${U}b$U ${U:-x}"
    assert lexer.process_word("'a'\"$X\"", {"X": "1"}) == "'a'\"1\""


def test_bad_escape_token():
    with pytest.raises(ValueError):
        Lexer(escape="x")
