"""The working-filesystem protocol shared by the shell, COPY/ADD and the run model.

A `WorkingFS` (simulator/fs) implements it over the merged layers of a stage; whatever
is changed through it becomes the next layer. Paths are absolute POSIX paths inside the
virtual root; `..` never leaves the root and symlinks resolve inside it. Nothing here
ever touches the host filesystem.
"""

from __future__ import annotations

from typing import Protocol

import attrs


class UnknownContent(Exception):
    """The path's content (or existence) is unknown: an opaque RUN may have changed it.

    `reason` names the command that made it unknown."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: content unknown ({reason})")
        self.path = path
        self.reason = reason


@attrs.frozen
class Stat:
    type: str  # "file" | "dir" | "symlink" | "hardlink" (resolved as file) | "char" | "block" | "fifo"
    mode: int  # permission bits incl. setuid/sticky (07777), no type bits
    uid: int = 0
    gid: int = 0
    size: int | None = 0  # None: unknown
    target: str | None = None  # symlink target


class FS(Protocol):
    def stat(self, path: str, follow: bool = True) -> Stat | None: ...
    def read(self, path: str) -> bytes: ...  # FileNotFoundError, IsADirectoryError, UnknownContent
    def write(self, path: str, data: bytes, mode: int | None = None, append: bool = False,
              uid: int | None = None, gid: int | None = None) -> None: ...
    def listdir(self, path: str) -> list[str]: ...  # sorted names; NotADirectoryError
    def mkdir(self, path: str, mode: int = 0o755, parents: bool = False,
              uid: int = 0, gid: int = 0) -> None: ...  # FileExistsError unless parents
    def remove(self, path: str, recursive: bool = False) -> None: ...
    def rename(self, src: str, dst: str) -> None: ...
    def symlink(self, target: str, path: str) -> None: ...
    def link(self, existing: str, path: str) -> None: ...
    def chmod(self, path: str, mode: int) -> None: ...
    def chown(self, path: str, uid: int, gid: int, follow: bool = True) -> None: ...
    def realpath(self, path: str) -> str: ...  # resolve symlinks inside the root
    def mark_unknown(self, reason: str, paths: list[str] | None = None) -> None: ...
    # an opaque command ran: everything (or `paths`) is now unknown
