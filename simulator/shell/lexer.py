"""The shell lexer: turns script text into tokens (words with their parts, operators, newlines).

The parser drives it one token at a time; a word containing `$(...)` or backquotes
calls back into the parser (`subparse`) for the inner program, and here-document
bodies are read when the newline that ends their line is scanned.
"""

from __future__ import annotations

from .ascii import isdigits as _isdigits

import re
from typing import Callable

import attrs

from .ast import Arith, CmdSubst, DblQuoted, HeredocBody, Lit, Param, Word


class ShellSyntaxError(Exception):
    """A script the shell refuses to run: ash prints `sh: syntax error: ...` and exits 2."""


OPERATORS = ("&&", "||", ";;", ";&", "<<-", "<<", ">>", "<&", ">&", "<>", ">|",
             ";", "&", "|", "(", ")", "<", ">")
METACHARS = " \t\n;&|<>()"
SPECIAL_PARAMS = "@*#?-$!"
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@attrs.frozen
class Token:
    kind: str  # "word" | "op" | "newline" | "eof" | "io_number"
    value: object  # Word for words, the operator text, the fd number
    line: int = 1
    raw: str = ""  # a word's source text


@attrs.define
class _Pending:
    delimiter: str
    body: HeredocBody


class Scanner:
    def __init__(self, text: str, subparse: Callable[["Scanner"], object], line: int = 1):
        self.text = text
        self.pos = 0
        self.line = line
        self.subparse = subparse  # parses a program up to an unmatched ")"
        self.pending: list[_Pending] = []

    # ---- low level ------------------------------------------------------------
    def _peek(self, k: int = 0) -> str:
        i = self.pos + k
        return self.text[i] if i < len(self.text) else ""

    def _advance(self, n: int = 1) -> str:
        s = self.text[self.pos:self.pos + n]
        self.line += s.count("\n")
        self.pos += n
        return s

    def _skip_continuations(self) -> None:
        while self.text.startswith("\\\n", self.pos):
            self._advance(2)

    def skip_blanks(self) -> None:
        while True:
            c = self._peek()
            if c in (" ", "\t"):
                self._advance()
            elif self.text.startswith("\\\n", self.pos):
                self._advance(2)
            elif c == "#":
                end = self.text.find("\n", self.pos)
                self._advance((len(self.text) if end < 0 else end) - self.pos)
            else:
                return

    def add_heredoc(self, delimiter: str, body: HeredocBody) -> None:
        self.pending.append(_Pending(delimiter, body))

    # ---- tokens ---------------------------------------------------------------
    def next_token(self) -> Token:
        self.skip_blanks()
        line = self.line
        c = self._peek()
        if c == "":
            if self.pending:
                raise ShellSyntaxError("unexpected end of file (expecting here-document end)")
            return Token("eof", None, line)
        if c == "\n":
            self._advance()
            self._read_heredocs()
            return Token("newline", "\n", line)
        for op in OPERATORS:
            if self.text.startswith(op, self.pos):
                self._advance(len(op))
                return Token("op", op, line)
        m = re.compile(r"[0-9]+(?=[<>])").match(self.text, self.pos)
        if m:
            self._advance(len(m.group()))
            return Token("io_number", int(m.group()), line)
        start = self.pos
        word = self.read_word()
        return Token("word", word, line, self.text[start:self.pos])

    # ---- words ----------------------------------------------------------------
    def read_word(self, stop: str = METACHARS) -> Word:
        parts: list = []
        buf: list[str] = []

        def flush():
            if buf:
                parts.append(Lit("".join(buf)))
                buf.clear()

        while True:
            c = self._peek()
            if c == "" or c in stop:
                break
            if c == "\\":
                nxt = self._peek(1)
                if nxt == "\n":
                    self._advance(2)
                    continue
                flush()
                if nxt == "":
                    self._advance()
                    parts.append(Lit("\\", quoted=True))
                else:
                    self._advance(2)
                    parts.append(Lit(nxt, quoted=True))
            elif c == "'":
                flush()
                end = self.text.find("'", self.pos + 1)
                if end < 0:
                    raise ShellSyntaxError("unterminated quoted string")
                parts.append(Lit(self.text[self.pos + 1:end], quoted=True))
                self._advance(end + 1 - self.pos)
            elif c == '"':
                flush()
                self._advance()
                parts.append(DblQuoted(tuple(self._read_double_quoted())))
            elif c == "$":
                flush()
                parts.append(self._read_dollar(in_dquote=False))
            elif c == "`":
                flush()
                parts.append(self._read_backquote(in_dquote=False))
            else:
                buf.append(c)
                self._advance()
        flush()
        return Word(tuple(parts))

    def _read_double_quoted(self, terminator: str = '"') -> list:
        parts: list = []
        buf: list[str] = []

        def flush():
            if buf:
                parts.append(Lit("".join(buf), quoted=True))
                buf.clear()

        while True:
            c = self._peek()
            if c == "":
                if terminator == "":
                    break
                raise ShellSyntaxError("unterminated quoted string")
            if terminator and c == terminator:
                self._advance()
                break
            if c == "\\":
                nxt = self._peek(1)
                if nxt == "\n":
                    self._advance(2)
                elif nxt in ("$", "`", '"', "\\") and not (nxt == '"' and terminator == ""):
                    buf.append(nxt)
                    self._advance(2)
                else:
                    buf.append("\\")
                    self._advance()
            elif c == "$":
                flush()
                parts.append(self._read_dollar(in_dquote=True))
            elif c == "`":
                flush()
                parts.append(self._read_backquote(in_dquote=True))
            else:
                buf.append(c)
                self._advance()
        flush()
        return parts

    def read_heredoc_text(self, text: str) -> Word:
        """Parse an unquoted here-document body: expansions and `\\$`, `\\``, `\\\\` escapes."""
        sub = Scanner(text, self.subparse, self.line)
        return Word(tuple(sub._read_double_quoted(terminator="")))

    def _read_dollar(self, in_dquote: bool):
        assert self._peek() == "$"
        nxt = self._peek(1)
        if nxt == "{":
            self._advance(2)
            return self._read_braced()
        if nxt == "(":
            if self._peek(2) == "(":
                save = (self.pos, self.line)
                self._advance(3)
                try:
                    return Arith(self._read_arith())
                except ShellSyntaxError:
                    self.pos, self.line = save
            self._advance(2)
            prog = self.subparse(self)
            if self._peek() != ")":
                raise ShellSyntaxError("unexpected end of file (expecting \")\")")
            self._advance()
            return CmdSubst(prog)
        m = NAME_RE.match(self.text, self.pos + 1)
        if m:
            self._advance(1 + len(m.group()))
            return Param(m.group())
        if _isdigits(nxt) or (nxt and nxt in SPECIAL_PARAMS):
            self._advance(2)
            return Param(nxt)
        self._advance()
        return Lit("$", quoted=in_dquote)

    def _read_arith(self) -> Word:
        parts: list = []
        buf: list[str] = []
        depth = 0
        while True:
            c = self._peek()
            if c == "":
                raise ShellSyntaxError("unterminated arithmetic expansion")
            if c == ")" and depth == 0:
                if self._peek(1) != ")":
                    raise ShellSyntaxError("bad arithmetic")
                self._advance(2)
                break
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            if c == "$":
                if buf:
                    parts.append(Lit("".join(buf), quoted=True))
                    buf.clear()
                parts.append(self._read_dollar(in_dquote=True))
                continue
            buf.append(c)
            self._advance()
        if buf:
            parts.append(Lit("".join(buf), quoted=True))
        return Word(tuple(parts))

    def _read_braced(self) -> Param:
        # after "${"
        c = self._peek()
        if c == "#" and self._peek(1) not in ("}", ""):
            # ${#name}: length (but ${#} is $#, ${#-x} etc. are ops on $#)
            m = NAME_RE.match(self.text, self.pos + 1)
            if m and self.text.startswith("}", m.end()):
                self._advance(1 + len(m.group()) + 1)
                return Param(m.group(), "#len")
            m = re.compile(r"[0-9]+|[@*#?$!-]").match(self.text, self.pos + 1)
            if m and self.text.startswith("}", m.end()):
                self._advance(1 + len(m.group()) + 1)
                return Param(m.group(), "#len")
        m = NAME_RE.match(self.text, self.pos) or re.compile(r"[0-9]+").match(self.text, self.pos)
        if m:
            name = m.group()
        elif c and c in SPECIAL_PARAMS:
            name = c
        else:
            raise ShellSyntaxError("bad substitution")
        self._advance(len(name))
        if self._peek() == "}":
            self._advance()
            return Param(name)
        for op in (":-", ":=", ":?", ":+", "-", "=", "?", "+", "%%", "%", "##", "#",
                   "//", "/#", "/%", "/", ":"):
            if self.text.startswith(op, self.pos):
                break
        else:
            raise ShellSyntaxError("bad substitution")
        self._advance(len(op))
        if op in ("//", "/#", "/%", "/"):
            pat = self.read_word(stop="/}")
            repl = None
            if self._peek() == "/":
                self._advance()
                repl = self.read_word(stop="}")
            self._expect_close()
            return Param(name, op, pat, repl or Word(()))
        if op == ":":
            off = self.read_word(stop=":}")
            length = None
            if self._peek() == ":":
                self._advance()
                length = self.read_word(stop="}")
            self._expect_close()
            return Param(name, op, off, length)
        arg = self.read_word(stop="}")
        self._expect_close()
        return Param(name, op, arg)

    def _expect_close(self) -> None:
        if self._peek() != "}":
            raise ShellSyntaxError("bad substitution" if self._peek() else "unterminated ${...}")
        self._advance()

    def _read_backquote(self, in_dquote: bool) -> CmdSubst:
        self._advance()  # the opening backquote
        out: list[str] = []
        while True:
            c = self._peek()
            if c == "":
                raise ShellSyntaxError("unterminated quoted string")
            if c == "`":
                self._advance()
                break
            if c == "\\":
                nxt = self._peek(1)
                if nxt in ("$", "`", "\\") or (in_dquote and nxt == '"'):
                    out.append(nxt)
                    self._advance(2)
                    continue
            out.append(c)
            self._advance()
        sub = Scanner("".join(out), self.subparse, self.line)
        prog = self.subparse(sub)
        sub.skip_blanks()
        while sub._peek() == "\n":
            sub._advance()
            sub.skip_blanks()
        if sub._peek() != "":
            raise ShellSyntaxError(f'unexpected "{sub._peek()}"')
        return CmdSubst(prog)

    # ---- here-documents -------------------------------------------------------
    def _read_heredocs(self) -> None:
        pending, self.pending = self.pending, []
        for p in pending:
            lines: list[str] = []
            while True:
                if self.pos >= len(self.text):
                    break  # ash: end of file ends the here-document
                end = self.text.find("\n", self.pos)
                raw = self.text[self.pos:] if end < 0 else self.text[self.pos:end]
                self._advance(len(raw) + (0 if end < 0 else 1))
                check = raw.lstrip("\t") if p.body.strip_tabs else raw
                if check == p.delimiter:
                    break
                lines.append(check + "\n")
            text = "".join(lines)
            if p.body.quoted:
                p.body.word = Word((Lit(text, quoted=True),))
            else:
                p.body.word = self.read_heredoc_text(text)
