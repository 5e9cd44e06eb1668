"""ASCII-only character tests (str.isdigit also accepts digits such as '\u00b2')."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]+")


def isdigits(text: str) -> bool:
    return bool(text) and _DIGITS.fullmatch(text) is not None
