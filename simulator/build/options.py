"""What a build is asked to do (BuildOptions) and what it gives back (BuildResult)."""

from __future__ import annotations

from typing import Any, Mapping

import attrs

from simulator.image import Image


def _frozen_dict(value) -> dict:
    return dict(value or {})


@attrs.frozen
class BuildOptions:
    """The inputs of `docker build`.

    `context`: a directory path or a `simulator.context.BuildContext` (None: no context).
    `dockerfile`: a path (relative to the context dir, or absolute); `dockerfile_text`
    gives the text directly instead. `build_args` maps NAME to a value, or to None for
    `--build-arg NAME` (taken from `build_env`, and dropped when not there).
    `base_images`: {ref: path of a docker-save tarball / OCI layout}; `images`: already
    loaded `Image`s by ref (checked first; e.g. a parent build for ONBUILD).
    `host_names`: the daemon host's user database (a `HostNames`; None: only root has a
    name), which the classic builder's digests of stage and image files depend on.
    """

    context: Any = None
    dockerfile: str | None = None
    dockerfile_text: str | bytes | None = None
    build_args: Mapping[str, str | None] = attrs.field(factory=dict, converter=_frozen_dict)
    build_env: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_dict)
    target: str | None = None
    builder: str = "buildkit"
    engine: str | None = None
    platform: str | None = None
    base_images: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_dict)
    images: Mapping[str, Image] = attrs.field(factory=dict, converter=_frozen_dict)
    host_names: Any = None  # simulator.fs.legacyhash.HostNames: the daemon host's users/groups

    def resolved_build_args(self) -> dict[str, str]:
        """--build-arg values as the client sends them (name-only ones from the env)."""
        out: dict[str, str] = {}
        for k, v in self.build_args.items():
            if v is None:
                if k in self.build_env:
                    out[k] = self.build_env[k]
            else:
                out[k] = v
        return out


@attrs.frozen
class Step:
    """One traced instruction: where it ran and what it changed.

    `changed` names what the instruction changed: "scope" (ARG values), "env",
    "config:<Key>", "layer" (a filesystem layer), "no layer", "history", "onbuild".
    """

    stage: str
    line: int | None
    instruction: str
    changed: tuple[str, ...] = ()
    note: str | None = None

    def to_json(self) -> dict:
        return {"stage": self.stage, "line": self.line, "instruction": self.instruction,
                "changed": list(self.changed), "note": self.note}


@attrs.frozen
class StageSummary:
    index: int
    name: str
    base: str
    built: bool


@attrs.frozen
class BuildResult:
    image: Image | None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    trace: tuple[Step, ...] = ()
    stages: tuple[StageSummary, ...] = ()
    error_line: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.image is not None

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def to_json(self) -> dict:
        out: dict[str, Any] = {"ok": self.ok, "error": self.error, "warnings": list(self.warnings)}
        if self.image is not None:
            img = self.image
            out["config"] = img.config.to_json()
            out["history"] = [h.to_json() for h in img.history]
            out["layers"] = len(img.layers)
            out["size"] = img.size
            out["known"] = img.known
            out["unknown_reason"] = img.unknown_reason
        else:
            out.update(config=None, history=None, layers=None, size=None)
        out["trace"] = [s.to_json() for s in self.trace]
        return out
