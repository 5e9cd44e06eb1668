"""Finding and starting programs: PATH lookup in the FS, busybox applets, `#!` scripts,
nested shells, and the honest fallback for programs the simulator does not model."""

from __future__ import annotations

import posixpath

import attrs

from ..fs.protocol import UnknownContent
from .busybox import BUSYBOX_APPLETS
from .io import FDs, Source, decode
from .words import Indeterminate

SHELL_NAMES = {"sh": "busybox", "ash": "busybox", "dash": "dash", "bash": "bash"}
# unmodelled busybox applets that only read and print: their output is unknown, but they
# leave the filesystem as it was
READ_ONLY_APPLETS = frozenset("""
arch base32 base64 cksum cmp comm date df diff dmesg du expand fold free hexdump
hostid hostname logname md5sum nl nproc od ps pwdx rev sha1sum sha256sum sha3sum
sha512sum strings sum tac tty uname unexpand uptime users w who xxd""".split())


@attrs.frozen
class Resolved:
    kind: str  # "applet" | "shell" | "script" | "opaque" | "notfound" | "denied"
    path: str | None = None
    applet: str | None = None  # busybox applet name, or the shell flavour for "shell"
    interpreter: tuple = ()  # for "script": the #! line's argv


def lookup(fs, name: str, path_var: str | None, cwd: str) -> str | None:
    """The file a command name runs: itself when it has a slash, else the first executable
    PATH hit, else the first PATH entry that exists at all (which then fails with EACCES)."""
    try:
        if "/" in name:
            full = posixpath.normpath(posixpath.join(cwd, name))
            return full if fs.stat(full) is not None else None
        fallback = None
        for d in (path_var if path_var is not None else "").split(":"):
            full = posixpath.normpath(posixpath.join(cwd, d or ".", name))
            st = fs.stat(full)
            if st is None:
                continue
            if st.type != "dir" and st.mode & 0o111:
                return full
            fallback = fallback or full
        return fallback
    except UnknownContent as e:
        raise Indeterminate(str(e))


def classify(fs, path: str, invoked: str, default_flavour: str = "busybox") -> Resolved:
    """What the file at `path` is, run as `invoked` (busybox picks its applet by argv[0])."""
    try:
        st = fs.stat(path)
        if st is None:
            return Resolved("notfound", path)
        if st.type == "dir" or not st.mode & 0o111:
            return Resolved("denied", path)
        real = fs.realpath(path)
        base = posixpath.basename(real)
        if base == "busybox" or _same_as_busybox(fs, real):
            applet = posixpath.basename(invoked)
            if applet in SHELL_NAMES and SHELL_NAMES[applet] == "busybox":
                return Resolved("shell", path, "busybox")
            return Resolved("applet", path, applet)
        head = fs.read(real)[:512]
    except UnknownContent as e:
        return Resolved("opaque", path, reason_of(e))
    if head.startswith(b"#!"):
        line = decode(head[2:].split(b"\n", 1)[0]).strip()
        parts = line.split(None, 1)
        if not parts:
            return Resolved("opaque", path)
        return Resolved("script", path, interpreter=tuple(parts))
    if base in SHELL_NAMES and head.startswith(b"\x7fELF"):
        flavour = SHELL_NAMES[base] if base != "sh" else default_flavour
        return Resolved("shell", path, flavour)
    from .applets import KNOWN_PROGRAMS
    if real in KNOWN_PROGRAMS and head.startswith(b"\x7fELF"):
        return Resolved("applet", path, KNOWN_PROGRAMS[real])
    if head and not head.startswith(b"\x7fELF") and b"\0" not in head:
        # no #! line: execve fails with ENOEXEC; a shell then runs the file as a script
        return Resolved("textscript", path)
    return Resolved("opaque", path)


def reason_of(e: UnknownContent) -> str:
    return e.reason


def _same_as_busybox(fs, real: str) -> bool:
    """A hard link to busybox (the official busybox image links its applets that way)."""
    if real == "/bin/busybox":
        return True
    bb = fs.stat("/bin/busybox")
    st = fs.stat(real)
    if bb is None or st is None or bb.type == "dir" or st.size != bb.size or not st.size:
        return False
    return fs.read(real)[:4096] == fs.read("/bin/busybox")[:4096]


def make_opaque(sh, name: str, fds: FDs, why: str | None = None) -> None:
    """An unmodelled program runs: its output, its status and its effect on the FS are unknown."""
    reason = f"{name}: {why}" if why else f"{name}: program not modelled"
    sh.opaque.append(name)
    try:
        sh.fs.mark_unknown(reason)
    except Exception:  # a read-only view of an image: nothing to mark
        pass
    fds.stdout.mark_unknown(reason)
    fds.stderr.mark_unknown(reason)


def run_program(sh, argv: list, env: dict, fds: FDs) -> int | None:
    """Run a command the shell did not find among its builtins and functions."""
    from .applets import APPLETS
    name = argv[0]
    if sh.flavour == "busybox" and "/" not in name and name in BUSYBOX_APPLETS:
        # busybox ash is built with FEATURE_SH_STANDALONE: applets win over PATH
        res = (Resolved("shell", None, "busybox") if name in ("sh", "ash")
               else Resolved("applet", None, name))
    else:
        path = lookup(sh.fs, name, env.get("PATH"), sh.cwd)
        if path is None:
            fds.stderr.write(_not_found(sh, name))
            return 127
        res = classify(sh.fs, path, name, sh.flavour)
    return start(sh, res, argv, env, fds)


