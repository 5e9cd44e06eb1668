"""Bundled base-image configs of well-known public images (JSON data, `images.json`).

`lookup(ref)` gives an `Image` with the published config and the /bin/sh flavour, but
no filesystem: its content is unknown (a RUN on it is opaque unless the shell helper can
model it without files). Where an Env list could not be verified offline the entry says
`env_complete: false` and the image's `unknown_reason` says so.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from simulator.image import Image, ImageConfig


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads((Path(__file__).parent / "images.json").read_text())


def normalize_ref(ref: str) -> str:
    """`docker.io/library/x:tag` -> `x:tag`; a tagless name keeps no tag."""
    for prefix in ("docker.io/library/", "index.docker.io/library/", "library/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
    return ref


def lookup(ref: str) -> Image | None:
    data = _data()
    name = normalize_ref(ref)
    entry = data.get(name)
    if entry is None and name.endswith(":latest"):
        entry = data.get(name[: -len(":latest")])
    if entry is None and ":" not in name.rsplit("/", 1)[-1]:
        entry = data.get(name)
    if entry is None or name.startswith("_"):
        return None
    config = ImageConfig.from_json(entry.get("config"))
    if entry.get("scratch"):
        return Image(config=config, ref="scratch", known=True, shell_flavour=None)
    reason = "catalog image: filesystem not bundled"
    if not entry.get("env_complete", True):
        reason += "; Env may be incomplete"
    return Image(config=config, history=(), layers=(),
                 known=False, unknown_reason=reason, shell_flavour=entry.get("shell"), ref=name)
