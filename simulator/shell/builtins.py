"""Shell builtins: the commands that change the shell itself (cd, export, set, exit, ...)."""

from __future__ import annotations

from .ascii import isdigits as _isdigits

import posixpath
import re

import attrs

from ..fs.protocol import UnknownContent
from . import perm
from .interp import Ctx, FuncReturn, LoopControl, ShellExit
from .parser import parse
from .lexer import ShellSyntaxError
from .words import Indeterminate

NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _err(ctx: Ctx, msg: str) -> None:
    ctx.err(f"{ctx.shell.msg_prefix(ctx.args[0])}{msg}\n")


def b_colon(ctx: Ctx) -> int:
    return 0


def b_cd(ctx: Ctx) -> int:
    sh = ctx.shell
    args = [a for a in ctx.args[1:] if a not in ("-L", "-P")]
    if not args:
        target = sh.get_var("HOME") or ""
        if not target:
            return 0
    else:
        target = args[0]
    if target == "-":
        target = sh.get_var("OLDPWD") or sh.cwd
        ctx.out(target + "\n")
    path = posixpath.normpath(posixpath.join(sh.cwd, target))
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    try:
        st = sh.fs.stat(path)
    except UnknownContent as e:
        raise Indeterminate(str(e))
    if st is not None and st.type == "dir" and not (perm.allowed(sh.fs, sh.user, path, "x")):
        st, denied = None, True
    else:
        denied = False
    if st is None or st.type != "dir":
        why = "Permission denied" if denied else (
            "No such file or directory" if st is None else "Not a directory")
        if sh.flavour == "bash":
            _err(ctx, f"{target}: {why}")
            return 1
        _err(ctx, f"can't cd to {target}" + (f": {why}" if sh.flavour == "busybox" else ""))
        return 2
    sh.set_var("OLDPWD", sh.cwd, export=True) if "OLDPWD" in sh.vars else sh.set_var("OLDPWD", sh.cwd)
    sh.cwd = path
    sh.set_var("PWD", path)
    return 0


def b_export(ctx: Ctx, readonly: bool = False) -> int:
    sh = ctx.shell
    args = [a for a in ctx.args[1:] if a != "--"]
    if args and args[0] == "-p" or not args:
        for name, var in sorted(sh.vars.items()):
            if (var.readonly if readonly else var.exported):
                val = var.value.replace("'", "'\"'\"'")
                kw = "readonly" if readonly else "export"
                ctx.out(f"{kw} {name}='{val}'\n")
        return 0
    for a in args:
        name, eq, value = a.partition("=")
        if not NAME_RE.match(name):
            _err(ctx, f"{name}: bad variable name")
            raise ShellExit(2)
        var = sh.vars.get(name)
        if eq:
            sh.set_var(name, value)
            var = sh.vars[name]
        elif var is None:
            from .interp import Var
            if readonly:
                sh.vars[name] = var = Var("", readonly=True)
                sh._touch_order(name)
                continue
            # ash: an exported unset variable is remembered but has no value
            sh._pending_exports = getattr(sh, "_pending_exports", set()) | {name}
            continue
        if readonly:
            var.readonly = True
        else:
            var.exported = True
    return 0


def b_readonly(ctx: Ctx) -> int:
    return b_export(ctx, readonly=True)


def b_unset(ctx: Ctx) -> int:
    sh = ctx.shell
    args = ctx.args[1:]
    funcs = False
    if args and args[0] in ("-f", "-v"):
        funcs = args.pop(0) == "-f"
    for name in args:
        if funcs:
            sh.functions.pop(name, None)
            continue
        v = sh.vars.get(name)
        if v is not None and v.readonly:
            _err(ctx, f"{name}: is read only")
            raise ShellExit(2)
        sh.unset_var(name)
    return 0


def b_set(ctx: Ctx) -> int:
    sh = ctx.shell
    args = ctx.args[1:]
    if not args:
        for name, var in sorted(sh.vars.items()):
            val = var.value.replace("'", "'\"'\"'")
            ctx.out(f"{name}='{val}'\n")
        return 0
    while args:
        a = args[0]
        if a == "--":
            args.pop(0)
            sh.positional = list(args)
            return 0
        if a[:1] not in ("-", "+") or a in ("-", "+"):
            break
        args.pop(0)
        on = a[0] == "-"
        for ch in a[1:]:
            if ch == "o":
                opt = args.pop(0) if args else ""
                ch = {"errexit": "e", "nounset": "u", "noglob": "f", "xtrace": "x",
                      "pipefail": "P", "allexport": "a", "verbose": "v"}.get(opt)
                if ch is None:
                    _err(ctx, f"illegal option -o {opt}")
                    raise ShellExit(2)
            if ch == "e":
                sh.errexit = on
            elif ch == "u":
                sh.nounset = on
            elif ch == "f":
                sh.noglob = on
            elif ch == "P":
                sh.pipefail = on
            elif ch in "xvaCnmh":
                pass
            else:
                _err(ctx, f"illegal option {a[0]}{ch}")
                raise ShellExit(2)
    if args or (ctx.args[1:] and ctx.args[-1] in ("-", "--")):
        sh.positional = list(args)
    return 0


