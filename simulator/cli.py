"""The command line: `simulate parse|build|run|verify|ls` (../shared/cli-contract.md).

Exit status: 0 success; 1 the build (or run) fails as a real one would, with the error
on stderr; 2 a usage error. No input ever ends in a Python traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from typing import Sequence

from simulator.errors import SimulatorError
from simulator.parser import DockerfileSyntaxError, parse

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own exit 2, with our one-line style
        self.print_usage(sys.stderr)
        print(f"simulate: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


# ---- parse -------------------------------------------------------------------------------

def _read_source(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as fh:
        return fh.read()


def parse_file(data: bytes, filename: str):
    """Parse, then check each instruction as BuildKit's instruction layer does.

    Returns the ParseResult; raises DockerfileSyntaxError or SimulatorError."""
    result = parse(data, filename)
    from simulator.instructions import parse_dockerfile

    parse_dockerfile(result, filename=filename)
    return result


def _error_line(exc: Exception, filename: str) -> str:
    if isinstance(exc, (DockerfileSyntaxError, SimulatorError)):
        if not getattr(exc, "file", None):
            exc.file = filename
        return str(exc)
    return f"{filename}: {exc}"


def _nodes_text(result) -> str:
    out = []
    for n in result.nodes:
        span = f"{n.start_line}" if n.start_line == n.end_line else f"{n.start_line}-{n.end_line}"
        cmd = n.cmd if n.sub_cmd is None else f"{n.cmd} {n.sub_cmd}"
        form = " (exec form)" if n.json else ""
        out.append(f"{span:>7}  {cmd}{form}")
        if n.flags:
            out.append("         flags: " + " ".join(n.flags))
        if n.value:
            out.append("         value: " + json.dumps(list(n.value), ensure_ascii=False))
        for h in n.heredocs:
            out.append(f"         heredoc {h.name} (fd {h.file_descriptor}, {'expands' if h.expand else 'literal'}):")
            for line in h.content.splitlines():
                out.append("           | " + line)
    return "\n".join(out)


def cmd_parse(ns) -> int:
    files = ns.files or ["Dockerfile"]
    fmt = ns.format
    status = EXIT_OK
    if fmt == "jsonl":
        for name in files:
            label = "-" if name == "-" else name
            try:
                data = _read_source(name)
            except OSError as e:
                print(json.dumps({"file": label, "error": f"cannot read: {e.strerror or e}"}))
                status = EXIT_FAIL
                continue
            try:
                result = parse_file(data, label)
                rec = {"file": label, "instructions": [n.to_json() for n in result.nodes]}
                if ns.directives:
                    rec["directives"] = _directives_json(result)
            except (DockerfileSyntaxError, SimulatorError) as e:
                rec = {"file": label, "error": _error_line(e, label)}
            print(json.dumps(rec))
        return status
    outputs = []
    for name in files:
        label = "-" if name == "-" else name
        try:
            data = _read_source(name)
        except OSError as e:
            print(f"simulate: cannot read {label}: {e.strerror or e}", file=sys.stderr)
            return EXIT_FAIL
        try:
            result = parse_file(data, label)
        except (DockerfileSyntaxError, SimulatorError) as e:
            print(_error_line(e, label), file=sys.stderr)
            return EXIT_FAIL
        outputs.append((label, result))
    if fmt == "json":
        def one(result):
            nodes = [n.to_json() for n in result.nodes]
            if ns.directives:
                return {"directives": _directives_json(result), "instructions": nodes}
            return nodes
        if len(outputs) == 1:
            print(json.dumps(one(outputs[0][1]), indent=2))
        else:
            print(json.dumps([{"file": f, "instructions": one(r)} for f, r in outputs], indent=2))
    else:
        for label, result in outputs:
            if len(outputs) > 1:
                print(f"== {label}")
            if ns.directives:
                print(f"directives: escape={result.directives.escape!r} syntax={result.directives.syntax} "
                      f"check={result.directives.check}")
            print(_nodes_text(result))
            for w in result.warnings:
                print(f"warning: line {w.line}: {w.message}", file=sys.stderr)
    return status


def _directives_json(result) -> dict:
    d = result.directives
    return {"escape": d.escape, "syntax": d.syntax, "check": d.check}


# ---- build / run -----------------------------------------------------------------------

def _add_build_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("context", nargs="?", default=".", help="build context directory (default .)")
    p.add_argument("-f", "--file", dest="dockerfile", help="the Dockerfile (default CONTEXT/Dockerfile)")
    p.add_argument("--build-arg", action="append", default=[], metavar="K[=V]")
    p.add_argument("--target")
    p.add_argument("--builder", choices=("buildkit", "legacy"), default="buildkit")
    p.add_argument("--engine", help="Docker Engine release to model, e.g. 20.10 or 28.0")
    p.add_argument("--platform")
    p.add_argument("--base-image", action="append", default=[], metavar="REF=PATH")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--host-passwd", metavar="FILE",
                   help="the daemon host's /etc/passwd: the classic builder's digest of a file "
                        "copied from a stage or image names its owner from it (default: only root)")
    p.add_argument("--host-group", metavar="FILE", help="the daemon host's /etc/group (likewise)")


def _build_kwargs(ns) -> dict:
    from simulator.api import parse_kv_list

    if not os.path.isdir(ns.context):
        raise UsageError(f"unable to prepare context: path {ns.context!r} not found")
    base = {}
    for item in ns.base_image:
        ref, sep, path = item.partition("=")
        if not sep or not ref or not path:
            raise UsageError(f"--base-image wants REF=PATH, got {item!r}")
        base[ref] = path
    dockerfile = ns.dockerfile
    if dockerfile is not None and dockerfile != "-" and not os.path.isabs(dockerfile) \
            and not os.path.exists(os.path.join(ns.context, dockerfile)) and os.path.exists(dockerfile):
        dockerfile = os.path.abspath(dockerfile)
    kwargs = dict(dockerfile=dockerfile, build_args=parse_kv_list(ns.build_arg), target=ns.target,
                  builder=ns.builder, engine=ns.engine, platform=ns.platform, base_images=base)
    hp, hg = getattr(ns, "host_passwd", None), getattr(ns, "host_group", None)
    for flag, path in (("--host-passwd", hp), ("--host-group", hg)):
        if path is not None and not os.path.isfile(path):
            raise UsageError(f"{flag}: {path}: no such file")
    kwargs.update(host_passwd=hp, host_group=hg)
    if dockerfile == "-":
        kwargs["dockerfile"] = None
        kwargs["dockerfile_text"] = sys.stdin.buffer.read()
    return kwargs


def _render_build_text(data: dict, show_layers: bool) -> str:
    out = []
    stage = None
    for step in data.get("trace") or []:
        if step.get("stage") != stage:
            stage = step.get("stage")
            out.append(f"stage {stage}")
        changed = ", ".join(step.get("changed") or []) or "nothing"
        line = f"  {step.get('line') or '-':>4}  {step.get('instruction')}"
        out.append(line)
        out.append(f"        -> {changed}" + (f"  ({step['note']})" if step.get("note") else ""))
    for w in data.get("warnings") or []:
        out.append(f"warning: {w}")
    if not data.get("ok"):
        out.append(f"build fails: {data.get('error')}")
        return "\n".join(out)
    out.append("")
    out.append("image config:")
    for k, v in (data.get("config") or {}).items():
        if v not in (None, [], {}, ""):
            out.append(f"  {k}: {json.dumps(v, ensure_ascii=False)}")
    out.append(f"layers: {data.get('layers')}   size: "
               + (f"{data['size']} bytes" if data.get("size") is not None else "unknown"
                  + (f" ({data.get('unknown_reason')})" if data.get("unknown_reason") else "")))
    out.append("history:")
    for h in data.get("history") or []:
        mark = "   " if h.get("empty_layer") else "[L]"
        out.append(f"  {mark} {h.get('created_by')}")
    if show_layers and data.get("layer_details"):
        out.append("layers:")
        for i, layer in enumerate(data["layer_details"]):
            size = layer.get("size")
            out.append(f"  #{i} {layer.get('created_by') or ''}  size={size if size is not None else 'unknown'}")
            for change in layer.get("changes") or []:
                out.append(f"      {change}")
    return "\n".join(out)


def cmd_build(ns) -> int:
    from simulator import api

    kwargs = _build_kwargs(ns)
    result = api.build(ns.context, **kwargs)
    data = result.to_json()
    if ns.layers and result.image is not None:
        data["layer_details"] = _layer_details(result.image)
    if ns.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(_render_build_text(data, ns.layers))
    if not result.ok:
        if ns.format == "json":
            print(result.error, file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


def _layer_details(image) -> list[dict]:
    try:
        from simulator.fs.report import describe_layers
    except ImportError:
        describe_layers = None
    if describe_layers is not None:
        return describe_layers(image)
    rows = []
    nonempty = [h for h in image.history if not h.empty_layer]
    for i, layer in enumerate(image.layers):
        rows.append({"index": i, "created_by": nonempty[i].created_by if i < len(nonempty) else None,
                     "size": getattr(layer, "size", None),
                     "unknown_reason": getattr(layer, "unknown_reason", None)})
    return rows


def _run_args(ns) -> list[str] | None:
    args = list(ns.run_args or [])
    if ns.args is not None:
        try:
            args = shlex.split(ns.args) + args
        except ValueError as e:
            raise UsageError(f"--args: {e}") from None
    return args if (args or ns.args is not None) else None


def cmd_run(ns) -> int:
    from simulator import api

    kwargs = _build_kwargs(ns)
    result, ran = api.run(ns.context, args=_run_args(ns), entrypoint=ns.entrypoint, env=ns.env,
                          user=ns.user, workdir=ns.workdir, **kwargs)
    if ran is None:
        if ns.format == "json":
            print(json.dumps({"ok": False, "error": result.error}, indent=2))
        print(result.error, file=sys.stderr)
        return EXIT_FAIL
    data = ran.to_json()
    if ns.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print("argv:    " + json.dumps(data.get("argv"), ensure_ascii=False))
        print("user:    " + str(data.get("user")))
        print("workdir: " + str(data.get("workdir")))
        print("env:")
        for e in data.get("env") or []:
            print("  " + e)
        for note in data.get("notes") or []:
            print("note:    " + note)
        if data.get("stdout") is None:
            print("stdout:  unknown (not a program the simulator models)")
        else:
            print("stdout:")
            sys.stdout.write(data["stdout"])
        print(f"exit code: {data.get('exit_code') if data.get('exit_code') is not None else 'unknown'}")
    if data.get("error"):
        print(data["error"], file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


def cmd_ls(ns) -> int:
    from simulator import api

    kwargs = _build_kwargs(ns)
    result = api.build(ns.context, **kwargs)
    if not result.ok:
        print(result.error, file=sys.stderr)
        return EXIT_FAIL
    from simulator.imagestore import list_path

    listing = list_path(result.image, ns.path)
    if ns.format == "json":
        print(json.dumps(listing, indent=2, ensure_ascii=False))
    else:
        for row in listing if isinstance(listing, list) else [listing]:
            if isinstance(row, dict):
                print(" ".join(str(row.get(k, "")) for k in ("mode", "uid", "gid", "size", "path")))
            else:
                print(row)
    return EXIT_OK


# ---- main ---------------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="simulate", description="Simulate docker build and docker run, without an engine.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    pp = sub.add_parser("parse", help="parse Dockerfiles as BuildKit's parser does")
    pp.add_argument("files", nargs="*", metavar="FILE", help="Dockerfiles (default ./Dockerfile; - for stdin)")
    pp.add_argument("--format", choices=("text", "json", "jsonl"), default="text")
    pp.add_argument("--directives", action="store_true", help="also list the parser directives")

    pb = sub.add_parser("build", help="simulate docker build")
    _add_build_options(pb)
    pb.add_argument("--layers", action="store_true", help="list each layer and what it changes")

    pr = sub.add_parser("run", help="simulate docker build, then docker run")
    _add_build_options(pr)
    pr.add_argument("--entrypoint")
    pr.add_argument("-e", "--env", action="append", default=[], metavar="K=V")
    pr.add_argument("-u", "--user")
    pr.add_argument("-w", "--workdir")
    pr.add_argument("--args", help="run arguments, split as a shell splits them")
    pr.add_argument("run_args", nargs="*", metavar="ARG", help="run arguments (after --)")

    pl = sub.add_parser("ls", help="list a path in the simulated image")
    pl.add_argument("context")
    pl.add_argument("path")
    pl.add_argument("-f", "--file", dest="dockerfile")
    pl.add_argument("--build-arg", action="append", default=[])
    pl.add_argument("--target")
    pl.add_argument("--builder", choices=("buildkit", "legacy"), default="buildkit")
    pl.add_argument("--engine")
    pl.add_argument("--platform")
    pl.add_argument("--base-image", action="append", default=[])
    pl.add_argument("--format", choices=("text", "json"), default="text")

    sub.add_parser("verify", help="build for real on a Docker engine and compare", add_help=False)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "verify":
        try:
            from simulator.oracle.verify import main as verify_main

            return verify_main(argv[1:])
        except KeyboardInterrupt:
            return 130
    run_args = None
    if argv and argv[0] == "run" and "--" in argv:  # `simulate run [OPTIONS] -- ARG...`
        cut = argv.index("--")
        argv, run_args = argv[:cut], argv[cut + 1:]
    ns = _parser().parse_args(argv)
    if run_args is not None:
        ns.run_args = list(ns.run_args or []) + run_args
    handlers = {"parse": cmd_parse, "build": cmd_build, "run": cmd_run, "ls": cmd_ls}
    try:
        return handlers[ns.command](ns)
    except UsageError as e:
        print(f"simulate: {e}", file=sys.stderr)
        return EXIT_USAGE
    except (DockerfileSyntaxError, SimulatorError) as e:
        print(str(e), file=sys.stderr)
        return EXIT_FAIL
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 - the promise is: never a traceback
        print(f"simulate: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        return EXIT_FAIL


if __name__ == "__main__":
    raise SystemExit(main())
