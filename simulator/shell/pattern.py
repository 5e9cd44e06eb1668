"""Shell patterns (`*`, `?`, `[...]`, backslash) as used by case, ${v#pat} and pathname expansion."""

from __future__ import annotations

import re
from functools import lru_cache

# A pattern arrives as text in which quoted characters are escaped with a backslash.


def escape(text: str) -> str:
    """Protect every pattern character of literal (quoted) text."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


def has_magic(pattern: str) -> bool:
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c in "*?":
            return True
        if c == "[" and _bracket_end(pattern, i) > 0:
            return True
        i += 1
    return False


def unescape(pattern: str) -> str:
    return re.sub(r"\\(.)", r"\1", pattern, flags=re.S)


def _bracket_end(p: str, i: int) -> int:
    j = i + 1
    if j < len(p) and p[j] in "!^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1
    while j < len(p):
        if p[j] == "\\":
            j += 2
            continue
        if p[j] == "[" and p[j + 1:j + 2] == ":":
            k = p.find(":]", j + 2)
            if k > 0:
                j = k + 2
                continue
        if p[j] == "]":
            return j
        j += 1
    return -1


_CLASSES = {"alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z",
            "lower": "a-z", "space": r" \t\n\r\f\v", "blank": r" \t", "punct": r"!-/:-@\[-`{-~",
            "xdigit": "0-9A-Fa-f", "print": r" -~", "graph": r"!-~", "cntrl": r"\x00-\x1f\x7f"}


@lru_cache(maxsize=512)
def to_regex(pattern: str, slash_special: bool = False) -> str:
    out = []
    i = 0
    any_char = "[^/]" if slash_special else "."
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(re.escape(pattern[i + 1:i + 2]) if i + 1 < len(pattern) else r"\\")
            i += 2
        elif c == "*":
            out.append(any_char + "*")
            i += 1
        elif c == "?":
            out.append(any_char)
            i += 1
        elif c == "[":
            end = _bracket_end(pattern, i)
            if end < 0:
                out.append(r"\[")
                i += 1
                continue
            body = pattern[i + 1:end]
            neg = body[:1] in ("!", "^")
            if neg:
                body = body[1:]
            cls = []
            k = 0
            while k < len(body):
                ch = body[k]
                if ch == "[" and body[k + 1:k + 2] == ":":
                    e = body.find(":]", k + 2)
                    cls.append(_CLASSES.get(body[k + 2:e], ""))
                    k = e + 2
                    continue
                if ch == "\\" and k + 1 < len(body):
                    cls.append(re.escape(body[k + 1]))
                    k += 2
                    continue
                if ch == "-" and cls and k + 1 < len(body):
                    cls.append("-")
                    k += 1
                    continue
                cls.append("\\" + ch if ch in "\\]^[-" else ch)
                k += 1
            out.append("[" + ("^" if neg else "") + "".join(cls) + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def match(pattern: str, text: str, slash_special: bool = False) -> bool:
    return re.fullmatch(to_regex(pattern, slash_special), text, flags=re.S) is not None


def strip_prefix(value: str, pattern: str, longest: bool) -> str:
    rng = range(len(value), -1, -1) if longest else range(0, len(value) + 1)
    for n in rng:
        if match(pattern, value[:n]):
            return value[n:]
    return value


def strip_suffix(value: str, pattern: str, longest: bool) -> str:
    rng = range(0, len(value) + 1) if longest else range(len(value), -1, -1)
    for n in rng:
        if match(pattern, value[n:]):
            return value[:n]
    return value


def replace(value: str, pattern: str, repl: str, mode: str) -> str:
    """${v/p/r} (mode "/"), ${v//p/r} ("//"), ${v/#p/r} ("/#"), ${v/%p/r} ("/%")."""
    rx = re.compile(to_regex(pattern), flags=re.S)
    if mode == "/#":
        for n in range(len(value), -1, -1):
            if rx.fullmatch(value[:n]):
                return repl + value[n:]
        return value
    if mode == "/%":
        for n in range(0, len(value) + 1):
            if rx.fullmatch(value[n:]):
                return value[:n] + repl
        return value
    out = []
    i = 0
    done = False
    while i <= len(value):
        m = None
        if not done:
            for n in range(len(value), i - 1, -1):
                if n > i and rx.fullmatch(value[i:n]):
                    m = n
                    break
        if m is not None:
            out.append(repl)
            i = m
            if mode == "/":
                done = True
            continue
        if i < len(value):
            out.append(value[i])
        i += 1
    return "".join(out)
