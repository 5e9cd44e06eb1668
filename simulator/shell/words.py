"""Word expansion: parameters and their modifiers, command substitution, arithmetic,
field splitting on IFS, pathname expansion and quote removal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import arith, pattern
from .ast import Arith, CmdSubst, DblQuoted, Lit, Param, Word

if TYPE_CHECKING:  # pragma: no cover
    from .interp import Shell


class ExpansionFailure(Exception):
    """`${v?msg}` on an unset variable, a bad substitution, bad arithmetic: the shell
    prints the message and (non-interactive) exits with status 2 (ash) / 2 (dash)."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.message = message
        self.status = status


class Indeterminate(Exception):
    """What happens next depends on something the simulator cannot know (the output or
    status of a command it does not model)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# A piece of an expanded word: (text, kind) with kind
#   "lit"   unquoted text from the script: not split, globbed
#   "q"     quoted text: neither split nor globbed
#   "exp"   the unquoted result of an expansion: split on IFS and globbed
#   "brk"   a field break ("$@" between positional parameters)
Piece = tuple


def expand_fields(sh: "Shell", words) -> list[str]:
    out: list[str] = []
    for w in words:
        out.extend(_fields_of(sh, w))
    return out


def expand_string(sh: "Shell", word: Word) -> str:
    """Expand without field splitting or globbing (assignments, redirection targets, case word)."""
    pieces = _pieces(sh, word.parts, quoted=False, join_at=True)
    return "".join(t for t, k in pieces if k not in ("brk", "nofield"))


def expand_pattern(sh: "Shell", word: Word) -> str:
    """Expand to a pattern: text from quotes is escaped so it matches literally."""
    pieces = _pieces(sh, word.parts, quoted=False, join_at=True)
    return "".join(pattern.escape(t) if k == "q" else t for t, k in pieces if k not in ("brk", "nofield"))


def _fields_of(sh: "Shell", word: Word) -> list[str]:
    pieces = _pieces(sh, word.parts, quoted=False, join_at=False)
    ifs = sh.get_var("IFS")
    if ifs is None:
        ifs = " \t\n"
    ws = "".join(c for c in ifs if c in " \t\n")
    fields: list[list] = []  # each: list of (text, globbable)
    cur: list | None = None
    cur_forced = False  # the field exists even if empty (quotes were seen)

    def end_field():
        nonlocal cur, cur_forced
        if cur is not None and (cur_forced or any(t for t, _ in cur)):
            fields.append(cur)
        cur, cur_forced = None, False

    for text, kind in pieces:
        if kind == "nofield":
            continue
        if kind == "brk":
            end_field()
            continue
        if kind in ("lit", "q"):
            if cur is None:
                cur = []
            if kind == "q":
                cur_forced = True
            cur.append((text, kind == "lit"))
            continue
        # an unquoted expansion result: split on IFS
        if not ifs:
            if cur is None:
                cur = []
            cur.append((text, True))
            continue
        i = 0
        n = len(text)
        while i < n:
            c = text[i]
            if c in ifs:
                # a delimiter: IFS white space around one non-white delimiter counts once
                j = i
                while j < n and text[j] in ws:
                    j += 1
                nonws = False
                if j < n and text[j] in ifs and text[j] not in ws:
                    nonws = True
                    j += 1
                    while j < n and text[j] in ws:
                        j += 1
                if nonws:
                    if cur is None:
                        cur = []
                    cur_forced = True
                end_field()
                i = j
                continue
            start = i
            while i < n and text[i] not in ifs:
                i += 1
            if cur is None:
                cur = []
            cur.append((text[start:i], True))
    end_field()
    out: list[str] = []
    for f in fields:
        out.extend(_glob_field(sh, f))
    return out


def _glob_field(sh: "Shell", field: list) -> list[str]:
    plain = "".join(t for t, _ in field)
    if sh.noglob:
        return [plain]
    pat = "".join(t if g else pattern.escape(t) for t, g in field)
    if not any(g and pattern.has_magic(t) for t, g in field) or not pattern.has_magic(pat):
        return [plain]
    matches = sh.glob(pat)
    return matches if matches else [plain]


def _pieces(sh: "Shell", parts, quoted: bool, join_at: bool) -> list[Piece]:
    out: list[Piece] = []
    for part in parts:
        if isinstance(part, Lit):
            out.append((part.text, "q" if (quoted or part.quoted) else "lit"))
        elif isinstance(part, DblQuoted):
            inner = _pieces(sh, part.parts, quoted=True, join_at=join_at)
            kept = [pc for pc in inner if pc[1] != "nofield"]
            if kept or len(kept) == len(inner):
                out.append(("", "q"))  # "" makes a field even when empty
            out.extend(kept)
        elif isinstance(part, Param):
            out.extend(_param(sh, part, quoted, join_at))
        elif isinstance(part, CmdSubst):
            text = sh.command_substitution(part.program)
            out.append((text, "q" if quoted else "exp"))
        elif isinstance(part, Arith):
            expr = expand_string(sh, part.expr)
            try:
                val = arith.evaluate(expr, sh.get_var, sh.set_var_checked)
            except arith.ArithError as e:
                raise ExpansionFailure(f"arithmetic syntax error" if str(e) == "syntax error" else str(e))
            out.append((str(val), "q" if quoted else "exp"))
        else:  # pragma: no cover
            raise TypeError(part)
    return out


def _param(sh: "Shell", p: Param, quoted: bool, join_at: bool) -> list[Piece]:
    kind = "q" if quoted else "exp"
    name = p.name
    if name in ("@", "*") and p.op == "":
        args = sh.positional
        if name == "@" and quoted and not join_at:
            out: list[Piece] = []
            for i, a in enumerate(args):
                if i:
                    out.append(("", "brk"))
                out.append((a, "q"))
            if not args:
                return _drop_quote_marker()
            return out
        if quoted or join_at:
            ifs = sh.get_var("IFS")
            sep = " " if ifs is None else ifs[:1]
            return [(sep.join(args), kind)]
        out = []
        for i, a in enumerate(args):
            if i:
                out.append(("", "brk"))
            out.append((a, "exp"))
        return out
    value = sh.param_value(name)  # None: unset
    op = p.op
    if op == "":
        if value is None and sh.nounset and name not in ("@", "*"):
            raise ExpansionFailure(f"{name}: parameter not set")
        return [(value or "", kind)]
    if op == "#len":
        if value is None and sh.nounset:
            raise ExpansionFailure(f"{name}: parameter not set")
        return [(str(len(value or "")), kind)]
    colon = op.startswith(":") and op != ":"
    base = op[1:] if colon else op
    absent = value is None or (colon and value == "")
    if base == "-":
        return _arg_pieces(sh, p.arg, quoted) if absent else [(value, kind)]
    if base == "+":
        return [] if absent else _arg_pieces(sh, p.arg, quoted)
    if base == "=":
        if absent:
            if not _is_name(name):
                raise ExpansionFailure(f"{name}: bad variable name")
            new = expand_string(sh, p.arg) if p.arg else ""
            sh.set_var_checked(name, new)
            return [(new, kind)]
        return [(value, kind)]
    if base == "?":
        if absent:
            msg = expand_string(sh, p.arg) if p.arg and p.arg.parts else ""
            if msg:
                raise ExpansionFailure(f"{name}: {msg}")
            if sh.flavour == "busybox":
                raise ExpansionFailure(f"{name}: parameter not set")
            raise ExpansionFailure(f"{name}: parameter {'null or not set' if colon else 'not set'}")
        return [(value, kind)]
    if value is None and sh.nounset:
        raise ExpansionFailure(f"{name}: parameter not set")
    value = value or ""
    if op in ("#", "##", "%", "%%"):
        pat = expand_pattern(sh, p.arg) if p.arg else ""
        if op[0] == "#":
            res = pattern.strip_prefix(value, pat, longest=(op == "##"))
        else:
            res = pattern.strip_suffix(value, pat, longest=(op == "%%"))
        return [(res, kind)]
    if op in ("/", "//", "/#", "/%"):
        if sh.flavour == "dash":
            raise ExpansionFailure("Bad substitution")
        pat = expand_pattern(sh, p.arg) if p.arg else ""
        repl = expand_string(sh, p.arg2) if p.arg2 else ""
        if sh.flavour == "busybox" and op in ("/#", "/%"):
            # busybox 1.35 ash has no anchored forms: the # or % is part of the pattern
            pat, op = pattern.escape(op[1]) + pat, "/"
        return [(pattern.replace(value, pat, repl, op), kind)]
    if op == ":":
        if sh.flavour == "dash":
            raise ExpansionFailure("Bad substitution")
        try:
            off = arith.evaluate(expand_string(sh, p.arg), sh.get_var, sh.set_var_checked) if p.arg else 0
            length = (arith.evaluate(expand_string(sh, p.arg2), sh.get_var, sh.set_var_checked)
                      if p.arg2 is not None else None)
        except arith.ArithError as e:
            raise ExpansionFailure(str(e))
        if off < 0:
            off = max(len(value) + off, 0)
        res = value[off:]
        if length is not None:
            res = res[:length] if length >= 0 else res[:max(len(res) + length, 0)]
        return [(res, kind)]
    raise ExpansionFailure("bad substitution")  # pragma: no cover


def _drop_quote_marker() -> list[Piece]:
    # "$@" with no positional parameters: no field at all, even inside quotes
    return [("", "nofield")]


def _arg_pieces(sh: "Shell", arg: Word | None, quoted: bool) -> list[Piece]:
    if arg is None:
        return []
    pieces = _pieces(sh, arg.parts, quoted=quoted, join_at=False)
    return pieces


def _is_name(name: str) -> bool:
    return name.isidentifier() and name.isascii()
