"""The run model: what `docker run [OPTIONS] IMAGE [ARG...]` starts and what it prints.

argv, environment, user and working directory follow moby's container create path
(`daemon/create.go` merge of the image config, `CreateDaemonEnvironment`,
`ReplaceOrAppendEnvValues`) and runc's process setup (user lookup in the image's
/etc/passwd and /etc/group, HOME from the passwd entry, PATH lookup of argv[0]);
the messages are the ones Docker 20.10 (runc 1.1) prints. The process itself runs in
the shell model where it is a modelled program; otherwise stdout and the exit code are
None and a note names the program.
"""

from __future__ import annotations

import posixpath
from typing import Any

import attrs

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# The runtime sets HOSTNAME to the container's random short id: its value is unknowable.
HOSTNAME_PLACEHOLDER = "<container id>"
_RUNC_PREFIX = ("failed to create shim task: OCI runtime create failed: runc create failed: "
                "unable to start container process: ")


@attrs.frozen
class RunOptions:
    args: list | None = None  # the words after the image; None or [] keeps the image's Cmd
    entrypoint: str | None = None  # --entrypoint; "" resets it
    env: list = attrs.field(factory=list)  # -e K=V (or K: taken from the caller, here unset)
    user: str | None = None  # -u
    workdir: str | None = None  # -w


@attrs.frozen
class RunResult:
    argv: tuple | None
    env: tuple | None
    user: str | None
    workdir: str | None
    stdout: str | None
    exit_code: int | None
    stderr_last: str | None = None
    notes: tuple = ()
    error: str | None = None  # Docker's error when the container cannot start
    # stdout with the container's hostname left as HOSTNAME_PLACEHOLDER, when that is the
    # only unknown in it (stdout itself is then None)
    stdout_masked: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"argv": None if self.argv is None else list(self.argv),
                "env": None if self.env is None else list(self.env),
                "user": self.user, "workdir": self.workdir, "stdout": self.stdout,
                "exit_code": self.exit_code, "stderr_last": self.stderr_last,
                "notes": list(self.notes), "ok": self.error is None, "error": self.error,
                "stdout_masked": self.stdout_masked}


def command_line(config, opts: RunOptions) -> list[str]:
    """Entrypoint ++ Cmd after `docker run`'s overrides (moby merge + the CLI's --entrypoint)."""
    image_ep = list(config.entrypoint) if config.entrypoint is not None else None
    image_cmd = list(config.cmd) if config.cmd is not None else None
    args = list(opts.args) if opts.args else None
    if opts.entrypoint is not None:
        # the CLI sends [entrypoint] (or [""] to reset); a user entrypoint drops the image Cmd
        entry = [opts.entrypoint] if opts.entrypoint != "" else []
        cmd = args or []
    else:
        entry = image_ep or []
        cmd = args if args is not None else (image_cmd or [])
    return entry + cmd


def environment(config_env, user_env, home: str | None) -> list[str]:
    """The process environment in Docker's order."""
    user_keys = [e.partition("=")[0] for e in user_env]
    merged = list(user_env)
    for e in config_env or ():
        if e.partition("=")[0] not in user_keys:
            merged.append(e)
    defaults = ["PATH=" + DEFAULT_PATH, "HOSTNAME=" + HOSTNAME_PLACEHOLDER]
    out = _replace_or_append(defaults, merged)
    if home is not None and not any(e.startswith("HOME=") for e in out):
        out.append("HOME=" + home)
    return out


def _replace_or_append(defaults: list[str], overrides: list[str]) -> list[str]:
    out = list(defaults)
    index = {e.partition("=")[0]: i for i, e in enumerate(out)}
    for e in overrides:
        key, eq, _ = e.partition("=")
        if not eq:  # "K" alone: the caller's K, unset here -> removed
            if key in index:
                out[index[key]] = None
                del index[key]
            continue
        if key in index and out[index[key]] is not None:
            out[index[key]] = e
        else:
            index[key] = len(out)
            out.append(e)
    return [e for e in out if e is not None]


def _fs_of(image, fs_or_stack):
    """A writable FS over the image's layers (the container's rw layer), or None if unknown."""
    from simulator.fs.layer import LayerStack
    from simulator.fs.working import WorkingFS
    src = fs_or_stack if fs_or_stack is not None else image
    if hasattr(src, "stat") and hasattr(src, "read"):
        return src
    if isinstance(src, LayerStack):
        return WorkingFS(src)
    if getattr(src, "known", True) is False:
        return None
    layers = getattr(src, "layers", None)
    if layers is None:
        return None
    return WorkingFS(LayerStack(tuple(layers)))


