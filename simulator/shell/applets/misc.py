"""Process applets: env, printenv, true, false, test/[, sleep."""

from __future__ import annotations

import posixpath
import re

from .common import Ctx


def env(ctx: Ctx) -> int:
    args = ctx.args[1:]
    newenv = dict(ctx.env)
    while args and args[0].startswith("-") and len(args[0]) > 1:
        a = args.pop(0)
        if a in ("-i", "--ignore-environment"):
            newenv = {}
        elif a == "-u" and args:
            newenv.pop(args.pop(0), None)
        elif a == "--":
            break
        else:
            from .common import NotModelled
            raise NotModelled(f"env {a}")
    if args and args[0] == "-":
        newenv = {}
        args.pop(0)
    while args and "=" in args[0] and not args[0].startswith("="):
        k, _, v = args.pop(0).partition("=")
        newenv.pop(k, None)
        newenv[k] = v
    if not args:
        ctx.out("".join(f"{k}={v}\n" for k, v in newenv.items()))
        return 0
    from ..commands import run_program
    sh = ctx.shell
    saved = sh.flavour
    status = run_program(sh, args, newenv, ctx.fds)
    sh.flavour = saved
    return status


def printenv(ctx: Ctx) -> int:
    names = ctx.args[1:]
    if not names:
        ctx.out("".join(f"{k}={v}\n" for k, v in ctx.env.items()))
        return 0
    status = 0
    for n in names:
        if n in ctx.env:
            ctx.out(ctx.env[n] + "\n")
        else:
            status = 1
    return status


def which(ctx: Ctx) -> int:
    """Print where each name is found on PATH (the process's PATH, in the FS)."""
    from ..commands import lookup
    names = [a for a in ctx.args[1:] if a != "-a"]
    if not names:
        from .common import usage
        return usage(ctx)
    status = 0
    for n in names:
        path = lookup(ctx.fs, n, ctx.env.get("PATH", ""), ctx.cwd)
        st = ctx.fs.stat(path) if path else None
        if st is None or st.type == "dir" or not st.mode & 0o111:
            status = 1
            continue
        ctx.out((n if "/" in n else path) + "\n")
    return status


_DD_SUFFIX = {"": 1, "c": 1, "w": 2, "b": 512, "kD": 1000, "k": 1024, "K": 1024, "MD": 1000 ** 2,
              "M": 1024 ** 2, "GD": 1000 ** 3, "G": 1024 ** 3}


def _dd_size(text: str) -> int | None:
    m = re.fullmatch(r"([0-9]+)([a-zA-Z]*)", text)
    if not m or m.group(2) not in _DD_SUFFIX:
        return None
    return int(m.group(1)) * _DD_SUFFIX[m.group(2)]


def dd(ctx: Ctx) -> int:
    """dd if=FILE|/dev/zero|/dev/urandom of=FILE bs=N count=N (the common layer-filling use)."""
    from .. import perm
    from ..io import decode, encode
    from .common import NotModelled
    ops = {}
    for a in ctx.args[1:]:
        k, eq, v = a.partition("=")
        if not eq or k not in ("if", "of", "bs", "count", "status"):
            raise NotModelled(f"dd {a}", changes_fs=True)
        ops[k] = v
    bs = _dd_size(ops.get("bs", "512"))
    count = _dd_size(ops["count"]) if "count" in ops else None
    if not bs:
        raise NotModelled(f"dd bs={ops.get('bs')}", changes_fs=True)
    src = ops.get("if")
    random = src in ("/dev/urandom", "/dev/random")
    if src in ("/dev/zero", "/dev/urandom", "/dev/random"):
        if count is None:
            raise NotModelled(f"dd from {src} without count (never ends)", changes_fs=True)
        data = b"\0" * (bs * count)
    elif src is None:
        data = encode(ctx.stdin_text())
    else:
        p = ctx.path(src)
        if not perm.allowed(ctx.fs, ctx.user, p, "r") or ctx.fs.stat(p) is None:
            ctx.error(f"can't open '{src}': " + ("No such file or directory" if ctx.fs.stat(p) is None
                                                 else "Permission denied"))
            return 1
        data = ctx.fs.read(p)
    if count is not None:
        data = data[:bs * count]
    full, part = divmod(len(data), bs)
    dest = ops.get("of")
    if dest is None:
        if random:
            ctx.fds.stdout.mark_unknown("dd from /dev/urandom")
        else:
            ctx.out(decode(data))
    else:
        p = ctx.path(dest)
        exists = ctx.fs.stat(p) is not None
        if not (perm.allowed(ctx.fs, ctx.user, p, "w") if exists else perm.may_create(ctx.fs, ctx.user, p)) \
                or ctx.fs.stat(posixpath.dirname(p)) is None:
            why = "Permission denied" if ctx.fs.stat(posixpath.dirname(p)) else "No such file or directory"
            ctx.error(f"can't open '{dest}': {why}")
            return 1
        ctx.fs.write(p, data, mode=None if exists else 0o644, uid=None if exists else ctx.user[0],
                     gid=None if exists else ctx.user[1])
        if random:
            ctx.fs.mark_unknown("dd from /dev/urandom: random content", [p])
    if ops.get("status") != "none":
        ctx.err(f"{full}+{1 if part else 0} records in\n{full}+{1 if part else 0} records out\n")
    return 0


def groups(ctx: Ctx) -> int:
    from .users import id_
    return id_(Ctx(["id", "-Gn"] + ctx.args[1:], ctx.fds, ctx.env, ctx.shell))


def true(ctx: Ctx) -> int:
    return 0


def false(ctx: Ctx) -> int:
    return 1


def sleep(ctx: Ctx) -> int:
    return 0


