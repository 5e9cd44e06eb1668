"""One logical line -> (keyword, flags, arguments), step by step as BuildKit's Go does it.

The grammar (grammar/dockerfile.lark) is the parser's main path. This module holds the
few steps whose Go code walks *bytes* rather than characters (BuildKit's
extractBuilderFlags and parseHealthConfig test `unicode.IsSpace(rune(b))` on each byte,
so the bytes 0x85 and 0xA0 inside a multi-byte character split a word, and each byte
>= 0x80 becomes a character of its own). The reader uses it for lines whose flags or
HEALTHCHECK type hold non-ASCII text, and to decide, before the grammar runs, whether a
line can own heredocs. Every function here is small and written after the Go code's
behaviour, not its text.
"""

from __future__ import annotations

import attrs

from simulator.parser.gosemantics import (
    ASCII_SEP,
    NotStringArray,
    decode_json_array,
    go_quote,
    is_space,
    trim_space,
)


class LineError(Exception):
    """A fault BuildKit's parser reports for one instruction line."""


@attrs.frozen
class LineParse:
    cmd: str
    flags: tuple[str, ...]
    value: tuple[str, ...]
    json: bool = False
    sub: "LineParse | None" = None


_BYTE_SPACES = frozenset(b"\t\n\v\f\r \x85\xa0")


def _to_bytes(s: str) -> bytes:
    return s.encode("utf-8", "surrogateescape")


