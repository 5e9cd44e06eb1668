"""Build rules on small Dockerfiles, against facts observed on the real engine.

Every expected value below was printed by Docker Engine 20.10.24 (this machine's
engine) for the same Dockerfile with both builders (`docker history --no-trunc`,
`docker image inspect`), base image `dsim/configured:1` / `dsim/busybox:1.35`.
"""

from __future__ import annotations

import pytest

from simulator.build import BuildOptions, build
from simulator.build.history import go_duration, go_rune_quote

RICH = """FROM dsim/configured:1
ARG MODE=argmode
ARG V=1
ENV E=e1
WORKDIR /tmp
WORKDIR sub
RUN echo "$MODE $V $E" > /out
ARG E=argE
RUN true
CMD []
ENTRYPOINT ["/bin/echo"]
USER app
WORKDIR /newdir
SHELL ["/bin/sh", "-c"]
EXPOSE 80 90/udp 100-101
VOLUME /a /b
LABEL a=b
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s CMD true
ONBUILD RUN echo hi
MAINTAINER me
"""

BASE_ROWS = [
    ("dsim: static busybox 1.35, applet symlinks, /etc/passwd, /etc/group", False),
    ("dsim: /srv/app files", False),
    ("dsim: rich config", True),
]

# engine: docker history (newest last here); layer rows are the ones with a size / RootFS entry
RICH_HISTORY = {
    "buildkit": BASE_ROWS + [
        ("ARG MODE=argmode", True), ("ARG V=1", True), ("ENV E=e1", True),
        ("WORKDIR /tmp", False), ("WORKDIR /tmp/sub", False),
        ('RUN |2 MODE=argmode V=2 /bin/sh -ec echo "$MODE $V $E" > /out # buildkit', False),
        ("ARG E=argE", True),
        ("RUN |3 MODE=argmode V=2 E=argE /bin/sh -ec true # buildkit", False),
        ("CMD []", True), ('ENTRYPOINT ["/bin/echo"]', True), ("USER app", True), ("WORKDIR /newdir", False),
        ("SHELL [/bin/sh -c]", True), ("EXPOSE map[100/tcp:{} 101/tcp:{} 80/tcp:{} 90/udp:{}]", True),
        ("VOLUME [/a /b]", True), ("LABEL a=b", True), ("STOPSIGNAL SIGTERM", True),
        ("HEALTHCHECK &{[\"CMD-SHELL\" \"true\"] \"5s\" \"0s\" \"0s\" '\\x00'}", True), ("MAINTAINER me", True),
    ],
    "legacy": BASE_ROWS + [
        ("/bin/sh -ec #(nop)  ARG MODE=argmode", True), ("/bin/sh -ec #(nop)  ARG V=1", True),
        ("/bin/sh -ec #(nop)  ENV E=e1", True), ("/bin/sh -ec #(nop) WORKDIR /tmp", True),
        ("/bin/sh -ec #(nop) WORKDIR /tmp/sub", False),
        ('|1 V=2 /bin/sh -ec echo "$MODE $V $E" > /out', False),
        ("/bin/sh -ec #(nop)  ARG E=argE", True), ("|1 V=2 /bin/sh -ec true", True),
        ("/bin/sh -ec #(nop)  CMD []", True), ('/bin/sh -ec #(nop)  ENTRYPOINT ["/bin/echo"]', True),
        ("/bin/sh -ec #(nop)  USER app", True), ("/bin/sh -ec #(nop) WORKDIR /newdir", False),
        ("/bin/sh -c #(nop)  SHELL [/bin/sh -c]", True), ("/bin/sh -c #(nop)  EXPOSE 100-101 80 90/udp", True),
        ("/bin/sh -c #(nop)  VOLUME [/a /b]", True), ("/bin/sh -c #(nop)  LABEL a=b", True),
        ("/bin/sh -c #(nop)  STOPSIGNAL SIGTERM", True),
        ("/bin/sh -c #(nop)  HEALTHCHECK &{[\"CMD-SHELL\" \"true\"] \"5s\" \"0s\" \"0s\" '\\x00'}", True),
        ("/bin/sh -c #(nop)  ONBUILD RUN echo hi", True), ("/bin/sh -c #(nop)  MAINTAINER me", True),
    ],
}
RICH_LAYERS = {"buildkit": 7, "legacy": 5}
RICH_HEALTH = {"buildkit": {"Test": ["CMD-SHELL", "true"], "Interval": 5000000000},
               "legacy": {"Test": ["CMD-SHELL", "true"], "Interval": 5000000000, "Retries": 2}}


