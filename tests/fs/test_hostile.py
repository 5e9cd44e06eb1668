"""Hostile inputs: archives that climb out with `..` or use absolute names, symlinks
that point out of the context or the destination, decompression bombs. Nothing may
land outside the virtual root or the destination directory, a bomb over the limit is a
clear error, and memory stays bounded. (The containment rules themselves were checked
on the engine: tests/fs/cases.py add_escape, add_symlink_out, context_symlink_out.)"""

from __future__ import annotations

import gzip
import io
import tarfile
import tracemalloc

import pytest

from simulator.context import BuildContext
from simulator.fs import Entry, Layer, LayerStack, WorkingFS
from simulator.fs.archive import UnpackError, unpack
from simulator.fs.copy import CopyError, apply_copy

from .cases import tarball

BUILDERS = ["buildkit", "legacy"]


def base() -> LayerStack:
    fs = WorkingFS()
    fs.mkdir("/etc")
    fs.write("/etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    fs.mkdir("/tmp", 0o1777)
    return LayerStack((fs.commit(),))


def ctx(files: dict) -> BuildContext:
    return BuildContext.from_files({p: (Entry("file", 0o644, data=v) if isinstance(v, bytes) else v)
                                    for p, v in files.items()})


@pytest.mark.parametrize("builder", BUILDERS)
def test_archive_names_stay_in_destination(builder):
    arc = tarball([("../../../esc", "f", b"E"), ("/abs/f", "f", b"A"), ("a/../../b", "f", b"B"),
                   ("deep/../../../../../c", "f", b"C")])
    fs = WorkingFS(base())
    apply_copy(fs, ctx({"h.tar": arc}), ["h.tar"], "/h/", is_add=True, builder=builder)
    changed = set(fs.commit().entries)
    assert all(p == "/h" or p.startswith("/h/") for p in changed), changed
    assert fs.read("/h/esc") == b"E" and fs.read("/h/abs/f") == b"A"
    assert fs.read("/h/b") == b"B" and fs.read("/h/c") == b"C"
    assert fs.read("/etc/passwd").startswith(b"root")


@pytest.mark.parametrize("builder", BUILDERS)
def test_archive_symlinks_resolve_inside_destination(builder):
    # a member symlink to /etc, then files through it: they land in /s/etc, never /etc
    arc = tarball([("etc", "d", 0o755), ("up", "l", "/etc"), ("up/evil", "f", b"X"),
                   ("rel", "l", "../../../../etc"), ("rel/evil2", "f", b"Y")])
    fs = WorkingFS(base())
    apply_copy(fs, ctx({"s.tar": arc}), ["s.tar"], "/s/", is_add=True, builder=builder)
    assert fs.read("/s/etc/evil") == b"X" and fs.read("/s/etc/evil2") == b"Y"
    assert fs.listdir("/etc") == ["passwd"]


@pytest.mark.parametrize("builder", BUILDERS)
def test_archive_symlink_to_missing_dir_fails(builder):
    arc = tarball([("up", "l", "/nowhere"), ("up/evil", "f", b"X")])
    with pytest.raises(CopyError, match="no such file or directory"):
        apply_copy(WorkingFS(base()), ctx({"s.tar": arc}), ["s.tar"], "/s/", is_add=True, builder=builder)


@pytest.mark.parametrize("builder", BUILDERS)
def test_context_symlink_out_is_resolved_in_the_context(builder):
    c = ctx({"out": Entry("symlink", 0o777, data=None, size=0, linkname="/etc/passwd"),
             "up": Entry("symlink", 0o777, data=None, size=0, linkname="../../../etc/passwd")})
    for src in ("out", "up"):
        with pytest.raises(CopyError):  # /etc/passwd of the *context*: absent
            apply_copy(WorkingFS(base()), c, [src], "/x", builder=builder)


def test_context_from_dir_never_follows_symlinks_out(tmp_path):
    (tmp_path / "ctx").mkdir()
    (tmp_path / "secret").write_bytes(b"host secret")
    (tmp_path / "ctx" / "leak").symlink_to(tmp_path / "secret")
    (tmp_path / "ctx" / "dirleak").symlink_to(tmp_path)
    c = BuildContext.from_dir(str(tmp_path / "ctx"))
    assert c.entries["/leak"].kind == "symlink" and c.entries["/dirleak"].kind == "symlink"
    assert all(e.data != b"host secret" for e in c.entries.values())
    for src in ("leak", "dirleak"):
        with pytest.raises(CopyError):
            apply_copy(WorkingFS(base()), c, [src], "/x", builder="buildkit")


def _bomb(n_bytes: int) -> bytes:
    raw = io.BytesIO()
    gz = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9)
    tf = tarfile.open(fileobj=gz, mode="w|")
    ti = tarfile.TarInfo("zeros")
    ti.size = n_bytes

    class Zeros(io.RawIOBase):
        left = n_bytes

        def readable(self):
            return True

        def readinto(self, b):
            n = min(len(b), self.left)
            b[:n] = bytes(n)
            self.left -= n
            return n

    tf.addfile(ti, io.BufferedReader(Zeros(), 1 << 20))
    tf.close()
    gz.close()
    return raw.getvalue()


@pytest.mark.parametrize("builder", BUILDERS)
def test_gzip_bomb_over_the_limit_is_a_clear_error(builder, monkeypatch):
    bomb = _bomb(256 << 20)  # 256 MiB of zeros, a few hundred KiB compressed
    assert len(bomb) < 1 << 20
    monkeypatch.setenv("DSIM_MAX_UNPACK", str(16 << 20))
    tracemalloc.start()
    try:
        with pytest.raises(CopyError, match="DSIM_MAX_UNPACK"):
            apply_copy(WorkingFS(base()), ctx({"b.tgz": bomb}), ["b.tgz"], "/b/", is_add=True, builder=builder)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20, f"peak {peak} bytes"


def test_streamed_bomb_stops_at_the_limit():
    bomb = _bomb(64 << 20)
    with pytest.raises(UnpackError):
        for _ in unpack(bomb, limit=1 << 20):
            pass


def test_bomb_under_the_limit_unpacks(monkeypatch):
    bomb = _bomb(2 << 20)
    monkeypatch.setenv("DSIM_MAX_UNPACK", str(8 << 20))
    fs = WorkingFS(base())
    apply_copy(fs, ctx({"b.tgz": bomb}), ["b.tgz"], "/b/", is_add=True, builder="buildkit")
    assert fs.stat("/b/zeros").size == 2 << 20


def test_layer_tar_import_keeps_paths_inside_root():
    arc = tarball([("../../x", "f", b"1"), ("/abs", "f", b"2"), ("a/.wh.b", "f", b"")])
    layer = Layer.from_tar(arc)
    assert set(layer.entries) == {"/x", "/abs", "/a/b"}
    assert layer.entries["/a/b"].kind == "whiteout"
