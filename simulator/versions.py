"""The modelled Docker Engine releases and Dockerfile frontend versions, as a small data table.

A build's rules depend on two versions: the Docker Engine (which fixes the BuildKit it
embeds, hence the built-in Dockerfile frontend, and the classic builder, which uses the
shell lexer vendored from that same BuildKit) and, for BuildKit only, a
`# syntax=docker/dockerfile:1.N` line that swaps in another frontend (modelled offline).

Sources (each row of the tables says which):
- the BuildKit version an engine embeds: moby's `vendor.conf` (20.10) or `vendor.mod`
  (23.0+) at the release tag;
- which Dockerfile frontend that BuildKit holds: the newest `dockerfile/1.x.y` tag that is
  an ancestor of that BuildKit commit, cross-checked by comparing `shell/lex.go` blobs;
- when a rule appeared: the first `dockerfile/1.x.y` tag containing the commit named.
"""

from __future__ import annotations

import re

import attrs

Version = tuple[int, int]


@attrs.frozen
class FeatureSet:
    """What one Dockerfile frontend version does, where that matters to the simulator."""

    frontend: Version
    labs: bool = False

    # ---- build-time variable expansion (frontend/dockerfile/shell/lex.go)
    @property
    def required_modifier(self) -> bool:
        """`${v?msg}` and `${v:?msg}` (dockerfile/1.1.6, commit 8a81a83)."""
        return self.frontend >= (1, 1)  # 1.1.6 exactly; no 1.1.x below .6 is modelled

    @property
    def colonless_modifiers(self) -> bool:
        """`${v-w}`, `${v+w}` and the new modifier parser with `(:x)` in its errors (1.6.0, 580eb93)."""
        return self.frontend >= (1, 6)

    @property
    def trim_modifiers(self) -> bool:
        """`${v#p}`, `${v##p}`, `${v%p}`, `${v%%p}` (1.7.0, 4f459a4)."""
        return self.frontend >= (1, 7)

    @property
    def substitution(self) -> bool:
        """`${v/p/r}` and `${v//p/r}` (1.7.0, 9a3f9f3)."""
        return self.frontend >= (1, 7)

    @property
    def empty_trim_pattern_crashes(self) -> bool:
        """`${v#}` / `${v%}` index an empty string and crash the frontend (1.7.0-1.8.0; fixed
        in 1.8.1 by de3e9c4). 1.8.x is modelled as 1.8.1."""
        return (1, 7) <= self.frontend < (1, 8)

    @property
    def shared_words_buffer(self) -> bool:
        """ProcessWords (EXPOSE) shares one word buffer between nested `${...}` words, so a
        modifier expression drops the part of the word before it (1.9.0, 0cdb0e3/f0563a5)."""
        return self.frontend >= (1, 9)

    @property
    def colon_trim_rejected(self) -> bool:
        """`${v:#p}` and `${v:%p}` are errors; 1.7-1.9 treat them as `#`/`%` (1.10.0, 9749c52)."""
        return self.frontend >= (1, 10)

    @property
    def heredoc_marker_word(self) -> bool:
        """The lexer keeps `<<` and the blanks after it in one word (1.16.0, 0b77373)."""
        return self.frontend >= (1, 16)

    # ---- other frontend rules
    @property
    def heredocs(self) -> bool:
        """Here-documents in RUN/COPY/ADD: labs-only in 1.3 (`dfheredoc` build tag), stable in 1.4."""
        return self.frontend >= (1, 4) or (self.labs and self.frontend >= (1, 3))

    @property
    def copy_heredoc_mode_0644(self) -> bool:
        """A COPY heredoc file gets mode 0644 (1.6.0: `llb.Mkfile(f, 0644, ...)` in convert.go)."""
        return self.frontend >= (1, 6)

    @property
    def from_stage_inherits_arg_declarations(self) -> bool:
        """`FROM <stage>` copies the parent's declared ARGs into the child (1.9.0, c7c2f0e).
        Before, only their values travel, as env of the LLB state (20.10 convert.go: `d.state =
        d.base.state` and `dispatchArg` adding each value with `AddEnv`)."""
        return self.frontend >= (1, 9)

    @property
    def workdir_layer(self) -> bool:
        """BuildKit's WORKDIR to a path other than `/` runs a mkdir file op and so adds a layer
        (20.10 convert.go `dispatchWorkdir`, unchanged since)."""
        return True

    @property
    def global_arg_errors_reported(self) -> bool:
        """An expansion error in a global (pre-FROM) ARG default fails the build (1.8.0:
        `buildMetaArgs` returns the error). Before, BuildKit drops it and the default becomes
        "" (`*metaArg.Value, _ = shlex.ProcessWord...`); checked on the 20.10 engine
        (2026-12-04): `ARG X=${U:?boom}` / `FROM scratch` / `ARG X` / `ENV Y=$X` builds with
        `Y=` on BuildKit. The classic builder always fails (`processMetaArg`): `failed to
        process "${U:?boom}": U: boom`."""
        return self.frontend >= (1, 8)

    @property
    def run_history_dedups_args(self) -> bool:
        """`RUN |N a=1 ...` history lists a re-declared ARG once (1.12.0, PR #5508)."""
        return self.frontend >= (1, 12)


