"""`simulate verify [CONTEXT] [BUILD OPTIONS] [RUN OPTIONS] [-- ARG...]`

Builds the context for real (safety flags: `--network none`; runs `--rm --network none
--pull never`), simulates the same build (and run, when run options or arguments are
given), and prints every differing field.  Exit 0: no field differs; 1: some differ;
2: no engine, a usage error, or a build that would need the network.
Fields the simulator reports as unknown are printed but do not count as differing.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from simulator.oracle.engine import BUILDERS, Engine, NoEngine, RunSpec, UnsafeBuild


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="simulate verify", description=__doc__.split("\n\n")[1])
    ap.add_argument("context", nargs="?", default=".")
    ap.add_argument("-f", "--file", dest="dockerfile")
    ap.add_argument("--build-arg", action="append", default=[], metavar="K[=V]")
    ap.add_argument("--target")
    ap.add_argument("--builder", choices=(*BUILDERS, "both"), default="buildkit")
    ap.add_argument("--base-image", action="append", default=[], metavar="REF=PATH",
                    help="extra base image tarball for the simulator (must also be loaded)")
    ap.add_argument("--platform")
    ap.add_argument("--host-passwd", metavar="FILE",
                    help="the daemon host's /etc/passwd (default: this machine's when the engine runs here)")
    ap.add_argument("--host-group", metavar="FILE", help="the daemon host's /etc/group (likewise)")
    ap.add_argument("--entrypoint")
    ap.add_argument("-e", "--env", action="append", default=[], metavar="K=V")
    ap.add_argument("-u", "--user")
    ap.add_argument("-w", "--workdir")
    ap.add_argument("--args", dest="args_string", metavar="STRING")
    ap.add_argument("--run", action="store_true", help="also run the image with no arguments")
    return ap


def main(argv: list[str]) -> int:
    argv = list(argv)
    trailing: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, trailing = argv[:i], argv[i + 1:]
    try:
        opts = _parser().parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    from simulator.oracle import baseimage
    from simulator.oracle.compare import CATEGORIES, compare_build, compare_runs, simulate
    from simulator.oracle.record import base_layer_ids, engine_host_names, record_context

    context = Path(opts.context)
    if not context.is_dir():
        print(f"verify: context {opts.context!r} is not a directory", file=sys.stderr)
        return 2
    build_args: dict = {}
    build_env: dict = {}
    for item in opts.build_arg:
        name, eq, value = item.partition("=")
        if eq:
            build_args[name] = value
        else:
            build_args[name] = None
            if name in os.environ:
                build_env[name] = os.environ[name]
    args = list(trailing)
    if opts.args_string is not None:
        args = shlex.split(opts.args_string) + args
    runs = []
    if args or opts.run or opts.entrypoint is not None or opts.env or opts.user or opts.workdir:
        runs = [RunSpec(tuple(args), opts.entrypoint, tuple(opts.env), opts.user, opts.workdir)]
    base_images = {}
    for item in opts.base_image:
        ref, eq, path = item.partition("=")
        if not eq:
            print(f"verify: --base-image needs REF=PATH, got {item!r}", file=sys.stderr)
            return 2
        base_images[ref] = path
    try:
        engine = Engine.detect()
    except NoEngine as exc:
        print(f"verify: {exc}; a real engine is needed", file=sys.stderr)
        return 2
    try:
        paths = baseimage.write_all()
        baseimage.load_all(paths)
    except baseimage.BaseImageError as exc:
        print(f"verify: {exc}", file=sys.stderr)
        return 2
    base_images = {**{r: str(p) for r, p in paths.items()}, **base_images}
    kwargs = {"dockerfile": opts.dockerfile, "build_args": build_args or None,
              "build_env": build_env or None, "target": opts.target}
    if opts.platform is not None:  # built only where it reads as linux/amd64 (or is rejected)
        kwargs["platform"] = opts.platform
    if opts.dockerfile:  # like docker's -f: relative to the current directory
        kwargs["dockerfile"] = os.path.relpath(os.path.abspath(opts.dockerfile), context.resolve())
    for flag, path in (("--host-passwd", opts.host_passwd), ("--host-group", opts.host_group)):
        if path is not None and not os.path.isfile(path):
            print(f"verify: {flag}: {path}: no such file", file=sys.stderr)
            return 2
    if opts.host_passwd or opts.host_group:
        from simulator.fs.legacyhash import HostNames

        names = HostNames.from_files(opts.host_passwd, opts.host_group)
    else:
        names = engine_host_names(engine)
    builders = BUILDERS if opts.builder == "both" else (opts.builder,)
    differing = 0
    for builder in builders:
        try:
            real = record_context(engine, context.resolve(), f"oracle-verify-{os.getpid()}:{builder}",
                                  builder, kwargs, runs, base_layer_ids())
        except UnsafeBuild as exc:
            print(f"verify: not built: {exc}", file=sys.stderr)
            return 2
        try:
            build, results = simulate(context.resolve(), builder, engine.key, kwargs, runs, base_images,
                                      host_names=names)
        except ImportError as exc:
            print(f"verify: the simulator API is not importable: {exc}", file=sys.stderr)
            return 2
        mism = (compare_build(real["build"], build, CATEGORIES, str(context), builder)
                + compare_runs(real["runs"], results, CATEGORIES, str(context), builder))
        real_outcome = "built" if real["build"]["ok"] else f"failed: {real['build']['error']}"
        print(f"[{builder}] engine {engine.version}: {real_outcome}")
        for m in mism:
            print(str(m))
        hard = [m for m in mism if not m.pending]
        differing += len(hard)
        if not mism:
            print(f"[{builder}] every field matches")
        else:
            print(f"[{builder}] {len(hard)} field(s) differ, {len(mism) - len(hard)} unknown to the simulator")
    return 1 if differing else 0
