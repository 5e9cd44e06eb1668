"""The build interpreter: `build(BuildOptions) -> BuildResult` for BuildKit and the classic builder."""

from simulator.build.options import BuildOptions, BuildResult, StageSummary, Step  # noqa: F401


def build(opts: BuildOptions) -> BuildResult:
    from simulator.build.builder import build as _build

    return _build(opts)
