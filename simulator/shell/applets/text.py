"""Text applets in busybox's flavour: echo, printf, cat, head, tail, wc, sort, grep, sed, tr,
tee, basename, dirname."""

from __future__ import annotations

from ..ascii import isdigits as _isdigits

import posixpath
import re

from ..io import decode, encode
from .. import perm
from . import common
from .common import Ctx, read_path


# ---- echo / printf --------------------------------------------------------------

_SIMPLE_ESC = {"\\": "\\", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n",
               "r": "\r", "t": "\t", "v": "\v"}


def unescape(text: str, printf_b: bool = False) -> tuple[str, bool]:
    """Backslash escapes as echo -e / printf %b interpret them; True when `\\c` stopped output."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        n = text[i + 1]
        if n == "c":
            return "".join(out), True
        if n in _SIMPLE_ESC:
            out.append(_SIMPLE_ESC[n])
            i += 2
        elif n == "0":
            m = re.match(r"[0-7]{0,3}", text[i + 2:])
            out.append(chr(int(m.group() or "0", 8) & 255))
            i += 2 + len(m.group())
        elif n in "1234567":
            m = re.match(r"[0-7]{1,3}", text[i + 1:])
            out.append(chr(int(m.group(), 8) & 255))
            i += 1 + len(m.group())
        elif n == "x" and re.match(r"[0-9a-fA-F]", text[i + 2:i + 3]):
            m = re.match(r"[0-9a-fA-F]{1,2}", text[i + 2:])
            out.append(chr(int(m.group(), 16)))
            i += 2 + len(m.group())
        else:
            out.append("\\" + n)
            i += 2
    return "".join(out), False


def echo(ctx: Ctx) -> int:
    args = ctx.args[1:]
    flavour = ctx.shell.flavour if ctx.shell.running_builtin else "busybox"
    newline, escapes = True, flavour == "dash"
    while args and re.fullmatch(r"-[neE]+", args[0]) and not (flavour == "dash" and args[0] != "-n"):
        for ch in args[0][1:]:
            if ch == "n":
                newline = False
            elif ch == "e":
                escapes = True
            elif ch == "E" and flavour != "dash":
                escapes = False
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = unescape(text)
        if stop:
            ctx.out(text)
            return 0
    ctx.out(text + ("\n" if newline else ""))
    return 0


_FMT = re.compile(r"%([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]*))?([diouxXcsbfeEgG%])")


def _num(ctx: Ctx, s: str, errors: list) -> int:
    t = s.strip()
    if t[:1] in ("'", '"'):
        return ord(t[1]) if len(t) > 1 else 0
    try:
        return int(t, 0) if re.fullmatch(r"[-+]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", t) else int(t)
    except ValueError:
        m = re.match(r"[-+]?[0-9]+", t)
        errors.append(f"invalid number '{s}'")
        return int(m.group()) if m else 0


def printf(ctx: Ctx) -> int:
    args = ctx.args[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        ctx.err(f"{ctx.error_prefix()}usage: printf FORMAT [ARGUMENT...]\n")
        return 2 if ctx.shell.running_builtin else 1
    fmt, rest = args[0], args[1:]
    errors: list = []
    out = []
    while True:
        used = 0
        i = 0
        stop = False
        while i < len(fmt):
            c = fmt[i]
            if c == "\\":
                m = re.match(r"\\(0[0-7]{0,3}|[0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)", fmt[i:], re.S)
                piece, stop = unescape(m.group())
                out.append(piece)
                i += len(m.group())
                if stop:
                    break
                continue
            if c != "%":
                out.append(c)
                i += 1
                continue
            m = _FMT.match(fmt, i)
            if not m:
                out.append(c)
                i += 1
                continue
            i = m.end()
            flags, width, prec, conv = m.groups()
            if conv == "%":
                out.append("%")
                continue

            def take():
                nonlocal used
                v = rest[used] if used < len(rest) else None
                used += 1 if used < len(rest) else 0
                return v

            if width == "*":
                width = str(_num(ctx, take() or "0", errors))
            if prec == "*":
                prec = str(_num(ctx, take() or "0", errors))
            had = used < len(rest)
            arg = take() if had else None
            spec = "%" + flags + (width or "") + ("." + prec if prec is not None else "")
            if conv in "sb":
                s = arg or ""
                if conv == "b":
                    s, stop = unescape(s)
                out.append((spec + "s") % s)
                if stop:
                    break
            elif conv == "c":
                out.append((spec + "s") % ((arg or "")[:1]))
            elif conv in "diouxX":
                n = _num(ctx, arg, errors) if arg is not None else 0
                if arg is None and not had:
                    n = 0
                if conv == "u" and n < 0:
                    n += 1 << 64
                if conv in "oxX" and n < 0:
                    n += 1 << 64
                out.append((spec + ("d" if conv in "iu" else conv)) % n)
            else:
                try:
                    f = float(arg) if arg is not None else 0.0
                except ValueError:
                    errors.append(f"invalid number '{arg}'")
                    f = 0.0
                out.append((spec + conv) % f)
        if stop or used == 0 or used >= len(rest):
            break
        rest = rest[used:]
    ctx.out("".join(out))
    for e in errors:
        ctx.err(f"{ctx.error_prefix()}{e}\n")
    return 1 if errors else 0


# ---- file readers -----------------------------------------------------------------

def _inputs(ctx: Ctx, files: list):
    """Yield (name, text or None on error) for each file operand, stdin for none or '-'."""
    if not files:
        files = ["-"]
    for f in files:
        if f == "-":
            yield f, ctx.stdin_text()
        else:
            yield f, read_path(ctx, f)


def cat(ctx: Ctx) -> int:
    files = [a for a in ctx.args[1:] if a not in ("-u",)]
    status = 0
    for f in files or ["-"]:
        if f == "-":
            ctx.out(ctx.stdin_text())
            continue
        try:
            data = common.open_bytes(ctx, f)
        except IsADirectoryError:
            ctx.error("read error: Is a directory")
            data = None
        if data is None:
            status = 1
            continue
        ctx.out(decode(data))
    return status


def _count_arg(args: list, default: int = 10):
    n = default
    from_start = False
    rest = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-n", "-c") and i + 1 < len(args):
            v = args[i + 1]
            i += 2
        elif re.fullmatch(r"-n.+", a):
            v = a[2:]
            i += 1
        elif re.fullmatch(r"-[0-9]+", a):
            v = a[1:]
            i += 1
        else:
            rest.append(a)
            i += 1
            continue
        from_start = v.startswith("+")
        n = int(v.lstrip("+-") or 0) * (-1 if v.startswith("-") else 1)
    return n, from_start, rest


def head(ctx: Ctx) -> int:
    n, _, files = _count_arg(ctx.args[1:])
    status = 0
    multi = len(files) > 1
    for idx, f in enumerate(files or ["-"]):
        text = ctx.stdin_text() if f == "-" else read_path(ctx, f)
        if text is None:
            status = 1
            continue
        if multi:
            ctx.out(("\n" if idx else "") + f"==> {f} <==\n")
        lines = text.splitlines(keepends=True)
        ctx.out("".join(lines[:n] if n >= 0 else lines[:n]))
    return status


def tail(ctx: Ctx) -> int:
    n, from_start, files = _count_arg(ctx.args[1:])
    status = 0
    multi = len(files) > 1
    for idx, f in enumerate(files or ["-"]):
        text = ctx.stdin_text() if f == "-" else read_path(ctx, f)
        if text is None:
            status = 1
            continue
        if multi:
            ctx.out(("\n" if idx else "") + f"==> {f} <==\n")
        lines = text.splitlines(keepends=True)
        if from_start:
            ctx.out("".join(lines[max(n - 1, 0):]))
        else:
            ctx.out("".join(lines[-abs(n):] if n else []))
    return status


def wc(ctx: Ctx) -> int:
    opts = set()
    files = []
    for a in ctx.args[1:]:
        if a.startswith("-") and len(a) > 1:
            opts.update(a[1:])
        else:
            files.append(a)
    if not opts:
        opts = {"l", "w", "c"}
    status = 0
    rows = []
    for f in files or ["-"]:
        text = ctx.stdin_text(order_matters="L" in opts) if f == "-" else read_path(ctx, f)
        if text is None:
            status = 1
            continue
        data = encode(text)
        counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(data),
                  "m": len(text), "L": max((len(x) for x in text.split("\n")), default=0)}
        rows.append(([counts[k] for k in "lwcmL" if k in opts], None if f == "-" else f))
    if len(rows) > 1:
        tot = [sum(r[0][i] for r in rows) for i in range(len(rows[0][0]))]
        rows.append((tot, "total"))
    for nums, name in rows:
        if len(nums) == 1 and (len(rows) == 1):
            line = str(nums[0])
        else:
            line = " ".join(f"{n:9d}" for n in nums)
        if name is not None:
            line += " " + name
        ctx.out(line + "\n")
    return status


def sort(ctx: Ctx) -> int:
    opts = set()
    files = []
    for a in ctx.args[1:]:
        if a.startswith("-") and len(a) > 1:
            opts.update(a[1:])
        else:
            files.append(a)
    if opts - set("rnuf"):
        raise common.NotModelled(f"sort {' '.join(ctx.args[1:])}")
    lines = []
    for f in files or ["-"]:
        text = ctx.stdin_text(order_matters=False) if f == "-" else read_path(ctx, f)
        if text is None:
            return 2
        lines.extend(text.splitlines())
    if "n" in opts:
        def key(s):
            m = re.match(r"\s*(-?[0-9]+(\.[0-9]*)?)", s)
            return (float(m.group(1)) if m else 0.0, s.encode())
        lines.sort(key=key)
    elif "f" in opts:
        lines.sort(key=lambda s: (s.upper().encode(), s.encode()))
    else:
        lines.sort(key=lambda s: s.encode("utf-8", "surrogateescape"))
    if "r" in opts:
        lines.reverse()
    if "u" in opts:
        seen = []
        for ln in lines:
            if not seen or seen[-1] != ln:
                seen.append(ln)
        lines = seen
    ctx.out("".join(ln + "\n" for ln in lines))
    return 0


def bre_to_python(pattern: str, extended: bool = False) -> str:
    """A POSIX basic (or extended) regular expression as a Python regex."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            if not extended and n in "(){}|+?":
                out.append(n)
            elif _isdigits(n):
                out.append("\\" + n)
            else:
                out.append(re.escape(n) if n not in "wWsSbB<>" else {"<": r"\b", ">": r"\b"}.get(n, "\\" + n))
            i += 2
            continue
        if c == "[":
            j = i + 1
            if j < len(pattern) and pattern[j] == "^":
                j += 1
            if j < len(pattern) and pattern[j] == "]":
                j += 1
            while j < len(pattern) and pattern[j] != "]":
                if pattern[j] == "[" and pattern[j + 1:j + 2] == ":":
                    j = pattern.find(":]", j) + 2
                    continue
                j += 1
            body = pattern[i + 1:j]
            for name, rx in (("alpha", "a-zA-Z"), ("digit", "0-9"), ("alnum", "a-zA-Z0-9"),
                             ("space", r" \t\n\r\f\v"), ("upper", "A-Z"), ("lower", "a-z"),
                             ("xdigit", "0-9A-Fa-f"), ("punct", r"!-/:-@\[-`{-~"), ("blank", r" \t")):
                body = body.replace(f"[:{name}:]", rx)
            body = body.replace("\\", "\\\\")
            out.append("[" + body + "]")
            i = j + 1
            continue
        if not extended and c in "(){}|+?":
            out.append("\\" + c)
        elif c == "*" and (not out or out[-1] in ("^", "(")) and not extended:
            out.append(r"\*")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def grep(ctx: Ctx) -> int:
    args = ctx.args[1:]
    opts = set()
    patterns = []
    files = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            files.extend(args[i + 1:])
            break
        if a == "-e" and i + 1 < len(args):
            patterns.append(args[i + 1])
            i += 2
            continue
        if a.startswith("-") and len(a) > 1:
            opts.update(a[1:])
        else:
            files.append(a)
        i += 1
    if opts - set("FEvicqnlsxwh"):
        raise common.NotModelled(f"grep {' '.join(args)}")
    if not patterns:
        if not files:
            return common.usage(ctx)
        patterns = [files.pop(0)]
    pats = [p for pat in patterns for p in pat.split("\n")]
    flags = re.I if "i" in opts else 0
    if "F" in opts:
        rxs = [re.compile(re.escape(p), flags) for p in pats]
    else:
        try:
            rxs = [re.compile(bre_to_python(p, "E" in opts), flags) for p in pats]
        except re.error:
            raise common.NotModelled(f"grep pattern {patterns!r}")
    if "w" in opts:
        rxs = [re.compile(r"(?<!\w)(?:" + r.pattern + r")(?!\w)", flags) for r in rxs]
    status = 1
    error = False
    show_names = len(files) > 1 and "h" not in opts
    count_only = "c" in opts
    for f in files or ["-"]:
        if f == "-":
            text = ctx.stdin_text()
        else:
            if not perm.allowed(ctx.fs, ctx.user, ctx.path(f), "r"):
                ctx.error(f"{f}: Permission denied")
                error = True
                continue
            try:
                text = decode(ctx.fs.read(ctx.path(f)))
            except FileNotFoundError:
                if "s" not in opts:
                    ctx.error(f"{f}: No such file or directory")
                error = True
                continue
            except IsADirectoryError:
                ctx.error(f"{f}: Is a directory")
                continue
        name = "(standard input)" if f == "-" else f
        hits = 0
        for n, line in enumerate(text.splitlines(), 1):
            hit = any((r.fullmatch(line) if "x" in opts else r.search(line)) for r in rxs)
            if hit != ("v" in opts):
                status = 0
                hits += 1
                if "q" in opts:
                    return 0
                if count_only:
                    continue
                if "l" in opts:
                    ctx.out(name + "\n")
                    break
                prefix = (name + ":" if show_names else "") + (f"{n}:" if "n" in opts else "")
                ctx.out(prefix + line + "\n")
        if count_only:
            ctx.out((name + ":" if show_names else "") + f"{hits}\n")
    return 2 if error and status != 0 else (2 if error and "q" not in opts and status else status)


