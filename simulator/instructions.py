"""Typed instructions: parser nodes -> one frozen class per Dockerfile instruction.

The validation follows BuildKit's frontend/dockerfile/instructions (parse.go, bflag.go,
commands_run*.go) in two generations: the frontend vendored in Docker Engine 20.10
(BuildKit v0.8, Dockerfile frontend 1.2: "Unknown flag: x", "dockerfile parse error
line N") and the current one ("unknown flag: --x (did you mean ...?)", "dockerfile parse
error on line N"). Which flags exist depends on the frontend version (the Dockerfile
reference's "since" tables, frontend/dockerfile/docs/reference.md); `Frontend` below
names the version being modelled.

Errors are `InstructionError` (a `BuildError`) carrying the inner message (the text
BuildKit's instruction parser returns) and the instruction's line; `wrapped` says whether
BuildKit wraps it in its "dockerfile parse error" prefix (errors from ParseInstruction
are wrapped, a command before the first FROM is not).
"""

from __future__ import annotations

import re
from typing import Iterable

import attrs

from simulator.build.gostr import DurationError, format_duration, parse_duration, parse_int32, quote
from simulator.errors import BuildError, InstructionError  # noqa: F401 (re-exported)
from simulator.image import Healthcheck

# --------------------------------------------------------------------------- versions

#: Dockerfile frontend versions as (major, minor).
FRONTEND_20_10 = (1, 2)  # BuildKit v0.8 vendored in moby v20.10.24 (vendor.conf)
FRONTEND_NEWEST = (1, 26)  # dockerfile/1.26.0, the newest tag in moby/buildkit

#: since which frontend each instruction flag is accepted (reference.md option tables;
#: a flag missing from the 20.10 engine is verified there: "Unknown flag: link" etc.)
FLAG_SINCE: dict[tuple[str, str], tuple[int, int]] = {
    ("ADD", "chown"): (1, 0), ("ADD", "chmod"): (1, 2), ("ADD", "link"): (1, 4),
    ("ADD", "keep-git-dir"): (1, 5), ("ADD", "checksum"): (1, 6), ("ADD", "unpack"): (1, 17),
    ("ADD", "exclude"): (1, 19),
    ("COPY", "chown"): (1, 0), ("COPY", "from"): (1, 0), ("COPY", "chmod"): (1, 2),
    ("COPY", "link"): (1, 4), ("COPY", "exclude"): (1, 19), ("COPY", "parents"): (1, 20),
    ("RUN", "mount"): (1, 2), ("RUN", "network"): (1, 3), ("RUN", "security"): (1, 20),
    ("FROM", "platform"): (1, 0),
    ("HEALTHCHECK", "interval"): (1, 0), ("HEALTHCHECK", "timeout"): (1, 0),
    ("HEALTHCHECK", "start-period"): (1, 0), ("HEALTHCHECK", "retries"): (1, 0),
    ("HEALTHCHECK", "start-interval"): (1, 6),
}

_BOOL, _STRING, _STRINGS = "bool", "string", "strings"
FLAG_KIND = {
    "chown": _STRING, "chmod": _STRING, "link": _BOOL, "keep-git-dir": _BOOL, "checksum": _STRING,
    "unpack": _BOOL, "exclude": _STRINGS, "from": _STRING, "parents": _BOOL, "mount": _STRINGS,
    "network": _STRING, "security": _STRING, "platform": _STRING, "interval": _STRING,
    "timeout": _STRING, "start-period": _STRING, "retries": _STRING, "start-interval": _STRING,
}

INSTRUCTION_NAMES = ("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
                     "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
                     "WORKDIR")


def _new_messages(frontend) -> bool:
    """The bflag/suggest rewrite (BuildKit v0.10+, frontend >= 1.4) changed flag messages."""
    return tuple(frontend) >= (1, 4)


