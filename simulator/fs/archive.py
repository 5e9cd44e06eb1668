"""ADD's local-archive handling: detection as Docker does it, and a bounded, contained unpack."""

from __future__ import annotations

import bz2
import io
import lzma
import os
import tarfile
import zlib

from .entry import BLOCK, CHAR, DIR, FIFO, FILE, HARDLINK, SYMLINK, Entry

_MAGIC = ((b"\x42\x5a\x68", "bzip2"), (b"\x1f\x8b\x08", "gzip"), (b"\xfd\x37\x7a\x58\x5a\x00", "xz"))


class UnpackError(Exception):
    pass


def max_unpack() -> int:
    """Bytes an ADD may unpack (declared plus read), from DSIM_MAX_UNPACK (default 1 GiB)."""
    try:
        return int(os.environ.get("DSIM_MAX_UNPACK", str(1 << 30)))
    except ValueError:
        return 1 << 30


def compression(data: bytes) -> str | None:
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


class _Decompressor(io.RawIOBase):
    """A streaming decompressor over `data` that refuses to produce more than `limit` bytes."""

    def __init__(self, data: bytes, kind: str | None, limit: int):
        self._src = io.BytesIO(data)
        self._kind = kind
        self._limit = limit
        self.produced = 0
        self._buf = b""
        self._eof = False
        if kind == "gzip":
            self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif kind == "bzip2":
            self._d = bz2.BZ2Decompressor()
        elif kind == "xz":
            self._d = lzma.LZMADecompressor()
        else:
            self._d = None

    def readable(self) -> bool:
        return True

    def _more(self, want: int) -> None:
        while len(self._buf) < want and not self._eof:
            if self._d is None:
                chunk = self._src.read(65536)
                if not chunk:
                    self._eof = True
                self._buf += chunk
                continue
            if self._kind == "gzip":
                chunk = self._d.unconsumed_tail or self._src.read(65536)
                if not chunk:
                    self._eof = True
                    break
                out = self._d.decompress(chunk, 1 << 20)
                if self._d.eof:
                    self._eof = True
            else:
                if getattr(self._d, "eof", False):
                    self._eof = True
                    break
                needs = getattr(self._d, "needs_input", True)
                chunk = self._src.read(65536) if needs else b""
                if needs and not chunk:
                    self._eof = True
                    break
                out = self._d.decompress(chunk, 1 << 20)
            self.produced += len(out)
            if self.produced > self._limit:
                raise UnpackError(f"archive expands beyond {self._limit} bytes (DSIM_MAX_UNPACK)")
            self._buf += out

    def readinto(self, b) -> int:
        try:
            self._more(len(b))
        except (zlib.error, OSError, EOFError, lzma.LZMAError) as e:
            if isinstance(e, UnpackError):
                raise
            raise UnpackError(f"corrupt compressed stream: {e}") from e
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def _header_ok(block: bytes) -> bool:
    """Go archive/tar's first-header check: a checksum that matches (signed or unsigned)."""
    if len(block) < 512:
        return False
    field = block[148:156]
    try:
        text = field.split(b"\x00", 1)[0].strip(b" \x00").decode("ascii")
        stored = int(text, 8) if text else None
    except ValueError:
        return False
    if stored is None:
        return False
    unsigned = sum(block[:148]) + 8 * 32 + sum(block[156:512])
    signed = sum((c - 256 if c > 127 else c) for c in block[:148]) + 8 * 32 + \
        sum((c - 256 if c > 127 else c) for c in block[156:512])
    return stored in (unsigned, signed)


def is_archive(data: bytes | None) -> bool:
    """Docker's `isArchivePath`: a (possibly gzip/bzip2/xz-compressed) stream whose first
    tar header reads back."""
    if not data:
        return False
    try:
        stream = _Decompressor(data, compression(data), 1 << 20)
        head = stream.read(1024) or b""
    except UnpackError:
        return False
    if len(head) < 512:
        return False
    first = head[:512]
    if first == b"\x00" * 512:
        return False  # end of archive (or a bad header): not an archive
    return _header_ok(first)


def unpack(data: bytes, limit: int | None = None):
    """Yield (relative clean path, Entry) for every member of the archive, in order.
    Docker unpacks chrooted into the destination, so every name is contained: an
    absolute name and a name climbing out with `..` both land under the destination
    (verified on engine 20.10, both builders); hardlink targets likewise. Total bytes
    (declared and decompressed) are bounded by `limit`."""
    limit = max_unpack() if limit is None else limit
    raw = _Decompressor(data, compression(data), limit)
    stream = io.BufferedReader(raw, 65536)
    declared = 0
    try:
        tf = tarfile.open(fileobj=stream, mode="r|")
    except tarfile.TarError as e:
        raise UnpackError(f"invalid tar archive: {e}") from e
    with tf:
        try:
            for ti in tf:
                name = ti.name
                rel = _contained(name)
                if ti.isfile():
                    declared += ti.size
                    if declared > limit:
                        raise UnpackError(f"archive declares more than {limit} bytes (DSIM_MAX_UNPACK)")
                    f = tf.extractfile(ti)
                    content = f.read() if f is not None else b""
                    yield rel, Entry(FILE, ti.mode & 0o7777, ti.uid, ti.gid, data=content)
                elif ti.isdir():
                    yield rel, Entry(DIR, ti.mode & 0o7777, ti.uid, ti.gid, data=None, size=0)
                elif ti.issym():
                    yield rel, Entry(SYMLINK, 0o777, ti.uid, ti.gid, data=None, size=0, linkname=ti.linkname)
                elif ti.islnk():
                    target = _contained(ti.linkname)
                    yield rel, Entry(HARDLINK, ti.mode & 0o7777, ti.uid, ti.gid, data=None, size=0, linkname=target)
                elif ti.ischr() or ti.isblk():
                    yield rel, Entry(CHAR if ti.ischr() else BLOCK, ti.mode & 0o7777, ti.uid, ti.gid, data=None,
                                     size=0, devmajor=ti.devmajor, devminor=ti.devminor)
                elif ti.isfifo():
                    yield rel, Entry(FIFO, ti.mode & 0o7777, ti.uid, ti.gid, data=None, size=0)
        except tarfile.TarError as e:
            raise UnpackError(f"invalid tar archive: {e}") from e


def _contained(name: str) -> str:
    """The member's path relative to the destination, `..` clamped at it (chroot)."""
    parts: list[str] = []
    for p in name.split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            if parts:
                parts.pop()
            continue
        parts.append(p)
    return "/".join(parts)