def _from_bytes(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def extract_flags(line: str) -> tuple[str, list[str]]:
    """The `--flag` words at the start of `line`, and the rest of it.

    Walks bytes, as BuildKit does: quotes are removed, `\\` escapes the next byte, a
    lone `--` ends the flags. Each byte of a flag becomes one character (U+0000-U+00FF).
    """
    data = _to_bytes(line)
    n = len(data)
    words: list[str] = []
    word = bytearray()
    blank_ok = False
    phase = 0  # 0 spaces, 1 word, 2 quote
    quote = 0
    pos = 0
    while pos <= n:
        ch = data[pos] if pos < n else -1
        if phase == 0:
            if pos == n:
                break
            if ch in _BYTE_SPACES:
                pos += 1
                continue
            if ch != 0x2D or pos + 1 == n or data[pos + 1] != 0x2D:
                return _from_bytes(data[pos:]), words
            phase = 1
        if pos == n:  # phase is word or quote
            if bytes(word) != b"--" and (blank_ok or word):
                words.append(word.decode("latin-1"))
            break
        if phase == 1:
            if ch in _BYTE_SPACES:
                phase = 0
                if bytes(word) == b"--":
                    return _from_bytes(data[pos:]), words
                if blank_ok or word:
                    words.append(word.decode("latin-1"))
                word = bytearray()
                blank_ok = False
                pos += 1
                continue
            if ch in (0x27, 0x22):
                quote = ch
                blank_ok = True
                phase = 2
                pos += 1
                continue
            if ch == 0x5C:
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = data[pos]
            word.append(ch)
            pos += 1
            continue
        # phase 2: inside quotes
        if ch == quote:
            phase = 1
            pos += 1
            continue
        if ch == 0x5C:
            if pos + 1 == n:
                phase = 1
                pos += 1
                continue
            pos += 1
            ch = data[pos]
        word.append(ch)
        pos += 1
    return "", words


def split_command(line: str) -> tuple[str, list[str], str]:
    """splitCommand: the keyword, its flags, and the trimmed arguments."""
    parts = ASCII_SEP.split(trim_space(line), maxsplit=1)
    if len(parts) < 2:
        return parts[0], [], ""
    rest, flags = extract_flags(parts[1])
    return parts[0], flags, trim_space(rest)


def parse_words(rest: str, escape: str) -> list[str]:
    """parseWords: words split on Unicode spaces; quotes and escapes stay in the word."""
    words: list[str] = []
    word: list[str] = []
    blank_ok = False
    phase = 0
    quote = ""
    n = len(rest)
    pos = 0
    while pos <= n:
        ch = rest[pos] if pos < n else ""
        if phase == 0:
            if pos == n:
                break
            if is_space(ch):
                pos += 1
                continue
            phase = 1
        if pos == n:
            if blank_ok or word:
                words.append("".join(word))
            break
        if phase == 1:
            if is_space(ch):
                phase = 0
                if blank_ok or word:
                    words.append("".join(word))
                word = []
                blank_ok = False
                pos += 1
                continue
            if ch in "'\"":
                quote = ch
                blank_ok = True
                phase = 2
            if ch == escape:
                if pos + 1 == n:
                    pos += 1
                    continue
                word.append(ch)
                pos += 1
                ch = rest[pos]
            word.append(ch)
            pos += 1
            continue
        if ch == quote:
            phase = 1
        if ch == escape and quote != "'":
            if pos + 1 == n:
                phase = 1
                pos += 1
                continue
            pos += 1
            word.append(ch)
            ch = rest[pos]
        word.append(ch)
        pos += 1
    return words


def name_values(rest: str, key: str, escape: str) -> list[str]:
    """parseNameVal for ENV and LABEL: key, value, key, value, ..."""
    words = parse_words(rest, escape)
    if not words:
        return []
    if "=" not in words[0]:
        parts = ASCII_SEP.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise LineError(f"{key} must have two arguments")
        return [parts[0], parts[1]]
    out: list[str] = []
    for word in words:
        if "=" not in word:
            raise LineError(
                f"Syntax error - can't find = in {go_quote(word)}. Must be of the form: name=value")
        k, v = word.split("=", 1)
        out += [k, v]
    return out


def maybe_json(rest: str) -> tuple[list[str], bool]:
    """parseMaybeJSON (RUN, CMD, ENTRYPOINT, SHELL)."""
    if rest == "":
        return [], False
    try:
        arr = decode_json_array(rest)
    except NotStringArray as e:
        raise LineError(e.message) from None
    if arr is not None:
        return arr, True
    return [rest], False


def maybe_json_to_list(rest: str) -> tuple[list[str], bool]:
    """parseMaybeJSONToList (ADD, COPY, VOLUME)."""
    try:
        arr = decode_json_array(rest)
    except NotStringArray as e:
        raise LineError(e.message) from None
    if arr is not None:
        return arr, True
    return split_on_whitespace(rest), False


def split_on_whitespace(rest: str) -> list[str]:
    return ASCII_SEP.split(rest) if rest else []


def health_config(rest: str) -> tuple[list[str], bool]:
    data = _to_bytes(rest)
    sep = 0
    while sep < len(data) and data[sep] not in _BYTE_SPACES:
        sep += 1
    nxt = sep
    while nxt < len(data) and data[nxt] in _BYTE_SPACES:
        nxt += 1
    if sep == 0:
        return [], False
    cmd, is_json = maybe_json(_from_bytes(data[nxt:]))
    return [_from_bytes(data[:sep])] + cmd, is_json


_FAMILIES = {
    "run": "json", "cmd": "json", "entrypoint": "json", "shell": "json",
    "add": "jsonlist", "copy": "jsonlist", "volume": "jsonlist",
    "from": "split", "expose": "split",
    "maintainer": "string", "stopsignal": "string", "user": "string", "workdir": "string",
    "arg": "words", "env": "env", "label": "label",
    "healthcheck": "health", "onbuild": "sub",
}


def family(cmd: str) -> str | None:
    return _FAMILIES.get(cmd.lower())


def parse_line(line: str, escape: str = "\\") -> LineParse:
    """newNodeFromLine for one logical line."""
    cmd, flags, rest = split_command(line)
    fam = family(cmd)
    is_json = False
    sub = None
    if fam == "json":
        value, is_json = maybe_json(rest)
    elif fam == "jsonlist":
        value, is_json = maybe_json_to_list(rest)
    elif fam == "split":
        value = split_on_whitespace(rest)
    elif fam == "string":
        value = [rest] if rest else []
    elif fam == "words":
        value = parse_words(rest, escape)
    elif fam in ("env", "label"):
        value = name_values(rest, "ENV" if fam == "env" else "LABEL", escape)
    elif fam == "health":
        value, is_json = health_config(rest)
    elif fam == "sub":
        value = []
        if rest:
            sub = parse_line(rest, escape)
            value = [""]  # the wrapped instruction hangs off a value-less node
    else:
        value = [""]
    return LineParse(cmd, tuple(flags), tuple(value), is_json, sub)