def _sed_script(script: str):
    """Parse `s/re/repl/flags` commands separated by ';' or newlines."""
    cmds = []
    i = 0
    while i < len(script):
        c = script[i]
        if c in " ;\n\t":
            i += 1
            continue
        if c != "s" or i + 1 >= len(script):
            raise common.NotModelled(f"sed script {script!r}")
        d = script[i + 1]
        fields = []
        j = i + 2
        cur = []
        while j < len(script) and len(fields) < 2:
            ch = script[j]
            if ch == "\\" and j + 1 < len(script):
                nxt = script[j + 1]
                cur.append(nxt if nxt == d else ch + nxt)
                j += 2
                continue
            if ch == d:
                fields.append("".join(cur))
                cur = []
                j += 1
                continue
            cur.append(ch)
            j += 1
        if len(fields) < 2:
            raise common.NotModelled(f"sed script {script!r}")
        m = re.match(r"[gpI0-9]*", script[j:])
        flags = m.group()
        j += len(flags)
        cmds.append((fields[0], fields[1], flags))
        i = j
    return cmds


def _sed_repl(repl: str) -> str:
    out = []
    i = 0
    while i < len(repl):
        c = repl[i]
        if c == "\\" and i + 1 < len(repl):
            n = repl[i + 1]
            out.append("\\" + n if _isdigits(n) else ("\n" if n == "n" else n.replace("\\", "\\\\")))
            i += 2
        elif c == "&":
            out.append("\\g<0>")
            i += 1
        else:
            out.append(c.replace("\\", "\\\\"))
            i += 1
    return "".join(out)


