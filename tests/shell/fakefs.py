"""A busybox-like root filesystem built in memory on the fs helper's WorkingFS, shaped
like the test image (static busybox, applet symlinks in /bin, passwd/group with root,
nobody and app, /tmp 1777)."""

from __future__ import annotations

from simulator.fs.working import WorkingFS
from simulator.shell.busybox import BUSYBOX_APPLETS

PASSWD = ("root:x:0:0:root:/root:/bin/sh\n"
          "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
          "app:x:1000:1000:app:/home/app:/bin/sh\n")
GROUP = "root:x:0:\nnobody:x:65534:\napp:x:1000:\n"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def busybox_fs() -> WorkingFS:
    fs = WorkingFS()
    for d in ("/bin", "/etc", "/root", "/home", "/home/app", "/usr", "/usr/bin", "/sbin",
              "/usr/sbin", "/dev", "/proc", "/sys"):
        fs.mkdir(d, 0o755 if d != "/root" else 0o700, parents=True)
    fs.mkdir("/tmp", 0o1777)
    fs.chmod("/tmp", 0o1777)
    fs.chown("/home/app", 1000, 1000)
    fs.write("/bin/busybox", b"\x7fELF" + b"\0" * 60, mode=0o755)
    for name in sorted(BUSYBOX_APPLETS):
        if name != "busybox":
            fs.symlink("busybox", "/bin/" + name)
    fs.write("/etc/passwd", PASSWD.encode(), mode=0o644)
    fs.write("/etc/group", GROUP.encode(), mode=0o644)
    return fs
