"""Base images from files, offline: a `docker save` tarball or an OCI image layout
(directory or tar) becomes an `Image` whose layers are fs `Layer`s; and `list_path`,
the `simulate ls` listing of a path in an image's merged filesystem."""

from __future__ import annotations


import json
import os
import tarfile

from simulator.fs.entry import DIR, FILE, HARDLINK, SYMLINK, norm
from simulator.fs.layer import Layer, LayerStack
from simulator.fs.protocol import UnknownContent
from simulator.fs.working import WorkingFS


class ImageStoreError(Exception):
    pass


class _Dir:
    def __init__(self, root: str):
        self.root = root

    def names(self) -> set[str]:
        out = set()
        for d, _, files in os.walk(self.root):
            for f in files:
                out.add(os.path.relpath(os.path.join(d, f), self.root).replace(os.sep, "/"))
        return out

    def read(self, name: str) -> bytes:
        p = os.path.join(self.root, *name.split("/"))
        if not os.path.realpath(p).startswith(os.path.realpath(self.root) + os.sep):
            raise ImageStoreError(f"{name}: outside the image layout")
        with open(p, "rb") as f:
            return f.read()

    def close(self) -> None:
        pass


class _Tar:
    def __init__(self, path: str):
        try:
            self.tf = tarfile.open(path, "r:*")
        except (tarfile.TarError, OSError) as e:
            raise ImageStoreError(f"{path}: not a docker save tarball or OCI layout ({e})") from None
        self._members = {norm(m.name).lstrip("/"): m for m in self.tf.getmembers()}

    def names(self) -> set[str]:
        return set(self._members)

    def read(self, name: str) -> bytes:
        m = self._members.get(norm(name).lstrip("/"))
        if m is None:
            raise ImageStoreError(f"{name}: missing from the archive")
        while m.issym() or m.islnk():
            target = norm(os.path.dirname(m.name) + "/" + m.linkname if m.issym() else m.linkname).lstrip("/")
            m = self._members.get(target)
            if m is None:
                raise ImageStoreError(f"{name}: dangling link in the archive")
        f = self.tf.extractfile(m)
        if f is None:
            raise ImageStoreError(f"{name}: not a file")
        return f.read()

    def close(self) -> None:
        self.tf.close()


def load(path: str, ref: str | None = None):
    """The image in `path` (a `docker save` tarball, or an OCI layout dir/tar). With
    several images inside, `ref` picks one by tag (the first otherwise)."""
    src = _Dir(path) if os.path.isdir(path) else _Tar(path)
    try:
        names = src.names()
        if "manifest.json" in names:
            return _from_docker_save(src, ref)
        if "index.json" in names:
            return _from_oci(src, ref)
        raise ImageStoreError(f"{path}: neither manifest.json (docker save) nor index.json (OCI layout) found")
    finally:
        src.close()


load_image = load


def _image(cfg: dict, layer_blobs: list[bytes], ref: str | None):
    from simulator.image import HistoryRow, Image, ImageConfig

    diff_ids = (cfg.get("rootfs") or {}).get("diff_ids") or []
    layers = []
    for i, blob in enumerate(layer_blobs):
        try:
            layers.append(Layer.from_tar(blob, diff_id=diff_ids[i] if i < len(diff_ids) else None))
        except tarfile.TarError as e:
            raise ImageStoreError(f"layer {i}: not a tar stream ({e})") from None
    history = tuple(HistoryRow.from_json(h) for h in cfg.get("history") or ())
    return Image(config=ImageConfig.from_json(cfg.get("config")), history=history, layers=tuple(layers),
                 os=cfg.get("os") or "linux", architecture=cfg.get("architecture") or "amd64",
                 variant=cfg.get("variant") or "", known=True, shell_flavour=_shell_flavour(layers),
                 ref=ref)


def _from_docker_save(src, ref):
    manifest = json.loads(src.read("manifest.json"))
    if not manifest:
        raise ImageStoreError("manifest.json lists no image")
    pick = manifest[0]
    if ref:
        for m in manifest:
            tags = m.get("RepoTags") or []
            if ref in tags or any(t.split(":")[0] == ref for t in tags):
                pick = m
                break
    cfg = json.loads(src.read(pick["Config"]))
    blobs = [src.read(name) for name in pick.get("Layers") or []]
    tags = pick.get("RepoTags") or []
    return _image(cfg, blobs, ref or (tags[0] if tags else None))


