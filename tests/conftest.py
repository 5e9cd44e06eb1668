"""Shared fixtures: the real Docker engine (`engine`) and the local base images.

Without an engine, tests that use the `engine` fixture or the `engine` marker skip with
one line ("no Docker engine: live tests skipped"); with CI=true they fail instead.
"""

from __future__ import annotations

import os

import pytest

NO_ENGINE = "no Docker engine: live tests skipped"
_state: dict = {}


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _detect():
    """The Engine, or the NoEngine error; detected once per session."""
    if "engine" not in _state:
        from simulator.oracle.engine import Engine, NoEngine

        try:
            _state["engine"] = Engine.detect()
        except NoEngine as exc:
            _state["engine"] = exc
    return _state["engine"]


def pytest_report_header(config):
    from simulator.oracle.engine import NoEngine

    eng = _detect()
    if isinstance(eng, NoEngine):
        return NO_ENGINE if not _in_ci() else f"no Docker engine ({eng}); CI=true: live tests fail"
    return f"docker engine {eng.version} (key {eng.key})"


def _need_engine():
    from simulator.oracle.engine import NoEngine

    eng = _detect()
    if isinstance(eng, NoEngine):
        if _in_ci():
            pytest.fail(f"CI=true but no Docker engine answers: {eng}", pytrace=False)
        pytest.skip(NO_ENGINE)
    if "loaded" not in _state:
        from simulator.oracle import baseimage

        baseimage.load_all(baseimage.write_all())
        _state["loaded"] = True
    return eng


@pytest.fixture(scope="session")
def engine():
    """A simulator.oracle.engine.Engine for the running engine, base images loaded."""
    return _need_engine()


@pytest.fixture(scope="session")
def base_images() -> dict[str, str]:
    """{ref: docker-save tarball path} of the dsim base images (no engine needed)."""
    from simulator.oracle.baseimage import base_image_paths

    return base_image_paths()


def pytest_runtest_setup(item):
    if item.get_closest_marker("engine") is not None:
        _need_engine()


def pytest_terminal_summary(terminalreporter):
    from simulator.oracle.engine import NoEngine

    eng = _state.get("engine")
    if isinstance(eng, NoEngine) and not _in_ci() and terminalreporter.stats.get("skipped"):
        terminalreporter.write_line(NO_ENGINE)
