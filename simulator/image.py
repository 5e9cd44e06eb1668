"""The image model: config, history and layers, in the shapes `docker image inspect` shows.

`ImageConfig.to_json()` gives `.Config` as `docker image inspect` prints it on the
modelled engines (container.Config): `User`, `Env`, `Cmd`, `Volumes`, `WorkingDir`,
`Entrypoint`, `OnBuild`, `Labels` are always present (null / "" when unset), while
`ExposedPorts`, `StopSignal`, `Healthcheck`, `Shell` and `ArgsEscaped` are omitted when
unset (they are `omitempty` in moby's api/types/container/config.go).
"""

from __future__ import annotations

from typing import Any

import attrs


def _tuple_or_none(value):
    return None if value is None else tuple(value)


def _frozen_map(value):
    """A mapping stored as a sorted tuple of (key, value) pairs (hashable, immutable)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    return tuple(value)


@attrs.frozen
class Healthcheck:
    """Docker's HealthConfig. Durations are nanoseconds; 0 means "inherit/default"."""

    test: tuple[str, ...] = attrs.field(converter=tuple)
    interval: int = 0
    timeout: int = 0
    start_period: int = 0
    start_interval: int = 0
    retries: int = 0

    def to_json(self) -> dict:
        out: dict[str, Any] = {"Test": list(self.test)}
        # omitempty in moby's HealthConfig
        if self.interval:
            out["Interval"] = self.interval
        if self.timeout:
            out["Timeout"] = self.timeout
        if self.start_period:
            out["StartPeriod"] = self.start_period
        if self.start_interval:
            out["StartInterval"] = self.start_interval
        if self.retries:
            out["Retries"] = self.retries
        return out

    @classmethod
    def from_json(cls, data: dict) -> "Healthcheck":
        return cls(
            test=tuple(data.get("Test") or ()),
            interval=int(data.get("Interval") or 0),
            timeout=int(data.get("Timeout") or 0),
            start_period=int(data.get("StartPeriod") or 0),
            start_interval=int(data.get("StartInterval") or 0),
            retries=int(data.get("Retries") or 0),
        )


@attrs.frozen
class ImageConfig:
    """An image's runtime configuration (`.Config`).

    Maps (ExposedPorts, Volumes, Labels) are stored as tuples: ExposedPorts and Volumes
    as sorted tuples of keys, Labels as sorted (key, value) pairs (`label_map()` gives
    a dict; a dict may be passed in). `None` means unset (Docker's null), an empty tuple means set
    but empty (e.g. `CMD []`).
    """

    env: tuple[str, ...] | None = attrs.field(default=None, converter=_tuple_or_none)
    cmd: tuple[str, ...] | None = attrs.field(default=None, converter=_tuple_or_none)
    entrypoint: tuple[str, ...] | None = attrs.field(default=None, converter=_tuple_or_none)
    working_dir: str = ""
    user: str = ""
    exposed_ports: tuple[str, ...] | None = attrs.field(default=None, converter=_tuple_or_none)
    volumes: tuple[str, ...] | None = attrs.field(default=None, converter=_tuple_or_none)
    labels: tuple[tuple[str, str], ...] | None = attrs.field(default=None, converter=_frozen_map)
    stop_signal: str = ""
    healthcheck: Healthcheck | None = None
    shell: tuple[str, ...] | None = attrs.field(default=None, converter=_tuple_or_none)
    on_build: tuple[str, ...] | None = attrs.field(default=None, converter=_tuple_or_none)
    args_escaped: bool = False

    def label_map(self) -> dict[str, str] | None:
        return None if self.labels is None else dict(self.labels)

    def env_dict(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for kv in self.env or ():
            k, _, v = kv.partition("=")
            out[k] = v
        return out

    def evolve(self, **changes) -> "ImageConfig":
        return attrs.evolve(self, **changes)

    def to_json(self) -> dict:
        out: dict[str, Any] = {
            "User": self.user,
            "Env": None if self.env is None else list(self.env),
            "Cmd": None if self.cmd is None else list(self.cmd),
            "Volumes": None if self.volumes is None else {v: {} for v in self.volumes},
            "WorkingDir": self.working_dir,
            "Entrypoint": None if self.entrypoint is None else list(self.entrypoint),
            "OnBuild": None if self.on_build is None else list(self.on_build),
            "Labels": self.label_map(),
        }
        if self.exposed_ports:
            out["ExposedPorts"] = {p: {} for p in self.exposed_ports}
        if self.stop_signal:
            out["StopSignal"] = self.stop_signal
        if self.healthcheck is not None:
            out["Healthcheck"] = self.healthcheck.to_json()
        if self.shell:
            out["Shell"] = list(self.shell)
        if self.args_escaped:
            out["ArgsEscaped"] = True
        return out

    @classmethod
    def from_json(cls, data: dict | None) -> "ImageConfig":
        """Read a `.Config` (inspect) or an image config's `config` object."""
        data = data or {}
        hc = data.get("Healthcheck")
        return cls(
            env=data.get("Env"),
            cmd=data.get("Cmd"),
            entrypoint=data.get("Entrypoint"),
            working_dir=data.get("WorkingDir") or "",
            user=data.get("User") or "",
            exposed_ports=sorted(data["ExposedPorts"]) if data.get("ExposedPorts") else None,
            volumes=sorted(data["Volumes"]) if data.get("Volumes") else None,
            labels=data.get("Labels"),
            stop_signal=data.get("StopSignal") or "",
            healthcheck=Healthcheck.from_json(hc) if hc else None,
            shell=data.get("Shell") or None,
            on_build=data.get("OnBuild"),
            args_escaped=bool(data.get("ArgsEscaped")),
        )


@attrs.frozen
class HistoryRow:
    """One entry of the image config's `history` array."""

    created_by: str
    empty_layer: bool = False
    comment: str = ""

    def to_json(self) -> dict:
        return {"created_by": self.created_by, "empty_layer": self.empty_layer, "comment": self.comment}

    @classmethod
    def from_json(cls, data: dict) -> "HistoryRow":
        return cls(data.get("created_by", ""), bool(data.get("empty_layer", False)), data.get("comment", "") or "")


@attrs.frozen
class Image:
    """A (simulated) image.

    `layers` are the fs helper's Layer objects, opaque here; each may have `.size` None
    (unknown). `known` is False when the image's content could not be known at all
    (a base image neither given nor catalogued); `unknown_reason` then says why.
    `shell_flavour` names the /bin/sh the image has ("dash", "ash", or None if unknown/absent).
    """

    config: ImageConfig = attrs.field(factory=ImageConfig)
    history: tuple[HistoryRow, ...] = attrs.field(default=(), converter=tuple)
    layers: tuple = attrs.field(default=(), converter=tuple)
    os: str = "linux"
    architecture: str = "amd64"
    variant: str = ""
    known: bool = True
    unknown_reason: str | None = None
    shell_flavour: str | None = None
    ref: str | None = None

    @property
    def size(self) -> int | None:
        total = 0
        for layer in self.layers:
            s = getattr(layer, "size", None)
            if s is None:
                return None
            total += s
        return total if self.known else None

    @property
    def platform(self) -> str:
        p = f"{self.os}/{self.architecture}"
        return f"{p}/{self.variant}" if self.variant else p
