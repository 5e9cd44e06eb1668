"""Build-time variable expansion: the Dockerfile shell-word lexer.

This models BuildKit's `frontend/dockerfile/shell` lexer (which the classic builder
vendors too): quotes, the escape character, `$name` and `${name...}` with the modifiers
the modelled frontend version knows, and field splitting for EXPOSE. It is a word
expander, not a shell: nothing is executed, there is no globbing, no command
substitution, and an unset variable expands to "".

Differences between frontend versions are switched by `simulator.versions.FeatureSet`.
Errors are `LexError` (an `ExpansionError`) with BuildKit's own message, wrapped the way
BuildKit wraps it: `failed to process "<word>": <reason>`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Mapping

import attrs

from simulator.build.gostr import quote as go_quote
from simulator.errors import ExpansionError
from simulator.versions import NEWEST_FRONTEND, FeatureSet, frontend as _frontend

_EOF = None
#: what Go prints for the EOF rune (-1) through string(rune) or %c: U+FFFD
_EOF_TEXT = "\ufffd"

#: Go's unicode.IsSpace: the Unicode White_Space property.
_GO_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)
#: POSIX special parameters: `$@`, `$#`, ... name one character each (never set here).
_SPECIAL_PARAMS = frozenset("@*#?-$!0")


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def _is_digit(ch: str) -> bool:
    return unicodedata.category(ch) == "Nd"


class LexError(ExpansionError):
    """A word that cannot be expanded; `reason` is the bare message, `word` the input."""

    def __init__(self, word: str, reason: str):
        super().__init__(f"failed to process {go_quote(word)}: {reason}")
        self.word = word
        self.reason = reason


class _Fail(Exception):
    """Internal: an expansion error before it is wrapped with the word."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@attrs.frozen
class Expansion:
    """The outcome of expanding one word."""

    value: str  # the word, quotes removed, variables replaced
    words: tuple[str, ...]  # the same, split into fields (what EXPOSE uses)
    matched: frozenset[str]  # names read that were set
    unmatched: frozenset[str]  # names read that were not set


class _Scanner:
    """Go's text/scanner as the lexer uses it: Peek/Next one character; a leading BOM is skipped."""

    __slots__ = ("text", "pos")

    def __init__(self, text: str):
        self.text = text
        self.pos = 1 if text.startswith("\ufeff") else 0

    def peek(self) -> str | None:
        return self.text[self.pos] if self.pos < len(self.text) else _EOF

    def next(self) -> str | None:
        if self.pos < len(self.text):
            ch = self.text[self.pos]
            self.pos += 1
            return ch
        return _EOF


class _Words:
    """Field splitting (`wordsStruct`): unquoted white space ends a field, quoted text never does.

    `buf` is a one-element list holding the field in progress; from frontend 1.9 all nested
    word readers of one expansion share it (see FeatureSet.shared_words_buffer)."""

    __slots__ = ("buf", "words", "in_word")

    def __init__(self, buf: list[str]):
        self.buf = buf
        self.words: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if ch in _GO_SPACE:
            if self.in_word and self.buf[0]:
                self.words.append(self.buf[0])
                self.buf[0] = ""
                self.in_word = False
        else:
            self.add_raw(ch)

    def add_raw(self, text: str) -> None:
        self.buf[0] += text
        self.in_word = True

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def finish(self) -> list[str]:
        if self.buf[0]:
            self.words.append(self.buf[0])
            self.buf[0] = ""
            self.in_word = False
        return self.words


