"""The build context: a host folder read (read-only) into a virtual tree, filtered by
.dockerignore as Docker's client filters it, and the size of the tar it would send."""

from __future__ import annotations

import os
import re
import stat as st

import attrs

from simulator.fs.entry import DIR, FILE, HARDLINK, SYMLINK, Entry, norm, sort_key
from simulator.fs.layer import Layer, LayerStack

DEFAULT_EXCLUDE = ("case.json", "expected")
MAX_CONTEXT_BYTES = int(os.environ.get("DSIM_MAX_CONTEXT", str(1 << 30)))


class ContextError(Exception):
    """The context cannot be read (or a .dockerignore pattern is invalid)."""


# -- Go's filepath.Clean --------------------------------------------------------------
def go_clean(path: str) -> str:
    """Go's filepath.Clean on a slash path (Lexical: `..` at the root of an absolute
    path is dropped, leading `..` of a relative path kept; "" -> ".")."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    out: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not rooted:
                out.append("..")
            continue
        out.append(part)
    s = "/".join(out)
    if rooted:
        return "/" + s
    return s or "."


# -- .dockerignore ----------------------------------------------------------------------
def read_dockerignore(text: str | bytes) -> list[str]:
    """The patterns of a .dockerignore file, normalised as Docker's reader does: a UTF-8
    BOM dropped, lines starting with `#` skipped, whitespace trimmed, each pattern
    (after a leading `!`) cleaned, slash-separated and without a leading `/`."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="surrogateescape")
    if text.startswith("\ufeff"):
        text = text[1:]
    out = []
    for line in _scan_lines(text):
        if line.startswith("#"):
            continue
        p = line.strip()
        if not p:
            continue
        invert = p[0] == "!"
        if invert:
            p = p[1:].strip()
        if p:
            p = go_clean(p)
            if len(p) > 1 and p[0] == "/":
                p = p[1:]
        out.append("!" + p if invert else p)
    return out


def _scan_lines(text: str) -> list[str]:
    # bufio.ScanLines: split on \n, drop one trailing \r
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


@attrs.frozen
class Pattern:
    text: str  # cleaned, without the leading `!`
    exclusion: bool
    dirs: int
    regex: re.Pattern


def _compile(p: str) -> re.Pattern:
    """A pattern as a regular expression, as moby's fileutils builds it: `*` any run
    without `/`, `?` one char but `/`, `**` any number of dirs, `\\` escapes; `.` and `$`
    are escaped, every other char goes to the regexp as it is."""
    out = "^"
    i, n = 0, len(p)
    while i < n:
        ch = p[i]
        if ch == "*":
            if i + 1 < n and p[i + 1] == "*":
                i += 2
                if i < n and p[i] == "/":
                    i += 1
                out += ".*" if i >= n else "(.*/)?"
                continue
            out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch in ".$":
            out += "\\" + ch
        elif ch == "\\":
            if i + 1 < n:
                out += "\\" + p[i + 1]
                i += 1
            else:
                out += "\\\\"
        else:
            out += ch
        i += 1
    out += "$"
    try:
        return re.compile(out, re.DOTALL)
    except re.error as e:
        raise ContextError(f"syntax error in pattern: {p}") from e


def _check_go_match_syntax(p: str) -> None:
    """filepath.Match(p, ".") is called only for its syntax error (ErrBadPattern)."""
    i, n = 0, len(p)
    while i < n:
        c = p[i]
        if c == "\\":
            if i + 1 >= n:
                raise ContextError("syntax error in pattern")
            i += 2
            continue
        if c == "[":
            i += 1
            if i < n and p[i] == "^":
                i += 1
            first = True
            while True:
                if i >= n:
                    raise ContextError("syntax error in pattern")
                c = p[i]
                if c == "]" and not first:
                    i += 1
                    break
                if c == "\\":
                    i += 1
                    if i >= n:
                        raise ContextError("syntax error in pattern")
                if c in "-]" and first is False and c == "-" and (i + 1 >= n or p[i + 1] == "]"):
                    raise ContextError("syntax error in pattern")
                first = False
                i += 1
            continue
        i += 1


