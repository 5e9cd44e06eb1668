"""A POSIX shell subset with busybox-style applets, run over the FS protocol.

`execute(argv, env=..., fs=..., user=..., workdir=..., flavour=...)` runs one process
as the runtime would exec it (a RUN's argv, or a container's Entrypoint ++ Cmd) and
returns what it printed and its exit status, or None where an unmodelled program makes
them unknowable (`opaque` names it)."""

from __future__ import annotations

import attrs

from .lexer import ShellSyntaxError  # noqa: F401
from .parser import parse  # noqa: F401


@attrs.frozen
class ExecResult:
    stdout: str | None
    stderr: str | None
    exit_code: int | None
    opaque: str | None = None
    start_error: str | None = None  # the runtime could not start the process at all

    @property
    def stderr_last(self) -> str | None:
        if self.stderr is None:
            return None
        lines = self.stderr.rstrip("\n").split("\n")
        return lines[-1] if self.stderr else ""


FLAVOURS = {"busybox": "busybox", "ash": "busybox", "dash": "dash", "bash": "bash", None: "busybox"}


def execute(argv, *, env, fs, user=(0, 0, "root"), workdir: str = "/",
            flavour: str | None = "busybox", stdin: str = "") -> ExecResult:
    from .process import run_process
    return run_process(list(argv), env=env, fs=fs, user=user, workdir=workdir or "/",
                       flavour=FLAVOURS.get(flavour, "busybox"), stdin=stdin)
