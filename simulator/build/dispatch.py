"""One function per instruction: (stage state, instruction, build context) -> stage state.

The two builders share these functions; where their rules differ the function asks
`ctx.legacy`. Sources: BuildKit dockerfile2llb/convert.go (`dispatch*`; the 20.10 engine
vendors BuildKit v0.8) and moby builder/dockerfile/dispatchers.go (classic builder).
"""

from __future__ import annotations

import posixpath
from typing import Any, Callable

import attrs

from simulator import instructions as I
from simulator.build import history as H
from simulator.build.state import ArgValue, StageState, config_env_set, env_list_set
from simulator.errors import BuildError
from simulator.image import Healthcheck

PROXY_ARGS = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
              "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy")
#: the classic builder's builtinAllowedBuildArgs (moby v20.10 buildargs.go): no ALL_PROXY
LEGACY_BUILTIN_ARGS = PROXY_ARGS[:8]


@attrs.frozen
class Ctx:
    """What a stage's instructions can see besides their own state (immutable per build)."""

    builder: str  # "buildkit" | "legacy"
    features: Any  # simulator.versions.FeatureSet
    lexer: Any  # simulator.expand.Lexer
    build_args: dict  # --build-arg values (resolved)
    meta: dict  # global ARG values: {key: value or None}
    context: Any = None  # BuildContext or None
    stage_images: dict = attrs.field(factory=dict)  # finished stages by name/index -> StageState
    resolve_image: Callable | None = None  # ref -> Image (COPY --from=<image>)

    @property
    def legacy(self) -> bool:
        return self.builder == "legacy"

    @property
    def frontend(self) -> tuple[int, int]:
        return tuple(self.features.frontend)


class Outcome:
    """What an instruction changed, for the trace."""

    def __init__(self) -> None:
        self.changed: list[str] = []
        self.note: str | None = None

    def add(self, *what: str) -> None:
        for w in what:
            if w not in self.changed:
                self.changed.append(w)


# ------------------------------------------------------------------------ the environments


def legacy_arg_value(st: StageState, ctx: Ctx, key: str) -> tuple[str, bool]:
    """BuildArgs.getBuildArg over the stage's allowed args (moby buildargs.go)."""
    declared = None
    exists = False
    for a in st.args:
        if a.key == key:
            declared, exists = a.value, True
    if key in ctx.build_args:
        return ctx.build_args[key], True
    if declared is None:
        if ctx.meta.get(key) is not None:
            return ctx.meta[key], True
        return "", False
    return declared, exists


def legacy_allowed_env(st: StageState, ctx: Ctx) -> list[str]:
    """FilterAllowed(runConfig.Env): allowed build args (and built-in proxies given as
    build args) whose key the config Env does not have."""
    cfg = st.config.env_dict()
    keys = [a.key for a in st.args] + [k for k in LEGACY_BUILTIN_ARGS]
    out = []
    seen = set()
    for k in keys:
        if k in seen or k in cfg:
            continue
        seen.add(k)
        v, ok = legacy_arg_value(st, ctx, k)
        if ok:
            out.append(f"{k}={v}")
    return out


def expansion_env(st: StageState, ctx: Ctx) -> dict[str, str]:
    """The env build-time expansion sees."""
    if ctx.legacy:
        env = st.config.env_dict()
        for kv in legacy_allowed_env(st, ctx):
            k, _, v = kv.partition("=")
            env[k] = v
        return env
    return dict(st.run_env)


def run_env(st: StageState, ctx: Ctx) -> list[str]:
    """The env a RUN process gets, `K=V` in order."""
    if ctx.legacy:
        return list(st.config.env or ()) + legacy_allowed_env(st, ctx)
    out = [f"{k}={v}" for k, v in st.run_env]
    have = {k for k, _ in st.run_env}
    for k in PROXY_ARGS:  # llb.WithProxy: proxy build args reach RUN without a declaration
        if k in ctx.build_args and k not in have:
            out.append(f"{k}={ctx.build_args[k]}")
    return out


def _word(ctx: Ctx, env: dict, word: str) -> str:
    return ctx.lexer.process_word(word, env)


# ---------------------------------------------------------------------------- instructions


