"""COPY and ADD: sources from the context (or a stage/image), written into a WorkingFS.

    apply_copy(fs: WorkingFS, source, srcs: list[str], dest: str, *, workdir: str = "/",
               chown: str | None = None, chmod: str | None = None, is_add: bool = False,
               link: bool = False, parents: bool = False, excludes=(),
               builder: str = "buildkit", features=None, from_stage: bool = False,
               heredocs: dict[str, bytes] | None = None, cmd: str | None = None) -> CopyResult

`source` is a BuildContext, a LayerStack (another stage's or an image's root), or a
WorkingFS read as it stands. `srcs` and `dest` are already expanded; `heredocs` maps a
heredoc name used as a source to its (expanded) body. Errors raise CopyError with the
builder's own message. Rules modelled: engine 20.10 (BuildKit v0.8 FileOp + fsutil copy;
moby's classic builder), see the notes beside each step.
"""

from __future__ import annotations

import posixpath

import attrs

from .archive import UnpackError, is_archive, unpack
from .entry import DIR, FILE, HARDLINK, SYMLINK, Entry, norm, parent
from .gomatch import BadPattern, has_wildcards, match
from .layer import LayerStack
from .legacyhash import ROOT_ONLY, HostNames, combine, history_text, host_dependent, source_hash, wildcard_matches
from .ownership import ChownError, resolve_chown
from .protocol import UnknownContent
from .working import WorkingFS


class CopyError(Exception):
    """The instruction fails as the real builder fails; str() is the builder's message."""


@attrs.frozen
class CopyResult:
    copied: tuple[str, ...] = ()  # destination paths written (top-level targets)
    legacy_source: str | None = None  # "file:<hex>" / "dir:<hex>" / "multi:<hex>" (classic builder)
    legacy_history: str | None = None  # "COPY file:<hex> in /dest " (after "/bin/sh -c #(nop) ")
    unknown_reason: str | None = None
    warnings: tuple[str, ...] = ()


def _source_view(source, builder: str = "buildkit") -> WorkingFS:
    from simulator.context import BuildContext
    if isinstance(source, BuildContext):
        return WorkingFS(source.stack(builder))
    if isinstance(source, LayerStack):
        return WorkingFS(source)
    if isinstance(source, WorkingFS):
        return source
    if hasattr(source, "layers"):  # an Image whose .layers are our Layers
        return WorkingFS(LayerStack(tuple(source.layers)))
    raise TypeError(f"unsupported COPY source {type(source).__name__}")


def is_url(src: str) -> bool:
    return src.startswith("http://") or src.startswith("https://")


def parse_chmod(chmod: str) -> int | None:
    """BuildKit v0.8 takes an octal --chmod; anything else is silently ignored."""
    try:
        v = int(chmod, 8)
    except ValueError:
        return None
    if v < 0 or v > 0xFFFFFFFF:
        return None
    return v


def dest_path(dest: str, workdir: str, builder: str) -> tuple[str, bool]:
    """(clean absolute destination, whether it names a directory by its trailing slash)."""
    wd = workdir or "/"
    if builder == "legacy":
        slash = dest.endswith("/")
        full = dest if dest.startswith("/") else posixpath.join("/", wd, dest)
        return norm(full), slash
    full = dest if dest.startswith("/") else posixpath.join(wd, dest)
    slash = dest in (".", "") or dest.endswith("/")
    return norm(full), slash


