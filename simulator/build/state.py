"""The immutable build state of one stage, and a persistent list for its growing parts."""

from __future__ import annotations

from typing import Any, Iterator

import attrs

from simulator.image import HistoryRow, ImageConfig


@attrs.frozen
class Chain:
    """A persistent singly-linked list (append in O(1), shared tails): history, layers."""

    prev: "Chain | None" = None
    item: Any = None
    size: int = 0

    def add(self, item) -> "Chain":
        return Chain(self, item, self.size + 1)

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator:
        return iter(self.to_tuple())

    def to_tuple(self) -> tuple:
        out = []
        node: Chain | None = self
        while node is not None and node.size:
            out.append(node.item)
            node = node.prev
        return tuple(reversed(out))

    @classmethod
    def of(cls, items) -> "Chain":
        c = cls()
        for i in items:
            c = c.add(i)
        return c


EMPTY = Chain()


@attrs.frozen
class ArgValue:
    """A declared ARG in a stage: its key and value (None: declared without a value)."""

    key: str
    value: str | None


@attrs.frozen
class StageState:
    """Everything one stage has built so far.

    `run_env` is BuildKit's LLB state env (ordered (key, value) pairs: config Env plus ARG
    values, what RUN gets); the classic builder computes its env from `config.env` and
    `args` instead. `args` are the ARGs declared in the stage (BuildKit `buildArgs`,
    legacy `allowedBuildArgs`).
    """

    index: int
    name: str
    base: str
    config: ImageConfig
    history: Chain = EMPTY
    layers: Chain = EMPTY
    run_env: tuple[tuple[str, str], ...] = ()
    args: tuple[ArgValue, ...] = ()
    cmd_set: bool = False
    os: str = "linux"
    architecture: str = "amd64"
    variant: str = ""
    known: bool = True
    unknown_reason: str | None = None
    shell_flavour: str | None = None
    workdir_dirty: bool = False  # legacy: the last WORKDIR created a directory

    def evolve(self, **changes) -> "StageState":
        return attrs.evolve(self, **changes)

    def with_config(self, **changes) -> "StageState":
        return attrs.evolve(self, config=attrs.evolve(self.config, **changes))

    def add_history(self, created_by: str, empty_layer: bool, comment: str = "") -> "StageState":
        return attrs.evolve(self, history=self.history.add(HistoryRow(created_by, empty_layer, comment)))

    def add_layer(self, layer) -> "StageState":
        return attrs.evolve(self, layers=self.layers.add(layer))


def env_list_set(env: tuple[tuple[str, str], ...], key: str, value: str) -> tuple[tuple[str, str], ...]:
    """AddEnv: replace a key in place, or append it."""
    for i, (k, _) in enumerate(env):
        if k == key:
            return env[:i] + ((key, value),) + env[i + 1:]
    return env + ((key, value),)


def config_env_set(env: tuple[str, ...] | None, key: str, value: str) -> tuple[str, ...]:
    """addEnv on Config.Env: replace `key=...` in place, or append."""
    env = env or ()
    entry = f"{key}={value}"
    for i, kv in enumerate(env):
        if kv.partition("=")[0] == key:
            return env[:i] + (entry,) + env[i + 1:]
    return env + (entry,)