# ----------------------------------------------------------------------------- errors


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def suggest(value: str, options: Iterable[str], case_sensitive: bool) -> str | None:
    """BuildKit's util/suggest.Search: the closest option at distance < 3, else None."""
    val = value if case_sensitive else value.lower()
    best, mindist = None, 3
    for opt in sorted(options):
        o = opt if case_sensitive else opt.lower()
        if o == val:
            return None
        d = _levenshtein(val, o)
        if d < mindist:
            if case_sensitive:
                best = o
            elif value == value.lower():
                best = o.lower()
            elif value == value.upper():
                best = o.upper()
            else:
                best = o
            mindist = d
    return best


def _with_suggestion(msg: str, value: str, options, case_sensitive: bool, frontend) -> str:
    if not _new_messages(frontend):
        return msg
    s = suggest(value, options, case_sensitive)
    return f"{msg} (did you mean {s}?)" if s else msg


# ------------------------------------------------------------------------------ flags


def parse_flags(cmd: str, raw_flags: Iterable[str], allowed: Iterable[str], frontend) -> dict:
    """BFlags.Parse: {name: value} (bools as True/False, repeatable flags as tuples)."""
    new = _new_messages(frontend)
    allowed = [f for f in allowed if tuple(frontend) >= FLAG_SINCE.get((cmd, f), (1, 0))]
    out: dict = {}
    for a in raw_flags:
        if a == "--":
            break
        if not a.startswith("--"):
            raise InstructionError(f"arg should start with -- : {a}" if new else f"Arg should start with -- : {a}")
        name, eq, value = a[2:].partition("=")
        shown = "--" + name if new else name
        if name not in allowed:
            msg = f"unknown flag: {shown}" if new else f"Unknown flag: {shown}"
            raise InstructionError(_with_suggestion(msg, name, allowed, True, frontend))
        kind = FLAG_KIND[name]
        if name in out and kind != _STRINGS:
            raise InstructionError(f"duplicate flag specified: {shown}" if new else f"Duplicate flag specified: {shown}")
        if kind == _BOOL:
            if eq and value == "":
                raise InstructionError(f"missing a value on flag: {shown}" if new else f"Missing a value on flag: {shown}")
            low = value.lower()
            if low in ("", "true"):
                out[name] = True
            elif low == "false":
                out[name] = False
            else:
                raise InstructionError(
                    f"expecting boolean value for flag {shown}, not: {value}" if new
                    else f"Expecting boolean value for flag {shown}, not: {value}")
        else:
            if not eq:
                raise InstructionError(f"missing a value on flag: {shown}" if new else f"Missing a value on flag: {shown}")
            if kind == _STRINGS:
                out[name] = out.get(name, ()) + (value,)
            else:
                out[name] = value
    return out


# ------------------------------------------------------------------------- the classes


@attrs.frozen
class Instruction:
    """What every instruction has: its keyword as written, source text and lines."""

    keyword: str  # upper case
    original: str
    line: int
    end_line: int


@attrs.frozen
class From(Instruction):
    base_name: str = ""
    stage_name: str = ""  # lowercased; "" when unnamed
    platform: str = ""
    as_word: str = ""  # the "AS" word as written


@attrs.frozen
class Run(Instruction):
    cmd_line: tuple[str, ...] = ()
    prepend_shell: bool = True
    heredocs: tuple = ()  # parser Heredoc objects
    mounts: tuple[str, ...] = ()  # raw --mount values
    network: str = "default"
    security: str = "sandbox"
    flags_used: tuple[str, ...] = ()


@attrs.frozen
class Cmd(Instruction):
    cmd_line: tuple[str, ...] = ()
    prepend_shell: bool = True


@attrs.frozen
class Entrypoint(Instruction):
    cmd_line: tuple[str, ...] | None = None  # None: `ENTRYPOINT []` (emptyAsNil)
    prepend_shell: bool = True


@attrs.frozen
class KeyValue:
    key: str
    value: str


@attrs.frozen
class Env(Instruction):
    pairs: tuple[KeyValue, ...] = ()


