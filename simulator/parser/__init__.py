"""Grammar and parse: Dockerfile text -> nodes, as BuildKit's parser reads it."""

from simulator.parser.node import (  # noqa: F401
    DockerfileSyntaxError,
    Directives,
    Heredoc,
    Node,
    ParseResult,
)


def parse(text: "str | bytes", filename: str = "Dockerfile", *, heredocs: bool = True) -> ParseResult:
    """Parse as BuildKit does. `heredocs=False` models frontends without heredocs (the
    Docker 20.10 engine's): `<<EOF` is then an ordinary word and no body is read."""
    from simulator.parser.reader import parse as _parse

    return _parse(text, filename, heredocs=heredocs)
