"""A tiny Dockerfile runner over the fs package alone (tests only): FROM <base>, COPY,
ADD, WORKDIR, USER. It lets the fs tests compare layers with real builds without
depending on the full build interpreter."""

from __future__ import annotations

import shlex

from simulator.context import BuildContext
from simulator.fs import Layer, LayerStack, WorkingFS
from simulator.fs.copy import CopyError, apply_copy, apply_workdir, check_sources
from simulator.fs.ownership import resolve_chown


def parse_line(line: str):
    words = shlex.split(line, posix=False)
    cmd, args = words[0].upper(), words[1:]
    flags = {}
    while args and args[0].startswith("--"):
        k, _, v = args.pop(0)[2:].partition("=")
        flags[k] = v
    return cmd, flags, args


def cache_key_errors(dockerfile: str, context: BuildContext) -> list[str]:
    """BuildKit's source errors of every COPY/ADD (found before any step runs)."""
    errors = []
    for raw in dockerfile.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cmd, flags, args = parse_line(line)
        if cmd in ("COPY", "ADD"):
            errors += check_sources(context, args[:-1], is_add=cmd == "ADD")
    return errors


def run(dockerfile: str, context: BuildContext, base_layers: list[Layer], builder: str):
    """(layers created by the instructions, legacy history strings, error or None)."""
    if builder == "buildkit":
        errors = cache_key_errors(dockerfile, context)
        if errors:
            return [], [], errors[0]
    stack = LayerStack(tuple(base_layers))
    workdir, user = "/", ""
    layers: list[Layer] = []
    hist: list[str] = []
    for raw in dockerfile.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cmd, flags, args = parse_line(line)
        if cmd == "FROM":
            continue
        if cmd == "USER":
            user = args[0]
            continue
        fs = WorkingFS(stack)
        try:
            if cmd in ("COPY", "ADD"):
                r = apply_copy(fs, context, args[:-1], args[-1], workdir=workdir, chown=flags.get("chown"),
                               chmod=flags.get("chmod"), is_add=cmd == "ADD", builder=builder)
                hist.append(r.legacy_history)
                made = True
            elif cmd == "WORKDIR":
                p = args[0]
                workdir = p if p.startswith("/") else workdir.rstrip("/") + "/" + p
                uid, gid = resolve_chown(fs, user, "buildkit") if user else (0, 0)
                made = apply_workdir(fs, workdir, uid=uid, gid=gid, builder=builder)
            else:
                raise ValueError(f"minibuild: unsupported {cmd}")
        except CopyError as e:
            return layers, hist, str(e)
        if made:
            layer = fs.commit(builder)
            if builder == "legacy" and layer.empty:
                continue  # the classic builder keeps no layer for an empty diff
            layers.append(layer)
            stack = stack.push(layer)
    return layers, hist, None


def rowset(rows: list[dict]) -> set[tuple]:
    return {(r["path"], r["type"], r["mode"], r["uid"], r["gid"], r["size"], r["sha256"], r["linkname"])
            for r in rows}