class _TestError(Exception):
    pass


def test(ctx: Ctx) -> int:
    args = ctx.args[1:]
    if ctx.args[0] == "[":
        if not args or args[-1] != "]":
            ctx.error("missing ]")
            return 2
        args = args[:-1]
    try:
        return 0 if _Test(ctx, args).run() else 1
    except _TestError as e:
        ctx.error(str(e))
        return 2


class _Test:
    UNARY = set("bcdefghknprsuwxzLSGOt") | {"a"}

    def __init__(self, ctx, args):
        self.ctx, self.a, self.i = ctx, args, 0

    def run(self) -> bool:
        n = len(self.a)
        if n == 0:
            return False
        if n == 1:
            return self.a[0] != ""
        if n == 2:
            if self.a[0] == "!":
                return self.a[1] == ""
            if self.a[0].startswith("-") and len(self.a[0]) == 2 and self.a[0][1] in self.UNARY:
                return self.unary(self.a[0][1], self.a[1])
            if self._is_binop(self.a[1]):
                raise _TestError(f"{self.a[1]}: argument expected")
            raise _TestError(f"{self.a[1]}: unknown operand")
        if n == 3 and self._is_binop(self.a[1]):
            return self.binary(self.a[0], self.a[1], self.a[2])
        if n == 3 and self.a[0] == "!":
            self.a = self.a[1:]
            return not self.run()
        if n == 3 and self.a[0] == "(" and self.a[2] == ")":
            return self.a[1] != ""
        v = self.or_()
        if self.i < len(self.a):
            raise _TestError(f"{self.a[self.i]}: unknown operand")
        return v

    @staticmethod
    def _is_binop(op):
        return op in ("=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">",
                      "-nt", "-ot", "-ef", "-a", "-o")

    def peek(self):
        return self.a[self.i] if self.i < len(self.a) else None

    def or_(self):
        v = self.and_()
        while self.peek() == "-o":
            self.i += 1
            v = self.and_() or v
        return v

    def and_(self):
        v = self.not_()
        while self.peek() == "-a":
            self.i += 1
            w = self.not_()
            v = v and w
        return v

    def not_(self):
        if self.peek() == "!":
            self.i += 1
            return not self.not_()
        return self.prim()

    def prim(self):
        t = self.peek()
        if t is None:
            raise _TestError("argument expected")
        if t == "(":
            self.i += 1
            v = self.or_()
            if self.peek() != ")":
                raise _TestError(f"{self.peek() or ''}: unknown operand")
            self.i += 1
            return v
        nxt = self.a[self.i + 1] if self.i + 1 < len(self.a) else None
        if nxt is not None and self._is_binop(nxt) and nxt not in ("-a", "-o") and self.i + 2 < len(self.a):
            self.i += 3
            return self.binary(t, nxt, self.a[self.i - 1])
        if t.startswith("-") and len(t) == 2 and t[1] in self.UNARY and nxt is not None:
            self.i += 2
            return self.unary(t[1], nxt)
        self.i += 1
        return t != ""

    def _int(self, s):
        t = s.strip()
        if not re.fullmatch(r"[-+]?[0-9]+", t):
            raise _TestError(f"{s}: bad number")
        return int(t)

    def binary(self, l, op, r):
        if op in ("=", "=="):
            return l == r
        if op == "!=":
            return l != r
        if op == "<":
            return l < r
        if op == ">":
            return l > r
        if op in ("-eq", "-ne", "-lt", "-le", "-gt", "-ge"):
            a, b = self._int(l), self._int(r)
            return {"-eq": a == b, "-ne": a != b, "-lt": a < b, "-le": a <= b,
                    "-gt": a > b, "-ge": a >= b}[op]
        if op == "-a":
            return l != "" and r != ""
        if op == "-o":
            return l != "" or r != ""
        from .common import NotModelled
        raise NotModelled(f"test {op}")

    def unary(self, op, arg):
        ctx = self.ctx
        if op == "n":
            return arg != ""
        if op == "z":
            return arg == ""
        if op == "t":
            return False
        st = ctx.fs.stat(ctx.path(arg)) if arg else None
        if op == "L" or op == "h":
            st = ctx.fs.stat(ctx.path(arg), follow=False) if arg else None
            return st is not None and st.type == "symlink"
        if st is None:
            return False
        uid = ctx.user[0]
        if op == "e":
            return True
        if op == "f":
            return st.type in ("file", "hardlink")
        if op == "d":
            return st.type == "dir"
        if op == "s":
            if st.size is None:
                from .common import NotModelled
                raise NotModelled("test -s on a file of unknown size")
            return st.size > 0
        if op in "rwx":
            bit = {"r": 4, "w": 2, "x": 1}[op]
            if uid == 0:
                return op != "x" or bool(st.mode & 0o111) or st.type == "dir"
            if st.uid == uid:
                return bool(st.mode >> 6 & bit)
            if st.gid == ctx.user[1]:
                return bool(st.mode >> 3 & bit)
            return bool(st.mode & bit)
        if op == "p":
            return st.type == "fifo"
        if op == "c":
            return st.type == "char"
        if op == "b":
            return st.type == "block"
        if op == "S":
            return st.type == "socket"
        if op == "u":
            return bool(st.mode & 0o4000)
        if op == "g":
            return bool(st.mode & 0o2000)
        if op == "k":
            return bool(st.mode & 0o1000)
        if op == "O":
            return st.uid == uid
        if op == "G":
            return st.gid == ctx.user[1]
        return False


APPLETS = {"dd": dd, "groups": groups, "usleep": lambda ctx: 0, "which": which, "env": env, "printenv": printenv, "true": true, "false": false, "sleep": sleep,
           "test": test, "[": test, "[[": test}