def b_shift(ctx: Ctx) -> int:
    sh = ctx.shell
    n = int(ctx.args[1]) if len(ctx.args) > 1 and _isdigits(ctx.args[1]) else 1
    if n > len(sh.positional):
        if sh.flavour == "dash":
            _err(ctx, "can't shift that many")
            raise ShellExit(2)
        raise ShellExit(1) if sh.flavour == "busybox" else ShellExit(1)
    sh.positional = sh.positional[n:]
    return 0


def _status_arg(ctx: Ctx) -> int | None:
    sh = ctx.shell
    if len(ctx.args) > 1:
        a = ctx.args[1]
        if not re.fullmatch(r"[0-9]+", a):
            _err(ctx, f"Illegal number: {a}")
            raise ShellExit(2)
        return int(a) & 255
    return sh.status


def b_exit(ctx: Ctx) -> int:
    raise ShellExit(_status_arg(ctx))


def b_return(ctx: Ctx) -> int:
    raise FuncReturn(_status_arg(ctx))


def b_break(ctx: Ctx, kind: str = "break") -> int:
    n = int(ctx.args[1]) if len(ctx.args) > 1 and _isdigits(ctx.args[1]) else 1
    raise LoopControl(kind, max(n, 1))


def b_continue(ctx: Ctx) -> int:
    return b_break(ctx, "continue")


def b_eval(ctx: Ctx) -> int:
    sh = ctx.shell
    text = " ".join(ctx.args[1:])
    try:
        prog = parse(text)
    except ShellSyntaxError as e:
        ctx.err(f"{sh.arg0}: syntax error: {e}\n")
        raise ShellExit(2)
    sh.status = 0
    sh.run_program(prog, ctx.fds)
    return sh.status


def b_dot(ctx: Ctx) -> int:
    sh = ctx.shell
    if len(ctx.args) < 2:
        return 0
    name = ctx.args[1]
    from .commands import lookup
    path = lookup(sh.fs, name, sh.get_var("PATH"), sh.cwd) if "/" not in name else \
        posixpath.normpath(posixpath.join(sh.cwd, name))
    try:
        if path is None or sh.fs.stat(path) is None:
            _err(ctx, f"{name}: not found")
            raise ShellExit(2)
        text = sh.fs.read(path).decode("utf-8", "surrogateescape")
    except UnknownContent as e:
        raise Indeterminate(str(e))
    return b_eval(Ctx(["eval", text], ctx.fds, ctx.env, sh))


def b_exec(ctx: Ctx) -> int:
    sh = ctx.shell
    if len(ctx.args) < 2:
        # redirections only: they stay for the rest of the shell (not modelled beyond this)
        return 0
    from .commands import run_program
    status = run_program(sh, ctx.args[1:], sh.exported_env(), ctx.fds)
    raise ShellExit(status)


def b_local(ctx: Ctx) -> int:
    sh = ctx.shell
    if not sh.local_frames:
        _err(ctx, "not in a function")
        if sh.flavour == "bash":
            return 1
        raise ShellExit(2)
    frame = sh.local_frames[-1]
    for a in ctx.args[1:]:
        name, eq, value = a.partition("=")
        if name not in frame:
            old = sh.vars.get(name)
            frame[name] = None if old is None else attrs.evolve(old)
        if eq:
            sh.set_var(name, value)
        else:  # declared local without a value: unset inside the function
            sh.unset_var(name)
    return 0


def b_trap(ctx: Ctx) -> int:
    """Only the EXIT (0) trap can fire in a simulated run: no signals arrive."""
    args = ctx.args[1:]
    if len(args) >= 2 and any(s in ("EXIT", "0") for s in args[1:]):
        ctx.shell.exit_trap = None if args[0] in ("-", "") else args[0]
    return 0