def _meta_history(st: StageState, ctx: Ctx, text: str) -> StageState:
    """History for an instruction that changes only metadata."""
    if ctx.legacy:
        return st.add_history(H.legacy_nop(st.config.shell, text), True)
    return st.add_history(text, True, H.BUILDKIT_COMMENT)


def do_env(st: StageState, ins: I.Env, ctx: Ctx, out: Outcome) -> StageState:
    env = expansion_env(st, ctx)
    pairs = [(_word(ctx, env, p.key), _word(ctx, env, p.value)) for p in ins.pairs]
    cfg_env = st.config.env
    run = st.run_env
    for k, v in pairs:
        cfg_env = config_env_set(cfg_env, k, v)
        run = env_list_set(run, k, v)
    st = st.evolve(config=st.config.evolve(env=cfg_env), run_env=run)
    out.add("env", "config:Env")
    return _meta_history(st, ctx, "ENV " + " ".join(f"{k}={v}" for k, v in pairs))


def do_label(st: StageState, ins: I.Label, ctx: Ctx, out: Outcome) -> StageState:
    env = expansion_env(st, ctx)
    pairs = [(_word(ctx, env, p.key), _word(ctx, env, p.value)) for p in ins.pairs]
    labels = dict(st.config.labels or ())
    for k, v in pairs:
        labels[k] = v
    st = st.with_config(labels=labels)
    out.add("config:Labels")
    return _meta_history(st, ctx, "LABEL " + " ".join(f"{k}={v}" for k, v in pairs))


def do_maintainer(st: StageState, ins: I.Maintainer, ctx: Ctx, out: Outcome) -> StageState:
    out.add("author")
    return _meta_history(st, ctx, "MAINTAINER " + ins.maintainer)


def _with_shell(st: StageState, cmd_line, prepend: bool) -> tuple[str, ...]:
    if not prepend:
        return tuple(cmd_line)
    shell = st.config.shell or H.DEFAULT_SHELL
    return tuple(shell) + (" ".join(cmd_line),)


def do_cmd(st: StageState, ins: I.Cmd, ctx: Ctx, out: Outcome) -> StageState:
    args = _with_shell(st, ins.cmd_line, ins.prepend_shell)
    if ctx.legacy:
        cmd_set = st.cmd_set or bool(ins.cmd_line)  # dispatchCmd: only a non-empty CMD counts
        st = st.evolve(config=st.config.evolve(cmd=args), cmd_set=cmd_set)
    else:
        # BuildKit's image config marshals Cmd with omitempty: `CMD []` reads back as null
        st = st.evolve(config=st.config.evolve(cmd=args or None, args_escaped=True), cmd_set=True)
    out.add("config:Cmd")
    return _meta_history(st, ctx, "CMD " + H.quote_list(args))


def do_entrypoint(st: StageState, ins: I.Entrypoint, ctx: Ctx, out: Outcome) -> StageState:
    args = _with_shell(st, ins.cmd_line, ins.prepend_shell) if ins.cmd_line is not None else None
    cfg = st.config.evolve(entrypoint=args or None)
    if not st.cmd_set:
        cfg = cfg.evolve(cmd=None)
        out.add("config:Cmd")
    st = st.evolve(config=cfg)
    out.add("config:Entrypoint")
    return _meta_history(st, ctx, "ENTRYPOINT " + H.quote_list(args or ()))


def do_healthcheck(st: StageState, ins: I.HealthcheckInstr, ctx: Ctx, out: Outcome) -> StageState:
    hc = ins.health
    if not ctx.legacy and ctx.frontend >= (1, 24):  # %+v since dockerfile/1.24.0 (d67dafeb8)
        text = "HEALTHCHECK " + H.healthcheck_plus_v(hc)
    else:
        text = "HEALTHCHECK " + H.healthcheck_text(hc, with_start_interval=not ctx.legacy and ctx.frontend >= (1, 6))
    if ctx.legacy and st.config.healthcheck is not None:
        # the daemon's commit merges the previous image's healthcheck into zero fields
        old = st.config.healthcheck
        hc = Healthcheck(hc.test or old.test, hc.interval or old.interval, hc.timeout or old.timeout,
                         hc.start_period or old.start_period, hc.start_interval or old.start_interval,
                         hc.retries or old.retries)
    st = st.with_config(healthcheck=hc)
    out.add("config:Healthcheck")
    return _meta_history(st, ctx, text)


