"""Loading base images offline: a `docker save` tarball and the same image as an OCI
layout give the engine's size, layer count, config and history; `list_path` lists a
directory as the image holds it."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile

import pytest

from simulator.imagestore import ImageStoreError, list_path, load

from . import engine_util as E

REF = "dsim/busybox:1.35"


@pytest.mark.engine
def test_docker_save_matches_inspect(engine, tmp_path):
    path = tmp_path / "img.tar"
    path.write_bytes(engine.save(REF))
    img = load(str(path), REF)
    info = E.inspect(REF)
    assert len(img.layers) == len(info["RootFS"]["Layers"])
    assert [l.diff_id for l in img.layers] == info["RootFS"]["Layers"]
    assert img.size == info["Size"]
    assert list(img.config.env or []) == info["Config"]["Env"]
    assert list(img.config.cmd or []) == info["Config"]["Cmd"]
    assert [h.created_by for h in img.history] == [h["CreatedBy"] for h in E.history(REF)]


@pytest.mark.engine
def test_list_path_matches_the_saved_layers(engine, tmp_path):
    path = tmp_path / "img.tar"
    path.write_bytes(engine.save(REF))
    img = load(str(path), REF)
    rows = {r["path"]: r for r in list_path(img, "/etc")}
    from simulator.oracle.engine import read_saved_image
    saved = read_saved_image(path.read_bytes())
    real = {"/" + r["path"]: r for files in saved["layer_files"] for r in files
            if r["path"].startswith("etc/")}
    assert set(rows) == set(real)
    for p, r in rows.items():
        assert (r["type"], r["mode"], r["uid"], r["gid"], r["sha256"]) == \
            (real[p]["type"], real[p]["mode"], real[p]["uid"], real[p]["gid"], real[p]["sha256"])


def _oci_from_save(save: bytes, out) -> None:
    """Write an OCI image layout holding the same image (gzip layers)."""
    os.makedirs(out / "blobs" / "sha256")

    def blob(data: bytes) -> str:
        d = hashlib.sha256(data).hexdigest()
        (out / "blobs" / "sha256" / d).write_bytes(data)
        return "sha256:" + d

    with tarfile.open(fileobj=io.BytesIO(save)) as tf:
        man = json.load(tf.extractfile("manifest.json"))[0]
        cfg = tf.extractfile(man["Config"]).read()
        layers = [gzip.compress(tf.extractfile(p).read()) for p in man["Layers"]]
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(cfg),
                           "size": len(cfg)},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": blob(l),
                            "size": len(l)} for l in layers]}
    mdata = json.dumps(manifest).encode()
    index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                "digest": blob(mdata), "size": len(mdata),
                                                "annotations": {"org.opencontainers.image.ref.name": "1.35"}}]}
    (out / "index.json").write_text(json.dumps(index))
    (out / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')


def test_oci_layout_loads_like_docker_save(base_images, tmp_path):
    save = open(base_images[REF], "rb").read()
    _oci_from_save(save, tmp_path / "oci")
    a = load(base_images[REF], REF)
    b = load(str(tmp_path / "oci"), REF)
    assert [l.files() for l in a.layers] == [l.files() for l in b.layers]
    assert a.config == b.config and a.history == b.history and a.size == b.size


def test_not_an_image_is_a_clear_error(tmp_path):
    p = tmp_path / "x.tar"
    p.write_bytes(b"not a tar")
    with pytest.raises(ImageStoreError):
        load(str(p))
    (tmp_path / "d").mkdir()
    with pytest.raises(ImageStoreError):
        load(str(tmp_path / "d"))
