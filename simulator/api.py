"""The in-process API behind the command line: build and run, as contract-shaped dicts.

The oracle's comparison report and the tests call these; `simulate` prints them.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Mapping, Sequence


@lru_cache(maxsize=1)
def local_base_images() -> dict[str, str]:
    """The project's own base images (dsim/...), as tarballs written on this machine from
    its static busybox; {} where that binary is missing. Refs given with --base-image win."""
    try:
        from simulator.oracle.baseimage import base_image_paths

        return base_image_paths()
    except Exception:  # noqa: BLE001 - no busybox-static here: those refs stay unknown
        return {}


def build_options(context_dir=None, dockerfile=None, build_args=None, build_env=None, target=None,
                  builder="buildkit", engine=None, platform=None, base_images=None, images=None,
                  dockerfile_text=None, host_passwd=None, host_group=None, host_names=None):
    from simulator.build.options import BuildOptions

    if builder not in ("buildkit", "legacy"):
        raise ValueError(f"unknown builder {builder!r} (buildkit or legacy)")
    env = dict(os.environ) if build_env is None else dict(build_env)
    if host_names is None and (host_passwd or host_group):
        from simulator.fs.legacyhash import HostNames

        host_names = HostNames.from_files(host_passwd, host_group)
    return BuildOptions(context=context_dir, dockerfile=dockerfile, dockerfile_text=dockerfile_text,
                        build_args=dict(build_args or {}), build_env=env, target=target,
                        builder=builder, engine=engine, platform=platform,
                        base_images={**local_base_images(), **dict(base_images or {})},
                        images=dict(images or {}), host_names=host_names)


def build(context_dir=None, **kwargs):
    """Simulate `docker build`; returns simulator.build.options.BuildResult."""
    from simulator.build import build as _build

    return _build(build_options(context_dir, **kwargs))


def _layer_files(image) -> list | None:
    try:
        from simulator.fs.tario import layer_rows
    except ImportError:
        return None
    out = []
    for layer in image.layers:
        if getattr(layer, "unknown_reason", None):
            out.append(None)
        else:
            out.append(layer_rows(layer))
    return out


def build_json(context_dir=None, *, with_layer_files: bool = False, **kwargs) -> dict[str, Any]:
    """The contract's build JSON plus "ok" and "error" (and "layer_files" on request)."""
    result = build(context_dir, **kwargs)
    out = result.to_json()
    if with_layer_files and result.image is not None:
        out["layer_files"] = _layer_files(result.image)
    return out


def run_options(args: Sequence[str] | None = None, entrypoint: str | None = None,
                env: Sequence[str] | None = None, user: str | None = None, workdir: str | None = None):
    from simulator.run import RunOptions

    return RunOptions(args=list(args) if args is not None else None, entrypoint=entrypoint,
                      env=list(env or []), user=user, workdir=workdir)


def run(context_dir=None, *, args=None, entrypoint=None, env=None, user=None, workdir=None,
        **build_kwargs):
    """Simulate `docker build` then `docker run`: (BuildResult, RunResult or None)."""
    from simulator.run import run_image

    result = build(context_dir, **build_kwargs)
    if not result.ok:
        return result, None
    return result, run_image(result.image, run_options(args, entrypoint, env, user, workdir))


def run_json(context_dir=None, *, args=None, entrypoint=None, env=None, user=None, workdir=None,
             **build_kwargs) -> dict[str, Any]:
    result, ran = run(context_dir, args=args, entrypoint=entrypoint, env=env, user=user,
                      workdir=workdir, **build_kwargs)
    if ran is None:
        return {"ok": False, "error": result.error, "build": result.to_json(),
                "argv": None, "env": None, "user": None, "workdir": None,
                "stdout": None, "exit_code": None}
    out = ran.to_json()
    out.setdefault("ok", True)
    out.setdefault("error", None)
    return out


def parse_kv_list(items: Sequence[str] | None) -> Mapping[str, str | None]:
    out: dict[str, str | None] = {}
    for item in items or ():
        k, sep, v = item.partition("=")
        out[k] = v if sep else None
    return out
