"""The shell parser: tokens from the lexer -> a `Program` of frozen AST nodes (POSIX grammar subset)."""

from __future__ import annotations

import re

from .ast import (AndOr, Assign, Case, CaseItem, For, FuncDef, Group, HeredocBody, If, Lit,
                  Pipeline, Program, Redirect, SimpleCommand, Subshell, While, Word)
from .lexer import Scanner, ShellSyntaxError, Token

ASSIGN_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
RESERVED = {"if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while",
            "until", "for", "in", "{", "}", "!"}
REDIRECT_OPS = {"<", ">", ">>", ">|", "<>", "<&", ">&", "<<", "<<-"}


def parse(text: str) -> Program:
    """Parse a whole script. Raises ShellSyntaxError."""
    scanner = Scanner(text, _subparse)
    p = _Parser(scanner)
    try:
        prog = p.program(terminators=set())
        tok = p.peek()
        if tok.kind != "eof":
            raise ShellSyntaxError(f'unexpected "{_tok_text(tok)}"')
    except ShellSyntaxError as e:
        if getattr(e, "line", None) is None:
            e.line = scanner.line
        raise
    return prog


def parse_lines(text: str):
    """Yield the script one line's commands at a time, as ash parses and runs it: a syntax
    error surfaces (ShellSyntaxError, with `.line`) only when its line is reached."""
    scanner = Scanner(text, _subparse)
    p = _Parser(scanner)
    while True:
        try:
            prog = p.line()
        except ShellSyntaxError as e:
            if getattr(e, "line", None) is None:
                e.line = scanner.line
            raise
        if prog is None:
            return
        yield prog


def _subparse(scanner: Scanner) -> Program:
    """Parse the program inside `$( ... )`, stopping before the unmatched ")"."""
    p = _Parser(scanner)
    prog = p.program(terminators={")"})
    tok = p.peek()
    if not (tok.kind == "op" and tok.value == ")") and tok.kind != "eof":
        raise ShellSyntaxError(f'unexpected "{_tok_text(tok)}"')
    if p._buffer is not None and p._buffer.kind == "op":
        # give the ")" back to the scanner: it was consumed by the lookahead
        scanner.pos -= 1
    return prog


def _tok_text(tok: Token) -> str:
    if tok.kind == "word":
        return _word_text(tok.value)
    if tok.kind == "newline":
        return "newline"
    if tok.kind == "eof":
        return "end of file"
    return str(tok.value)


def _word_text(word: Word) -> str:
    out = []
    for part in word.parts:
        out.append(part.text if isinstance(part, Lit) else "$")
    return "".join(out)


