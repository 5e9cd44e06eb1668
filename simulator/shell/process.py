"""One process as the container runtime starts it: runc's PATH lookup, then the program."""

from __future__ import annotations

from ..fs.protocol import UnknownContent
from . import ExecResult
from .commands import classify, lookup, start
from .interp import Shell, ShellExit
from .io import BufferSink, FDs, Source
from .users_resolve import resolve_user
from .words import Indeterminate


def _env_dict(env) -> dict:
    if isinstance(env, dict):
        return dict(env)
    out: dict = {}
    for kv in env or ():
        k, _, v = kv.partition("=")
        out.pop(k, None)
        out[k] = v
    return out


def run_process(argv: list, *, env, fs, user, workdir: str, flavour: str, stdin: str = "",
                supplementary_groups: bool = True, runtime: str | None = None) -> ExecResult:
    env = _env_dict(env)
    if runtime is not None:
        from .runtime import RuntimeFS
        fs = RuntimeFS(fs, runtime)
    if not argv:
        return ExecResult("", "", 125, None, "no command specified")
    try:
        ids = resolve_user(fs, user, supplementary_groups)
    except UnknownContent as e:
        return ExecResult(None, None, None, f"user lookup: {e.reason}")
    if isinstance(ids, str):  # the process never starts (docker run exits 125)
        return ExecResult("", "", 125, None, ids)
    if "HOME" not in env:  # runc: HOME from the user's passwd entry, else "/"
        try:
            from .applets.users import user_by_uid
            entry = user_by_uid(fs, ids[0])
        except UnknownContent:
            entry = None
        env["HOME"] = (entry[3] or "/") if entry else "/"
    out, err = BufferSink(), BufferSink()
    fds = FDs({0: Source(stdin), 1: out, 2: err})
    proc = Shell(fs, env=env, user=ids, cwd=workdir, flavour=flavour, arg0=argv[0], is_shell=False)
    proc.process_root = True  # a shell started right here is the container's pid 1
    name = argv[0]
    status = None
    start_error = None
    try:
        path = lookup(fs, name, env.get("PATH"), workdir)
        if path is None:
            start_error = f'exec: "{name}": executable file not found in $PATH' if "/" not in name \
                else f'exec: "{name}": stat {name}: no such file or directory'
            status = 127
        else:
            res = classify(fs, path, name, flavour)
            if res.kind == "denied":
                start_error = f'exec: "{name}": permission denied'
                status = 126
            elif res.kind == "textscript":
                start_error = f'exec: "{name}": exec format error'
                status = 1
            else:
                status = start(proc, res, argv, env, fds)
    except ShellExit as e:
        status = e.status
    except Indeterminate as e:
        status = None
        out.mark_unknown(e.reason)
        try:
            fs.mark_unknown(e.reason)
        except Exception:
            pass
        proc.opaque.append(e.reason)
    except UnknownContent as e:
        status = None
        out.mark_unknown(e.reason)
        proc.opaque.append(e.reason)
    except RecursionError:
        status = None
        reason = "nesting too deep for the model (recursion)"
        out.mark_unknown(reason)
        proc.opaque.append(reason)
    if out.unordered and not out.unknown:
        out.mark_unknown(out.unordered)
        proc.opaque.append(out.unordered)
    if out.unknown and not proc.opaque:
        proc.opaque.append(out.unknown)
    stdout = None if out.unknown else out.text()
    stderr = None if err.unknown else err.text()
    opaque = ", ".join(dict.fromkeys(proc.opaque)) if proc.opaque else None
    return ExecResult(stdout, stderr, status, opaque, start_error)
