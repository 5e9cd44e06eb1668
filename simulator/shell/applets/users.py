"""Account applets over /etc/passwd and /etc/group: id, whoami, adduser, addgroup (busybox
flavour, after loginutils/adduser.c and addgroup.c), useradd and groupadd (shadow-utils,
the common options only)."""

from __future__ import annotations

from ..ascii import isdigits as _isdigits

from ..io import decode, encode
from . import common
from .common import Ctx


def _read_table(fs, path: str) -> list[list[str]]:
    try:
        text = decode(fs.read(path))
    except (FileNotFoundError, IsADirectoryError):
        return []
    return [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]


def passwd_entries(fs) -> list[list[str]]:
    return [e for e in _read_table(fs, "/etc/passwd") if len(e) >= 4]


def group_entries(fs) -> list[list[str]]:
    return [e for e in _read_table(fs, "/etc/group") if len(e) >= 3]


def _by_name_or_number(entries, key: str, make):
    """The entry named `key`, else the one whose id field (the third) is `key`."""
    for e in entries:
        if e[0] == key:
            return make(e)
    if _isdigits(key):
        for e in entries:
            if e[2] == key:
                return make(e)
    return None


def _by_number(entries, number: int, make):
    for e in entries:
        if _isdigits(e[2]) and int(e[2]) == number:
            return make(e)
    return None


def lookup_user(fs, name_or_uid: str):
    """(name, uid, gid, home, shell) by name, else by number; None if absent."""
    return _by_name_or_number(passwd_entries(fs), name_or_uid, _user)


def user_by_uid(fs, uid: int):
    return _by_number(passwd_entries(fs), uid, _user)


def _user(e):
    return (e[0], int(e[2]) if _isdigits(e[2]) else 0, int(e[3]) if _isdigits(e[3]) else 0,
            e[5] if len(e) > 5 else "", e[6] if len(e) > 6 else "")


def lookup_group(fs, name_or_gid: str):
    """(name, gid, members) by name, else by number."""
    return _by_name_or_number(group_entries(fs), name_or_gid, _group)


def group_by_gid(fs, gid: int):
    return _by_number(group_entries(fs), gid, _group)


def _group(e):
    members = [m for m in (e[3].split(",") if len(e) > 3 else []) if m]
    return (e[0], int(e[2]) if _isdigits(e[2]) else 0, members)


def supplementary(fs, name: str, gid: int) -> list[int]:
    """The groups a login gets: its primary group, then /etc/group memberships in file order."""
    out = [gid]
    for e in group_entries(fs):
        g = _group(e)
        if name in g[2] and g[1] not in out:
            out.append(g[1])
    return out


def _fmt(num: int, name: str | None) -> str:
    return f"{num}({name})" if name is not None else str(num)


def args_order(args: list, ch: str) -> int:
    for i, a in enumerate(args):
        if a.startswith("-") and ch in a:
            return i * 100 + a.index(ch)
    return 1 << 30


def id_(ctx: Ctx) -> int:
    args = ctx.args[1:]
    opts = set()
    names = []
    for a in args:
        if a.startswith("-") and len(a) > 1:
            opts.update(a[1:])
        else:
            names.append(a)
    bad = sorted(opts - set("ugGnrZ"), key=lambda c: args_order(args, c))
    if bad:
        ctx.error(f"invalid option -- '{bad[0]}'")
        return common.usage(ctx)
    if "Z" in opts:
        raise common.NotModelled(f"id {' '.join(args)}")
    fs = ctx.fs
    if names:
        u = lookup_user(fs, names[0])
        if u is None:
            ctx.error(f"unknown user {names[0]}")
            return 1
        uid, gid, uname = u[1], u[2], u[0]
        groups = supplementary(fs, uname, gid)
    else:
        uid, gid = ctx.user[0], ctx.user[1]
        u = user_by_uid(fs, uid)
        uname = u[0] if u else None
        groups = list(ctx.user[3]) if len(ctx.user) > 3 else [gid]
    gname = (group_by_gid(fs, gid) or (None,))[0]
    if "u" in opts or "g" in opts:
        num, nm = (uid, uname) if "u" in opts else (gid, gname)
        if "n" in opts:
            if nm is None:  # busybox prints the number, then complains
                ctx.out(f"{num}\n")
                ctx.error(f"unknown ID {num}")
                return 1
            ctx.out(nm + "\n")
        else:
            ctx.out(f"{num}\n")
        return 0
    if "G" in opts:
        if not groups:  # no supplementary groups: the gid alone
            groups = [gid]
        if "n" in opts:
            names = [(group_by_gid(fs, g) or (None,))[0] for g in groups]
            ctx.out(" ".join(n if n is not None else str(g) for n, g in zip(names, groups)) + "\n")
            missing = [g for n, g in zip(names, groups) if n is None]
            if missing:
                ctx.error(f"unknown ID {missing[0]}")
                return 1
        else:
            ctx.out(" ".join(str(g) for g in groups) + "\n")
        return 0
    line = f"uid={_fmt(uid, uname)} gid={_fmt(gid, gname)}"
    if groups:
        line += " groups=" + ",".join(_fmt(g, (group_by_gid(fs, g) or (None,))[0]) for g in groups)
    ctx.out(line + "\n")
    return 0