def _quote_removed(raw: str) -> str:
    """A here-document delimiter: its word's source with quoting and line continuations
    removed (a backslash-newline inside single quotes stays), nothing expanded (`<<$x` ends at a line `$x`, `<<'E'` and `<<\\E` at `E`)."""
    out, i = [], 0
    while i < len(raw):
        c = raw[i]
        if c == "'":
            end = raw.find("'", i + 1)
            end = len(raw) if end < 0 else end
            out.append(raw[i + 1:end])
            i = end + 1
        elif c == '"':
            i += 1
            while i < len(raw) and raw[i] != '"':
                if raw[i] == "\\" and raw[i + 1:i + 2] == "\n":
                    i += 2  # a line continuation
                    continue
                if raw[i] == "\\" and i + 1 < len(raw) and raw[i + 1] in '$`"\\':
                    i += 1
                out.append(raw[i])
                i += 1
            i += 1
        elif c == "\\" and i + 1 < len(raw):
            if raw[i + 1] != "\n":  # a backslash-newline is a line continuation
                out.append(raw[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


class _Parser:
    def __init__(self, scanner: Scanner):
        self.s = scanner
        self._buffer: Token | None = None

    # ---- token access ---------------------------------------------------------
    def peek(self) -> Token:
        if self._buffer is None:
            self._buffer = self.s.next_token()
        return self._buffer

    def take(self) -> Token:
        tok = self.peek()
        self._buffer = None
        return tok

    def _reserved(self, tok: Token) -> str | None:
        if tok.kind == "word":
            lit = tok.value.literal()
            if lit in RESERVED:
                return lit
        return None

    def _is_op(self, tok: Token, *ops: str) -> bool:
        return tok.kind == "op" and tok.value in ops

    def _skip_newlines(self) -> None:
        while self.peek().kind == "newline":
            self.take()

    def _expect_word(self, word: str) -> None:
        tok = self.take()
        if self._reserved(tok) != word:
            if tok.kind == "eof":
                raise ShellSyntaxError(f'unexpected end of file (expecting "{word}")')
            raise ShellSyntaxError(f'unexpected "{_tok_text(tok)}" (expecting "{word}")')

    # ---- lists ----------------------------------------------------------------
    def line(self) -> Program | None:
        """The and-or lists up to the next top-level newline; None at end of input."""
        self._skip_newlines()
        if self.peek().kind == "eof":
            return None
        items = []
        while True:
            tok = self.peek()
            if tok.kind in ("eof", "newline"):
                break
            if tok.kind == "op" and tok.value in (")", ";;", ";&", ";", "&", "&&", "||", "|"):
                raise ShellSyntaxError(f'unexpected "{tok.value}"')
            if self._reserved(tok) in ("then", "else", "elif", "fi", "do", "done", "esac", "}", "in"):
                raise ShellSyntaxError(f'unexpected "{self._reserved(tok)}"')
            andor = self.and_or()
            background = False
            tok = self.peek()
            if self._is_op(tok, ";", "&"):
                background = self.take().value == "&"
            elif tok.kind not in ("newline", "eof"):
                raise ShellSyntaxError(f'unexpected "{_tok_text(tok)}"')
            items.append((andor, background))
        return Program(tuple(items))

    def program(self, terminators: set[str]) -> Program:
        """A compound list: and-or lists separated by ; & or newlines, up to a terminator
        (a reserved word in `terminators`, ")" , ";;", or end of input)."""
        items = []
        self._skip_newlines()
        while True:
            tok = self.peek()
            if tok.kind == "eof":
                break
            if self._reserved(tok) in terminators and self._reserved(tok) not in ("{", "!"):
                break
            if self._is_op(tok, ")", ";;", ";&") and (")" in terminators or ";;" in terminators):
                break
            if tok.kind == "op" and tok.value in (")", ";;", ";&", ";", "&", "&&", "||", "|"):
                raise ShellSyntaxError(f'unexpected "{tok.value}"')
            andor = self.and_or()
            background = False
            tok = self.peek()
            if self._is_op(tok, ";", "&"):
                background = self.take().value == "&"
            elif tok.kind == "newline":
                pass
            else:
                items.append((andor, background))
                if tok.kind == "eof" or self._reserved(tok) in terminators or self._is_op(tok, ")", ";;", ";&"):
                    break
                raise ShellSyntaxError(f'unexpected "{_tok_text(tok)}"')
            items.append((andor, background))
            self._skip_newlines()
        return Program(tuple(items))

    def and_or(self) -> AndOr:
        first = self.pipeline()
        rest = []
        while self._is_op(self.peek(), "&&", "||"):
            op = self.take().value
            self._skip_newlines()
            rest.append((op, self.pipeline()))
        return AndOr(first, tuple(rest))

    def pipeline(self) -> Pipeline:
        negated = False
        while self._reserved(self.peek()) == "!":
            self.take()
            negated = not negated
        cmds = [self.command()]
        while self._is_op(self.peek(), "|"):
            self.take()
            self._skip_newlines()
            cmds.append(self.command())
        return Pipeline(tuple(cmds), negated)

    # ---- commands -------------------------------------------------------------
    def command(self):
        tok = self.peek()
        kw = self._reserved(tok)
        if kw == "if":
            node = self._if()
        elif kw in ("while", "until"):
            node = self._while()
        elif kw == "for":
            node = self._for()
        elif kw == "case":
            node = self._case()
        elif kw == "{":
            self.take()
            body = self.program({"}"})
            self._expect_word("}")
            node = Group(body)
        elif self._is_op(tok, "("):
            self.take()
            body = self.program({")"})
            if not self._is_op(self.take(), ")"):
                raise ShellSyntaxError('unexpected end of file (expecting ")")')
            node = Subshell(body)
        elif kw is not None:
            raise ShellSyntaxError(f'unexpected "{kw}"')
        else:
            return self.simple_command()
        redirects = self._redirects()
        if redirects:
            node = type(node)(**{**_fields(node), "redirects": tuple(redirects)})
        return node

    def _redirects(self) -> list:
        out = []
        while True:
            r = self._maybe_redirect()
            if r is None:
                return out
            out.append(r)

    def _maybe_redirect(self) -> Redirect | None:
        tok = self.peek()
        fd = None
        if tok.kind == "io_number":
            self.take()
            fd = tok.value
            tok = self.peek()
            if not (tok.kind == "op" and tok.value in REDIRECT_OPS):
                raise ShellSyntaxError("redirection expected")
        elif not (tok.kind == "op" and tok.value in REDIRECT_OPS):
            return None
        op = self.take().value
        target = self.take()
        if target.kind != "word":
            raise ShellSyntaxError(f'unexpected "{_tok_text(target)}"' if target.kind != "eof"
                                   else "unexpected end of file")
        word = target.value
        if op in ("<<", "<<-"):
            delim = _quote_removed(target.raw)
            body = HeredocBody(quoted=word.is_quoted(), strip_tabs=(op == "<<-"))
            self.s.add_heredoc(delim, body)
            return Redirect(fd, op, word, body)
        return Redirect(fd, op, word)

    def simple_command(self) -> SimpleCommand:
        line = self.peek().line
        assigns, words, redirects = [], [], []
        while True:
            r = self._maybe_redirect()
            if r is not None:
                redirects.append(r)
                continue
            tok = self.peek()
            if tok.kind != "word":
                break
            if not words and self._is_assignment(tok.value):
                assigns.append(self._assignment(self.take().value))
                continue
            # a function definition: NAME ( ) compound
            if not words and not assigns and tok.value.literal() and self._func_follows():
                return self._funcdef()
            words.append(self.take().value)
        if not (assigns or words or redirects):
            tok = self.peek()
            if tok.kind == "eof":
                raise ShellSyntaxError("unexpected end of file")
            raise ShellSyntaxError(f'unexpected "{_tok_text(tok)}"')
        return SimpleCommand(tuple(assigns), tuple(words), tuple(redirects), line)

    def _func_follows(self) -> bool:
        # look ahead in the raw text for "()" after the name
        rest = self.s.text[self.s.pos:]
        return re.match(r"[ \t]*\([ \t]*\)", rest) is not None

    def _funcdef(self) -> FuncDef:
        name = self.take().value.literal()
        self.take()  # (
        if not self._is_op(self.take(), ")"):
            raise ShellSyntaxError('unexpected "(" (expecting ")")')
        self._skip_newlines()
        body = self.command()
        return FuncDef(name, body)

    @staticmethod
    def _is_assignment(word: Word) -> bool:
        return bool(word.parts and isinstance(word.parts[0], Lit) and not word.parts[0].quoted
                    and ASSIGN_RE.match(word.parts[0].text))

    @staticmethod
    def _assignment(word: Word) -> Assign:
        first = word.parts[0]
        m = ASSIGN_RE.match(first.text)
        rest = first.text[m.end():]
        parts = ((Lit(rest),) if rest else ()) + tuple(word.parts[1:])
        return Assign(m.group(1), Word(parts))

    # ---- compound commands ----------------------------------------------------
    def _if(self) -> If:
        self.take()
        clauses = []
        cond = self.program({"then"})
        self._expect_word("then")
        body = self.program({"elif", "else", "fi"})
        clauses.append((cond, body))
        else_body = None
        while True:
            kw = self._reserved(self.peek())
            if kw == "elif":
                self.take()
                cond = self.program({"then"})
                self._expect_word("then")
                body = self.program({"elif", "else", "fi"})
                clauses.append((cond, body))
            elif kw == "else":
                self.take()
                else_body = self.program({"fi"})
                self._expect_word("fi")
                break
            else:
                self._expect_word("fi")
                break
        return If(tuple(clauses), else_body)

    def _while(self) -> While:
        until = self.take().value.literal() == "until"
        cond = self.program({"do"})
        self._expect_word("do")
        body = self.program({"done"})
        self._expect_word("done")
        return While(cond, body, until)

    def _for(self) -> For:
        self.take()
        tok = self.take()
        name = tok.value.literal() if tok.kind == "word" else None
        if not name or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ShellSyntaxError(f'bad for loop variable')
        items = None
        self._skip_newlines()
        if self._reserved(self.peek()) == "in":
            self.take()
            items = []
            while self.peek().kind == "word":
                items.append(self.take().value)
            tok = self.peek()
            if self._is_op(tok, ";") or tok.kind == "newline":
                self.take()
            items = tuple(items)
        elif self._is_op(self.peek(), ";"):
            self.take()
        self._skip_newlines()
        self._expect_word("do")
        body = self.program({"done"})
        self._expect_word("done")
        return For(name, items, body)

    def _case(self) -> Case:
        self.take()
        tok = self.take()
        if tok.kind != "word":
            raise ShellSyntaxError("expecting word")
        word = tok.value
        self._skip_newlines()
        self._expect_word("in")
        self._skip_newlines()
        items = []
        while self._reserved(self.peek()) != "esac":
            if self.peek().kind == "eof":
                raise ShellSyntaxError('unexpected end of file (expecting "esac")')
            if self._is_op(self.peek(), "("):
                self.take()
            patterns = []
            while True:
                tok = self.take()
                if tok.kind != "word":
                    raise ShellSyntaxError(f'unexpected "{_tok_text(tok)}" (expecting ")")')
                patterns.append(tok.value)
                if self._is_op(self.peek(), "|"):
                    self.take()
                    continue
                if not self._is_op(self.take(), ")"):
                    raise ShellSyntaxError('expecting ")"')
                break
            body = self.program({"esac", ";;"})
            fall = False
            if self._is_op(self.peek(), ";;", ";&"):
                fall = self.take().value == ";&"
            items.append(CaseItem(tuple(patterns), body, fall))
            self._skip_newlines()
        self.take()
        return Case(word, tuple(items))


def _fields(node) -> dict:
    import attrs
    return {a.name: getattr(node, a.name) for a in attrs.fields(type(node))}