def frontend(major: int, minor: int, labs: bool = False) -> FeatureSet:
    """The feature set of Dockerfile frontend `major.minor` (its newest patch release)."""
    return FeatureSet(frontend=(major, minor), labs=labs)


#: The newest `dockerfile/1.x.y` tag in moby/buildkit (1.26.0, the source snapshot of August
#: 2026); `# syntax=docker/dockerfile:1` resolves to it offline.
NEWEST_FRONTEND: Version = (1, 26)


@attrs.frozen
class EngineModel:
    """One Docker Engine release: its embedded BuildKit and built-in Dockerfile frontend."""

    version: str  # "20.10", "28.0", ...
    buildkit: str  # the BuildKit version moby vendors at that release
    builtin_frontend: Version  # the Dockerfile frontend that BuildKit carries
    source: str  # where the two facts above come from

    @property
    def features(self) -> FeatureSet:
        """The built-in frontend's rules (BuildKit builds without a `# syntax` line)."""
        return frontend(*self.builtin_frontend)

    @property
    def legacy_features(self) -> FeatureSet:
        """The classic builder's lexer: moby `builder/dockerfile` calls `shell.NewLex` from the
        same vendored BuildKit, so its expansion rules are the built-in frontend's."""
        return frontend(*self.builtin_frontend)

    def features_for(self, builder: str, syntax: str | None = None) -> FeatureSet:
        """The rules a build uses: `builder` is "buildkit" or "legacy"; `syntax` is the value
        of a `# syntax=` directive (ignored by the classic builder)."""
        if builder == "legacy":
            return self.legacy_features
        if syntax:
            chosen = syntax_frontend(syntax)
            if chosen is not None:
                return chosen
        return self.features


# One row per modelled engine: (engine, vendored BuildKit, built-in frontend, source).
_ENGINES: tuple[tuple[str, str, Version, str], ...] = (
    # Debian's 20.10.24+dfsg1 (the engine on this machine) builds moby v20.10.24 with its vendor/
    # tree: vendor.conf pins buildkit eeb7b65 (v0.8.4-0.20221020190723); its lex.go equals
    # dockerfile/1.1.6..1.2.1, and the engine's own error "missing ':' in substitution" for
    # `${U-z}` (recorded here) confirms it.
    ("20.10", "v0.8.4-0.20221020190723-eeb7b65ab7d6", (1, 2), "moby v20.10.24 vendor.conf"),
    ("23.0", "v0.10.6", (1, 4), "moby v23.0.0 vendor.mod"),
    ("24.0", "v0.11.6", (1, 5), "moby v24.0.0 vendor.mod"),
    ("25.0", "v0.12.5-0.20231208203051-3b6880d2a00f", (1, 6), "moby v25.0.0 vendor.mod"),
    ("26.0", "v0.13.1", (1, 7), "moby v26.0.0 vendor.mod"),
    ("26.1", "v0.13.1", (1, 7), "moby v26.1.0 vendor.mod"),
    ("27.0", "v0.14.1", (1, 8), "moby v27.0.1 vendor.mod (there is no v27.0.0 tag)"),
    ("27.1", "v0.15.0", (1, 9), "moby v27.1.0 vendor.mod"),
    ("27.2", "v0.15.2", (1, 9), "moby v27.2.0 vendor.mod"),
    ("27.3", "v0.16.0", (1, 10), "moby v27.3.0 vendor.mod"),
    ("27.4", "v0.17.3", (1, 11), "moby v27.4.0 vendor.mod"),
    ("27.5", "v0.18.2", (1, 12), "moby v27.5.0 vendor.mod"),
    ("28.0", "v0.20.0", (1, 14), "moby v28.0.0 vendor.mod"),
    ("28.1", "v0.21.0", (1, 15), "moby v28.1.0 vendor.mod"),
    ("28.2", "v0.22.0", (1, 16), "moby v28.2.0 vendor.mod"),
    ("28.3", "v0.23.1", (1, 17), "moby v28.3.0 vendor.mod"),
    ("28.4", "v0.24.0", (1, 18), "moby v28.4.0 vendor.mod"),
    ("28.5", "v0.25.0", (1, 19), "moby v28.5.0 vendor.mod"),
    ("29.0", "v0.25.2", (1, 19), "moby docker-v29.0.0 go.mod"),
    ("29.1", "v0.26.2", (1, 20), "moby docker-v29.1.0 go.mod"),
    ("29.2", "v0.27.0", (1, 21), "moby docker-v29.2.0 go.mod"),
    ("29.3", "v0.28.0", (1, 22), "moby docker-v29.3.0 go.mod"),
    ("29.4", "v0.29.0", (1, 23), "moby docker-v29.4.0 go.mod"),
    ("29.5", "v0.30.0", (1, 24), "moby docker-v29.5.0 go.mod"),
    ("29.6", "v0.31.0", (1, 25), "moby docker-v29.6.0 go.mod"),
    ("29.7", "v0.32.0", (1, 26), "moby docker-v29.7.0 go.mod"),
)

