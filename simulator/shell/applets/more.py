"""Small text tools scripts use: seq, cut, uniq, expr (busybox flavour)."""

from __future__ import annotations

import re

from . import common
from .common import Ctx, read_path


def seq(ctx: Ctx) -> int:
    args = ctx.args[1:]
    sep, width = "\n", False
    while args and (args[0] == "-w" or args[0].startswith("-s")):
        a = args.pop(0)
        if a == "-w":
            width = True
        elif len(a) > 2:
            sep = a[2:]
        elif args:
            sep = args.pop(0)
    if not 1 <= len(args) <= 3:
        return common.usage(ctx)
    if not all(re.fullmatch(r"-?[0-9]+", a) for a in args):
        raise common.NotModelled(f"seq {' '.join(args)} (non-integer)")
    nums = [int(a) for a in args]
    first, inc, last = (1, 1, nums[0]) if len(nums) == 1 else (
        (nums[0], 1, nums[1]) if len(nums) == 2 else tuple(nums))
    if inc == 0:
        raise common.NotModelled("seq with a zero increment (never ends)")
    out = []
    n = first
    while (n <= last) if inc > 0 else (n >= last):
        out.append(n)
        n += inc
    w = max(len(str(first)), len(str(last))) if width else 0
    if out:
        ctx.out(sep.join(str(x).zfill(w) for x in out) + "\n")
    return 0


def _ranges(spec: str):
    out = []
    for part in spec.split(","):
        m = re.fullmatch(r"([0-9]*)(-?)([0-9]*)", part)
        if not m or (not m.group(1) and not m.group(3)):
            raise common.NotModelled(f"cut list {spec!r}")
        lo = int(m.group(1)) if m.group(1) else 1
        hi = (int(m.group(3)) if m.group(3) else None) if m.group(2) else lo
        out.append((lo, hi))
    return out


def _selected(n: int, ranges) -> bool:
    return any(lo <= n and (hi is None or n <= hi) for lo, hi in ranges)


def cut(ctx: Ctx) -> int:
    args = ctx.args[1:]
    delim, fields, chars, only_delim = "\t", None, None, False
    files = []
    i = 0
    while i < len(args):
        a = args[i]
        m = re.fullmatch(r"-([dfcb])(.*)", a)
        if m:
            val = m.group(2)
            if not val:
                i += 1
                val = args[i] if i < len(args) else ""
            if m.group(1) == "d":
                delim = val
            elif m.group(1) == "f":
                fields = _ranges(val)
            else:
                chars = _ranges(val)
        elif a == "-s":
            only_delim = True
        elif a.startswith("-") and a != "-":
            raise common.NotModelled(f"cut {a}")
        else:
            files.append(a)
        i += 1
    if (fields is None) == (chars is None) or len(delim) != 1:
        return common.usage(ctx)
    status = 0
    for f in files or ["-"]:
        text = ctx.stdin_text() if f == "-" else read_path(ctx, f)
        if text is None:
            status = 1
            continue
        for line in text.splitlines():
            if chars is not None:
                ctx.out("".join(c for k, c in enumerate(line, 1) if _selected(k, chars)) + "\n")
            elif delim not in line:
                if not only_delim:
                    ctx.out(line + "\n")
            else:
                parts = line.split(delim)
                ctx.out(delim.join(p for k, p in enumerate(parts, 1) if _selected(k, fields)) + "\n")
    return status


def uniq(ctx: Ctx) -> int:
    args = ctx.args[1:]
    opts = set()
    files = []
    for a in args:
        if a.startswith("-") and len(a) > 1:
            if set(a[1:]) - set("cdui"):
                raise common.NotModelled(f"uniq {a}")
            opts.update(a[1:])
        else:
            files.append(a)
    text = ctx.stdin_text() if not files or files[0] == "-" else read_path(ctx, files[0])
    if text is None:
        return 1
    groups: list = []
    for line in text.splitlines():
        key = line.lower() if "i" in opts else line
        if groups and groups[-1][0] == key:
            groups[-1][2] += 1
        else:
            groups.append([key, line, 1])
    out = []
    for _, line, n in groups:
        if ("d" in opts and n < 2) or ("u" in opts and n > 1):
            continue
        out.append((f"{n:7d} " if "c" in opts else "") + line + "\n")
    ctx.out("".join(out))
    return 0


# ---- expr ----------------------------------------------------------------------------------

class _ExprError(Exception):
    pass


def _is_int(v: str) -> bool:
    return re.fullmatch(r"-?[0-9]+", v) is not None


def expr(ctx: Ctx) -> int:
    toks = ctx.args[1:]
    pos = 0

    def peek():
        return toks[pos] if pos < len(toks) else None

    def take():
        nonlocal pos
        if pos >= len(toks):
            raise _ExprError("syntax error")
        pos += 1
        return toks[pos - 1]

    def num(v):
        if not _is_int(v):
            raise _ExprError("non-numeric argument")
        return int(v)

    def truthy(v):
        return v not in ("", "0") and not (_is_int(v) and int(v) == 0)

    def primary():
        t = take()
        if t == "(":
            v = or_()
            if take() != ")":
                raise _ExprError("syntax error")
            return v
        if t == "length":
            return str(len(take()))
        if t == "substr":
            s, p, n = take(), num(take()), num(take())
            return s[p - 1:p - 1 + n] if p > 0 and n > 0 else ""
        if t == "index":
            s, chars = take(), take()
            return str(next((i for i, c in enumerate(s, 1) if c in chars), 0))
        if t == "match":
            return match(take(), take())
        return t

    def match(s, rx):
        from .text import bre_to_python
        m = re.match(bre_to_python(rx), s)
        if m is None:
            return "" if re.search(r"\\\(", rx) else "0"
        return m.group(1) if m.groups() and m.group(1) is not None else (
            "" if m.groups() else str(len(m.group(0))))

    def colon():
        v = primary()
        while peek() == ":":
            take()
            v = match(v, primary())
        return v

    def mul():
        v = colon()
        while peek() in ("*", "/", "%"):
            op = take()
            a, b = num(v), num(colon())
            if op != "*" and b == 0:
                raise _ExprError("division by zero")
            q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1) if op != "*" else 0
            v = str(a * b if op == "*" else (q if op == "/" else a - q * b))
        return v

    def add():
        v = mul()
        while peek() in ("+", "-"):
            op = take()
            a, b = num(v), num(mul())
            v = str(a + b if op == "+" else a - b)
        return v

    def cmp():
        v = add()
        while peek() in ("=", "==", "!=", "<", "<=", ">", ">="):
            op = take()
            w = add()
            if _is_int(v) and _is_int(w):
                a, b = int(v), int(w)
            else:
                a, b = v, w
            v = str(int({"=": a == b, "==": a == b, "!=": a != b, "<": a < b, "<=": a <= b,
                         ">": a > b, ">=": a >= b}[op]))
        return v

    def and_():
        v = cmp()
        while peek() == "&":
            take()
            w = cmp()
            v = v if truthy(v) and truthy(w) else "0"
        return v

    def or_():
        v = and_()
        while peek() == "|":
            take()
            w = and_()
            v = v if truthy(v) else (w if truthy(w) else "0")
        return v

    if not toks:
        return common.usage(ctx)
    try:
        v = or_()
        if pos != len(toks):
            raise _ExprError("syntax error")
    except _ExprError as e:
        ctx.error(str(e))
        return 2
    ctx.out(v + "\n")
    return 0 if truthy(v) else 1


APPLETS = {"seq": seq, "cut": cut, "uniq": uniq, "expr": expr}
