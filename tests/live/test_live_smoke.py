"""A small image built with each builder; its recorded facts checked against what the
Dockerfile reference (and moby/BuildKit history conventions) say it must contain."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from simulator.oracle.engine import DOCKER, RunSpec
from simulator.oracle.record import base_layer_ids, record_context

pytestmark = pytest.mark.engine

DOCKERFILE = """\
FROM dsim/busybox:1.35
ENV GREETING=hello
LABEL org.example.k=v
WORKDIR /app
COPY f.txt ./
RUN echo built > /app/built.txt
EXPOSE 8080
USER app
ENTRYPOINT ["/bin/echo"]
CMD ["hi"]
"""
F_TXT = b"file content\n"
BASE_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@pytest.fixture(scope="module", params=["buildkit", "legacy"])
def recorded(request, engine, tmp_path_factory):
    ctx = tmp_path_factory.mktemp("ctx")
    (ctx / "Dockerfile").write_text(DOCKERFILE)
    (ctx / "f.txt").write_bytes(F_TXT)
    runs = [RunSpec(), RunSpec(("x", "y")), RunSpec(("id", "-u"), entrypoint="")]
    data = record_context(engine, ctx, f"oracle-smoke:{request.param}", request.param,
                          {}, runs, base_layer_ids())
    return request.param, data


def test_builds(recorded):
    builder, data = recorded
    assert data["builder"] == builder
    assert data["build"]["ok"] is True and data["build"]["error"] is None


def test_config_per_reference(recorded):
    _, data = recorded
    cfg = data["build"]["config"]
    assert cfg["Env"] == [BASE_PATH, "GREETING=hello"]  # ENV appends to the base Env
    assert cfg["Labels"] == {"org.example.k": "v"}
    assert cfg["WorkingDir"] == "/app"
    assert cfg["ExposedPorts"] == {"8080/tcp": {}}  # default protocol tcp
    assert cfg["User"] == "app"
    assert cfg["Entrypoint"] == ["/bin/echo"]
    assert cfg["Cmd"] == ["hi"]  # CMD in the same stage survives ENTRYPOINT
    assert cfg["OnBuild"] is None and cfg["Volumes"] is None


def test_layers_and_files(recorded):
    builder, data = recorded
    b = data["build"]
    # busybox layer + WORKDIR (new dir) + COPY + RUN
    assert b["layers"] == 4
    assert b["layer_files"][0] is None  # the dsim base layer
    copied = [e for layer in b["layer_files"][1:] for e in layer if e["path"] == "app/f.txt"]
    assert copied == [{"path": "app/f.txt", "type": "file", "mode": "0644", "uid": 0, "gid": 0,
                       "size": len(F_TXT), "sha256": hashlib.sha256(F_TXT).hexdigest(),
                       "linkname": None}]
    built = [e for layer in b["layer_files"] for e in (layer or []) if e["path"] == "app/built.txt"]
    assert len(built) == 1 and built[0]["size"] == len(b"built\n")
    assert b["size"] > len(F_TXT)


def test_history_rows(recorded):
    builder, data = recorded
    rows = data["build"]["history"]
    base, own = rows[:2], rows[2:]
    assert [r["empty_layer"] for r in base] == [False, True]
    assert len(own) == 9  # one row per instruction after FROM
    empty = [r["empty_layer"] for r in own]
    # ENV LABEL WORKDIR COPY RUN EXPOSE USER ENTRYPOINT CMD
    assert empty == [True, True, False, False, False, True, True, True, True]
    run = own[4]["created_by"]
    if builder == "buildkit":
        assert all(r["comment"] == "buildkit.dockerfile.v0" for r in own)
        assert own[0]["created_by"] == "ENV GREETING=hello"
        assert run == "RUN /bin/sh -c echo built > /app/built.txt # buildkit"
        assert own[1]["created_by"] == "LABEL org.example.k=v"
    else:
        assert all(not r["comment"] for r in own)
        assert own[0]["created_by"] == "/bin/sh -c #(nop)  ENV GREETING=hello"
        assert run == "/bin/sh -c echo built > /app/built.txt"
        assert own[3]["created_by"].startswith("/bin/sh -c #(nop) COPY file:")


def test_runs(recorded):
    builder, data = recorded
    runs = data["runs"]
    assert runs[0]["stdout"] == "hi\n" and runs[0]["exit_code"] == 0  # Entrypoint ++ Cmd
    assert runs[1]["stdout"] == "x y\n"  # arguments replace Cmd
    assert runs[2]["stdout"] == "1000\n"  # --entrypoint "" drops Cmd too; USER app


def test_warnings_and_context(recorded):
    builder, data = recorded
    assert data["build"]["warnings"] == []
    if builder == "legacy":
        assert data["build"]["context_size"].endswith("B")
    else:
        assert data["build"]["context_size"] is None


def test_unused_build_arg_warning(engine, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM dsim/busybox:1.35\nARG USED\n")
    data = record_context(engine, tmp_path, "oracle-smoke-warn:legacy", "legacy",
                          {"build_args": {"USED": "1", "NOT_USED": "2"}}, [], set())
    assert data["build"]["warnings"] == ["[Warning] One or more build-args [NOT_USED] were not consumed"]


def test_failed_run_is_an_error_line(engine, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM dsim/busybox:1.35\nRUN exit 3\n")
    for builder in ("buildkit", "legacy"):
        data = record_context(engine, tmp_path, f"oracle-smoke-fail:{builder}", builder, {}, [], set())
        b = data["build"]
        assert b["ok"] is False and b["config"] is None
        assert "exit 3" in b["error"] and "3" in b["error"].rsplit(":", 1)[-1]


def test_no_images_left(engine, recorded):
    import subprocess

    out = subprocess.run([DOCKER, "image", "ls", "--format", "{{.Repository}}:{{.Tag}}"],
                         capture_output=True, text=True).stdout
    assert not [r for r in out.split() if r.startswith("oracle-smoke")]
