"""Platform specifiers (`linux/amd64`, `arm64`, `linux/arm/v7`) as containerd's
`platforms.Parse` reads them for both builders of engine 20.10 (FROM --platform,
--platform): components checked, one-word forms taken as an OS or an architecture, names
normalised (x86_64 -> amd64, aarch64 -> arm64, armhf -> arm/v7, ...).

Errors carry containerd's text followed by ": invalid argument" (errdefs.ErrInvalidArgument),
as the builders print them after "failed to parse platform VALUE: ".
"""

from __future__ import annotations

import re

_COMPONENT = re.compile(r"[A-Za-z0-9_-]+")
_COMPONENT_TEXT = "^[A-Za-z0-9_-]+$"

#: Go's GOOS and GOARCH values (what containerd accepts as known).
KNOWN_OS = frozenset("aix android darwin dragonfly freebsd hurd illumos js linux nacl netbsd openbsd "
                     "plan9 solaris windows zos".split())
KNOWN_ARCH = frozenset("386 amd64 amd64p32 arm armbe arm64 arm64be ppc64 ppc64le mips mipsle mips64 "
                       "mips64le mips64p32 mips64p32le ppc riscv riscv64 s390 s390x sparc sparc64 "
                       "wasm".split())
HOST = ("linux", "amd64", "")  # the machine the engine runs on here


class PlatformError(ValueError):
    pass


def _os(name: str) -> str:
    name = name.lower()
    return "darwin" if name == "macos" else name


def _arch(arch: str, variant: str) -> tuple[str, str]:
    arch, variant = arch.lower(), variant.lower()
    if arch == "i386":
        return "386", ""
    if arch in ("x86_64", "x86-64"):
        return "amd64", ""
    if arch in ("aarch64", "arm64"):
        return "arm64", "" if variant in ("8", "v8") else variant
    if arch == "armhf":
        return "arm", "v7"
    if arch == "armel":
        return "arm", "v6"
    if arch == "arm":
        if variant in ("", "7"):
            return "arm", "v7"
        if variant in ("5", "6", "8"):
            return "arm", "v" + variant
    return arch, variant


def parse(specifier: str) -> tuple[str, str, str]:
    """(os, architecture, variant) of a specifier, or PlatformError with containerd's text."""
    if "*" in specifier:
        raise PlatformError(f'"{specifier}": wildcards not yet supported: invalid argument')
    parts = specifier.split("/")
    for part in parts:
        if not _COMPONENT.fullmatch(part):
            raise PlatformError(f'"{part}" is an invalid component of "{specifier}": platform specifier '
                                f'component must match "{_COMPONENT_TEXT}": invalid argument')
    if len(parts) == 1:
        os_ = _os(parts[0])
        if os_ in KNOWN_OS:
            return os_, HOST[1], HOST[2]
        arch, variant = _arch(parts[0], "")
        if arch == "arm" and variant == "v7":
            variant = ""
        if arch in KNOWN_ARCH:
            return HOST[0], arch, variant
        raise PlatformError(f'"{specifier}": unknown operating system or architecture: invalid argument')
    if len(parts) == 2:
        arch, variant = _arch(parts[1], "")
        if arch == "arm" and variant == "v7":
            variant = ""
        return _os(parts[0]), arch, variant
    if len(parts) == 3:
        arch, variant = _arch(parts[1], parts[2])
        if arch == "arm64" and variant == "":
            variant = "v8"
        return _os(parts[0]), arch, variant
    raise PlatformError(f'"{specifier}": cannot parse platform specifier: invalid argument')


def normalize(platform: tuple[str, str, str]) -> tuple[str, str, str]:
    """containerd's platforms.Normalize (BuildKit applies it to --platform): `arm` is
    `arm/v7` again."""
    return (_os(platform[0]), *_arch(platform[1], platform[2]))


def fmt(platform: tuple[str, str, str]) -> str:
    """containerd's platforms.Format: os/arch[/variant]."""
    return "/".join(p for p in platform if p)