@attrs.frozen
class Label(Instruction):
    pairs: tuple[KeyValue, ...] = ()


@attrs.frozen
class Maintainer(Instruction):
    maintainer: str = ""


@attrs.frozen
class Expose(Instruction):
    ports: tuple[str, ...] = ()  # sorted as parseExpose sorts them


@attrs.frozen
class SourceContent:
    path: str
    data: str
    expand: bool


@attrs.frozen
class Copy(Instruction):
    sources: tuple[str, ...] = ()
    dest: str = ""
    contents: tuple[SourceContent, ...] = ()  # heredoc sources
    from_: str = ""
    chown: str = ""
    chmod: str = ""
    link: bool = False
    parents: bool = False
    excludes: tuple[str, ...] = ()
    json: bool = False


@attrs.frozen
class Add(Instruction):
    sources: tuple[str, ...] = ()
    dest: str = ""
    contents: tuple[SourceContent, ...] = ()
    chown: str = ""
    chmod: str = ""
    link: bool = False
    keep_git_dir: bool | None = None
    checksum: str = ""
    unpack: bool | None = None
    excludes: tuple[str, ...] = ()
    json: bool = False


@attrs.frozen
class Volume(Instruction):
    volumes: tuple[str, ...] = ()


@attrs.frozen
class User(Instruction):
    user: str = ""


@attrs.frozen
class Workdir(Instruction):
    path: str = ""


@attrs.frozen
class ArgDef:
    key: str
    value: str | None  # None: declared without a default


@attrs.frozen
class Arg(Instruction):
    args: tuple[ArgDef, ...] = ()


@attrs.frozen
class Onbuild(Instruction):
    expression: str = ""  # the trigger as stored in Config.OnBuild
    trigger: str = ""  # the wrapped instruction's keyword


@attrs.frozen
class StopSignal(Instruction):
    signal: str = ""


@attrs.frozen
class HealthcheckInstr(Instruction):
    health: Healthcheck = attrs.field(factory=lambda: Healthcheck(("NONE",)))


@attrs.frozen
class Shell(Instruction):
    shell: tuple[str, ...] = ()


@attrs.frozen
class Stage:
    """A FROM and the instructions after it, up to the next FROM."""

    index: int
    from_: From
    commands: tuple[Instruction, ...] = ()

    @property
    def name(self) -> str:
        return self.from_.stage_name

    @property
    def base_name(self) -> str:
        return self.from_.base_name


@attrs.frozen
class Dockerfile:
    meta_args: tuple[Arg, ...]
    stages: tuple[Stage, ...]
    escape: str = "\\"


# ----------------------------------------------------------------------------- parsing

_VALID_STAGE = re.compile(r"^[a-z][a-z0-9\-_.]*$")
_HEREDOC_WORD = re.compile(r"^(\d*)<<(-?)\s*([^<]*)$")


def _heredoc_word(word: str):
    """parser.MustParseHeredoc: (name, chomp, expand) if `word` is a heredoc marker."""
    m = _HEREDOC_WORD.match(word)
    if not m:
        return None
    name = m.group(3)
    expand = True
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "'\"":
        name = name[1:-1]
        expand = False
    elif any(q in name for q in "'\""):
        expand = False
        name = name.replace("'", "").replace('"', "")
    if not name:
        return None
    return name, m.group(2) == "-", expand


def _chomp(content: str) -> str:
    return "\n".join(line.lstrip("\t") for line in content.split("\n"))


def _handle_json_args(args, json: bool) -> tuple[str, ...]:
    if not args:
        return ()
    if json:
        return tuple(args)
    return (" ".join(args),)


def _kvps(args, cmd) -> tuple[KeyValue, ...]:
    if not args:
        raise InstructionError(f"{cmd} requires at least one argument")
    if len(args) % 2:
        raise InstructionError(f"Bad input to {cmd}, too many arguments")
    out = []
    for k, v in zip(args[0::2], args[1::2]):
        if not k:
            raise InstructionError(f"{cmd} names can not be blank")
        out.append(KeyValue(k, v))
    return tuple(out)