def whoami(ctx: Ctx) -> int:
    u = user_by_uid(ctx.fs, ctx.user[0])
    if u is None:
        ctx.error(f"unknown uid {ctx.user[0]}")
        return 1
    ctx.out(u[0] + "\n")
    return 0


def _append_line(ctx: Ctx, path: str, line: str) -> None:
    fs = ctx.fs
    try:
        data = fs.read(path)
    except FileNotFoundError:
        data = b""
    if data and not data.endswith(b"\n"):
        data += b"\n"
    fs.write(path, data + encode(line + "\n"))


def _set_group_members(ctx: Ctx, group: str, user: str) -> None:
    fs = ctx.fs
    text = decode(fs.read("/etc/group"))
    out = []
    for line in text.splitlines():
        f = line.split(":")
        if len(f) >= 3 and f[0] == group:
            while len(f) < 4:
                f.append("")
            members = [m for m in f[3].split(",") if m]
            if user not in members:
                members.append(user)
            f[3] = ",".join(members)
            line = ":".join(f)
        out.append(line)
    fs.write("/etc/group", encode("\n".join(out) + "\n"))


def _shadow_unknown(ctx: Ctx, prog: str) -> None:
    # the shadow entry holds the day of creation: unknowable, so the file becomes unknown
    if ctx.fs.stat("/etc/shadow") is not None:
        ctx.fs.mark_unknown(f"{prog}: /etc/shadow entry holds the creation date", ["/etc/shadow"])


def _free_id(used: set, start: int, end: int) -> int | None:
    for n in range(start, end + 1):
        if n not in used:
            return n
    return None


def addgroup(ctx: Ctx) -> int:
    args = ctx.args[1:]
    gid = None
    system = False
    rest = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-g" and i + 1 < len(args):
            gid = int(args[i + 1])
            i += 2
            continue
        if a == "-S":
            system = True
        elif a.startswith("-"):
            raise common.NotModelled(f"addgroup {a}", changes_fs=True)
        else:
            rest.append(a)
        i += 1
    if not rest:
        return 1
    if ctx.user[0] != 0:
        ctx.error("permission denied (are you root?)")
        return 1
    if len(rest) == 2:  # addgroup USER GROUP: add a member
        user, group = rest
        if lookup_user(ctx.fs, user) is None:
            ctx.error(f"unknown user '{user}'")
            return 1
        if lookup_group(ctx.fs, group) is None:
            ctx.error(f"unknown group '{group}'")
            return 1
        _set_group_members(ctx, group, user)
        return 0
    name = rest[0]
    if lookup_group(ctx.fs, name) is not None:
        ctx.error(f"group '{name}' in use")
        return 1
    used = {g[1] for g in map(_group, group_entries(ctx.fs))}
    if gid is None:
        gid = _free_id(used, 100, 999) if system else _free_id(used, 1000, 60000)
    elif gid in used:
        ctx.error(f"gid '{gid}' in use")
        return 1
    _append_line(ctx, "/etc/group", f"{name}:x:{gid}:")
    return 0


