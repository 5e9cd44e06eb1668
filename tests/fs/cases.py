"""COPY/ADD/WORKDIR cases: a context and the Dockerfile lines after `FROM` (tests only).

Every case starts with `COPY seed/ /`, which lays down an /etc/passwd and /etc/group
with a user whose primary group differs from its same-named group (`svc`), a 0700 dir,
a file and a symlink under /opt, so that the later lines meet existing paths."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile

SEED = {
    "seed/etc/passwd": b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n"
                       b"app:x:1000:1000:app:/home/app:/bin/sh\nsvc:x:2000:50::/:/bin/sh\n",
    "seed/etc/group": b"root:x:0:\nnobody:x:65534:\napp:x:1000:\nstaff:x:50:\nsvc:x:3000:\n",
    "seed/opt": ("dir", 0o755),
    "seed/opt/exist": ("dir", 0o700),
    "seed/opt/exist/old": ("file", b"old\n", 0o640),
    "seed/opt/afile": b"file\n",
    "seed/opt/lnk": ("symlink", "exist"),
}


def tarball(members, comp=None) -> bytes:
    """members: (name, "f", data[, mode[, uid]]) | (name, "d", mode) | (name, "l", target) | (name, "h", target)."""
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.GNU_FORMAT) as t:
        for m in members:
            name, kind = m[0], m[1]
            ti = tarfile.TarInfo(name)
            ti.mtime = 1_600_000_000
            if kind == "f":
                ti.size = len(m[2])
                ti.mode = m[3] if len(m) > 3 else 0o644
                ti.uid = ti.gid = m[4] if len(m) > 4 else 0
                t.addfile(ti, io.BytesIO(m[2]))
            elif kind == "d":
                ti.type, ti.mode = tarfile.DIRTYPE, m[2]
                t.addfile(ti)
            elif kind == "l":
                ti.type, ti.linkname = tarfile.SYMTYPE, m[2]
                t.addfile(ti)
            elif kind == "h":
                ti.type, ti.linkname = tarfile.LNKTYPE, m[2]
                t.addfile(ti)
    data = b.getvalue()
    return {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress, None: lambda x: x}[comp](data)


STD = {**SEED, "a.txt": b"hello\n", "b.txt": b"bbb", "sub": ("dir", 0o700), "sub/x": ("file", b"xx", 0o600),
       "sub/in/y": b"yyy", "sub/ln": ("symlink", "x"), "sub/dangling": ("symlink", "nowhere"),
       ".hidden": b"h", "exe": ("file", b"#!/bin/sh\n", 0o4755)}
ARC = [("top", "d", 0o750), ("top/f", "f", b"content", 0o640, 1000), ("top/l", "l", "f"),
       ("top/h", "h", "top/f"), ("other.txt", "f", b"o")]

# name: (context files, Dockerfile lines after FROM and the seed COPY)
CASES = {
    "dirmode": (STD, ["COPY sub /newsub", "COPY sub /opt/exist", "COPY sub /opt/lnk/"]),
    "chown": (STD, ["COPY --chown=svc a.txt /c1", "COPY --chown=svc sub /c2", "COPY --chown=svc:app a.txt /c3/",
                    "COPY --chown=2000:staff a.txt /deep/er/c4", "COPY --chown=root:1000 b.txt /c5"]),
    "chown_unknown_user": (STD, ["COPY --chown=nosuch a.txt /c1"]),
    "chown_unknown_group": (STD, ["COPY --chown=app:nosuch a.txt /c1"]),
    "chmod": (STD, ["COPY --chmod=751 a.txt sub /m/", "COPY --chmod=600 exe /m2"]),
    "wildcard_none": (STD, ["COPY *.none /w/", "COPY a.txt /w2"]),
    "wildcard_dangling": (STD, ["COPY *.txt /w/", "COPY s*/* /w2/"]),
    "wildcards": (STD, ["COPY *.txt /w/", "COPY s*/i* /w2/", "COPY .h* ex? /w3/", "COPY [ab].txt /w4/"]),
    "missing": (STD, ["COPY nothere /x"]),
    "multi_no_slash": (STD, ["COPY a.txt b.txt /x"]),
    "clamp_dotdot": (STD, ["COPY ../a.txt /c1"]),
    "clamp": (STD, ["COPY /sub/../b.txt /c2", "COPY ./ /all/"]),
    "onto_dir": (STD, ["COPY a.txt /opt", "COPY a.txt /opt/exist", "COPY b.txt /opt/lnk"]),
    "dir_onto_file": (STD, ["COPY sub /opt/afile"]),
    "file_into_new_dir": (STD, ["COPY sub /d/", "COPY a.txt /d/in", "COPY b.txt /d/in/"]),
    "workdir": (STD, ["WORKDIR /wd", "COPY a.txt .", "COPY b.txt rel/", "WORKDIR sub2", "COPY sub ./",
                      "USER app", "WORKDIR /wd/own", "WORKDIR /opt/exist", "WORKDIR /tmp"]),
    "add_archives": ({**STD, "p.tar": tarball(ARC), "g.tgz": tarball(ARC, "gz"), "b.tbz": tarball(ARC, "bz2"),
                      "x.txz": tarball(ARC, "xz"), "fake.tar.gz": b"not a tarball"},
                     ["ADD p.tar /p", "ADD g.tgz /g/", "ADD b.tbz /b", "ADD x.txz /x", "ADD fake.tar.gz /f/",
                      "ADD --chown=app g.tgz /gc", "ADD a.txt /plain", "ADD sub /addsub"]),
    "add_into_existing": ({**STD, "p.tar": tarball([("exist/new", "f", b"n"), ("afile", "f", b"replaced")])},
                          ["ADD p.tar /opt/"]),
    "add_escape": ({**SEED, "h.tar": tarball([("../../esc", "f", b"E"), ("/abs/f", "f", b"A"),
                                              ("ok/../ok2", "f", b"K"), ("./rel", "f", b"R")])},
                   ["ADD h.tar /h/"]),
    "add_symlink_out": ({**SEED, "s.tar": tarball([("up", "l", "/etc"), ("up/evil", "f", b"X"),
                                                   ("rel", "l", "../../../etc"), ("rel/evil2", "f", b"Y")])},
                        ["ADD s.tar /s/"]),
    "symlinks": (STD, ["COPY sub/ln /ln_followed", "COPY sub/in /in_dir", "COPY sub/in/ /opt/lnk/"]),
    "dot_dest": (STD, ["COPY a.txt ."]),
    "replace_symlink": (STD, ["COPY a.txt /opt/lnk"]),
    "context_symlink_out": ({**SEED, "out": ("symlink", "/etc/passwd"), "up": ("symlink", "../../x"),
                             "d/inner": ("symlink", "../../../../etc")},
                            ["COPY d /d", "COPY out /o1"]),
    "symlink_loop": ({**SEED, "a": ("symlink", "b"), "b": ("symlink", "a")}, ["COPY a /x"]),
    "symlink_loop_in_dir": ({**SEED, "d/a": ("symlink", "b"), "d/b": ("symlink", "a")}, ["COPY d /x"]),
    "hardlinks": ({**SEED, "h/a": b"hello\n", "h/b": ("hardlink", "h/a"), "h/d/c": ("hardlink", "h/a"),
                   "top": ("hardlink", "h/a")},
                  ["COPY h /hh", "COPY h/d /only_d", "COPY h/b /single", "COPY --chown=app h /hc/", "COPY . /all/"]),
    "parent_is_file": (STD, ["COPY a.txt /dst", "COPY b.txt /dst/"]),
    "parent_is_file_deep": (STD, ["COPY a.txt /dst", "COPY b.txt /dst/x/y"]),
    "dir_parent_is_file": (STD, ["COPY a.txt /f", "COPY sub /f/x"]),
    "add_parent_is_file": ({**STD, "p.tar": tarball([("m", "f", b"m")])}, ["COPY a.txt /f", "ADD p.tar /f/x/"]),
    "dir_parent_is_file_slash": (STD, ["COPY a.txt /f", "COPY sub /f/x/"]),
    "hardlinks_two_sources": ({**SEED, "c.md": b"c", "d/sub/hl": ("hardlink", "c.md"), "d/x": b"x"},
                              ["COPY d/* d* /opt/new/", "COPY c.md d /two/"]),
}
