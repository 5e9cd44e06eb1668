"""File applets over the FS protocol: pwd, ls, mkdir, touch, rm, cp, mv, ln, chmod, chown."""

from __future__ import annotations

from ..ascii import isdigits as _isdigits

import posixpath
import re

from .. import perm
from . import common
from .common import Ctx


def _split(args: list, allowed: str, name: str):
    opts, rest = set(), []
    it = iter(range(len(args)))
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            rest.extend(args[i + 1:])
            break
        if a.startswith("-") and len(a) > 1:
            for ch in a[1:]:
                if ch not in allowed:
                    raise common.NotModelled(f"{name} -{ch}", changes_fs=name not in ("ls",))
            opts.update(a[1:])
        else:
            rest.append(a)
        i += 1
    return opts, rest


def pwd(ctx: Ctx) -> int:
    ctx.out(ctx.cwd + "\n")
    return 0


def ls(ctx: Ctx) -> int:
    opts, names = _split(ctx.args[1:], "1aAdpFC", "ls")
    fs = ctx.fs
    status = 0
    files, dirs = [], []
    for n in names or ["."]:
        st = fs.stat(ctx.path(n))
        if st is None:
            ctx.error(f"{n}: No such file or directory")
            status = 1
        elif st.type == "dir" and "d" not in opts:
            dirs.append(n)
        else:
            files.append((n, st))

    def mark(name, st):
        if "F" in opts:
            if st.type == "dir":
                return name + "/"
            if st.type == "symlink":
                return name + "@"
            if st.mode & 0o111:
                return name + "*"
        if "p" in opts and st.type == "dir":
            return name + "/"
        return name

    key = lambda s: s.encode("utf-8", "surrogateescape")
    out = [mark(n, st) + "\n" for n, st in sorted(files, key=lambda x: key(x[0]))]
    show_headers = len(names) > 1
    for i, d in enumerate(sorted(dirs, key=key)):
        if show_headers:
            if out or i:
                out.append("\n")
            out.append(f"{d}:\n")
        base = ctx.path(d)
        if not perm.allowed(fs, ctx.user, base, "r"):
            ctx.error(f"can't open '{d}': Permission denied")
            status = 1
            continue
        entries = fs.listdir(base)
        if "a" in opts:
            entries = [".", ".."] + entries
        elif "A" not in opts:
            entries = [e for e in entries if not e.startswith(".")]
        for e in sorted(entries, key=key):
            st = fs.stat(posixpath.join(base, e), follow=False) if opts & {"p", "F"} else None
            out.append(mark(e, st) + "\n" if st else e + "\n")
    ctx.out("".join(out))
    return status


def _parse_mode(spec: str, old: int, is_dir: bool) -> int | None:
    if re.fullmatch(r"[0-7]{1,4}", spec):
        return int(spec, 8)
    mode = old
    for clause in spec.split(","):
        m = re.fullmatch(r"([ugoa]*)([-+=])([rwxXst]*)", clause)
        if not m:
            return None
        who, op, perms = m.groups()
        who = who or "a"
        mask = 0
        for w in who:
            mask |= {"u": 0o4700, "g": 0o2070, "o": 0o1007, "a": 0o7777}[w]
        bits = 0
        for p in perms:
            if p == "r":
                bits |= 0o444
            elif p == "w":
                bits |= 0o222
            elif p == "x" or (p == "X" and (is_dir or old & 0o111)):
                bits |= 0o111
            elif p == "s":
                bits |= 0o6000
            elif p == "t":
                bits |= 0o1000
        bits &= mask
        if op == "+":
            mode |= bits
        elif op == "-":
            mode &= ~bits
        else:
            mode = (mode & ~mask) | bits
    return mode