def adduser(ctx: Ctx) -> int:
    args = ctx.args[1:]
    home = gecos = None
    shell = "/bin/sh"
    group = None
    uid = None
    flags = set()
    rest = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-h", "-g", "-s", "-G", "-u", "-k") and i + 1 < len(args):
            v = args[i + 1]
            if a == "-h":
                home = v
            elif a == "-g":
                gecos = v
            elif a == "-s":
                shell = v
            elif a == "-G":
                group = v
            elif a == "-u":
                uid = int(v)
            i += 2
            continue
        if a.startswith("-") and len(a) > 1:
            if set(a[1:]) - set("DSH"):
                raise common.NotModelled(f"adduser {a}", changes_fs=True)
            flags.update(a[1:])
        else:
            rest.append(a)
        i += 1
    if not rest:
        return 1
    if len(rest) == 2:  # adduser USER GROUP
        return addgroup(ctx.__class__(["addgroup"] + rest, ctx.fds, ctx.env, ctx.shell))
    if "D" not in flags:
        # busybox then runs `passwd`, which needs a terminal: not modelled
        raise common.NotModelled("adduser without -D runs passwd", changes_fs=True)
    name = rest[0]
    fs = ctx.fs
    if lookup_user(fs, name) is not None:
        ctx.error(f"user '{name}' in use")
        return 1
    users = {u[1] for u in map(_user, passwd_entries(fs))}
    groups = {g[1] for g in map(_group, group_entries(fs))}
    gid = None
    if group:
        g = lookup_group(fs, group)
        if g is None:
            ctx.error(f"unknown group {group}")
            return 1
        gid = g[1]
    if uid is None:
        lo, hi = (100, 999) if "S" in flags else (1000, 60000)
        uid = lo
        while uid in users or (gid is None and uid in groups):
            uid += 1
        if uid > hi:
            ctx.error("no free uids left")
            return 1
    if gid is None:
        if "S" in flags:
            g = lookup_group(fs, "nogroup")
            gid = g[1] if g else uid
            if g is None:
                _append_line(ctx, "/etc/group", f"{name}:x:{uid}:")
        else:
            if lookup_group(fs, name) is not None:
                ctx.error(f"group name '{name}' is in use")
                return 1
            gid = uid
            _append_line(ctx, "/etc/group", f"{name}:x:{gid}:")
    home = home or f"/home/{name}"
    gecos = gecos if gecos is not None else "Linux User,,,"
    _append_line(ctx, "/etc/passwd", f"{name}:x:{uid}:{gid}:{gecos}:{home}:{shell}")
    if group:
        _set_group_members(ctx, group, name)
    _shadow_unknown(ctx, "adduser")
    if "H" not in flags and fs.stat(home) is None:
        try:
            fs.mkdir(home, 0o755, parents=True, uid=uid, gid=gid)
            fs.chown(home, uid, gid)
        except (FileExistsError, FileNotFoundError):
            pass
    return 0


def groupadd(ctx: Ctx) -> int:
    args = ctx.args[1:]
    gid = None
    system = False
    rest = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-g", "--gid") and i + 1 < len(args):
            gid = int(args[i + 1])
            i += 2
            continue
        if a in ("-r", "--system"):
            system = True
        elif a in ("-f", "--force"):
            pass
        elif a.startswith("-"):
            raise common.NotModelled(f"groupadd {a}", changes_fs=True)
        else:
            rest.append(a)
        i += 1
    if len(rest) != 1:
        return 2
    name = rest[0]
    if lookup_group(ctx.fs, name) is not None:
        ctx.error(f"group '{name}' already exists")
        return 9
    used = {g[1] for g in map(_group, group_entries(ctx.fs))}
    if gid is None:
        if system:
            gid = next((n for n in range(999, 99, -1) if n not in used), None)
        else:
            gid = max([g for g in used if 1000 <= g <= 60000], default=999) + 1
    elif gid in used:
        ctx.error(f"GID '{gid}' already exists")
        return 4
    _add_group_line(ctx, name, gid, without_gshadow="x")
    return 0