def apply_copy(fs: WorkingFS, source, srcs: list[str], dest: str, *, workdir: str = "/",
               chown: str | None = None, chmod: str | None = None, is_add: bool = False,
               link: bool = False, parents: bool = False, excludes=(), builder: str = "buildkit",
               features=None, from_stage: bool = False, heredocs: dict[str, bytes] | None = None,
               cmd: str | None = None, host_names: HostNames = ROOT_ONLY) -> CopyResult:
    cmd = cmd or ("ADD" if is_add else "COPY")
    fs.size_builder = builder  # commit() sizes the layer as this builder's layers are sized
    if builder != "legacy" and (parents or excludes):
        # --parents (dockerfile 1.20) and --exclude (1.19) filter through fsutil's include
        # and exclude pattern matching, which is not modelled: the destination's
        # content is unknown rather than guessed.
        flags = " ".join(f for f, on in (("--parents", parents), ("--exclude", bool(excludes))) if on)
        reason = f"{cmd} {flags}: not modelled"
        dpath, _ = dest_path(dest, workdir, builder)
        fs.mark_unknown(reason, [dpath])
        return CopyResult((dpath,), unknown_reason=reason)
    target_fs = fs
    if link and builder != "legacy":
        # --link: the sources are copied onto an empty root and that layer is linked on
        # top of the previous state, so nothing below is read (no symlinks followed, no
        # existing dirs merged) and the dirs the copy creates replace the lower ones
        # (reference: COPY --link).
        target_fs = WorkingFS()
        target_fs.size_builder = builder
    headerless = getattr(source, "implied", frozenset()) if builder == "legacy" else frozenset()
    op = _Copy(target_fs, _source_view(source, builder), builder, is_add, cmd, from_stage, headerless, host_names)
    if target_fs is not fs and chown:
        op.chown_fs = fs  # --chown names still resolve in the destination's /etc/passwd
    try:
        result = op.run(srcs, dest, workdir, chown, chmod, heredocs or {})
        if target_fs is not fs:
            for path, e in target_fs.commit(builder).entries.items():
                if path != "/":
                    fs.put(path, e)
        return result
    except (ChownError, UnpackError) as e:
        raise CopyError(str(e)) from e
    except UnknownContent as e:
        raise CopyError(f"{cmd}: {e}") from e
    except OSError as e:  # e.g. a symlink loop in the source or the destination
        raise CopyError(f"{cmd} failed: {e.strerror or e}: {e.filename or ''}".rstrip(": ")) from e