def mkdir(ctx: Ctx) -> int:
    args = ctx.args[1:]
    mode = None
    rest = []
    opts = set()
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-m" and i + 1 < len(args):
            mode = args[i + 1]
            i += 2
            continue
        if a.startswith("-m") and len(a) > 2:
            mode = a[2:]
        elif a.startswith("-") and len(a) > 1:
            if set(a[1:]) - set("pv"):
                raise common.NotModelled(f"mkdir {a}", changes_fs=True)
            opts.update(a[1:])
        else:
            rest.append(a)
        i += 1
    status = 0
    m = _parse_mode(mode, 0o755, True) if mode else 0o755
    for d in rest:
        p = ctx.path(d)
        denied = _mkdir_denied(ctx, d, p, "p" in opts)
        if denied is not None:
            ctx.error(f"can't create directory '{denied}': Permission denied")
            status = 1
            continue
        try:
            ctx.fs.mkdir(p, m, parents="p" in opts, uid=ctx.user[0], gid=ctx.user[1])
        except FileExistsError:
            if "p" in opts and ctx.fs.stat(p) and ctx.fs.stat(p).type == "dir":
                continue
            ctx.error(f"can't create directory '{d}': File exists")
            status = 1
        except (FileNotFoundError, NotADirectoryError):
            ctx.error(f"can't create directory '{d}': No such file or directory")
            status = 1
    return status


def _mkdir_denied(ctx: Ctx, given: str, path: str, parents: bool) -> str | None:
    """The operand busybox names when creating `path` (or, with -p, a missing parent) is
    not permitted; None when allowed."""
    fs = ctx.fs
    if not parents:
        if fs.stat(path) is None and fs.stat(posixpath.dirname(path)) is not None \
                and not perm.may_create(fs, ctx.user, path):
            return given
        return None
    parts = given.split("/")
    for i in range(1, len(parts) + 1):
        prefix = "/".join(parts[:i])
        if not prefix:
            continue
        full = ctx.path(prefix)
        if fs.stat(full) is None:
            if not perm.may_create(fs, ctx.user, full):
                return prefix + ("/" if i < len(parts) else "")
            return None
    return None


def touch(ctx: Ctx) -> int:
    opts, names = _split(ctx.args[1:], "c", "touch")
    status = 0
    for n in names:
        p = ctx.path(n)
        if ctx.fs.stat(p) is not None:
            continue  # only the times change, which the model does not keep
        if "c" in opts:
            continue
        parent = ctx.fs.stat(posixpath.dirname(p))
        if parent is not None and not perm.may_create(ctx.fs, ctx.user, p):
            ctx.error(f"{n}: Permission denied")
            status = 1
            continue
        if parent is None or parent.type != "dir":
            ctx.error(f"{n}: No such file or directory")
            status = 1
            continue
        ctx.fs.write(p, b"", mode=0o644, uid=ctx.user[0], gid=ctx.user[1])
    return status


def rm(ctx: Ctx) -> int:
    opts, names = _split(ctx.args[1:], "rRfv", "rm")
    recursive = bool(opts & {"r", "R"})
    status = 0
    for n in names:
        p = ctx.path(n)
        st = ctx.fs.stat(p, follow=False)
        if st is None:
            if "f" not in opts:
                ctx.error(f"can't remove '{n}': No such file or directory")
                status = 1
            continue
        if st.type == "dir" and not recursive:
            ctx.error(f"'{n}' is a directory")
            status = 1
            continue
        if not perm.may_create(ctx.fs, ctx.user, p):
            ctx.error(f"can't remove '{n}': Permission denied")
            status = 1
            continue
        ctx.fs.remove(p, recursive=recursive)
    return status


def _copy_tree(ctx: Ctx, src: str, dst: str, preserve: bool) -> None:
    fs = ctx.fs
    st = fs.stat(src, follow=False)
    if st.type == "symlink":
        fs.symlink(st.target, dst)
        return
    if st.type == "dir":
        if fs.stat(dst) is None:
            fs.mkdir(dst, st.mode, uid=st.uid if preserve else ctx.user[0],
                     gid=st.gid if preserve else ctx.user[1])
        for name in fs.listdir(src):
            _copy_tree(ctx, posixpath.join(src, name), posixpath.join(dst, name), preserve)
        return
    existed = fs.stat(dst) is not None
    fs.write(dst, fs.read(src), mode=None if existed and not preserve else st.mode,
             uid=(st.uid if preserve else ctx.user[0]) if not existed or preserve else None,
             gid=(st.gid if preserve else ctx.user[1]) if not existed or preserve else None)