def _parse_uint16(text: str) -> int:
    if not text.isdigit() or not text.isascii() or int(text) > 65535:
        raise ValueError(text)
    return int(text)


def _port_range(ports: str) -> tuple[int, int]:
    """nat.ParsePortRange (docker/go-connections)."""
    if ports == "":
        raise ValueError("Empty string specified for ports.")
    if "-" not in ports:
        v = _parse_uint16(ports)
        return v, v
    parts = ports.split("-")
    start, end = _parse_uint16(parts[0]), _parse_uint16(parts[1])
    if end < start:
        raise ValueError(f"Invalid range specified for the Port: {ports}")
    return start, end


def _port_specs(ports: list[str]) -> list[str]:
    """nat.ParsePortSpecs as EXPOSE uses it: the container ports (`80/tcp`, a range
    expanded), with go-connections' messages."""
    keys: list[str] = []
    for raw in ports:
        parts = raw.split(":")
        container = parts[-1]
        host = parts[-2] if len(parts) >= 2 else ""
        pp = container.split("/")
        if not container or not pp[0]:
            proto, container = "", ""
        elif len(pp) == 1:
            proto = "tcp"
        elif not pp[1]:
            proto, container = "tcp", pp[0]
        else:
            proto, container = pp[1], pp[0]
        if container == "":
            raise BuildError(f"No port specified: {raw}<empty>")
        try:
            start, end = _port_range(container)
        except ValueError:
            raise BuildError(f"Invalid containerPort: {container}") from None
        if host:
            try:
                _port_range(host)
            except ValueError:
                raise BuildError(f"Invalid hostPort: {host}") from None
        if proto.lower() not in ("tcp", "udp", "sctp"):
            raise BuildError(f"Invalid proto: {proto}")
        keys.extend(f"{p}/{proto.lower()}" for p in range(start, end + 1))
    return keys


def do_expose(st: StageState, ins: I.Expose, ctx: Ctx, out: Outcome) -> StageState:
    env = expansion_env(st, ctx)
    ports: list[str] = []
    for p in ins.ports:
        ports.extend(ctx.lexer.process_words(p, env))
    keys = _port_specs(ports)
    exposed = set(st.config.exposed_ports or ()) | set(keys)
    st = st.with_config(exposed_ports=sorted(exposed))
    out.add("config:ExposedPorts")
    if ctx.legacy:
        text = "EXPOSE " + " ".join(ports)
    elif ctx.frontend >= (1, 18):  # a []string since dockerfile/1.18.0 (97182d488)
        text = "EXPOSE " + H.plain_list(keys)
    else:
        text = "EXPOSE " + H.go_map_keys(set(keys))
    return _meta_history(st, ctx, text)


def do_user(st: StageState, ins: I.User, ctx: Ctx, out: Outcome) -> StageState:
    user = _word(ctx, expansion_env(st, ctx), ins.user)
    st = st.with_config(user=user)
    out.add("config:User")
    return _meta_history(st, ctx, f"USER {user}")


def do_volume(st: StageState, ins: I.Volume, ctx: Ctx, out: Outcome) -> StageState:
    env = expansion_env(st, ctx)
    vols = [_word(ctx, env, v) for v in ins.volumes]
    for v in vols:
        if v == "":
            raise BuildError("VOLUME specified can not be an empty string")
    st = st.with_config(volumes=sorted(set(st.config.volumes or ()) | set(vols)))
    out.add("config:Volumes")
    return _meta_history(st, ctx, "VOLUME " + H.plain_list(vols))


_SIGNALS = {"ABRT": 6, "ALRM": 14, "BUS": 7, "CHLD": 17, "CLD": 17, "CONT": 18, "FPE": 8, "HUP": 1, "ILL": 4,
            "INT": 2, "IO": 29, "IOT": 6, "KILL": 9, "PIPE": 13, "POLL": 29, "PROF": 27, "PWR": 30, "QUIT": 3,
            "SEGV": 11, "STKFLT": 16, "STOP": 19, "SYS": 31, "TERM": 15, "TRAP": 5, "TSTP": 20, "TTIN": 21,
            "TTOU": 22, "URG": 23, "USR1": 10, "USR2": 12, "VTALRM": 26, "WINCH": 28, "XCPU": 24, "XFSZ": 25,
            "RTMIN": 34, "RTMAX": 64, "UNUSED": 31}


