"""Layers (a frozen set of changes) and layer stacks (the merged view of a root filesystem)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol

import attrs

from .entry import DIR, FILE, HARDLINK, SYMLINK, WHITEOUT, Entry, ancestors, directory, norm, parent, sort_key
from .protocol import UnknownContent

ROOT_ENTRY = directory(0o755)


class ChangeSet(Protocol):
    """Anything that holds one layer's changes (a frozen `Layer` or a working upper)."""

    entries: Mapping[str, Entry]
    unknown_reason: str | None
    unknown_paths: tuple[str, ...]


def covers_unknown(layer: ChangeSet, path: str) -> bool:
    """True when an opaque command in `layer` may have changed `path`."""
    if layer.unknown_reason is None:
        return False
    if not layer.unknown_paths:
        return True
    return any(path == u or path.startswith(u.rstrip("/") + "/") or u == "/" for u in layer.unknown_paths)


def lookup(layers: Iterable[ChangeSet], path: str) -> Entry | None:
    """The entry at clean absolute `path` in the merged view of `layers` (topmost first),
    without following symlinks; None when absent. Raises UnknownContent when a layer's
    opaque command may have changed it."""
    if path == "/":
        for layer in layers:
            e = layer.entries.get("/")
            if e is not None and e.kind == DIR:
                return e
        return ROOT_ENTRY
    anc = ancestors(path)
    for layer in layers:
        entries = layer.entries
        e = entries.get(path)
        if e is not None:
            return None if e.kind == WHITEOUT else e
        for a in anc:
            ea = entries.get(a)
            if ea is None:
                continue
            if ea.kind != DIR or ea.opaque:
                # a whiteout, a non-directory or an opaque dir above hides everything below
                if covers_unknown(layer, path):
                    raise UnknownContent(path, layer.unknown_reason or "")
                return None
        if covers_unknown(layer, path):
            raise UnknownContent(path, layer.unknown_reason or "")
    return None


def child_names(layers: Iterable[ChangeSet], path: str) -> set[str]:
    """Candidate names under dir `path`: the union over layers, down to the first layer
    where the dir (or one above it) is opaque, a whiteout or not a dir."""
    names: set[str] = set()
    chain = ancestors(path) + ([path] if path != "/" else [])
    for layer in layers:
        names.update(children_index(layer).get(path, ()))
        entries = layer.entries
        if any((ea := entries.get(a)) is not None and (ea.kind != DIR or ea.opaque) for a in chain):
            break
    return names


def children_index(layer: ChangeSet) -> dict[str, set[str]]:
    cached = getattr(layer, "_children", None)
    if cached is not None:
        return cached
    index: dict[str, set[str]] = {}
    for p in layer.entries:
        if p == "/":
            continue
        index.setdefault(parent(p), set()).add(p.rsplit("/", 1)[1])
        # ancestors implied by a deep path are children too (a tar may omit them)
        for a in ancestors(p):
            index.setdefault(parent(a), set()).add(a.rsplit("/", 1)[1])
    if isinstance(layer, Layer):
        object.__setattr__(layer, "_children", index)
    return index


SIZE_DU = "du"  # graphdriver walk of the diff dir: legacy commits, docker load/import
SIZE_TAR = "tar"  # payload bytes of the layer tar: layers BuildKit exports (engine 20.10)


def layer_size(entries: Mapping[str, Entry], rule: str = SIZE_DU) -> int:
    """Bytes the engine counts for a layer. `du` (moby directory.Size over the overlay2
    diff dir): every non-dir's lstat size, each inode once, so regular files' bytes plus
    each symlink's target length. `tar` (moby's layer store sizing a BuildKit layer from
    its tar-split): the tar payload, regular files' bytes only. Hardlinks add nothing."""
    total = 0
    for e in entries.values():
        if e.kind == FILE:
            total += e.size or 0
        elif e.kind == SYMLINK and rule == SIZE_DU:
            total += len((e.linkname or "").encode())
    return total


@attrs.frozen(eq=False)
class Layer:
    """One image layer: the changes it makes, keyed by clean absolute path.

    Whiteouts are entries of kind WHITEOUT; a directory that replaced a lower one is an
    `opaque` dir. `unknown_reason` is set when an opaque command (an unmodelled RUN)
    made the layer's content unknown, everywhere or under `unknown_paths`; its size is
    then None."""

    entries: Mapping[str, Entry] = attrs.field(factory=dict, converter=lambda m: dict(m))
    unknown_reason: str | None = None
    unknown_paths: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    diff_id: str | None = None  # sha256:... when loaded from an image or exported
    size_rule: str = SIZE_DU  # how the engine sized it: SIZE_DU or SIZE_TAR (BuildKit layers)
    _children: dict | None = attrs.field(default=None, init=False, repr=False)

    def __repr__(self) -> str:
        extra = f", unknown_reason={self.unknown_reason!r}" if self.unknown_reason else ""
        return f"Layer(<{len(self.entries)} entries>, size={self.size}{extra})"

    @property
    def size(self) -> int | None:
        if self.unknown_reason is not None:
            return None
        return layer_size(self.entries, self.size_rule)

    @property
    def empty(self) -> bool:
        return not self.entries and self.unknown_reason is None

    def paths(self) -> list[str]:
        return sorted(self.entries, key=sort_key)

    def files(self) -> list[dict]:
        """The layer as tar rows, in the recorded `layer_files` shape."""
        from .tario import layer_rows
        return layer_rows(self)

    def to_tar(self) -> bytes:
        from .tario import layer_to_tar
        return layer_to_tar(self)

    @classmethod
    def from_tar(cls, data_or_file, diff_id: str | None = None) -> "Layer":
        from .tario import layer_from_tar
        return layer_from_tar(data_or_file, diff_id=diff_id)


@attrs.frozen(eq=False)
class LayerStack:
    """A root filesystem: layers bottom first; lookups see the merged view."""

    layers: tuple[Layer, ...] = attrs.field(default=(), converter=tuple)

    def push(self, layer: Layer) -> "LayerStack":
        return LayerStack(self.layers + (layer,))

    def top_first(self) -> list[Layer]:
        return list(reversed(self.layers))

    def lookup(self, path: str) -> Entry | None:
        return lookup(self.top_first(), norm(path))

    def listdir(self, path: str) -> list[str]:
        path = norm(path)
        layers = self.top_first()
        return sorted(n for n in child_names(layers, path)
                      if lookup(layers, (path.rstrip("/") + "/" + n)) is not None)

    @property
    def size(self) -> int | None:
        total = 0
        for layer in self.layers:
            if layer.size is None:
                return None
            total += layer.size
        return total

    def walk(self, path: str = "/") -> Iterator[tuple[str, Entry]]:
        """Every path of the merged view under `path` (not following symlinks), parents first."""
        path = norm(path)
        layers = self.top_first()
        e = lookup(layers, path)
        if e is None:
            return
        yield path, e
        if e.kind == DIR:
            for name in sorted(n for n in child_names(layers, path)):
                child = (path.rstrip("/") + "/" + name)
                yield from LayerStack._walk_from(layers, child)

    @staticmethod
    def _walk_from(layers, path):
        e = lookup(layers, path)
        if e is None:
            return
        yield path, e
        if e.kind == DIR:
            for name in sorted(child_names(layers, path)):
                yield from LayerStack._walk_from(layers, path + "/" + name)


def hardlink_target(layers: Iterable[ChangeSet], e: Entry) -> Entry | None:
    if e.kind != HARDLINK or not e.linkname:
        return e
    return lookup(layers, norm(e.linkname))