def cp(ctx: Ctx) -> int:
    opts, names = _split(ctx.args[1:], "rRapfvPdL", "cp")
    if len(names) < 2:
        return common.usage(ctx)
    *srcs, dst = names
    dpath = ctx.path(dst)
    dst_st = ctx.fs.stat(dpath)
    status = 0
    for s in srcs:
        sp = ctx.path(s)
        st = ctx.fs.stat(sp)
        if st is None:
            ctx.error(f"can't stat '{s}': No such file or directory")
            status = 1
            continue
        target = posixpath.join(dpath, posixpath.basename(sp.rstrip("/"))) \
            if dst_st is not None and dst_st.type == "dir" else dpath
        if st.type == "dir" and not opts & {"r", "R", "a"}:
            ctx.error(f"omitting directory '{s}'")
            status = 1
            continue
        if len(srcs) > 1 and (dst_st is None or dst_st.type != "dir"):
            ctx.error(f"'{dst}' is not a directory")
            return 1
        parent = ctx.fs.stat(posixpath.dirname(target))
        if parent is None:
            ctx.error(f"can't create '{dst}': No such file or directory") if st.type != "dir" else \
                ctx.error(f"can't create directory '{dst}': No such file or directory")
            status = 1
            continue
        tst = ctx.fs.stat(target)
        if not perm.allowed(ctx.fs, ctx.user, sp, "r"):
            ctx.error(f"can't open '{s}': Permission denied")
            status = 1
            continue
        if not (perm.allowed(ctx.fs, ctx.user, target, "w") if tst is not None
                else perm.may_create(ctx.fs, ctx.user, target)):
            ctx.error(f"can't create '{target if dst_st is not None and dst_st.type == 'dir' else dst}': "
                      "Permission denied")
            status = 1
            continue
        _copy_tree(ctx, sp, target, preserve=bool(opts & {"a", "p"}))
    return status


def mv(ctx: Ctx) -> int:
    opts, names = _split(ctx.args[1:], "fvin", "mv")
    if len(names) < 2:
        return common.usage(ctx)
    *srcs, dst = names
    dpath = ctx.path(dst)
    dst_st = ctx.fs.stat(dpath)
    status = 0
    for s in srcs:
        sp = ctx.path(s)
        if ctx.fs.stat(sp, follow=False) is None:
            ctx.error(f"can't rename '{s}': No such file or directory")
            status = 1
            continue
        target = posixpath.join(dpath, posixpath.basename(sp)) \
            if dst_st is not None and dst_st.type == "dir" else dpath
        parent = ctx.fs.stat(posixpath.dirname(target))
        if parent is None:
            ctx.error(f"can't rename '{s}': No such file or directory")
            status = 1
            continue
        if not (perm.may_create(ctx.fs, ctx.user, sp) and perm.may_create(ctx.fs, ctx.user, target)):
            ctx.error(f"can't rename '{s}': Permission denied")
            status = 1
            continue
        ctx.fs.rename(sp, target)
    return status