def run_image(image, fs_stack_or_image=None, opts: RunOptions | None = None) -> RunResult:
    """Model `docker run` of `image` (an `Image`). The second argument may be the options
    (then the FS comes from the image's layers), an FS, a LayerStack or another Image."""
    if isinstance(fs_stack_or_image, RunOptions) and opts is None:
        opts, fs_stack_or_image = fs_stack_or_image, None
    opts = opts or RunOptions()
    config = image.config
    notes: list[str] = []
    argv = command_line(config, opts)
    user_spec = opts.user if opts.user is not None else (config.user or "")
    workdir = opts.workdir if opts.workdir is not None else (config.working_dir or "/")
    if opts.workdir is not None and opts.workdir and not opts.workdir.startswith("/"):
        return _failed(argv, user_spec, None, f"the working directory '{opts.workdir}' is invalid, "
                                              "it needs to be an absolute path.", 125, create=True)
    workdir = posixpath.normpath(workdir or "/")
    if workdir.startswith("//"):
        workdir = "/" + workdir.lstrip("/")
    if not argv:
        return _failed(argv, user_spec, workdir, "No command specified.", 125, create=True)
    fs = _fs_of(image, fs_stack_or_image)
    user_env = list(opts.env or [])
    if fs is None:
        reason = getattr(image, "unknown_reason", None) or "the image's filesystem is not known"
        env = environment(config.env, user_env, None)
        notes.append(f"filesystem unknown ({reason}): user, HOME and the program cannot be resolved")
        return RunResult(tuple(argv), tuple(env), user_spec, workdir, None, None, None, tuple(notes))
    from simulator.fs.protocol import UnknownContent
    from simulator.shell import execute
    from simulator.shell.users_resolve import resolve_user
    try:
        ids = resolve_user(fs, user_spec or None)
    except UnknownContent as e:
        env = environment(config.env, user_env, None)
        notes.append(f"/etc/passwd unknown ({e.reason}): user and HOME cannot be resolved")
        return RunResult(tuple(argv), tuple(env), user_spec, workdir, None, None, None, tuple(notes))
    if isinstance(ids, str):
        return _failed(argv, user_spec, workdir, ids + ".", 125)
    home = _home(fs, ids)
    env = environment(config.env, user_env, home)
    notes.append(f"HOSTNAME is the container's random id, shown as {HOSTNAME_PLACEHOLDER}")
    try:
        if fs.stat(workdir) is None:
            fs.mkdir(workdir, 0o755, parents=True)  # the runtime creates it, owned by root
    except (UnknownContent, OSError):
        pass
    res = execute(argv, env=env, fs=fs, user=ids, workdir=workdir,
                  flavour=_flavour(image), runtime="container")
    stdout, exit_code = res.stdout, res.exit_code
    if res.start_error:
        return _failed(argv, user_spec, workdir, _RUNC_PREFIX + res.start_error + ": unknown.",
                       res.exit_code, env)
    if res.opaque:
        notes.append(f"not modelled: {res.opaque}; its output and exit status are unknown")
    masked = None
    if stdout is not None and HOSTNAME_PLACEHOLDER in stdout:
        notes.append("the output shows the container's random hostname: unknowable "
                     "(stdout_masked has it as " + HOSTNAME_PLACEHOLDER + ")")
        stdout, masked = None, stdout
    return RunResult(tuple(argv), tuple(env), user_spec, workdir, stdout, exit_code,
                     res.stderr_last, tuple(notes), None, masked)


def _home(fs, ids) -> str:
    from simulator.shell.applets.users import user_by_uid
    u = user_by_uid(fs, ids[0])
    return (u[3] or "/") if u else "/"


def _flavour(image) -> str | None:
    f = getattr(image, "shell_flavour", None)
    return {"ash": "busybox", "busybox": "busybox", "dash": "dash", "bash": "bash"}.get(f, "busybox")


def _failed(argv, user, workdir, message: str, code: int | None, env=None,
            create: bool = False) -> RunResult:
    """The CLI prints `docker: Error response from daemon: MESSAGE`; when the container
    could not even be created it adds `See 'docker run --help'.` as the last line."""
    last = "See 'docker run --help'." if create else "docker: Error response from daemon: " + message
    # no process ran: nothing was printed on stdout
    return RunResult(tuple(argv), None if env is None else tuple(env), user, workdir, "", code,
                     last, (), message)
