"""Without an engine: record and verify refuse with exit 2 and one clear line."""

from __future__ import annotations

import pytest

from simulator.oracle import engine as E
from simulator.oracle import record, verify
from simulator.oracle.__main__ import main as oracle_main


@pytest.fixture
def no_engine(monkeypatch):
    def detect(*a, **k):
        raise E.NoEngine("no Docker engine answers `docker version`: test")

    monkeypatch.setattr(E.Engine, "detect", classmethod(detect))


def test_record_exits_2(no_engine, capsys):
    assert record.main([]) == 2
    err = capsys.readouterr().err
    assert "a real engine is needed" in err and "Traceback" not in err


def test_verify_exits_2(no_engine, tmp_path, capsys):
    (tmp_path / "Dockerfile").write_text("FROM dsim/busybox:1.35\n")
    assert verify.main([str(tmp_path)]) == 2
    assert "no Docker engine" in capsys.readouterr().err


def test_detect_without_client(tmp_path):
    with pytest.raises(E.NoEngine):
        E.Engine.detect(docker=str(tmp_path / "no-docker"))


def test_oracle_cli_usage(capsys):
    assert oracle_main([]) == 2
    assert oracle_main(["bogus"]) == 2
    assert oracle_main(["--help"]) == 0
