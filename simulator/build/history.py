"""History rows (`created_by`) exactly as each builder writes them.

BuildKit (dockerfile2llb/convert.go `commitToHistory`): the instruction's own words, with
` # buildkit` after RUN/COPY/ADD, comment `buildkit.dockerfile.v0`.
Classic builder (moby builder/dockerfile `withCmdComment` / `withCmdCommentString` and
image.NewChildImage): the commit's Cmd joined by spaces: the current SHELL (default
`/bin/sh -c`) then `#(nop) ` and the comment as two words (metadata) or one word
(WORKDIR, COPY, ADD); a RUN's own command line with `|N K=V` build args first.
"""

from __future__ import annotations

from simulator.build.gostr import plain_list, quote, quote_list

BUILDKIT_COMMENT = "buildkit.dockerfile.v0"
DEFAULT_SHELL = ("/bin/sh", "-c")


def go_duration(ns: int) -> str:
    """Go's time.Duration.String()."""
    if ns == 0:
        return "0s"
    neg = ns < 0
    u = -ns if neg else ns
    if u < 1_000_000_000:
        if u < 1_000:
            s = f"{u}ns"
        elif u < 1_000_000:
            s = _frac(u, 1_000) + "µs"
        else:
            s = _frac(u, 1_000_000) + "ms"
    else:
        h, rem = divmod(u, 3_600_000_000_000)
        m, rem = divmod(rem, 60_000_000_000)
        secs = _frac(rem, 1_000_000_000)
        s = ""
        if h:
            s = f"{h}h{m}m"
        elif m:
            s = f"{m}m"
        s += secs + "s"
    return "-" + s if neg else s


def _frac(v: int, unit: int) -> str:
    whole, rem = divmod(v, unit)
    if not rem:
        return str(whole)
    digits = len(str(unit)) - 1
    return f"{whole}." + f"{rem:0{digits}d}".rstrip("0")


def go_rune_quote(n: int) -> str:
    """fmt %q of an integer: a Go quoted rune literal ('\\x00', 'A')."""
    ch = chr(n)
    special = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v", 92: "\\\\", 39: "\\'"}
    if n in special:
        return f"'{special[n]}'"
    if ch.isprintable():
        return f"'{ch}'"
    if n < 0x80:
        return f"'\\x{n:02x}'"
    if n <= 0xFFFF:
        return f"'\\u{n:04x}'"
    return f"'\\U{n:08x}'"


def healthcheck_text(hc, with_start_interval: bool) -> str:
    """fmt %q of a *HealthConfig: `&{["CMD" "x"] "5s" "0s" "0s" '\\x00'}`."""
    parts = [quote_list(hc.test), quote(go_duration(hc.interval)), quote(go_duration(hc.timeout)),
             quote(go_duration(hc.start_period))]
    if with_start_interval:
        parts.append(quote(go_duration(hc.start_interval)))
    parts.append(go_rune_quote(hc.retries))
    return "&{" + " ".join(parts) + "}"


def healthcheck_plus_v(hc) -> str:
    """fmt %+v of a HealthcheckConfig (dockerfile/1.24+):
    `{Test:[CMD-SHELL true] Interval:5s Timeout:0s StartPeriod:0s StartInterval:0s Retries:0}`."""
    return (f"{{Test:{plain_list(hc.test)} Interval:{go_duration(hc.interval)} Timeout:{go_duration(hc.timeout)} "
            f"StartPeriod:{go_duration(hc.start_period)} StartInterval:{go_duration(hc.start_interval)} "
            f"Retries:{hc.retries}}}")


def go_map_keys(keys) -> str:
    """fmt %v of a map[string]struct{}: `map[a:{} b:{}]` (keys sorted)."""
    return "map[" + " ".join(f"{k}:{{}}" for k in sorted(keys)) + "]"


# --------------------------------------------------------------------------- classic builder


def legacy_nop(shell, comment: str) -> str:
    """withCmdComment: shell + ["#(nop) ", comment] joined (two spaces)."""
    return " ".join(list(shell or DEFAULT_SHELL) + ["#(nop) ", comment])


def legacy_nop_single(shell, comment: str) -> str:
    """withCmdCommentString: shell + ["#(nop) " + comment]."""
    return " ".join(list(shell or DEFAULT_SHELL) + ["#(nop) " + comment])


def legacy_run(argv, build_args: list[str] | None) -> str:
    """prependEnvOnCmd: `|N K=V ...` (sorted) before the command line; None: no prefix."""
    if build_args is None:
        return " ".join(argv)
    return " ".join([f"|{len(build_args)}", *sorted(build_args), *argv])


# ---------------------------------------------------------------------------------- BuildKit


def buildkit_run(argv, args_kv: list[tuple[str, str]], dedup: bool) -> str:
    """runCommandString: `|N K=V ... argv` (declaration order); + ` # buildkit`."""
    entries: list[str] = []
    index: dict[str, int] = {}
    for k, v in args_kv:
        if dedup and k in index:
            entries[index[k]] = f"{k}={v}"
            continue
        index[k] = len(entries)
        entries.append(f"{k}={v}")
    words = ([f"|{len(entries)}", *entries] if entries else []) + list(argv)
    return "RUN " + " ".join(words) + " # buildkit"


__all__ = ["BUILDKIT_COMMENT", "DEFAULT_SHELL", "go_duration", "go_rune_quote", "healthcheck_text",
           "go_map_keys", "legacy_nop", "legacy_nop_single", "legacy_run", "buildkit_run", "plain_list",
           "quote_list"]
