"""Helpers shared by the applets: reading operands, busybox-style errors, and the
`NotModelled` escape hatch for options the simulator does not model."""

from __future__ import annotations

from ..interp import Ctx  # noqa: F401  (re-exported for the applet modules)
from ..io import decode


class NotModelled(Exception):
    """The applet was called with options or input the simulator does not model: its
    output and status become unknown (and the FS too when `changes_fs`)."""

    def __init__(self, what: str, changes_fs: bool = False):
        super().__init__(what)
        self.what = what
        self.changes_fs = changes_fs


def read_path(ctx, name: str) -> str | None:
    """A file operand's text, or None after printing `applet: NAME: No such file or directory`."""
    from .. import perm
    path = ctx.path(name)
    if not perm.allowed(ctx.fs, ctx.user, path, "r"):
        ctx.error(f"{name}: Permission denied")
        return None
    try:
        return decode(ctx.fs.read(path))
    except FileNotFoundError:
        ctx.error(f"{name}: No such file or directory")
    except IsADirectoryError:
        ctx.error(f"{name}: Is a directory")
    except NotADirectoryError:
        ctx.error(f"{name}: Not a directory")
    return None


def open_bytes(ctx, name: str) -> bytes | None:
    """A file operand's bytes as busybox's open_or_warn reads them, or None after printing
    `applet: can't open 'NAME': REASON`. A directory raises IsADirectoryError: each
    applet words that read error its own way."""
    from .. import perm
    path = ctx.path(name)
    if not perm.allowed(ctx.fs, ctx.user, path, "r"):
        ctx.error(f"can't open '{name}': Permission denied")
        return None
    try:
        return ctx.fs.read(path)
    except FileNotFoundError:
        ctx.error(f"can't open '{name}': No such file or directory")
    return None


def read_input(ctx, name: str) -> str | None:
    return ctx.stdin_text() if name == "-" else read_path(ctx, name)


def usage(ctx) -> int:
    """busybox's bb_show_usage: the applet's usage text on stderr, status 1."""
    from .usage import HEADER, USAGE
    ctx.err(HEADER + USAGE.get(ctx.name, "\n"))
    return 1
