"""A process's user: a tuple already resolved, or Docker's USER string resolved against
the FS's /etc/passwd and /etc/group the way runc does (user[:group], names or numbers)."""

from __future__ import annotations

from .ascii import isdigits as _isdigits


def resolve_user(fs, user, supplementary: bool = True):
    """(uid, gid, name, groups) or an error string (Docker's message). Without
    `supplementary` (a BuildKit RUN) the groups are empty."""
    ids = _resolve(fs, user)
    if isinstance(ids, str) or supplementary:
        return ids
    return ids[:3] + ((),)


def _resolve(fs, user):
    from .applets.users import lookup_group, lookup_user, supplementary
    if user is None or user == "":
        user = "0"
    if isinstance(user, (tuple, list)):
        uid, gid = int(user[0]), int(user[1])
        name = user[2] if len(user) > 2 else None
        groups = tuple(user[3]) if len(user) > 3 else (tuple(supplementary(fs, name, gid)) if name else (gid,))
        return (uid, gid, name, groups)
    spec = str(user)
    uname, sep, gname = spec.partition(":")
    u = lookup_user(fs, uname) if uname else None
    if uname and u is None:
        if not _isdigits(uname):
            return f"unable to find user {uname}: no matching entries in passwd file"
        uid, gid, name = int(uname), 0, None
    elif u is None:
        uid, gid, name = 0, 0, "root"
    else:
        name, uid, gid = u[0], u[1], u[2]
    if sep and gname:
        g = lookup_group(fs, gname)
        if g is None:
            if not _isdigits(gname):
                return f"unable to find group {gname}: no matching entries in group file"
            gid = int(gname)
        else:
            gid = g[1]
        groups = (gid,)
    else:
        groups = tuple(supplementary(fs, name, gid)) if name else (gid,)
    return (uid, gid, name, groups)
