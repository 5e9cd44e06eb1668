"""The run model against `docker run` results the real engine recorded (cases.py,
record_engine.py). The simulator side runs the recorded image config over the layers of
dsim/busybox:1.35. No engine needed."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "shell"))

from engine_fs import image_stack  # noqa: E402

from simulator.image import Image, ImageConfig  # noqa: E402
from simulator.run import HOSTNAME_PLACEHOLDER, RunOptions, run_image  # noqa: E402

OBSERVED = json.loads((HERE / "data" / "engine_observed.json").read_text())
DAEMON = "docker: Error response from daemon: "
CLI_LOG = re.compile(r'time="[^"]*" level=error msg="error waiting for container: context canceled"$')


def image_for(name: str) -> Image:
    return Image(config=ImageConfig.from_json(OBSERVED["configs"][name]), layers=image_stack().layers,
                 shell_flavour="ash")


def options(spec: dict) -> RunOptions:
    return RunOptions(args=spec.get("args"), entrypoint=spec.get("entrypoint"),
                      env=spec.get("env", []), user=spec.get("user"), workdir=spec.get("workdir"))


RUNS = OBSERVED["runs"]


@pytest.mark.parametrize("run", RUNS, ids=[f"{r['image']}-{i}" for i, r in enumerate(RUNS)])
def test_run_matches_engine(run):
    res = run_image(image_for(run["image"]), options(run["spec"]))
    assert res.exit_code == run["exit_code"]
    if run["stderr_first"].startswith(DAEMON):
        assert res.error == run["stderr_first"][len(DAEMON):]
        if not CLI_LOG.match(run["stderr_last"]):  # the CLI sometimes logs a line after it
            assert res.stderr_last == run["stderr_last"]
        assert res.stdout == run["stdout"] == ""
        return
    assert res.error is None
    hostname = re.search(r"^HOSTNAME=(.*)$", run["stdout"], re.M)
    if hostname and hostname.group(1) != "fixed":
        # the container id is random: the model must say so, and be right about the rest
        assert res.stdout is None
        assert res.stdout_masked == run["stdout"].replace(hostname.group(1), HOSTNAME_PLACEHOLDER)
    else:
        assert res.stdout == run["stdout"]
    assert res.stderr_last == run["stderr_last"]


def test_env_is_listed_in_engine_order():
    # `env` as the entrypoint prints the process environment exactly in Docker's order
    for run in RUNS:
        if run["spec"].get("entrypoint") == "env" and run["exit_code"] == 0:
            res = run_image(image_for(run["image"]), options(run["spec"]))
            got = [e.split("=", 1)[0] for e in res.env]
            want = [ln.split("=", 1)[0] for ln in run["stdout"].splitlines()]
            assert got == want
