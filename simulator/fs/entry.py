"""Filesystem entries: what one path in a layer holds (OCI image-spec layer semantics)."""

from __future__ import annotations

import hashlib
import posixpath

import attrs

FILE = "file"
DIR = "dir"
SYMLINK = "symlink"
HARDLINK = "hardlink"
CHAR = "char"
BLOCK = "block"
FIFO = "fifo"
WHITEOUT = "whiteout"  # the path is deleted (tar: `.wh.NAME`)

KINDS = (FILE, DIR, SYMLINK, HARDLINK, CHAR, BLOCK, FIFO, WHITEOUT)

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"


@attrs.frozen
class Entry:
    """One path's state in a layer.

    `data` is the file content, or None when unknown (an opaque command wrote it);
    `size` is then None too unless known otherwise. `linkname` is a symlink's target or,
    for a hardlink, the absolute path of the file it links to. A dir with `opaque`
    hides whatever lower layers hold beneath it (tar: `.wh..wh..opq`)."""

    kind: str = attrs.field()
    mode: int = 0o644  # permission bits incl. setuid/setgid/sticky
    uid: int = 0
    gid: int = 0
    data: bytes | None = b""
    size: int | None = attrs.field(default=attrs.Factory(lambda self: _default_size(self), takes_self=True))
    linkname: str | None = None
    devmajor: int = 0
    devminor: int = 0
    opaque: bool = False

    @kind.validator
    def _check_kind(self, _attr, value):
        if value not in KINDS:
            raise ValueError(f"unknown entry kind {value!r}")

    @property
    def known(self) -> bool:
        return self.kind != FILE or self.data is not None

    @property
    def sha256(self) -> str | None:
        if self.kind != FILE or self.data is None:
            return None
        return hashlib.sha256(self.data).hexdigest()


def _default_size(entry: Entry) -> int | None:
    if entry.kind == FILE:
        return None if entry.data is None else len(entry.data)
    return 0


def file(data: bytes | None, mode: int = 0o644, uid: int = 0, gid: int = 0, size: int | None = None) -> Entry:
    if size is None and data is not None:
        size = len(data)
    return Entry(FILE, mode, uid, gid, data=data, size=size)


def directory(mode: int = 0o755, uid: int = 0, gid: int = 0, opaque: bool = False) -> Entry:
    return Entry(DIR, mode, uid, gid, data=None, size=0, opaque=opaque)


def symlink(target: str, uid: int = 0, gid: int = 0) -> Entry:
    return Entry(SYMLINK, 0o777, uid, gid, data=None, size=0, linkname=target)


def hardlink(target: str, mode: int = 0o644, uid: int = 0, gid: int = 0) -> Entry:
    return Entry(HARDLINK, mode, uid, gid, data=None, size=0, linkname=target)


WHITEOUT_ENTRY = Entry(WHITEOUT, 0, data=None, size=0)


def norm(path: str) -> str:
    """An absolute, clean POSIX path inside the virtual root (`..` clamps at /)."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def parent(path: str) -> str:
    return posixpath.dirname(path) or "/"


def ancestors(path: str) -> list[str]:
    """Proper ancestors of a clean absolute path, nearest last, without `/`."""
    out = []
    p = parent(path)
    while p != "/":
        out.append(p)
        p = parent(p)
    out.reverse()
    return out


def sort_key(path: str) -> tuple[str, ...]:
    """Order that puts every directory before its contents (component-wise)."""
    return tuple(path.split("/"))