@pytest.fixture(scope="module")
def base_images():
    from simulator.oracle.baseimage import base_image_paths

    return base_image_paths()


def _build(text, builder, base_images, **kw):
    return build(BuildOptions(dockerfile_text=text, builder=builder, engine="20.10", base_images=base_images, **kw))


@pytest.mark.parametrize("builder", ["buildkit", "legacy"])
def test_rich_dockerfile(builder, base_images):
    res = _build(RICH, builder, base_images, build_args={"V": "2", "UNUSED": "x"})
    assert res.ok, res.error
    img = res.image
    assert [(h.created_by, h.empty_layer) for h in img.history] == RICH_HISTORY[builder]
    assert len(img.layers) == RICH_LAYERS[builder]
    cfg = img.config.to_json()
    assert cfg["Env"] == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                          "GREETING=hello from base", "MODE=base", "APP_HOME=/srv/app", "E=e1"]
    assert (cfg["Cmd"], cfg["Entrypoint"], cfg["User"], cfg["WorkingDir"]) == (None, ["/bin/echo"], "app", "/newdir")
    assert cfg["ExposedPorts"] == {p: {} for p in ["100/tcp", "101/tcp", "53/udp", "80/tcp", "8080/tcp", "90/udp"]}
    assert cfg["Volumes"] == {"/a": {}, "/b": {}, "/var/lib/dsim": {}}
    assert cfg["Labels"] == {"a": "b", "org.dsim.base": "configured", "org.dsim.tier": "base"}
    assert (cfg["StopSignal"], cfg["Shell"], cfg["OnBuild"]) == ("SIGTERM", ["/bin/sh", "-c"], ["RUN echo hi"])
    assert cfg["Healthcheck"] == RICH_HEALTH[builder]
    want = ["[Warning] One or more build-args [UNUSED] were not consumed"] if builder == "legacy" else []
    assert list(res.warnings) == want


# engine: (Dockerfile, builder) -> (Cmd, Entrypoint, Healthcheck, layer count)
CONFIG_CASES = [
    ("FROM dsim/busybox:1.35\nCMD []\n", "buildkit", (None, None, None, 1)),
    ("FROM dsim/busybox:1.35\nCMD []\n", "legacy", ([], None, None, 1)),
    ("FROM dsim/configured:1\nENTRYPOINT []\n", "buildkit",
     (None, None, {"Test": ["CMD", "/bin/true"], "Interval": 10000000000, "Retries": 2}, 2)),
    ("FROM dsim/configured:1\nENTRYPOINT []\n", "legacy",
     (None, None, {"Test": ["CMD", "/bin/true"], "Interval": 10000000000, "Retries": 2}, 2)),
    ("FROM dsim/configured:1\nHEALTHCHECK NONE\n", "buildkit",
     (["from-base-cmd"], ["/bin/echo", "base-entrypoint"], {"Test": ["NONE"]}, 2)),
    ("FROM dsim/configured:1\nHEALTHCHECK NONE\n", "legacy",
     (["from-base-cmd"], ["/bin/echo", "base-entrypoint"], {"Test": ["NONE"], "Interval": 10000000000, "Retries": 2}, 2)),
    ('FROM dsim/configured:1\nCMD ["x"]\nENTRYPOINT []\n', "buildkit",
     (["x"], None, {"Test": ["CMD", "/bin/true"], "Interval": 10000000000, "Retries": 2}, 2)),
    ('FROM dsim/configured:1\nCMD ["x"]\nENTRYPOINT []\n', "legacy",
     (["x"], None, {"Test": ["CMD", "/bin/true"], "Interval": 10000000000, "Retries": 2}, 2)),
    ("FROM dsim/busybox:1.35\nWORKDIR /\nWORKDIR /tmp\nRUN true\n", "buildkit", (["sh"], None, None, 3)),
    ("FROM dsim/busybox:1.35\nWORKDIR /\nWORKDIR /tmp\nRUN true\n", "legacy", (["sh"], None, None, 1)),
]