def sed(ctx: Ctx) -> int:
    args = ctx.args[1:]
    scripts = []
    files = []
    inplace = quiet = extended = False
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-e" and i + 1 < len(args):
            scripts.append(args[i + 1])
            i += 2
            continue
        if a in ("-i", "-n", "-E", "-r") or re.fullmatch(r"-[inEr]+", a):
            inplace |= "i" in a
            quiet |= "n" in a
            extended |= "E" in a or "r" in a
        elif a.startswith("-") and len(a) > 1:
            raise common.NotModelled(f"sed {' '.join(args)}")
        else:
            files.append(a)
        i += 1
    if not scripts:
        if not files:
            return 1
        scripts = [files.pop(0)]
    cmds = []
    for s in scripts:
        cmds.extend(_sed_script(s))
    compiled = []
    for rx, repl, flags in cmds:
        try:
            compiled.append((re.compile(bre_to_python(rx, extended), re.I if "I" in flags else 0),
                             _sed_repl(repl), flags))
        except re.error:
            raise common.NotModelled(f"sed regex {rx!r}")

    def apply(text: str) -> str:
        out = []
        lines = text.split("\n")
        trailing = text.endswith("\n")
        if trailing:
            lines = lines[:-1]
        for line in lines:
            printed = []
            for rx, repl, flags in compiled:
                count = 0 if "g" in flags else 1
                nth = re.search(r"[0-9]+", flags)
                if nth:
                    k = int(nth.group())
                    ms = list(rx.finditer(line))
                    if len(ms) >= k:
                        m = ms[k - 1]
                        new = line[:m.start()] + m.expand(repl) + line[m.end():]
                    else:
                        new = line
                    changed = new != line or len(ms) >= k
                else:
                    new, n = rx.subn(repl, line, count=count)
                    changed = n > 0
                line = new
                if changed and "p" in flags:
                    printed.append(line)
            out.extend(printed)
            if not quiet:
                out.append(line)
        return "".join(ln + "\n" for ln in out) if (trailing or len(out) > len(lines) or not lines) \
            else "\n".join(out)

    if inplace:
        for f in files:
            text = read_path(ctx, f)
            if text is None:
                return 1
            p = ctx.path(f)
            if not perm.may_create(ctx.fs, ctx.user, p):
                # busybox writes a temp file (random suffix) beside the file, then renames it
                ctx.error(f"can't create temp file '{p}XXXXXX': Permission denied")
                return 1
            ctx.fs.write(p, encode(apply(text)))
        return 0
    status = 0
    for f in files or ["-"]:
        text = ctx.stdin_text() if f == "-" else read_path(ctx, f)
        if text is None:
            status = 2
            continue
        ctx.out(apply(text))
    return status


