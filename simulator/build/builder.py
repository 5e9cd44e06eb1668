"""The build driver: parse, resolve stages, walk them with each builder's rules.

BuildKit (20.10: BuildKit v0.8 `Dockerfile2LLB`; newer: `toDispatchState`) builds only
the stages reachable from the target; the classic builder (moby builder/dockerfile
`dispatchDockerfileWithCancellation`) builds every stage up to the target, in order.
"""

from __future__ import annotations

import os

from simulator import instructions as I
from simulator.build import history as H
from simulator.build.dispatch import PROXY_ARGS, LEGACY_BUILTIN_ARGS, Ctx, dispatch
from simulator.build.fsops import FinalError, FsOps, RunFailed
from simulator.build.options import BuildOptions, BuildResult, StageSummary, Step
from simulator.build.state import Chain, StageState, env_list_set
from simulator.build.stages import (DEFAULT_PATH, BaseResolver, dependency_order, find_stage, platform_args,
                                    reference_error)
from simulator.errors import BuildError, SimulatorError
from simulator.image import Image


class _Fail(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def _features(opts: BuildOptions, syntax: str | None):
    from simulator import versions

    try:
        eng = versions.engine(opts.engine)
    except versions.UnknownEngine as e:
        raise _Fail(str(e)) from None
    return eng.features_for(opts.builder, syntax)


def _read_dockerfile(opts: BuildOptions) -> tuple[str, str]:
    if opts.dockerfile_text is not None:
        text = opts.dockerfile_text
        return (text.decode("utf-8", "replace") if isinstance(text, bytes) else text), opts.dockerfile or "Dockerfile"
    given = getattr(opts.context, "dockerfile", None)
    if not isinstance(opts.context, str) and isinstance(given, (bytes, str)) and opts.dockerfile is None:
        return (given.decode("utf-8", "replace") if isinstance(given, bytes) else given), \
            getattr(opts.context, "dockerfile_name", "Dockerfile")
    ctxdir = opts.context if isinstance(opts.context, str) else getattr(opts.context, "root", None)
    name = opts.dockerfile or "Dockerfile"
    path = name if os.path.isabs(name) or ctxdir is None else os.path.join(ctxdir, name)
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace"), name
    except OSError as e:
        raise _Fail(f"failed to read dockerfile: open {path}: {e.strerror.lower() if e.strerror else e}") from None


def _context(opts: BuildOptions):
    """The build context: given, or read from the directory (a bad one fails the build
    with the client's message, as `docker build` does before anything is sent)."""
    if opts.context is None or not isinstance(opts.context, str):
        return opts.context
    from simulator.context import BuildContext, ContextError

    try:
        return BuildContext.from_dir(opts.context, dockerfile=opts.dockerfile or "Dockerfile", builder=opts.builder)
    except TypeError:  # an older from_dir without the builder switch
        return BuildContext.from_dir(opts.context, dockerfile=opts.dockerfile or "Dockerfile")
    except ContextError as e:
        raise _Fail(str(e)) from None


def _parse(text: str, filename: str, heredocs: bool):
    """The parser, with here-documents off for frontends without them (20.10: the lines
    of a heredoc body are instructions of their own)."""
    from simulator.parser import parse

    if not heredocs:
        try:
            from simulator.parser.reader import parse as reader_parse

            return reader_parse(text, filename, heredocs=False)
        except TypeError:  # a parser without the switch
            pass
    return parse(text, filename)


def _syntax_directive(text: str, filename: str) -> str | None:
    from simulator.parser import DockerfileSyntaxError

    for heredocs in (True, False):
        try:
            return getattr(_parse(text, filename, heredocs).directives, "syntax", None)
        except DockerfileSyntaxError:
            continue
    return None


class _Renderer:
    """The final error line each builder prints."""

    def __init__(self, builder: str, frontend):
        self.legacy = builder == "legacy"
        self.old = tuple(frontend) < (1, 4)

    def parse(self, line: int, msg: str) -> str:
        if self.legacy:
            return f"Error response from daemon: dockerfile parse error line {line}: {msg}"
        if self.old:
            return f"failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line {line}: {msg}"
        return f"failed to solve: dockerfile parse error on line {line}: {msg}"

    def daemon(self, msg: str) -> str:
        """An error the classic builder returns before streaming (InvalidParameter)."""
        if self.legacy:
            return f"Error response from daemon: {msg}"
        return self.llb(msg)

    def llb(self, msg: str) -> str:
        if self.legacy:
            return msg
        if self.old:
            return f"failed to solve with frontend dockerfile.v0: failed to create LLB definition: {msg}"
        return f"failed to solve: {msg}"

    def run_failed(self, argv, code: int, start_error: str | None = None) -> str:
        """A RUN that failed (engine 20.10): a process that could not be exec'd is a runc
        create failure (BuildKit: exit code 1; classic: the OCI runtime error), a user
        lookup failure is reported as it is."""
        if start_error:
            exec_failure = start_error.startswith("exec:")
            if self.legacy:
                if exec_failure:
                    return ("failed to create shim task: OCI runtime create failed: runc create failed: "
                            f"unable to start container process: {start_error}: unknown")
                return start_error
            if exec_failure:
                code, start_error = 1, None
            elif self.old:
                return f"executor failed running [{' '.join(argv)}]: {start_error}"
            else:
                return f"failed to solve: process \"{' '.join(argv)}\" did not complete successfully: {start_error}"
        if self.legacy:
            return f"The command '{' '.join(argv)}' returned a non-zero code: {code}"
        if self.old:
            return f"executor failed running [{' '.join(argv)}]: exit code: {code}"
        return f"failed to solve: process \"{' '.join(argv)}\" did not complete successfully: exit code: {code}"


def _shell_flavour(img: Image) -> str | None:
    if img.shell_flavour:
        return img.shell_flavour
    if not img.known or not img.layers:
        return None
    try:
        from simulator.fs.layer import LayerStack

        e = LayerStack(tuple(img.layers)).lookup("/bin/sh")
    except Exception:
        return None
    target = getattr(e, "linkname", None) or ""
    if "busybox" in target:
        return "ash"
    if "dash" in target:
        return "dash"
    return None


def build(opts: BuildOptions) -> BuildResult:
    """Simulate `docker build`."""
    try:
        text, dfname = _read_dockerfile(opts)
        from simulator.parser import DockerfileSyntaxError

        if text == "":  # a zero-byte file, checked before parsing (engine 20.10 wording)
            features = _features(opts, None)
            if opts.builder == "legacy":
                return BuildResult(None, f"Error response from daemon: the Dockerfile ({os.path.basename(dfname)}) "
                                         "cannot be empty")
            return BuildResult(None, _Renderer(opts.builder, features.frontend).llb("the Dockerfile cannot be empty"))

        syntax = _syntax_directive(text, dfname)
        features = _features(opts, syntax)
        try:
            result = _parse(text, dfname, heredocs=features.heredocs)
        except DockerfileSyntaxError as e:
            r = _Renderer(opts.builder, features.frontend)
            msg = e.message
            if opts.builder == "legacy":
                return BuildResult(None, r.daemon(f"failed to parse Dockerfile: {msg}"), error_line=e.line)
            return BuildResult(None, r.llb(msg), error_line=e.line)
        return _Build(opts, features, result, dfname).run()
    except _Fail as e:
        return BuildResult(None, e.message, error_line=e.line)
    except SimulatorError as e:
        return BuildResult(None, e.message, error_line=e.line)
    except RecursionError as e:  # a pathological input: fail like a build, not with a traceback
        return BuildResult(None, f"simulator: input too deeply nested ({e})")


class _Build:
    def __init__(self, opts: BuildOptions, features, parsed, dfname: str):
        self.opts = opts
        self.features = features
        self.parsed = parsed
        self.dfname = dfname
        self.legacy = opts.builder == "legacy"
        self.r = _Renderer(opts.builder, features.frontend)
        self.warnings: list[str] = []
        self.trace: list[Step] = []
        self.deferred: list = []  # BuildKit: execution failures, reported after conversion

    # ------------------------------------------------------------------------------------
    def run(self) -> BuildResult:
        opts, r = self.opts, self.r
        if opts.platform:  # the daemon's API reads --platform before either builder starts
            from simulator.platforms import PlatformError, parse

            try:
                parse(opts.platform)
            except PlatformError as e:
                return BuildResult(None, f"Error response from daemon: {e}")
        if not self.parsed.nodes:
            return BuildResult(None, r.daemon("the Dockerfile cannot be empty") if not self.legacy
                               else "Error response from daemon: the Dockerfile cannot be empty")
        try:
            df = I.parse_dockerfile(self.parsed, self.features.frontend, self.dfname)
        except I.InstructionError as e:
            if e.wrapped:
                return BuildResult(None, r.parse(e.line, e.message), error_line=e.line)
            return BuildResult(None, r.daemon(e.message), error_line=e.line)
        from simulator.expand import Lexer

        self.lexer = Lexer(escape=df.escape, features=self.features)
        self.build_args = opts.resolved_build_args()
        self.resolver = BaseResolver(dict(opts.images), dict(opts.base_images))
        try:
            self.fsops = FsOps(_context(opts), resolve_source=self._copy_source, host_names=opts.host_names)
        except _Fail as e:
            return BuildResult(None, e.message)
        try:
            image, summaries = self._build_stages(df)
        except _Fail as e:
            return self._result(None, e.message, line=e.line)
        except RunFailed as e:
            return self._result(None, r.run_failed(e.argv, e.code, e.start_error), line=e.line)
        except FinalError as e:
            return self._result(None, e.message, line=e.line)
        except SimulatorError as e:
            return self._result(None, r.llb(e.message), line=e.line)
        return self._result(image, None, summaries)

    def _result(self, image, error, summaries=(), line=None) -> BuildResult:
        return BuildResult(image, error, tuple(self.warnings + self.resolver.warnings), tuple(self.trace),
                           tuple(summaries), error_line=line)

    # ------------------------------------------------------------------------------------
    def _meta_args(self, df) -> dict:
        """Global ARG values: {key: value or None} (build-args applied)."""
        if self.legacy:
            meta: dict = {}
            allowed: dict = {}
            for cmd in df.meta_args:
                env = {k: v for k, v in allowed.items() if v is not None}
                for k in LEGACY_BUILTIN_ARGS:
                    if k in self.build_args:
                        env[k] = self.build_args[k]
                for a in cmd.args:
                    value = a.value
                    if value is not None:
                        value = self._word(value, env, cmd.line)
                    meta[a.key] = value
                    allowed[a.key] = self.build_args.get(a.key, value)
            return meta
        meta = dict(platform_args(self.opts.platform, self.features.frontend))
        for k in list(meta):
            if k in self.build_args:
                meta[k] = self.build_args[k]
        for cmd in df.meta_args:
            for a in cmd.args:
                value = a.value
                if a.key in self.build_args and tuple(self.features.frontend) >= (1, 8):
                    value = self.build_args[a.key]
                elif value is not None:
                    env = {k: v for k, v in meta.items() if v is not None}
                    try:
                        value = self.lexer.process_word(value, env)
                    except BuildError as e:
                        if tuple(self.features.frontend) >= (1, 8):
                            raise _Fail(self.r.llb(e.message), cmd.line) from None
                        # v0.8 ignores the error (`*metaArg.Value, _ = shlex.ProcessWordWithMap`)
                if a.key in self.build_args:
                    value = self.build_args[a.key]
                meta[a.key] = value
        return meta

    def _word(self, word: str, env: dict, line: int | None) -> str:
        try:
            return self.lexer.process_word(word, env)
        except BuildError as e:
            raise _Fail(self.r.llb(e.message), line) from None

    def _legacy_from_env(self, meta: dict) -> dict:
        env = {k: (self.build_args[k] if k in self.build_args else v) for k, v in meta.items()}
        env = {k: v for k, v in env.items() if v is not None}
        for k in LEGACY_BUILTIN_ARGS:
            if k in self.build_args:
                env[k] = self.build_args[k]
        return env

    def _build_stages(self, df):
        opts, r = self.opts, self.r
        meta = self._meta_args(df)
        stages = df.stages
        from_env = self._legacy_from_env(meta) if self.legacy else {k: v for k, v in meta.items() if v is not None}
        self._from_env = from_env
        base_names: dict[int, str] = {}
        for st in stages:
            name = self._word(st.base_name, from_env, st.from_.line)
            if name == "":
                raise _Fail(r.llb(f"base name ({st.base_name}) should not be blank"), st.from_.line)
            base_names[st.index] = name
            if not self.legacy:  # BuildKit reads every stage's --platform here, used or not
                self._stage_platform(st)
        # target
        if opts.target:
            target = find_stage(stages, opts.target)
            if target is None or target.name != opts.target.lower():
                if self.legacy:
                    raise _Fail(f"Error response from daemon: failed to reach build target {opts.target} in Dockerfile")
                msg = f"target stage {opts.target} could not be found"
                if tuple(self.features.frontend) >= (1, 4):
                    msg = f"target stage {H.quote_list([opts.target])[1:-1]} could not be found"
                raise _Fail(r.llb(msg))
        else:
            target = stages[-1]
        if self.legacy:
            todo = [s.index for s in stages if s.index <= target.index]
        else:
            self._buildkit_prechecks(stages, base_names)
            try:
                todo = dependency_order(stages, target.index, base_names)
            except BuildError as e:
                raise _Fail(r.llb(e.message)) from None
        self.ctx = Ctx(builder=opts.builder, features=self.features, lexer=self.lexer, build_args=self.build_args,
                       meta=meta, context=self.fsops.context, stage_images={})
        done: dict[int, StageState] = {}
        self.done = done
        self.df = df
        used_names: set[str] = set()
        for i in todo:
            stage = stages[i]
            if self.legacy and stage.name:
                if stage.name in used_names:
                    raise _Fail(f"{stage.name} stage name already used", stage.from_.line)
                used_names.add(stage.name)
            st = self._init_stage(stage, base_names[i], stages, done)
            st = self._fire_onbuild(st, stage)
            for ins in stage.commands:
                st = self._step(st, stage, ins)
            done[i] = st
        if self.deferred:
            raise min(self.deferred, key=lambda t: (t[0], t[1]))[2]
        final = done[target.index]
        if self.legacy:
            self._legacy_unused_warning(df, stages, todo)
        image = self._image(final)
        summaries = [StageSummary(s.index, s.name, base_names[s.index], s.index in done) for s in stages]
        return image, summaries

    def _copy_source(self, value: str):
        """COPY --from: a finished stage (by name or index), else an image."""
        if self.legacy:
            return self._legacy_copy_source(value)
        stage = find_stage(self.df.stages, value)
        if stage is not None:
            return self.done.get(stage.index)
        return self.resolver.resolve(value)

    def _legacy_copy_source(self, value: str):
        """getImageMount: a committed stage by name, else by index, else an image."""
        committed = [i for i in sorted(self.done)]
        for i in committed:
            s = self.df.stages[i]
            if s.name and s.name == value.lower():
                return self.done[i]
        try:
            ix = int(value)
        except ValueError:
            ix = None
        if ix is not None:
            if ix == len(committed):
                raise FinalError(f"invalid from flag value {value}: refers to current build stage")
            if ix < 0 or ix > len(committed):
                raise FinalError(f"invalid from flag value {value}: index out of bounds")
            return self.done[committed[ix]]
        err = reference_error(value)
        if err:
            raise FinalError(f"invalid from flag value {value}: {err}")
        return self.resolver.resolve(value)

    def _buildkit_prechecks(self, stages, base_names) -> None:
        """What BuildKit checks for every stage, reachable or not, before building:
        COPY --from targets (toCommand) and image references (ParseNormalizedNamed)."""
        r = self.r
        new = tuple(self.features.frontend) >= (1, 4)
        for st in stages:
            for c in st.commands:
                if not (isinstance(c, I.Copy) and c.from_):
                    continue
                if "$" in c.from_ and new:
                    raise _Fail(r.llb("variable expansion is not supported for --from, define a new "
                                      "stage with FROM using ARG from global scope as a workaround"), c.line)
                if c.from_.lstrip("-").isdigit():
                    if not 0 <= int(c.from_) < len(stages):
                        raise _Fail(r.llb(f"invalid stage index {int(c.from_)}"), c.line)
                    continue
                if find_stage(stages, c.from_) is None:
                    err = reference_error(c.from_)
                    if err:
                        raise _Fail(r.llb(f'failed to parse stage name "{c.from_}": {err}'), c.line)
        for st in stages:
            name = base_names[st.index]
            if name == "scratch" or find_stage(stages, name, before=st.index) is not None:
                continue
            err = reference_error(name)
            if err:
                raise _Fail(r.llb(f'failed to parse stage name "{name}": {err}'), st.from_.line)

    def _step(self, st: StageState, stage, ins) -> StageState:
        try:
            st2, out = dispatch(st, ins, self.ctx, self.fsops)
        except (RunFailed, FinalError) as e:
            e.line = ins.line
            if self.legacy:
                raise
            # BuildKit converts every reachable instruction to LLB before it executes
            # anything: an execution failure is reported only when conversion succeeds
            # (and a COPY's cache-key failure comes before a RUN's exit status).
            self.deferred.append((0 if isinstance(e, FinalError) else 1, len(self.deferred), e))
            return st.evolve(known=False, unknown_reason="an earlier step failed")
        except _Fail:
            raise
        except BuildError as e:
            raise _Fail(self.r.llb(e.message), ins.line) from None
        self.trace.append(Step(stage.name or f"stage-{stage.index}", ins.line, ins.original, tuple(out.changed),
                               out.note))
        return st2

    # ------------------------------------------------------------------------------------
    def _stage_platform(self, stage) -> tuple[str, str, str] | None:
        """FROM --platform: expanded with the global ARGs, as os/arch/variant."""
        raw = stage.from_.platform
        if not raw:
            return None
        env = self._from_env
        try:
            value = self.lexer.process_word(raw, env)
        except BuildError as e:
            raise _Fail(self.r.llb(f"failed to process arguments for platform {raw}: {e.message}"),
                        stage.from_.line) from None
        from simulator.platforms import PlatformError, parse

        try:
            return parse(value)
        except PlatformError as e:
            raise _Fail(self.r.llb(f"failed to parse platform {value}: {e}"), stage.from_.line) from None

    def _init_stage(self, stage, base_name: str, stages, done) -> StageState:
        plat = self._stage_platform(stage)  # read first, whether the base is a stage or an image
        parent = find_stage(stages, base_name, before=stage.index)
        if parent is not None and parent.index in done:
            p = done[parent.index]
            st = StageState(index=stage.index, name=stage.name, base=base_name, config=p.config,
                            history=p.history, layers=p.layers, os=p.os, architecture=p.architecture,
                            variant=p.variant, known=p.known, unknown_reason=p.unknown_reason,
                            shell_flavour=p.shell_flavour)
            if not self.legacy:
                # the parent stage's ONBUILD lines fire in this child (v0.8: its config
                # OnBuild is dispatched; newer: initOnBuildTriggers takes base.commands)
                st = st.evolve(run_env=p.run_env)
                if self.features.from_stage_inherits_arg_declarations:
                    st = st.evolve(args=p.args)
            else:
                st = st.evolve(run_env=())
        else:
            if self.legacy and base_name != "scratch":
                err = reference_error(base_name)
                if err:
                    raise _Fail(err, stage.from_.line)
            img = self.resolver.resolve(base_name)
            if plat is not None and base_name != "scratch" and img.known and \
                    (plat[0], plat[1]) != (img.os, img.architecture):
                # a local image of another platform: the engine would look for the requested
                # one in a registry; the simulator cannot know what it would get
                msg = (f"FROM --platform={'/'.join(p for p in plat if p)} {base_name}: the given image is "
                       f"{img.platform}; the requested platform's image is unknown")
                self.resolver.warnings.append(msg)
                img = Image(config=img.config, known=False, unknown_reason=msg, ref=img.ref)
            st = StageState(index=stage.index, name=stage.name, base=base_name, config=img.config,
                            history=Chain.of(img.history), layers=Chain.of(img.layers), os=img.os,
                            architecture=img.architecture, variant=img.variant, known=img.known,
                            unknown_reason=img.unknown_reason, shell_flavour=_shell_flavour(img))
        if not self.legacy and base_name == "scratch" and parent is None:
            st = st.with_config(working_dir=st.config.working_dir or "/")  # emptyImage(): WorkingDir "/"
        # make sure PATH is set
        if "PATH" not in st.config.env_dict():
            st = st.with_config(env=tuple(st.config.env or ()) + (f"PATH={DEFAULT_PATH}",))
        if not self.legacy:
            run = st.run_env
            for kv in st.config.env or ():
                k, _, v = kv.partition("=")
                run = env_list_set(run, k, v)
            st = st.evolve(run_env=run)
        self.trace.append(Step(stage.name or f"stage-{stage.index}", stage.from_.line, stage.from_.original,
                               ("base",), f"base {base_name}"))
        return st

    def _fire_onbuild(self, st: StageState, stage) -> StageState:
        triggers = st.config.on_build or ()
        if not triggers:
            return st
        st = st.with_config(on_build=None)
        from simulator.parser import DockerfileSyntaxError

        for trig in triggers:
            try:
                res = _parse(trig, self.dfname, heredocs=self.features.heredocs)
            except DockerfileSyntaxError as e:
                raise _Fail(self.r.llb(e.message), stage.from_.line) from None
            if len(res.nodes) != 1:
                raise _Fail(self.r.llb("onbuild trigger should be a single expression"), stage.from_.line)
            try:
                ins = I.parse_instruction(res.nodes[0], self.features.frontend)
            except I.InstructionError as e:
                raise _Fail(self.r.llb(e.message), stage.from_.line) from None
            if isinstance(ins, I.From):
                raise _Fail(self.r.llb("FROM isn't allowed as an ONBUILD trigger"), stage.from_.line)
            import attrs as _attrs

            ins = _attrs.evolve(ins, line=stage.from_.line)
            st = self._step(st, stage, ins)
        return st

    def _legacy_unused_warning(self, df, stages, todo) -> None:
        referenced = {a.key for cmd in df.meta_args for a in cmd.args}
        for i in todo:
            for c in stages[i].commands:
                if isinstance(c, I.Arg):
                    referenced |= {a.key for a in c.args}
        left = [k for k in self.opts.build_args if k not in referenced and k not in LEGACY_BUILTIN_ARGS]
        if left:
            self.warnings.append(f"[Warning] One or more build-args {H.plain_list(sorted(left))} were not consumed")

    def _image(self, st: StageState) -> Image:
        layers = st.layers.to_tuple()
        known = st.known
        reason = st.unknown_reason
        if any(getattr(layer, "size", 0) is None for layer in layers) and known:
            reasons = [getattr(layer, "unknown_reason", None) for layer in layers]
            reason = next((x for x in reasons if x), "a layer's content is unknown")
        return Image(config=st.config, history=st.history.to_tuple(), layers=layers, os=st.os,
                     architecture=st.architecture, variant=st.variant, known=known, unknown_reason=reason,
                     shell_flavour=st.shell_flavour)


__all__ = ["build", "BuildOptions", "BuildResult", "PROXY_ARGS"]
