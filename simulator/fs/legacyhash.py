"""The classic builder's source digests in COPY/ADD history: `file:<hex>`, `dir:<hex>`,
`multi:<hex>` (moby 20.10 builder/remotecontext: a tarsum-v1 header digest + content)."""

from __future__ import annotations

import hashlib
from typing import Mapping

import attrs

from .entry import BLOCK, CHAR, DIR, FIFO, FILE, HARDLINK, SYMLINK
from .gomatch import match

_TYPE_BITS = {FILE: 0o100000, HARDLINK: 0o100000, DIR: 0o040000, SYMLINK: 0o120000,
              CHAR: 0o020000, BLOCK: 0o060000, FIFO: 0o010000}
_TYPEFLAG = {FILE: "0", HARDLINK: "0", DIR: "5", SYMLINK: "2", CHAR: "3", BLOCK: "4", FIFO: "6"}


@attrs.frozen
class HostNames:
    """The daemon host's user database, as far as the classic builder's digests need it:
    names by uid and by gid. Go's `tar.FileInfoHeader` looks each id up there (os/user)
    when the daemon hashes a stage or image file; an id with no entry gets no name."""

    users: Mapping[int, str] = attrs.field(factory=lambda: {0: "root"}, converter=dict)
    groups: Mapping[int, str] = attrs.field(factory=lambda: {0: "root"}, converter=dict)

    @classmethod
    def from_files(cls, passwd: str | None = None, group: str | None = None) -> "HostNames":
        """Read `/etc/passwd`- and `/etc/group`-format files as Go's os/user does without
        cgo (what dockerd's lookups read); a file not given keeps only root."""
        base = cls()
        return cls(_read_db(passwd, 6, 7) if passwd else base.users,
                   _read_db(group, 3, 4) if group else base.groups)

    @classmethod
    def from_json(cls, data: Mapping) -> "HostNames":
        """From `{"users": {"0": "root", ...}, "groups": {...}}` (ids as strings)."""
        return cls({int(k): v for k, v in data["users"].items()},
                   {int(k): v for k, v in data["groups"].items()})


ROOT_ONLY = HostNames()


def _read_db(path: str, min_colons: int, fields: int) -> dict[int, str]:
    """{id: name} from a colon file, by Go's os/user rules (lookup_unix.go): leading
    blanks and `#` lines skipped; a line needs `min_colons` colons; NAME not empty and not
    starting with + or -; the id field (the third) matched as the decimal text of the id,
    and the numeric fields must parse (passwd: uid and gid); the first line for an id wins."""
    out: dict[int, str] = {}
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "surrogateescape").lstrip(" \t\r\n\v\f").rstrip("\n")
            if not line or line.startswith("#") or line.count(":") < min_colons:
                continue
            parts = line.split(":", fields - 1)
            name, num = parts[0], parts[2]
            if not name or name[0] in "+-" or not _go_atoi(num):
                continue
            if fields == 7 and not _go_atoi(parts[3]):
                continue
            if num.isdigit() and num.isascii() and str(int(num)) == num:
                out.setdefault(int(num), name)
    return out


def _go_atoi(text: str) -> bool:
    """Whether Go's strconv.Atoi accepts `text` (an optional sign, then ASCII digits)."""
    body = text[1:] if text[:1] in "+-" else text
    return body.isascii() and body.isdigit()


def _names(e, lazy: bool, names: HostNames) -> tuple[str, str]:
    """uname/gname in the digest. The context's digests come from the client's tar
    headers, which carry none. A stage or image source is hashed from its files on the
    daemon, where Go's tar header looks the ids up in the *daemon host's* user database
    (`names`; by default only root is named), see `host_dependent`."""
    if not lazy:
        return "", ""
    return names.users.get(e.uid, ""), names.groups.get(e.gid, "")


def host_dependent(view, rel: str, names: HostNames = ROOT_ONLY) -> list[int]:
    """Ids below a stage/image source that `names` leaves unnamed: on another daemon host
    they may have names, and those would enter the digest."""
    real = view.resolve("/" + rel, follow=True)
    ids = set()
    for _, e in walk_rel(view, real):
        if e.uid not in names.users:
            ids.add(e.uid)
        if e.gid not in names.groups:
            ids.add(e.gid)
    return sorted(ids)


