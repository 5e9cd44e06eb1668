"""What running a container leaves in a RUN layer by itself, before the command does
anything (engine 20.10, measured: tests/fs/test_runmounts.py).

BuildKit runs RUN on the layer itself: runc creates the mount points /dev, /proc and
/sys when the image lacks them (0755 root dirs that stay in the layer), and BuildKit's
stubs for /etc/hosts, /etc/resolv.conf and /etc/hostname are created and removed again,
which copies /etc up whenever one of the three is missing. The classic builder runs the
container over an init layer that is never committed: nothing is left."""

from __future__ import annotations

from .entry import DIR, Entry

MOUNT_DIRS = ("/dev", "/proc", "/sys")
ETC_STUBS = ("/etc/hosts", "/etc/resolv.conf", "/etc/hostname")


def apply_run_mounts(fs, builder: str = "buildkit") -> None:
    """Record in `fs` (a WorkingFS over the RUN's root) what the container setup leaves."""
    if builder == "legacy":
        return
    for d in MOUNT_DIRS:
        if fs.lstat_entry(d) is None:
            fs.put(d, Entry(DIR, 0o755, 0, 0, data=None, size=0))
    etc = fs.lstat_entry("/etc")
    if etc is None:
        fs.put("/etc", Entry(DIR, 0o755, 0, 0, data=None, size=0))
    elif etc.kind == DIR and any(fs.lstat_entry(p) is None for p in ETC_STUBS):
        fs.put("/etc", etc)
