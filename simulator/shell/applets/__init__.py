"""The busybox-style applets the shell models, by name."""

from __future__ import annotations

from . import files, misc, more, text, tree, users

APPLETS = {}
for _mod in (text, more, files, tree, users, misc):
    APPLETS.update(_mod.APPLETS)
APPLETS.pop("[[", None)
KNOWN_PROGRAMS = dict(users.KNOWN_PROGRAMS)