ENGINES: dict[str, EngineModel] = {
    v: EngineModel(version=v, buildkit=bk, builtin_frontend=fe, source=src) for v, bk, fe, src in _ENGINES
}

#: The newest modelled engine (the CLI's default).
NEWEST_ENGINE = _ENGINES[-1][0]


class UnknownEngine(ValueError):
    """An engine version the simulator does not model."""


def engine(version: str | None = None) -> EngineModel:
    """The model of engine `version` ("20.10", "28", "28.0.4", "v28.0.1", "20.10.24+dfsg1");
    None means the newest. A patch release maps to its minor release; a bare major release to
    its newest modelled minor."""
    if version is None:
        return ENGINES[NEWEST_ENGINE]
    m = re.fullmatch(r"v?(\d+)(?:\.(\d+))?(?:\.\d+)?(?:[-+~].*)?", version.strip())
    if not m:
        raise UnknownEngine(f"unknown engine version {version!r}; modelled: {', '.join(ENGINES)}")
    major, minor = m.group(1), m.group(2)
    if minor is not None:
        key = f"{int(major)}.{int(minor)}"
        if key in ENGINES:
            return ENGINES[key]
        # a release between two modelled rows has the older row's BuildKit line or newer;
        # only exact minor releases are modelled, so refuse rather than guess
        raise UnknownEngine(f"unknown engine version {version!r}; modelled: {', '.join(ENGINES)}")
    candidates = [e for k, e in ENGINES.items() if k.split(".")[0] == str(int(major))]
    if not candidates:
        raise UnknownEngine(f"unknown engine version {version!r}; modelled: {', '.join(ENGINES)}")
    return candidates[-1]


_SYNTAX = re.compile(
    r"(?:docker\.io/)?docker/dockerfile(?:-upstream)?"
    r":(?P<ver>1(?:\.(?P<minor>\d+)(?:\.(?P<patch>\d+))?)?)(?P<labs>-labs)?"
    r"(?:@sha256:[0-9a-f]{64})?"
)


def syntax_frontend(syntax: str) -> FeatureSet | None:
    """The frontend a `# syntax=` value selects, or None when it names no modelled
    `docker/dockerfile` version (another image, `latest`, a digest only, a pre-1.0 tag).
    `1` is the newest 1.x, `1.N` the newest 1.N.x, `1.N.M` that release; `-labs` adds the
    labs-only features."""
    m = _SYNTAX.fullmatch(syntax.strip())
    if not m:
        return None
    labs = m.group("labs") is not None
    if m.group("minor") is None:
        return frontend(*NEWEST_FRONTEND, labs=labs)
    minor = int(m.group("minor"))
    if minor > NEWEST_FRONTEND[1]:
        return None
    if m.group("patch") is not None and (1, minor) == (1, 1) and int(m.group("patch")) < 6:
        return None  # 1.1.0-1.1.5 lack `${v?}`; not modelled
    if m.group("patch") is not None and (1, minor) == (1, 8) and int(m.group("patch")) == 0:
        return None  # 1.8.0 still crashes on `${v#}`; only 1.8.1 is modelled
    return frontend(1, minor, labs=labs)
