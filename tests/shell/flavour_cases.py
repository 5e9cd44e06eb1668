"""Scripts whose output differs between busybox ash, dash and bash, recorded from the real
dash 0.5.12 and bash 5.2 of Debian bookworm (the /bin/sh and bash of debian:bookworm
images) by record_flavours.py. Each runs as `SHELL -c SCRIPT zz` in an empty directory."""

FLAVOUR_CASES = [
    ("echo-escapes", 'echo "a\\tb|a\\nb"'),
    ("echo-e", 'echo -e "x\\ty"; echo -n n; echo'),
    ("echo-E", 'echo -E "x\\ty"'),
    ("not-found", "true\nnosuch\necho $?"),
    ("not-found-first-line", "nosuch"),
    ("substring", "x=abcdef; echo ${x:1:2}"),
    ("replace", "x=abc; echo ${x/b/B}"),
    ("unset-error", 'echo ${y?no y}; echo after'),
    ("cd-missing", "cd /nonexistent; echo $?"),
    ("dollar-dash", 'echo "[$-]"'),
    ("quoting", "x='a  b'; echo $x \"$x\" '$x'"),
    ("arith", "echo $((7/2)) $((1<2)) $((-7%3))"),
    ("positional", 'echo "$0|$1|$#"'),
    ("status", "false; echo $?; ! false; echo $?"),
    ("printf", 'printf "%s-%d|%5s\\n" a 3 r'),
    ("exit", "echo x; exit 4"),
]
