"""TEMPORARY: nodes from BuildKit's parser binding, until the Lark parser lands.

Replaced by the real parser in the next commits; kept only so other modules can be
written against `simulator.parser.parse` meanwhile.
"""

from __future__ import annotations

from simulator.parser.node import DockerfileSyntaxError, Directives, Heredoc, Node, ParseResult


def parse(text, filename="Dockerfile"):
    import dockerfile

    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    try:
        cmds = dockerfile.parse_string(text)
    except dockerfile.GoParseError as e:
        raise DockerfileSyntaxError(str(e), None, filename) from None
    nodes = []
    for c in cmds:
        nodes.append(Node(cmd=c.cmd.upper(), sub_cmd=c.sub_cmd.upper() if c.sub_cmd else None, json=c.json,
                          original=c.original, start_line=c.start_line, end_line=c.end_line,
                          value=tuple(c.value), flags=tuple(c.flags),
                          heredocs=tuple(Heredoc(h.name, h.content, h.file_descriptor) for h in c.heredocs)))
    return ParseResult(tuple(nodes), Directives())
