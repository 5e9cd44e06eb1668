"""Base images written in pure Python as deterministic `docker save` tarballs.

Every byte is a function of the inputs (the busybox binary and the specs below): tar
entries are sorted, mtimes/uids/names fixed, JSON is serialised with sorted keys, and the
image `created` dates are constants.  The same tarball is `docker load`ed into the engine
and handed to the simulator as `--base-image REF=PATH`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Iterable

import attrs

#: Fixed timestamp for every tar entry (2024-01-01T00:00:00Z).
EPOCH = 1704067200
CREATED = "2024-01-01T00:00:00Z"
DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox")
#: sha256 of Debian bookworm's busybox-static 1:1.35.0-4+deb12u1+b1 /bin/busybox, the
#: binary the corpus was recorded with.  Another binary still works but changes digests.
KNOWN_BUSYBOX_SHA256 = "3d9f2889d6782537624a4e1a10e68a2ddd53e0ee8bac02676f27308f42ec6bf6"

PASSWD = (
    "root:x:0:0:root:/root:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
    "app:x:1000:1000:app:/home/app:/bin/sh\n"
)
GROUP = "root:x:0:\nnobody:x:65534:\napp:x:1000:\n"


@attrs.frozen
class FileSpec:
    """One entry of a layer: `kind` is "dir", "file" or "symlink"."""

    path: str  # relative, no leading slash
    kind: str
    mode: int = 0o755
    uid: int = 0
    gid: int = 0
    data: bytes = b""
    linkname: str = ""


@attrs.frozen
class ImageSpec:
    ref: str
    layers: tuple[tuple[FileSpec, ...], ...]
    config: dict = attrs.field(eq=False)
    history: tuple[dict, ...] = ()


class BaseImageError(Exception):
    pass


def find_busybox() -> Path:
    """The static busybox binary on this machine (Debian's busybox-static)."""
    env = os.environ.get("DSIM_BUSYBOX")
    for cand in ((env,) if env else ()) + BUSYBOX_CANDIDATES:
        p = Path(cand)
        if p.is_file() and os.access(p, os.X_OK):
            return p
    raise BaseImageError("no static busybox binary found (install Debian's busybox-static)")


def applet_paths(busybox: Path) -> list[str]:
    """Install paths of every applet, as `busybox --list-full` prints them."""
    out = subprocess.run([str(busybox), "--list-full"], capture_output=True, text=True, check=True)
    paths = sorted({line.strip() for line in out.stdout.splitlines() if "/" in line.strip()})
    return [p for p in paths if p != "bin/busybox"]


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def busybox_layer(busybox: Path) -> tuple[FileSpec, ...]:
    data = busybox.read_bytes()
    entries: dict[str, FileSpec] = {}

    def add(spec: FileSpec) -> None:
        for parent in _parents(spec.path):
            entries.setdefault(parent, FileSpec(parent, "dir", 0o755))
        entries[spec.path] = spec

    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "etc", "home", "var"):
        add(FileSpec(d, "dir", 0o755))
    add(FileSpec("root", "dir", 0o700))
    add(FileSpec("tmp", "dir", 0o1777))
    add(FileSpec("home/app", "dir", 0o755, 1000, 1000))
    add(FileSpec("bin/busybox", "file", 0o755, data=data))
    for applet in applet_paths(busybox):
        folder, _, _ = applet.rpartition("/")
        link = "busybox" if folder == "bin" else "../" * (folder.count("/") + 1) + "bin/busybox"
        add(FileSpec(applet, "symlink", 0o777, linkname=link))
    add(FileSpec("etc/passwd", "file", 0o644, data=PASSWD.encode()))
    add(FileSpec("etc/group", "file", 0o644, data=GROUP.encode()))
    return tuple(entries[k] for k in sorted(entries))


