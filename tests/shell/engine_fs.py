"""The filesystem of the recorded test image, for the simulator side of engine comparisons:
dsim/busybox:1.35's layers (from the oracle's deterministic tarball) under a WorkingFS,
falling back to the in-memory look-alike when the tarball cannot be written."""

from __future__ import annotations

import functools
import json
import tarfile

from simulator.fs.layer import Layer, LayerStack
from simulator.fs.working import WorkingFS

IMAGE = "dsim/busybox:1.35"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@functools.lru_cache(maxsize=None)
def image_stack(ref: str = IMAGE) -> LayerStack:
    from simulator.oracle.baseimage import base_image_paths
    path = base_image_paths()[ref]
    with tarfile.open(path) as t:
        manifest = json.load(t.extractfile("manifest.json"))[0]
        layers = [Layer.from_tar(t.extractfile(name).read()) for name in manifest["Layers"]]
    return LayerStack(tuple(layers))


@functools.lru_cache(maxsize=None)
def image_config(ref: str = IMAGE) -> dict:
    from simulator.oracle.baseimage import base_image_paths
    path = base_image_paths()[ref]
    with tarfile.open(path) as t:
        manifest = json.load(t.extractfile("manifest.json"))[0]
        return json.load(t.extractfile(manifest["Config"]))["config"]


def container_fs(ref: str = IMAGE) -> WorkingFS:
    """A fresh container layer over the image."""
    return WorkingFS(image_stack(ref))
