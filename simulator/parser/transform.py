"""Grammar callbacks: the tokens of one instruction line -> a LineParse.

Each callback turns the tokens the grammar matched into BuildKit's values for that
instruction family. Tokens carry their leading separator; it is dropped here.
"""

from __future__ import annotations

from lark import Transformer

from simulator.parser import lines as L
from simulator.parser.gosemantics import GO_SPACES, NotStringArray, decode_json_array, trim_space


def _text(tokens) -> str:
    return trim_space("".join(tokens))


def _check_not_string_array(rest: str) -> None:
    if rest.startswith("["):
        try:
            decode_json_array(rest)
        except NotStringArray as e:
            raise L.LineError(e.message) from None


class LineBuilder(Transformer):
    def __init__(self, escape: str):
        super().__init__()
        self.escape = escape

    # -- pieces --------------------------------------------------------------------------
    @staticmethod
    def _split(children):
        """(keyword, flags, argument tokens/subresults)."""
        kw = children[0]
        flags_text = []
        i = 1
        while i < len(children) and getattr(children[i], "type", None) == "FLAGS":
            flags_text.append(str(children[i]))
            i += 1
        flags: tuple[str, ...] = ()
        if flags_text:
            _rest, words = L.extract_flags("".join(flags_text))
            flags = tuple(words)
        return str(kw), flags, children[i:]

    def maybe_json(self, children):
        tok = children[0]
        if tok.type == "JSON_ARRAY":
            arr = decode_json_array(trim_space(str(tok)))
            if arr is not None:
                return (arr, True)
        rest = trim_space(str(tok))
        _check_not_string_array(rest)
        return ([rest], False)

    def json_or_words(self, children):
        tok = children[0]
        if tok.type == "JSON_ARRAY":
            arr = decode_json_array(trim_space(str(tok)))
            if arr is not None:
                return (arr, True)
        rest = _text(children)
        _check_not_string_array(rest)
        return (L.split_on_whitespace(rest), False)

    # -- families --------------------------------------------------------------------------
    def _json_family(self, children):
        cmd, flags, args = self._split(children)
        value, is_json = args[0] if args else ([], False)
        return L.LineParse(cmd, flags, tuple(value), is_json)

    run = cmd = entrypoint = shell = add = copy = volume = _json_family

    def _split_family(self, children):
        cmd, flags, args = self._split(children)
        return L.LineParse(cmd, flags, tuple(L.split_on_whitespace(_text(args))))

    from_ = expose = _split_family

    def _string_family(self, children):
        cmd, flags, args = self._split(children)
        rest = _text(args)
        return L.LineParse(cmd, flags, (rest,) if rest else ())

    maintainer = stopsignal = user = workdir = _string_family

    def _words(self, args) -> list[str]:
        words = [str(t).lstrip(GO_SPACES) for t in args]
        if words and words[-1].endswith(self.escape):
            words[-1:] = L.parse_words(words[-1], self.escape)
        return words

    def arg(self, children):
        cmd, flags, args = self._split(children)
        return L.LineParse(cmd, flags, tuple(self._words(args)))

    def _name_values(self, children, key):
        cmd, flags, args = self._split(children)
        words = self._words(args)
        if not words:
            return L.LineParse(cmd, flags, ())
        if "=" not in words[0]:
            return L.LineParse(cmd, flags, tuple(L.name_values(_text(args), key, self.escape)))
        out = []
        for w in words:
            if "=" not in w:
                return L.LineParse(cmd, flags, tuple(L.name_values(_text(args), key, self.escape)))
            k, v = w.split("=", 1)
            out += [k, v]
        return L.LineParse(cmd, flags, tuple(out))

    def env(self, children):
        return self._name_values(children, "ENV")

    def label(self, children):
        return self._name_values(children, "LABEL")

    def healthcheck(self, children):
        cmd, flags, args = self._split(children)
        if not args:
            return L.LineParse(cmd, flags, ())
        typ = str(args[0]).lstrip(GO_SPACES)
        value, is_json = args[1] if len(args) > 1 else ([], False)
        return L.LineParse(cmd, flags, (typ, *value), is_json)

    def onbuild(self, children):
        cmd, flags, args = self._split(children)
        sub = args[0] if args else None
        # BuildKit keeps the wrapped instruction as the child of a value-less node
        return L.LineParse(cmd, flags, ("",) if sub is not None else (), False, sub)

    def unknown(self, children):
        cmd, flags, _args = self._split(children)
        return L.LineParse(cmd, flags, ("",))

    def start(self, children):
        return children
