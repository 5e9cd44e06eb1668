"""The shell interpreter: walks the AST over a simulated process state (variables,
positional parameters, working directory, descriptors) and the FS protocol.

Statuses are ints, or None when unknown (an unmodelled program ran). A decision that
depends on an unknown status or output raises `Indeterminate`."""

from __future__ import annotations

from .ascii import isdigits as _isdigits

import posixpath

import attrs

from ..fs.protocol import UnknownContent
from . import pattern, perm
from .ast import (AndOr, Case, For, FuncDef, Group, If, Pipeline, Program, SimpleCommand,
                  Subshell, While)
from .io import BufferSink, Closed, FDs, FileSink, NullSink, Source, decode
from .lexer import ShellSyntaxError
from .parser import parse, parse_lines  # noqa: F401
from .words import ExpansionFailure, Indeterminate, expand_fields, expand_pattern, expand_string

# ash keeps variables in a 39-bucket hash table; `env` lists exported ones bucket by
# bucket, each bucket in insertion order (ash.c / dash var.c: hashvar, findvar, listvars).
_VTABSIZE = 39
_ASH_INIT_VARS = ("IFS", "MAIL", "MAILPATH", "PATH", "PS1", "PS2", "PS4", "OPTIND",
                  "LINENO", "FUNCNAME", "RANDOM", "SECONDS")
SPECIAL_BUILTINS = {":", ".", "break", "continue", "eval", "exec", "exit", "export",
                    "readonly", "return", "set", "shift", "trap", "unset", "times"}
SHELL_BUILTINS = {"cd", "pwd", "echo", "printf", "test", "[", "true", "false", "read",
                  "local", "type", "command", "umask", "wait", "getopts", "alias", "unalias",
                  "hash", "kill", "ulimit", "jobs", "fg", "bg"}


def _ash_hash(name: str) -> int:
    h = ord(name[0]) << 4 if name else 0
    for c in name:
        h += ord(c)
    return h % _VTABSIZE


class ShellExit(Exception):
    def __init__(self, status):
        self.status = status


class LoopControl(Exception):
    def __init__(self, kind: str, count: int):
        self.kind, self.count = kind, count


class FuncReturn(Exception):
    def __init__(self, status):
        self.status = status


class Opaque(Exception):
    """Raised by an applet that hands over to a program the simulator does not model."""

    def __init__(self, name: str, fds: FDs | None = None):
        super().__init__(name)
        self.name = name
        self.fds = fds


@attrs.define
class Var:
    value: str
    exported: bool = False
    readonly: bool = False


@attrs.define
class Ctx:
    """What an applet sees: its argv, descriptors, the process environment and the FS."""

    args: list
    fds: FDs
    env: dict
    shell: "Shell"

    @property
    def fs(self):
        return self.shell.fs

    @property
    def cwd(self) -> str:
        return self.shell.cwd

    @property
    def user(self):
        return self.shell.user

    @property
    def name(self) -> str:
        return self.args[0].rsplit("/", 1)[-1]

    def out(self, text: str) -> None:
        self.fds.stdout.write(text)

    def err(self, text: str) -> None:
        self.fds.stderr.write(text)

    def error_prefix(self) -> str:
        """busybox's bb_error_msg prefix: the applet name, or the shell's for a builtin."""
        if self.shell.running_builtin:
            return self.shell.applet_name + ": "
        return self.name + ": "

    def error(self, msg: str) -> None:
        self.fds.stderr.write(f"{self.error_prefix()}{msg}\n")

    def stdin_text(self, order_matters: bool = True) -> str:
        """Standard input; reading lines of unknown order passes that on to the output
        unless the applet does not care about order (sort, wc)."""
        src = self.fds.stdin
        if src.text is None:
            raise Indeterminate(f"{self.name} reads output of an unmodelled program ({src.reason})")
        if src.unordered and order_matters:
            self.fds.stdout.mark_unordered(src.unordered)
        return src.text

    def path(self, p: str) -> str:
        return posixpath.normpath(posixpath.join(self.shell.cwd, p)) if p else self.shell.cwd