class _Copy:
    def __init__(self, fs: WorkingFS, view: WorkingFS, builder: str, is_add: bool, cmd: str,
                 from_stage: bool, headerless: frozenset = frozenset(), host_names: HostNames = ROOT_ONLY):
        self.fs = fs
        self.view = view
        self.legacy = builder == "legacy"
        self.is_add = is_add
        self.cmd = cmd
        self.from_stage = from_stage
        self.headerless = headerless  # context dirs the classic client's tar has no header for
        self.host_names = host_names  # the daemon host's user database (classic digests of stage files)
        self.owner: tuple[int, int] | None = None  # None: keep the source's owner
        self.dir_owner = (0, 0)  # owner of directories the copy creates
        self.mode: int | None = None
        self.unknown: str | None = None
        self.copied: list[str] = []

    # -- the instruction ----------------------------------------------------------------
    def run(self, srcs, dest, workdir, chown, chmod, heredocs) -> CopyResult:
        if chmod and self.legacy:
            raise CopyError("the --chmod option requires BuildKit. Refer to "
                            "https://docs.docker.com/go/buildkit/ to learn how to build images "
                            "with BuildKit enabled")
        if chmod:
            self.mode = parse_chmod(chmod)
        if chown:
            self.owner = resolve_chown(getattr(self, "chown_fs", self.fs), chown,
                                       "legacy" if self.legacy else "buildkit")
            self.dir_owner = self.owner
        elif self.legacy and not self.from_stage:
            self.owner = (0, 0)
        dpath, dslash = dest_path(dest, workdir, "legacy" if self.legacy else "buildkit")
        if self.legacy:
            return self._legacy(srcs, dest, dpath, dslash, chown, heredocs)
        return self._buildkit(srcs, dpath, dslash, heredocs)

    # BuildKit v0.8: each source is its own copy action, in order.
    def _buildkit(self, srcs, dpath, dslash, heredocs) -> CopyResult:
        for src in srcs:
            if is_url(src):
                if not self.is_add:
                    raise CopyError("source can't be a URL for COPY")
                self._url(src, dpath, dslash)
                continue
            if src in heredocs:
                self._put_file(src, Entry(FILE, 0o644, 0, 0, data=heredocs[src]), dpath, dslash)
                continue
            spath = _clean_src(src)
            if has_wildcards(spath):
                matches = self._bk_wildcards(spath)
                for m in matches:
                    self._bk_check(m)
                for m in matches:
                    self._one(m, dpath, dslash)
                continue
            self._bk_check(spath)
            self._one(spath, dpath, dslash)
        return CopyResult(tuple(self.copied), unknown_reason=self.unknown)

    def _bk_check(self, spath: str) -> None:
        """The cache key follows symlinks: a missing (or dangling) source fails, naming
        the path the link leads to."""
        try:
            real = self.view.resolve(spath)
        except OSError:
            raise CopyError(f"failed to compute cache key: too many symlinks: {spath}") from None
        if self.view.lstat_entry(real) is None:
            raise CopyError(f'failed to compute cache key: "{real}" not found: not found')

    def _bk_wildcards(self, spath: str, check_only: bool = False) -> list[str]:
        """fsutil ResolveWildcards: the components up to the first wildcard are a base
        dir (symlinks followed); the rest is matched against paths below it; a matching
        dir is not descended."""
        parts = spath.strip("/").split("/")
        idx = next(i for i, p in enumerate(parts) if has_wildcards(p))
        base = "/" + "/".join(parts[:idx])
        pattern = "/".join(parts[idx:])
        base_real = self.view.resolve(base)
        be = self.view.lstat_entry(base_real)
        if be is None:
            if check_only:
                return []
            # fsutil walks the base dir when the step runs (the cache key allowed it)
            raise CopyError(f"lstat {base_real}: no such file or directory")
        if be.kind != DIR:
            return []
        out = []

        def walk(d: str, rel: str) -> None:
            for name in self.view.listdir(d):
                crel = f"{rel}/{name}" if rel else name
                child = d.rstrip("/") + "/" + name
                try:
                    ok = match(pattern, crel)
                except BadPattern:
                    raise CopyError(f"syntax error in pattern: {pattern}")
                e = self.view.lstat_entry(child)
                if ok:
                    out.append(norm(base + "/" + crel))
                    continue
                if e is not None and e.kind == DIR:
                    walk(child, crel)

        walk(base_real, "")
        return out

    # The classic builder: collect all sources first (with their digests), then copy.
    def _legacy(self, srcs, dest, dpath, dslash, chown, heredocs) -> CopyResult:
        infos: list[tuple[str, str]] = []  # (source path or url, digest)
        for src in srcs:
            if is_url(src):
                if not self.is_add:
                    raise CopyError(f"{self.cmd} failed: source can't be a URL for COPY")
                infos.append((src, "url"))
                continue
            orig = src.lstrip("/") if src.startswith("/") else src
            if orig.startswith("./"):
                orig = orig[2:]
            if has_wildcards(orig):
                try:
                    matches = wildcard_matches(self.view, orig)
                except BadPattern:
                    matches = []
                for m in matches:
                    self._legacy_check(m)
                    infos.append((m, source_hash(self.view, m, self.from_stage, self.headerless, self.host_names)))
                continue
            if _escapes(orig):
                raise CopyError(f"{self.cmd} failed: forbidden path outside the build context: {orig} ()")
            self._legacy_check(orig)
            infos.append((orig, source_hash(self.view, orig, self.from_stage, self.headerless, self.host_names)))
        if not infos:
            raise CopyError(f"{self.cmd} failed: no source files were specified")
        if len(infos) > 1 and not dest.endswith("/"):
            raise CopyError(f"When using {self.cmd} with more than one source file, "
                            "the destination must be a directory and end with a /")
        for src, _ in infos:
            if is_url(src):
                self._url(src, dpath, dslash)
            else:
                self._one("/" + src, dpath, dslash)
        digest = combine([d for _, d in infos])
        warnings = ()
        if self.from_stage:
            ids = sorted({i for src, _ in infos if not is_url(src) for i in host_dependent(self.view, src, self.host_names)})
            if ids:
                where = ("the daemon host's user database (give it: --host-passwd/--host-group)"
                         if self.host_names == ROOT_ONLY else "the given user database")
                warnings = (f"the classic builder's digest {digest} assumes ids {ids} have no name in {where}",)
        if any(is_url(src) for src, _ in infos):
            # a download's digest covers its content and Last-Modified time: unknowable
            return CopyResult(tuple(self.copied), unknown_reason=self.unknown, warnings=warnings)
        return CopyResult(tuple(self.copied), legacy_source=digest,
                          legacy_history=history_text(self.cmd, digest, dest, chown),
                          unknown_reason=self.unknown, warnings=warnings)

    def _legacy_check(self, orig: str) -> None:
        try:
            real = self.view.resolve("/" + orig)
        except OSError:  # a symlink loop: FollowSymlinkInScope gives up
            raise CopyError(f"{self.cmd} failed: forbidden path outside the build context: {orig} ()") from None
        if self.view.lstat_entry(real) is None:
            where = ("file not found in build context or excluded by .dockerignore: "
                     if not self.from_stage else "")
            name = norm("/" + orig).lstrip("/") or "."
            if orig.endswith("/") and name != ".":
                name += "/"  # the daemon names a directory source with its slash (engine: `stat nodir/`)
            raise CopyError(f"{self.cmd} failed: {where}stat {name}: file does not exist")

    # -- one source -------------------------------------------------------------------
    def _one(self, spath: str, dpath: str, dslash: bool) -> None:
        self._inodes = {}  # hardlinks are kept only among the files of one source's copy
        real = self.view.resolve(spath)  # a top-level symlink is followed
        e = self.view.lstat_entry(real)
        if e is None:
            return  # a dangling match: nothing to copy
        if e.kind == DIR:
            self._dir(real, dpath, dslash)
            return
        if e.kind == HARDLINK:
            e = self.view.entry(real) or e
        if self.is_add and e.kind == FILE:
            data = self.view.read(real)
            if is_archive(data):
                self._unpack(data, dpath)
                return
        self._put_file(posixpath.basename(spath.rstrip("/")) or "/", self._materialise(real, e), dpath, dslash)

    def _materialise(self, real: str, e: Entry) -> Entry:
        if e.kind == FILE:
            return Entry(FILE, e.mode, e.uid, e.gid, data=self.view.read(real))
        return e

    def _own(self, e: Entry) -> Entry:
        uid, gid = (e.uid, e.gid) if self.owner is None else self.owner
        mode = e.mode
        if self.mode is not None and e.kind != SYMLINK:
            mode = (mode & ~0o777) | (self.mode & 0o777)
        if self.legacy and self.owner is not None and e.kind == FILE:
            # the classic builder lchown()s after copying, and Linux then drops setuid
            # (and setgid when group-executable) from a regular file; BuildKit chmods
            # after its chown, so it keeps them
            mode &= ~0o4000
            if mode & 0o010:
                mode &= ~0o2000
        return attrs.evolve(e, uid=uid, gid=gid, mode=mode)

    def _mkdir_p(self, path: str, legacy_prefix: str = "failed to copy files: ") -> str:
        """Create `path` and missing parents as 0755 dirs owned by the --chown user
        (root without one); symlinks on the way are followed inside the root."""
        real = self.fs.resolve(path)
        todo = []
        p = real
        while True:
            e = self.fs.lstat_entry(p)
            if e is not None:
                if e.kind != DIR:
                    prefix = legacy_prefix if self.legacy else ""
                    raise CopyError(f"{prefix}mkdir {p}: not a directory")
                break
            todo.append(p)
            p = parent(p)
        for d in reversed(todo):
            self.fs.put(d, Entry(DIR, 0o755, self.dir_owner[0], self.dir_owner[1], data=None, size=0))
        return real

    def _check_path(self, path: str) -> None:
        """Resolving a destination lstat()s each component in turn (continuity's RootPath,
        moby's FollowSymlinkInScope): a component below a non-directory fails there."""
        done = "/"
        parts = [p for p in path.split("/") if p not in ("", ".")]
        hops = 0
        while parts:
            part = parts.pop(0)
            if part == "..":
                done = parent(done)
                continue
            cand = done.rstrip("/") + "/" + part
            pe = self.fs.lstat_entry(done) if done != "/" else None
            if pe is not None and pe.kind != DIR:
                prefix = "failed to copy files: " if self.legacy else ""
                raise CopyError(f"{prefix}lstat {cand}: not a directory")
            e = self.fs.lstat_entry(cand)
            if e is not None and e.kind == SYMLINK:
                hops += 1
                if hops > 40:
                    break
                target = e.linkname or ""
                if target.startswith("/"):
                    done = "/"
                parts = [p for p in target.split("/") if p not in ("", ".")] + parts
                continue
            done = cand

    def _check_dest(self, dpath: str, dslash: bool, unpack: bool = False) -> None:
        if self.legacy or dslash or unpack:
            self._check_path(dpath)
        else:
            self._check_path(parent(dpath))

    def _file_prefix(self) -> str:
        """moby wraps a failed parent mkdir differently when it also chowns (always for
        context sources; for --from only with --chown)."""
        if self.owner is not None:
            return "failed to copy files: failed to create new directory: "
        return "failed to copy files: "

    def _put_file(self, base: str, e: Entry, dpath: str, dslash: bool) -> None:
        self._check_dest(dpath, dslash)
        if dslash:
            target_dir = self._mkdir_p(dpath, self._file_prefix())
            target = target_dir.rstrip("/") + "/" + base
        else:
            self._mkdir_p(parent(dpath), self._file_prefix())
            target = self.fs.resolve(dpath)
            te = self.fs.lstat_entry(target)
            if te is not None and te.kind == DIR:
                target = target.rstrip("/") + "/" + base
        self._write(target, self._own(e))
        self.copied.append(target)

    def _write(self, target: str, e: Entry) -> None:
        te = self.fs.lstat_entry(target)
        if te is not None and te.kind == DIR:
            if not self.legacy:
                raise CopyError(f"cannot replace to directory {target} with file")
            self.fs.remove(target, recursive=True)
        elif te is not None and te.kind == SYMLINK and e.kind != DIR:
            pass  # the link itself is replaced
        self.fs.put(target, e)

    def _dir(self, src_real: str, dpath: str, dslash: bool = False) -> None:
        self._check_dest(dpath, dslash)
        target = self.fs.resolve(dpath)
        te = self.fs.lstat_entry(target)
        if te is not None and te.kind != DIR:
            if self.legacy:
                raise CopyError(f"failed to copy files: failed to copy directory: mkdir {target}: not a directory")
            raise CopyError(f"cannot copy to non-directory: {target}")
        if te is None:
            if self.legacy:
                # moby's CopyWithTar creates the missing dirs as root; only the
                # destination dir itself is then chowned to the --chown user
                saved, self.dir_owner = self.dir_owner, (0, 0)
                self._mkdir_p(target, "failed to copy files: failed to copy directory: ")
                self.dir_owner = saved
                if self.owner is not None:
                    d = self.fs.lstat_entry(target)
                    self.fs.put(target, attrs.evolve(d, uid=self.owner[0], gid=self.owner[1]))
            else:
                self._mkdir_p(target)
        elif self.legacy:
            self._touch(target)
        self._children(src_real, target)
        self.copied.append(target)

    def _children(self, src_dir: str, dst_dir: str) -> None:
        """Copy a directory's contents; names of one inode stay hardlinked to each other
        (the first name copied is the file, later ones link to it), as both builders do."""
        inodes = getattr(self, "_inodes", None)
        if inodes is None:
            inodes = self._inodes = {}
        for name in self.view.listdir(src_dir):
            s = src_dir.rstrip("/") + "/" + name
            d = dst_dir.rstrip("/") + "/" + name
            e = self.view.lstat_entry(s)
            if e is None:
                continue
            if e.kind == DIR:
                de = self.fs.lstat_entry(d)
                if de is not None and de.kind != DIR:
                    if not self.legacy:
                        raise CopyError(f"cannot copy to non-directory: {d}")
                    self.fs.remove(d, recursive=True)
                    de = None
                owned = self._own(Entry(DIR, e.mode, e.uid, e.gid, data=None, size=0))
                self.fs.put(d, owned)
                self._children(s, d)
                continue
            if e.kind == HARDLINK and e.linkname:
                first = norm(e.linkname)
                if first in inodes:
                    f = self.fs.lstat_entry(inodes[first])
                    self._write(d, Entry(HARDLINK, f.mode, f.uid, f.gid, data=None, size=0,
                                         linkname=inodes[first]))
                    continue
                target = self.view.entry(s)
                inodes[first] = d
                e = target if target is not None else e
                self._write(d, self._own(self._materialise(first, e)))
                continue
            if e.kind == FILE:
                inodes[s] = d
            self._write(d, self._own(self._materialise(s, e)))

    # -- ADD specials ---------------------------------------------------------------------
    def _unpack(self, data: bytes, dpath: str) -> None:
        """Extract a local archive into the destination directory; members keep their
        own owners and modes (neither --chown nor --chmod applies to them)."""
        self._check_dest(dpath, True, unpack=True)
        if self.legacy:
            saved, self.dir_owner = self.dir_owner, (0, 0)
            root = self._mkdir_p(dpath)
            self.dir_owner = saved
        else:
            root = self._mkdir_p(dpath)
        if self.legacy:
            self._touch(root)
        for rel, e in unpack(data):
            if not rel:
                continue
            target, crossed = self._chroot_walk(root, rel)
            par = parent(target)
            if self.fs.lstat_entry(par) is None:
                if crossed:  # the literal parent exists (a symlink) but leads nowhere
                    prefix = "failed to copy files: " if self.legacy else ""
                    raise CopyError(f"{prefix}Error processing tar file(exit status 1): open /{rel}: "
                                    "no such file or directory")
                saved = self.dir_owner
                self.dir_owner = (0, 0)
                self._mkdir_p(par)
                self.dir_owner = saved
            if e.kind == HARDLINK:
                linked = self._contained_target(root, e.linkname.lstrip("/"))
                e = attrs.evolve(e, linkname=linked)
                le = self.fs.lstat_entry(linked)
                if le is None or le.kind not in (FILE, HARDLINK):
                    raise CopyError(f"failed to copy files: hardlink target {linked} does not exist")
                if le.kind == FILE:  # one inode: the link's header sets its mode and owner
                    self.fs.put(linked, attrs.evolve(le, mode=e.mode, uid=e.uid, gid=e.gid))
            te = self.fs.lstat_entry(target)
            if te is not None and not (te.kind == DIR and e.kind == DIR):
                self.fs.remove(target, recursive=True)
            self.fs.put(target, e)
        self.copied.append(root)

    def _touch(self, path: str) -> None:
        """The classic builder unpacks through chrootarchive, which briefly creates a
        pivot dir inside the destination: an existing destination dir is copied up into
        the layer even when nothing lands in it."""
        if path != "/":
            e = self.fs.lstat_entry(path)
            if e is not None:
                self.fs.put(path, e)

    def _contained_target(self, root: str, rel: str) -> str:
        return self._chroot_walk(root, rel)[0]

    def _chroot_walk(self, root: str, rel: str) -> tuple[str, bool]:
        """(root/rel with the parent's symlinks resolved as in a chroot at `root`, whether
        a symlink was crossed): an absolute link target or `..` never leaves the
        destination directory."""
        done = root
        parts = [p for p in posixpath.dirname(rel).split("/") if p not in ("", ".")]
        hops = 0
        while parts:
            part = parts.pop(0)
            if part == "..":
                if done != root:
                    done = parent(done)
                continue
            cand = done.rstrip("/") + "/" + part
            e = self.fs.lstat_entry(cand)
            if e is not None and e.kind == SYMLINK:
                hops += 1
                if hops > 40:
                    raise CopyError(f"too many levels of symbolic links: {rel}")
                target = e.linkname or ""
                if target.startswith("/"):
                    done = root
                parts = [p for p in target.split("/") if p not in ("", ".")] + parts
                continue
            done = cand
        return norm(done.rstrip("/") + "/" + posixpath.basename(rel)), hops > 0

    def _url(self, src: str, dpath: str, dslash: bool) -> None:
        """ADD <url>: the simulator never downloads; the file is there with unknown
        content (mode 0600, as both builders write downloads)."""
        from urllib.parse import urlparse
        base = posixpath.basename(urlparse(src).path) or "__unnamed__"
        if base in (".", "/"):
            base = "__unnamed__"
        if self.legacy and dslash and base == "__unnamed__":
            raise CopyError(f"cannot determine filename for source {src}")
        reason = f"ADD {src}: remote content is not fetched (offline simulation)"
        self.unknown = reason
        self._put_file(base, Entry(FILE, 0o600, 0, 0, data=None, size=None), dpath, dslash)
        self.fs.mark_unknown(reason, [self.copied[-1]])


