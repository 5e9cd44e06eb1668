"""WorkingFS: a copy-on-write filesystem over a layer stack whose changes become a layer."""

from __future__ import annotations

import errno

from .entry import (DIR, FILE, HARDLINK, SYMLINK, WHITEOUT, WHITEOUT_ENTRY, Entry, ancestors,
                    directory, norm, parent, sort_key)
from .layer import SIZE_DU, SIZE_TAR, Layer, LayerStack, child_names, covers_unknown, lookup
from .protocol import Stat, UnknownContent

MAX_SYMLINKS = 40


class _Upper:
    """The working layer: mutable until `WorkingFS.commit`."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.unknown_reason: str | None = None
        self.unknown_paths: tuple[str, ...] = ()


def _join(a: str, b: str) -> str:
    return (a.rstrip("/") + "/" + b) if b else a


class WorkingFS:
    """Implements `simulator.fs.protocol.FS` over `stack`; `commit()` gives the diff as a Layer."""

    def __init__(self, stack: LayerStack | None = None) -> None:
        self.stack = stack if stack is not None else LayerStack()
        self._upper = _Upper()
        self.size_builder: str | None = None  # set by apply_copy/apply_workdir; commit(builder) wins

    # -- views -----------------------------------------------------------------
    def _layers(self):
        return [self._upper, *self.stack.top_first()]

    def _get(self, path: str) -> Entry | None:
        return lookup(self._layers(), path)

    def _lower_visible(self, path: str) -> bool:
        """Would the lower layers show `path` if the working layer had no entry for it?"""
        for a in ancestors(path):
            ea = self._upper.entries.get(a)
            if ea is not None and (ea.kind != DIR or ea.opaque):
                return False
        try:
            return lookup(self.stack.top_first(), path) is not None
        except UnknownContent:
            return True

    def resolve(self, path: str, follow: bool = True) -> str:
        """The clean path after resolving symlinks inside the virtual root (the last
        component only when `follow`). Missing components are kept as they are."""
        todo = [p for p in path.split("/") if p not in ("", ".")]
        done = "/"
        hops = 0
        while todo:
            part = todo.pop(0)
            if part == "..":
                done = parent(done)
                continue
            cand = _join(done, part)
            e = self._get(cand)
            if e is not None and e.kind == SYMLINK and (todo or follow):
                hops += 1
                if hops > MAX_SYMLINKS:
                    raise OSError(errno.ELOOP, "too many levels of symbolic links", path)
                target = e.linkname or ""
                if target.startswith("/"):
                    done = "/"
                todo = [p for p in target.split("/") if p not in ("", ".")] + todo
                continue
            done = cand
        return done

    realpath = resolve

    def _entry(self, path: str, follow: bool = True) -> tuple[str, Entry | None]:
        real = self.resolve(path, follow)
        return real, self._get(real)

    def _inode(self, real: str, e: Entry) -> tuple[str, Entry]:
        """A hardlink's file (the shared inode) instead of the link entry."""
        if e.kind == HARDLINK and e.linkname:
            target = norm(e.linkname)
            te = self._get(target)
            if te is not None:
                return target, te
        return real, e

    def _need_parent_dir(self, real: str) -> None:
        par = parent(real)
        pe = self._get(par)
        if pe is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", par)
        if pe.kind != DIR:
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", par)

    # -- protocol: reading -------------------------------------------------------
    def exists(self, path: str, follow: bool = True) -> bool:
        return self._entry(path, follow)[1] is not None

    def lstat_entry(self, path: str) -> Entry | None:
        return self._entry(path, follow=False)[1]

    def entry(self, path: str, follow: bool = True) -> Entry | None:
        """The raw entry (hardlinks resolved to their file) or None."""
        real, e = self._entry(path, follow)
        if e is None:
            return None
        return self._inode(real, e)[1]

    def stat(self, path: str, follow: bool = True) -> Stat | None:
        real, e = self._entry(path, follow)
        if e is None:
            return None
        _, f = self._inode(real, e)
        kind = "file" if f.kind == HARDLINK else f.kind
        return Stat(type=kind, mode=f.mode, uid=f.uid, gid=f.gid,
                    size=f.size if f.kind == FILE else (len((f.linkname or "").encode()) if f.kind == SYMLINK else 0),
                    target=f.linkname if f.kind == SYMLINK else None)

    def read(self, path: str) -> bytes:
        real, e = self._entry(path)
        if e is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        real, e = self._inode(real, e)
        if e.kind == DIR:
            raise IsADirectoryError(errno.EISDIR, "Is a directory", path)
        if e.kind != FILE:
            return b""
        if e.data is None:
            raise UnknownContent(path, self._unknown_reason_for(real) or "written by an opaque command")
        return e.data

    def _unknown_reason_for(self, path: str) -> str | None:
        for layer in self._layers():
            if layer.unknown_reason and covers_unknown(layer, path):
                return layer.unknown_reason
        return None

    def listdir(self, path: str) -> list[str]:
        real, e = self._entry(path)
        if e is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        if e.kind != DIR:
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", path)
        layers = self._layers()
        return sorted(n for n in child_names(layers, real) if lookup(layers, _join(real, n)) is not None)

    def walk(self, path: str = "/"):
        """(path, entry) for `path` and everything under it, parents first, no symlink following."""
        real = self.resolve(path)
        e = self._get(real)
        if e is None:
            return
        stack = [(real, e)]
        while stack:
            p, e = stack.pop()
            yield p, e
            if e.kind == DIR:
                for n in reversed(self.listdir(p)):
                    c = _join(p, n)
                    stack.append((c, self._get(c)))

    # -- protocol: writing -------------------------------------------------------
    def put(self, path: str, entry: Entry) -> None:
        """Store `entry` at clean `path` (no checks): the primitive COPY/ADD use."""
        path = norm(path)
        old = self._upper.entries.get(path)
        if entry.kind == DIR and not entry.opaque and old is not None and (
                old.kind == WHITEOUT or (old.kind == DIR and old.opaque)):
            # a dir made where a lower one was deleted hides the lower contents
            entry = Entry(DIR, entry.mode, entry.uid, entry.gid, data=None, size=0, opaque=True)
        if old is not None and old.kind == DIR and entry.kind != DIR:
            self._drop_upper_below(path)
        self._upper.entries[path] = entry

    def _lower_entry(self, path: str) -> Entry | None:
        if not self._lower_visible(path):
            return None
        try:
            return lookup(self.stack.top_first(), path)
        except UnknownContent:
            return None

    def _drop_upper_below(self, path: str) -> None:
        prefix = path.rstrip("/") + "/"
        for p in [p for p in self._upper.entries if p.startswith(prefix)]:
            del self._upper.entries[p]

    def write(self, path: str, data: bytes, mode: int | None = None, append: bool = False,
              uid: int | None = None, gid: int | None = None) -> None:
        real, e = self._entry(path)
        if e is not None:
            real, e = self._inode(real, e)
            if e.kind == DIR:
                raise IsADirectoryError(errno.EISDIR, "Is a directory", path)
        else:
            self._need_parent_dir(real)
        if e is not None and e.kind == FILE:
            content: bytes | None = data
            if append:
                content = None if e.data is None else e.data + data
            new = Entry(FILE, e.mode if mode is None else mode, e.uid if uid is None else uid,
                        e.gid if gid is None else gid, data=content)
        else:
            new = Entry(FILE, 0o644 if mode is None else mode, uid or 0, gid or 0, data=data)
        self.put(real, new)

    def mkdir(self, path: str, mode: int = 0o755, parents: bool = False, uid: int = 0, gid: int = 0) -> None:
        real, e = self._entry(path)
        if e is not None:
            if parents and e.kind == DIR:
                return
            raise FileExistsError(errno.EEXIST, "File exists", path)
        if parents:
            todo = []
            p = real
            while True:
                pe = self._get(p)
                if pe is not None:
                    if pe.kind != DIR:
                        raise NotADirectoryError(errno.ENOTDIR, "Not a directory", p)
                    break
                todo.append(p)
                p = parent(p)
            for p in reversed(todo):
                self.put(p, directory(mode, uid, gid))
            return
        self._need_parent_dir(real)
        self.put(real, directory(mode, uid, gid))

    def remove(self, path: str, recursive: bool = False) -> None:
        real, e = self._entry(path, follow=False)
        if e is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        if real == "/":
            raise PermissionError(errno.EBUSY, "Device or resource busy", path)
        if e.kind == DIR and not recursive and self.listdir(real):
            raise OSError(errno.ENOTEMPTY, "Directory not empty", path)
        self._drop_upper_below(real)
        self._upper.entries.pop(real, None)
        if self._lower_visible(real):
            self._upper.entries[real] = WHITEOUT_ENTRY

    def rename(self, src: str, dst: str) -> None:
        rs, e = self._entry(src, follow=False)
        if e is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", src)
        rd = self.resolve(dst, follow=False)
        de = self._get(rd)
        if de is not None and de.kind == DIR:
            if e.kind != DIR:
                raise IsADirectoryError(errno.EISDIR, "Is a directory", dst)
            if self.listdir(rd):
                raise OSError(errno.ENOTEMPTY, "Directory not empty", dst)
        if rd == rs or rd.startswith(rs.rstrip("/") + "/"):
            if rd == rs:
                return
            raise OSError(errno.EINVAL, "Invalid argument", dst)
        self._need_parent_dir(rd)
        moved = list(self.walk(rs)) if e.kind == DIR else [(rs, e)]
        if de is not None:
            self.remove(rd, recursive=True)
        for p, ent in moved:
            self.put(rd + p[len(rs):], ent)
        self.remove(rs, recursive=True)

    def symlink(self, target: str, path: str) -> None:
        real = self.resolve(path, follow=False)
        if self._get(real) is not None:
            raise FileExistsError(errno.EEXIST, "File exists", path)
        self._need_parent_dir(real)
        self.put(real, Entry(SYMLINK, 0o777, data=None, size=0, linkname=target))

    def link(self, existing: str, path: str) -> None:
        src, e = self._entry(existing, follow=False)
        if e is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", existing)
        if e.kind == DIR:
            raise PermissionError(errno.EPERM, "Operation not permitted", existing)
        src, e = self._inode(src, e)
        real = self.resolve(path, follow=False)
        if self._get(real) is not None:
            raise FileExistsError(errno.EEXIST, "File exists", path)
        self._need_parent_dir(real)
        self.put(src, e)  # the linked inode is copied up with the new name
        self.put(real, Entry(HARDLINK, e.mode, e.uid, e.gid, data=None, size=0, linkname=src))

    def chmod(self, path: str, mode: int) -> None:
        real, e = self._entry(path)
        if e is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        real, e = self._inode(real, e)
        if e.kind == SYMLINK:
            return
        self.put(real, _replace(e, mode=mode & 0o7777))

    def chown(self, path: str, uid: int, gid: int, follow: bool = True) -> None:
        real, e = self._entry(path, follow)
        if e is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        real, e = self._inode(real, e)
        self.put(real, _replace(e, uid=uid, gid=gid))

    def mark_unknown(self, reason: str, paths: list[str] | None = None) -> None:
        """An opaque command ran: the content of everything (or of `paths`) is unknown,
        and so is the size of the layer being built."""
        up = self._upper
        new_paths = tuple(norm(p) for p in paths) if paths else ()
        if up.unknown_reason is None:
            up.unknown_reason = reason
            up.unknown_paths = new_paths
        elif up.unknown_paths:
            up.unknown_paths = () if not new_paths else tuple(dict.fromkeys(up.unknown_paths + new_paths))
        for p, e in list(up.entries.items()):
            if e.kind == FILE and covers_unknown(up, p):
                up.entries[p] = _replace(e, data=None, size=None)

    # -- result ------------------------------------------------------------------
    @property
    def changed(self) -> bool:
        return bool(self._upper.entries) or self._upper.unknown_reason is not None

    def commit(self, builder: str | None = None) -> Layer:
        """The changes as a layer: each changed path plus its parent directories as the
        merged view shows them (as overlay2's diff carries them). `builder="buildkit"`
        sizes the layer as the engine sizes BuildKit's layers (see layer_size)."""
        entries = dict(self._upper.entries)
        for p in list(entries):
            for a in ancestors(p):
                if a not in entries:
                    ae = self._get(a)
                    if ae is not None:
                        entries[a] = ae
        ordered = {p: entries[p] for p in sorted(entries, key=sort_key)}
        return Layer(ordered, unknown_reason=self._upper.unknown_reason,
                     unknown_paths=self._upper.unknown_paths,
                     size_rule=SIZE_TAR if (builder or self.size_builder) == "buildkit" else SIZE_DU)

    def merged(self) -> LayerStack:
        """The stack with the working changes on top (a snapshot)."""
        return self.stack.push(self.commit())


def _replace(e: Entry, **changes) -> Entry:
    import attrs
    if "data" in changes and "size" not in changes:
        d = changes["data"]
        changes["size"] = None if d is None else len(d)
    return attrs.evolve(e, **changes)
