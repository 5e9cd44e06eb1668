"""Filesystem effects of RUN, COPY/ADD and WORKDIR, through the fs and shell helpers.

Everything here degrades to an *unknown* layer (size None, reason given) when the
effect cannot be modelled: an unmodelled program, a missing helper module, a base image
whose content is unknown. Nothing is invented.
"""

from __future__ import annotations

from simulator.errors import BuildError, RunFailed, StepError  # noqa: F401


def _layer_cls():
    from simulator.fs.layer import Layer

    return Layer


def _commit(fs, builder: str | None = None):
    """The working FS's changes as a layer; an unknown layer when they cannot be known.
    `builder` sizes the layer as the engine sizes that builder's layers."""
    from simulator.fs.protocol import UnknownContent

    try:
        return fs.commit(builder) if builder else fs.commit()
    except UnknownContent as e:
        return unknown_layer(e.reason or str(e))


def unknown_layer(reason: str):
    return _layer_cls()(entries={}, unknown_reason=reason)


SQUASH_AFTER = 24  # layers read through before a cached flattened view is made


class ReadViews:
    """Read-only merged views of a stage's layers, flattened now and then.

    A lookup walks every layer, so reading through N layers after N RUN/WORKDIR/COPY
    steps would make a build quadratic. The layers an image records never change; only
    the view RUN/COPY/WORKDIR read from is flattened (every SQUASH_AFTER layers, and
    only over layers whose content is fully known). Keyed by the (immutable) Chain node.
    """

    def __init__(self) -> None:
        self._cache: dict[int, tuple] = {}  # id(chain node) -> (node, tuple of read layers)

    def stack(self, chain):
        from simulator.fs.layer import LayerStack

        pending = []
        node = chain
        base: tuple = ()
        while node is not None and node.size:
            hit = self._cache.get(id(node))
            if hit is not None and hit[0] is node:
                base = hit[1]
                break
            pending.append(node.item)
            node = node.prev
        pending.reverse()
        layers = base + tuple(pending)
        if len(pending) >= SQUASH_AFTER and all(getattr(x, "unknown_reason", None) is None for x in layers):
            layers = (_flatten(layers),)
            self._cache[id(chain)] = (chain, layers)
        return LayerStack(layers)


def _flatten(layers):
    import attrs as _attrs

    from simulator.fs.entry import DIR
    from simulator.fs.layer import Layer, LayerStack

    entries = {}
    for path, e in LayerStack(tuple(layers)).walk("/"):
        if e.kind == DIR and getattr(e, "opaque", False):
            e = _attrs.evolve(e, opaque=False)
        entries[path] = e
    return Layer(entries=entries)


def _stack(st, views: "ReadViews | None" = None):
    from simulator.fs.layer import LayerStack

    if views is not None:
        return views.stack(st.layers)
    return LayerStack(tuple(st.layers.to_tuple()))


def _without(layer, paths, created=()):
    """The layer minus its changes at or below any of `paths` (volume mounts), except the
    mountpoint directories the daemon created for them (`created`), as it created them."""
    from simulator.fs.entry import directory

    def hidden(p: str) -> bool:
        return any(p == v or p.startswith(v.rstrip("/") + "/") for v in paths)

    kept = {p: e for p, e in layer.entries.items() if not hidden(p)}
    for v in created:
        kept[v] = directory(0o755)
    if kept == dict(layer.entries):
        return layer
    return type(layer)(entries=kept, unknown_reason=layer.unknown_reason, unknown_paths=layer.unknown_paths)