def _check_signal(sig: str) -> None:
    """moby pkg/signal.ParseSignal."""
    try:
        n = int(sig)
        if n == 0:
            raise BuildError(f"Invalid signal: {sig}")
        return
    except ValueError:
        pass
    name = sig.upper()
    name = name[3:] if name.startswith("SIG") else name
    if name in _SIGNALS:
        return
    if name.startswith("RTMIN+") or name.startswith("RTMAX-"):
        try:
            off = int(name[6:])
            if 0 <= off <= 30:
                return
        except ValueError:
            pass
    raise BuildError(f"Invalid signal: {sig}")


def do_stopsignal(st: StageState, ins: I.StopSignal, ctx: Ctx, out: Outcome) -> StageState:
    sig = _word(ctx, expansion_env(st, ctx), ins.signal)
    _check_signal(sig)
    st = st.with_config(stop_signal=sig)
    out.add("config:StopSignal")
    return _meta_history(st, ctx, f"STOPSIGNAL {sig}")


def do_shell(st: StageState, ins: I.Shell, ctx: Ctx, out: Outcome) -> StageState:
    st = st.with_config(shell=ins.shell)
    out.add("config:Shell")
    return _meta_history(st, ctx, "SHELL " + H.plain_list(ins.shell))


def do_onbuild(st: StageState, ins: I.Onbuild, ctx: Ctx, out: Outcome) -> StageState:
    st = st.with_config(on_build=tuple(st.config.on_build or ()) + (ins.expression,))
    out.add("config:OnBuild")
    if ctx.legacy:
        return st.add_history(H.legacy_nop(st.config.shell, "ONBUILD " + ins.expression), True)
    return st  # BuildKit writes no history row for ONBUILD


def do_arg(st: StageState, ins: I.Arg, ctx: Ctx, out: Outcome) -> StageState:
    env = expansion_env(st, ctx)
    commit: list[str] = []
    args = st.args
    run = st.run_env
    new_semantics = ctx.frontend >= (1, 8)
    for a in ins.args:
        key = _word(ctx, env, a.key) if not new_semantics else a.key
        default = a.value
        if ctx.legacy:
            if default is not None:
                default = _word(ctx, env, default)
            commit.append(key if default is None else f"{key}={default}")
            args = tuple(x for x in args if x.key != key) + (ArgValue(key, default),)
            continue
        if new_semantics:
            if key in ctx.build_args:
                value = ctx.build_args[key]
            elif default is not None:
                value = _word(ctx, env, default)
            elif key in ctx.meta and ctx.meta[key] is not None:
                value = ctx.meta[key]
            else:
                value = None
            commit.append(key if value is None else f"{key}={value}")
        else:
            # v0.8: the word was expanded first (Expand), the history shows it as declared
            if default is not None:
                default = _word(ctx, env, default)
            commit.append(key if default is None else f"{key}={default}")
            value = ctx.build_args.get(key, default)
            if value is None and ctx.meta.get(key) is not None:
                value = ctx.meta[key]
        if value is not None and key not in ("BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"):
            run = env_list_set(run, key, value)
        args = args + (ArgValue(key, value),)
    st = st.evolve(args=args, run_env=run)
    out.add("scope")
    return _meta_history(st, ctx, "ARG " + " ".join(commit))


def normalize_workdir(current: str, path: str) -> str:
    if not path.startswith("/"):
        path = posixpath.join("/", current or "/", path)
    out = posixpath.normpath(path)
    return "/" if out in ("//", ".") else out


