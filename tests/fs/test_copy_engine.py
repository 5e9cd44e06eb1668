"""COPY/ADD/WORKDIR against real builds: every layer's file list (paths, types, modes,
owners, sizes, digests, link targets), the image size, the classic builder's history
digests, and the error line when the build fails. Both builders, engine 20.10."""

from __future__ import annotations

import pytest

from simulator.context import BuildContext
from simulator.fs import Layer

from . import engine_util as E
from . import minibuild as M
from .cases import CASES

pytestmark = pytest.mark.engine
BASE = "dsim/busybox:1.35"


@pytest.fixture(scope="module")
def base_layers(engine):
    return [Layer.from_tar(b) for b in E.saved_layers(BASE)]


def compare(name, files, lines, builder, base_layers, tmp_path):
    ctx = str(tmp_path / name)
    df = E.with_marker(f"FROM {BASE}\nCOPY seed/ /\n" + "\n".join(lines) + "\n", builder)
    E.write_context(ctx, {**files, "Dockerfile": df.encode(), E.marker(builder): builder.encode()})
    tag, out = E.build(ctx, builder)
    try:
        layers, hist, err = M.run(df, BuildContext.from_dir(ctx), base_layers, builder)
        if tag is None:
            real_err = E.normalise_error(out)
            assert err is not None, f"engine failed ({real_err}) but the simulator built"
            if builder == "buildkit" and real_err.startswith("failed to compute cache key"):
                assert real_err in M.cache_key_errors(df, BuildContext.from_dir(ctx)), real_err
                return
            assert E.strip_host_paths(err) == real_err
            return
        assert err is None, f"simulator failed: {err}"
        real = [Layer.from_tar(b) for b in E.saved_layers(tag)[len(base_layers):]]
        assert len(layers) == len(real)
        for i, (r, s) in enumerate(zip(real, layers)):
            R, S = M.rowset(r.files()), M.rowset(s.files())
            assert R == S, f"layer {i + 1}: engine-only {sorted(R - S)} simulator-only {sorted(S - R)}"
        assert sum(x.size for x in base_layers + layers) == E.inspect(tag)["Size"]
        if builder == "legacy":
            real_hist = [h["CreatedBy"] for h in E.history(tag)
                         if "#(nop) COPY" in h["CreatedBy"] or "#(nop) ADD" in h["CreatedBy"]]
            assert real_hist == ["/bin/sh -c #(nop) " + h for h in hist if h]
    finally:
        if tag:
            E.remove(tag)


@pytest.mark.parametrize("builder", ["buildkit", "legacy"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_copy_case(name, builder, base_layers, tmp_path):
    files, lines = CASES[name]
    compare(name, files, lines, builder, base_layers, tmp_path)


@pytest.mark.parametrize("src,dest", [("/etc/passwd", "/x"), ("/home", "/h"), ("/bin/sh", "/s"),
                                      ("/etc/*", "/e/"), ("/bin/sh", "/bin/")])
def test_legacy_copy_from_stage_digest(src, dest, base_layers, tmp_path):
    """A stage source is hashed on the daemon, user and group names looked up on the
    daemon's host: this engine runs on this machine, so its names are ours."""
    from simulator.fs import LayerStack, WorkingFS
    from simulator.fs.copy import apply_copy
    from simulator.fs.legacyhash import HostNames

    names = HostNames.from_files("/etc/passwd", "/etc/group")
    ctx = str(tmp_path / "from")
    df = f"FROM {BASE} AS a\nFROM {BASE}\nCOPY --from=a {src} {dest}\n"
    E.write_context(ctx, {"Dockerfile": df.encode()})
    tag, out = E.build(ctx, "legacy")
    assert tag, out[-400:]
    try:
        real = [h["CreatedBy"] for h in E.history(tag) if "#(nop) COPY" in h["CreatedBy"]]
        stack = LayerStack(tuple(base_layers))
        res = apply_copy(WorkingFS(stack), stack, [src], dest, builder="legacy", from_stage=True,
                         host_names=names)
        assert real == ["/bin/sh -c #(nop) " + res.legacy_history]
    finally:
        E.remove(tag)


FROM_STAGE = [
    ("/home", "/h", None), ("/etc/passwd", "/p/", None), ("/bin/sh", "/s", None), ("/tmp", "/t", "app"),
    ("/home/app", "/ha", "1000:nobody"), ("/etc/*", "/e/", None),
]


@pytest.mark.parametrize("builder", ["buildkit", "legacy"])
@pytest.mark.parametrize("src,dest,chown", FROM_STAGE)
def test_copy_from_stage_layer(src, dest, chown, builder, base_layers, tmp_path):
    """COPY --from=<stage>: owners are kept (both builders) unless --chown is given."""
    from simulator.fs import LayerStack, WorkingFS
    from simulator.fs.copy import apply_copy

    ctx = str(tmp_path / "from")
    flag = f"--chown={chown} " if chown else ""
    df = f"FROM {BASE} AS a\nFROM {BASE}\nCOPY {E.marker(builder)} /\nCOPY --from=a {flag}{src} {dest}\n"
    E.write_context(ctx, {"Dockerfile": df.encode(), E.marker(builder): builder.encode()})
    tag, out = E.build(ctx, builder)
    assert tag, out[-400:]
    try:
        real = Layer.from_tar(E.saved_layers(tag)[-1])
        stack = LayerStack(tuple(base_layers))
        marker = WorkingFS(stack)
        apply_copy(marker, BuildContext.from_dir(ctx), [E.marker(builder)], "/", builder=builder)
        fs = WorkingFS(stack.push(marker.commit(builder)))
        apply_copy(fs, stack, [src], dest, chown=chown, builder=builder, from_stage=True)
        assert M.rowset(fs.commit(builder).files()) == M.rowset(real.files())
    finally:
        E.remove(tag)
