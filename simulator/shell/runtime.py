"""What the runtime adds to a container's filesystem while a process runs, without
writing it into any layer: the /dev, /proc and /sys mounts and the files Docker
bind-mounts into /etc.

Observed on Docker 20.10.24 (dsim/busybox:1.35, --network none):
- `docker run` and the classic builder's RUN ("container"): `/.dockerenv` (empty, 0755),
  /etc/hostname (the random container id), /etc/hosts (depends on the network mode),
  /etc/resolv.conf (the host's), /etc/mtab -> /proc/mounts.
- BuildKit's RUN ("buildkit"): no /.dockerenv, hostname or mtab; /etc/hosts is
  "127.0.0.1 localhost buildkitsandbox / ::1 localhost ip6-localhost ip6-loopback";
  /etc/resolv.conf is the host's.
- both: /dev holds fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom
  zero; what /proc and /sys hold is not modelled (reading there is "unknown")."""

from __future__ import annotations

import posixpath

from ..fs.protocol import Stat, UnknownContent

MOUNTS = {"/dev": Stat("dir", 0o755), "/proc": Stat("dir", 0o555), "/sys": Stat("dir", 0o555)}
DEV = {
    "fd": Stat("symlink", 0o777, target="/proc/self/fd"), "full": Stat("char", 0o666),
    "mqueue": Stat("dir", 0o1777), "null": Stat("char", 0o666),
    "ptmx": Stat("symlink", 0o777, target="pts/ptmx"), "pts": Stat("dir", 0o755),
    "random": Stat("char", 0o666), "shm": Stat("dir", 0o1777),
    "stderr": Stat("symlink", 0o777, target="/proc/self/fd/2"),
    "stdin": Stat("symlink", 0o777, target="/proc/self/fd/0"),
    "stdout": Stat("symlink", 0o777, target="/proc/self/fd/1"), "tty": Stat("char", 0o666),
    "urandom": Stat("char", 0o666), "zero": Stat("char", 0o666),
}
BUILDKIT_HOSTS = b"127.0.0.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n"
UNKNOWN = None  # content marker: the file exists, its content is not knowable


def _files(kind: str) -> dict:
    """path -> (Stat, content bytes or UNKNOWN) for the bind-mounted files."""
    if kind == "buildkit":
        return {"/etc/hosts": (Stat("file", 0o644, size=len(BUILDKIT_HOSTS)), BUILDKIT_HOSTS),
                "/etc/resolv.conf": (Stat("file", 0o644, size=None), UNKNOWN)}
    return {"/.dockerenv": (Stat("file", 0o755, size=0), b""),
            "/etc/hostname": (Stat("file", 0o644, size=13), UNKNOWN),
            "/etc/hosts": (Stat("file", 0o644, size=None), UNKNOWN),
            "/etc/resolv.conf": (Stat("file", 0o644, size=None), UNKNOWN),
            "/etc/mtab": (Stat("symlink", 0o777, size=12, target="/proc/mounts"), UNKNOWN)}


def _norm(path: str) -> str:
    p = posixpath.normpath("/" + path.lstrip("/"))
    return "/" + p.lstrip("/")