def check_sources(source, srcs: list[str], *, is_add: bool = False, heredocs=None) -> list[str]:
    """BuildKit computes every COPY/ADD's cache key from its sources before it runs any
    step: the errors (`failed to compute cache key: "/x" not found: not found`) each
    instruction would raise at that stage, in source order. When several instructions
    fail, which one the engine reports first is a race; a build reports the first."""
    view = _source_view(source, "buildkit")
    op = _Copy(WorkingFS(), view, "buildkit", is_add, "ADD" if is_add else "COPY", False)
    errors = []
    for src in srcs:
        if is_url(src) or src in (heredocs or {}):
            continue
        spath = _clean_src(src)
        paths = op._bk_wildcards(spath, check_only=True) if has_wildcards(spath) else [spath]
        for m in paths:
            try:
                op._bk_check(m)
            except CopyError as e:
                errors.append(str(e))
    return errors


def _escapes(rel: str) -> bool:
    """Does a relative path climb above the root (filepath.Join(root, rel) outside)?"""
    depth = 0
    for p in rel.split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            depth -= 1
            if depth < 0:
                return True
        else:
            depth += 1
    return False


def _clean_src(src: str) -> str:
    """BuildKit: filepath.Join("/", src): `..` and a leading `/` stay inside the root."""
    return norm("/" + src)


def apply_workdir(fs: WorkingFS, path: str, *, uid: int = 0, gid: int = 0, builder: str = "buildkit") -> bool:
    """WORKDIR's directory: BuildKit runs mkdir -p (0755, owned by the current USER's
    uid:gid) and always commits a layer; the classic builder creates missing dirs as
    root and commits a layer only when something was created. Returns whether the
    instruction produces a layer."""
    fs.size_builder = builder
    real = fs.resolve(path)
    missing = []
    p = real
    while True:
        e = fs.lstat_entry(p)
        if e is not None:
            if e.kind != DIR:
                raise CopyError(f"mkdir {p}: not a directory")
            break
        missing.append(p)
        p = parent(p)
    owner = (uid, gid) if builder != "legacy" else (0, 0)
    for d in reversed(missing):
        fs.put(d, Entry(DIR, 0o755, owner[0], owner[1], data=None, size=0))
    return builder != "legacy" or bool(missing)