class PatternMatcher:
    """moby's `fileutils.PatternMatcher` (engine 20.10): the last matching pattern wins;
    a pattern also matches a path when it matches one of its parent dirs (as deep as the
    pattern has components)."""

    def __init__(self, patterns: list[str]):
        self.patterns: list[Pattern] = []
        for raw in patterns:
            p = raw.strip()
            if not p:
                continue
            p = go_clean(p)
            excl = False
            if p[0] == "!":
                if len(p) == 1:
                    raise ContextError('illegal exclusion pattern: "!"')
                excl, p = True, p[1:]
            _check_go_match_syntax(p)
            self.patterns.append(Pattern(p, excl, len(p.split("/")), _compile(p)))

    @property
    def exclusions(self) -> bool:
        return any(p.exclusion for p in self.patterns)

    def matches(self, file: str) -> bool:
        parent_path = os.path.dirname(file) or "."
        parent_dirs = parent_path.split("/")
        matched = False
        for pat in self.patterns:
            m = pat.regex.match(file) is not None
            if not m and parent_path != ".":
                if pat.dirs <= len(parent_dirs):
                    m = pat.regex.match("/".join(parent_dirs[:pat.dirs])) is not None
            if m:
                matched = not pat.exclusion
        return matched


def trim_build_files(excludes: list[str], dockerfile: str) -> list[str]:
    """The client re-includes .dockerignore and the Dockerfile when they are excluded
    (docker/cli `TrimBuildFilesFromExcludes`) so that the builder can read them."""
    excludes = list(excludes)
    pm = PatternMatcher(excludes)
    if pm.matches(".dockerignore"):
        excludes.append("!.dockerignore")
    if dockerfile and PatternMatcher(excludes).matches(dockerfile):
        excludes.append("!" + dockerfile)
    return excludes