def layer_tar(files: Iterable[FileSpec]) -> bytes:
    """A layer tarball with fixed metadata, entries in the given (sorted) order."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for f in files:
            info = tarfile.TarInfo(f.path + ("/" if f.kind == "dir" else ""))
            info.mtime = EPOCH
            info.mode = f.mode
            info.uid, info.gid = f.uid, f.gid
            info.uname = info.gname = ""
            if f.kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif f.kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = f.linkname
                tar.addfile(info)
            else:
                info.size = len(f.data)
                tar.addfile(info, io.BytesIO(f.data))
    return buf.getvalue()


def _dumps(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def save_tarball(spec: ImageSpec) -> bytes:
    """The image as a `docker save` tarball (manifest.json + config + layer tars)."""
    layer_blobs = [layer_tar(files) for files in spec.layers]
    diff_ids = ["sha256:" + hashlib.sha256(b).hexdigest() for b in layer_blobs]
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": CREATED,
        "config": spec.config,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": list(spec.history),
    }
    config_blob = _dumps(config)
    config_name = hashlib.sha256(config_blob).hexdigest() + ".json"
    layer_names = [d.split(":", 1)[1] + "/layer.tar" for d in diff_ids]
    manifest = [{"Config": config_name, "RepoTags": [spec.ref], "Layers": layer_names}]
    members: list[tuple[str, bytes | None]] = [(config_name, config_blob)]
    for name, blob in zip(layer_names, layer_blobs):
        members.append((name.split("/")[0], None))
        members.append((name, blob))
    members.append(("manifest.json", _dumps(manifest)))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        seen = set()
        for name, blob in members:
            if name in seen:
                continue
            seen.add(name)
            info = tarfile.TarInfo(name)
            info.mtime = EPOCH
            info.uname = info.gname = ""
            if blob is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                info.mode, info.size = 0o644, len(blob)
                tar.addfile(info, io.BytesIO(blob))
    return buf.getvalue()


# --- the images -------------------------------------------------------------------------

def _row(created_by: str, empty: bool = False) -> dict:
    row = {"created": CREATED, "created_by": created_by, "comment": "dsim baseimage"}
    if empty:
        row["empty_layer"] = True
    return row


def image_specs(busybox: Path | None = None) -> list[ImageSpec]:
    """All base images, documented in corpus/README.md (keep the two in step)."""
    bb = busybox_layer(busybox or find_busybox())
    base_rows = (_row("dsim: static busybox 1.35, applet symlinks, /etc/passwd, /etc/group"),)
    images = [
        ImageSpec(
            "dsim/busybox:1.35", (bb,),
            {"Env": [DEFAULT_PATH], "Cmd": ["sh"]},
            base_rows + (_row('dsim: CMD ["sh"]', True),),
        )
    ]
    srv = (
        FileSpec("srv", "dir", 0o755),
        FileSpec("srv/app", "dir", 0o755),
        FileSpec("srv/app/greeting.txt", "file", 0o644, data=b"hello from dsim/configured\n"),
        FileSpec("srv/app/owned-by-app.txt", "file", 0o640, 1000, 1000, data=b"app's file\n"),
        FileSpec("srv/app/run.sh", "file", 0o755, data=b"#!/bin/sh\necho \"run.sh: $*\"\n"),
    )
    images.append(ImageSpec(
        "dsim/configured:1", (bb, srv),
        {
            "Env": [DEFAULT_PATH, "GREETING=hello from base", "MODE=base", "APP_HOME=/srv/app"],
            "Cmd": ["from-base-cmd"],
            "Entrypoint": ["/bin/echo", "base-entrypoint"],
            "WorkingDir": "/srv/app",
            "Labels": {"org.dsim.base": "configured", "org.dsim.tier": "base"},
            "ExposedPorts": {"53/udp": {}, "8080/tcp": {}},
            "StopSignal": "SIGQUIT",
            "Shell": ["/bin/sh", "-ec"],
            "Volumes": {"/var/lib/dsim": {}},
            "Healthcheck": {"Test": ["CMD", "/bin/true"], "Interval": 10000000000, "Retries": 2},
        },
        base_rows + (_row("dsim: /srv/app files"), _row("dsim: rich config", True)),
    ))
    images.append(ImageSpec(
        "dsim/app-user:1", (bb,),
        {"Env": [DEFAULT_PATH], "Cmd": ["sh"], "User": "app", "WorkingDir": "/home/app"},
        base_rows + (_row("dsim: USER app, WORKDIR /home/app", True),),
    ))
    images.append(ImageSpec(
        "dsim/onbuild:1", (bb,),
        {
            "Env": [DEFAULT_PATH],
            "Cmd": ["sh"],
            "OnBuild": ["ENV ONBUILD_FIRED=yes", "LABEL org.dsim.onbuild=fired",
                        "WORKDIR /triggered"],
        },
        base_rows + (_row("dsim: ONBUILD triggers", True),),
    ))
    return images


def cache_dir() -> Path:
    env = os.environ.get("DSIM_CACHE")
    root = Path(env) if env else Path.home() / ".cache" / "dockersim"
    return root / "images"


def tarball_name(ref: str) -> str:
    return ref.replace("/", "_").replace(":", "_") + ".tar"


def write_all(directory: Path | None = None, busybox: Path | None = None) -> dict[str, Path]:
    """(Re)write every base image tarball; returns {ref: path}."""
    directory = directory or cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for spec in image_specs(busybox):
        path = directory / tarball_name(spec.ref)
        blob = save_tarball(spec)
        if not path.exists() or path.read_bytes() != blob:
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(blob)
            tmp.replace(path)
        out[spec.ref] = path
    return out


def base_image_paths(directory: Path | None = None) -> dict[str, str]:
    """{ref: tarball path} for the simulator's `base_images=` / `--base-image`, writing
    the tarballs first if needed."""
    return {ref: str(p) for ref, p in write_all(directory).items()}


def load_all(paths: dict[str, Path], docker: str = "/usr/bin/docker") -> None:
    """`docker load` every tarball whose image is absent or has another config digest."""
    for ref, path in paths.items():
        want = _config_digest(path)
        have = subprocess.run([docker, "image", "inspect", "--format", "{{.Id}}", ref],
                              capture_output=True, text=True)
        if have.returncode == 0 and have.stdout.strip() == want:
            continue
        res = subprocess.run([docker, "load", "-i", str(path)], capture_output=True, text=True)
        if res.returncode != 0:
            raise BaseImageError(f"docker load {path}: {res.stderr.strip()}")


def _config_digest(path: Path) -> str:
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    return "sha256:" + manifest[0]["Config"].removesuffix(".json")


def busybox_warning(busybox: Path | None = None) -> str | None:
    bb = busybox or find_busybox()
    digest = hashlib.sha256(bb.read_bytes()).hexdigest()
    if digest != KNOWN_BUSYBOX_SHA256:
        return (f"warning: {bb} has sha256 {digest}, not the recorded busybox "
                f"({KNOWN_BUSYBOX_SHA256}); base-image digests will differ from the corpus")
    return None


def main(argv: list[str]) -> int:
    """`python -m simulator.oracle images [--no-load] [--dir DIR]`"""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m simulator.oracle images")
    ap.add_argument("--no-load", action="store_true", help="write the tarballs only")
    ap.add_argument("--dir", type=Path, default=None, help="output folder (default: cache)")
    opts = ap.parse_args(argv)
    try:
        warn = busybox_warning()
        if warn:
            print(warn)
        paths = write_all(opts.dir)
        for ref, path in paths.items():
            print(f"{ref}\t{path}")
        if not opts.no_load:
            from simulator.oracle.engine import Engine, NoEngine

            try:
                Engine.detect()
            except NoEngine as exc:
                print(f"error: {exc}")
                return 2
            load_all(paths)
            print(f"loaded {len(paths)} images")
    except (BaseImageError, subprocess.CalledProcessError, OSError) as exc:
        print(f"error: {exc}")
        return 1
    return 0
