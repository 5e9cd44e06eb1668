"""Finding heredoc markers (`<<EOF`, `<<-"EOF"`, `2<<EOF`) in an instruction line.

BuildKit splits the whole line into shell words with its word lexer (simulator/expand.py),
quotes and escapes kept and no variable replaced, and takes each word that is entirely
`[digits]<<[-]NAME` as a heredoc. The name is then read as a word on its own: if quoting
changed it, the body is not expanded later.
"""

from __future__ import annotations

import re

import attrs

from simulator.versions import frontend

# The parser's own word lexer is that of the BuildKit release whose parser is modelled
# (v0.12.5, Dockerfile frontend 1.6: `-`, `+`, `?` with or without `:`).
_PARSER_LEXER = frontend(1, 6)

_MARKER = re.compile(r"^([0-9]*)<<(-?)([^<]*)\Z")


class LexError(Exception):
    pass


@attrs.frozen
class Marker:
    name: str
    fd: int
    chomp: bool
    expand: bool


def _process_words(text: str, raw_quotes: bool, raw_escapes: bool) -> list[str]:
    from simulator.errors import ExpansionError
    from simulator.expand import Lexer

    lexer = Lexer(escape="\\", features=_PARSER_LEXER, raw_quotes=raw_quotes,
                  raw_escapes=raw_escapes, skip_unset_env=True)
    try:
        return lexer.process_words(text, {})
    except ExpansionError as e:
        raise LexError(_bare(str(e))) from None


def _bare(message: str) -> str:
    """The lexer's message without its `failed to process "...": ` prefix."""
    head, sep, tail = message.partition(": ")
    return tail if sep and head.startswith("failed to process") else message


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
