"""Layers to and from tar streams (OCI/docker layer format), and tar-row listings."""

from __future__ import annotations

import hashlib
import io
import tarfile

from .entry import (BLOCK, CHAR, DIR, FIFO, FILE, HARDLINK, OPAQUE_MARKER, SYMLINK, WHITEOUT,
                    WHITEOUT_PREFIX, Entry, norm, parent, sort_key)

_TAR_TYPES = {
    FILE: tarfile.REGTYPE, DIR: tarfile.DIRTYPE, SYMLINK: tarfile.SYMTYPE, HARDLINK: tarfile.LNKTYPE,
    CHAR: tarfile.CHRTYPE, BLOCK: tarfile.BLKTYPE, FIFO: tarfile.FIFOTYPE,
}
_KINDS = {v: k for k, v in _TAR_TYPES.items()}
_KINDS[tarfile.AREGTYPE] = FILE
_KINDS[tarfile.CONTTYPE] = FILE


def _rel(path: str) -> str:
    return path.lstrip("/")


def _rows(layer) -> list[tuple[str, Entry, str]]:
    """(tar name, entry, row kind) in tar order; whiteouts and opaque markers as the
    overlay2 differ writes them (regular empty files)."""
    out = []
    for path in sorted(layer.entries, key=sort_key):
        e = layer.entries[path]
        if path == "/":
            continue
        if e.kind == WHITEOUT:
            name = _rel(parent(path)).rstrip("/")
            name = (name + "/" if name else "") + WHITEOUT_PREFIX + path.rsplit("/", 1)[1]
            out.append((name, Entry(FILE, 0o600, 0, 0, data=b""), "whiteout"))
            continue
        out.append((_rel(path), e, e.kind))
        if e.kind == DIR and e.opaque:
            out.append((_rel(path) + "/" + OPAQUE_MARKER, Entry(FILE, e.mode & 0o777, e.uid, e.gid, data=b""),
                        "opaque"))
    return out


def layer_rows(layer) -> list[dict]:
    """Rows in the recorded `layer_files` shape: path (no leading `/`), type, mode
    ("0644"), uid, gid, size, sha256 (regular files), linkname."""
    rows = []
    for name, e, _ in _rows(layer):
        rows.append(row(name, e))
    return rows


def row(name: str, e: Entry) -> dict:
    link = e.linkname
    if e.kind == HARDLINK and link:
        link = _rel(link)
    return {
        "path": name.rstrip("/"),
        "type": e.kind,
        "mode": format(e.mode & 0o7777, "04o"),
        "uid": e.uid,
        "gid": e.gid,
        "size": e.size if e.kind == FILE else 0,
        "sha256": e.sha256 if e.kind == FILE else None,
        "linkname": link if e.kind in (SYMLINK, HARDLINK) else None,
    }


def layer_to_tar(layer) -> bytes:
    """A layer tar (uncompressed) in the docker/OCI format; unknown content is an error."""
    if layer.unknown_reason is not None:
        raise ValueError(f"layer content unknown: {layer.unknown_reason}")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, e, _ in _rows(layer):
            ti = tarfile.TarInfo(name + ("/" if e.kind == DIR else ""))
            ti.type = _TAR_TYPES[e.kind]
            ti.mode = e.mode & 0o7777
            ti.uid, ti.gid = e.uid, e.gid
            ti.mtime = 0
            if e.kind in (SYMLINK, HARDLINK):
                ti.linkname = _rel(e.linkname) if e.kind == HARDLINK else (e.linkname or "")
            if e.kind in (CHAR, BLOCK):
                ti.devmajor, ti.devminor = e.devmajor, e.devminor
            data = e.data if e.kind == FILE else None
            if data is not None:
                ti.size = len(data)
                tf.addfile(ti, io.BytesIO(data))
            else:
                tf.addfile(ti)
    return buf.getvalue()


def layer_from_tar(data_or_file, diff_id: str | None = None, max_bytes: int | None = None):
    """A Layer from a layer tar (bytes, a path or a binary file object). `.wh.` files
    become whiteouts and `.wh..wh..opq` marks its directory opaque."""
    from .layer import Layer
    if isinstance(data_or_file, (bytes, bytearray)):
        fobj = io.BytesIO(data_or_file)
        tf = tarfile.open(fileobj=fobj, mode="r:*")
    elif isinstance(data_or_file, str):
        tf = tarfile.open(data_or_file, mode="r:*")
    else:
        tf = tarfile.open(fileobj=data_or_file, mode="r|*")
    entries: dict[str, Entry] = {}
    opaque: set[str] = set()
    hasher = hashlib.sha256() if diff_id is None and isinstance(data_or_file, (bytes, bytearray)) else None
    with tf:
        for ti in tf:
            path = norm(ti.name)
            base = path.rsplit("/", 1)[1]
            if base == OPAQUE_MARKER:
                opaque.add(parent(path))
                continue
            if base.startswith(WHITEOUT_PREFIX):
                entries[norm(parent(path) + "/" + base[len(WHITEOUT_PREFIX):])] = Entry(WHITEOUT, 0, data=None, size=0)
                continue
            kind = _KINDS.get(ti.type)
            if kind is None:
                continue  # pax/gnu extension records are consumed by tarfile itself
            mode = ti.mode & 0o7777
            if kind == FILE:
                f = tf.extractfile(ti)
                content = f.read() if f is not None else b""
                entries[path] = Entry(FILE, mode, ti.uid, ti.gid, data=content)
            elif kind == DIR:
                entries[path] = Entry(DIR, mode, ti.uid, ti.gid, data=None, size=0)
            elif kind == SYMLINK:
                entries[path] = Entry(SYMLINK, mode, ti.uid, ti.gid, data=None, size=0, linkname=ti.linkname)
            elif kind == HARDLINK:
                entries[path] = Entry(HARDLINK, mode, ti.uid, ti.gid, data=None, size=0, linkname=norm(ti.linkname))
            else:
                entries[path] = Entry(kind, mode, ti.uid, ti.gid, data=None, size=0,
                                      devmajor=ti.devmajor, devminor=ti.devminor)
    for d in opaque:
        e = entries.get(d)
        if e is not None and e.kind == DIR:
            entries[d] = Entry(DIR, e.mode, e.uid, e.gid, data=None, size=0, opaque=True)
        else:
            entries[d] = Entry(DIR, 0o755, data=None, size=0, opaque=True)
    if diff_id is None and isinstance(data_or_file, (bytes, bytearray)):
        diff_id = "sha256:" + hashlib.sha256(data_or_file).hexdigest()
    return Layer(entries, diff_id=diff_id)
