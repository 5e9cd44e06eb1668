"""The working filesystem and layers, against the OCI image-spec layer rules
(image-spec layer.md: whiteouts `.wh.NAME`, opaque dirs `.wh..wh..opq`, changes as
additions/modifications/removals) and POSIX path semantics."""

from __future__ import annotations

import pytest

from simulator.fs import Layer, LayerStack, UnknownContent, WorkingFS
from simulator.fs.layer import SIZE_DU, SIZE_TAR, layer_size


def stack_with(*builders) -> LayerStack:
    stack = LayerStack()
    for build in builders:
        fs = WorkingFS(stack)
        build(fs)
        stack = stack.push(fs.commit())
    return stack


def lower(fs):
    fs.mkdir("/a/b", parents=True)
    fs.write("/a/b/f", b"one")
    fs.write("/a/g", b"two", mode=0o600)
    fs.symlink("b", "/a/l")


def rows(layer):
    return {(r["path"], r["type"]) for r in layer.files()}


def test_new_files_and_their_parents_form_the_layer():
    layer = stack_with(lower).layers[0]
    assert rows(layer) == {("a", "dir"), ("a/b", "dir"), ("a/b/f", "file"), ("a/g", "file"), ("a/l", "symlink")}


def test_deleting_a_lower_file_writes_a_whiteout():
    def rm(fs):
        fs.remove("/a/g")
    layer = stack_with(lower, rm).layers[1]
    assert ("a/.wh.g", "file") in rows(layer)
    assert layer.files()[-1]["mode"] in ("0600",)  # whiteout rows are 0600 empty files
    assert stack_with(lower, rm).lookup("/a/g") is None


def test_deleting_a_file_created_in_the_same_layer_leaves_no_trace():
    def both(fs):
        fs.write("/tmpfile", b"x")
        fs.remove("/tmpfile")
    assert stack_with(both).layers[0].entries == {}


def test_a_dir_removed_and_recreated_is_opaque():
    def redo(fs):
        fs.remove("/a/b", recursive=True)
        fs.mkdir("/a/b")
        fs.write("/a/b/new", b"n")
    stack = stack_with(lower, redo)
    assert ("a/b/.wh..wh..opq", "file") in rows(stack.layers[1])
    assert stack.listdir("/a/b") == ["new"]


def test_whiteout_of_a_dir_hides_its_subtree():
    def rm(fs):
        fs.remove("/a/b", recursive=True)
    stack = stack_with(lower, rm)
    assert stack.lookup("/a/b/f") is None
    assert stack.listdir("/a") == ["g", "l"]


def test_non_empty_dir_needs_recursive_remove():
    fs = WorkingFS(stack_with(lower))
    with pytest.raises(OSError):
        fs.remove("/a/b")


def test_metadata_change_copies_the_whole_file_up():
    def chmod(fs):
        fs.chmod("/a/b/f", 0o700)
    layer = stack_with(lower, chmod).layers[1]
    f = layer.entries["/a/b/f"]
    assert f.mode == 0o700 and f.data == b"one"
    assert layer.size == 3


@pytest.mark.parametrize("path,expected", [
    ("/a/l/f", "/a/b/f"),          # relative symlink in the middle
    ("/a/../../a/b/f", "/a/b/f"),  # `..` clamps at the root
    ("/x/../a/g", "/a/g"),
])
def test_resolve_stays_inside_the_root(path, expected):
    fs = WorkingFS(stack_with(lower))
    assert fs.resolve(path) == expected


def test_absolute_symlink_is_relative_to_the_virtual_root():
    def out(fs):
        fs.symlink("/etc/shadow", "/a/esc")
        fs.symlink("../../../../a/g", "/a/up")
    fs = WorkingFS(stack_with(lower, out))
    assert fs.resolve("/a/esc") == "/etc/shadow"
    assert fs.read("/a/up") == b"two"
    with pytest.raises(FileNotFoundError):
        fs.read("/a/esc")


def test_symlink_loop_is_an_error_not_a_hang():
    def loop(fs):
        fs.symlink("y", "/x")
        fs.symlink("x", "/y")
    fs = WorkingFS(stack_with(loop))
    with pytest.raises(OSError):
        fs.read("/x")


