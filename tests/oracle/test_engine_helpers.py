"""Normalisation and parsing helpers of the engine driver (no engine needed)."""

from __future__ import annotations

import hashlib
import io
import tarfile

import pytest

from simulator.oracle import engine as E


@pytest.mark.parametrize("version,key", [("20.10.24+dfsg1", "20.10"), ("28.0.1", "28.0"),
                                         ("27.5.1-1", "27.5")])
def test_major_minor(version, key):
    assert E.major_minor(version) == key


def test_major_minor_rejects_garbage():
    with pytest.raises(E.NoEngine):
        E.major_minor("dev")


def test_normalise_error_removes_ids_and_context():
    line = ("\x1b[31mfailed to compute cache key: sha256:" + "ab" * 32 + " at /tmp/ctx-x/f: "
            + "0123456789abcdef" * 4 + " not found\x1b[0m")
    out = E.normalise_error(line, "/tmp/ctx-x")
    assert out == "failed to compute cache key: sha256:<id> at <context>/f: <id> not found"


def test_extract_warnings_joins_indented_lines():
    out = ("Sending build context to Docker daemon  2.048kB\n"
           "\x1b[91m[WARNING]: Empty continuation line found in:\n"
           "    RUN echo a   && exit 3\n"
           "[WARNING]: Empty continuation lines will become errors in a future release.\n"
           "\x1b[0mStep 1/3 : FROM x\n"
           "[Warning] One or more build-args [B] were not consumed\n"
           "Successfully built 0123\n")
    assert E.extract_warnings(out) == [
        "[WARNING]: Empty continuation line found in:\n    RUN echo a   && exit 3",
        "[WARNING]: Empty continuation lines will become errors in a future release.",
        "[Warning] One or more build-args [B] were not consumed",
    ]


def test_layer_entries():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, kind, extra in [("./b/", tarfile.DIRTYPE, {}), ("a.txt", tarfile.REGTYPE, {}),
                                  ("b/l", tarfile.SYMTYPE, {"linkname": "../a.txt"}),
                                  ("b/.wh.gone", tarfile.REGTYPE, {})]:
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.uid, info.gid = kind, 0o4755 if name == "a.txt" else 0o755, 7, 8
            for k, v in extra.items():
                setattr(info, k, v)
            data = b"xyz" if name == "a.txt" else b""
            info.size = len(data) if kind == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(data))
    entries = E.layer_entries(buf.getvalue())
    assert [e["path"] for e in entries] == ["a.txt", "b", "b/.wh.gone", "b/l"]
    a = entries[0]
    assert a == {"path": "a.txt", "type": "file", "mode": "4755", "uid": 7, "gid": 8, "size": 3,
                 "sha256": hashlib.sha256(b"xyz").hexdigest(), "linkname": None}
    assert entries[1]["type"] == "dir" and entries[1]["sha256"] is None
    assert entries[3]["type"] == "symlink" and entries[3]["linkname"] == "../a.txt"


def test_run_invocation_keeps_given_keys():
    spec = E.RunSpec.from_json({"args": ["a"], "entrypoint": "", "env": [], "user": None})
    assert spec.invocation() == {"args": ["a"], "entrypoint": ""}


def _unsafe(text, build_args=None, local=("dsim/busybox:1.35",)):
    return E.unsafe_reasons(text, build_args or {}, {}, lambda ref: ref in local)


@pytest.mark.parametrize("text", [
    "FROM dsim/busybox:1.35\nRUN true\n",
    "FROM scratch\nCOPY a /a\n",
    "FROM dsim/busybox:1.35 AS Build\nFROM build\nCOPY --from=build /a /b\nCOPY --from=0 /a /c\n",
    "ARG B=dsim/busybox:1.35\nFROM $B\n",
    "ARG B\nFROM ${B:-dsim/busybox:1.35}\n",
    "FROM dsim/busybox:1.35\nCOPY --from=$X /a /b\n",
    "FROM --platform=$BUILDPLATFORM dsim/busybox:1.35\n",
    "FROM --platform=amd64 dsim/busybox:1.35\n",
    "ARG E\nFROM --platform=$E dsim/busybox:1.35\n",  # empty: containerd rejects it
    "FROM --platform=linux/amd64/ dsim/busybox:1.35\n",
])
def test_safe_dockerfiles(text):
    assert _unsafe(text) == []


@pytest.mark.parametrize("text,build_args", [
    ("FROM alpine:3.19\n", None),
    ("ARG B=dsim/busybox:1.35\nFROM $B\n", {"B": "debian:12"}),
    ("FROM dsim/busybox:1.35\nCOPY --from=nginx:latest /a /b\n", None),
    ("FROM dsim/busybox:1.35\nADD https://example.com/x /x\n", None),
    ("# syntax=docker/dockerfile:1\nFROM dsim/busybox:1.35\n", None),
    ("FROM --platform=linux/arm64 dsim/busybox:1.35\n", None),
    ("FROM --platform=arm64 dsim/busybox:1.35\n", None),
    # build args replace the automatic platform args (BuildKit), also in a global's default
    ("FROM --platform=$BUILDPLATFORM dsim/busybox:1.35\n", {"BUILDPLATFORM": "linux/arm64"}),
    ("FROM --platform=linux/$TARGETARCH dsim/busybox:1.35\n", {"TARGETARCH": "arm64"}),
    ("ARG P=$BUILDPLATFORM\nFROM --platform=$P dsim/busybox:1.35\n", {"BUILDPLATFORM": "linux/arm64"}),
    # modifiers the module's own expansion does not know: the simulator's lexer reads them
    ("ARG P=arm64\nFROM --platform=${P:?} dsim/busybox:1.35\n", None),
    ("ARG P=arm64\nFROM --platform=${P?x} dsim/busybox:1.35\n", None),
    ("FROM dsim/busybox:1.35\nRUN --mount=from=golang:1,target=/g true\n", None),
])
def test_unsafe_dockerfiles(text, build_args):
    assert _unsafe(text, build_args)


def test_copy_from_a_later_stage():
    text = "FROM dsim/busybox:1.35 AS a\nCOPY --from=later /x /x\nFROM dsim/busybox:1.35 AS later\n"
    assert E.unsafe_reasons(text, {}, {}, lambda r: r == "dsim/busybox:1.35", "buildkit") == []
    assert E.unsafe_reasons(text, {}, {}, lambda r: r == "dsim/busybox:1.35", "legacy")


def test_client_log_lines_are_not_the_stderr_line():
    err = ('docker: Error response from daemon: unable to find user ghost.\n'
           'time="2026-12-04T22:10:57Z" level=error msg="error waiting for container: context canceled"\n')
    assert E._last_line(E._CLIENT_LOG.sub("", err)) == "docker: Error response from daemon: unable to find user ghost."