@pytest.mark.parametrize("text,builder,expected", CONFIG_CASES)
def test_config_rules(text, builder, expected, base_images):
    res = _build(text, builder, base_images)
    assert res.ok, res.error
    cfg = res.image.config.to_json()
    assert (cfg["Cmd"], cfg["Entrypoint"], cfg.get("Healthcheck"), len(res.image.layers)) == expected


# engine: the last line each builder printed
ERROR_CASES = [
    ("FROM dsim/busybox:1.35\nENV a=${b:?oops}\n", "buildkit",
     'failed to solve with frontend dockerfile.v0: failed to create LLB definition: failed to process "${b:?oops}": b: oops'),
    ("FROM dsim/busybox:1.35\nENV a=${b:?oops}\n", "legacy", 'failed to process "${b:?oops}": b: oops'),
    ("FROM dsim/busybox:1.35\nRUN exit 3\n", "buildkit", "executor failed running [/bin/sh -c exit 3]: exit code: 3"),
    ("FROM dsim/busybox:1.35\nRUN exit 3\n", "legacy", "The command '/bin/sh -c exit 3' returned a non-zero code: 3"),
    ("FROM dsim/busybox:1.35\nEXPOSE 80/xyz\n", "buildkit",
     "failed to solve with frontend dockerfile.v0: failed to create LLB definition: Invalid proto: xyz"),
    ("FROM dsim/busybox:1.35\nEXPOSE 80/xyz\n", "legacy", "Invalid proto: xyz"),
    ("FROM dsim/busybox:1.35\nSTOPSIGNAL FOO\n", "buildkit",
     "failed to solve with frontend dockerfile.v0: failed to create LLB definition: Invalid signal: FOO"),
    ("FROM dsim/busybox:1.35\nSTOPSIGNAL FOO\n", "legacy", "Invalid signal: FOO"),
    ("FROM dsim/busybox:1.35 AS a\nFROM dsim/busybox:1.35 AS a\n", "legacy", "a stage name already used"),
    ("FROM scratch\nCOPY --link a /b\n", "buildkit",
     "failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 2: Unknown flag: link"),
    ("FROM scratch\nCOPY --link a /b\n", "legacy", "Error response from daemon: dockerfile parse error line 2: Unknown flag: link"),
    ('FROM scratch\nRUN echo "no shell in scratch"\n', "buildkit",
     'executor failed running [/bin/sh -c echo "no shell in scratch"]: exit code: 1'),
    ('FROM scratch\nRUN echo "no shell in scratch"\n', "legacy",
     'failed to create shim task: OCI runtime create failed: runc create failed: unable to start container '
     'process: exec: "/bin/sh": stat /bin/sh: no such file or directory: unknown'),
    ("FROM dsim/busybox:1.35\nUSER ghost\nRUN id\n", "buildkit",
     "executor failed running [/bin/sh -c id]: unable to find user ghost: no matching entries in passwd file"),
    ("FROM dsim/busybox:1.35\nUSER ghost\nRUN id\n", "legacy",
     "unable to find user ghost: no matching entries in passwd file"),
    ("FROM dsim/busybox:1.35\nWORKDIR $NOPE\n", "legacy", "cannot normalize nothing"),
    ("FROM scratch\nEXPOSE 90-80\n", "legacy", "Invalid containerPort: 90-80"),
    ("FROM scratch\nEXPOSE /udp\n", "legacy", "No port specified: /udp<empty>"),
    ("FROM scratch\nEXPOSE 99999\n", "buildkit",
     "failed to solve with frontend dockerfile.v0: failed to create LLB definition: Invalid containerPort: 99999"),  # engine (fuzz case 16)
    ("", "buildkit", "failed to solve with frontend dockerfile.v0: failed to create LLB definition: the Dockerfile cannot be empty"),
    ("", "legacy", "Error response from daemon: the Dockerfile (Dockerfile) cannot be empty"),
    ("# just a comment\n", "buildkit",
     "failed to solve with frontend dockerfile.v0: failed to create LLB definition: file with no instructions"),
    ("# just a comment\n", "legacy", "Error response from daemon: failed to parse Dockerfile: file with no instructions"),
    ("ENV a b\n", "buildkit",
     "failed to solve with frontend dockerfile.v0: failed to create LLB definition: no build stage in current context"),
    ("ENV a b\n", "legacy", "Error response from daemon: no build stage in current context"),
    ("FROM scratch\nCOPY --chmod=755 a /b\n", "legacy",
     "the --chmod option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled"),
]


