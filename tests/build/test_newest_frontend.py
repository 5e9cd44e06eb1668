"""The newest modelled engine (BuildKit's current frontend), against BuildKit's own tests.

Expected values are quoted from moby/buildkit's integration tests (cited per test); the
base image there is busybox (2 history rows, 1 layer), here dsim/busybox:1.35, which has
the same shape.
"""

from __future__ import annotations

import pytest

from simulator.build import BuildOptions, build
from simulator.versions import NEWEST_ENGINE


@pytest.fixture(scope="module")
def base_images():
    from simulator.oracle.baseimage import base_image_paths

    return base_image_paths()


def _build(text, base_images, tmp_path, **kw):
    (tmp_path / "foo").write_bytes(b"contents0")
    return build(BuildOptions(context=str(tmp_path), dockerfile_text=text, builder="buildkit",
                              engine=NEWEST_ENGINE, base_images=base_images, **kw))


def test_exported_history(base_images, tmp_path):
    # frontend/dockerfile/dockerfile_history_test.go testExportedHistory
    text = """
FROM dsim/busybox:1.35 AS base
ENV foo=bar
COPY foo /foo2
FROM dsim/busybox:1.35
LABEL lbl=val
COPY --from=base foo2 foo3
WORKDIR /
RUN echo bar > foo4
RUN ["ls"]
EXPOSE 2375 5000 1234/udp
"""
    res = _build(text, base_images, tmp_path)
    assert res.ok, res.error
    h = res.image.history
    assert len(res.image.layers) == 4 and len(h) == 8
    assert "lbl=val" in h[2].created_by and h[2].empty_layer
    assert "COPY foo2 foo3" in h[3].created_by and not h[3].empty_layer
    assert "WORKDIR /" in h[4].created_by and h[4].empty_layer
    assert "echo bar > foo4" in h[5].created_by and not h[5].empty_layer
    assert "RUN ls" in h[6].created_by and not h[6].empty_layer
    assert "EXPOSE [1234/udp 2375/tcp 5000/tcp]" in h[7].created_by and h[7].empty_layer


def test_run_history_dedups_redeclared_args(base_images, tmp_path):
    # dockerfile_history_test.go (PR #5508): ARG foo=bar, ARG bar=123, ARG foo=bar2, RUN
    text = "FROM dsim/busybox:1.35\nARG foo=bar\nARG bar=123\nARG foo=bar2\nRUN ls /etc/\n"
    res = _build(text, base_images, tmp_path)
    h = [x.created_by for x in res.image.history]
    first = h.index("ARG foo=bar")
    assert len(h) == first + 4
    assert "ARG bar=123" in h[first + 1] and "ARG foo=bar2" in h[first + 2]
    assert "RUN |2 foo=bar2 bar=123 " in h[first + 3] and "ls /etc/" in h[first + 3]


def test_healthcheck_history_formatter():
    # convert_test.go TestDispatchHealthcheckHistory (commit d67dafeb8, dockerfile/1.24.0), verbatim
    from simulator.build.history import healthcheck_plus_v
    from simulator.image import Healthcheck

    hc = Healthcheck(("bin", "-c", "exit 0"), 1_000_000_000, 10_000_000_000, 3_000_000_000, 100_000_000, 5)
    assert "HEALTHCHECK " + healthcheck_plus_v(hc) == \
        "HEALTHCHECK {Test:[bin -c exit 0] Interval:1s Timeout:10s StartPeriod:3s StartInterval:100ms Retries:5}"


def test_healthcheck_history_plus_v(base_images, tmp_path):
    # the same through a Dockerfile: parse.go makes a JSON-form CMD's Test ["CMD", args...]
    text = ("FROM dsim/busybox:1.35\nHEALTHCHECK --interval=1s --timeout=10s --start-period=3s "
            "--start-interval=100ms --retries=5 CMD [\"bin\", \"-c\", \"exit 0\"]\n")
    res = _build(text, base_images, tmp_path)
    assert res.ok, res.error
    assert res.image.history[-1].created_by == \
        "HEALTHCHECK {Test:[CMD bin -c exit 0] Interval:1s Timeout:10s StartPeriod:3s StartInterval:100ms Retries:5}"


def test_newest_parse_error_prefix(base_images, tmp_path):
    # instructions/parse.go parseError: "dockerfile parse error on line %d: %v"; bflag.go "unknown flag: %s"
    res = _build("FROM dsim/busybox:1.35\nCOPY --bogus a b\n", base_images, tmp_path)
    assert not res.ok and "dockerfile parse error on line 2: unknown flag: --bogus" in res.error