def b_read(ctx: Ctx) -> int:
    sh = ctx.shell
    args = ctx.args[1:]
    raw = False
    while args and args[0].startswith("-"):
        a = args.pop(0)
        if a == "-r":
            raw = True
        elif a in ("-p", "-t", "-n", "-u"):
            args = args[1:]
    names = args or ["REPLY"]
    src = ctx.fds.stdin
    if src.text is None:
        raise Indeterminate("read from an unmodelled program")
    text = src.text
    if not text:
        for n in names:
            sh.set_var(n, "")
        return 1
    line, nl, rest = text.partition("\n")
    while not raw and line.endswith("\\") and nl:
        nxt, nl, rest = rest.partition("\n")
        line = line[:-1] + nxt
    src.text = rest
    if not raw:
        line = re.sub(r"\\(.)", r"\1", line)
    ifs = sh.get_var("IFS")
    ifs = " \t\n" if ifs is None else ifs
    ws = "".join(c for c in ifs if c in " \t\n")
    line = line.strip(ws) if ws else line
    values = []
    for i, n in enumerate(names):
        if i == len(names) - 1:
            values.append(line.rstrip(ws) if ws else line)
            break
        m = re.match(r"([^%s]*)[%s]*" % (re.escape(ifs), re.escape(ws)) if ifs else r"(.*)", line)
        values.append(m.group(1))
        line = line[m.end():]
        nonws = [c for c in ifs if c not in ws]
        if line[:1] and line[0] in nonws:
            line = line[1:].lstrip(ws)
    for n, v in zip(names, values + [""] * len(names)):
        sh.set_var(n, v)
    return 0 if nl else 1


def b_type(ctx: Ctx) -> int:
    from .interp import SHELL_BUILTINS, SPECIAL_BUILTINS
    from .busybox import BUSYBOX_APPLETS
    sh = ctx.shell
    status = 0
    for name in ctx.args[1:]:
        if name in SPECIAL_BUILTINS:
            ctx.out(f"{name} is a special shell builtin\n")
        elif name in sh.functions:
            ctx.out(f"{name} is a function\n")
        elif name in SHELL_BUILTINS:
            ctx.out(f"{name} is a shell builtin\n")
        elif sh.flavour == "busybox" and name in BUSYBOX_APPLETS:
            ctx.out(f"{name} is {name}\n")
        else:
            from .commands import lookup
            p = lookup(sh.fs, name, sh.get_var("PATH"), sh.cwd)
            if p:
                ctx.out(f"{name} is {p}\n")
            else:
                ctx.out(f"{name}: not found\n")
                status = 127
    return status


def b_command(ctx: Ctx) -> int:
    args = ctx.args[1:]
    if args and args[0] in ("-v", "-V"):
        sh = ctx.shell
        status = 0
        for name in args[1:]:
            from .interp import SHELL_BUILTINS, SPECIAL_BUILTINS
            from .busybox import BUSYBOX_APPLETS
            if name in SPECIAL_BUILTINS or name in SHELL_BUILTINS or name in sh.functions:
                ctx.out(name + "\n")
                continue
            from .commands import lookup
            if sh.flavour == "busybox" and name in BUSYBOX_APPLETS:
                ctx.out(name + "\n")
                continue
            p = lookup(sh.fs, name, sh.get_var("PATH"), sh.cwd)
            if p:
                ctx.out(p + "\n")
            else:
                status = 127
        return status
    if args and args[0] == "-p":
        args = args[1:]
    if not args:
        return 0
    sh = ctx.shell
    from .interp import SHELL_BUILTINS, SPECIAL_BUILTINS
    if args[0] in SHELL_BUILTINS or args[0] in SPECIAL_BUILTINS:
        return sh.run_builtin(args, ctx.fds)
    from .commands import run_program
    return run_program(sh, args, sh.exported_env(), ctx.fds)


def b_noop(ctx: Ctx) -> int:
    return 0


def b_umask(ctx: Ctx) -> int:
    if len(ctx.args) == 1:
        ctx.out("0022\n")
    return 0


BUILTINS = {
    ":": b_colon, "cd": b_cd, "export": b_export, "readonly": b_readonly, "unset": b_unset,
    "set": b_set, "shift": b_shift, "exit": b_exit, "return": b_return, "break": b_break,
    "continue": b_continue, "eval": b_eval, ".": b_dot, "exec": b_exec, "local": b_local,
    "read": b_read, "type": b_type, "command": b_command, "trap": b_trap, "wait": b_noop,
    "alias": b_noop, "unalias": b_noop, "hash": b_noop, "ulimit": b_noop, "umask": b_umask,
    "times": b_noop, "jobs": b_noop, "getopts": b_noop, "kill": b_noop, "fg": b_noop, "bg": b_noop,
}
