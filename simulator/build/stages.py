"""Stages: global ARGs, FROM resolution, stage dependencies and reachability, base images."""

from __future__ import annotations

import re

from simulator import instructions as I
from simulator.errors import BuildError
from simulator.image import Image, ImageConfig

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def platform_args(platform: str | None, frontend) -> dict[str, str]:
    """BuildKit's automatic platform ARGs (dockerfile2llb/platform.go getPlatformArgs)."""
    from simulator.platforms import PlatformError, fmt, normalize, parse

    build_os, build_arch, build_var = "linux", "amd64", ""
    try:
        t_os, t_arch, t_var = normalize(parse(platform)) if platform else ("linux", "amd64", "")
    except PlatformError:  # the daemon refuses such a --platform before the build
        t_os, t_arch, t_var = "linux", "amd64", ""
    out = {
        "BUILDPLATFORM": "linux/amd64", "BUILDOS": build_os, "BUILDARCH": build_arch, "BUILDVARIANT": build_var,
        "TARGETPLATFORM": fmt((t_os, t_arch, t_var)), "TARGETOS": t_os,
        "TARGETARCH": t_arch, "TARGETVARIANT": t_var,
    }
    if tuple(frontend) >= (1, 10):
        out["BUILDOSVERSION"] = ""
        out["TARGETOSVERSION"] = ""
    return out


def normalize_ref(ref: str) -> str:
    """reference.TagNameOnly(ParseNormalizedNamed(ref)) without the docker.io/library prefix."""
    name = ref
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    last = name.rsplit("/", 1)[-1]
    if "@" not in name and ":" not in last:
        name += ":latest"
    return name


_REF = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*"
                  r"(?:/[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$")


def valid_reference(ref: str) -> bool:
    return reference_error(ref) is None


def reference_error(ref: str) -> str | None:
    """distribution/reference.ParseNormalizedNamed's error for `ref`, or None if valid."""
    if ref == "":
        return "repository name must have at least one component"
    i = ref.find("/")
    if i == -1 or (not any(c in ref[:i] for c in ".:") and ref[:i] != "localhost" and ref[:i].lower() == ref[:i]):
        remainder = ref
    else:
        remainder = ref[i + 1:]
    remote = remainder.split(":", 1)[0] if ":" in remainder else remainder
    if remote.lower() != remote:
        return "invalid reference format: repository name must be lowercase"
    if not _REF.match(ref):
        return "invalid reference format"
    return None


#: images read from tarballs, shared between builds (Images are immutable)
_LOADED: dict = {}


class BaseResolver:
    """Finds base images: given Images, `--base-image` tarballs, then the catalog."""

    def __init__(self, images: dict, base_images: dict):
        self.images = {normalize_ref(k): v for k, v in images.items()}
        self.paths = {normalize_ref(k): v for k, v in base_images.items()}
        self.warnings: list[str] = []
        self._cache: dict[str, Image] = {}

    def resolve(self, ref: str) -> Image:
        if ref == "scratch":
            return Image(config=ImageConfig(), known=True, ref="scratch")
        key = normalize_ref(ref)
        if key in self._cache:
            return self._cache[key]
        img = self.images.get(key)
        if img is None and key in self.paths:
            img = self._load(key, self.paths[key])
        if img is None:
            from simulator.catalog import lookup

            img = lookup(ref) or lookup(key)
        if img is None:
            msg = f"base image {ref} is neither given (--base-image) nor in the catalog: its config is unknown"
            self.warnings.append(msg)
            img = Image(config=ImageConfig(), known=False, unknown_reason=msg, ref=key)
        self._cache[key] = img
        return img

    def _load(self, ref: str, path: str) -> Image:
        import os

        try:
            st = os.stat(path)
            key = (os.path.realpath(path), st.st_size, st.st_mtime_ns, ref)
        except OSError:
            key = None
        if key is not None and key in _LOADED:
            return _LOADED[key]
        img = self._load_uncached(ref, path)
        if key is not None:
            if len(_LOADED) > 64:
                _LOADED.clear()
            _LOADED[key] = img
        return img

    def _load_uncached(self, ref: str, path: str) -> Image:
        try:
            from simulator import imagestore
            loader = getattr(imagestore, "load", None) or getattr(imagestore, "load_image", None)
        except ImportError:
            loader = None
        if loader is None:
            loader = _read_saved_image
        try:
            img = loader(path, ref) if _takes_two(loader) else loader(path)
        except Exception as e:  # a bad tarball is the user's error
            raise BuildError(f"failed to load base image {ref} from {path}: {e}") from None
        if isinstance(img, dict):
            img = img.get(ref) or next(iter(img.values()))
        return img


def _takes_two(fn) -> bool:
    import inspect

    try:
        return len(inspect.signature(fn).parameters) >= 2
    except (TypeError, ValueError):
        return False