def _tr_set(s: str) -> str:
    out = []
    i = 0
    classes = {"[:lower:]": "abcdefghijklmnopqrstuvwxyz", "[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
               "[:digit:]": "0123456789", "[:space:]": " \t\n\r\f\v", "[:blank:]": " \t",
               "[:alpha:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
               "[:alnum:]": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}
    while i < len(s):
        for k, v in classes.items():
            if s.startswith(k, i):
                out.append(v)
                i += len(k)
                break
        else:
            c = s[i]
            if c == "\\" and i + 1 < len(s):
                c = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(s[i + 1], s[i + 1])
                i += 2
            else:
                i += 1
            if i + 1 < len(s) and s[i] == "-":
                end = s[i + 1]
                out.append("".join(chr(x) for x in range(ord(c), ord(end) + 1)))
                i += 2
            else:
                out.append(c)
    return "".join(out)


def tr(ctx: Ctx) -> int:
    args = ctx.args[1:]
    opts = set()
    while args and args[0].startswith("-") and len(args[0]) > 1:
        opts.update(args.pop(0)[1:])
    if opts - set("ds"):
        raise common.NotModelled(f"tr {' '.join(ctx.args[1:])}")
    text = ctx.stdin_text()
    if "d" in opts:
        s1 = set(_tr_set(args[0]))
        text = "".join(c for c in text if c not in s1)
        if "s" in opts and len(args) > 1:
            s2 = set(_tr_set(args[1]))
            text = _squeeze(text, s2)
        ctx.out(text)
        return 0
    if len(args) >= 2:
        s1, s2 = _tr_set(args[0]), _tr_set(args[1])
        if s2:
            s2 = s2 + s2[-1] * max(0, len(s1) - len(s2))
            table = {}
            for a, b in zip(s1, s2):
                table[ord(a)] = b
            text = text.translate(table)
        if "s" in opts:
            text = _squeeze(text, set(s2))
    elif "s" in opts and args:
        text = _squeeze(text, set(_tr_set(args[0])))
    ctx.out(text)
    return 0


