"""Recorder helpers, the expected-file schema, and the comparison (with a fake simulator)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from simulator.oracle import compare as C
from simulator.oracle import record as R
from simulator.oracle.engine import BUILDERS, CONFIG_KEYS

EXPECTED_FILES = sorted(R.CORPUS.glob("*/expected/*.json"))


def test_context_copy_excludes_and_normalises(tmp_path):
    case = tmp_path / "c"
    (case / "expected").mkdir(parents=True)
    (case / "sub").mkdir()
    (case / "Dockerfile").write_text("FROM scratch\n")
    (case / "case.json").write_text("{}")
    (case / "expected" / "x.json").write_text("{}")
    (case / "sub" / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(case / "sub" / "run.sh", 0o775)
    os.chmod(case / "Dockerfile", 0o600)
    with R.context_copy(R.load_case(case)) as ctx:
        names = sorted(str(p.relative_to(ctx)) for p in ctx.rglob("*"))
        assert names == ["Dockerfile", "sub", "sub/run.sh"]
        assert (ctx / "Dockerfile").stat().st_mode & 0o7777 == 0o644
        assert (ctx / "sub" / "run.sh").stat().st_mode & 0o7777 == 0o755
        assert (ctx / "sub").stat().st_mode & 0o7777 == 0o755
        assert {int(p.stat().st_mtime) for p in ctx.rglob("*")} == {R.CONTEXT_MTIME}


def test_case_loading_validates_builders(tmp_path):
    (tmp_path / "case.json").write_text('{"builders": ["kaniko"]}')
    with pytest.raises(R.CaseError):
        R.load_case(tmp_path)


def test_every_case_json_parses():
    for case in R.all_cases():
        assert isinstance(case.spec, dict)
        for run in case.runs:
            assert isinstance(run.args, tuple)


@pytest.mark.skipif(not EXPECTED_FILES, reason="no recordings yet")
@pytest.mark.parametrize("path", EXPECTED_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_expected_file_schema(path: Path):
    data = json.loads(path.read_text())
    key, builder = path.stem.rsplit("-", 1)
    assert builder in BUILDERS and data["builder"] == builder
    assert data["engine"].startswith(key + ".")
    b = data["build"]
    assert set(b) >= {"ok", "error", "config", "layers", "size", "history", "warnings",
                      "layer_files", "context_size"}
    assert isinstance(b["warnings"], list)
    if b["ok"]:
        assert b["error"] is None
        assert set(b["config"]) == set(CONFIG_KEYS)
        assert len(b["layer_files"]) == b["layers"]
        assert sum(1 for r in b["history"] if not r["empty_layer"]) == b["layers"]
        for layer in b["layer_files"]:
            for e in layer or []:
                assert set(e) == {"path", "type", "mode", "uid", "gid", "size", "sha256", "linkname"}
    else:
        assert isinstance(b["error"], str) and b["error"]
        assert data["runs"] == []
    for run in data["runs"]:
        assert set(run) == {"invocation", "stdout", "stderr_last", "exit_code"}


# --- the comparison -------------------------------------------------------------------

def _expected_build(**over) -> dict:
    b = {"ok": True, "error": None,
         "config": {k: None for k in CONFIG_KEYS} | {"Env": ["PATH=/bin"], "User": "", "WorkingDir": ""},
         "layers": 2, "size": 10,
         "history": [{"created_by": "base", "empty_layer": False, "comment": None},
                     {"created_by": "COPY a /a # buildkit", "empty_layer": False,
                      "comment": "buildkit.dockerfile.v0"}],
         "warnings": [],
         "layer_files": [None, [{"path": "a", "type": "file", "mode": "0644", "uid": 0, "gid": 0,
                                 "size": 1, "sha256": "ab", "linkname": None}]]}
    b.update(over)
    return b


def _actual(**over) -> dict:
    b = json.loads(json.dumps(_expected_build()))
    b["config"] = {"Env": ["PATH=/bin"]}  # unset keys absent, "" for strings == null
    b["history"][0]["comment"] = ""
    b["layer_files"][0] = [{"path": "bin/sh"}]  # base layers are not compared
    b.update(over)
    return b


def test_identical_results_match():
    assert C.compare_build(_expected_build(), _actual()) == []


def test_each_category_detected():
    act = _actual(layers=3, size=11, warnings=["w"])
    act["config"]["Cmd"] = ["sh"]
    act["history"][1]["created_by"] = "COPY a /b # buildkit"
    act["layer_files"][1][0]["mode"] = "0755"
    cats = {m.category: m for m in C.compare_build(_expected_build(), act)}
    assert set(cats) == {"config", "layers", "size", "history", "warnings", "layer_files"}
    assert cats["config"].field == "config.Cmd"
    assert cats["history"].field == "history[1].created_by"
    assert cats["layer_files"].field == "layer_files[1][a].mode"
    assert not any(m.pending for m in cats.values())


def test_unknowns_are_pending_not_wrong():
    act = _actual(size=None)
    act["layer_files"][1][0]["sha256"] = None
    mism = C.compare_build(_expected_build(), act)
    assert {m.category for m in mism} == {"size", "layer_files"}
    assert all(m.pending for m in mism)
    runs = C.compare_runs([{"stdout": "hi\n", "exit_code": 0}], [{"stdout": None, "exit_code": 0}])
    assert [(m.category, m.pending) for m in runs] == [("run_stdout", True)]


def test_outcome_and_error():
    exp = _expected_build(ok=False, error="boom", config=None)
    assert [m.category for m in C.compare_build(exp, {"ok": True, "config": {}})] == ["outcome"]
    assert [m.category for m in C.compare_build(exp, {"ok": False, "error": "bang"})] == ["error"]
    assert C.compare_build(exp, {"ok": False, "error": "bang"}, categories=["outcome"]) == []
    missing = C.compare_build(_expected_build(), {"ok": False, "error": "x"})
    assert {m.category for m in missing} >= {"outcome", "config", "history"}


class FakeApi:
    """Stands in for simulator.api in these unit tests only."""

    def __init__(self, build, run):
        self.build, self.run, self.calls = build, run, []

    def build_json(self, context_dir, **kw):
        self.calls.append(("build", context_dir, kw))
        assert "case.json" not in os.listdir(context_dir)
        return self.build

    def run_json(self, context_dir, **kw):
        self.calls.append(("run", context_dir, kw))
        return self.run


def test_compare_case_with_fake_simulator(tmp_path, monkeypatch):
    case = tmp_path / "mycase"
    (case / "expected").mkdir(parents=True)
    (case / "Dockerfile").write_text("FROM dsim/busybox:1.35\n")
    (case / "case.json").write_text(json.dumps(
        {"build_args": {"A": "1"}, "runs": [{"args": ["echo", "hi"], "env": ["K=V"]}]}))
    exp = {"engine": "20.10.24", "builder": "legacy", "build": _expected_build(),
           "runs": [{"invocation": {"args": ["echo", "hi"]}, "stdout": "hi\n", "stderr_last": "",
                     "exit_code": 0}]}
    (case / "expected" / "20.10-legacy.json").write_text(json.dumps(exp))
    fake = FakeApi(_actual(), {"ok": True, "stdout": "ho\n", "exit_code": 0})
    monkeypatch.setattr(C, "_api", lambda: fake)
    import simulator.oracle.baseimage as B
    monkeypatch.setattr(B, "base_image_paths", lambda: {"dsim/busybox:1.35": "/x.tar"})
    mism = C.compare_case(case, "legacy")
    assert [(m.category, m.field) for m in mism] == [("run_stdout", "runs[0].stdout")]
    kind, _, kw = fake.calls[0]
    assert kind == "build" and kw["builder"] == "legacy" and kw["engine"] == "20.10"
    assert kw["build_args"] == {"A": "1"} and kw["base_images"] == {"dsim/busybox:1.35": "/x.tar"}
    _, _, rkw = fake.calls[1]
    assert rkw["args"] == ["echo", "hi"] and rkw["env"] == ["K=V"]
    with pytest.raises(R.CaseError):
        C.compare_case(case, "buildkit")


def test_write_expected_keeps_a_symlink_size_flip(tmp_path):
    link = {"path": "l", "type": "symlink", "mode": "0777", "uid": 0, "gid": 0, "size": 0,
            "sha256": None, "linkname": "readme.txt"}
    data = {"engine": "20.10.24", "builder": "buildkit",
            "build": {"ok": True, "size": 100, "layer_files": [None, [link]]}, "runs": []}
    path = tmp_path / "e.json"
    R.write_expected(path, data)
    before = path.read_text()
    R.write_expected(path, {**data, "build": {**data["build"], "size": 110}})
    assert path.read_text() == before  # only the 10-byte symlink flip: kept
    R.write_expected(path, {**data, "build": {**data["build"], "size": 111}})
    assert json.loads(path.read_text())["build"]["size"] == 111  # a real change is written
    R.write_expected(path, {**data, "build": {**data["build"], "size": 101, "ok": False}})
    assert json.loads(path.read_text())["build"]["ok"] is False