def ln(ctx: Ctx) -> int:
    opts, names = _split(ctx.args[1:], "sfnTv", "ln")
    if not names:
        return common.usage(ctx)
    if len(names) == 1:
        names.append(".")
    *srcs, dst = names
    dpath = ctx.path(dst)
    dst_st = ctx.fs.stat(dpath) if "n" not in opts else ctx.fs.stat(dpath, follow=False)
    status = 0
    for s in srcs:
        target = posixpath.join(dpath, posixpath.basename(s)) \
            if dst_st is not None and dst_st.type == "dir" and "T" not in opts else dpath
        if not perm.may_create(ctx.fs, ctx.user, target):
            ctx.error(f"{target if dst_st is not None and dst_st.type == 'dir' else dst}: Permission denied")
            status = 1
            continue
        if ctx.fs.stat(target, follow=False) is not None:
            if "f" in opts:
                ctx.fs.remove(target)
            else:
                ctx.error(f"{target if dst_st is not None and dst_st.type == 'dir' else dst}: File exists")
                status = 1
                continue
        if "s" in opts:
            ctx.fs.symlink(s, target)
        else:
            sp = ctx.path(s)
            if ctx.fs.stat(sp) is None:
                ctx.error(f"{s}: No such file or directory")
                status = 1
                continue
            ctx.fs.link(sp, target)
    return status


def chmod(ctx: Ctx) -> int:
    args = ctx.args[1:]
    recursive = False
    while args and re.fullmatch(r"-[Rvfc]+", args[0]):
        recursive |= "R" in args.pop(0)
    if len(args) < 2:
        return common.usage(ctx)
    spec, names = args[0], args[1:]
    status = 0
    for n in names:
        p = ctx.path(n)
        st = ctx.fs.stat(p)
        if st is None:
            ctx.error(f"{n}: No such file or directory")
            status = 1
            continue
        for path, s in _walk(ctx, p, st, recursive):
            if not perm.may_change_mode(ctx.fs, ctx.user, path):
                ctx.error(f"{n if path == p else path}: Operation not permitted")
                status = 1
                continue
            mode = _parse_mode(spec, s.mode, s.type == "dir")
            if mode is None:
                ctx.error(f"invalid mode '{spec}'")
                return 1
            ctx.fs.chmod(path, mode)
    return status


def _walk(ctx: Ctx, path: str, st, recursive: bool):
    yield path, st
    if recursive and st.type == "dir":
        for name in ctx.fs.listdir(path):
            child = posixpath.join(path, name)
            cst = ctx.fs.stat(child, follow=False)
            if cst is not None and cst.type != "symlink":
                yield from _walk(ctx, child, cst, True)


def chown(ctx: Ctx) -> int:
    from .users import lookup_group, lookup_user
    args = ctx.args[1:]
    recursive = False
    while args and re.fullmatch(r"-[RhvfcHLP]+", args[0]):
        recursive |= "R" in args.pop(0)
    if len(args) < 2:
        return common.usage(ctx)
    spec, names = args[0], args[1:]
    user, sep, group = spec.replace(".", ":", 1).partition(":") if ":" not in spec and "." in spec \
        else spec.partition(":")
    uid = gid = None
    if user:
        u = lookup_user(ctx.fs, user)
        if u is None:
            if not _isdigits(user):
                ctx.error(f"unknown user {user}")
                return 1
            uid = int(user)
        else:
            uid = u[1]
            if sep and not group:
                gid = u[2]
    if group:
        g = lookup_group(ctx.fs, group)
        if g is None:
            if not _isdigits(group):
                ctx.error(f"unknown group {group}")
                return 1
            gid = int(group)
        else:
            gid = g[1]
    status = 0
    for n in names:
        p = ctx.path(n)
        st = ctx.fs.stat(p)
        if st is None:
            ctx.error(f"{n}: No such file or directory")
            status = 1
            continue
        for path, s in _walk(ctx, p, st, recursive):
            if not perm.is_root(ctx.user):
                ctx.error(f"{n if path == p else path}: Operation not permitted")
                status = 1
                continue
            ctx.fs.chown(path, s.uid if uid is None else uid, s.gid if gid is None else gid)
    return status


APPLETS = {"pwd": pwd, "ls": ls, "mkdir": mkdir, "touch": touch, "rm": rm, "cp": cp, "mv": mv,
           "ln": ln, "chmod": chmod, "chown": chown}