@pytest.mark.parametrize("text,builder,error", ERROR_CASES)
def test_errors(text, builder, error, base_images, tmp_path):
    (tmp_path / "a").write_text("a\n")
    res = build(BuildOptions(context=str(tmp_path), dockerfile_text=text, builder=builder, engine="20.10",
                             base_images=base_images))
    assert (res.ok, res.error, res.exit_code) == (False, error, 1)


def test_target_errors(base_images):
    text = "FROM dsim/busybox:1.35\n"
    bk = _build(text, "buildkit", base_images, target="foo")
    lg = _build(text, "legacy", base_images, target="foo")
    assert bk.error == "failed to solve with frontend dockerfile.v0: failed to create LLB definition: target stage foo could not be found"
    assert lg.error == "Error response from daemon: failed to reach build target foo in Dockerfile"


def test_scratch_workdir(base_images, tmp_path):
    # engine: a FROM scratch stage's image has WorkingDir "/" with BuildKit (emptyImage), "" with legacy
    (tmp_path / "a").write_text("a\n")
    for builder, wd in (("buildkit", "/"), ("legacy", "")):
        res = build(BuildOptions(context=str(tmp_path), dockerfile_text="FROM scratch\nCOPY a /a\n", builder=builder,
                                 engine="20.10", base_images=base_images))
        assert res.ok and res.image.config.working_dir == wd


def test_duplicate_stage_name_is_fine_in_buildkit(base_images):
    res = _build("FROM dsim/busybox:1.35 AS a\nFROM dsim/busybox:1.35 AS a\n", "buildkit", base_images)
    assert res.ok


def test_go_formatting():
    # Go's time.Duration.String and %q of an int (rune literal), as in the HEALTHCHECK rows above
    assert [go_duration(x) for x in (0, 5_000_000_000, 90_000_000_000, 3_600_000_000_000, 1_500_000, 999)] == \
        ["0s", "5s", "1m30s", "1h0m0s", "1.5ms", "999ns"]
    assert [go_rune_quote(x) for x in (0, 2, 65)] == ["'\\x00'", "'\\x02'", "'A'"]


def test_unknown_base_image_is_marked_unknown():
    res = build(BuildOptions(dockerfile_text="FROM nowhere/nothing:1\nENV A=1\n", builder="buildkit", engine="20.10"))
    assert res.ok and not res.image.known and res.image.size is None
    assert res.image.config.env_dict()["A"] == "1"
    assert any("nowhere/nothing:1" in w for w in res.warnings)


# engine: ONBUILD in a stage fires in its direct child stage only (both builders);
# docker history --no-trunc, oldest first; Config.OnBuild null
ONBUILD_STAGES = "FROM dsim/busybox:1.35 AS a\nRUN echo hi > /x\nONBUILD RUN echo trig > /t\nFROM a AS b\nRUN cat /t\nFROM b\nRUN ls /t\n"
ONBUILD_HISTORY = {
    "buildkit": ["RUN /bin/sh -c echo hi > /x # buildkit", "RUN /bin/sh -c echo trig > /t # buildkit",
                 "RUN /bin/sh -c cat /t # buildkit", "RUN /bin/sh -c ls /t # buildkit"],
    "legacy": ["/bin/sh -c echo hi > /x", "/bin/sh -c #(nop)  ONBUILD RUN echo trig > /t",
               "/bin/sh -c echo trig > /t", "/bin/sh -c cat /t", "/bin/sh -c ls /t"],
}


@pytest.mark.parametrize("builder", ["buildkit", "legacy"])
def test_onbuild_fires_in_child_stage_only(builder, base_images):
    res = _build(ONBUILD_STAGES, builder, base_images)
    assert res.ok, res.error
    assert [h.created_by for h in res.image.history][2:] == ONBUILD_HISTORY[builder]
    assert res.image.config.to_json()["OnBuild"] is None


def test_circular_copy_from(base_images):
    # engine (BuildKit): the first stage in file order whose walk meets the cycle
    text = "FROM dsim/busybox:1.35 AS a\nCOPY --from=b /x /x\nFROM dsim/busybox:1.35 AS b\nCOPY --from=a /x /y\n"
    res = _build(text, "buildkit", base_images)
    assert res.error == ("failed to solve with frontend dockerfile.v0: failed to create LLB definition: "
                         "circular dependency detected on stage: a")