class _Word:
    """The state of one expansion (BuildKit's `shellWord`)."""

    def __init__(self, lexer: "Lexer", text: str, env: Mapping[str, str]):
        self.lx = lexer
        self.f = lexer.features
        self.esc = lexer.escape
        self.sc = _Scanner(text)
        self.env = env
        self.raw_escapes = lexer.raw_escapes
        self.matched: set[str] = set()
        self.unmatched: set[str] = set()
        self.shared_buf = [""]

    # -- helpers
    def get_env(self, name: str) -> tuple[str, bool]:
        if name in self.env:
            self.matched.add(name)
            return self.env[name], True
        self.unmatched.add(name)
        return "", False

    def stop_on(self, stop: str | None, raw_escapes: bool | None = None) -> tuple[str, list[str]]:
        """Read up to `stop` (consumed) or the end (stop None): `processStopOn`."""
        saved = self.raw_escapes
        if raw_escapes is not None:
            self.raw_escapes = raw_escapes
        try:
            return self._stop_on(stop)
        finally:
            self.raw_escapes = saved

    def _stop_on(self, stop: str | None) -> tuple[str, list[str]]:
        sc = self.sc
        if self.f.shared_words_buffer:
            self.shared_buf[0] = ""
            words = _Words(self.shared_buf)
        else:
            words = _Words([""])
        out: list[str] = []
        handlers: dict[str, Callable[[], str]] = {"$": self.dollar}
        if self.f.heredoc_marker_word:
            handlers["<"] = self.possible_heredoc
        if not self.lx.skip_process_quotes:
            handlers["'"] = self.single_quote
            handlers['"'] = self.double_quote
        while (ch := sc.peek()) is not _EOF:
            if stop is not None and ch == stop:
                sc.next()
                return "".join(out), words.finish()
            fn = handlers.get(ch)
            if fn is not None:
                tmp = fn()
                out.append(tmp)
                if ch == "$":
                    words.add_string(tmp)
                else:
                    words.add_raw(tmp)
                continue
            ch = sc.next()
            if ch == self.esc:
                if self.raw_escapes:
                    words.add_raw(ch)
                    out.append(ch)
                ch = sc.next()
                if ch is _EOF:
                    break  # an escape at the very end is dropped
                words.add_raw(ch)
            else:
                words.add_char(ch)
            out.append(ch)
        if stop is not None:
            raise _Fail(f"unexpected end of statement while looking for matching {stop}")
        return "".join(out), words.finish()

    def single_quote(self) -> str:
        sc = self.sc
        out: list[str] = []
        ch = sc.next()
        if self.lx.raw_quotes:
            out.append(ch)
        while True:
            ch = sc.next()
            if ch is _EOF:
                raise _Fail("unexpected end of statement while looking for matching single-quote")
            if ch == "'":
                if self.lx.raw_quotes:
                    out.append(ch)
                return "".join(out)
            out.append(ch)

    def double_quote(self) -> str:
        sc = self.sc
        out: list[str] = []
        ch = sc.next()
        if self.lx.raw_quotes:
            out.append(ch)
        while True:
            nxt = sc.peek()
            if nxt is _EOF:
                raise _Fail("unexpected end of statement while looking for matching double-quote")
            if nxt == '"':
                ch = sc.next()
                if self.lx.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if nxt == "$":
                out.append(self.dollar())
                continue
            ch = sc.next()
            if ch == self.esc:
                if self.raw_escapes:
                    out.append(ch)
                after = sc.peek()
                if after is _EOF:
                    continue  # loops to the unterminated-quote error
                if after in ('"', "$", self.esc):
                    ch = sc.next()
            out.append(ch)

    def name(self) -> str:
        """A variable name: digits (positional), one special-parameter char, or letters/digits/_."""
        sc = self.sc
        out: list[str] = []
        while (ch := sc.peek()) is not _EOF:
            if not out and _is_digit(ch):
                while (d := sc.peek()) is not _EOF and _is_digit(d):
                    out.append(sc.next())
                return "".join(out)
            if not out and ch in _SPECIAL_PARAMS:
                return sc.next()
            if not (_is_letter(ch) or _is_digit(ch) or ch == "_"):
                break
            out.append(sc.next())
        return "".join(out)

    def possible_heredoc(self) -> str:
        sc = self.sc
        sc.next()
        if sc.peek() != "<":
            return "<"
        sc.next()
        space: list[str] = []
        while (ch := sc.peek()) in ("\t", "\r", " "):
            space.append(ch)
            sc.next()
        return "<<" + "".join(space)

    # -- $ and ${...}
    def dollar(self) -> str:
        sc = self.sc
        sc.next()
        if sc.peek() != "{":
            name = self.name()
            if name == "":
                return "$"
            value, found = self.get_env(name)
            if not found and self.lx.skip_unset_env:
                return "$" + name
            return value
        sc.next()
        nxt = sc.peek()
        if nxt is _EOF:
            raise _Fail("syntax error: missing '}'")
        if nxt in ("{", "}", ":"):
            raise _Fail("syntax error: bad substitution")
        name = self.name()
        ch = sc.next()
        if ch == "}":
            value, found = self.get_env(name)
            if not found and self.lx.skip_unset_env:
                return "${%s}" % name
            return value
        if self.f.colonless_modifiers:
            return self._modifier(name, ch)
        return self._modifier_old(name, ch)

    def _word_until_brace(self, raw_escapes: bool | None = None) -> str:
        try:
            word, _ = self.stop_on("}", raw_escapes)
        except _Fail:
            if self.sc.peek() is _EOF:
                raise _Fail("syntax error: missing '}'") from None
            raise
        return word

    @staticmethod
    def _required(name: str, word: str, default: str) -> _Fail:
        return _Fail(f"{name}: {word or default}")

    def _modifier_old(self, name: str, ch: str | None) -> str:
        """Frontends up to 1.5 (the 20.10 engine): only `${v?w}` and `${v:X...}`."""
        skip = self.lx.skip_unset_env
        if ch == "?" and self.f.required_modifier:
            word = self._word_until_brace()
            value, found = self.get_env(name)
            if not found:
                if skip:
                    return "${%s?%s}" % (name, word)
                raise self._required(name, word, "is not allowed to be unset")
            return value
        if ch == ":":
            modifier = self.sc.next()
            word = self._word_until_brace()
            value, found = self.get_env(name)
            if modifier == "+":
                if not found and skip:
                    return "${%s:+%s}" % (name, word)
                return word if value != "" else value
            if modifier == "-":
                if not found and skip:
                    return "${%s:-%s}" % (name, word)
                return word if value == "" else value
            if modifier == "?" and self.f.required_modifier:
                if not found:
                    if skip:
                        return "${%s:?%s}" % (name, word)
                    raise self._required(name, word, "is not allowed to be unset")
                if value == "":
                    raise self._required(name, word, "is not allowed to be empty")
                return value
            raise _Fail(f"unsupported modifier ({modifier if modifier is not _EOF else _EOF_TEXT}) in substitution")
        raise _Fail("missing ':' in substitution")

    def _modifier(self, name: str, ch: str | None) -> str:
        """Frontends 1.6 and later."""
        sc, f, skip = self.sc, self.f, self.lx.skip_unset_env
        chs = ch if ch is not _EOF else _EOF_TEXT
        null_is_unset = False
        simple = {"+", "-", "?"}
        if f.trim_modifiers:
            simple |= {"#", "%"}
        if ch == ":" or ch in simple:
            if ch == ":":
                null_is_unset = True
                ch = sc.next()
                chs += ch if ch is not _EOF else _EOF_TEXT
            raw = f.trim_modifiers and ch in ("#", "%")
            if null_is_unset and raw and f.colon_trim_rejected:
                raise _Fail(f"unsupported modifier ({chs}) in substitution")
            # from 1.7 the nested word sets its own escape mode; before, it inherits it
            word = self._word_until_brace(raw if f.trim_modifiers else None)
            value, is_set = self.get_env(name)
            if skip and not is_set:
                return "${%s%s%s}" % (name, chs, word)
            empty = not is_set or (null_is_unset and value == "")
            if ch == "-":
                return word if empty else value
            if ch == "+":
                return "" if empty else word
            if ch == "?":
                if not is_set:
                    raise self._required(name, word, "is not allowed to be unset")
                if null_is_unset and value == "":
                    raise self._required(name, word, "is not allowed to be empty")
                return value
            if raw:
                greedy = False
                if word.startswith(ch):
                    greedy, word = True, word[1:]
                elif word == "" and f.empty_trim_pattern_crashes:
                    raise _Fail(
                        "the dockerfile frontend crashes here (index out of range [0] with length 0); "
                        "the real error text is not modelled"
                    )
                if ch == "%":
                    return _trim_suffix(word, value, greedy)
                return _trim_prefix(word, value, greedy)
            raise _Fail(f"unsupported modifier ({chs}) in substitution")
        if ch == "/" and f.substitution:
            return self._substitute(name)
        raise _Fail(f"unsupported modifier ({chs}) in substitution")

    def _substitute(self, name: str) -> str:
        sc = self.sc
        replace_all = sc.peek() == "/"
        if replace_all:
            sc.next()
        try:
            pattern, _ = self.stop_on("/", True)
        except _Fail:
            if sc.peek() is _EOF:
                raise _Fail("syntax error: missing '/' in ${}") from None
            raise
        replacement = self._word_until_brace(True)
        value, is_set = self.get_env(name)
        if self.lx.skip_unset_env and not is_set:
            return "${%s/%s/%s}" % (name, pattern, replacement)
        regex = _pattern_regex(pattern, greedy=True, anchored=False)
        if replace_all:
            return _go_replace_all(regex, value, replacement)
        m = regex.search(value)
        if m:
            value = value[: m.start()] + replacement + value[m.end():]
        return value