def _make_mountpoints(fs, paths) -> list[str]:
    """The classic builder starts a RUN container with the image's VOLUMEs mounted; a
    missing mountpoint is created in the container's rootfs (MkdirAll 0755, root), so it
    lands in the RUN's layer. Returns the volume paths created."""
    created = []
    for v in paths:
        try:
            if fs.stat(v, follow=False) is not None:
                continue
            parts = [p for p in v.split("/") if p]
            cur = ""
            for part in parts:
                cur += "/" + part
                if fs.stat(cur, follow=False) is None:
                    fs.mkdir(cur, 0o755, uid=0, gid=0)
            created.append(v)
        except Exception:  # unknown content or a file in the way: leave it to the RUN
            continue
    return created


FinalError = StepError  # the name used by the builder


def _resolve_ids(fs, user: str | None):
    if not user:
        return (0, 0)
    try:
        from simulator.shell.users_resolve import resolve_user

        ids = resolve_user(fs, user)
    except Exception:
        return None
    if isinstance(ids, str):
        return None
    return ids[0], ids[1]


class FsOps:
    """The filesystem side of a build (one per build)."""

    def __init__(self, context=None, resolve_source=None, host_names=None):
        from simulator.fs.legacyhash import ROOT_ONLY

        self.context = context
        self.host_names = host_names or ROOT_ONLY  # the daemon host's user database (classic digests)
        self.resolve_source = resolve_source  # (from value, builder) -> source for COPY --from
        self.views = ReadViews()

    def _fs(self, st):
        from simulator.fs.working import WorkingFS

        return WorkingFS(_stack(st, self.views))

    # -- WORKDIR ------------------------------------------------------------------------
    def mkdir_layer(self, st, path: str, owner: str | None, builder: str = "buildkit"):
        """WORKDIR's directory (fs helper's apply_workdir); the change as a layer, or an
        empty layer (legacy: no layer) when nothing was created."""
        if not st.known:
            return unknown_layer(st.unknown_reason or "base image content unknown")
        from simulator.fs.copy import CopyError, apply_workdir

        fs = self._fs(st)
        try:
            ids = _resolve_ids(fs, owner) if owner else (0, 0)
            if ids is None:
                return unknown_layer(f"WORKDIR: cannot resolve user {owner!r}")
            apply_workdir(fs, path, uid=ids[0], gid=ids[1], builder=builder)
        except CopyError as e:
            raise FinalError(str(e)) from None
        except Exception as e:  # unknown content below
            return unknown_layer(f"WORKDIR {path}: {type(e).__name__}: {e}")
        return _commit(fs)

    # -- RUN ------------------------------------------------------------------------------
    def run_layer(self, st, argv, env, ins, discard=(), builder: str = "buildkit", binds=()):
        """Execute a RUN through the shell helper; (layer, empty). Raises RunFailed.

        `discard`: paths whose changes do not reach the layer (the classic builder runs
        RUN with the image's VOLUMEs mounted, and a commit leaves volumes out). BuildKit's
        RUN process gets no supplementary groups; the classic builder's container does.
        `binds`: (from, source, target) bind mounts of another stage or image: the command
        sees that tree at target; nothing below target reaches the layer, and a target
        that did not exist stays as the empty mountpoint directory BuildKit made."""
        if not st.known:
            return unknown_layer(st.unknown_reason or "base image content unknown"), False
        try:
            from simulator.shell import execute
        except ImportError:
            return unknown_layer("RUN: shell model not available"), False
        fs = self._fs(st)
        created = _make_mountpoints(fs, discard) if discard else []
        if binds:
            mounted = self._bind(fs, binds, st.config.working_dir or "/", builder)
            if isinstance(mounted, str):
                return unknown_layer(mounted), False
            created += mounted[0]
            discard = tuple(discard) + tuple(mounted[1])
        try:
            res = execute(list(argv), env=list(env), fs=fs, user=st.config.user or None,
                          workdir=st.config.working_dir or "/", flavour=st.shell_flavour,
                          supplementary_groups=(builder == "legacy"),
                          runtime="container" if builder == "legacy" else "buildkit")
        except Exception as e:
            return unknown_layer(f"RUN {' '.join(argv)}: not modelled ({type(e).__name__}: {e})"), False
        if getattr(res, "opaque", None) or (res.exit_code is None and not res.start_error):
            reason = f"unmodelled command {res.opaque!r}" if res.opaque else "RUN outcome unknown"
            try:
                fs.mark_unknown(reason)
            except Exception:
                pass
            layer = _commit(fs)
            if getattr(layer, "unknown_reason", None) is None:
                layer = unknown_layer(reason)
            return layer, False
        if res.start_error:
            raise RunFailed(argv, res.exit_code if res.exit_code is not None else 1, res.start_error)
        if res.exit_code:
            raise RunFailed(argv, res.exit_code)
        from simulator.fs.runmounts import apply_run_mounts

        apply_run_mounts(fs, builder)  # what the RUN container's setup leaves in the layer
        layer = _commit(fs, builder)
        if discard:
            layer = _without(layer, discard, created)
        return layer, bool(getattr(layer, "empty", False))

    def _bind(self, fs, binds, workdir: str, builder: str):
        """Lay each bound tree at its target; (mountpoints created, targets), or a reason."""
        from simulator.fs.copy import apply_copy

        created, targets = [], []
        for from_value, source_path, target in binds:
            source = self.resolve_source(from_value) if self.resolve_source else None
            if source is None or getattr(source, "known", True) is False:
                return f"RUN --mount from={from_value}: source unknown"
            target = target if target.startswith("/") else workdir.rstrip("/") + "/" + target
            created += _make_mountpoints(fs, [target])
            try:
                apply_copy(fs, source, [source_path], target, workdir="/", builder=builder,
                           from_stage=True, cmd="COPY")
            except Exception as e:  # noqa: BLE001 - what the mount would show is unknown
                return f"RUN --mount from={from_value}: {type(e).__name__}: {e}"
            targets.append(target)
        return created, targets

    # -- COPY / ADD -----------------------------------------------------------------------
    def copy_layer(self, st, ins, srcs, dest, chown, chmod, ctx, heredocs=None):
        """(layer, the classic builder's history comment such as `COPY file:<sha> in /dest `,
        a note for the trace or None)."""
        if not st.known:
            return unknown_layer(st.unknown_reason or "base image content unknown"), None, None
        from simulator.fs.copy import CopyError, apply_copy

        from_value = getattr(ins, "from_", "")
        if from_value:
            source = self.resolve_source(from_value) if self.resolve_source else None
            if source is None:
                return unknown_layer(f"COPY --from={from_value}: source unknown"), None, None
            if getattr(source, "known", True) is False:
                return unknown_layer(f"COPY --from={from_value}: {source.unknown_reason}"), None, None
        else:
            source = self.context
            if source is None:
                return unknown_layer("no build context"), None, None
        fs = self._fs(st)
        try:
            res = apply_copy(fs, source, list(srcs), dest, workdir=st.config.working_dir or "/",
                             chown=chown or None, chmod=chmod or None, is_add=ins.keyword == "ADD",
                             link=ins.link, parents=getattr(ins, "parents", False), excludes=ins.excludes,
                             builder=ctx.builder, features=ctx.features, from_stage=bool(from_value),
                             heredocs=heredocs, cmd=ins.keyword, host_names=self.host_names)
        except CopyError as e:
            from simulator.fs.protocol import UnknownContent

            if isinstance(e.__cause__, UnknownContent):  # not a failure: the outcome is unknown
                return unknown_layer(f"{ins.keyword}: {e.__cause__}"), None, None
            raise FinalError(str(e)) from None
        except Exception as e:
            return unknown_layer(f"{ins.keyword}: {type(e).__name__}: {e}"), None, None
        layer = _commit(fs)
        if res.unknown_reason and getattr(layer, "unknown_reason", None) is None:
            layer = unknown_layer(res.unknown_reason)
        return layer, res.legacy_history, ("; ".join(res.warnings) or None)