def _sources_and_dest(cmd, args, heredocs):
    srcs, dest = args[:-1], args[-1]
    if _heredoc_word(dest):
        raise InstructionError(f"{cmd} cannot accept a heredoc as a destination")
    by_name = {h.name: h for h in heredocs}
    paths, contents = [], []
    for s in srcs:
        hd = _heredoc_word(s)
        if hd and heredocs:
            name, chomp, expand = hd
            h = by_name.get(name)
            data = h.content if h else ""
            if chomp or (h is not None and getattr(h, "chomp", False)):
                data = _chomp(data)
            exp = expand if h is None else (expand and getattr(h, "expand", True))
            contents.append(SourceContent(name, data, exp))
        else:
            paths.append(s)
    return tuple(paths), dest, tuple(contents)


def _opt_interval(name: str, value: str, frontend) -> int:
    if value == "":
        return 0
    try:
        d = parse_duration(value)
    except DurationError as e:
        raise InstructionError(str(e)) from None
    if tuple(frontend) >= (1, 6) and d == 0:  # 0 became allowed with --start-interval (v0.12)
        return 0
    if d < 1_000_000:
        raise InstructionError(f"Interval {quote(name)} cannot be less than {format_duration(1_000_000)}")
    return d


_MOUNT_TYPES = ("bind", "cache", "tmpfs", "secret", "ssh")


def _check_mount(value: str, frontend) -> None:
    """The parse-time checks of a --mount value (runMountPostHook, no expander yet)."""
    for field in value.split(","):
        key, eq, val = field.partition("=")
        key = key.lower()
        if not eq:
            continue
        if key == "from" and "$" in val[:-1]:
            raise InstructionError(f"'{key}' doesn't support variable expansion, define alias stage instead")
    # type is checked with expansion at dispatch; unexpanded values are checked here when literal
    for field in value.split(","):
        key, eq, val = field.partition("=")
        if key.lower() == "type" and eq and "$" not in val and val.lower() not in _MOUNT_TYPES:
            raise InstructionError(_with_suggestion(f"unsupported mount type {quote(val)}", val,
                                                    _MOUNT_TYPES, True, frontend))


def parse_instruction(node, frontend=FRONTEND_NEWEST) -> Instruction:
    """One parser node -> its typed instruction (ParseInstruction)."""
    try:
        return _parse(node, frontend)
    except InstructionError as e:
        if e.line is None:
            e.line = node.start_line
        raise