def stage_sources(stage: I.Stage) -> list[str]:
    """Names/indexes a stage reads from besides its FROM: COPY --from and RUN --mount from=."""
    out = []
    for c in stage.commands:
        if isinstance(c, I.Copy) and c.from_:
            out.append(c.from_)
        if isinstance(c, I.Run):
            for m in c.mounts:
                for field in m.split(","):
                    k, _, v = field.partition("=")
                    if k.lower() == "from" and v:
                        out.append(v)
    return out


def find_stage(stages, name: str, before: int | None = None):
    """The stage named `name` (case-insensitive; the last one of that name wins, as
    BuildKit's statesByName map), or the one at integer index `name`."""
    if name.isdigit() or (name.startswith("-") and name[1:].isdigit()):
        i = int(name)
        if 0 <= i < len(stages):
            return stages[i]
        raise BuildError(f"invalid stage index {i}")
    found = None
    for s in stages:
        if before is not None and s.index >= before:
            break
        if s.name and s.name == name.lower():
            found = s
    return found


def reachable(stages, target_index: int, base_names: dict[int, str]) -> set[int]:
    """Stages the target depends on through FROM <stage>, COPY --from and RUN --mount=from."""
    seen: set[int] = set()
    todo = [target_index]
    while todo:
        i = todo.pop()
        if i in seen:
            continue
        seen.add(i)
        st = stages[i]
        base = find_stage(stages, base_names[i], before=i)
        if base is not None:
            todo.append(base.index)
        for src in stage_sources(st):
            try:
                dep = find_stage(stages, src)
            except BuildError:
                dep = None
            if dep is not None:
                todo.append(dep.index)
    return seen


def _read_saved_image(path: str) -> Image:
    """Stopgap until simulator.imagestore lands: read a `docker save` tarball's config,
    history and layers (layers through the fs helper's Layer.from_tar)."""
    import json
    import tarfile

    from simulator.fs.layer import Layer
    from simulator.image import HistoryRow

    with tarfile.open(path) as tf:
        manifest = json.load(tf.extractfile("manifest.json"))[0]
        cfg = json.load(tf.extractfile(manifest["Config"]))
        layers = []
        diff_ids = (cfg.get("rootfs") or {}).get("diff_ids") or []
        for i, name in enumerate(manifest.get("Layers") or []):
            data = tf.extractfile(name).read()
            layers.append(Layer.from_tar(data, diff_id=diff_ids[i] if i < len(diff_ids) else None))
    history = tuple(HistoryRow.from_json(h) for h in cfg.get("history") or ())
    return Image(config=ImageConfig.from_json(cfg.get("config")), history=history, layers=tuple(layers),
                 os=cfg.get("os") or "linux", architecture=cfg.get("architecture") or "amd64",
                 variant=cfg.get("variant") or "", known=True, shell_flavour="ash")


def dependency_order(stages, target_index: int, base_names: dict[int, str]) -> list[int]:
    """Reachable stages, each after the stages it reads from (BuildKit resolves
    `COPY --from=<name>` against every stage, later ones included). Raises BuildError on
    a cycle, with BuildKit's message."""
    cyclic = circular_dependency(stages)
    if cyclic is not None:
        raise BuildError(f"circular dependency detected on stage: {cyclic.name or f'stage-{cyclic.index}'}")
    order: list[int] = []
    state: dict[int, int] = {}  # 1 visiting, 2 done

    def deps(i: int) -> list[int]:
        out = []
        base = find_stage(stages, base_names[i], before=i)
        if base is not None:
            out.append(base.index)
        for src in stage_sources(stages[i]):
            try:
                dep = find_stage(stages, src)
            except BuildError:
                dep = None
            if dep is not None:
                out.append(dep.index)
        return out

    def visit(i: int) -> None:
        if state.get(i) == 2:
            return
        if state.get(i) == 1:
            return  # a cycle; circular_dependency() reports it first
        state[i] = 1
        for d in deps(i):
            visit(d)
        state[i] = 2
        order.append(i)

    visit(target_index)
    return order


def circular_dependency(stages):
    """hasCircularDependency (convert.go): over every stage in order, following COPY
    --from / RUN --mount=from edges (not FROM), the first stage whose walk meets a cycle."""
    def deps(st):
        out = []
        for src in stage_sources(st):
            try:
                dep = find_stage(stages, src)
            except BuildError:
                dep = None
            if dep is not None:
                out.append(dep)
        return out

    visited: set[int] = set()
    path: set[int] = set()

    def visit(st) -> bool:
        if st.index in visited:
            return False
        visited.add(st.index)
        path.add(st.index)
        for d in deps(st):
            if d.index in path or visit(d):
                return True
        path.discard(st.index)
        return False

    for st in stages:
        if visit(st):
            return st
    return None
