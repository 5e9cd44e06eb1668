"""Finding heredoc markers (`<<EOF`, `<<-"EOF"`, `2<<EOF`) in an instruction line.

BuildKit splits the whole line into shell words with its word lexer, quotes and escapes
kept and no variable replaced, and takes each word that is entirely `[digits]<<[-]NAME`
as a heredoc. The name is then read as a word on its own: if quoting changed it, the
body is not expanded later. This module reproduces that lexer for the one setting the
parser uses it in (no environment: every `$name` stays as written).
"""

from __future__ import annotations

import re
import unicodedata

import attrs

from simulator.parser.gosemantics import is_space

_MARKER = re.compile(r"^([0-9]*)<<(-?)([^<]*)\Z")


class LexError(Exception):
    pass


@attrs.frozen
class Marker:
    name: str
    fd: int
    chomp: bool
    expand: bool


class _Words:
    __slots__ = ("words", "word", "in_word")

    def __init__(self):
        self.words: list[str] = []
        self.word: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if is_space(ch):
            if self.in_word and self.word:
                self.words.append("".join(self.word))
                self.word = []
                self.in_word = False
        else:
            self.add_raw(ch)

    def add_raw(self, s: str) -> None:
        self.word.append(s)
        self.in_word = True

    def add_string(self, s: str) -> None:
        for ch in s:
            self.add_char(ch)

    def finish(self) -> list[str]:
        if self.word:
            self.words.append("".join(self.word))
            self.word = []
        return self.words


class _Lexer:
    """BuildKit's shell word lexer with an empty environment and SkipUnsetEnv."""

    def __init__(self, text: str, raw_quotes: bool, raw_escapes: bool, escape: str = "\\"):
        self.s = text
        self.i = 0
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.esc = escape

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def next(self) -> str:
        if self.i < len(self.s):
            ch = self.s[self.i]
            self.i += 1
            return ch
        return ""

    def words(self) -> list[str]:
        return self._until("")[1]

    def _until(self, stop: str) -> tuple[str, list[str]]:
        out: list[str] = []
        words = _Words()
        while self.peek() != "":
            ch = self.peek()
            if stop and ch == stop:
                self.next()
                return "".join(out), words.finish()
            if ch == "$":
                tmp = self._dollar()
                out.append(tmp)
                words.add_string(tmp)
            elif ch == "'":
                tmp = self._single()
                out.append(tmp)
                words.add_raw(tmp)
            elif ch == '"':
                tmp = self._double()
                out.append(tmp)
                words.add_raw(tmp)
            else:
                ch = self.next()
                if ch == self.esc:
                    if self.raw_escapes:
                        words.add_raw(ch)
                        out.append(ch)
                    ch = self.next()
                    if ch == "":
                        break
                    words.add_raw(ch)
                else:
                    words.add_char(ch)
                out.append(ch)
        if stop:
            raise LexError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(out), words.finish()

    def _single(self) -> str:
        out = []
        ch = self.next()
        if self.raw_quotes:
            out.append(ch)
        while True:
            ch = self.next()
            if ch == "":
                raise LexError("unexpected end of statement while looking for matching single-quote")
            if ch == "'":
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            out.append(ch)

    def _double(self) -> str:
        out = []
        ch = self.next()
        if self.raw_quotes:
            out.append(ch)
        while True:
            p = self.peek()
            if p == "":
                raise LexError("unexpected end of statement while looking for matching double-quote")
            if p == '"':
                ch = self.next()
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if p == "$":
                out.append(self._dollar())
                continue
            ch = self.next()
            if ch == self.esc:
                if self.raw_escapes:
                    out.append(ch)
                p = self.peek()
                if p == "":
                    continue
                if p in ('"', "$", self.esc):
                    ch = self.next()
            out.append(ch)

    def _name(self) -> str:
        out = []
        while self.peek() != "":
            ch = self.peek()
            if not out and unicodedata.category(ch) == "Nd":
                while self.peek() != "" and unicodedata.category(self.peek()) == "Nd":
                    out.append(self.next())
                return "".join(out)
            if not out and ch in "@*#?-$!0":
                return self.next()
            if not (ch.isalpha() or unicodedata.category(ch) == "Nd" or ch == "_"):
                break
            out.append(self.next())
        return "".join(out)

    def _dollar(self) -> str:
        self.next()
        if self.peek() != "{":
            name = self._name()
            return "$" + name if name else "$"
        self.next()
        p = self.peek()
        if p == "":
            raise LexError("syntax error: missing '}'")
        if p in "{}:":
            raise LexError("syntax error: bad substitution")
        name = self._name()
        ch = self.next()
        mod = ch if ch else "\ufffd"
        if ch == "}":
            return "${" + name + "}"
        if ch == ":":
            ch2 = self.next()
            mod += ch2 if ch2 else "\ufffd"
            ch = ch2
        elif ch not in ("+", "-", "?"):
            raise LexError(f"unsupported modifier ({mod}) in substitution")
        try:
            word, _ = self._until("}")
        except LexError:
            if self.peek() == "":
                raise LexError("syntax error: missing '}'") from None
            raise
        return "${" + name + mod + word + "}"


def _process_words(text: str, raw_quotes: bool, raw_escapes: bool) -> list[str]:
    return _Lexer(text, raw_quotes, raw_escapes).words()


def marker_from_word(word: str) -> Marker | None:
    """ParseHeredoc: the heredoc a single word declares, or None."""
    m = _MARKER.match(word)
    if not m:
        return None
    fd = min(int(m.group(1)), 2**64 - 1) if m.group(1) else 0
    chomp = m.group(2) == "-"
    rest = m.group(3)
    if not rest:
        return None
    try:
        plain = _process_words(rest, raw_quotes=False, raw_escapes=False)
        if len(plain) != 1:
            return None
        raw = _process_words(rest, raw_quotes=True, raw_escapes=False)
    except LexError as e:
        raise LexError(f"failed to process {_quote(rest)}: {e}") from None
    if len(raw) != len(plain):
        raise LexError(f"internal lexing of heredoc produced inconsistent results: {rest}")
    name = plain[0]
    expand = (name.count("'") + name.count('"')) == (raw[0].count("'") + raw[0].count('"'))
    return Marker(name=name, fd=fd, chomp=chomp, expand=expand)


def markers_in_line(line: str) -> list[Marker]:
    """heredocsFromLine: every heredoc marker of a logical line, in order."""
    try:
        words = _process_words(line, raw_quotes=True, raw_escapes=True)
    except LexError:
        return []
    out = []
    for w in words:
        mk = marker_from_word(w)
        if mk is not None:
            out.append(mk)
    return out


def _quote(s: str) -> str:
    from simulator.parser.gosemantics import go_quote

    return go_quote(s)
