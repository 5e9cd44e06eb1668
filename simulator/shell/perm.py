"""Unix permission checks for a non-root process (root passes everything but exec bits):
search (x) on every directory on the way, then r/w/x on the object itself."""

from __future__ import annotations

import posixpath

DENIED = "Permission denied"
NOT_PERMITTED = "Operation not permitted"


def _ids(user) -> tuple[int, set]:
    uid, gid = int(user[0]), int(user[1])
    groups = set(user[3]) if len(user) > 3 and user[3] else set()
    return uid, groups | {gid}


def _bits(st, user) -> int:
    uid, groups = _ids(user)
    if st.uid == uid:
        return (st.mode >> 6) & 7
    if st.gid in groups:
        return (st.mode >> 3) & 7
    return st.mode & 7


def is_root(user) -> bool:
    return int(user[0]) == 0


def searchable(fs, user, path: str) -> bool:
    """Every directory above `path` can be searched (x)."""
    if is_root(user):
        return True
    parts = [p for p in path.split("/") if p]
    ancestors = ["/"] + ["/" + "/".join(parts[:i]) for i in range(1, len(parts))]
    for d in ancestors:
        st = fs.stat(d)
        if st is None:
            return True  # a missing component: ENOENT, not EACCES
        if st.type == "dir" and not _bits(st, user) & 1:
            return False
    return True


def allowed(fs, user, path: str, want: str) -> bool:
    """May the user r/w/x the existing `path` (after reaching it)?"""
    if not searchable(fs, user, path):
        return False
    st = fs.stat(path)
    if st is None:
        return True
    if is_root(user):
        return not ("x" in want and st.type != "dir" and not st.mode & 0o111)
    bits = _bits(st, user)
    need = (4 if "r" in want else 0) | (2 if "w" in want else 0) | (1 if "x" in want else 0)
    return bits & need == need


def may_create(fs, user, path: str) -> bool:
    """May the user create or remove an entry `path` (w and x on its directory)?"""
    parent = posixpath.dirname(path.rstrip("/")) or "/"
    return allowed(fs, user, parent, "wx") and searchable(fs, user, path)


def may_change_mode(fs, user, path: str) -> bool:
    st = fs.stat(path)
    return is_root(user) or (st is not None and st.uid == int(user[0]))