def _not_found(sh, name: str) -> str:
    if sh.flavour == "bash":
        return f"{sh.msg_prefix()}{name}: command not found\n"
    return f"{sh.msg_prefix()}{name}: not found\n"


def start(sh, res: Resolved, argv: list, env: dict, fds: FDs) -> int | None:
    from .applets import APPLETS
    from .interp import Ctx, Opaque
    from .applets.common import NotModelled
    name = argv[0]
    if res.kind == "notfound":
        fds.stderr.write(_not_found(sh, name))
        return 127
    if res.kind == "denied":
        fds.stderr.write(f"{sh.msg_prefix()}{name}: Permission denied\n")
        return 126
    if res.kind == "opaque":
        make_opaque(sh, name, fds, res.applet)
        return None
    if res.kind == "script":
        interp = list(res.interpreter)
        new_argv = interp + [res.path] + list(argv[1:])
        target = lookup(sh.fs, interp[0], None, "/")
        if target is None:
            fds.stderr.write(f"{sh.msg_prefix()}{name}: not found\n")
            return 127
        return start(sh, classify(sh.fs, target, interp[0], sh.flavour), new_argv, env, fds)
    if res.kind == "shell":
        return run_shell(sh, argv, env, fds, res.applet)
    if res.kind == "textscript":
        return run_shell(sh, [sh.arg0 if sh.flavour else "sh", res.path] + list(argv[1:]), env,
                         fds, sh.flavour)
    if res.applet == "busybox":  # `busybox APPLET ARGS`
        if len(argv) < 2 or argv[1].startswith("-"):
            make_opaque(sh, name, fds, "busybox without an applet")
            return None
        sub = Resolved("shell", res.path, "busybox") if argv[1] in ("sh", "ash") else \
            Resolved("applet", res.path, argv[1])
        return start(sh, sub, list(argv[1:]), env, fds)
    fn = APPLETS.get(res.applet)
    if fn is None:
        if res.applet not in BUSYBOX_APPLETS:
            fds.stderr.write(f"{res.applet}: applet not found\n")
            return 127
        why = f"busybox applet '{res.applet}' not modelled"
        if res.applet in READ_ONLY_APPLETS:  # its output is unknown, the FS is not
            sh.opaque.append(name)
            fds.stdout.mark_unknown(f"{name}: {why}")
            fds.stderr.mark_unknown(f"{name}: {why}")
            return None
        make_opaque(sh, name, fds, why)
        return None
    child = sh.process(env)
    ctx = Ctx([res.applet] + list(argv[1:]), fds, env, child)
    try:
        return fn(ctx)
    except Opaque as o:
        make_opaque(sh, o.name, o.fds or fds)
        return None
    except NotModelled as nm:
        if nm.changes_fs:
            make_opaque(sh, name, fds, nm.what)
        else:
            sh.opaque.append(nm.what)
            fds.stdout.mark_unknown(nm.what)
        return None
    except UnknownContent as e:
        sh.opaque.append(name)
        fds.stdout.mark_unknown(e.reason)
        return None
    except Indeterminate as e:
        fds.stdout.mark_unknown(e.reason)
        return None


def run_shell(parent, argv: list, env: dict, fds: FDs, flavour: str) -> int | None:
    """`sh [-eux] -c SCRIPT [ARG0 [ARG...]]`, `sh FILE [ARG...]`, or a script on stdin."""
    from .interp import Shell
    args = list(argv[1:])
    command = None
    opts = set()
    use_c = False
    while args and args[0].startswith(("-", "+")) and args[0] not in ("-", "--"):
        a = args.pop(0)
        for ch in a[1:]:
            if ch == "c":
                use_c = True
            elif ch in "eux" and a[0] == "-":
                opts.add(ch)
            elif ch == "o" and args:
                args.pop(0)
    if args and args[0] == "--":
        args.pop(0)
    arg0 = argv[0]
    dollar0 = None
    if use_c:
        if not args:
            fds.stderr.write(f"{arg0}: -c requires an argument\n")
            return 2
        command = args.pop(0)
        if args:
            dollar0 = args.pop(0)
    elif args:
        script_path = args.pop(0)
        full = posixpath.normpath(posixpath.join(parent.cwd, script_path))
        try:
            st = parent.fs.stat(full)
            if st is None or st.type == "dir":
                fds.stderr.write(f"{arg0}: can't open '{script_path}': No such file or directory\n")
                return 2 if flavour != "bash" else 127
            command = decode(parent.fs.read(full))
        except UnknownContent as e:
            make_opaque(parent, script_path, fds, e.reason)
            return None
        dollar0 = script_path
    else:
        src = fds.stdin
        if src.text is None:
            raise Indeterminate("a shell reading a script from an unmodelled program")
        command = src.text
    sh = Shell(parent.fs, env=env, user=parent.user, cwd=parent.cwd, flavour=flavour,
               arg0=(dollar0 if dollar0 is not None else arg0), dollar0=dollar0,
               positional=args, opaque=parent.opaque)
    sh.named_dollar0 = dollar0 is not None and use_c
    if dollar0 is not None and not use_c:
        sh.named_dollar0 = True
    sh.pid = 1 if getattr(parent, "process_root", False) else None
    sh.depth = parent.depth + 10
    if sh.depth > 150:
        raise Indeterminate("shells nested too deeply: the real outcome is not modelled")
    sh.line_base = 0 if use_c else 1
    sh.applet_name = posixpath.basename(argv[0])
    sh.errexit = "e" in opts
    sh.nounset = "u" in opts
    sub = fds.copy()
    if use_c:
        pass
    else:
        sub.table[0] = Source("")  # the script consumed stdin (or the file is the script)
    return sh.run_script(command, sub)
