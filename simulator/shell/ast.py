"""The shell's syntax tree: frozen attrs nodes, produced by the parser, walked by the interpreter.

Words are sequences of parts. A part is literal text (`Lit`, with `quoted` telling
whether quoting protected it), a double-quoted group (`DblQuoted`), a parameter
expansion (`Param`), a command substitution (`CmdSubst`) or an arithmetic expansion
(`Arith`).
"""

from __future__ import annotations

import attrs


# ---- word parts -------------------------------------------------------------------

@attrs.frozen
class Lit:
    text: str
    quoted: bool = False  # single quotes or a backslash escape protected it


@attrs.frozen
class DblQuoted:
    parts: tuple


@attrs.frozen
class Param:
    """`$name`, `${name}`, `${name<op><arg>}`, `${#name}`.

    op is one of "", "#len", ":-", "-", ":=", "=", ":?", "?", ":+", "+", "%", "%%",
    "#", "##", "/", "//", "/#", "/%", ":" (substring: arg holds offset, arg2 length)."""

    name: str
    op: str = ""
    arg: "Word | None" = None
    arg2: "Word | None" = None


@attrs.frozen
class CmdSubst:
    program: "Program"


@attrs.frozen
class Arith:
    expr: "Word"


@attrs.frozen
class Word:
    parts: tuple

    def literal(self) -> str | None:
        """The word's text if it is a single unquoted literal, else None."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Lit) and not self.parts[0].quoted:
            return self.parts[0].text
        return None

    def is_quoted(self) -> bool:
        return any(isinstance(p, DblQuoted) or (isinstance(p, Lit) and p.quoted) for p in self.parts)


# ---- commands ---------------------------------------------------------------------

@attrs.define
class HeredocBody:
    """The body of a here-document: read after the line's newline, so the parser fills
    it in once (the only mutable node)."""

    word: Word | None = None
    quoted: bool = False  # a quoted delimiter: no expansion
    strip_tabs: bool = False


@attrs.frozen
class Redirect:
    fd: int | None  # the explicit descriptor number, or None for the default
    op: str  # "<" ">" ">>" ">|" "<>" "<&" ">&" "<<" "<<-"
    target: Word  # the file / descriptor word, or the heredoc delimiter
    heredoc: HeredocBody | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Assign:
    name: str
    value: Word


@attrs.frozen
class SimpleCommand:
    assigns: tuple
    words: tuple
    redirects: tuple
    line: int = 1


@attrs.frozen
class Pipeline:
    commands: tuple
    negated: bool = False


@attrs.frozen
class AndOr:
    first: Pipeline
    rest: tuple  # ((op, Pipeline), ...) with op "&&" or "||"


@attrs.frozen
class Program:
    items: tuple  # ((AndOr, background: bool), ...)


@attrs.frozen
class If:
    clauses: tuple  # ((condition Program, body Program), ...)
    else_body: Program | None
    redirects: tuple = ()


@attrs.frozen
class For:
    var: str
    items: tuple | None  # words, or None for "$@"
    body: Program
    redirects: tuple = ()


@attrs.frozen
class While:
    cond: Program
    body: Program
    until: bool = False
    redirects: tuple = ()


@attrs.frozen
class CaseItem:
    patterns: tuple
    body: Program | None
    fallthrough: bool = False  # ";&"


@attrs.frozen
class Case:
    word: Word
    items: tuple
    redirects: tuple = ()


@attrs.frozen
class Group:
    body: Program
    redirects: tuple = ()


@attrs.frozen
class Subshell:
    body: Program
    redirects: tuple = ()


@attrs.frozen
class FuncDef:
    name: str
    body: object  # a compound command