# ---------------------------------------------------------------- shell patterns (`#`, `%`, `/`)

_REGEX_META = frozenset("[]{}.+()|^$")


def _pattern_regex(pattern: str, greedy: bool, anchored: bool) -> re.Pattern[str]:
    """A shell pattern with `*`, `?` and `\\` escapes (no brackets) as a regular expression.
    A `\\` before `}` or `/` only kept that character inside `${...}` and is dropped."""
    sc = _Scanner(pattern)
    out: list[str] = ["^"] if anchored else []
    star = ".*" if greedy else ".*?"
    while (tok := sc.next()) is not _EOF:
        if tok == "*":
            out.append(star)
        elif tok == "?":
            out.append(".")
        elif tok == "\\":
            if sc.peek() in ("}", "/"):
                continue
            tok = sc.next()
            if tok not in ("*", "?", "\\"):
                shown = tok if tok is not _EOF else _EOF_TEXT
                raise _Fail(f"invalid pattern ({pattern}) in substitution: invalid escape '\\{shown}'")
            out.append(re.escape(tok))
        elif tok in _REGEX_META:
            out.append("\\" + tok)
        else:
            out.append(re.escape(tok))
    return re.compile("".join(out))


def _trim_prefix(pattern: str, value: str, greedy: bool) -> str:
    m = _pattern_regex(pattern, greedy, anchored=True).match(value)
    return value[m.end():] if m else value