def _parse(node, frontend) -> Instruction:
    cmd = node.cmd.upper()
    args = list(node.value)
    base = dict(keyword=cmd, original=node.original, line=node.start_line, end_line=node.end_line)
    flags = node.flags

    def fl(*names):
        return parse_flags(cmd, flags, names, frontend)

    if cmd == "ENV":
        fl()
        return Env(**base, pairs=_kvps(args, "ENV"))
    if cmd == "MAINTAINER":
        if len(args) != 1:
            raise InstructionError("MAINTAINER requires exactly one argument")
        fl()
        return Maintainer(**base, maintainer=args[0])
    if cmd == "LABEL":
        fl()
        return Label(**base, pairs=_kvps(args, "LABEL"))
    if cmd in ("ADD", "COPY"):
        if len(args) < 2:
            raise InstructionError(
                f"{cmd} requires at least two arguments, but only one was provided. Destination could not be determined")
        if cmd == "ADD":
            f = fl("chown", "chmod", "link", "keep-git-dir", "checksum", "unpack", "exclude")
        else:
            f = fl("chown", "from", "chmod", "link", "exclude", "parents")
        srcs, dest, contents = _sources_and_dest(cmd, args, node.heredocs)
        common = dict(sources=srcs, dest=dest, contents=contents, chown=f.get("chown", ""),
                      chmod=f.get("chmod", ""), link=f.get("link", False), excludes=f.get("exclude", ()),
                      json=node.json)
        if cmd == "ADD":
            return Add(**base, **common, keep_git_dir=f.get("keep-git-dir"), checksum=f.get("checksum", ""),
                       unpack=f.get("unpack"))
        return Copy(**base, **common, from_=f.get("from", ""), parents=f.get("parents", False))
    if cmd == "FROM":
        if len(args) == 3 and args[1].lower() == "as":
            name = args[2].lower()
            if not _VALID_STAGE.match(name):
                raise InstructionError(
                    f"invalid name for build stage: {quote(args[2])}, name can't start with a number or contain symbols")
        elif len(args) != 1:
            raise InstructionError("FROM requires either one or three arguments")
        else:
            name = ""
        f = fl("platform")
        return From(**base, base_name=args[0], stage_name=name, platform=f.get("platform", ""),
                    as_word=args[1] if len(args) == 3 else "")
    if cmd == "ONBUILD":
        trigger = (node.sub_cmd or (args[0] if args else "")).upper().strip()
        if not trigger and not args:
            raise InstructionError("ONBUILD requires at least one argument")
        fl()
        if trigger == "ONBUILD":
            raise InstructionError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
        if trigger in ("MAINTAINER", "FROM"):
            raise InstructionError(f"{trigger} isn't allowed as an ONBUILD trigger")
        expression = re.sub(r"(?i)^\s*ONBUILD\s*", "", node.original, count=1)
        heredocs = node.heredocs or (node.child.heredocs if node.child is not None else ())
        if heredocs:
            # parseOnBuild appends each heredoc body and terminator (BuildKit >= v0.9);
            # the parser's `original` may already hold them (it includes continuation lines).
            first_line = expression.split("\n", 1)[0]
            parts = [first_line]
            for h in heredocs:
                parts.append(h.content + h.name)
            expression = "\n".join(p.rstrip("\n") if i else p for i, p in enumerate(parts))
        return Onbuild(**base, expression=expression, trigger=trigger)
    if cmd == "WORKDIR":
        if len(args) != 1:
            raise InstructionError("WORKDIR requires exactly one argument")
        fl()
        return Workdir(**base, path=args[0])
    if cmd == "RUN":
        names = ["mount", "network"]
        if tuple(frontend) >= FLAG_SINCE[("RUN", "security")]:
            names.append("security")
        f = fl(*names)
        for m in f.get("mount", ()):
            _check_mount(m, frontend)
        network = f.get("network", "default")
        if network not in ("default", "none", "host"):
            raise InstructionError(f"invalid network mode {quote(network)}")
        security = f.get("security", "sandbox")
        if security not in ("sandbox", "insecure"):
            raise InstructionError(f"security {quote(security)} is not valid")
        return Run(**base, cmd_line=_handle_json_args(args, node.json), prepend_shell=not node.json,
                   heredocs=tuple(node.heredocs), mounts=f.get("mount", ()), network=network, security=security,
                   flags_used=tuple(n for n in names if n in f))
    if cmd == "CMD":
        fl()
        return Cmd(**base, cmd_line=_handle_json_args(args, node.json), prepend_shell=not node.json)
    if cmd == "ENTRYPOINT":
        fl()
        line = _handle_json_args(args, node.json)
        return Entrypoint(**base, cmd_line=line or None, prepend_shell=not node.json)
    if cmd == "HEALTHCHECK":
        return HealthcheckInstr(**base, health=_healthcheck(args, node, frontend, cmd))
    if cmd == "EXPOSE":
        if not args:
            raise InstructionError("EXPOSE requires at least one argument")
        fl()
        return Expose(**base, ports=tuple(sorted(args)))
    if cmd == "USER":
        if len(args) != 1:
            raise InstructionError("USER requires exactly one argument")
        fl()
        return User(**base, user=args[0])
    if cmd == "VOLUME":
        if not args:
            raise InstructionError("VOLUME requires at least one argument")
        fl()
        vols = []
        for v in args:
            v = v.strip()
            if not v:
                raise InstructionError("VOLUME specified can not be an empty string")
            vols.append(v)
        return Volume(**base, volumes=tuple(vols))
    if cmd == "STOPSIGNAL":
        if len(args) != 1:
            raise InstructionError("STOPSIGNAL requires exactly one argument")
        return StopSignal(**base, signal=args[0])
    if cmd == "ARG":
        if not args:
            raise InstructionError("ARG requires at least one argument")
        defs = []
        for a in args:
            if "=" in a:
                k, _, v = a.partition("=")
                if not k:
                    raise InstructionError("ARG names can not be blank")
                defs.append(ArgDef(k, v))
            else:
                defs.append(ArgDef(a, None))
        return Arg(**base, args=tuple(defs))
    if cmd == "SHELL":
        fl()
        shell = _handle_json_args(args, node.json)
        if not shell:
            raise InstructionError("SHELL requires at least one argument")
        if not node.json:
            raise InstructionError("SHELL requires the arguments to be in JSON form")
        return Shell(**base, shell=shell)
    written = node.original.split(None, 1)[0] if node.original.strip() else cmd
    if _new_messages(frontend):
        msg = _with_suggestion(f"unknown instruction: {written}", written, INSTRUCTION_NAMES, False, frontend)
    else:
        msg = f"unknown instruction: {written.upper()}"
    raise InstructionError(msg)


