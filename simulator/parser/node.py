"""The parse tree's node: one instruction, in the model of BuildKit's parser.Node.

The fields are exactly the keys of `simulate parse --format json` (see
../shared/cli-contract.md). For ONBUILD, `sub_cmd` names the wrapped instruction and
`child` holds it as a node of its own (its flags and value are those of the wrapped
instruction, which is how BuildKit's parser stores them: on the node in Next.Children).
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Heredoc:
    name: str
    content: str
    file_descriptor: int = 0
    expand: bool = True  # False when the delimiter was quoted
    chomp: bool = False  # True for <<-

    def to_json(self) -> dict:
        return {"name": self.name, "content": self.content, "file_descriptor": self.file_descriptor}


@attrs.frozen
class Node:
    cmd: str
    original: str
    start_line: int
    end_line: int
    value: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    json: bool = False
    sub_cmd: str | None = None
    heredocs: tuple[Heredoc, ...] = ()
    child: "Node | None" = None

    def to_json(self) -> dict:
        return {
            "cmd": self.cmd,
            "sub_cmd": self.sub_cmd,
            "json": self.json,
            "original": self.original,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "flags": list(self.flags),
            "value": list(self.value),
            "heredocs": [h.to_json() for h in self.heredocs],
        }


@attrs.frozen
class Directives:
    escape: str = "\\"
    syntax: str | None = None
    check: str | None = None


@attrs.frozen
class Warning_:
    message: str
    line: int


@attrs.frozen
class ParseResult:
    nodes: tuple[Node, ...]
    directives: Directives
    warnings: tuple[Warning_, ...] = ()


class DockerfileSyntaxError(Exception):
    """A file BuildKit's parser rejects. `str()` is BuildKit's message."""

    def __init__(self, message: str, line: int | None = None, file: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.file = file

    def __str__(self) -> str:  # one line: FILE:LINE: message
        where = self.file or "Dockerfile"
        if self.line:
            where += f":{self.line}"
        return f"{where}: {self.message}"
