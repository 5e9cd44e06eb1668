"""Go's string formatting as BuildKit and moby use it in messages and history (%q, %v)."""

from __future__ import annotations

_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
            "\\": "\\\\", '"': '\\"'}


def quote(s: str) -> str:
    """Go's strconv.Quote / fmt %q for a string: printable runes kept, others escaped."""
    out = ['"']
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        else:
            cp = ord(ch)
            if cp < 0x80:
                out.append(f"\\x{cp:02x}")
            elif cp <= 0xFFFF:
                out.append(f"\\u{cp:04x}")
            else:
                out.append(f"\\U{cp:08x}")
    out.append('"')
    return "".join(out)


def quote_list(items) -> str:
    """fmt %q of a []string: `["a" "b"]`."""
    return "[" + " ".join(quote(i) for i in items) + "]"


def plain_list(items) -> str:
    """fmt %v of a []string: `[a b]`."""
    return "[" + " ".join(items) + "]"


_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
          "m": 60_000_000_000, "h": 3_600_000_000_000}


class DurationError(ValueError):
    pass


def parse_duration(text: str) -> int:
    """Go's time.ParseDuration, in nanoseconds; raises DurationError with Go's message."""
    orig = text
    bad = DurationError(f"time: invalid duration {quote(orig)}")
    s = text
    neg = False
    if s and s[0] in "+-":
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise bad
    total = 0.0
    while s:
        i = 0
        while i < len(s) and s[i].isdigit():
            i += 1
        whole = s[:i]
        s = s[i:]
        frac = ""
        if s.startswith("."):
            s = s[1:]
            j = 0
            while j < len(s) and s[j].isdigit():
                j += 1
            frac = s[:j]
            s = s[j:]
        if not whole and not frac:
            raise bad
        j = 0
        while j < len(s) and s[j] != "." and not s[j].isdigit():
            j += 1
        unit = s[:j]
        s = s[j:]
        if not unit:
            raise DurationError(f"time: missing unit in duration {quote(orig)}")
        if unit not in _UNITS:
            raise DurationError(f"time: unknown unit {quote(unit)} in duration {quote(orig)}")
        scale = _UNITS[unit]
        value = int(whole or "0") * scale
        if frac:
            value += int(int(frac) * scale / (10 ** len(frac)))
        total += value
    if total > 2**63 - 1:
        raise bad
    return -int(total) if neg else int(total)


def format_duration(ns: int) -> str:
    """Go's time.Duration.String() for the values used in messages (e.g. 1ms)."""
    if ns == 0:
        return "0s"
    if ns < 1_000:
        return f"{ns}ns"
    if ns < 1_000_000:
        return f"{ns / 1000:g}µs"
    if ns < 1_000_000_000:
        return f"{ns / 1_000_000:g}ms"
    return f"{ns / 1_000_000_000:g}s"


def parse_int32(text: str) -> int:
    """strconv.ParseInt(s, 10, 32) with Go's error messages."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isdigit() or not body.isascii():
        raise ValueError(f"strconv.ParseInt: parsing {quote(text)}: invalid syntax")
    v = int(text)
    if not -(2**31) <= v < 2**31:
        raise ValueError(f"strconv.ParseInt: parsing {quote(text)}: value out of range")
    return v