# -- the context -----------------------------------------------------------------------
@attrs.frozen(eq=False)
class BuildContext:
    """The files a build can COPY/ADD from, keyed by clean absolute path ("/a.txt").

    `entries` follow `.dockerignore`; owners are 0:0 (the client resets them); symlinks
    are kept as symlinks (COPY resolves them inside the context, never outside)."""

    entries: dict[str, Entry]
    dockerfile_name: str = "Dockerfile"
    dockerfile: bytes | None = None
    dockerignore: tuple[str, ...] = ()
    tar_size: int = 0  # bytes of the tar the legacy client sends
    root: str | None = None
    implied: frozenset = frozenset()  # excluded dirs present only because an exception re-includes a path below
    buildkit_only: frozenset = frozenset()  # excluded dirs with an exception pattern below but nothing re-included
    buildkit_variant: "BuildContext | None" = None  # the context BuildKit sees when it differs

    @classmethod
    def from_dir(cls, path: str, dockerfile: str | None = "Dockerfile",
                 exclude: tuple[str, ...] = DEFAULT_EXCLUDE, builder: str = "legacy") -> "BuildContext":
        """Read folder `path` (never following symlinks, never leaving it). `exclude`
        names top-level entries that are not part of the context at all (the corpus'
        case.json and expected/). The ignore file is `.dockerignore`; with BuildKit an
        `<dockerfile>.dockerignore` beside the Dockerfile wins (recorded on 20.10: corpus
        ignore-custom-dockerfile), kept as the `buildkit_variant`."""
        root = os.path.realpath(path)
        if not os.path.isdir(root):
            raise ContextError(f"unable to prepare context: path {path!r} not found")
        dockerfile = dockerfile or "Dockerfile"
        if os.path.isabs(dockerfile) and os.path.realpath(dockerfile).startswith(root + os.sep):
            dockerfile = os.path.relpath(os.path.realpath(dockerfile), root)
        df_rel = go_clean(dockerfile.replace(os.sep, "/"))
        patterns = _read_ignore(os.path.join(root, ".dockerignore")) \
            if ".dockerignore" not in exclude else None
        made = cls._scan(root, df_rel, patterns or [], exclude)
        specific = _read_ignore(os.path.join(root, df_rel + ".dockerignore"))
        if specific is not None and not df_rel.startswith("../"):
            made = attrs.evolve(made, buildkit_variant=cls._scan(root, df_rel, specific, exclude))
        return made

    @classmethod
    def _scan(cls, root: str, df_rel: str, patterns: list[str], exclude) -> "BuildContext":
        excludes = trim_build_files(patterns, df_rel)
        pm = PatternMatcher(excludes)
        entries, implied, bk_only, tar_size = _walk(root, pm, set(exclude))
        # The client sends an excluded Dockerfile/.dockerignore for the builder to read,
        # but the builder takes them out of what COPY can see (both builders, 20.10).
        plain = PatternMatcher(patterns)
        for name in (".dockerignore", df_rel):
            if plain.matches(name):
                entries.pop("/" + name, None)
        df_bytes = None
        df_full = os.path.join(root, df_rel)
        if os.path.isfile(df_full) and not os.path.islink(df_full):
            with open(df_full, "rb") as f:
                df_bytes = f.read()
        return cls(entries, dockerfile_name=df_rel, dockerfile=df_bytes,
                   dockerignore=tuple(patterns), tar_size=tar_size, root=root, implied=frozenset(implied),
                   buildkit_only=frozenset(bk_only))

    @classmethod
    def from_files(cls, files: dict[str, Entry], dockerignore: str | None = None,
                   dockerfile_name: str = "Dockerfile") -> "BuildContext":
        """A context from an in-memory tree (paths relative or absolute)."""
        patterns = read_dockerignore(dockerignore) if dockerignore else []
        pm = PatternMatcher(patterns)  # what COPY sees (an excluded Dockerfile too is hidden)
        kept = {}
        for p, e in files.items():
            rel = norm(p).lstrip("/")
            if rel and not pm.matches(rel):
                kept[norm(p)] = e
        return cls(kept, dockerfile_name=dockerfile_name, dockerignore=tuple(patterns))

    def layer(self, builder: str = "buildkit") -> Layer:
        """The context as COPY sees it. BuildKit's client sends an excluded dir that an
        exception pattern reaches into (with its own metadata, even when nothing below
        it is re-included); the classic client leaves such dirs out of its tar and the
        daemon re-creates those with re-included contents as 0755 root dirs."""
        if builder != "legacy" and self.buildkit_variant is not None:
            return self.buildkit_variant.layer(builder)
        entries = self.entries
        if builder == "legacy" and (self.implied or self.buildkit_only):
            entries = {p: (Entry(DIR, 0o755, 0, 0, data=None, size=0) if p in self.implied else e)
                       for p, e in entries.items()
                       if not any(p == b or p.startswith(b + "/") for b in self.buildkit_only)}
        return Layer(entries)

    def stack(self, builder: str = "buildkit") -> LayerStack:
        """The context as a read-only root filesystem (COPY's source)."""
        return LayerStack((self.layer(builder),))

    def paths(self) -> list[str]:
        return sorted(self.entries, key=sort_key)

    @property
    def size_text(self) -> str:
        return human_size(self.tar_size)


def _read_ignore(path: str) -> list[str] | None:
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as f:
        return read_dockerignore(f.read())


