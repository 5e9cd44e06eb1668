"""Go's `path/filepath.Match` (the wildcard rules of COPY/ADD sources)."""

from __future__ import annotations

import functools
import re


class BadPattern(ValueError):
    pass


def has_wildcards(name: str) -> bool:
    """`containsWildcards`: an unescaped `*`, `?` or `[`."""
    i = 0
    while i < len(name):
        c = name[i]
        if c == "\\":
            i += 2
            continue
        if c in "*?[":
            return True
        i += 1
    return False


@functools.lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern:
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "\\":
            if i + 1 >= n:
                raise BadPattern(pattern)
            out.append(re.escape(pattern[i + 1]))
            i += 1
        elif c == "[":
            i += 1
            neg = False
            if i < n and pattern[i] == "^":
                neg, i = True, i + 1
            items = []
            first = True
            while True:
                if i >= n:
                    raise BadPattern(pattern)
                c = pattern[i]
                if c == "]" and not first:
                    break
                lo, i = _class_char(pattern, i)
                hi = lo
                if i < n and pattern[i] == "-":
                    hi, i = _class_char(pattern, i + 1)
                    if hi < lo:
                        raise BadPattern(pattern)
                items.append(re.escape(lo) if lo == hi else f"{re.escape(lo)}-{re.escape(hi)}")
                first = False
            body = "".join(items)
            out.append(f"(?!/)[^{body}]" if neg else f"[{body}]")
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def _class_char(p: str, i: int) -> tuple[str, int]:
    if i >= len(p) or p[i] in "-]":
        raise BadPattern(p)
    if p[i] == "\\":
        i += 1
        if i >= len(p):
            raise BadPattern(p)
    return p[i], i + 1


def match(pattern: str, name: str) -> bool:
    """True when `name` matches; BadPattern on a malformed pattern."""
    return _regex(pattern).match(name) is not None
