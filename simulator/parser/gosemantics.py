"""Go semantics the parser depends on, written out for Python.

BuildKit's parser is Go code; a few of its answers follow from Go's library rather than
from any Dockerfile rule: which characters `unicode.IsSpace` accepts, what
`strings.TrimSpace` removes, how `encoding/json`'s Decoder reads the first JSON value of
a line and ignores what follows it, and how `%q` quotes a word in an error message. Each
is reproduced here so that the grammar's callbacks and the pre-pass can share them.
"""

from __future__ import annotations

import json
import re

# unicode.IsSpace: the Latin-1 spaces plus the White_Space property.
GO_SPACES = "\t\n\v\f\r \x85\xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000"
_SPACE_SET = frozenset(GO_SPACES)
GO_SPACE_CLASS = "[" + re.escape(GO_SPACES) + "]"

# regexp `[\t\v\f\r ]+`: the separator BuildKit splits commands and plain word lists on.
ASCII_SEP = re.compile(r"[\t\v\f\r ]+")


def is_space(ch: str) -> bool:
    return ch in _SPACE_SET


def trim_space(s: str) -> str:
    """strings.TrimSpace."""
    return s.strip(GO_SPACES)


def trim_left_space(s: str) -> str:
    return s.lstrip(GO_SPACES)


# --- encoding/json, as json.NewDecoder(r).Decode(&[]interface{}) reads it -------------

class _NotStringArray(Exception):
    pass


def _reject_constant(name: str):
    raise ValueError(name)  # NaN, Infinity: not JSON to Go


def _float_checked(text: str):
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(text)  # Go: cannot unmarshal number into float64
    return value


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_float_checked,
                            parse_int=lambda t: _float_checked(t))
_JSON_WS = " \t\n\r"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class NotStringArray(Exception):
    """A JSON array with an element that is not a string: BuildKit's parse error."""

    message = "when using JSON array syntax, arrays must be comprised of strings only"


def decode_json_array(rest: str) -> list[str] | None:
    """The first JSON value of `rest` if it is an array of strings, else None.

    Mirrors BuildKit v0.12.5's parseJSON: leading spaces are dropped, the text must start
    with `[`, the Decoder reads one value and ignores what follows it. An array holding a
    non-string raises NotStringArray (the one JSON failure that is an error, not a
    fallback to shell form).
    """
    rest = trim_left_space(rest)
    if not rest.startswith("["):
        return None
    try:
        value, _end = _DECODER.raw_decode(rest)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    for item in value:
        if not isinstance(item, str):
            raise NotStringArray(NotStringArray.message)
    # Go turns a lone UTF-16 surrogate escape into U+FFFD; Python keeps it.
    return [_LONE_SURROGATE.sub("\ufffd", item) if _has_surrogate(item) else item for item in value]


def _has_surrogate(s: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in s)


# --- fmt's %q (strconv.Quote) ------------------------------------------------------------

_GO_ESCAPES = {'"': '\\"', "\\": "\\\\", "\a": "\\a", "\b": "\\b", "\f": "\\f",
               "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif 0xD800 <= o <= 0xDFFF:  # an undecodable byte kept by surrogateescape
            out.append("\\x%02x" % (o - 0xDC00) if o >= 0xDC80 else "\\ufffd")
        elif o < 0x20 or o == 0x7F:
            out.append("\\x%02x" % o)
        elif o < 0x7F or ch.isprintable():
            out.append(ch)
        elif o <= 0xFFFF:
            out.append("\\u%04x" % o)
        else:
            out.append("\\U%08x" % o)
    out.append('"')
    return "".join(out)
