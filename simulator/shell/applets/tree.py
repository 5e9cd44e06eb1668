"""Applets that walk or describe the tree: find, stat, readlink, realpath, xargs, zcat.

`find` prints in directory order, which the simulator cannot know: its lines are marked
as being of unknown order, which `sort` (or `wc`) downstream makes known again."""

from __future__ import annotations

import gzip
import posixpath
import re
import zlib

from .. import pattern, perm
from ..io import decode
from . import common
from .common import Ctx

_TYPE_NAMES = {"dir": "directory", "symlink": "symbolic link", "fifo": "fifo",
               "char": "character special file", "block": "block special file", "socket": "socket"}
_FIND_TYPES = {"f": ("file", "hardlink"), "d": ("dir",), "l": ("symlink",), "p": ("fifo",),
               "c": ("char",), "b": ("block",), "s": ("socket",)}


# ---- find ------------------------------------------------------------------------------

def _find_expr(tokens: list):
    """Parse find's expression into nested tuples; raises NotModelled for the rest."""
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def primary():
        t = take()
        if t in ("!", "-not"):
            return ("not", primary())
        if t == "(":
            e = or_()
            if take() != ")":
                raise common.NotModelled("find: unbalanced (")
            return e
        if t in ("-name", "-iname", "-path", "-type") and peek() is not None:
            return (t, take())
        if t in ("-print", "-true"):
            return ("true",)
        if t == "-false":
            return ("not", ("true",))
        raise common.NotModelled(f"find {t}")

    def and_():
        e = primary()
        while peek() is not None and peek() not in ("-o", "-or", ")"):
            if peek() in ("-a", "-and"):
                take()
            e = ("and", e, primary())
        return e

    def or_():
        e = and_()
        while peek() in ("-o", "-or"):
            take()
            e = ("or", e, and_())
        return e

    if not tokens:
        return ("true",)
    e = or_()
    if pos != len(tokens):
        raise common.NotModelled(f"find {' '.join(tokens)}")
    return e


def _matches(e, path: str, st) -> bool:
    op = e[0]
    if op == "true":
        return True
    if op == "not":
        return not _matches(e[1], path, st)
    if op == "and":
        return _matches(e[1], path, st) and _matches(e[2], path, st)
    if op == "or":
        return _matches(e[1], path, st) or _matches(e[2], path, st)
    base = posixpath.basename(path.rstrip("/")) or path
    if op == "-name":
        return pattern.match(e[1], base)
    if op == "-iname":
        return pattern.match(e[1].lower(), base.lower())
    if op == "-path":
        return pattern.match(e[1], path)
    if op == "-type":
        if e[1] not in _FIND_TYPES:
            raise common.NotModelled(f"find -type {e[1]}")
        return st.type in _FIND_TYPES[e[1]]
    raise common.NotModelled(f"find {op}")  # pragma: no cover


def find(ctx: Ctx) -> int:
    args = ctx.args[1:]
    roots = []
    while args and not args[0].startswith("-") and args[0] not in ("!", "("):
        roots.append(args.pop(0))
    maxdepth, mindepth = None, 0
    rest = []
    i = 0
    while i < len(args):
        if args[i] in ("-maxdepth", "-mindepth") and i + 1 < len(args) and re.fullmatch(r"[0-9]+", args[i + 1]):
            if args[i] == "-maxdepth":
                maxdepth = int(args[i + 1])
            else:
                mindepth = int(args[i + 1])
            i += 2
            continue
        rest.append(args[i])
        i += 1
    expr = _find_expr(rest)
    fs = ctx.fs
    status = 0
    unordered = False

    def walk(shown: str, full: str, depth: int) -> int:
        """Print the matches under `full`; the number printed. Lines from two different
        children of one directory come in directory order: unknown."""
        nonlocal status, unordered
        st = fs.stat(full, follow=False)
        if st is None:
            return 0
        printed = 0
        if depth >= mindepth and _matches(expr, shown, st):
            ctx.out(shown + "\n")
            printed = 1
        if st.type != "dir" or (maxdepth is not None and depth >= maxdepth):
            return printed
        if not perm.allowed(fs, ctx.user, full, "rx"):
            ctx.error(f"{shown}: Permission denied")
            status = 1
            return printed
        contributing = 0
        for n in fs.listdir(full):
            got = walk(shown.rstrip("/") + "/" + n if shown != "/" else "/" + n,
                       posixpath.join(full, n), depth + 1)
            if got:
                contributing += 1
                printed += got
        if contributing > 1:
            unordered = True
        return printed

    for r in roots or ["."]:
        full = ctx.path(r)
        if fs.stat(full, follow=False) is None:
            ctx.error(f"{r}: No such file or directory")
            status = 1
            continue
        walk(r, full, 0)
    if unordered:
        ctx.fds.stdout.mark_unordered("find lists entries in directory order, which is not knowable")
    return status


# ---- stat ------------------------------------------------------------------------------

def _perm_string(st) -> str:
    kind = {"dir": "d", "symlink": "l", "fifo": "p", "char": "c", "block": "b", "socket": "s"}.get(st.type, "-")
    out = [kind]
    for shift, special, ch in ((6, 0o4000, "s"), (3, 0o2000, "s"), (0, 0o1000, "t")):
        bits = (st.mode >> shift) & 7
        out.append("r" if bits & 4 else "-")
        out.append("w" if bits & 2 else "-")
        x = bits & 1
        if st.mode & special:
            out.append(ch if x else ch.upper())
        else:
            out.append("x" if x else "-")
    return "".join(out)


