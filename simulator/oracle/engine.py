"""The engine driver: real builds and runs through `/usr/bin/docker`, with safety flags.

Every build gets `--network none`; every run `--rm --network none --pull never`.  What a
build produces is captured in the shape of the corpus expected files (corpus/README.md):
outcome and normalised error line, warnings, legacy context size, `.Config` keys, layer
count, size, history rows (from the saved image config, untruncated) and each layer's
file list (from the saved layer tars).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import tarfile
from pathlib import Path
from typing import Iterable

import attrs

DOCKER = "/usr/bin/docker"
CONFIG_KEYS = ("Env", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts", "Volumes",
               "Labels", "StopSignal", "Healthcheck", "Shell", "OnBuild")
BUILDERS = ("buildkit", "legacy")
BUILD_TIMEOUT = 300
RUN_TIMEOUT = 60

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_HEX64 = re.compile(r"\b(sha256:)?[0-9a-f]{64}\b")
_WARNING = re.compile(r"^\s*\[warn(ing)?\]", re.IGNORECASE)
_CONTEXT = re.compile(r"^Sending build context to Docker daemon\s+(\S+)")
_STEP_ID = re.compile(r"^ ---> ([0-9a-f]{12})$", re.MULTILINE)
#: the docker client's own log lines, printed in a racy order (e.g. `time="…" level=error
#: msg="error waiting for container: context canceled"` after a failed start)
_CLIENT_LOG = re.compile(r'^time="[^"]*" level=\w+ msg=.*$', re.MULTILINE)
_SYNTAX = re.compile(r"^#\s*syntax\s*=", re.IGNORECASE)


class NoEngine(Exception):
    """No Docker engine answers through /usr/bin/docker."""


class UnsafeBuild(Exception):
    """The build would make the engine reach a registry or another network address."""


@attrs.frozen
class RunSpec:
    """One `docker run` of a case (case.json `runs` item)."""

    args: tuple[str, ...] = ()
    entrypoint: str | None = None
    env: tuple[str, ...] = ()
    user: str | None = None
    workdir: str | None = None

    @classmethod
    def from_json(cls, d: dict) -> "RunSpec":
        args = d.get("args") or ()
        if isinstance(args, str):
            raise ValueError("run 'args' must be a list of strings")
        return cls(tuple(args), d.get("entrypoint"), tuple(d.get("env") or ()),
                   d.get("user"), d.get("workdir"))

    def invocation(self) -> dict:
        """The run as recorded: only the keys that were given."""
        out: dict = {"args": list(self.args)}
        if self.entrypoint is not None:
            out["entrypoint"] = self.entrypoint
        if self.env:
            out["env"] = list(self.env)
        if self.user is not None:
            out["user"] = self.user
        if self.workdir is not None:
            out["workdir"] = self.workdir
        return out


def major_minor(version: str) -> str:
    """'20.10.24+dfsg1' -> '20.10'."""
    m = re.match(r"(\d+)\.(\d+)", version)
    if not m:
        raise NoEngine(f"unrecognised engine version {version!r}")
    return f"{int(m.group(1))}.{int(m.group(2))}"


def normalise_error(line: str, context_dir: str | None = None) -> str:
    """A builder error line without the parts that vary from run to run."""
    line = _ANSI.sub("", line).strip()
    if context_dir:
        line = line.replace(os.path.realpath(context_dir), "<context>").replace(context_dir, "<context>")
    line = _HEX64.sub(lambda m: (m.group(1) or "") + "<id>", line)
    return line


def extract_warnings(output: str) -> list[str]:
    """Warning lines a build printed, each with its indented continuation lines."""
    warnings: list[str] = []
    current: list[str] | None = None
    for raw in _ANSI.sub("", output).splitlines():
        if _WARNING.match(raw):
            if current:
                warnings.append("\n".join(current))
            current = [raw.strip()]
        elif current is not None and raw.startswith((" ", "\t")) and raw.strip():
            current.append(raw.rstrip())
        else:
            if current:
                warnings.append("\n".join(current))
            current = None
    if current:
        warnings.append("\n".join(current))
    return warnings


def _last_line(text: str) -> str:
    lines = [ln for ln in _ANSI.sub("", text).splitlines() if ln.strip()]
    return lines[-1].strip() if lines else ""


@attrs.frozen
class BuildOutcome:
    ok: bool
    error: str | None
    warnings: tuple[str, ...]
    context_size: str | None
    client_exit_code: int
    output: str  # raw stdout + stderr, for debugging
    intermediate_ids: tuple[str, ...] = ()  # legacy step images, to clean up


class Engine:
    """A Docker engine reached through /usr/bin/docker."""

    def __init__(self, version: str, docker: str = DOCKER):
        self.docker = docker
        self.version = version
        self.key = major_minor(version)
        self._local: bool | None = None

    @property
    def local(self) -> bool:
        """Whether the daemon runs on this machine, so that this machine's user database
        is the daemon host's: it reports this machine's host name (a remote engine, a
        docker context or a VM-backed socket such as Docker Desktop's does not)."""
        if self._local is None:
            import socket

            res = self._docker(["info", "--format", "{{.Name}}"], timeout=30)
            self._local = res.returncode == 0 and res.stdout.strip() == socket.gethostname()
        return self._local

    @classmethod
    def detect(cls, docker: str = DOCKER, timeout: float = 15) -> "Engine":
        if not os.access(docker, os.X_OK):
            raise NoEngine(f"no Docker client at {docker}")
        try:
            res = subprocess.run([docker, "version", "--format", "{{.Server.Version}}"],
                                 capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise NoEngine("the Docker engine did not answer `docker version`") from None
        version = res.stdout.strip()
        if res.returncode != 0 or not version:
            raise NoEngine("no Docker engine answers `docker version`: "
                           + (_last_line(res.stderr) or "no server version"))
        return cls(version, docker)

    # --- low level -------------------------------------------------------------------

    def _docker(self, args: list[str], *, env: dict | None = None, timeout: float = BUILD_TIMEOUT,
                cwd: str | None = None, binary: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run([self.docker, *args], capture_output=True, text=not binary,
                              env=env, timeout=timeout, cwd=cwd)

    def image_exists(self, ref: str) -> bool:
        return self._docker(["image", "inspect", "--format", "{{.Id}}", ref], timeout=30).returncode == 0

    def remove_image(self, ref: str) -> None:
        """Remove a tag this driver made, or an untagged step image id (never a tagged
        image by id: a legacy ` ---> id` line may name the base image)."""
        if re.fullmatch(r"[0-9a-f]{12,64}", ref):
            res = self._docker(["image", "inspect", "--format", "{{len .RepoTags}}", ref], timeout=30)
            if res.returncode != 0 or res.stdout.strip() != "0":
                return
        self._docker(["image", "rm", ref], timeout=60)

    # --- build -----------------------------------------------------------------------

    def build(self, context_dir: str | Path, tag: str, *, builder: str = "buildkit",
              dockerfile: str | None = None, build_args: dict | None = None,
              build_env: dict | None = None, target: str | None = None,
              platform: str | None = None, check_safety: bool = True) -> BuildOutcome:
        """`docker build --network none` with the chosen builder; no registry is reached."""
        if builder not in BUILDERS:
            raise ValueError(f"unknown builder {builder!r}")
        context_dir = str(context_dir)
        df_path = Path(context_dir) / (dockerfile or "Dockerfile")
        if check_safety:
            self.check_safe(df_path, build_args or {}, build_env or {}, builder)
            if platform is not None and _foreign_platform(platform):
                raise UnsafeBuild(f"--platform {platform} would need another platform's image")
        args = ["build", "--network", "none", "--no-cache", "-t", tag]
        if builder == "buildkit":
            args += ["--progress", "plain"]
        else:
            args += ["--force-rm"]
        if dockerfile:
            args += ["-f", str(df_path)]
        for name, value in (build_args or {}).items():
            args += ["--build-arg", name if value is None else f"{name}={value}"]
        if target:
            args += ["--target", target]
        if platform is not None:
            args += ["--platform", platform]
        args.append(".")
        env = _client_env(build_env or {})
        env["DOCKER_BUILDKIT"] = "1" if builder == "buildkit" else "0"
        res = self._docker(args, env=env, cwd=context_dir)
        output = res.stdout + res.stderr
        ok = res.returncode == 0
        error = None if ok else normalise_error(_last_line(res.stderr) or _last_line(res.stdout),
                                                context_dir)
        m = None
        if builder == "legacy":
            m = next(filter(None, (_CONTEXT.match(_ANSI.sub("", ln)) for ln in res.stdout.splitlines())), None)
        steps = tuple(dict.fromkeys(_STEP_ID.findall(res.stdout))) if builder == "legacy" else ()
        return BuildOutcome(ok, error, tuple(extract_warnings(output)),
                            m.group(1) if m else None, res.returncode, output, steps)

    def check_safe(self, dockerfile: Path, build_args: dict, build_env: dict,
                   builder: str = "legacy") -> None:
        """Raise UnsafeBuild if the Dockerfile could make the engine reach the network."""
        text = dockerfile.read_text(errors="replace") if dockerfile.exists() else ""
        problems = unsafe_reasons(text, build_args, build_env, self.image_exists, builder)
        if problems:
            raise UnsafeBuild("; ".join(problems))

    # --- inspect / save --------------------------------------------------------------

    def inspect(self, ref: str) -> dict:
        res = self._docker(["image", "inspect", ref], timeout=60)
        if res.returncode != 0:
            raise RuntimeError(f"docker image inspect {ref}: {_last_line(res.stderr)}")
        return json.loads(res.stdout)[0]

    def save(self, ref: str) -> bytes:
        res = self._docker(["save", ref], timeout=300, binary=True)
        if res.returncode != 0:
            raise RuntimeError(f"docker save {ref}: {_last_line(res.stderr.decode(errors='replace'))}")
        return res.stdout

    def facts(self, ref: str, skip_layers: Iterable[str] = ()) -> dict:
        """The recorded build facts of an image (the expected file's `build` minus outcome)."""
        info = self.inspect(ref)
        config = info.get("Config") or {}
        saved = read_saved_image(self.save(ref))
        skip = set(skip_layers)
        return {
            "config": {k: config.get(k) for k in CONFIG_KEYS},
            "layers": len((info.get("RootFS") or {}).get("Layers") or []),
            "size": info.get("Size"),
            "history": saved["history"],
            "layer_files": [None if diff in skip else files
                            for diff, files in zip(saved["diff_ids"], saved["layer_files"])],
        }

    # --- run -------------------------------------------------------------------------

    def run(self, ref: str, spec: RunSpec) -> dict:
        args = ["run", "--rm", "--network", "none", "--pull", "never"]
        if spec.entrypoint is not None:
            args += ["--entrypoint", spec.entrypoint]
        for kv in spec.env:
            args += ["-e", kv]
        if spec.user is not None:
            args += ["-u", spec.user]
        if spec.workdir is not None:
            args += ["-w", spec.workdir]
        args += [ref, *spec.args]
        try:
            res = subprocess.run([self.docker, *args], capture_output=True, timeout=RUN_TIMEOUT,
                                 stdin=subprocess.DEVNULL, env=_client_env({}))
        except subprocess.TimeoutExpired:
            return {"invocation": spec.invocation(), "stdout": None,
                    "stderr_last": "timeout", "exit_code": None}
        return {
            "invocation": spec.invocation(),
            "stdout": res.stdout.decode("utf-8", errors="replace"),
            "stderr_last": normalise_error(_last_line(_CLIENT_LOG.sub("", res.stderr.decode(
                "utf-8", errors="replace")))),
            "exit_code": res.returncode,
        }


def _client_env(extra: dict) -> dict:
    """A small, fixed environment for the docker client plus the caller's build env."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "DOCKER_HOST", "DOCKER_CONFIG") if k in os.environ}
    env.setdefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
    env.update({k: str(v) for k, v in extra.items()})
    return env


# --- reading `docker save` output --------------------------------------------------------

_TYPES = {tarfile.REGTYPE: "file", tarfile.AREGTYPE: "file", tarfile.DIRTYPE: "dir",
          tarfile.SYMTYPE: "symlink", tarfile.LNKTYPE: "hardlink", tarfile.CHRTYPE: "char",
          tarfile.BLKTYPE: "block", tarfile.FIFOTYPE: "fifo", tarfile.CONTTYPE: "file"}


def layer_entries(blob: bytes) -> list[dict]:
    """The file list of one layer tar, sorted by path; mtimes are left out (they vary)."""
    out = []
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        for m in tar:
            path = m.name
            while path.startswith("./"):
                path = path[2:]
            path = path.strip("/")
            if not path or path == ".":
                continue
            sha = None
            if m.isreg():
                sha = hashlib.sha256(tar.extractfile(m).read()).hexdigest()
            out.append({
                "path": path,
                "type": _TYPES.get(m.type, "other"),
                "mode": format(m.mode & 0o7777, "04o"),
                "uid": m.uid,
                "gid": m.gid,
                "size": m.size if m.isreg() else 0,
                "sha256": sha,
                "linkname": m.linkname if (m.issym() or m.islnk()) else None,
            })
    out.sort(key=lambda e: e["path"])
    return out


def read_saved_image(blob: bytes) -> dict:
    """history rows, diff_ids and per-layer file lists of a single-image `docker save` tar."""
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))[0]
        config = json.load(tar.extractfile(manifest["Config"]))
        layers = [layer_entries(tar.extractfile(name).read()) for name in manifest["Layers"]]
    history = [{"created_by": row.get("created_by"),
                "empty_layer": bool(row.get("empty_layer", False)),
                "comment": row.get("comment")} for row in config.get("history") or []]
    return {"history": history, "diff_ids": (config.get("rootfs") or {}).get("diff_ids") or [],
            "layer_files": layers}


# --- network-safety check ----------------------------------------------------------------

_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
_VALID_REF = re.compile(
    r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
    r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$")
_URL = re.compile(r"^(https?://|git@|git://)", re.IGNORECASE)


def _expand(word: str, env: dict) -> str:
    def sub(m: re.Match) -> str:
        name = m.group(1) or m.group(4)
        val = env.get(name)
        op, alt = m.group(2), m.group(3)
        if op in (":-", "-"):
            return val if (val if op == ":-" else val is not None) else alt
        if op in (":+", "+"):
            return alt if (val if op == ":+" else val is not None) else ""
        return val or ""
    return _VAR.sub(sub, word)


def _foreign_platform(value: str) -> bool:
    """Whether containerd reads `value` as a platform other than linux/amd64 (one it
    rejects fails the build before any image is looked up)."""
    from simulator.platforms import PlatformError, parse

    try:
        return parse(value) != ("linux", "amd64", "")
    except PlatformError:
        return False


def _platform_problems(platform: str, env: dict) -> list[str]:
    """FROM --platform: refused unless every reading of it is linux/amd64 or rejected.
    `env`: the automatic platform args, every build arg and the global ARGs (more than
    either builder sees: conservative); read by this module's own expansion and by the
    simulator's lexer."""
    from simulator.expand import Lexer

    values = {_expand(platform, env)}
    try:
        values.add(Lexer(escape="\\").process_word(platform, env))
    except Exception:  # noqa: BLE001 - the builder fails to expand it: nothing is looked up
        pass
    if any(_foreign_platform(v) for v in values):
        return [f"FROM --platform={platform} would need another platform's image"]
    return []


def unsafe_reasons(text: str, build_args: dict, build_env: dict, is_local,
                   builder: str = "legacy") -> list[str]:
    """Why building this Dockerfile could reach a registry or URL (empty list: safe).

    Conservative: every image reference in FROM / COPY --from / RUN --mount=from must be
    `scratch`, an earlier stage (for `--from` under BuildKit: any stage of the file, as
    BuildKit resolves names over all stages), a stage index, an image present in the
    engine, or a string the engine rejects as an invalid reference before any lookup."""
    lines = text.splitlines()
    if lines and _SYNTAX.match(lines[0].strip()) or any(_SYNTAX.match(l.strip()) for l in lines[:5]):
        return ["a `# syntax=` directive would pull a frontend image"]
    try:
        import dockerfile as bk
        commands = bk.parse_string(text)
    except Exception:
        return []  # the engine fails at parse time, before any image is resolved
    args = {k: (build_env.get(k) if v is None else v) for k, v in build_args.items()}
    from simulator.build.stages import platform_args

    # what a global ARG's default may read besides earlier globals (BuildKit: the automatic
    # platform args, which build args replace); more than the builder sees: conservative
    outer = {**platform_args(None, (1, 2)), **{k: v for k, v in args.items() if v is not None}}
    globals_: dict = {}
    stages: list[str] = []
    problems: list[str] = []
    seen_from = False
    all_stages = {c.value[2].lower() for c in commands
                  if c.cmd.upper() == "FROM" and len(c.value) >= 3 and c.value[1].lower() == "as"}

    def check_ref(ref: str, what: str) -> None:
        low = ref.lower()
        if not ref or low == "scratch" or low in stages or ref.isdigit():
            return
        if builder == "buildkit" and what != "FROM" and low in all_stages:
            return
        if "$" in ref or not _VALID_REF.match(ref):
            return  # rejected as an invalid reference before any lookup
        if not is_local(ref):
            problems.append(f"{what} {ref!r} is not a local image (no registry here)")

    def flag(c, name: str) -> str | None:
        for f in c.flags:
            if f.startswith(f"--{name}="):
                return f.split("=", 1)[1]
        return None

    for c in commands:
        cmd = c.cmd.upper()
        if cmd == "ARG" and not seen_from:
            for word in c.value:
                name, eq, default = word.partition("=")
                seen = {**outer, **{k: v for k, v in globals_.items() if v is not None}}
                globals_[name] = args.get(name, _expand(default, seen) if eq else None)
        elif cmd == "FROM":
            seen_from = True
            env = {k: v for k, v in globals_.items() if v is not None}
            platform = flag(c, "platform")
            if platform:
                problems += _platform_problems(platform, {**outer, **env})
            if c.value:
                check_ref(_expand(c.value[0], env), "FROM")
            if len(c.value) >= 3 and c.value[1].lower() == "as":
                stages.append(c.value[2].lower())
            else:
                stages.append(f"#{len(stages)}")
        if cmd in ("COPY", "ONBUILD") or (cmd == "ADD"):
            src = flag(c, "from")
            if src:
                check_ref(src, "COPY --from")
        if cmd == "RUN":
            for f in c.flags:
                if f.startswith("--mount="):
                    for part in f[8:].split(","):
                        if part.startswith("from="):
                            check_ref(part[5:], "RUN --mount from")
        if cmd == "ADD" or (cmd == "ONBUILD" and (c.sub_cmd or "").upper() == "ADD"):
            for word in c.value[:-1]:
                if _URL.match(word):
                    problems.append(f"ADD {word} would fetch from the network")
        if cmd == "ONBUILD" and (c.sub_cmd or "").upper() == "COPY":
            m = re.search(r"--from=(\S+)", c.original)
            if m:
                check_ref(m.group(1), "ONBUILD COPY --from")
    return problems
