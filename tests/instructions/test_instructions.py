"""Typed instructions: validation messages and the global-ARG / stage split.

Expected values come from two sources, cited per row:
- "engine": the real Docker Engine 20.10.24 on this machine (BuildKit v0.8 frontend and
  the classic builder print the same inner message), observed with `docker build` on
  `FROM scratch` + the instruction;
- "bk-test": moby/buildkit frontend/dockerfile/instructions/parse_test.go (current
  frontend), TestErrorCases and friends; "bk-src": parse.go's messages.
"""

from __future__ import annotations

import pytest

from simulator import instructions as I
from simulator.parser.node import Heredoc, Node, ParseResult, Directives

# Nodes come from BuildKit's own parser (the `dockerfile` binding of v0.12.5), so these
# tests check the instruction layer alone, whatever state simulator.parser is in.


def parse(text: str) -> ParseResult:
    import dockerfile

    nodes = []
    for c in dockerfile.parse_string(text):
        nodes.append(Node(cmd=c.cmd.upper(), sub_cmd=c.sub_cmd.upper() if c.sub_cmd else None, json=c.json,
                          original=c.original, start_line=c.start_line, end_line=c.end_line,
                          value=tuple(c.value), flags=tuple(c.flags),
                          heredocs=tuple(Heredoc(h.name, h.content, h.file_descriptor) for h in c.heredocs)))
    return ParseResult(tuple(nodes), Directives())

OLD, NEW = I.FRONTEND_20_10, I.FRONTEND_NEWEST


def _err(text: str, frontend) -> tuple[str, int]:
    with pytest.raises(I.InstructionError) as ei:
        I.parse_dockerfile(parse("FROM scratch\n" + text + "\n"), frontend)
    return ei.value.message, ei.value.line


ERRORS_20_10 = [  # (instruction, message) -- source: engine
    ("COPY --link a /b", "Unknown flag: link"),
    ("COPY --parents a /b", "Unknown flag: parents"),
    ("COPY --exclude=x a /b", "Unknown flag: exclude"),
    ("ADD --checksum=sha256:abc a /b", "Unknown flag: checksum"),
    ("ADD --keep-git-dir a /b", "Unknown flag: keep-git-dir"),
    ("RUN --network=none true", "Unknown flag: network"),
    ("RUN --security=insecure true", "Unknown flag: security"),
    ("HEALTHCHECK --start-interval=1s CMD true", "Unknown flag: start-interval"),
    ("FROM scratch AS 1a", 'invalid name for build stage: "1a", name can\'t start with a number or contain symbols'),
    ("ONBUILD FROM x", "FROM isn't allowed as an ONBUILD trigger"),
    ("FOO bar", "unknown instruction: FOO"),
    ("HEALTHCHECK --retries=-1 CMD true", "--retries must be at least 1 (not -1)"),
    ("HEALTHCHECK --interval=1ns CMD x", 'Interval "interval" cannot be less than 1ms'),
    ("RUN --mount=type=foo true", 'unsupported mount type "foo"'),
    ("STOPSIGNAL", "STOPSIGNAL requires exactly one argument"),
    ("SHELL sh -c", "SHELL requires the arguments to be in JSON form"),
    ("COPY a", "COPY requires at least two arguments, but only one was provided. Destination could not be determined"),
]

ERRORS_NEW = [  # (instruction, message, source)
    ("ONBUILD FROM scratch", "FROM isn't allowed as an ONBUILD trigger", "bk-test"),
    ("MAINTAINER --boo joe@example.com", "unknown flag: --boo", "bk-test"),
    ("ONBUILD ONBUILD RUN touch foobar", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", "bk-test"),
    ("FOO bar", "unknown instruction: FOO (did you mean FROM?)", "bk-test (prefix) + util/suggest"),
    ("foo bar", "unknown instruction: foo (did you mean from?)", "bk-test (prefix) + util/suggest"),
    ("HEALTHCHECK --retries=-1 CMD true", "--retries cannot be negative (-1)", "bk-src"),
    ("HEALTHCHECK NONE x", "HEALTHCHECK NONE takes no arguments", "bk-src"),
    ("RUN --network=bogus true", 'invalid network mode "bogus"', "bk-src commands_runnetwork.go"),
    ("RUN --security=bogus true", 'security "bogus" is not valid', "bk-src commands_runsecurity.go"),
    ("COPY --chown a b", "missing a value on flag: --chown", "bk-src bflag.go"),
    ("COPY --link=maybe a b", "expecting boolean value for flag --link, not: maybe", "bk-src bflag.go"),
    ("COPY --from=a --from=b x y", "duplicate flag specified: --from", "bk-src bflag.go"),
    ("VOLUME [\"\"]", "VOLUME specified can not be an empty string", "bk-src"),
    ("ARG =x", "ARG names can not be blank", "bk-src"),
]


@pytest.mark.parametrize("text,message", ERRORS_20_10)
def test_errors_20_10(text, message):
    assert _err(text, OLD) == (message, 2)


@pytest.mark.parametrize("text,message,source", ERRORS_NEW)
def test_errors_newest(text, message, source):
    assert _err(text, NEW)[0] == message


def test_flags_accepted_by_version():
    # reference.md option tables: --link since 1.4, --parents 1.20, --chmod 1.2
    df = I.parse_dockerfile(parse("FROM scratch\nCOPY --link --parents --chmod=755 a /b\n"), NEW)
    c = df.stages[0].commands[0]
    assert (c.link, c.parents, c.chmod, c.sources, c.dest) == (True, True, "755", ("a",), "/b")


def test_meta_args_and_stages_split():
    # instructions.Parse: ARGs before the first FROM are global; "ARG a=1 b" is two ARGs
    text = "ARG a=1 b\nFROM busybox AS Build\nARG c\nRUN x\nFROM build\nCMD y\n"
    df = I.parse_dockerfile(parse(text), NEW)
    assert [(a.key, a.value) for a in df.meta_args[0].args] == [("a", "1"), ("b", None)]
    assert [(s.name, s.base_name, len(s.commands)) for s in df.stages] == [("build", "busybox", 2), ("", "build", 1)]


def test_instruction_before_from():
    with pytest.raises(I.InstructionError) as ei:
        I.parse_dockerfile(parse("RUN x\nFROM scratch\n"), NEW)
    assert ei.value.message == "no build stage in current context" and not ei.value.wrapped


def test_healthcheck_fields():
    # engine: `HEALTHCHECK --interval=5s CMD true` -> {"Test":["CMD-SHELL","true"],"Interval":5000000000}
    df = I.parse_dockerfile(parse("FROM scratch\nHEALTHCHECK --interval=5s CMD true\n"), OLD)
    hc = df.stages[0].commands[0].health
    assert hc.to_json() == {"Test": ["CMD-SHELL", "true"], "Interval": 5000000000}


def test_onbuild_expression():
    # engine: ONBUILD RUN echo hi is stored as "RUN echo hi" in Config.OnBuild
    df = I.parse_dockerfile(parse("FROM scratch\nONBUILD RUN echo hi\n"), OLD)
    assert df.stages[0].commands[0].expression == "RUN echo hi"