def do_workdir(st: StageState, ins: I.Workdir, ctx: Ctx, out: Outcome, fsops=None) -> StageState:
    path = _word(ctx, expansion_env(st, ctx), ins.path)
    if ctx.legacy and path == "":
        raise BuildError("cannot normalize nothing")  # moby normalizeWorkdir
    wd = normalize_workdir(st.config.working_dir, path)
    if ctx.legacy:
        # moby normalizeWorkdir: filepath.Join(string(os.PathSeparator), current, requested)
        st = st.with_config(working_dir=wd)
        out.add("config:WorkingDir")
        layer = fsops.mkdir_layer(st, wd, owner=None, builder="legacy") if fsops else None
        if layer is None or not getattr(layer, "empty", False):
            st = st.add_layer(layer).add_history(H.legacy_nop_single(st.config.shell, f"WORKDIR {wd}"), False)
            out.add("layer")
        else:
            st = st.add_history(H.legacy_nop_single(st.config.shell, f"WORKDIR {wd}"), True)
            out.add("no layer")
        return st
    st = st.with_config(working_dir=wd)
    out.add("config:WorkingDir")
    if wd != "/":
        layer = fsops.mkdir_layer(st, wd, owner=st.config.user or None) if fsops else None
        st = st.add_layer(layer).add_history(f"WORKDIR {wd}", False, H.BUILDKIT_COMMENT)
        out.add("layer")
        return st
    out.add("no layer")
    return st.add_history(f"WORKDIR {wd}", True, H.BUILDKIT_COMMENT)


def run_history_args(st: StageState, ctx: Ctx) -> list:
    """The `|N K=V` part of a RUN's history."""
    if ctx.legacy:
        out = []
        allowed = legacy_allowed_env(st, ctx)
        for kv in allowed:
            k = kv.partition("=")[0]
            declared = any(a.key == k for a in st.args)
            if k in LEGACY_BUILTIN_ARGS and not declared:
                continue  # IsReferencedOrNotBuiltin
            out.append(kv)
        # prependEnvOnCmd runs whenever FilterAllowed gave anything, so `|0` is possible
        return out if allowed else None
    env = dict(st.run_env)
    return [(a.key, env.get(a.key, a.value if a.value is not None else "")) for a in st.args]


def _stage_binds(mounts) -> tuple[tuple[str, str, str], ...] | None:
    """(from, source, target) of each `--mount=type=bind,from=...`; None when any mount is
    of another kind (cache, tmpfs, secret, ssh, or a bind of the build context)."""
    out = []
    for raw in mounts:
        fields = dict(part.partition("=")[::2] for part in raw.split(",") if part)
        if fields.get("type", "bind") != "bind" or not fields.get("from"):
            return None
        target = fields.get("target") or fields.get("dst") or fields.get("destination")
        if not target:
            return None
        out.append((fields["from"], fields.get("source") or fields.get("src") or "/", target))
    return tuple(out)


def do_run(st: StageState, ins: I.Run, ctx: Ctx, out: Outcome, fsops=None) -> StageState:
    if ctx.legacy and ins.flags_used:
        raise BuildError(f"the --{ins.flags_used[0]} option requires BuildKit. Refer to "
                         "https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled")
    unknown = None
    binds = _stage_binds(ins.mounts) if ins.mounts else ()
    if binds is None:
        # other mounts (cache, tmpfs, secret, ssh, a bind of the context) change what the
        # command sees and are not modelled: the result is unknown rather than run without
        unknown = f"RUN --mount={ins.mounts[0]}: this kind of mount is not modelled"
    if ins.heredocs:
        if len(ins.cmd_line) != 1 or not ins.prepend_shell:
            raise BuildError(f"parsing produced an invalid run command: {H.plain_list(ins.cmd_line)}")
        argv, heredoc_unknown = _heredoc_argv(st, ins)
        unknown = unknown or heredoc_unknown
    else:
        argv = _with_shell(st, ins.cmd_line, ins.prepend_shell)
    hist_args = run_history_args(st, ctx)
    discard = tuple(normalize_workdir("/", v) for v in st.config.volumes or ()) if ctx.legacy else ()
    if unknown is not None:
        from simulator.build.fsops import unknown_layer

        layer, empty = unknown_layer(unknown), False
    else:
        layer, empty = (fsops.run_layer(st, argv, run_env(st, ctx), ins, discard, builder=ctx.builder,
                                        binds=binds) if fsops else (None, False))
    if ctx.legacy:
        text = H.legacy_run(argv, hist_args)
        if empty:
            out.add("no layer")
            return st.add_history(text, True)
        out.add("layer")
        return st.add_layer(layer).add_history(text, False)
    text = H.buildkit_run(argv, hist_args, dedup=ctx.features.run_history_dedups_args)
    out.add("layer")
    return st.add_layer(layer).add_history(text, False, H.BUILDKIT_COMMENT)


