"""Filesystem effects of RUN, COPY/ADD and WORKDIR, through the fs and shell helpers.

Everything here degrades to an *unknown* layer (size None, reason given) when the
effect cannot be modelled: an unmodelled program, a missing helper module, a base image
whose content is unknown. Nothing is invented.
"""

from __future__ import annotations

from simulator.errors import BuildError


def _layer_cls():
    from simulator.fs.layer import Layer

    return Layer


def unknown_layer(reason: str):
    return _layer_cls()(entries={}, unknown_reason=reason)


def _stack(st):
    from simulator.fs.layer import LayerStack

    return LayerStack(tuple(st.layers.to_tuple()))


class RunFailed(BuildError):
    """A RUN exited non-zero."""

    def __init__(self, argv, code: int):
        super().__init__(f"exit code: {code}")
        self.argv = tuple(argv)
        self.code = code


def _user_ids(fs, user: str | None) -> tuple[int, int] | None:
    """uid:gid for a USER value, via /etc/passwd and /etc/group (None: cannot tell)."""
    if not user:
        return 0, 0
    name, _, group = user.partition(":")
    try:
        passwd = fs.read("/etc/passwd").decode(errors="replace").splitlines()
    except Exception:
        passwd = []
    uid = gid = None
    if name.isdigit():
        uid = int(name)
        gid = uid
        for line in passwd:
            f = line.split(":")
            if len(f) > 3 and f[2] == name:
                gid = int(f[3]) if f[3].isdigit() else gid
    else:
        for line in passwd:
            f = line.split(":")
            if len(f) > 3 and f[0] == name:
                uid, gid = int(f[2]), int(f[3])
        if uid is None:
            return None
    if group:
        if group.isdigit():
            gid = int(group)
        else:
            try:
                groups = fs.read("/etc/group").decode(errors="replace").splitlines()
            except Exception:
                return None
            found = [ln.split(":")[2] for ln in groups if ln.split(":")[0] == group and len(ln.split(":")) > 2]
            if not found:
                return None
            gid = int(found[0])
    return uid, gid


class FsOps:
    """The filesystem side of a build (one per build)."""

    def __init__(self, context=None):
        self.context = context

    # -- WORKDIR ------------------------------------------------------------------------
    def mkdir_layer(self, st, path: str, owner: str | None):
        """`mkdir -p path` as root (legacy) or as `owner` (BuildKit); the change as a layer."""
        if not st.known:
            return unknown_layer(st.unknown_reason or "base image content unknown")
        try:
            from simulator.fs.working import WorkingFS
        except ImportError:
            return unknown_layer("filesystem model not available")
        fs = WorkingFS(_stack(st))
        try:
            ids = _user_ids(fs, owner) if owner else (0, 0)
            if ids is None:
                return unknown_layer(f"cannot resolve user {owner!r}")
            parts = [p for p in path.split("/") if p]
            cur = ""
            for p in parts:
                cur += "/" + p
                s = fs.stat(cur)
                if s is None:
                    fs.mkdir(cur, 0o755, uid=ids[0], gid=ids[1])
            return fs.commit()
        except Exception as e:  # unknown content below, a file in the way, ...
            return unknown_layer(f"WORKDIR {path}: {e}")

    # -- RUN ------------------------------------------------------------------------------
    def run_layer(self, st, argv, env, ins):
        """Execute a RUN; (layer, empty). Raises RunFailed on a non-zero exit."""
        if not st.known:
            return unknown_layer(st.unknown_reason or "base image content unknown"), False
        try:
            from simulator.fs.working import WorkingFS
            from simulator.shell import execute
        except ImportError:
            return unknown_layer("RUN: shell model not available"), False
        fs = WorkingFS(_stack(st))
        try:
            res = execute(list(argv), env=list(env), fs=fs, user=st.config.user or None,
                          workdir=st.config.working_dir or "/", flavour=st.shell_flavour)
        except Exception as e:
            return unknown_layer(f"RUN {' '.join(argv)}: not modelled ({type(e).__name__}: {e})"), False
        opaque = getattr(res, "opaque", None)
        if opaque:
            try:
                fs.mark_unknown(f"unmodelled command {opaque!r}")
            except Exception:
                pass
            layer = fs.commit()
            if getattr(layer, "unknown_reason", None) is None:
                layer = unknown_layer(f"unmodelled command {opaque!r}")
            return layer, False
        if getattr(res, "exit_code", 0):
            raise RunFailed(argv, res.exit_code)
        layer = fs.commit()
        return layer, bool(getattr(layer, "empty", False))

    # -- COPY / ADD -----------------------------------------------------------------------
    def copy_layer(self, st, ins, srcs, dest, chown, chmod, ctx):
        """(layer, legacy source description such as `file:<sha>`)."""
        if not st.known:
            return unknown_layer(st.unknown_reason or "base image content unknown"), None
        try:
            from simulator.fs import copy as fscopy  # the fs helper's COPY/ADD
        except ImportError:
            return unknown_layer("COPY/ADD: filesystem copy model not available"), None
        fn = getattr(fscopy, "copy_instruction", None)
        if fn is None:
            return unknown_layer("COPY/ADD: filesystem copy model not available"), None
        try:
            res = fn(stage_layers=st.layers.to_tuple(), instruction=ins, sources=srcs, dest=dest,
                     chown=chown, chmod=chmod, workdir=st.config.working_dir or "/",
                     context=self.context, from_stage=None, builder=ctx.builder)
        except BuildError:
            raise
        except Exception as e:
            return unknown_layer(f"COPY/ADD: {type(e).__name__}: {e}"), None
        return getattr(res, "layer", res), getattr(res, "legacy_source", None)
