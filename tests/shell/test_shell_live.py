"""Property test against the real busybox ash: random scripts from the supported subset
(quoting, expansions and their modifiers, splitting, positional parameters, lists, control
flow, redirections to files then cat, here-documents, arithmetic, command substitution)
run with `sh -c SCRIPT arg0 args...` in a dsim/busybox:1.35 container and in the shell
model; stdout, stderr and exit status must agree.

Scripts are batched: one container runs BATCH scripts, each in its own fresh directory
/tmp/wN, and sends the results back as a tar stream. >= 100 scripts per session
(DSIM_SHELL_LIVE_BATCHES x BATCH)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from engine_fs import IMAGE, PATH, container_fs  # noqa: E402

from simulator.shell import execute  # noqa: E402

pytestmark = pytest.mark.engine

DOCKER = "/usr/bin/docker"
BATCH = 10
BATCHES = int(os.environ.get("DSIM_SHELL_LIVE_BATCHES", "12"))
ARGS = ["arg0", "p1", "p 2", ""]
STATS = {"scripts": 0, "agree": 0}

# ---- the script generator -------------------------------------------------------------
VARS = ["v", "w", "IFS"]
plain = st.text(alphabet="abcxyz019_.-/", min_size=1, max_size=5)
spaced = st.text(alphabet="ab c*:-", min_size=0, max_size=6)
pat = st.sampled_from(["a", "*", "?", "a*", "*c", "[ab]", "[!a]*", "\\*", "'*'", "b*c"])
name = st.sampled_from(["v", "w", "u"])  # u is never set
pos = st.sampled_from(["1", "2", "3", "#", "@", "*", "0"])


@st.composite
def param(draw):
    n = draw(st.one_of(name, pos))
    kind = draw(st.sampled_from(["plain", "brace", "mod", "pat", "len"]))
    if kind == "plain":
        return "$" + n
    if kind == "brace" or n in ("@", "*", "#"):
        return "${" + n + "}"
    if kind == "len":
        return "${#" + n + "}"
    if kind == "mod":
        op = draw(st.sampled_from([":-", "-", ":+", "+", ":=", "="]))
        if op in (":=", "=") and n.isdigit():
            op = ":-"
        return "${" + n + op + draw(st.one_of(plain, st.just('"q r"'), st.just("$v"))) + "}"
    op = draw(st.sampled_from(["#", "##", "%", "%%", "/", "//"]))
    if op.startswith("/"):
        # busybox 1.35 ash never returns from ${v//*/r} (and similar patterns matching the
        # empty string) on some values: such patterns are left out
        p = draw(pat.filter(lambda x: x not in ("*", "'*'") and not x.startswith("*")))
        return "${" + n + op + p + "/" + draw(plain) + "}"
    return "${" + n + op + draw(pat) + "}"


@st.composite
def word(draw):
    parts = draw(st.lists(st.one_of(
        plain,
        spaced.map(lambda s: "'" + s + "'"),
        st.lists(st.one_of(spaced.filter(lambda s: "*" not in s), param()), max_size=3).map(
            lambda ps: '"' + "".join(ps) + '"'),
        param(),
        st.sampled_from(["\\$v", "\\*", "$(echo sub)", "`echo bq`", "$((1+2))", "*", "f?"]),
    ), min_size=1, max_size=3))
    return "".join(parts)


words = st.lists(word(), min_size=1, max_size=4).map(" ".join)
cond = st.one_of(
    st.tuples(word(), st.sampled_from(["=", "!="]), word()).map(lambda t: f'[ {t[0]} {t[1]} {t[2]} ]'),
    st.tuples(st.sampled_from(["-n", "-z", "-f", "-d", "-e"]), word()).map(lambda t: f'[ {t[0]} "{t[1]}" ]'),
    st.sampled_from(["true", "false", "[ -f f1 ]", "grep -q a f1", "test $# -gt 1"]),
)


@st.composite
def statement(draw, depth=0):
    kinds = ["assign", "echo", "printf", "redir", "append", "cat", "set", "andor", "status",
             "arith", "subst", "heredoc", "export", "ifs", "unset", "tool"]
    if depth < 2:
        kinds += ["if", "case", "for", "group"]
    k = draw(st.sampled_from(kinds))
    if k == "assign":
        return f"{draw(st.sampled_from(['v', 'w']))}={draw(word())}"
    if k == "echo":
        return f"echo {draw(words)}"
    if k == "printf":
        return f"printf '%s|' {draw(words)}; echo"
    if k == "redir":
        return f"echo {draw(words)} > {draw(st.sampled_from(['f1', 'f2']))}"
    if k == "append":
        return f"printf '%s\\n' {draw(words)} >> {draw(st.sampled_from(['f1', 'f2']))}"
    if k == "cat":
        return draw(st.sampled_from(["cat f1", "cat f1 f2", "cat < f2", "wc -l f1", "sort f1",
                                     "cat nofile", "ls"]))
    if k == "set":
        return f"set -- {draw(words)}"
    if k == "andor":
        return f"{draw(cond)} && echo {draw(word())} || echo {draw(word())}"
    if k == "status":
        return draw(st.sampled_from(["false; echo $?", "true; echo $?", "! true; echo $?",
                                     "nosuch 2>/dev/null; echo $?", "(exit 5); echo $?"]))
    if k == "arith":
        a, b = draw(st.integers(-9, 99)), draw(st.integers(1, 9))
        op = draw(st.sampled_from(["+", "-", "*", "/", "%", "<", "==", "&&"]))
        return f"echo $(({a} {op} {b}))"
    if k == "subst":
        return f"v=$(echo {draw(words)}); echo \"[$v]\""
    if k == "heredoc":
        q = draw(st.sampled_from(["EOF", "'EOF'"]))
        return f"cat <<{q}\n{draw(words)}\n$v ${{w:-d}}\nEOF"
    if k == "export":
        return "export v; sh -c 'echo \"child:${v-unset}\"'"
    if k == "ifs":
        return "IFS=" + draw(st.sampled_from([":", '"a "', '""', "c"]))
    if k == "unset":
        return f"unset {draw(st.sampled_from(['v', 'w', 'IFS']))}"
    if k == "tool":
        return draw(st.sampled_from(["basename $v", "dirname \"$w\"", "echo \"$v\" | tr a-c A-C",
                                     "echo \"$v$w\" | wc -c", "echo \"$v\" | grep -c a",
                                     "echo \"$w\" | sed 's/a/X/g'", "printf '%s\\n' $v | sort",
                                     "seq 3 | tail -n 1", "echo \"$v\" | cut -c1-2",
                                     "printf '%s\\n' $v $v | uniq -c", "expr length \"$v\"",
                                     "find . | sort", "ls -a", "find . -type f | sort | xargs cat",
                                     "stat -c '%a %F %n' f1 f2", "test -s f1; echo $?"]))
    if k == "if":
        return f"if {draw(cond)}; then {draw(statement(depth + 1))}; else {draw(statement(depth + 1))}; fi"
    if k == "case":
        return (f"case {draw(word())} in {draw(pat)}) echo m1;; {draw(pat)}|{draw(plain)}) echo m2;; "
                f"*) echo other;; esac")
    if k == "for":
        return f"for i in {draw(words)}; do echo \"<$i>\"; done"
    return "{ " + draw(statement(depth + 1)) + "; echo g; } > f2; cat f2"


scripts = st.lists(statement(), min_size=1, max_size=6).map("\n".join)


# ---- both sides ---------------------------------------------------------------------------
DRIVER = """
i=0
while [ $i -lt {n} ]; do
  mkdir /tmp/w$i && cd /tmp/w$i
  eval "s=\\$__S$i"
  sh -c "$s" {args} >/out/o$i 2>/out/e$i </dev/null
  echo $? >/out/r$i
  i=$((i+1))
