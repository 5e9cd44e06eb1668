"""Grammar callbacks: one instruction-line token -> a LineParse.

Each `*_LINE` token is taken apart with a regular expression made from that line's own
definition in grammar/dockerfile.lark (each piece a named group), then the pieces are
turned into BuildKit's values for the instruction family. Pieces carry their leading
separator; it is dropped here.
"""

from __future__ import annotations

import re

from lark import Transformer

from simulator.parser import lines as L
from simulator.parser.gosemantics import GO_SPACES, NotStringArray, decode_json_array, trim_space

_COMPOSITE = re.compile(r"^([A-Z_]+)(?:\.\d+)?: ([A-Z_ ?|()+*]+)$", re.M)
_REGEX = re.compile(r"^([A-Z_]+)(?:\.\d+)?: /(.*)/([a-z]*)$", re.M)
_NAME = re.compile(r"[A-Z_]+")
_PIECES = ("FLAGS", "JSON_ARRAY", "REST", "WORDS", "QWORDS", "HC_TYPE")


def line_layouts(grammar: str) -> dict[str, re.Pattern]:
    """{TOKEN_LINE: regex with a named group for each piece}, from the grammar text."""
    regexes = {}
    for m in _REGEX.finditer(grammar):
        body = m.group(2)
        regexes[m.group(1)] = f"(?i:{body})" if "i" in m.group(3) else body
    composites = {m.group(1): m.group(2) for m in _COMPOSITE.finditer(grammar)}

    def expand(name: str, group: bool) -> str:
        if name in regexes:
            inner = regexes[name]
        else:
            inner = "".join(_NAME.sub(lambda n: expand(n.group(0), False), part)
                            for part in composites[name].split())
        return f"(?P<{name.lower()}>{inner})" if group else f"(?:{inner})"

    out = {}
    for name, body in composites.items():
        if not name.endswith("_LINE"):
            continue

        def piece(n):
            word = n.group(0)
            if word == "EOL":
                return r"\n?"
            if word in _PIECES:
                return expand(word, True)
            return f"(?P<kw>{expand(word, False)})"  # the keyword

        out[name] = re.compile("".join(_NAME.sub(piece, part) for part in body.split()))
    return out


def _check_not_string_array(rest: str) -> None:
    if rest.startswith("["):
        try:
            decode_json_array(rest)
        except NotStringArray as e:
            raise L.LineError(e.message) from None


class LineBuilder(Transformer):
    def __init__(self, escape: str, layouts: dict[str, re.Pattern], qword: re.Pattern):
        super().__init__()
        self.escape = escape
        self.layouts = layouts
        self.qword = qword
        self._line_parser = None  # set by the reader: parses one line (for ONBUILD)

    def _pieces(self, children):
        tok = children[0]
        m = self.layouts[tok.type].fullmatch(str(tok))
        g = m.groupdict()
        kw = g["kw"]
        flags: tuple[str, ...] = ()
        if g.get("flags"):
            flags = tuple(L.extract_flags(g["flags"])[1])
        return kw, flags, g

    def _json_or(self, g, other: str):
        if g.get("json_array"):
            arr = decode_json_array(trim_space(g["json_array"]))
            if arr is not None:
                return arr, True
        rest = trim_space(g.get(other) or "")
        if not rest:
            return [], False
        _check_not_string_array(rest)
        if other == "rest":
            return [rest], False
        return L.split_on_whitespace(rest), False

    def _json_family(self, children):
        cmd, flags, g = self._pieces(children)
        value, is_json = self._json_or(g, "rest")
        return L.LineParse(cmd, flags, tuple(value), is_json)

    run = cmd = entrypoint = shell = _json_family

    def _jsonlist_family(self, children):
        cmd, flags, g = self._pieces(children)
        value, is_json = self._json_or(g, "words")
        return L.LineParse(cmd, flags, tuple(value), is_json)

    add = copy = volume = _jsonlist_family

    def _split_family(self, children):
        cmd, flags, g = self._pieces(children)
        return L.LineParse(cmd, flags, tuple(L.split_on_whitespace(trim_space(g.get("words") or ""))))

    from_ = expose = _split_family

    def _string_family(self, children):
        cmd, flags, g = self._pieces(children)
        rest = trim_space(g.get("rest") or "")
        return L.LineParse(cmd, flags, (rest,) if rest else ())

    maintainer = stopsignal = user = workdir = _string_family

    def _words(self, text: str | None) -> list[str]:
        if not text:
            return []
        words = [w.lstrip(GO_SPACES) for w in self.qword.findall(text)]
        if words and words[-1].endswith(self.escape):
            words[-1:] = L.parse_words(words[-1], self.escape)
        return words

    def arg(self, children):
        cmd, flags, g = self._pieces(children)
        return L.LineParse(cmd, flags, tuple(self._words(g.get("qwords"))))

    def _name_values(self, children, key):
        cmd, flags, g = self._pieces(children)
        text = g.get("qwords")
        words = self._words(text)
        if not words:
            return L.LineParse(cmd, flags, ())
        out = []
        for w in words:
            if "=" not in w:  # the legacy form, or BuildKit's error: its own reader decides
                return L.LineParse(cmd, flags, tuple(L.name_values(trim_space(text), key, self.escape)))
            k, v = w.split("=", 1)
            out += [k, v]
        return L.LineParse(cmd, flags, tuple(out))

    def env(self, children):
        return self._name_values(children, "ENV")

    def label(self, children):
        return self._name_values(children, "LABEL")

    def healthcheck(self, children):
        cmd, flags, g = self._pieces(children)
        if not g.get("hc_type"):
            return L.LineParse(cmd, flags, ())
        typ = g["hc_type"].lstrip(GO_SPACES)
        value, is_json = self._json_or(g, "rest")
        return L.LineParse(cmd, flags, (typ, *value), is_json)

    def onbuild(self, children):
        cmd, flags, g = self._pieces(children)
        rest = trim_space(g.get("rest") or "")
        if not rest:
            return L.LineParse(cmd, flags, ())
        sub = self._line_parser(rest)
        # BuildKit keeps the wrapped instruction as the child of a value-less node
        return L.LineParse(cmd, flags, ("",), False, sub)

    def unknown(self, children):
        cmd, flags, _g = self._pieces(children)
        return L.LineParse(cmd, flags, ("",))

    def start(self, children):
        return children
