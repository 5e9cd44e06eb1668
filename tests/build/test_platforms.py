"""FROM --platform values as containerd's parser reads them (both builders of engine
20.10). Expected outcomes: probed on engine 20.10.24 with `FROM --platform=V
dsim/busybox:1.35` and `RUN true`, BuildKit and the classic builder alike (accepted
values built from the local linux/amd64 image; rejected ones printed these texts after
"failed to parse platform V: ")."""

from __future__ import annotations

import pytest

from simulator.platforms import PlatformError, parse

ACCEPTED = ["linux", "Linux", "amd64", "LINUX/AMD64", "x86_64", "linux/x86_64", "linux/amd64/v2"]
REJECTED = {
    "": '"" is an invalid component of "": platform specifier component must match '
        '"^[A-Za-z0-9_-]+$": invalid argument',
    "linux/": '"" is an invalid component of "linux/": platform specifier component must match '
              '"^[A-Za-z0-9_-]+$": invalid argument',
    "linux/amd64/": '"" is an invalid component of "linux/amd64/": platform specifier component must '
                    'match "^[A-Za-z0-9_-]+$": invalid argument',
    "$A": '"$A" is an invalid component of "$A": platform specifier component must match '
          '"^[A-Za-z0-9_-]+$": invalid argument',
    "foo": '"foo": unknown operating system or architecture: invalid argument',
    "a/b/c/d": '"a/b/c/d": cannot parse platform specifier: invalid argument',
    "*": '"*": wildcards not yet supported: invalid argument',
}


@pytest.mark.parametrize("value", ACCEPTED)
def test_accepted_forms_name_this_machine(value):
    os_, arch, _ = parse(value)
    assert (os_, arch) == ("linux", "amd64")


@pytest.mark.parametrize("value,message", sorted(REJECTED.items()))
def test_rejected_forms_have_containerds_text(value, message):
    with pytest.raises(PlatformError) as err:
        parse(value)
    assert str(err.value) == message


PROBE = ('FROM dsim/busybox:1.35\nARG TARGETPLATFORM\nARG TARGETARCH\nARG TARGETOS\nARG TARGETVARIANT\n'
         'RUN echo "[$TARGETPLATFORM] [$TARGETOS] [$TARGETARCH] [$TARGETVARIANT]" > /o\nCMD ["cat", "/o"]\n')
#: `docker build --platform V` of PROBE, then `docker run`: engine 20.10.24, both builders
#: (the classic builder has no automatic TARGET* args: "[] [] [] []").
CLI_PLATFORM = {
    "amd64": "[linux/amd64] [linux] [amd64] []\n",
    "linux": "[linux/amd64] [linux] [amd64] []\n",
    "LINUX/X86_64": "[linux/amd64] [linux] [amd64] []\n",
    "linux/amd64/v2": "[linux/amd64/v2] [linux] [amd64] [v2]\n",
}
CLI_REJECTED = {
    "foo": 'Error response from daemon: "foo": unknown operating system or architecture: invalid argument',
    "linux/amd64/": 'Error response from daemon: "" is an invalid component of "linux/amd64/": platform '
                    'specifier component must match "^[A-Za-z0-9_-]+$": invalid argument',
}


@pytest.mark.parametrize("builder", ["buildkit", "legacy"])
@pytest.mark.parametrize("value", sorted(CLI_PLATFORM))
def test_cli_platform_is_normalised_in_the_target_args(value, builder, base_images):
    from simulator import api

    if "dsim/busybox:1.35" not in base_images:
        pytest.skip("no static busybox here to make the dsim base image")
    out = api.run_json(None, dockerfile_text=PROBE, builder=builder, engine="20.10", platform=value)
    assert out["stdout"] == (CLI_PLATFORM[value] if builder == "buildkit" else "[] [] [] []\n")


@pytest.mark.parametrize("builder", ["buildkit", "legacy"])
@pytest.mark.parametrize("value", sorted(CLI_REJECTED))
def test_cli_platform_the_daemon_rejects(value, builder):
    from simulator import api

    res = api.build(None, dockerfile_text=PROBE, builder=builder, engine="20.10", platform=value)
    assert not res.ok and res.error == CLI_REJECTED[value]


#: Not buildable here (no arm images, no registry): expected values from containerd's
#: platforms.Parse and Normalize as moby v20.10.24 vendors them (parse: a two-part `arm`
#: drops v7, a three-part `arm64` gets v8; Normalize, which BuildKit applies to
#: --platform, puts arm's v7 back and drops arm64's v8).
SOURCE_ONLY = [
    ("arm", ("linux", "arm", ""), "linux/arm/v7"),
    ("linux/arm", ("linux", "arm", ""), "linux/arm/v7"),
    ("linux/arm/7", ("linux", "arm", "v7"), "linux/arm/v7"),
    ("linux/armhf", ("linux", "arm", ""), "linux/arm/v7"),
    ("linux/arm64/v8", ("linux", "arm64", "v8"), "linux/arm64"),
    ("linux/aarch64", ("linux", "arm64", ""), "linux/arm64"),
    ("i386", ("linux", "386", ""), "linux/386"),
    ("macos/amd64", ("darwin", "amd64", ""), "darwin/amd64"),
]


@pytest.mark.parametrize("value,parsed,normalised", SOURCE_ONLY)
def test_arm_and_other_forms_from_containerds_source(value, parsed, normalised):
    from simulator.build.stages import platform_args
    from simulator.platforms import fmt, normalize

    assert parse(value) == parsed
    assert fmt(normalize(parse(value))) == normalised
    assert platform_args(value, (1, 2))["TARGETPLATFORM"] == normalised


def test_ios_is_not_a_known_os_in_this_containerd():
    with pytest.raises(PlatformError):
        parse("ios")
