"""Reading a Dockerfile: the pre-pass over physical lines, then the grammar.

The pre-pass does what a context-free grammar cannot, in BuildKit's order:
  1. split the text into physical lines (on "\\n" only, line endings kept), drop a UTF-8
     byte-order mark on the first one;
  2. read parser directives (`# escape=`, `# syntax=`, `# check=`) while every line so far
     has been one; the escape character changes what continues a line;
  3. drop comments and blank lines; join continuation lines (the escape character as
     the last non-blank character), skipping comment lines and empty lines inside them
     (an empty one earns a warning);
  4. after an instruction that may own heredocs (RUN, COPY, ADD, and those under
     ONBUILD, when not in JSON form), read each heredoc's body up to its terminator.
The logical lines it leaves are parsed in one go by grammar/dockerfile.lark.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from simulator.parser import lines as L
from simulator.parser.gosemantics import GO_SPACES, NotStringArray, decode_json_array, trim_space
from simulator.parser.heredoc import LexError, markers_in_line
from simulator.parser.node import (
    DockerfileSyntaxError,
    Directives,
    Heredoc,
    Node,
    ParseResult,
    Warning_,
)

_DIRECTIVE = re.compile(r"#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\Z")
_KNOWN_DIRECTIVES = ("syntax", "escape", "check")
_HEREDOC_CMDS = ("run", "copy", "add")
_BOM = "\ufeff"


def _strip_continuation(token: str, escape: str):
    """The line without its trailing escape (and blanks after it), or None if it has none.

    BuildKit's rule: the escape character is the last non-blank character and is not
    itself escaped (`([^E])E[ \t]*$` or a line of just `E`)."""
    s = token.rstrip(" \t")
    if s.endswith(escape) and (len(s) == 1 or s[-2] != escape):
        return s[:-1]
    return None


def _physical_lines(text: str) -> list[str]:
    out = []
    start = 0
    n = len(text)
    while start < n:
        i = text.find("\n", start)
        if i < 0:
            out.append(text[start:])
            break
        out.append(text[start:i + 1])
        start = i + 1
    return out


def _trim_newline(s: str) -> str:
    return s.rstrip("\r\n")


def _is_comment(raw: str) -> bool:
    return _trim_newline(raw).lstrip(GO_SPACES).startswith("#")


class _DirectiveReader:
    def __init__(self):
        self.done = False
        self.seen: dict[str, str] = {}
        self.escape = "\\"

    def feed(self, token: str, line_no: int) -> None:
        if self.done:
            return
        m = _DIRECTIVE.match(token)
        if not m:
            self.done = True
            return
        key = m.group(1).lower()
        if key not in _KNOWN_DIRECTIVES:
            self.done = True
            return
        if key in self.seen:
            raise DockerfileSyntaxError(f"only one {key} parser directive can be used", line_no)
        value = m.group(2)
        self.seen[key] = value
        if key == "escape":
            if value not in ("`", "\\"):
                raise DockerfileSyntaxError(f"invalid escape token '{value}' does not match ` or \\", line_no)
            self.escape = value


class _Logical:
    __slots__ = ("line", "start", "end", "heredocs", "markers")

    def __init__(self, line, start, end):
        self.line = line
        self.start = start
        self.end = end
        self.heredocs: list[Heredoc] = []
        self.markers = None


def _may_own_heredocs(line: str) -> bool:
    """canContainHeredoc, decided on the raw line before the grammar runs."""
    if "<<" not in line:
        return False
    cmd, _flags, rest = L.split_command(line)
    cmd = cmd.lower()
    if cmd == "onbuild":
        if not rest:
            return False
        cmd, _flags, rest = L.split_command(rest)
        cmd = cmd.lower()
    if cmd not in _HEREDOC_CMDS:
        return False
    try:
        return decode_json_array(rest) is None
    except NotStringArray:
        return False  # the grammar reports the error


def _scan(text: str, filename: str, heredocs: bool):
    """(logical lines, directives, warnings, the error that stopped the scan or None).

    A heredoc error stops the scan, but BuildKit reports a fault in an earlier (or the
    same) instruction line first, so the caller decides which to raise."""
    phys = _physical_lines(text)
    if phys and phys[0].startswith(_BOM):
        phys[0] = phys[0][1:]
    directives = _DirectiveReader()
    warnings: list[Warning_] = []
    out: list[_Logical] = []
    n = len(phys)
    i = 0
    while i < n:
        raw = phys[i]
        token = _trim_newline(raw).lstrip(GO_SPACES)
        directives.feed(token, i + 1)
        if token.startswith("#"):
            token = ""
        i += 1
        start = i
        stripped = _strip_continuation(token, directives.escape)
        if stripped is not None:
            line, eol = stripped, False
        else:
            line, eol = token, True
        if eol and line == "":
            continue
        empty_cont = False
        parts = [line]
        while not eol and i < n:
            raw = phys[i]
            token = _trim_newline(raw)
            directives.feed(token, i + 1)
            if token.startswith("#"):
                token = ""
            i += 1
            if _is_comment(raw):
                continue
            if token.lstrip(GO_SPACES) == "":
                empty_cont = True
                continue
            stripped = _strip_continuation(token, directives.escape)
            if stripped is not None:
                parts.append(stripped)
            else:
                parts.append(token)
                eol = True
        line = "".join(parts)
        if empty_cont:
            warnings.append(Warning_("Empty continuation line found in: " + line, i))
        item = _Logical(line, start, i)
        if heredocs and _may_own_heredocs(line):
            try:
                item.markers = markers_in_line(line)
            except LexError as e:
                out.append(item)
                return out, directives, warnings, DockerfileSyntaxError(str(e), start)
            for mk in item.markers:
                body = []
                terminated = False
                while i < n:
                    raw = phys[i]
                    i += 1
                    candidate = _trim_newline(raw)
                    if mk.chomp:
                        candidate = candidate.lstrip("\t")
                    if candidate == mk.name:
                        terminated = True
                        break
                    body.append(raw)
                if not terminated:
                    out.append(item)
                    return out, directives, warnings, DockerfileSyntaxError("unterminated heredoc", start)
                item.heredocs.append(Heredoc(mk.name, "".join(body), mk.fd, mk.expand, mk.chomp))
            item.end = i
        out.append(item)
    return out, directives, warnings, None


# ---- the grammar ----------------------------------------------------------------------

def _grammar_path() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "grammar" / "dockerfile.lark", here.parent / "grammar" / "dockerfile.lark"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("grammar/dockerfile.lark not found")


@lru_cache(maxsize=None)
def grammar_text(escape: str) -> str:
    text = _grammar_path().read_text(encoding="utf-8")
    return text.replace("@ESC@", "\\\\" if escape == "\\" else "`")


@lru_cache(maxsize=None)
def _parser(escape: str):
    from lark import Lark

    from simulator.parser.transform import LineBuilder, line_layouts

    text = grammar_text(escape)
    builder = LineBuilder(escape, line_layouts(text), _terminal_regex(text, "QWORD"))
    builder._line_parser = lambda line: _parse_lines([line], escape)[0]
    return Lark(text, parser="lalr", lexer="contextual", transformer=builder)


def _terminal_regex(text: str, name: str) -> re.Pattern:
    """A /regex/ terminal of the grammar, compiled for use outside the parser."""
    m = re.search(r"^" + name + r"(?:\.\d+)?: /(.*)/([a-z]*)$", text, re.M)
    flags = re.I if "i" in m.group(2) else 0
    return re.compile(m.group(1), flags)


def _needs_bytewise(line: str) -> bool:
    """Lines whose flags or HEALTHCHECK type BuildKit reads byte by byte (see lines.py)."""
    if line.isascii():
        return False
    return "--" in line or "healthcheck" in line.lower()


# Parsed lines are immutable and depend only on (escape, line): a bounded memo lets a run
# over thousands of files (simulate parse --format jsonl) skip the lines it has seen.
_MEMO: dict[tuple[str, str], L.LineParse] = {}
_MEMO_LIMIT = 100_000


def _parse_lines(lines: list[str], escape: str) -> list[L.LineParse]:
    results: list[L.LineParse | None] = [None] * len(lines)
    grammar_idx = []
    memo = _MEMO
    for k, line in enumerate(lines):
        hit = memo.get((escape, line))
        if hit is not None:
            results[k] = hit
        elif line == "" or _needs_bytewise(line):
            results[k] = L.parse_line(line, escape)
        else:
            grammar_idx.append(k)
    if grammar_idx:
        tree = _parser(escape).parse("\n".join(lines[k] for k in grammar_idx))
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        for k, lp in zip(grammar_idx, tree):
            results[k] = lp
            memo[(escape, lines[k])] = lp
    return results  # type: ignore[return-value]


def _to_node(lp: L.LineParse, item: _Logical) -> Node:
    original = item.line
    if item.heredocs:
        original += "\n" + "".join(h.content + h.name + "\n" for h in item.heredocs)
    hd = tuple(item.heredocs)
    if lp.sub is not None:
        sub = lp.sub
        child = Node(cmd=sub.cmd.upper(), original=trim_space(item.line), start_line=item.start,
                     end_line=item.end, value=sub.value, flags=sub.flags, json=sub.json, heredocs=hd)
        return Node(cmd=lp.cmd.upper(), original=original, start_line=item.start, end_line=item.end,
                    value=sub.value, flags=lp.flags + sub.flags, json=sub.json,
                    sub_cmd=sub.cmd.upper(), heredocs=hd, child=child)
    return Node(cmd=lp.cmd.upper(), original=original, start_line=item.start, end_line=item.end,
                value=lp.value, flags=lp.flags, json=lp.json, heredocs=hd)


def parse(text: "str | bytes", filename: str = "Dockerfile", *, heredocs: bool = True) -> ParseResult:
    """Parse a Dockerfile as BuildKit's parser does. Raises DockerfileSyntaxError."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "surrogateescape")
    try:
        items, directives, warnings, pending = _scan(text, filename, heredocs)
        if not items:
            line_count = len(_physical_lines(text))
            raise DockerfileSyntaxError("file with no instructions", max(line_count, 1))
        parsed = _parse_lines_checked(items, directives.escape)
        if pending is not None:
            raise pending
    except DockerfileSyntaxError as e:
        e.file = filename
        raise
    nodes = tuple(_to_node(lp, item) for lp, item in zip(parsed, items))
    d = Directives(escape=directives.escape, syntax=directives.seen.get("syntax"),
                   check=directives.seen.get("check"))
    return ParseResult(nodes, d, tuple(warnings))


def _parse_lines_checked(items: list[_Logical], escape: str) -> list[L.LineParse]:
    lines = [trim_space(it.line) for it in items]
    try:
        return _parse_lines(lines, escape)
    except Exception as exc:  # a line the grammar rejects: find it, report BuildKit's words
        from lark.exceptions import VisitError

        if isinstance(exc, VisitError):
            exc = exc.orig_exc
        # re-parse line by line to name the faulty one
        out = []
        for it, line in zip(items, lines):
            try:
                out.append(L.parse_line(line, escape) if line == "" else _parse_lines([line], escape)[0])
            except Exception as inner:  # noqa: BLE001
                if hasattr(inner, "orig_exc"):
                    inner = inner.orig_exc
                if isinstance(inner, L.LineError):
                    raise DockerfileSyntaxError(str(inner), it.start) from None
                raise DockerfileSyntaxError(f"cannot parse instruction: {inner}", it.start) from None
        return out