def _heredoc_argv(st: StageState, ins: I.Run) -> tuple[tuple[str, ...], str | None]:
    """A shell-form RUN with heredocs (convert.go dispatchRun): (argv, unknown reason).

    A lone heredoc marker runs its body as the shell's argument, or, when the body starts
    with `#!`, as a 0755 file mounted at /dev/pipes/NAME (not modelled: unknown); anything
    else is the command line with each body and terminator appended, given to the shell."""
    line = ins.cmd_line[0]
    first = ins.heredocs[0]
    data = first.content
    if getattr(first, "chomp", False):
        data = I._chomp(data)
    if I._heredoc_word(line.strip()) is not None:
        if data.startswith("#!"):
            return _with_shell(st, (f"/dev/pipes/{first.name}",), True), \
                f"RUN heredoc script {first.name} (#!) run from a mounted file: not modelled"
        return tuple(st.config.shell or H.DEFAULT_SHELL) + (data,), None
    text = line
    for h in ins.heredocs:
        text += "\n" + h.content + h.name
    return tuple(st.config.shell or H.DEFAULT_SHELL) + (text,), None


def do_copy(st: StageState, ins, ctx: Ctx, out: Outcome, fsops=None) -> StageState:
    is_add = isinstance(ins, I.Add)
    name = "ADD" if is_add else "COPY"
    if ctx.legacy and ins.chmod:
        raise BuildError("the --chmod option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ "
                         "to learn how to build images with BuildKit enabled")
    env = expansion_env(st, ctx)
    srcs = [_word(ctx, env, s) for s in ins.sources]
    dest = _word(ctx, env, ins.dest)
    chown = _word(ctx, env, ins.chown) if ins.chown else ""
    chmod = ins.chmod
    if chmod and ctx.frontend >= (1, 10):
        chmod = _word(ctx, env, chmod)
    heredocs = {}
    for c in ins.contents:
        data = c.data
        if c.expand:
            from simulator.expand import expand_raw

            data = expand_raw(data, env, ctx.features)
        heredocs[c.path] = data.encode()
    layer, source_desc, note = (fsops.copy_layer(st, ins, srcs + [c.path for c in ins.contents], dest, chown,
                                                 chmod, ctx, heredocs) if fsops else (None, None, None))
    out.add("layer")
    if note:
        out.note = note
    if ctx.legacy:
        chown_part = f"--chown={chown} " if chown else ""
        comment = source_desc or f"{name} {chown_part}<unknown source digest> in {dest} "
        text = H.legacy_nop_single(st.config.shell, comment)
        if layer is not None and getattr(layer, "empty", False):
            return st.add_history(text, True)
        return st.add_layer(layer).add_history(text, False)
    words = [name]
    if ctx.frontend >= (1, 7):  # --parents/--chown/--chmod in history since dockerfile/1.7.0 (c7ce41a2f)
        if getattr(ins, "parents", False):
            words.append("--parents")
        if chown:
            words.append(f"--chown={chown}")
        if chmod:
            words.append(f"--chmod={chmod}")
    words += srcs + [f"<<{c.path}" for c in ins.contents] + [dest]
    return st.add_layer(layer).add_history(" ".join(words) + " # buildkit", False, H.BUILDKIT_COMMENT)


HANDLERS: dict[type, Callable] = {
    I.Env: do_env, I.Label: do_label, I.Maintainer: do_maintainer, I.Cmd: do_cmd,
    I.Entrypoint: do_entrypoint, I.HealthcheckInstr: do_healthcheck, I.Expose: do_expose,
    I.User: do_user, I.Volume: do_volume, I.StopSignal: do_stopsignal, I.Shell: do_shell,
    I.Onbuild: do_onbuild, I.Arg: do_arg,
}
FS_HANDLERS: dict[type, Callable] = {I.Workdir: do_workdir, I.Run: do_run, I.Copy: do_copy, I.Add: do_copy}


def dispatch(st: StageState, ins, ctx: Ctx, fsops=None) -> tuple[StageState, Outcome]:
    out = Outcome()
    fn = HANDLERS.get(type(ins))
    if fn is not None:
        return fn(st, ins, ctx, out), out
    fn = FS_HANDLERS[type(ins)]
    return fn(st, ins, ctx, out, fsops), out