def _reverse_pattern(pattern: str) -> str:
    """Reverse a pattern but keep each `\\x` escape pair in order (`a\\*c` -> `c\\*a`)."""
    out: list[str] = []
    i, last = 0, len(pattern) - 1
    while i <= last:
        if pattern[i] == "\\" and i != last:
            out.append(pattern[i : i + 2])
            i += 2
        else:
            out.append(pattern[i])
            i += 1
    return "".join(reversed(out))


def _trim_suffix(pattern: str, value: str, greedy: bool) -> str:
    # the shortest or longest match at the end = a match at the start of the reversed text;
    # an invalid pattern's error names the reversed pattern, as BuildKit's does
    return _trim_prefix(_reverse_pattern(pattern), value[::-1], greedy)[::-1]


def _go_replace_all(regex: re.Pattern[str], src: str, template: str) -> str:
    """Go's Regexp.ReplaceAllString: `$0`/`${0}` in the replacement is the match, `$$` a `$`,
    other `$name` empty; an empty match right after a match is not replaced."""
    out: list[str] = []
    last_end = 0
    pos = 0
    n = len(src)
    while pos <= n:
        m = regex.search(src, pos)
        if not m:
            break
        out.append(src[last_end : m.start()])
        if m.end() > last_end or m.start() == 0:
            out.append(_go_template(template, m.group(0)))
        last_end = m.end()
        if pos + 1 > m.end():
            pos += 1
        else:
            pos = m.end()
    out.append(src[last_end:])
    return "".join(out)