def test_hardlink_shares_content_and_adds_no_size():
    def link(fs):
        fs.link("/a/b/f", "/a/h")
    stack = stack_with(lower, link)
    layer = stack.layers[1]
    assert layer.entries["/a/h"].kind == "hardlink"
    assert WorkingFS(stack).read("/a/h") == b"one"
    assert layer.size == 3  # the linked file is copied up once, the link adds nothing


def test_unknown_content_raises_and_unknown_layer_has_no_size():
    def opaque(fs):
        fs.write("/known", b"k")
        fs.mark_unknown("RUN make")
    stack = stack_with(lower, opaque)
    assert stack.layers[1].size is None
    fs = WorkingFS(stack)
    with pytest.raises(UnknownContent) as info:
        fs.read("/a/g")
    assert info.value.reason == "RUN make"


def test_unknown_paths_limit_the_unknown():
    def opaque(fs):
        fs.mark_unknown("RUN npm install", ["/a/b"])
    fs = WorkingFS(stack_with(lower, opaque))
    assert fs.read("/a/g") == b"two"
    with pytest.raises(UnknownContent):
        fs.read("/a/b/f")


def test_tar_round_trip_keeps_everything():
    def more(fs):
        fs.remove("/a/g")
        fs.remove("/a/b", recursive=True)
        fs.mkdir("/a/b", 0o750, uid=5, gid=6)
        fs.write("/a/b/x", b"xyz", mode=0o4755, uid=1000, gid=1000)
    stack = stack_with(lower, more)
    for layer in stack.layers:
        again = Layer.from_tar(layer.to_tar())
        assert again.files() == layer.files()
        assert again.size == layer.size


@pytest.mark.parametrize("rule,expected", [(SIZE_DU, 3 + 1), (SIZE_TAR, 3)])
def test_size_rules(rule, expected):
    # du counts a symlink's target length (moby directory.Size on the overlay2 diff);
    # BuildKit layers are sized from their tar payload (files only). Both were
    # measured on engine 20.10 in tests/fs/test_copy_engine.py.
    layer = stack_with(lower).layers[0]
    assert layer_size({p: e for p, e in layer.entries.items() if p in ("/a/b/f", "/a/l")}, rule) == expected


def test_listdir_merges_layers_in_name_order():
    def upper(fs):
        fs.write("/a/c", b"")
        fs.write("/a/0", b"")
    assert stack_with(lower, upper).listdir("/a") == ["0", "b", "c", "g", "l"]


def test_rename_of_a_lower_dir_moves_its_tree_and_whites_out_the_old_name():
    def mv(fs):
        fs.rename("/a/b", "/a/moved")
    stack = stack_with(lower, mv)
    assert stack.lookup("/a/moved/f").data == b"one"
    assert stack.lookup("/a/b") is None
    assert ("a/.wh.b", "file") in rows(stack.layers[1])


def test_copy_link_replaces_lower_dir_metadata_and_ignores_lower_symlinks():
    # reference (COPY --link): the copy happens on an empty root, so an existing
    # destination path is not followed and the created dirs are linked over the old ones
    from simulator.context import BuildContext
    from simulator.fs import Entry
    from simulator.fs.copy import apply_copy

    def prev(fs):
        fs.mkdir("/opt", 0o700, uid=5, gid=5)
        fs.mkdir("/real")
        fs.symlink("/real", "/opt/app")
    ctx = BuildContext.from_files({"f": Entry("file", 0o644, data=b"x")})
    fs = WorkingFS(stack_with(prev))
    apply_copy(fs, ctx, ["f"], "/opt/app/", link=True, builder="buildkit")
    layer = fs.commit("buildkit")
    assert layer.entries["/opt"].mode == 0o755 and layer.entries["/opt"].uid == 0
    assert layer.entries["/opt/app"].kind == "dir"
    assert fs.read("/opt/app/f") == b"x" and fs.listdir("/real") == []


def test_copy_parents_and_exclude_are_unknown_not_guessed():
    from simulator.context import BuildContext
    from simulator.fs import Entry
    from simulator.fs.copy import apply_copy
    ctx = BuildContext.from_files({"x/a.txt": Entry("file", 0o644, data=b"a")})
    for kw in ({"parents": True}, {"excludes": ("*.md",)}):
        fs = WorkingFS()
        res = apply_copy(fs, ctx, ["x/a.txt"], "/p/", builder="buildkit", **kw)
        assert res.unknown_reason and fs.commit().unknown_reason