class RuntimeFS:
    """The FS protocol over `fs` plus the runtime's mounts; everything else delegates."""

    def __init__(self, fs, kind: str = "container"):
        self.fs = fs
        self.kind = kind
        self.files = _files(kind)
        self.reason = f"provided by the runtime ({kind}); content not modelled"

    def __getattr__(self, name):  # commit(), merged(), ... of the wrapped FS
        return getattr(self.fs, name)

    def _virtual(self, p: str):
        """(Stat, content) of a runtime path, ("unknown", None) below /proc and /sys, or None."""
        if p in MOUNTS:
            return MOUNTS[p], UNKNOWN
        if p in self.files:
            return self.files[p]
        top = "/" + p.split("/")[1]
        if top in ("/proc", "/sys"):
            raise UnknownContent(p, self.reason)
        if top == "/dev":
            rest = p[len("/dev/"):]
            if rest in DEV:
                return DEV[rest], (b"" if rest == "null" else UNKNOWN)
            if rest.split("/")[0] in ("pts", "shm", "mqueue"):
                raise UnknownContent(p, self.reason)
            return ("absent", None)
        return None

    def _resolve(self, path: str, follow: bool) -> str:
        p = _norm(path)
        parts = p.strip("/").split("/")
        # resolve symlinks in the directories on the way (and the last one when following)
        try:
            parent = self.fs.realpath(posixpath.dirname(p)) if p != "/" else "/"
        except UnknownContent:
            raise
        p = _norm(posixpath.join(parent, parts[-1])) if p != "/" else "/"
        if follow:
            for _ in range(40):
                v = self._virtual(p)
                st = v[0] if v and v[0] != "absent" else (None if v else self.fs.stat(p, follow=False))
                if st is None or st.type != "symlink" or st.target is None:
                    break
                p = _norm(posixpath.join(posixpath.dirname(p), st.target))
        return p

    # ---- reading -------------------------------------------------------------------
    def stat(self, path: str, follow: bool = True):
        p = self._resolve(path, follow)
        v = self._virtual(p)
        if v is not None:
            return None if v[0] == "absent" else v[0]
        return self.fs.stat(p, follow=False) if not follow else self.fs.stat(p)

    def read(self, path: str) -> bytes:
        p = self._resolve(path, True)
        v = self._virtual(p)
        if v is None:
            return self.fs.read(p)
        if v[0] == "absent":
            raise FileNotFoundError(p)
        if v[0].type == "dir":
            raise IsADirectoryError(p)
        if v[1] is UNKNOWN:
            raise UnknownContent(p, self.reason)
        return v[1]

    def listdir(self, path: str) -> list:
        p = self._resolve(path, True)
        if p == "/dev":
            return sorted(DEV)
        v = self._virtual(p)
        if v is not None and p not in MOUNTS:
            if v[0] == "absent":
                raise FileNotFoundError(p)
            raise NotADirectoryError(p)
        if p in ("/proc", "/sys"):
            raise UnknownContent(p, self.reason)
        names = set(self.fs.listdir(p))
        for extra in list(MOUNTS) + list(self.files):
            if posixpath.dirname(extra) == p:
                names.add(posixpath.basename(extra))
        return sorted(names)

    def realpath(self, path: str) -> str:
        return self._resolve(path, True)

    # ---- writing: the runtime's files are not part of any layer ------------------------
    def _is_runtime(self, path: str) -> bool:
        p = _norm(path)
        return p in self.files or p in MOUNTS or p.split("/")[1] in ("dev", "proc", "sys")

    def write(self, path, data, mode=None, append=False, uid=None, gid=None):
        if self._is_runtime(path):
            return
        self.fs.write(path, data, mode=mode, append=append, uid=uid, gid=gid)

    def mkdir(self, path, mode=0o755, parents=False, uid=0, gid=0):
        if self._is_runtime(path):
            if _norm(path) in MOUNTS and not parents:
                raise FileExistsError(path)
            return
        self.fs.mkdir(path, mode, parents=parents, uid=uid, gid=gid)

    def remove(self, path, recursive=False):
        if self._is_runtime(path):
            raise PermissionError(path)
        self.fs.remove(path, recursive=recursive)

    def rename(self, src, dst):
        self.fs.rename(src, dst)

    def symlink(self, target, path):
        self.fs.symlink(target, path)

    def link(self, existing, path):
        self.fs.link(existing, path)

    def chmod(self, path, mode):
        if not self._is_runtime(path):
            self.fs.chmod(path, mode)

    def chown(self, path, uid, gid, follow=True):
        if not self._is_runtime(path):
            self.fs.chown(path, uid, gid, follow)

    def mark_unknown(self, reason, paths=None):
        self.fs.mark_unknown(reason, paths)