def _go_template(template: str, match: str) -> str:
    out: list[str] = []
    i, n = 0, len(template)
    while i < n:
        j = template.find("$", i)
        if j < 0:
            break
        out.append(template[i:j])
        i = j + 1
        if i < n and template[i] == "$":
            out.append("$")
            i += 1
            continue
        k = i
        brace = k < n and template[k] == "{"
        if brace:
            k += 1
        start = k
        while k < n and (_is_letter(template[k]) or _is_digit(template[k]) or template[k] == "_"):
            k += 1
        name = template[start:k]
        if not name or (brace and (k >= n or template[k] != "}")):
            out.append("$")  # malformed: the `$` is kept as text
            continue
        if brace:
            k += 1
        i = k
        if name == "0":
            out.append(match)
        # any other number or name refers to a group the pattern never has: empty
    out.append(template[i:])
    return "".join(out)


# ---------------------------------------------------------------- the public lexer


@attrs.frozen
class Lexer:
    """BuildKit's word lexer for one escape character and frontend version.

    `raw_quotes` keeps quote characters, `raw_escapes` keeps escape characters,
    `skip_process_quotes` treats quotes as plain text (the ExpandRaw mode of COPY/ADD
    heredocs) and `skip_unset_env` leaves references to unset names as written."""

    escape: str = "\\"
    features: FeatureSet = attrs.field(factory=lambda: _frontend(*NEWEST_FRONTEND))
    raw_quotes: bool = False
    raw_escapes: bool = False
    skip_process_quotes: bool = False
    skip_unset_env: bool = False

    def __attrs_post_init__(self) -> None:
        if self.escape not in ("\\", "`"):
            raise ValueError(f"invalid escape token '{self.escape}' does not match ` or \\")

    def expand(self, word: str, env: Mapping[str, str]) -> Expansion:
        """Expand `word`: the value, its fields and the names read. Raises LexError."""
        state = _Word(self, word, env)
        try:
            value, words = state.stop_on(None)
        except _Fail as e:
            raise LexError(word, e.reason) from None
        except RecursionError:
            # Docker has no such limit; the simulator says so instead of guessing
            raise LexError(word, "the simulator cannot expand ${...} nested this deeply "
                                 "(a limit of the simulator, not of Docker)") from None
        return Expansion(value, tuple(words), frozenset(state.matched), frozenset(state.unmatched))

    def process_word(self, word: str, env: Mapping[str, str]) -> str:
        """`ProcessWord`: quotes removed, variables replaced, no field splitting."""
        return self.expand(word, env).value

    def process_words(self, word: str, env: Mapping[str, str]) -> list[str]:
        """`ProcessWords`: expanded and split into fields (EXPOSE)."""
        return list(self.expand(word, env).words)

    def process_word_with_matches(self, word: str, env: Mapping[str, str]) -> tuple[str, frozenset[str]]:
        """The expanded word and the names it read that were set (for unused-ARG warnings)."""
        result = self.expand(word, env)
        return result.value, result.matched

    def raw(self) -> "Lexer":
        """The ExpandRaw lexer of COPY/ADD heredoc bodies: quotes are text, `\\` escapes
        (whatever the Dockerfile's escape directive; convert.go builds `NewLex('\\\\')`)."""
        return attrs.evolve(self, escape="\\", raw_quotes=False, raw_escapes=False,
                            skip_process_quotes=True, skip_unset_env=False)


def expand_raw(text: str, env: Mapping[str, str], features: FeatureSet | None = None) -> str:
    """Expand a COPY/ADD heredoc body the way BuildKit's ExpandRaw does (quotes kept)."""
    lexer = Lexer(features=features) if features is not None else Lexer()
    return lexer.raw().process_word(text, env)