def _walk(root: str, pm: PatternMatcher, top_excluded: set[str]):
    """Walk like moby's `archive.TarWithOptions`: lexical order, excluded files skipped,
    an excluded dir skipped unless an exception pattern starts with it (then its
    contents are matched one by one, the dir itself is not sent, but it exists on the
    builder's side when something below it is). Returns (entries, implied dirs, tar size)."""
    entries: dict[str, Entry] = {}
    implied: set[str] = set()
    bk_only: set[str] = set()
    inodes: dict[tuple[int, int], str] = {}  # a file seen before: later names are hardlinks
    size = 0
    total = 0

    def visit(rel: str) -> None:
        nonlocal size, total
        full = os.path.join(root, rel) if rel else root
        names = sorted(os.listdir(full))
        for name in names:
            crel = f"{rel}/{name}" if rel else name
            if not rel and name in top_excluded:
                continue
            cfull = os.path.join(root, crel)
            info = os.lstat(cfull)
            is_dir = st.S_ISDIR(info.st_mode)
            if pm.matches(crel):
                if not is_dir:
                    continue
                if not pm.exclusions:
                    continue
                dir_slash = crel + "/"
                if not any(p.exclusion and (p.text + "/").startswith(dir_slash) for p in pm.patterns):
                    continue
                key = "/" + crel
                entries[key] = Entry(DIR, st.S_IMODE(info.st_mode), 0, 0, data=None, size=0)
                visit(crel)
                real = any(k.startswith(key + "/") and k not in bk_only for k in entries)
                (implied if real else bk_only).add(key)
                continue
            mode = st.S_IMODE(info.st_mode)
            key = "/" + crel
            if is_dir:
                entries[key] = Entry(DIR, mode, 0, 0, data=None, size=0)
                size += _header_blocks(crel + "/")
                visit(crel)
            elif st.S_ISLNK(info.st_mode):
                target = os.readlink(cfull)
                entries[key] = Entry(SYMLINK, mode, 0, 0, data=None, size=0, linkname=target)
                size += _header_blocks(crel, target)
            elif st.S_ISREG(info.st_mode) and info.st_nlink > 1 and (info.st_dev, info.st_ino) in inodes:
                first = inodes[(info.st_dev, info.st_ino)]
                entries[key] = Entry(HARDLINK, mode, 0, 0, data=None, size=0, linkname=first)
                size += _header_blocks(crel, first.lstrip("/"))
            elif st.S_ISREG(info.st_mode):
                if info.st_nlink > 1:
                    inodes[(info.st_dev, info.st_ino)] = key
                total += info.st_size
                if total > MAX_CONTEXT_BYTES:
                    raise ContextError(f"build context larger than {MAX_CONTEXT_BYTES} bytes (DSIM_MAX_CONTEXT)")
                with open(cfull, "rb") as f:
                    data = f.read()
                entries[key] = Entry(FILE, mode, 0, 0, data=data)
                size += _header_blocks(crel) + _padded(len(data))
            # sockets and devices: the client skips sockets; devices are rare in contexts

    visit("")
    return dict(sorted(entries.items(), key=lambda kv: sort_key(kv[0]))), implied, bk_only, size + 1024


def _padded(n: int) -> int:
    return (n + 511) // 512 * 512


def _header_blocks(name: str, linkname: str = "") -> int:
    """Bytes of one Go archive/tar header, with a PAX record block when the name (or
    link name) does not fit the USTAR fields."""
    nb = name.encode("utf-8", "surrogateescape")
    lb = linkname.encode("utf-8", "surrogateescape")
    records = b""
    if not _fits_ustar_name(nb):
        records += _pax_record("path", nb)
    if len(lb) > 100 or not lb.isascii():
        records += _pax_record("linkpath", lb)
    if records:
        return 512 + 512 + _padded(len(records))
    return 512


def _fits_ustar_name(nb: bytes) -> bool:
    if not nb.isascii():
        return False
    if len(nb) <= 100:
        return True
    # USTAR splits long names into prefix (155) + name (100) at a slash
    if len(nb) > 256:
        return False
    i = nb.rfind(b"/", 0, len(nb) - 1)
    while i > 0:
        if len(nb) - i - 1 <= 100 and i <= 155:
            return True
        i = nb.rfind(b"/", 0, i)
    return False


def _pax_record(key: str, value: bytes) -> bytes:
    body = b" " + key.encode() + b"=" + value + b"\n"
    n = len(body) + 1
    while len(str(n)) + len(body) != n:
        n = len(str(n)) + len(body)
    return str(n).encode() + body


def human_size(n: int | float) -> str:
    """go-units HumanSize: decimal units, 4 significant digits ("6.656kB")."""
    units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    size = float(n)
    i = 0
    while size >= 1000 and i < len(units) - 1:
        size /= 1000.0
        i += 1
    s = f"{size:.4g}"
    return f"{s}{units[i]}"