done
cd /out && tar cf - .
"""


def _q(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


def engine_batch(batch: list[str]) -> list[dict]:
    driver = "mkdir /out\n" + DRIVER.format(n=len(batch), args=" ".join(_q(a) for a in ARGS))
    cmd = [DOCKER, "run", "--rm", "--network", "none", "--pull", "never"]
    for i, s in enumerate(batch):
        cmd += ["-e", f"__S{i}={s}"]
    cmd += [IMAGE, "sh", "-c", driver]
    name = f"shell-live-{uuid.uuid4().hex[:12]}"
    cmd[2:2] = ["--name", name]
    try:
        res = subprocess.run(cmd, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        subprocess.run([DOCKER, "kill", name], capture_output=True)
        raise
    assert res.returncode == 0, res.stderr.decode()
    files = {}
    with tarfile.open(fileobj=io.BytesIO(res.stdout)) as t:
        for m in t.getmembers():
            if m.isfile():
                files[m.name.lstrip("./")] = t.extractfile(m).read().decode("utf-8", "surrogateescape")
    return [{"stdout": files[f"o{i}"], "stderr": files[f"e{i}"], "exit_code": int(files[f"r{i}"])}
            for i in range(len(batch))]


def simulate(i: int, script: str, batch: list[str]) -> dict:
    fs = container_fs()
    fs.mkdir("/out", 0o755)
    fs.mkdir(f"/tmp/w{i}", 0o755)
    env = {"PATH": PATH, "HOSTNAME": "0123456789ab", "HOME": "/root", "SHLVL": "1",
           "PWD": f"/tmp/w{i}"}
    env.update({f"__S{k}": s for k, s in enumerate(batch)})
    res = execute(["sh", "-c", script, *ARGS], env=env, fs=fs, workdir=f"/tmp/w{i}", runtime="container")
    return {"stdout": res.stdout, "stderr": res.stderr, "exit_code": res.exit_code}


@pytest.fixture(scope="module")
def live(engine):
    yield engine
    print(f"\nshell live agreement: {STATS['agree']}/{STATS['scripts']} scripts")


@settings(max_examples=BATCHES, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(batch=st.lists(scripts, min_size=BATCH, max_size=BATCH))
def test_shell_agrees_with_busybox(live, batch):
    want = engine_batch(batch)
    failures = []
    for i, (script, w) in enumerate(zip(batch, want)):
        got = simulate(i, script, batch)
        STATS["scripts"] += 1
        if got == w:
            STATS["agree"] += 1
        else:
            failures.append(f"--- script:\n{script}\n--- engine: {w}\n--- simulator: {got}")
    assert not failures, "\n\n".join(failures)