def _squeeze(text: str, chars: set) -> str:
    out = []
    for c in text:
        if out and out[-1] == c and c in chars:
            continue
        out.append(c)
    return "".join(out)


def tee(ctx: Ctx) -> int:
    args = ctx.args[1:]
    append = False
    while args and args[0].startswith("-") and len(args[0]) > 1:
        append |= "a" in args.pop(0)
    text = ctx.stdin_text()
    status = 0
    for f in args:
        p = ctx.path(f)
        exists = ctx.fs.stat(p) is not None
        if not (perm.allowed(ctx.fs, ctx.user, p, "w") if exists else perm.may_create(ctx.fs, ctx.user, p)):
            ctx.error(f"{f}: Permission denied")
            status = 1
            continue
        parent = ctx.fs.stat(posixpath.dirname(p))
        if parent is None or parent.type != "dir":
            ctx.error(f"can't open '{f}': No such file or directory")
            status = 1
            continue
        exists = ctx.fs.stat(p) is not None
        ctx.fs.write(p, encode(text), mode=None if exists else 0o644, append=append,
                     uid=None if exists else ctx.user[0], gid=None if exists else ctx.user[1])
    ctx.out(text)
    return status


def basename(ctx: Ctx) -> int:
    args = ctx.args[1:]
    if not args or len(args) > 2 or args[0].startswith("-") and args[0] != "-":
        if args and args[0] in ("-a", "-s"):
            raise common.NotModelled(f"basename {args[0]}")
        return common.usage(ctx)
    p = args[0]
    stripped = p.rstrip("/")
    base = stripped.rsplit("/", 1)[-1] if stripped else ("/" if p else "")
    if len(args) > 1 and base != args[1] and base.endswith(args[1]):
        base = base[: -len(args[1])]
    ctx.out(base + "\n")
    return 0


def dirname(ctx: Ctx) -> int:
    args = ctx.args[1:]
    if not args or len(args) > 2 or args[0].startswith("-") and args[0] != "-":
        if args and args[0] in ("-a", "-s"):
            raise common.NotModelled(f"basename {args[0]}")
        return common.usage(ctx)
    p = args[0].rstrip("/") or ("/" if args[0].startswith("/") else "")
    if "/" not in p:
        d = "." if p != "/" else "/"
    else:
        d = p.rsplit("/", 1)[0].rstrip("/") or "/"
    ctx.out(d + "\n")
    return 0


def egrep(ctx: Ctx) -> int:
    return grep(Ctx(["grep", "-E"] + ctx.args[1:], ctx.fds, ctx.env, ctx.shell))


def fgrep(ctx: Ctx) -> int:
    return grep(Ctx(["grep", "-F"] + ctx.args[1:], ctx.fds, ctx.env, ctx.shell))


APPLETS = {"egrep": egrep, "fgrep": fgrep, "echo": echo, "printf": printf, "cat": cat, "head": head, "tail": tail, "wc": wc,
           "sort": sort, "grep": grep, "sed": sed, "tr": tr, "tee": tee, "basename": basename,
           "dirname": dirname}