class Shell:
    def __init__(self, fs, *, env: dict, user=(0, 0, "root"), cwd: str = "/",
                 flavour: str = "busybox", arg0: str = "sh", dollar0: str | None = None,
                 positional=(), opaque: list | None = None, is_shell: bool = True):
        self.fs = fs
        self.flavour = flavour
        self.user = user
        self.cwd = cwd or "/"
        self.arg0 = arg0  # the shell's own argv[0], used in error messages
        self.dollar0 = dollar0 if dollar0 is not None else arg0
        self.named_dollar0 = dollar0 is not None
        self.applet_name = posixpath.basename(arg0)  # busybox's applet_name, for builtin errors
        self.positional = list(positional)
        self.vars: dict[str, Var] = {}
        self.order: dict[str, int] = {}
        self._seq = 0
        for n in _ASH_INIT_VARS:
            self._touch_order(n)
        for k, v in env.items():
            if k.isidentifier() and k.isascii():
                self.vars[k] = Var(v, exported=True)
                self._touch_order(k)
        self.status: int | None = 0
        self.errexit = False
        self.nounset = False
        self.noglob = False
        self.pipefail = False
        self.exit_trap: str | None = None
        self.local_frames: list = []  # one dict per running function: name -> saved Var
        self.pid: int | None = None  # 1 when the shell is the process the runtime started
        self.functions: dict = {}
        self.opaque: list = opaque if opaque is not None else []
        self.lineno = 0
        self.line_base = 0  # ash counts -c lines from 0, script-file lines from 1
        self.in_condition = 0
        self.running_builtin: str | None = None
        self.subst_status: int | None = None
        self.depth = 0
        if not is_shell:
            return
        if flavour in ("busybox", "dash", "bash"):
            lvl = self.vars.get("SHLVL")
            try:
                n = int(lvl.value) if lvl else 0
            except ValueError:
                n = 0
            self.set_var("SHLVL", str(n + 1), export=True)
        if "IFS" not in self.vars:
            self.vars["IFS"] = Var(" \t\n")
        if "PATH" not in self.vars:
            # the shell's built-in default, not exported
            self.vars["PATH"] = Var({"busybox": "/sbin:/usr/sbin:/bin:/usr/bin"}.get(
                flavour, "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"))
        pwd = self.vars.get("PWD")
        if not (pwd and pwd.value == self.cwd):
            self.set_var("PWD", self.cwd, export=True)
        else:
            pwd.exported = True

    # ---- variables --------------------------------------------------------------
    def _touch_order(self, name: str) -> None:
        if name not in self.order:
            self._seq += 1
            self.order[name] = self._seq

    def get_var(self, name: str) -> str | None:
        v = self.vars.get(name)
        return None if v is None else v.value

    def set_var(self, name: str, value: str, export: bool = False) -> None:
        v = self.vars.get(name)
        if v is None:
            self.vars[name] = Var(value, exported=export)
            self._touch_order(name)
        else:
            if v.readonly:
                raise ExpansionFailure(f"{name}: is read only")
            v.value = value
            v.exported = v.exported or export

    def set_var_checked(self, name: str, value: str) -> None:
        self.set_var(name, value)

    def unset_var(self, name: str) -> None:
        v = self.vars.get(name)
        if v is not None:
            if v.readonly:
                raise ExpansionFailure(f"{name}: is read only")
            del self.vars[name]
            if name not in _ASH_INIT_VARS:
                self.order.pop(name, None)

    def param_value(self, name: str) -> str | None:
        if name == "?":
            if self.status is None:
                raise Indeterminate("$? of an unmodelled program")
            return str(self.status)
        if name == "#":
            return str(len(self.positional))
        if name == "0":
            return self.dollar0
        if name == "$":
            if self.pid is None:
                raise Indeterminate("$$ of a shell that is not the container's first process")
            return str(self.pid)
        if name == "!":
            raise Indeterminate("$! (the pid of a background job)")
        if name == "RANDOM" and name not in self.vars and self.flavour != "dash":
            raise Indeterminate("$RANDOM")
        if name == "-":
            on = {"e": self.errexit, "f": self.noglob, "u": self.nounset}
            if self.flavour == "dash":  # dash: table order, no "c"
                return "".join(ch for ch in "efIimnsxvVECabu" if on.get(ch))
            if self.flavour == "bash":  # bash: its own order, hashall and brace expansion on
                on.update(h=True, B=True, c=True)
                return "".join(ch for ch in "efhuBc" if on.get(ch))
            on["c"] = True
            # ash lists its option letters in reverse table order
            return "".join(ch for ch in "ubaCVvxcsnmiIfe" if on.get(ch))
        if _isdigits(name):
            i = int(name)
            return self.positional[i - 1] if 0 < i <= len(self.positional) else None
        if name in ("@", "*"):
            return " ".join(self.positional)
        if name == "PPID" and name not in self.vars:
            if self.pid != 1:
                raise Indeterminate("$PPID of a shell that is not the container's first process")
            return "0"
        return self.get_var(name)

    def exported_env(self) -> dict:
        names = [n for n, v in self.vars.items() if v.exported]
        if self.flavour in ("busybox", "dash"):
            names.sort(key=lambda n: (_ash_hash(n), self.order.get(n, 1 << 30)))
        return {n: self.vars[n].value for n in names}

    # ---- messages ---------------------------------------------------------------
    def arg0_for_builtins(self) -> str:
        return self.arg0

    def msg_prefix(self, command: str | None = None) -> str:
        """ash: `arg0: [command: ][line N: ]` (ash_vmsg)."""
        if self.flavour == "dash":
            return f"{self.arg0}: {self.lineno + 1}: " + (f"{command}: " if command else "")
        if self.flavour == "bash":
            return f"{self.arg0}: line {self.lineno + 1}: " + (f"{command}: " if command else "")
        if command:
            return f"{self.arg0}: {command}: line {self.lineno}: "
        if self.named_dollar0:
            return f"{self.arg0}: line {self.lineno}: "
        return f"{self.arg0}: "

    # ---- running ----------------------------------------------------------------
    def run_script(self, text: str, fds: FDs) -> int | None:
        """Parse and run line by line, as ash does: commands before a syntax error run."""
        try:
            for prog in parse_lines(text):
                self.run_program(prog, fds)
        except ShellSyntaxError as e:
            self.lineno = (getattr(e, "line", None) or 1) - 1 + self.line_base
            fds.stderr.write(f"{self.msg_prefix()}syntax error: {e}\n")
            self.status = 2
            return 2
        except ShellExit as e:
            self.status = e.status
        except (LoopControl, FuncReturn) as e:
            self.status = getattr(e, "status", self.status)
        if self.exit_trap:
            action, self.exit_trap = self.exit_trap, None
            status = self.status
            try:
                for prog in parse_lines(action):
                    self.run_program(prog, fds)
            except ShellSyntaxError as e:
                fds.stderr.write(f"{self.msg_prefix()}syntax error: {e}\n")
            except ShellExit as e:
                status = e.status
            self.status = status
        return self.status

    def run_program(self, prog: Program, fds: FDs) -> int | None:
        for andor, background in prog.items:
            if background:
                self.run_background(andor, fds)
            else:
                self.run_andor(andor, fds)
        return self.status

    def run_background(self, node: AndOr, fds: FDs) -> None:
        """`cmd &`: run to completion in a subshell; if it printed anything, where that
        lands among the foreground output is a race, so the output becomes unknown."""
        child = self.subshell()
        out, err = BufferSink(), BufferSink()
        sub = fds.copy()
        sub.table.update({0: Source(""), 1: out, 2: err})
        try:
            child.run_andor(node, sub)
        except ShellExit:
            pass
        self.opaque = child.opaque
        why = "a background job's output interleaves with the rest unpredictably"
        if out.parts or out.unknown:
            fds.stdout.mark_unknown(why)
        if err.parts or err.unknown:
            fds.stderr.mark_unknown(why)
        self.status = 0

    def run_andor(self, node: AndOr, fds: FDs) -> int | None:
        chain = [("", node.first)] + list(node.rest)
        for i, (op, pipe) in enumerate(chain):
            if op == "&&" or op == "||":
                if self.status is None:
                    raise Indeterminate(f"'{op}' after an unmodelled program")
                if (op == "&&") != (self.status == 0):
                    continue
            last = i == len(chain) - 1
            if not last:
                self.in_condition += 1
            try:
                self.run_pipeline(pipe, fds)
            finally:
                if not last:
                    self.in_condition -= 1
        return self.status

    def _check_errexit(self) -> None:
        if self.errexit and not self.in_condition:
            if self.status is None:
                raise Indeterminate("set -e after an unmodelled program")
            if self.status != 0:
                raise ShellExit(self.status)

    def run_pipeline(self, node: Pipeline, fds: FDs) -> int | None:
        if node.negated:
            self.in_condition += 1
        try:
            if len(node.commands) == 1:
                self.run_command(node.commands[0], fds)
            else:
                stdin = fds.stdin
                statuses = []
                for i, cmd in enumerate(node.commands):
                    sub = fds.copy()
                    sub.table[0] = stdin
                    last = i == len(node.commands) - 1
                    buf = None
                    if not last:
                        buf = BufferSink()
                        sub.table[1] = buf
                    child = self.subshell()
                    try:
                        child.run_command(cmd, sub)
                    except ShellExit as e:
                        child.status = e.status
                    self.opaque = child.opaque
                    self.status = child.status
                    statuses.append(child.status)
                    if buf is not None:
                        stdin = (Source(None, buf.unknown) if buf.unknown
                                 else Source(buf.text(), unordered=buf.unordered))
                if self.pipefail:  # the last non-zero status, if any
                    if None in statuses:
                        self.status = None
                    else:
                        self.status = next((s for s in reversed(statuses) if s), 0)
        finally:
            if node.negated:
                self.in_condition -= 1
        if node.negated:
            if self.status is None:
                raise Indeterminate("'!' of an unmodelled program")
            self.status = 0 if self.status else 1
        else:
            self._check_errexit()
        return self.status

    def subshell(self) -> "Shell":
        child = Shell.__new__(Shell)
        child.__dict__.update(self.__dict__)
        child.vars = {k: attrs.evolve(v) for k, v in self.vars.items()}
        child.order = dict(self.order)
        child.positional = list(self.positional)
        child.functions = dict(self.functions)
        child.depth = self.depth + 1
        return child

    def run_command(self, node, fds: FDs) -> int | None:
        if isinstance(node, SimpleCommand):
            self.lineno = node.line - 1 + self.line_base
            return self.run_simple(node, fds)
        if isinstance(node, FuncDef):
            self.functions[node.name] = node.body
            self.status = 0
            return 0
        fds = self.apply_redirects(getattr(node, "redirects", ()), fds)
        if fds is None:
            self.status = 1
            return 1
        if isinstance(node, Group):
            return self.run_program(node.body, fds)
        if isinstance(node, Subshell):
            child = self.subshell()
            try:
                child.run_program(node.body, fds)
            except ShellExit as e:
                child.status = e.status
            self.opaque = child.opaque
            self.status = child.status
            self._check_errexit()
            return self.status
        if isinstance(node, If):
            for cond, body in node.clauses:
                self.in_condition += 1
                try:
                    self.run_program(cond, fds)
                finally:
                    self.in_condition -= 1
                if self.status is None:
                    raise Indeterminate("'if' on an unmodelled program")
                if self.status == 0:
                    return self.run_program(body, fds)
            if node.else_body is not None:
                return self.run_program(node.else_body, fds)
            self.status = 0
            return 0
        if isinstance(node, While):
            status = 0
            for _ in range(20000):
                self.in_condition += 1
                try:
                    self.run_program(node.cond, fds)
                finally:
                    self.in_condition -= 1
                if self.status is None:
                    raise Indeterminate("loop condition on an unmodelled program")
                if (self.status == 0) == node.until:
                    break
                try:
                    self.run_program(node.body, fds)
                except LoopControl as lc:
                    if lc.count > 1:
                        lc.count -= 1
                        raise
                    if lc.kind == "break":
                        status = self.status
                        break
                status = self.status
            else:
                raise Indeterminate("loop did not end within 20000 iterations")
            self.status = status
            return status
        if isinstance(node, For):
            items = (list(self.positional) if node.items is None
                     else expand_fields(self, node.items))
            self.status = 0
            for item in items:
                self.set_var(node.var, item)
                try:
                    self.run_program(node.body, fds)
                except LoopControl as lc:
                    if lc.count > 1:
                        lc.count -= 1
                        raise
                    if lc.kind == "break":
                        break
            return self.status
        if isinstance(node, Case):
            value = expand_string(self, node.word)
            self.status = 0
            fall = False
            for item in node.items:
                if fall or any(pattern.match(expand_pattern(self, p), value) for p in item.patterns):
                    if item.body is not None:
                        self.run_program(item.body, fds)
                    if not item.fallthrough:
                        break
                    fall = True
            return self.status
        raise TypeError(node)  # pragma: no cover

    # ---- simple commands --------------------------------------------------------
    def run_simple(self, node: SimpleCommand, fds: FDs) -> int | None:
        self.subst_status = None
        try:
            fields = expand_fields(self, node.words)
            values = [(a.name, expand_string(self, a.value)) for a in node.assigns]
        except ExpansionFailure as e:
            return self._expansion_failed(e, fds)
        if not fields:
            try:
                for name, value in values:
                    self.set_var(name, value)
            except ExpansionFailure as e:
                return self._expansion_failed(e, fds)
            status = self.subst_status if self.subst_status is not None else 0
            if node.redirects:
                if self.apply_redirects(node.redirects, fds) is None:
                    status = 1
            self.status = status
            return status
        rfds = self.apply_redirects(node.redirects, fds)
        if rfds is None:
            self.status = 1
            return 1
        name = fields[0]
        if name == "exec" and len(fields) == 1:
            fds.table.update(rfds.table)  # the redirections stay for the rest of the shell
            self.status = 0
            return 0
        try:
            if name in SPECIAL_BUILTINS or (name in SHELL_BUILTINS and name not in self.functions):
                if name in SPECIAL_BUILTINS:
                    for k, v in values:
                        self.set_var(k, v)
                    saved = None
                else:
                    saved = self._push_temp(values)
                try:
                    status = self.run_builtin(fields, rfds)
                finally:
                    if saved is not None:
                        self._pop_temp(saved)
            elif name in self.functions:
                if self.depth > 150:
                    raise Indeterminate("function calls nested deeper than 150 levels: how the real "
                                        "shell ends (stack exhaustion) is not modelled")
                self.depth += 1
                self.local_frames.append({})
                saved = self._push_temp(values)
                old_pos = self.positional
                self.positional = fields[1:]
                try:
                    self.run_command(self.functions[name], rfds)
                    status = self.status
                except FuncReturn as r:
                    status = r.status
                finally:
                    self.depth -= 1
                    for k, old in self.local_frames.pop().items():
                        if old is None:
                            self.vars.pop(k, None)
                        else:
                            self.vars[k] = old
                    self.positional = old_pos
                    self._pop_temp(saved)
            else:
                env = self.exported_env()
                for k, v in values:
                    env[k] = v
                status = self.run_external(fields, env, rfds)
        except ExpansionFailure as e:
            return self._expansion_failed(e, rfds)
        self.status = status
        return status

    def _push_temp(self, values):
        saved = []
        for k, v in values:
            saved.append((k, self.vars.get(k)))
            old = self.vars.get(k)
            self.vars[k] = Var(v, exported=True, readonly=old.readonly if old else False)
            self._touch_order(k)
        return saved

    def _pop_temp(self, saved):
        for k, old in reversed(saved):
            if old is None:
                self.vars.pop(k, None)
            else:
                self.vars[k] = old

    def _expansion_failed(self, e: ExpansionFailure, fds: FDs):
        fds.stderr.write(f"{self.msg_prefix()}{e.message}\n")
        # bash -c exits 127 after ${v?msg} (observed, bash 5.2)
        raise ShellExit(127 if self.flavour == "bash" and e.status == 2 and ": " in e.message
                        and "substitution" not in e.message else e.status)

    def process(self, env: dict) -> "Shell":
        """The state of a child process that is not a shell: same FS, cwd and user, this env."""
        p = self.subshell()
        p.vars = {k: Var(v, exported=True) for k, v in env.items()}
        return p

    def command_substitution(self, prog: Program) -> str:
        child = self.subshell()
        buf = BufferSink()
        sub = FDs({0: Source(""), 1: buf, 2: self._stderr_sink})
        try:
            child.run_program(prog, sub)
        except ShellExit as e:
            child.status = e.status
        self.opaque = child.opaque
        if buf.unknown:
            raise Indeterminate(f"output of an unmodelled program ({buf.unknown}) used in $(...)")
        if buf.unordered:
            raise Indeterminate(f"$(...) output in an unknown order ({buf.unordered})")
        self.subst_status = child.status
        self.status = child.status
        return buf.text().rstrip("\n")

    _stderr_sink = NullSink()

    # ---- redirections -----------------------------------------------------------
    def apply_redirects(self, redirects, fds: FDs) -> FDs | None:
        if not redirects:
            return fds
        out = fds.copy()
        for r in redirects:
            fd = r.fd if r.fd is not None else (0 if r.op[0] == "<" and r.op != "<>" else 1)
            if r.op in ("<<", "<<-"):
                body = r.heredoc.word if r.heredoc and r.heredoc.word else None
                text = expand_string(self, body) if body is not None else ""
                if r.op == "<<-" and not r.heredoc.quoted:
                    pass  # tabs were stripped while reading
                out.table[fd] = Source(text)
                continue
            try:
                target = expand_string(self, r.target)
            except ExpansionFailure as e:
                self._expansion_failed(e, fds)
            if r.op in (">&", "<&"):
                if target == "-":
                    out.table[fd] = Closed()
                    continue
                if _isdigits(target):
                    src = out.table.get(int(target))
                    if src is None or isinstance(src, Closed):
                        fds.stderr.write(f"{self.msg_prefix()}{target}: Bad file descriptor\n")
                        return None
                    out.table[fd] = src
                    continue
                if r.op == "<&":
                    fds.stderr.write(f"{self.msg_prefix()}{target}: Bad file descriptor\n")
                    return None
                # ">& file": both stdout and stderr (bash); ash treats it the same
            path = posixpath.normpath(posixpath.join(self.cwd, target)) if target else ""
            if target == "":
                fds.stderr.write(f"{self.msg_prefix()}can't create : nonexistent directory\n")
                return None
            if path == "/dev/null":
                out.table[fd] = NullSink() if r.op != "<" else Source("")
                continue
            if path in ("/dev/stdout", "/dev/stderr", "/dev/fd/1", "/dev/fd/2") and r.op != "<":
                out.table[fd] = out.table.get(1 if path.endswith(("stdout", "/1")) else 2)
                continue
            try:
                if r.op == "<":
                    st = self.fs.stat(path)
                    if not perm.allowed(self.fs, self.user, path, "r"):
                        fds.stderr.write(f"{self.msg_prefix()}can't open {target}: Permission denied\n")
                        return None
                    if st is None:
                        fds.stderr.write(f"{self.msg_prefix()}can't open {target}: no such file\n")
                        return None
                    out.table[fd] = Source(decode(self.fs.read(path)))
                    continue
                st = self.fs.stat(path)
                if st is not None and st.type == "dir":
                    fds.stderr.write(f"{self.msg_prefix()}can't create {target}: Is a directory\n")
                    return None
                parent = self.fs.stat(posixpath.dirname(path))
                if not perm.searchable(self.fs, self.user, path) or (
                        st is None and parent is not None and not perm.may_create(self.fs, self.user, path)) or (
                        st is not None and not perm.allowed(self.fs, self.user, path, "w")):
                    fds.stderr.write(f"{self.msg_prefix()}can't create {target}: Permission denied\n")
                    return None
                if parent is None or parent.type != "dir":
                    fds.stderr.write(f"{self.msg_prefix()}can't create {target}: nonexistent directory\n")
                    return None
                if st is None or r.op in (">", ">|"):
                    self.fs.write(path, b"", mode=None if st else 0o644,
                                  uid=self.user[0], gid=self.user[1])
                out.table[fd] = FileSink(self.fs, path, append=(r.op == ">>"))
                if r.op == ">&" and fd == 1:
                    out.table[2] = out.table[1]
            except UnknownContent as e:
                raise Indeterminate(str(e))
        return out

    # ---- external commands ------------------------------------------------------
    def run_external(self, argv: list, env: dict, fds: FDs) -> int | None:
        from .commands import run_program
        return run_program(self, argv, env, fds)

    def run_builtin(self, argv: list, fds: FDs) -> int | None:
        from .builtins import BUILTINS
        from .applets import APPLETS
        name = argv[0]
        fn = BUILTINS.get(name) or APPLETS.get(name)
        self.running_builtin = name
        from .applets.common import NotModelled
        try:
            ctx = Ctx(list(argv), fds, self.exported_env(), self)
            return fn(ctx)
        except NotModelled as nm:
            self.opaque.append(nm.what)
            fds.stdout.mark_unknown(nm.what)
            return None
        finally:
            self.running_builtin = None

    def glob(self, pat: str) -> list[str]:
        """Pathname expansion over the FS: sorted matches, or [] (the word stays as is)."""
        absolute = pat.startswith("/")
        comps = [c for c in pat.split("/") if c != ""]
        results = ["/" if absolute else ""]
        for i, comp in enumerate(comps):
            nxt = []
            for base in results:
                dirpath = posixpath.join(self.cwd, base) if not absolute else (base or "/")
                if not pattern.has_magic(comp):
                    cand = base + ("" if base in ("", "/") else "/") + pattern.unescape(comp) \
                        if base != "" else pattern.unescape(comp)
                    if base == "/":
                        cand = "/" + pattern.unescape(comp)
                    full = posixpath.join(self.cwd, cand)
                    try:
                        if self.fs.stat(full) is not None:
                            nxt.append(cand)
                    except UnknownContent as e:
                        raise Indeterminate(str(e))
                    continue
                try:
                    names = self.fs.listdir(dirpath or self.cwd)
                except (FileNotFoundError, NotADirectoryError):
                    continue
                except UnknownContent as e:
                    raise Indeterminate(str(e))
                for n in names:
                    if n.startswith(".") and not comp.startswith((".", "\\.")):
                        continue
                    if pattern.match(comp, n):
                        if base == "":
                            nxt.append(n)
                        elif base == "/":
                            nxt.append("/" + n)
                        else:
                            nxt.append(base + "/" + n)
            results = nxt
            if not results:
                return []
        if pat.endswith("/"):
            results = [r + "/" for r in results]
        return sorted(results)