def _blob(src, digest: str) -> bytes:
    algo, _, hexd = digest.partition(":")
    return src.read(f"blobs/{algo}/{hexd}")


def _from_oci(src, ref):
    index = json.loads(src.read("index.json"))
    manifests = index.get("manifests") or []
    if not manifests:
        raise ImageStoreError("index.json lists no manifest")
    pick = manifests[0]
    if ref:
        for m in manifests:
            ann = m.get("annotations") or {}
            name = ann.get("io.containerd.image.name") or ann.get("org.opencontainers.image.ref.name")
            if name and (name == ref or name.endswith("/" + ref) or ref.endswith(":" + name)):
                pick = m
                break
    doc = json.loads(_blob(src, pick["digest"]))
    while "manifests" in doc:  # a nested index: the first linux/amd64 (or first) manifest
        chosen = doc["manifests"][0]
        for m in doc["manifests"]:
            p = m.get("platform") or {}
            if p.get("os") == "linux" and p.get("architecture") == "amd64":
                chosen = m
                break
        doc = json.loads(_blob(src, chosen["digest"]))
    cfg = json.loads(_blob(src, doc["config"]["digest"]))
    blobs = [_blob(src, layer["digest"]) for layer in doc.get("layers") or []]
    return _image(cfg, blobs, ref)


def _shell_flavour(layers) -> str | None:
    fs = WorkingFS(LayerStack(tuple(layers)))
    try:
        real = fs.resolve("/bin/sh")
        if fs.lstat_entry(real) is None:
            return None
    except (UnknownContent, OSError):
        return None
    base = real.rsplit("/", 1)[-1]
    return {"busybox": "ash", "ash": "ash", "dash": "dash", "bash": "bash"}.get(base)


def _stack_of(image_or_stack) -> LayerStack:
    if isinstance(image_or_stack, LayerStack):
        return image_or_stack
    if isinstance(image_or_stack, WorkingFS):
        return image_or_stack.merged()
    return LayerStack(tuple(getattr(image_or_stack, "layers", ())))


def _row(path: str, e) -> dict:
    kind = "file" if e.kind == HARDLINK else e.kind
    return {"path": path, "type": kind, "mode": format(e.mode & 0o7777, "04o"), "uid": e.uid, "gid": e.gid,
            "size": e.size if e.kind == FILE else 0,
            "sha256": e.sha256 if e.kind == FILE else None,
            "linkname": e.linkname if e.kind == SYMLINK else None}


def list_path(image_or_stack, path: str = "/") -> list[dict]:
    """`ls -la`-like rows for `path` in the merged filesystem: the entries of a
    directory (symlinks to dirs followed, as ls does for a named dir), else the path
    itself. Content an opaque RUN may have changed is listed as unknown, with the
    reason; a missing path gives one row with an `error`."""
    fs = WorkingFS(_stack_of(image_or_stack))
    try:
        real = fs.resolve(path)
        e = fs.entry(real)
        if e is None:
            return [{"path": norm(path), "error": f"ls: {path}: No such file or directory"}]
        if e.kind != DIR:
            le = fs.lstat_entry(norm(path))
            return [_row(norm(path), le if le is not None else e)]
        rows = []
        for name in fs.listdir(real):
            child = real.rstrip("/") + "/" + name
            try:
                ce = fs.lstat_entry(child)
                if ce is not None and ce.kind == HARDLINK:
                    ce = fs.entry(child) or ce
                if ce is not None:
                    rows.append(_row(child, ce))
            except UnknownContent as u:
                rows.append({"path": child, "unknown": u.reason})
        return rows
    except UnknownContent as u:
        return [{"path": norm(path), "unknown": u.reason}]


def describe_saved(path: str) -> dict:
    """Quick facts about a saved image: tags, layer count and sizes (for debugging)."""
    img = load(path)
    return {"ref": img.ref, "layers": len(img.layers), "size": sum(l.size or 0 for l in img.layers)}


__all__ = ["load", "load_image", "list_path", "ImageStoreError", "describe_saved"]


