""".dockerignore and the build context against real builds: `COPY . /ctx/` shows what
each builder lets COPY see, and the classic builder's "Sending build context to Docker
daemon" line gives the size of the tar the client sends. Engine 20.10, both builders."""

from __future__ import annotations

import re

import pytest

from simulator.context import BuildContext
from simulator.fs import Layer


def _engine_util():
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "fs" / "engine_util.py"
    spec = importlib.util.spec_from_file_location("fs_engine_util", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


E = _engine_util()

pytestmark = pytest.mark.engine

FILES = {
    "a.txt": b"a", "b.md": b"b", ".hidden": b"h", "dir/x.txt": b"x", "dir/y.md": b"y", "dir/sub/z.txt": b"z",
    "dir/sub/deep/w.go": b"w", "other/keep.txt": b"k", "other/drop.txt": b"d", "x y.txt": b"s",
    "Dockerfile2": b"#", "lnk": ("symlink", "a.txt"), "priv": ("dir", 0o700), "priv/in.txt": b"p",
    "L" * 120: b"long name", "dir/" + "n" * 99 + "/" + "m" * 60: b"long path",
    "caf\u00e9.txt": b"utf8", "sym-long": ("symlink", "t" * 110),
}

IGNORES = {
    "none": None,
    "star_exception": "*\n!a.txt\n",
    "self": "Dockerfile\n.dockerignore\n",
    "dir_exception": "dir\n!dir/sub/z.txt\n",
    "double_star": "**/*.txt\n!other/keep.txt\n",
    "slashes": "/dir/sub/\n./other/drop.txt\n",
    "comments": "# comment\n  *.md  \n#a.txt\n",
    "dotdot": "../a.txt\ndir/../b.md\n",
    "question": "?.txt\nd*/s*\n",
    "order": "!a.txt\n*.txt\n",
    "dir_star_exception": "dir/*\n!dir/sub\n",
    "trailing_slash": "dir/sub/\nother/\n!other/keep.txt\n",
    "classes": "[a-b].*\ndir/[!x]*.md\n",
    "space": "x y.txt\n",
    "symlink": "lnk\n",
    "priv_exception": "priv\n!priv/in.txt\n",
    "crlf_bom": "\ufeff*.md\r\nother\r\n",
    "double_star_dir": "**/sub\n",
    "escape": "\\*.txt\na\\.txt\n",
    "all_but": "**\n!dir/sub/**\n",
    "exception_reaches_nothing": "priv\n!priv/nothing\n",
    "exception_order": "!dir/sub/none\n.hidden\ndir/sub\n",
    "nested_exception_nothing": "dir\n!dir/sub/deep/none\n",
}


@pytest.mark.parametrize("builder", ["buildkit", "legacy"])
@pytest.mark.parametrize("name", sorted(IGNORES))
def test_context_matches_engine(name, builder, tmp_path, engine):
    ctx = str(tmp_path / name)
    spec = {**FILES, "Dockerfile": b"FROM dsim/busybox:1.35\nCOPY . /ctx/\n"}
    if IGNORES[name] is not None:
        spec[".dockerignore"] = IGNORES[name].encode()
    E.write_context(ctx, spec)
    tag, out = E.build(ctx, builder)
    assert tag, out[-500:]
    try:
        ours = BuildContext.from_dir(ctx)
        copied = Layer.from_tar(E.saved_layers(tag)[-1])
        seen = sorted(p[len("/ctx/"):] for p in copied.entries if p.startswith("/ctx/"))
        assert sorted(p[1:] for p in ours.layer(builder).entries) == seen
        # modes of what COPY saw (the implied dirs of re-included paths included)
        real_modes = {p: e.mode for p, e in copied.entries.items() if p.startswith("/ctx/")}
        from simulator.fs.copy import apply_copy
        from simulator.fs.working import WorkingFS
        fs = WorkingFS()
        apply_copy(fs, ours, ["."], "/ctx/", builder=builder)
        sim_modes = {p: e.mode for p, e in fs.commit().entries.items() if p.startswith("/ctx/")}
        assert sim_modes == real_modes
        if builder == "legacy":
            m = re.search(r"Sending build context to Docker daemon\s+(\S+)", out)
            assert m and m.group(1) == ours.size_text
    finally:
        E.remove(tag)


@pytest.mark.parametrize("builder", ["buildkit", "legacy"])
@pytest.mark.parametrize("dockerfile", ["app.Dockerfile", "sub/app.Dockerfile"])
def test_dockerfile_specific_ignore_file(builder, dockerfile, tmp_path, engine):
    """`<dockerfile>.dockerignore` beside the Dockerfile: BuildKit uses it, the classic
    builder reads `.dockerignore` only."""
    ctx = str(tmp_path / "c")
    df = b"FROM dsim/busybox:1.35\nCOPY . /ctx/\n"
    E.write_context(ctx, {**FILES, ".dockerignore": b"a.txt\n*.md\n", dockerfile: df,
                          dockerfile + ".dockerignore": b"other\n"})
    tag, out = E.build(ctx, builder, dockerfile)
    assert tag, out[-500:]
    try:
        ours = BuildContext.from_dir(ctx, dockerfile=dockerfile)
        copied = Layer.from_tar(E.saved_layers(tag)[-1])
        seen = sorted(p[len("/ctx/"):] for p in copied.entries if p.startswith("/ctx/"))
        assert sorted(p[1:] for p in ours.layer(builder).entries) == seen
        if builder == "legacy":
            m = re.search(r"Sending build context to Docker daemon\s+(\S+)", out)
            assert m and m.group(1) == ours.size_text
    finally:
        E.remove(tag)