def _add_group_line(ctx: Ctx, name: str, gid: int, without_gshadow: str) -> None:
    """shadow-utils: password field "x" when /etc/gshadow exists (which gets `name:!::`);
    without it groupadd still writes "x" but useradd's user group gets "!" (observed)."""
    if ctx.fs.stat("/etc/gshadow") is not None:
        _append_line(ctx, "/etc/group", f"{name}:x:{gid}:")
        _append_line(ctx, "/etc/gshadow", f"{name}:!::")
    else:
        _append_line(ctx, "/etc/group", f"{name}:{without_gshadow}:{gid}:")


def useradd(ctx: Ctx) -> int:
    args = ctx.args[1:]
    opts: dict = {}
    flags = set()
    rest = []
    i = 0
    valued = {"-u": "uid", "--uid": "uid", "-g": "gid", "--gid": "gid", "-d": "home",
              "--home-dir": "home", "-s": "shell", "--shell": "shell", "-c": "comment",
              "--comment": "comment", "-G": "groups", "--groups": "groups"}
    while i < len(args):
        a = args[i]
        if a in valued and i + 1 < len(args):
            opts[valued[a]] = args[i + 1]
            i += 2
            continue
        if a in ("-m", "--create-home", "-M", "--no-create-home", "-r", "--system", "-N",
                 "--no-user-group", "-U", "--user-group", "-l", "--no-log-init"):
            flags.add(a.lstrip("-")[:1] if a.startswith("--") is False else {
                "create-home": "m", "no-create-home": "M", "system": "r", "no-user-group": "N",
                "user-group": "U", "no-log-init": "l"}[a[2:]])
        elif a.startswith("-"):
            raise common.NotModelled(f"useradd {a}", changes_fs=True)
        else:
            rest.append(a)
        i += 1
    if len(rest) != 1:
        return 2
    name = rest[0]
    fs = ctx.fs
    if lookup_user(fs, name) is not None:
        ctx.error(f"user '{name}' already exists")
        return 9
    users = {u[1] for u in map(_user, passwd_entries(fs))}
    system = "r" in flags
    if "uid" in opts:
        uid = int(opts["uid"])
    elif system:
        uid = next((n for n in range(999, 99, -1) if n not in users), 999)
    else:
        uid = max([u for u in users if 1000 <= u <= 60000], default=999) + 1
    if "gid" in opts:
        g = lookup_group(fs, opts["gid"])
        if g is None:
            ctx.error(f"group '{opts['gid']}' does not exist")
            return 6
        gid = g[1]
    elif "N" in flags:
        gid = 100
    else:
        if lookup_group(fs, name) is not None:
            ctx.error(f"group {name} exists - if you want to add this user to that group, use -g.")
            return 9
        used = {g[1] for g in map(_group, group_entries(fs))}
        if uid not in used:
            gid = uid
        elif system:
            gid = next((n for n in range(999, 99, -1) if n not in used), 999)
        else:
            gid = max([g for g in used if 1000 <= g <= 60000], default=999) + 1
        _add_group_line(ctx, name, gid, without_gshadow="!")
    home = opts.get("home", f"/home/{name}")
    shell = opts.get("shell", "/bin/sh")
    has_shadow = fs.stat("/etc/shadow") is not None
    _append_line(ctx, "/etc/passwd",
                 f"{name}:{'x' if has_shadow else '!'}:{uid}:{gid}:{opts.get('comment', '')}:{home}:{shell}")
    for grp in [g for g in opts.get("groups", "").split(",") if g]:
        if lookup_group(fs, grp) is None:
            ctx.error(f"group '{grp}' does not exist")
            return 6
        _set_group_members(ctx, grp, name)
    _shadow_unknown(ctx, "useradd")
    if "m" in flags and fs.stat(home) is None:
        fs.mkdir(home, 0o755, parents=True, uid=uid, gid=gid)
        fs.chown(home, uid, gid)
        if fs.stat("/etc/skel") is not None:
            ctx.fs.mark_unknown("useradd -m copies /etc/skel", [home])
    return 0


APPLETS = {"id": id_, "whoami": whoami, "adduser": adduser, "addgroup": addgroup,
           "useradd": useradd, "groupadd": groupadd}
# shadow-utils programs recognised by their path (ELF binaries the simulator models)
KNOWN_PROGRAMS = {"/usr/sbin/useradd": "useradd", "/usr/sbin/groupadd": "groupadd",
                  "/sbin/useradd": "useradd", "/sbin/groupadd": "groupadd"}
