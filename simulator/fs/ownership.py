"""`--chown` resolution through the destination's /etc/passwd and /etc/group."""

from __future__ import annotations

from .protocol import UnknownContent


class ChownError(Exception):
    pass


def _parse_db(data: bytes, min_fields: int) -> list[list[str]]:
    """Lines of a passwd/group file as runc's parser reads them (blank and `#` lines skipped)."""
    out = []
    for raw in data.decode("utf-8", "replace").split("\n"):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(":")
        parts += [""] * (min_fields - len(parts))
        out.append(parts)
    return out


def _int(s: str) -> int:
    try:
        return int(s)
    except ValueError:
        return 0


def _read(fs, path: str) -> bytes | None:
    try:
        return fs.read(path)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def passwd_user(fs, name: str):
    data = _read(fs, "/etc/passwd")
    if data is None:
        return None
    for f in _parse_db(data, 7):
        if f[0] == name:
            return _int(f[2]), _int(f[3])
    return None


def group_gid(fs, name: str):
    data = _read(fs, "/etc/group")
    if data is None:
        return None
    for f in _parse_db(data, 4):
        if f[0] == name:
            return _int(f[2])
    return None


def _go_atoi(s: str) -> int | None:
    """strconv.Atoi: optional sign, decimal digits only."""
    t = s[1:] if s[:1] in "+-" else s
    if t and t.isascii() and t.isdigit():
        v = int(s)
        if -(1 << 63) <= v < (1 << 63):
            return v
    return None


def resolve_chown(fs, spec: str, builder: str = "buildkit") -> tuple[int, int]:
    """(uid, gid) for a `--chown` value, resolved in the destination filesystem `fs`.

    BuildKit (0.8, engine 20.10): `user[:group]`; a numeric user gives gid=uid; a user
    name takes uid and *primary gid* from /etc/passwd (an unknown name gives 0:0); a
    group name is looked up in /etc/group (unknown: the gid stays). Legacy builder: a
    lone `user` is used as the group too; names must exist in /etc/passwd and /etc/group
    (by name, not the primary group) or the build fails."""
    try:
        if builder == "legacy":
            return _legacy(fs, spec)
        return _buildkit(fs, spec)
    except UnknownContent as e:
        raise ChownError(f"--chown={spec}: {e}") from e


def _bk_id(s: str) -> int | None:
    if s == "root":
        return 0
    t = s[1:] if s[:1] in "+-" else s
    if t.isascii() and t.isdigit():
        v = int(s)
        if -(1 << 31) <= v < (1 << 31):
            return v
    return None


def _buildkit(fs, spec: str) -> tuple[int, int]:
    parts = spec.split(":", 1)
    uid = gid = 0
    u = _bk_id(parts[0])
    if u is not None:
        uid = gid = u
    else:
        if _read(fs, "/etc/passwd") is None:
            raise ChownError("open /etc/passwd: no such file or directory")
        found = passwd_user(fs, parts[0])
        if found:
            uid, gid = found
    if len(parts) == 2:
        g = _bk_id(parts[1])
        if g is not None:
            gid = g
        else:
            if _read(fs, "/etc/group") is None:
                raise ChownError("open /etc/group: no such file or directory")
            found_g = group_gid(fs, parts[1])
            if found_g is not None:
                gid = found_g
    return uid, gid


def _legacy(fs, spec: str) -> tuple[int, int]:
    parts = spec.split(":")
    if len(parts) > 2:
        raise ChownError("invalid chown string format: " + spec)
    user, group = (parts[0], parts[0]) if len(parts) == 1 else (parts[0], parts[1])
    prefix = "unable to convert uid/gid chown string to host mapping: "
    uid = _go_atoi(user)
    if uid is None:
        if _read(fs, "/etc/passwd") is None:
            raise ChownError(prefix + f"can't find uid for user {user}: open /etc/passwd: no such file or directory")
        found = passwd_user(fs, user)
        if found is None:
            raise ChownError(prefix + f"can't find uid for user {user}: no such user: {user}")
        uid = found[0]
    gid = _go_atoi(group)
    if gid is None:
        if _read(fs, "/etc/group") is None:
            raise ChownError(prefix + f"can't find gid for group {group}: open /etc/group: no such file or directory")
        g = group_gid(fs, group)
        if g is None:
            raise ChownError(prefix + f"can't find gid for group {group}: no such group: {group}")
        gid = g
    return uid, gid
