"""Grammar and parse: Dockerfile text -> nodes, as BuildKit's parser reads it."""

from simulator.parser.node import (  # noqa: F401
    DockerfileSyntaxError,
    Directives,
    Heredoc,
    Node,
    ParseResult,
)


def parse(text: "str | bytes", filename: str = "Dockerfile") -> ParseResult:  # noqa: F811
    from simulator.parser.reader import parse as _parse

    return _parse(text, filename)
