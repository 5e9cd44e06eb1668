"""The version table: engine lookup and `# syntax=` mapping."""

from __future__ import annotations

import pytest

from simulator.versions import ENGINES, NEWEST_ENGINE, NEWEST_FRONTEND, UnknownEngine, engine, syntax_frontend


def test_engine_2010_is_old_frontend():
    e = engine("20.10.24+dfsg1")
    assert e.version == "20.10" and e.builtin_frontend == (1, 2)
    f = e.features_for("buildkit")
    # observed on the 20.10 engine (tests/expand/data/engine-20.10.json): `${v?}` works,
    # `${v-w}` and `${v#p}` fail with "missing ':' in substitution"
    assert f.required_modifier and not f.colonless_modifiers and not f.trim_modifiers
    # heredocs became stable in dockerfile 1.4; the 20.10 parser has none
    assert not f.heredocs


@pytest.mark.parametrize("text,key", [("20.10", "20.10"), ("v28.0.1", "28.0"), ("28", "28.5"),
                                      ("29.7.0", "29.7"), (None, NEWEST_ENGINE)])
def test_engine_lookup(text, key):
    assert engine(text).version == key


@pytest.mark.parametrize("text", ["19.03", "banana", "21.0", "30"])
def test_unknown_engine(text):
    with pytest.raises(UnknownEngine):
        engine(text)


def test_engine_rows_are_monotonic():
    versions = [tuple(map(int, k.split("."))) for k in ENGINES]
    assert versions == sorted(versions)
    fronts = [e.builtin_frontend for e in ENGINES.values()]
    assert fronts == sorted(fronts)


def test_syntax_selects_frontend_for_buildkit_only():
    e = engine("20.10")
    assert e.features_for("buildkit", "docker/dockerfile:1.7").frontend == (1, 7)
    assert e.features_for("legacy", "docker/dockerfile:1.7").frontend == (1, 2)
    assert e.features_for("buildkit", "example.com/other:1").frontend == (1, 2)


@pytest.mark.parametrize("syntax,expected", [
    ("docker/dockerfile:1", NEWEST_FRONTEND),
    ("docker/dockerfile:1.4", (1, 4)),
    ("docker.io/docker/dockerfile:1.6.0", (1, 6)),
    ("docker/dockerfile:1.3-labs", (1, 3)),
    ("docker/dockerfile-upstream:1.10", (1, 10)),
    ("docker/dockerfile:1.2@sha256:" + "a" * 64, (1, 2)),
    ("docker/dockerfile:latest", None),
    ("docker/dockerfile:1.99", None),
    ("docker/dockerfile:1.8.0", None),
    ("myorg/frontend:1", None),
])
def test_syntax_frontend(syntax, expected):
    got = syntax_frontend(syntax)
    assert (got.frontend if got else None) == expected


def test_labs_heredocs():
    assert syntax_frontend("docker/dockerfile:1.3-labs").heredocs
    assert not syntax_frontend("docker/dockerfile:1.3").heredocs


def test_global_arg_errors():
    # 20.10 engine, recorded 2026-12-04: `ARG X=${U:?boom}` before `FROM scratch` builds on
    # BuildKit (X becomes ""), fails on the classic builder; 1.8.0 reports the error
    assert not engine("20.10").features.global_arg_errors_reported
    assert syntax_frontend("docker/dockerfile:1.8").global_arg_errors_reported