def _healthcheck(args, node, frontend, cmd) -> Healthcheck:
    if not args:
        raise InstructionError("HEALTHCHECK requires at least one argument")
    typ = args[0].upper()
    rest = args[1:]
    if typ == "NONE":
        if rest:
            raise InstructionError("HEALTHCHECK NONE takes no arguments")
        return Healthcheck(("NONE",))
    f = parse_flags(cmd, node.flags, ("interval", "timeout", "start-period", "start-interval", "retries"), frontend)
    if typ != "CMD":
        raise InstructionError(f"Unknown type {quote(typ)} in HEALTHCHECK (try CMD)")
    line = _handle_json_args(rest, node.json)
    if not line:
        raise InstructionError("Missing command after HEALTHCHECK CMD")
    test = ("CMD" if node.json else "CMD-SHELL",) + line
    interval = _opt_interval("interval", f.get("interval", ""), frontend)
    timeout = _opt_interval("timeout", f.get("timeout", ""), frontend)
    start_period = _opt_interval("start-period", f.get("start-period", ""), frontend)
    start_interval = _opt_interval("start-interval", f.get("start-interval", ""), frontend)
    retries = 0
    if f.get("retries", "") != "":
        try:
            retries = parse_int32(f["retries"])
        except ValueError as e:
            raise InstructionError(str(e)) from None
        if tuple(frontend) >= (1, 6):
            if retries < 0:
                raise InstructionError(f"--retries cannot be negative ({retries})")
        elif retries < 1:
            raise InstructionError(f"--retries must be at least 1 (not {retries})")
    return Healthcheck(test, interval, timeout, start_period, start_interval, retries)


def parse_dockerfile(result, frontend=FRONTEND_NEWEST, filename: str = "Dockerfile") -> Dockerfile:
    """Parse a ParseResult into global ARGs and stages (instructions.Parse)."""
    meta: list[Arg] = []
    stages: list[list] = []
    for node in result.nodes:
        try:
            ins = parse_instruction(node, frontend)
        except InstructionError as e:
            e.file = filename
            raise
        if not stages and isinstance(ins, Arg):
            meta.append(ins)
            continue
        if isinstance(ins, From):
            stages.append([ins, []])
            continue
        if not stages:
            raise InstructionError("no build stage in current context", node.start_line, filename, wrapped=False)
        stages[-1][1].append(ins)
    escape = getattr(getattr(result, "directives", None), "escape", "\\") or "\\"
    return Dockerfile(tuple(meta), tuple(Stage(i, f, tuple(c)) for i, (f, c) in enumerate(stages)), escape)