def _header_digest(name: str, e, data: bytes | None, lazy: bool = False,
                   names: HostNames = ROOT_ONLY) -> str:
    h = hashlib.sha256()
    tar_name = name + "/" if e.kind == DIR and not name.endswith("/") else name
    size = len(data) if (e.kind in (FILE, HARDLINK) and data is not None) else 0
    typeflag, linkname = _TYPEFLAG[e.kind], (e.linkname or "") if e.kind == SYMLINK else ""
    if e.kind == HARDLINK and not lazy:
        # the client's tar carries a second name of an inode as a link to the first
        typeflag, linkname, size, data = "1", (e.linkname or "").lstrip("/"), 0, None
    fields = [
        ("name", tar_name), ("mode", str((e.mode & 0o7777) | _TYPE_BITS[e.kind])),
        ("uid", str(e.uid)), ("gid", str(e.gid)), ("size", str(size)),
        ("typeflag", typeflag), ("linkname", linkname),
        ("uname", _names(e, lazy, names)[0]), ("gname", _names(e, lazy, names)[1]),
        ("devmajor", str(e.devmajor)), ("devminor", str(e.devminor)),
    ]
    for k, v in fields:
        h.update((k + v).encode("utf-8", "surrogateescape"))
    if data:
        h.update(data)
    return h.hexdigest()


def path_hash(view, rel: str, lazy: bool = False, headerless: frozenset = frozenset(),
              names: HostNames = ROOT_ONLY) -> str:
    """The context's `Hash(rel)` (tarsum v1 of the entry as the client's tar carries
    it): symlinks resolved inside the root (the last one too); a dangling symlink hashes
    to the path as it was asked for. So does a dir in `headerless`: one the client's tar
    has no header for (an excluded dir that a .dockerignore exception reaches into; the
    daemon creates it while unpacking, and the tarsum has no entry for it)."""
    real = view.resolve("/" + rel, follow=True)
    rel_real = real.lstrip("/") or "."
    e = view.lstat_entry(real)
    if not lazy and real in headerless:
        return rel
    if e is None:
        # a dangling symlink: the context answers with the path asked for, a stage or
        # image source (moby's lazySource) with the path the link leads to
        return rel_real if lazy else rel
    data = None
    if e.kind == FILE or (e.kind == HARDLINK and lazy):
        data = view.read(real)
    return _header_digest(rel_real, e, data, lazy, names)


def walk_rel(view, start: str):
    """filepath.Walk from `start` (absolute, already resolved): lexical, no following."""
    e = view.lstat_entry(start)
    if e is None:
        return
    yield start, e
    if e.kind == DIR:
        for name in view.listdir(start):
            yield from walk_rel(view, start.rstrip("/") + "/" + name)


def source_hash(view, rel: str, lazy: bool = False, headerless: frozenset = frozenset(),
                names: HostNames = ROOT_ONLY) -> str:
    """`file:<hex>` for a file (after symlinks), `dir:<hex>` for a directory. `lazy`:
    the source is another stage or an image (hashed on the daemon) rather than the
    build context (hashed from the client's tar). `headerless`: see `path_hash`;
    `names`: the daemon host's user database (`HostNames`)."""
    real = view.resolve("/" + rel, follow=True)
    e = view.lstat_entry(real)
    if e is not None and e.kind != DIR:
        return "file:" + path_hash(view, rel, lazy, headerless, names)
    subs = []
    for p, _ in walk_rel(view, real):
        if p == "/":
            continue  # only the context root itself is left out (the walked dir is in)
        try:
            subs.append(path_hash(view, p.lstrip("/"), lazy, headerless, names))
        except OSError:
            continue  # a symlink loop: its Hash fails and the walk skips it
    subs.sort()
    return "dir:" + hashlib.sha256(",".join(subs).encode()).hexdigest()


def wildcard_matches(view, pattern: str) -> list[str]:
    """Relative paths of the whole source tree matching `pattern` (legacy walk order)."""
    out = []
    for p, _ in walk_rel(view, "/"):
        if p == "/":
            continue
        rel = p.lstrip("/")
        if match(pattern, rel):
            out.append(rel)
    return out


def combine(hashes: list[str]) -> str:
    """One source keeps its own digest; several become `multi:<hex>`."""
    if len(hashes) == 1:
        return hashes[0]
    return "multi:" + hashlib.sha256(",".join(hashes).encode()).hexdigest()


def history_text(cmd: str, src_hash: str, dest: str, chown: str | None = None) -> str:
    """The comment after `/bin/sh -c #(nop) ` (note: no space after --chown's value)."""
    chown_part = f"--chown={chown}" if chown else ""
    return f"{cmd} {chown_part}{src_hash} in {dest} "


def clean_source(orig: str) -> str:
    """The legacy source path: leading `/` and `./` dropped."""
    p = orig.lstrip("/") if orig.startswith("/") else orig
    if p.startswith("./"):
        p = p[2:]
    return p


