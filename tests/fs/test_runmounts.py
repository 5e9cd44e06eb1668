"""RUN layers' own traces (simulator.fs.runmounts) against real `RUN true` layers."""

from __future__ import annotations

import pytest

from simulator.context import BuildContext
from simulator.fs import Layer, LayerStack, WorkingFS
from simulator.fs.copy import apply_copy
from simulator.fs.runmounts import apply_run_mounts

from . import engine_util as E
from . import minibuild as M

pytestmark = pytest.mark.engine
BASE = "dsim/busybox:1.35"

CASES = {
    "plain": {},
    "have_dirs": {"s/dev/.k": b"", "s/proc/.k": b"", "s/sys/.k": b""},
    "have_etc_files": {"s/etc/hosts": b"h", "s/etc/resolv.conf": b"r", "s/etc/hostname": b"n"},
    "have_all": {"s/dev/.k": b"", "s/proc/.k": b"", "s/sys/.k": b"", "s/etc/hosts": b"h",
                 "s/etc/resolv.conf": b"r", "s/etc/hostname": b"n"},
    "only_hosts": {"s/etc/hosts": b"h"},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_true_layer(name, tmp_path, engine):
    files = {**CASES[name], "s/.keep": b""}
    ctx = str(tmp_path / name)
    # a marker file first, so that both builders' layers never share a chain id
    df = f"FROM {BASE}\nCOPY {E.marker('buildkit')} /\nCOPY s/ /\nRUN true\nRUN true\n"
    E.write_context(ctx, {**files, E.marker("buildkit"): b"buildkit", "Dockerfile": df.encode()})
    tag, out = E.build(ctx, "buildkit")
    assert tag, out[-400:]
    try:
        saved = [Layer.from_tar(b) for b in E.saved_layers(tag)]
        stack = LayerStack(tuple(saved[:-2]))
        for real in saved[-2:]:
            fs = WorkingFS(stack)
            apply_run_mounts(fs, "buildkit")
            ours = fs.commit("buildkit")
            assert M.rowset(ours.files()) == M.rowset(real.files())
            stack = stack.push(ours)
    finally:
        E.remove(tag)


def test_legacy_leaves_nothing():
    fs = WorkingFS()
    apply_run_mounts(fs, "legacy")
    assert not fs.changed
