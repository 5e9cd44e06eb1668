"""Shell arithmetic `$(( ))`: integers (64-bit wrap), variables, C operators, assignment."""

from __future__ import annotations

import re
from typing import Callable

TOKEN = re.compile(r"\s*(0[xX][0-9a-fA-F]+|[0-9]+|[A-Za-z_][A-Za-z0-9_]*|"
                   r"<<=|>>=|\*\*|&&|\|\||==|!=|<=|>=|<<|>>|[-+*/%&|^]=|[-+*/%<>&|^!~?:=()])")


class ArithError(Exception):
    pass


def _wrap(n: int) -> int:
    n &= (1 << 64) - 1
    return n - (1 << 64) if n >> 63 else n


def to_int(text: str) -> int:
    t = text.strip()
    if t == "":
        return 0
    m = re.fullmatch(r"([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", t)
    if not m:
        raise ArithError(f"{text}: bad number" if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", t) else t)
    sign, digits = m.groups()
    if digits.lower().startswith("0x"):
        v = int(digits, 16)
    elif digits.startswith("0") and len(digits) > 1:
        v = int(digits, 8)
    else:
        v = int(digits)
    return _wrap(-v if sign == "-" else v)


def evaluate(expr: str, get: Callable[[str], str | None], set_: Callable[[str, str], None]) -> int:
    toks = []
    pos = 0
    expr = expr.rstrip()
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise ArithError("syntax error")
        toks.append(m.group(1))
        pos = m.end()
    p = _P(toks, get, set_)
    if not toks:
        return 0
    v = p.assign()
    if p.i != len(toks):
        raise ArithError("syntax error")
    return v


_BIN = [("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="), ("<", "<=", ">", ">="),
        ("<<", ">>"), ("+", "-"), ("*", "/", "%")]


class _P:
    def __init__(self, toks, get, set_):
        self.t, self.i, self.get, self.set = toks, 0, get, set_

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self):
        tok = self.peek()
        if tok is None:
            raise ArithError("syntax error")
        self.i += 1
        return tok

    def var(self, name):
        v = self.get(name)
        return 0 if v is None or v == "" else to_int(v)

    def assign(self):
        tok = self.peek()
        nxt = self.t[self.i + 1] if self.i + 1 < len(self.t) else None
        if tok and re.fullmatch(r"[A-Za-z_]\w*", tok) and nxt in ("=", "+=", "-=", "*=", "/=", "%=",
                                                                  "<<=", ">>=", "&=", "|=", "^="):
            self.i += 2
            val = self.assign()
            if nxt != "=":
                val = self.binop(nxt[:-1], self.var(tok), val)
            self.set(tok, str(val))
            return val
        return self.ternary()

    def ternary(self):
        c = self.binary(0)
        if self.peek() == "?":
            self.take()
            a = self.assign()
            if self.take() != ":":
                raise ArithError("syntax error")
            b = self.assign()
            return a if c else b
        return c

    def binary(self, level):
        if level == len(_BIN):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in _BIN[level]:
            op = self.take()
            right = self.binary(level + 1)
            left = self.binop(op, left, right)
        return left

    @staticmethod
    def binop(op, a, b):
        if op in ("/", "%"):
            if b == 0:
                raise ArithError("divide by zero")
            q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
            return _wrap(q if op == "/" else a - q * b)
        r = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
             "<<": lambda: a << (b & 63), ">>": lambda: a >> (b & 63),
             "<": lambda: int(a < b), "<=": lambda: int(a <= b), ">": lambda: int(a > b),
             ">=": lambda: int(a >= b), "==": lambda: int(a == b), "!=": lambda: int(a != b),
             "&": lambda: a & b, "|": lambda: a | b, "^": lambda: a ^ b,
             "&&": lambda: int(bool(a) and bool(b)), "||": lambda: int(bool(a) or bool(b))}[op]()
        return _wrap(r)

    def power(self):
        base = self.unary_inner()
        if self.peek() == "**":
            self.take()
            exp = self.unary()
            if exp < 0:
                raise ArithError("exponent less than 0")
            return _wrap(base ** exp)
        return base

    def unary(self):
        return self.power()

    def unary_inner(self):
        tok = self.peek()
        if tok in ("-", "+", "!", "~"):
            self.take()
            v = self.unary()
            return {"-": -v, "+": v, "!": int(not v), "~": ~v}[tok]
        return self.primary()

    def primary(self):
        tok = self.take()
        if tok == "(":
            v = self.assign()
            if self.take() != ")":
                raise ArithError("syntax error")
            return v
        if re.fullmatch(r"[0-9].*", tok):
            return to_int(tok)
        if re.fullmatch(r"[A-Za-z_]\w*", tok):
            return self.var(tok)
        raise ArithError("syntax error")