def test_trace_names_what_changed(base_images):
    text = "FROM dsim/busybox:1.35 AS b\nARG A=1\nENV E=2\nRUN true\nWORKDIR /\nCMD [\"x\"]\n"
    res = _build(text, "buildkit", base_images)
    steps = [(s.stage, s.line, s.changed) for s in res.trace]
    assert steps == [("b", 1, ("base",)), ("b", 2, ("scope",)), ("b", 3, ("env", "config:Env")),
                     ("b", 4, ("layer",)), ("b", 5, ("config:WorkingDir", "no layer")), ("b", 6, ("config:Cmd",))]


def test_buildkit_skips_unreachable_stages_legacy_builds_them(base_images):
    # a stage nothing depends on fails; BuildKit never builds it, the classic builder does
    # (corpus stage-unused-failing records the same on the engine)
    text = "FROM dsim/busybox:1.35 AS unused\nRUN exit 7\nFROM dsim/busybox:1.35\nCMD [\"ok\"]\n"
    assert _build(text, "buildkit", base_images).ok
    lg = _build(text, "legacy", base_images)
    assert lg.error == "The command '/bin/sh -c exit 7' returned a non-zero code: 7"


def test_legacy_run_creates_missing_volume_mountpoint(base_images):
    # engine (classic builder): the first RUN after `VOLUME /v` commits the mountpoint dir
    # /v (0755 root) and nothing else; the next RUN is an empty layer; BuildKit mounts nothing
    text = "FROM dsim/app-user:1 AS s0\nWORKDIR /tmp\nVOLUME /v\nRUN echo trig\nRUN echo two\n"
    res = _build(text, "legacy", base_images)
    assert [(h.created_by, h.empty_layer) for h in res.image.history][2:] == [
        ("/bin/sh -c #(nop) WORKDIR /tmp", True), ("/bin/sh -c #(nop)  VOLUME [/v]", True),
        ("/bin/sh -c echo trig", False), ("/bin/sh -c echo two", True)]
    assert len(res.image.layers) == 2
    assert res.image.layers[-1].files() == [{"path": "v", "type": "dir", "mode": "0755", "uid": 0, "gid": 0,
                                             "size": 0, "sha256": None, "linkname": None}]


def test_run_mount_is_unknown_not_invented(base_images):
    # engine (BuildKit): history `RUN /bin/sh -c cat /y > /z # buildkit` (flags not in it). A
    # cache mount is not modelled, so the layer is unknown instead of a guessed result (a
    # bind mount of another stage is modelled: corpus stage-run-mount-from)
    text = ("FROM dsim/busybox:1.35\n"
            "RUN --mount=type=cache,target=/y cat /y/f > /z\n")
    res = _build(text, "buildkit", base_images)
    assert res.ok and res.image.history[-1].created_by == "RUN /bin/sh -c cat /y/f > /z # buildkit"
    assert res.image.size is None and "mount" in res.image.unknown_reason


def test_buildkit_reports_conversion_errors_before_run_failures(base_images):
    # engine (differential sweep, seed 205): the RUN fails (user app cannot remove a root
    # file) but BuildKit converts the whole Dockerfile first, so EXPOSE's error is reported;
    # the classic builder stops at the RUN
    text = ("FROM dsim/app-user:1 AS s0\nRUN rm -f /etc/group\nENV A=two\nEXPOSE $A\n")
    assert _build(text, "buildkit", base_images).error == \
        "failed to solve with frontend dockerfile.v0: failed to create LLB definition: Invalid containerPort: two"
    assert _build(text, "legacy", base_images).error == \
        "The command '/bin/sh -c rm -f /etc/group' returned a non-zero code: 1"


def test_legacy_from_reference_error(base_images):
    # engine (sweep seed 235): --build-arg BASE='$A' is not expanded again; the classic
    # builder fails on the reference itself
    text = "ARG BASE=dsim/busybox:1.35\nFROM dsim/busybox:1.35 AS s0\nFROM $BASE AS s1\n"
    res = _build(text, "legacy", base_images, build_args={"BASE": "$A"})
    assert res.error == "invalid reference format: repository name must be lowercase"
