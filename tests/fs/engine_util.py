"""Small helpers to build on the real engine and read the result back (tests only).

Client /usr/bin/docker only; builds with --network none; tags under the `fs-` prefix."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
import uuid

DOCKER = "/usr/bin/docker"
BASE = os.environ.get("DSIM_FS_BASE", "")


def available() -> bool:
    if not os.path.exists(DOCKER):
        return False
    try:
        r = subprocess.run([DOCKER, "version", "--format", "{{.Server.Version}}"],
                           capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def base_image() -> str | None:
    """`dsim/busybox:1.35` when the oracle loaded it, else our own `fs-busybox:1`."""
    for ref in ([BASE] if BASE else []) + ["dsim/busybox:1.35", "fs-busybox:1"]:
        r = subprocess.run([DOCKER, "image", "inspect", ref], capture_output=True)
        if r.returncode == 0:
            return ref
    return None


def build(context: str, builder: str, dockerfile: str | None = None, tag: str | None = None):
    """(tag or None, output text). The image is tagged `fs-test-<uuid>`."""
    tag = tag or f"fs-test-{uuid.uuid4().hex[:12]}:1"
    env = dict(os.environ, DOCKER_BUILDKIT="1" if builder == "buildkit" else "0")
    cmd = [DOCKER, "build", "--network", "none", "--no-cache", "-t", tag]
    if builder == "buildkit":
        cmd += ["--progress", "plain"]
    if dockerfile:
        cmd += ["-f", dockerfile if os.path.isabs(dockerfile) else os.path.join(context, dockerfile)]
    cmd.append(context)
    for _ in range(3):
        r = subprocess.run(cmd, capture_output=True, env=env, timeout=300)
        out = (r.stdout + r.stderr).decode(errors="replace")
        if r.returncode == 0 or not _engine_race(out):
            break
    return (tag if r.returncode == 0 else None), out


def _engine_race(output: str) -> bool:
    """An engine-side failure unrelated to the Dockerfile: a layer or step image that
    another build's cleanup removed meanwhile (shared chain ids). Retried."""
    text = output.strip().splitlines()[-1] if output.strip() else ""
    return ("layer does not exist" in text or "unable to find image" in text
            or "no such image" in text.lower() or "duplicate output" in text)


MARKER = "zz-fs-marker-"


def marker(builder: str) -> str:
    return MARKER + builder


def with_marker(dockerfile: str, builder: str) -> str:
    """The Dockerfile with a first COPY of a per-builder marker file after FROM, so
    that no layer chain is shared between the builders' images. (The engine keeps one
    layer per chain id, sized by whichever builder registered it first: BuildKit and
    the classic builder size symlinks differently, see simulator.fs.layer.layer_size.)"""
    lines = dockerfile.split("\n")
    return "\n".join(lines[:1] + [f"COPY {marker(builder)} /"] + lines[1:])


def remove(tag: str) -> None:
    subprocess.run([DOCKER, "image", "rm", "-f", tag], capture_output=True)


def inspect(tag: str) -> dict:
    r = subprocess.run([DOCKER, "image", "inspect", tag], capture_output=True, check=True)
    return json.loads(r.stdout)[0]


def history(tag: str) -> list[dict]:
    r = subprocess.run([DOCKER, "history", "--no-trunc", "--human=false", "--format", "{{json .}}", tag],
                       capture_output=True, check=True)
    rows = [json.loads(line) for line in r.stdout.decode().splitlines() if line.strip()]
    rows.reverse()
    return rows


def saved_layers(tag: str) -> list[bytes]:
    """The image's layer tars (uncompressed), bottom first, from `docker save`."""
    r = subprocess.run([DOCKER, "save", tag], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(r.stdout)) as tf:
        manifest = json.load(tf.extractfile("manifest.json"))
        return [tf.extractfile(p).read() for p in manifest[0]["Layers"]]


def write_context(root: str, files: dict) -> None:
    """files: relative path -> bytes (file), ("dir", mode), ("symlink", target), ("file", bytes, mode),
    ("hardlink", existing relative path; listed after it)."""
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    for rel, spec in files.items():
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if isinstance(spec, bytes):
            with open(p, "wb") as f:
                f.write(spec)
        elif spec[0] == "dir":
            os.makedirs(p, exist_ok=True)
            os.chmod(p, spec[1])
        elif spec[0] == "symlink":
            os.symlink(spec[1], p)
        elif spec[0] == "hardlink":
            os.link(os.path.join(root, spec[1]), p)
        elif spec[0] == "file":
            with open(p, "wb") as f:
                f.write(spec[1])
            os.chmod(p, spec[2])


def normalise_error(output: str) -> str:
    """The build's last error line without host paths (overlay2 mount points)."""
    lines = [ln for ln in output.strip().splitlines() if ln.strip()]
    last = lines[-1] if lines else ""
    return strip_host_paths(last)


def strip_host_paths(text: str) -> str:
    import re
    text = re.sub(r"/var/lib/docker/overlay2/[0-9a-z]+/merged", "", text)
    return re.sub(r"/var/lib/docker/tmp/buildkit-mount[0-9]+", "", text)
