"""`simulate verify`: exit status and output, with the simulator replaced by stubs that
agree or disagree with the real build (so this tests verify itself, not the simulator)."""

from __future__ import annotations

import pytest

from simulator.oracle import compare, verify

pytestmark = pytest.mark.engine

DOCKERFILE = "FROM dsim/busybox:1.35\nLABEL k=v\nCMD [\"echo\", \"hi\"]\n"


@pytest.fixture
def ctx(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    return tmp_path


def _stub(monkeypatch, label: str, stdout: str | None):
    def fake(context_dir, builder, engine_key, build_kwargs, runs, base_images=None, images=None, host_names=None):
        cfg = {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
               "Cmd": ["echo", "hi"], "Labels": {"k": label}}
        history = [{"created_by": "dsim: static busybox 1.35, applet symlinks, /etc/passwd, /etc/group",
                    "empty_layer": False, "comment": "dsim baseimage"},
                   {"created_by": 'dsim: CMD ["sh"]', "empty_layer": True, "comment": "dsim baseimage"}]
        if builder == "buildkit":
            history += [{"created_by": "LABEL k=v", "empty_layer": True, "comment": "buildkit.dockerfile.v0"},
                        {"created_by": 'CMD ["echo" "hi"]', "empty_layer": True,
                         "comment": "buildkit.dockerfile.v0"}]
        else:
            history += [{"created_by": "/bin/sh -c #(nop)  LABEL k=v", "empty_layer": True},
                        {"created_by": '/bin/sh -c #(nop)  CMD ["echo" "hi"]', "empty_layer": True}]
        build = {"ok": True, "error": None, "config": cfg, "layers": 1, "size": None,
                 "history": history, "warnings": [], "layer_files": [None]}
        return build, [{"ok": True, "stdout": stdout, "exit_code": 0} for _ in runs]

    monkeypatch.setattr(compare, "simulate", fake)


def test_agreeing_simulator_exits_0(engine, ctx, monkeypatch, capsys):
    _stub(monkeypatch, "v", "hi\n")
    assert verify.main([str(ctx), "--builder", "both", "--run"]) == 0
    out = capsys.readouterr().out
    assert "[buildkit] engine 20.10" in out and "[legacy] engine" in out
    assert "build.size: pending" in out  # unknown is reported, not counted


def test_differing_field_exits_1(engine, ctx, monkeypatch, capsys):
    _stub(monkeypatch, "other", "ho\n")
    assert verify.main([str(ctx), "--run"]) == 1
    out = capsys.readouterr().out
    assert "config.Labels: differs" in out and "runs[0].stdout: differs" in out


def test_usage_errors_exit_2(engine, tmp_path):
    assert verify.main([str(tmp_path / "missing")]) == 2
    assert verify.main(["--no-such-option"]) == 2
    (tmp_path / "Dockerfile").write_text("FROM oracle-not-local/never:1\n")
    assert verify.main([str(tmp_path)]) == 2  # would need a registry: not built
