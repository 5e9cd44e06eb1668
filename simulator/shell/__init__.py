"""A POSIX shell subset with busybox-style applets, run over the FS protocol.

`execute(argv, env=..., fs=..., user=..., workdir=..., flavour=...)` runs one process
as the runtime would exec it (a RUN's argv, or a container's Entrypoint ++ Cmd) and
returns what it printed and its exit status, or None where an unmodelled program makes
them unknowable (`opaque` names it; the FS is then marked unknown too).

`env` is a dict or a list of "K=V"; `user` a (uid, gid[, name[, groups]]) tuple or Docker's
USER string (resolved against the FS's /etc/passwd and /etc/group); `flavour` is what
/bin/sh is: "busybox"/"ash", "dash" or "bash" (None: busybox).

Modules, each one job:
  ast        the syntax tree (frozen attrs nodes; words are lists of parts)
  lexer      script text -> tokens (quotes, $-expansions, here-document bodies)
  parser     tokens -> AST (POSIX grammar subset); `parse_lines` yields line by line, as
             ash parses and runs. Hand-written rather than Lark: shell lexing depends on
             the parser's state (here-documents, nested $(...), reserved words)
  words      word expansion: parameters and modifiers, $(...), $((...)), IFS, globbing
  pattern    shell patterns (case, ${v#p}, globs); arith: $((...))
  interp     the interpreter: variables, lists, pipelines, redirections, control flow
  builtins   cd, export, set, exit, read, eval, ...
  commands   PATH lookup in the FS, busybox applets, #! scripts, nested shells, opaque programs
  applets/   echo printf cat head tail wc sort grep sed tr tee basename dirname (text),
             pwd ls mkdir touch rm cp mv ln chmod chown (files), id whoami adduser addgroup
             useradd groupadd (users), env printenv true false test [ sleep (misc)
  busybox    the applet names of the modelled busybox build
  process    one process as runc starts it; users_resolve: USER -> ids as runc does
  io         descriptors: text sources and sinks (files with their own offsets)

Checked against the real engine: tests/shell (busybox 1.35 ash in dsim/busybox:1.35,
recorded tables and a live property test) and the host's dash 0.5.12 / bash 5.2."""

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
            flavour: str | None = "busybox", stdin: str = "",
            supplementary_groups: bool = True, runtime: str | None = None) -> ExecResult:
    """Run `argv` as a new process. `supplementary_groups=False` for a BuildKit RUN: its
    processes get no supplementary groups (`id` then prints no groups=), unlike docker run
    and the classic builder's RUN containers. HOME is added from the user's passwd entry
    when `env` has none, as runc does. `runtime` adds what the runtime mounts while the
    process runs (/dev, /proc, /sys, /etc/hosts, ...; see runtime.py): "container" for
    docker run and the classic builder's RUN, "buildkit" for BuildKit's RUN, None for none."""
    from .process import run_process
    return run_process(list(argv), env=env, fs=fs, user=user, workdir=workdir or "/",
                       flavour=FLAVOURS.get(flavour, "busybox"), stdin=stdin,
                       supplementary_groups=supplementary_groups, runtime=runtime)