def _stat_field(ctx: Ctx, spec: str, name: str, st) -> str:
    from .users import group_by_gid, user_by_uid
    if spec == "a":
        return f"{st.mode:o}"
    if spec == "A":
        return _perm_string(st)
    if spec == "u":
        return str(st.uid)
    if spec == "g":
        return str(st.gid)
    if spec == "U":
        u = user_by_uid(ctx.fs, st.uid)
        return u[0] if u else "UNKNOWN"
    if spec == "G":
        g = group_by_gid(ctx.fs, st.gid)
        return g[0] if g else "UNKNOWN"
    if spec == "n":
        return name
    if spec == "N":
        return f"'{name}' -> '{st.target}'" if st.type == "symlink" else name
    if spec == "F":
        if st.type in ("file", "hardlink"):
            return "regular empty file" if st.size == 0 else "regular file"
        return _TYPE_NAMES.get(st.type, st.type)
    if spec == "s" and st.type != "dir" and st.size is not None:
        return str(st.size)
    if spec == "%":
        return "%"
    # sizes of directories, times, inodes, devices, link counts: not knowable
    raise common.NotModelled(f"stat %{spec}")


def stat(ctx: Ctx) -> int:
    args = ctx.args[1:]
    fmt = None
    follow = False
    names = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-c" and i + 1 < len(args):
            fmt = args[i + 1]
            i += 2
            continue
        if a == "-L":
            follow = True
        elif a.startswith("-"):
            raise common.NotModelled(f"stat {a}")
        else:
            names.append(a)
        i += 1
    if fmt is None:
        raise common.NotModelled("stat without -c (it prints times)")
    if not names:
        return common.usage(ctx)
    status = 0
    for n in names:
        st = ctx.fs.stat(ctx.path(n), follow=follow)
        if st is None or not perm.searchable(ctx.fs, ctx.user, ctx.path(n)):
            ctx.error(f"can't stat '{n}': " + ("No such file or directory" if st is None else
                                               "Permission denied"))
            status = 1
            continue
        out = re.sub(r"%(.)", lambda m: _stat_field(ctx, m.group(1), n, st), fmt)
        ctx.out(out + "\n")
    return status


# ---- links -------------------------------------------------------------------------------

def readlink(ctx: Ctx) -> int:
    args = ctx.args[1:]
    canon = False
    while args and args[0].startswith("-") and len(args[0]) > 1:
        a = args.pop(0)
        if set(a[1:]) - set("fnsqv"):
            raise common.NotModelled(f"readlink {a}")
        canon |= "f" in a
    if not args:
        return common.usage(ctx)
    p = ctx.path(args[0])
    if canon:
        real = ctx.fs.realpath(p)
        if ctx.fs.stat(posixpath.dirname(real)) is None:
            return 1
        ctx.out(real + "\n")
        return 0
    st = ctx.fs.stat(p, follow=False)
    if st is None or st.type != "symlink":
        return 1
    ctx.out(st.target + "\n")
    return 0


def realpath(ctx: Ctx) -> int:
    status = 0
    for a in ctx.args[1:]:
        p = ctx.path(a)
        if ctx.fs.stat(p) is None:
            ctx.error(f"{a}: No such file or directory")
            status = 1
            continue
        ctx.out(ctx.fs.realpath(p) + "\n")
    return status


# ---- xargs, zcat ---------------------------------------------------------------------------

def _xargs_words(text: str) -> list[str]:
    words, cur, quote, have = [], [], None, False
    i = 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == quote:
                quote = None
            else:
                cur.append(c)
        elif c in "'\"":
            quote, have = c, True
        elif c == "\\" and i + 1 < len(text):
            cur.append(text[i + 1])
            have = True
            i += 1
        elif c in " \t\n":
            if cur or have:
                words.append("".join(cur))
            cur, have = [], False
        else:
            cur.append(c)
        i += 1
    if quote:
        raise common.NotModelled("xargs: unmatched quote")
    if cur or have:
        words.append("".join(cur))
    return words


def xargs(ctx: Ctx) -> int:
    from ..commands import run_program
    args = ctx.args[1:]
    per = None
    no_empty = False
    while args and args[0].startswith("-") and len(args[0]) > 1:
        a = args.pop(0)
        if a == "-n" and args:
            per = int(args.pop(0))
        elif re.fullmatch(r"-n[0-9]+", a):
            per = int(a[2:])
        elif a == "-r":
            no_empty = True
        else:
            raise common.NotModelled(f"xargs {a}")
    cmd = args or ["echo"]
    words = _xargs_words(ctx.stdin_text())
    if not words and no_empty:
        return 0
    chunks = [words[i:i + per] for i in range(0, len(words), per)] if per else [words]
    status = 0
    sub = ctx.fds.copy()
    from ..io import Source
    sub.table[0] = Source("")
    for chunk in chunks or [[]]:
        st = run_program(ctx.shell, cmd + chunk, ctx.env, sub)
        if st is None:
            return None
        if st == 255:
            return 124
        if st in (126, 127):
            return st
        if st:
            status = 123
    return status


def zcat(ctx: Ctx) -> int:
    status = 0
    for f in ctx.args[1:] or ["-"]:
        if f == "-":
            raise common.NotModelled("zcat of standard input")
        data = common.open_bytes(ctx, f)
        if data is None:
            status = 1
            continue
        try:
            ctx.out(decode(gzip.decompress(data)))
        except (OSError, EOFError, zlib.error):
            raise common.NotModelled(f"zcat of a file that is not plain gzip ({f})")
    return status


APPLETS = {"find": find, "stat": stat, "readlink": readlink, "realpath": realpath, "xargs": xargs,
           "zcat": zcat}
