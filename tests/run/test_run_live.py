"""Property test against the real engine: random images (CMD / ENTRYPOINT / SHELL forms, ENV
sets, USER) and random `docker run` invocations (args, --entrypoint, -e, -u, -w). Each image
is built for real, each invocation run for real and through the run model; stdout, exit
code and Docker's error must agree.

The simulator side uses the image config the engine built (so this tests the run model on
its own), over dsim/busybox:1.35's layers. With DSIM_LIVE_E2E=1 it builds the image with
the simulator instead (end to end). Sized for >= 200 runs per session (DSIM_LIVE_IMAGES
images x 4 runs)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "shell"))

from engine_fs import image_stack  # noqa: E402

from simulator.image import Image, ImageConfig  # noqa: E402
from simulator.run import HOSTNAME_PLACEHOLDER, RunOptions, run_image  # noqa: E402

pytestmark = pytest.mark.engine

DOCKER = "/usr/bin/docker"
BASE = "dsim/busybox:1.35"
IMAGES = int(os.environ.get("DSIM_LIVE_IMAGES", "50"))
RUNS_PER_IMAGE = 4
DAEMON = "docker: Error response from daemon: "
STATS = {"runs": 0, "agree": 0}

# ---- strategies --------------------------------------------------------------------
VALUE = st.text(alphabet="abz09 -:/.", min_size=0, max_size=8)
# PATH values that still find the applets most of the time
PATHS = st.sampled_from(["/bin:/usr/bin", "/usr/bin", "/bin", "/nowhere"])
NAMES = st.sampled_from(["A", "B", "NAME", "A", "B", "NAME", "HOME", "PATH"])
SCRIPTS = st.sampled_from([
    'echo "$A|$B|$NAME"', 'echo "0=$0 1=$1 #=$#"', "id -u; id -g; pwd", 'printf "%s," "$@"; echo',
    "echo $HOME; exit 3", 'echo "${NAME:-none}" ${#A}', "false", "true && echo ok",
    'for x in "$@"; do echo "[$x]"; done', "echo $PATH", "cd /tmp; pwd; ls /home",
])
WORDS = st.sampled_from(["hello", "$A", "a b", "-n", "x", "${NAME}", ""])


def exec_form():
    return st.one_of(
        st.tuples(st.just("echo"), st.lists(WORDS, max_size=3)).map(lambda t: [t[0], *t[1]]),
        st.tuples(st.just("sh"), st.just("-c"), SCRIPTS, st.lists(WORDS, max_size=2)).map(
            lambda t: [t[0], t[1], t[2], *t[3]]),
        st.sampled_from([["id"], ["pwd"], ["true"], ["false"], ["/bin/echo", "abs"], ["env"],
                         ["nosuchprog"], []]),
    )


def shell_form():
    return st.one_of(SCRIPTS, st.sampled_from(["echo hello $NAME", "echo $0 $1", "id -un", "env"]))


def instruction_arg():
    return st.one_of(st.none(), exec_form().map(lambda v: ("json", v)),
                     shell_form().map(lambda v: ("shell", v)))


images = st.fixed_dictionaries({
    "env": st.dictionaries(NAMES, VALUE, max_size=3).flatmap(
        lambda d: PATHS.map(lambda p: {**d, "PATH": p}) if "PATH" in d else st.just(d)),
    "cmd": instruction_arg(),
    "entrypoint": instruction_arg(),
    "shell": st.sampled_from([None, ["/bin/sh", "-c"], ["/bin/sh", "-ec"], ["sh", "-c"]]),
    "user": st.sampled_from([None, "app", "nobody", "1000", "root"]),
})

invocations = st.fixed_dictionaries({
    "args": st.one_of(st.none(), exec_form().filter(bool)),
    "entrypoint": st.sampled_from([None, None, "", "echo", "sh", "env", "id"]),
    "env": st.lists(st.one_of(st.tuples(NAMES.filter(lambda n: n != "PATH"), VALUE).map("=".join),
                              PATHS.map("PATH={}".format), NAMES), max_size=3),
    "user": st.sampled_from([None, None, "root", "app", "4321", "nosuch", "app:nobody", "0:app"]),
    "workdir": st.sampled_from([None, None, "/tmp", "/x/y", "/a/../b", "rel"]),
})


def dockerfile(img: dict) -> str:
    lines = [f"FROM {BASE}"]
    if img["shell"]:
        lines.append("SHELL " + json.dumps(img["shell"]))
    for k, v in img["env"].items():
        lines.append(f'ENV {k}="{v}"')
    if img["user"]:
        lines.append(f"USER {img['user']}")
    for key in ("entrypoint", "cmd"):
        if img[key] is not None:
            form, val = img[key]
            lines.append(key.upper() + " " + (json.dumps(val) if form == "json" else val))
    return "\n".join(lines) + "\n"


# ---- engine side -------------------------------------------------------------------
def engine_build(text: str, tag: str) -> dict:
    with tempfile.TemporaryDirectory() as d:
        Path(d, "Dockerfile").write_text(text)
        subprocess.run([DOCKER, "build", "-q", "--network", "none", "-t", tag, d], check=True,
                       capture_output=True, env=dict(os.environ, DOCKER_BUILDKIT="1"))
    out = subprocess.run([DOCKER, "image", "inspect", "--format", "{{json .Config}}", tag],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def engine_run(tag: str, inv: dict) -> dict:
    cmd = [DOCKER, "run", "--rm", "--network", "none", "--pull", "never"]
    if inv["entrypoint"] is not None:
        cmd += ["--entrypoint", inv["entrypoint"]]
    for kv in inv["env"]:
        cmd += ["-e", kv]
    if inv["user"] is not None:
        cmd += ["-u", inv["user"]]
    if inv["workdir"] is not None:
        cmd += ["-w", inv["workdir"]]
    cmd += [tag, *(inv["args"] or [])]
    # `-e K` takes K from the client's environment: keep the generated names unset there
    env = {k: v for k, v in os.environ.items() if k not in ("A", "B", "NAME", "HOME", "PATH")}
    res = subprocess.run(cmd, capture_output=True, timeout=60, stdin=subprocess.DEVNULL, env=env)
    err = res.stderr.decode("utf-8", "replace").strip().splitlines()
    # the CLI may log a line (time=... level=error ...) before the daemon's error
    daemon = [ln for ln in err if ln.startswith(DAEMON)]
    return {"stdout": res.stdout.decode("utf-8", "surrogateescape"), "exit_code": res.returncode,
            "stderr_first": daemon[0] if daemon else (err[0] if err else "")}


# ---- simulator side ----------------------------------------------------------------
def simulator_image(text: str, engine_config: dict) -> Image:
    if os.environ.get("DSIM_LIVE_E2E") == "1":
        from simulator import api
        from simulator.oracle.baseimage import base_image_paths
        res = api.build(None, dockerfile_text=text, base_images=base_image_paths())
        assert res.ok, f"simulator build failed: {res.error}"
        return res.image
    return Image(config=ImageConfig.from_json(engine_config), layers=image_stack().layers,
                 shell_flavour="ash")


def compare(img: Image, inv: dict, want: dict, context: str) -> None:
    opts = RunOptions(args=inv["args"], entrypoint=inv["entrypoint"], env=inv["env"],
                      user=inv["user"], workdir=inv["workdir"])
    got = run_image(img, opts)
    STATS["runs"] += 1
    where = f"{context}\ninvocation: {inv}\nengine: {want}\nsimulator: {got.to_json()}"
    assert got.exit_code == want["exit_code"], where
    if want["stderr_first"].startswith(DAEMON):
        assert got.error == want["stderr_first"][len(DAEMON):], where
        assert got.stdout == want["stdout"] == "", where
    else:
        assert got.error is None, where
        m = re.search(r"^HOSTNAME=(.*)$", want["stdout"], re.M)
        if got.stdout is None and m:
            assert got.stdout_masked == want["stdout"].replace(m.group(1), HOSTNAME_PLACEHOLDER), where
        else:
            assert got.stdout == want["stdout"], where
    STATS["agree"] += 1


@pytest.fixture(scope="module")
def live(engine):
    yield engine
    print(f"\nrun-model live agreement: {STATS['agree']}/{STATS['runs']} runs")


@settings(max_examples=IMAGES, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],  # no shrinking: every example costs a build
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(img=images, invs=st.lists(invocations, min_size=RUNS_PER_IMAGE, max_size=RUNS_PER_IMAGE))
def test_run_model_agrees_with_engine(live, img, invs):
    text = dockerfile(img)
    tag = f"shell-live-{uuid.uuid4().hex[:12]}"
    try:
        config = engine_build(text, tag)
        with ThreadPoolExecutor(RUNS_PER_IMAGE) as pool:
            results = list(pool.map(lambda inv: engine_run(tag, inv), invs))
    finally:
        subprocess.run([DOCKER, "rmi", "-f", tag], capture_output=True)
    sim = simulator_image(text, config)
    for inv, want in zip(invs, results):
        compare(sim, inv, want, f"Dockerfile:\n{text}")
