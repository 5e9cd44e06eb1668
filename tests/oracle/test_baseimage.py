"""The base-image tarballs: deterministic, well-formed `docker save` archives."""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import tarfile

import pytest

from simulator.oracle import baseimage


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    a = baseimage.write_all(tmp_path_factory.mktemp("a"))
    b = baseimage.write_all(tmp_path_factory.mktemp("b"))
    return a, b


def _members(path) -> dict[str, bytes | None]:
    with tarfile.open(path) as tar:
        return {m.name: (tar.extractfile(m).read() if m.isfile() else None) for m in tar}


def _layer(blob: bytes) -> list[tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        return list(tar)


def test_refs(written):
    a, _ = written
    assert set(a) == {"dsim/busybox:1.35", "dsim/configured:1", "dsim/app-user:1", "dsim/onbuild:1"}


def test_byte_for_byte_deterministic(written):
    a, b = written
    for ref in a:
        assert a[ref].read_bytes() == b[ref].read_bytes(), ref


def test_rewriting_keeps_the_file(written, tmp_path):
    a, _ = written
    first = baseimage.write_all(tmp_path)
    before = {r: p.stat().st_mtime_ns for r, p in first.items()}
    second = baseimage.write_all(tmp_path)
    assert {r: p.stat().st_mtime_ns for r, p in second.items()} == before


def test_manifest_config_and_diff_ids(written):
    for ref, path in written[0].items():
        members = _members(path)
        manifest = json.loads(members["manifest.json"])
        assert len(manifest) == 1 and manifest[0]["RepoTags"] == [ref]
        cfg_blob = members[manifest[0]["Config"]]
        assert manifest[0]["Config"] == hashlib.sha256(cfg_blob).hexdigest() + ".json"
        cfg = json.loads(cfg_blob)
        diff_ids = ["sha256:" + hashlib.sha256(members[n]).hexdigest() for n in manifest[0]["Layers"]]
        assert cfg["rootfs"] == {"type": "layers", "diff_ids": diff_ids}
        assert (cfg["os"], cfg["architecture"]) == ("linux", "amd64")
        non_empty = [h for h in cfg["history"] if not h.get("empty_layer")]
        assert len(non_empty) == len(diff_ids)


def _config(path) -> dict:
    members = _members(path)
    manifest = json.loads(members["manifest.json"])
    return json.loads(members[manifest[0]["Config"]])


def test_busybox_config(written):
    cfg = _config(written[0]["dsim/busybox:1.35"])["config"]
    assert cfg == {"Env": [baseimage.DEFAULT_PATH], "Cmd": ["sh"]}


def test_busybox_layer_contents(written):
    members = _members(written[0]["dsim/busybox:1.35"])
    manifest = json.loads(members["manifest.json"])
    infos = _layer(members[manifest[0]["Layers"][0]])
    names = [i.name.rstrip("/") for i in infos]
    assert names == sorted(names)
    by = {i.name.rstrip("/"): i for i in infos}
    assert all(i.mtime == baseimage.EPOCH and i.uname == "" and i.gname == "" for i in infos)
    assert by["tmp"].isdir() and by["tmp"].mode == 0o1777
    assert by["root"].mode == 0o700
    assert (by["home/app"].uid, by["home/app"].gid) == (1000, 1000)
    assert by["bin/busybox"].isfile() and by["bin/busybox"].mode == 0o755
    # every applet link resolves to /bin/busybox
    links = [i for i in infos if i.issym()]
    assert len(links) > 200
    for i in links:
        target = posixpath.normpath(posixpath.join(posixpath.dirname("/" + i.name), i.linkname))
        assert target == "/bin/busybox", i.name
    for applet in ("bin/sh", "bin/echo", "bin/cat", "usr/bin/env", "usr/bin/id"):
        assert by[applet].issym()
    with tarfile.open(fileobj=io.BytesIO(members[manifest[0]["Layers"][0]])) as tar:
        passwd = tar.extractfile("etc/passwd").read().decode()
        group = tar.extractfile("etc/group").read().decode()
    assert "app:x:1000:1000:app:/home/app:/bin/sh" in passwd.splitlines()
    assert {l.split(":")[0] for l in passwd.splitlines()} == {"root", "nobody", "app"}
    assert {l.split(":")[0] for l in group.splitlines()} == {"root", "nobody", "app"}


def test_configured_image_is_documented(written):
    """corpus/README.md documents the rich config; keep them in step."""
    from simulator.oracle.record import CORPUS

    cfg = _config(written[0]["dsim/configured:1"])["config"]
    readme = (CORPUS / "README.md").read_text()
    for key, value in cfg.items():
        assert f"| {key} |" in readme, key
    for env in cfg["Env"][1:]:
        assert f"`{env}`" in readme
    assert cfg["Entrypoint"] == ["/bin/echo", "base-entrypoint"]
    assert cfg["Shell"] == ["/bin/sh", "-ec"]


def test_shared_busybox_layer(written):
    """All four images share one identical busybox layer (one diff_id)."""
    firsts = {_config(p)["rootfs"]["diff_ids"][0] for p in written[0].values()}
    assert len(firsts) == 1


def test_tarball_name():
    assert baseimage.tarball_name("dsim/busybox:1.35") == "dsim_busybox_1.35.tar"


def test_cache_dir_env(monkeypatch, tmp_path):
    monkeypatch.setenv("DSIM_CACHE", str(tmp_path))
    assert baseimage.cache_dir() == tmp_path / "images"
