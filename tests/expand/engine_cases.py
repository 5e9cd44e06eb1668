"""Words whose expansion is recorded from a real engine (see record_engine.py).

Each case is built as a tiny Dockerfile on both builders. The word reaches the lexer
untouched through one of these forms:

- "env":     `ENV W <word>`  (the old `ENV key value` form hands the rest of the line to
             the lexer as one word; the result is `W=...` in Config.Env)
- "label":   `LABEL w=<word>` (word without unquoted blanks; result in Config.Labels)
- "expose":  `EXPOSE <word>`  (ProcessWords: one word may give several ports)
- "workdir": `WORKDIR <word>` (result in Config.WorkingDir; words give absolute clean paths)

The variables come from SETUP lines before it; the environment the lexer saw is the one
the engine recorded for the setup alone (so no quoting of mine enters the expectations).
"""

from __future__ import annotations

#: Setup ENV lines (Dockerfile text). U is never set.
SETUP = [
    "ENV A=hello",
    "ENV E=",
    "ENV F=file.tar.gz",
    "ENV P=/usr/local/bin:/usr/bin",
    "ENV S='a  b c'",
    "ENV Q=\"it's\"",
    "ENV D='$x'",
    "ENV B='back\\slash'",
    "ENV PORTS='80 443/udp'",
    "ENV NEEDLE='\\*/'",
    "ENV G='/foo*/*/*.txt'",
    "ENV AB=joined",
]

#: (form, word) for the default escape character `\`.
WORDS: list[tuple[str, str]] = [
    # plain words, names and positions
    ("env", "plain"),
    ("env", "$A"),
    ("env", "${A}"),
    ("env", "$A$A"),
    ("env", "${A}x"),
    ("env", "$Ax"),
    ("env", "$A.$A"),
    ("env", "$A_x"),
    ("env", "$AB"),
    ("env", "${A}B"),
    ("env", "a${U}b"),
    ("env", "$U"),
    ("env", "x$"),
    ("env", "$ x"),
    ("env", "$$"),
    ("env", "$1x"),
    ("env", "${1:-one}"),
    ("env", "$@x"),
    ("env", "$#x"),
    ("env", "${#}"),
    ("env", "$0x"),
    ("env", "$.x"),
    ("env", "$é"),
    ("env", "${é:-uni}"),
    ("env", "${A}}"),
    ("env", "{$A}"),
    # values with special characters are inserted literally
    ("env", "${S}"),
    ("env", "${Q}"),
    ("env", "${D}"),
    ("env", "${B}"),
    # :- :+ :?
    ("env", "${A:-x}"),
    ("env", "${E:-x}"),
    ("env", "${U:-x}"),
    ("env", "${U:-}"),
    ("env", "${A:+x}"),
    ("env", "${E:+x}"),
    ("env", "${U:+x}"),
    ("env", "${A:?x}"),
    ("env", "${E:?}"),
    ("env", "${E:?custom message}"),
    ("env", "${U:?}"),
    ("env", "${U:?no $A here}"),
    # colon-less forms (1.1.6 has only ?)
    ("env", "${A?x}"),
    ("env", "${E?x}"),
    ("env", "${U?}"),
    ("env", "${U?gone}"),
    ("env", "${A-x}"),
    ("env", "${E-x}"),
    ("env", "${U-x}"),
    ("env", "${A+x}"),
    ("env", "${U+x}"),
    # nesting
    ("env", "${U:-$A}"),
    ("env", "${U:-${E:-deep}}"),
    ("env", "${A:+${A}${A}}"),
    ("env", "${U:-a b}"),
    ("env", "${U:-\"a b\"}"),
    ("env", "${U:-'a b'}"),
    ("env", "${U:-\\}x}"),
    ("env", "${U:-\\$A}"),
    ("env", "${U:-x}}"),
    # trimming and substitution (1.7)
    ("env", "${A#he}"),
    ("env", "${F%.*}"),
    ("env", "${F%%.*}"),
    ("env", "${F#*.}"),
    ("env", "${F##*.}"),
    ("env", "${P/usr/opt}"),
    ("env", "${P//usr/opt}"),
    ("env", "${G//$NEEDLE/.}"),
    ("env", "${A:#h}"),
    ("env", "${A:%o}"),
    # unsupported modifiers and syntax errors
    ("env", "${A:=x}"),
    ("env", "${A=x}"),
    ("env", "${#A}"),
    ("env", "${A:0:2}"),
    ("env", "${A:1}"),
    ("env", "${A^^}"),
    ("env", "${A"),
    ("env", "${A:-x"),
    ("env", "${"),
    ("env", "${}"),
    ("env", "${:-x}"),
    ("env", "${{A}"),
    ("env", "${.}"),
    ("env", "${A:}"),
    ("env", "${A:}x}"),
    ("env", "${A!}"),
    # quotes
    ("env", "'$A'"),
    ("env", "\"$A\""),
    ("env", "\"'$A'\""),
    ("env", "'\"$A\"'"),
    ("env", "he'll'o"),
    ("env", "\"a\\\"b\""),
    ("env", "\"a\\$A\""),
    ("env", "\"a\\\\b\""),
    ("env", "\"a\\b\""),
    ("env", "'a\\b'"),
    ("env", "'a\\'"),
    ("env", "\"${A:-\"q\"}\""),
    ("env", "\"${U:-a'b}\""),
    ("env", "'unterminated"),
    ("env", "\"unterminated"),
    ("env", "a\"b c\"d"),
    ("env", "a 'b  c' d"),
    ("env", "\"\""),
    ("env", "''"),
    # the escape character outside quotes
    ("env", "a\\b"),
    ("env", "\\$A"),
    ("env", "\\\\$A"),
    ("env", "\\'x"),
    ("env", "\\\"x"),
    ("env", "a\\ b"),
    ("env", "\\${A}"),
    ("env", "$\\A"),
    # more edge cases: error precedence, quotes inside ${...}, special parameters, unicode
    ("env", "${U:-${U:?inner}}"),
    ("env", "${U:-${U:?inner}"),
    ("env", "\"${U:?in quotes}\""),
    ("env", "${A:-'}'}"),
    ("env", "${U:-'}'}"),
    ("env", "${U:-\"}\"}"),
    ("env", "${A:?\"}\"}"),
    ("env", "$A\"$A\"'$A'"),
    ("env", "a\\\\b"),
    ("env", "$\u0661x"),
    ("env", "${\u0661:-d}"),
    ("env", "$\u00c0B"),
    ("env", "${A}$"),
    ("env", "${A:-a}b}"),
    ("env", "'${A:-x}'"),
    ("env", "\"${A:+\"in\"}\""),
    ("env", "${A:+'x y'}"),
    ("env", "${U:-\\'}"),
    ("env", "a\tb$A"),
    ("env", "$A:$A"),
    ("env", "${A}${E}${U}x"),
    ("env", "${E:-${A:+yes}}"),
    ("env", "$$A"),
    ("env", "$!A"),
    ("env", "$-A"),
    ("env", "$*A"),
    ("env", "$?A"),
    ("env", "${$}"),
    ("env", "${@:-z}"),
    ("env", "${A:-x}${"),
    ("env", "${A:-x}${U"),
    ("env", "\u00a0$A\u00a0"),
    ("expose", "${U:-80}"),
    ("expose", "\"80\""),
    ("expose", "'81'/udp"),
    ("expose", "${U:-8\u00a01}"),
    ("label", "\"a b\"c"),
    ("label", "${U:-'a b'}"),
    # LABEL k=v form: the word is what follows the first '='
    ("label", "${A:-x}"),
    ("label", "\"${S} y\""),
    ("label", "${U:-a\\ b}"),
    ("label", "'$A'\"$A\"$A"),
    ("label", "x=${A}=y"),
    ("label", "${U:?needed}"),
    ("label", "${A-x}"),
    # EXPOSE: field splitting
    ("expose", "${PORTS}"),
    ("expose", "1${PORTS}"),
    ("expose", "\"${PORTS}\""),
    ("expose", "1${U:-80 443}"),
    ("expose", "8${U:-0}80"),
    ("expose", "${U:-81}/udp"),
    ("expose", "${U-82}"),
    # WORKDIR
    ("workdir", "/w/${A}"),
    ("workdir", "/w/${U:-dflt}"),
    ("workdir", "/w/'q  q'"),
    ("workdir", "/w/${A:?}"),
]

#: (form, word) under `# escape=\``: the backtick escapes, `\` is plain text.
BACKTICK_WORDS: list[tuple[str, str]] = [
    ("env", "a\\b"),
    ("env", "C:\\dir\\$A"),
    ("env", "`$A"),
    ("env", "``$A"),
    ("env", "a`b"),
    ("env", "\"a`\"b\""),
    ("env", "\"a`$A\""),
    ("env", "\"a\\$A\""),
    ("env", "\"a``b\""),
    ("env", "\"a`b\""),
    ("env", "${U:-`}x}"),
    ("env", "'a`b'"),
]


def dockerfile(form: str, word: str, escape: str = "\\") -> str:
    """The Dockerfile text that hands `word` to the lexer through `form`."""
    lines = []
    if escape == "`":
        lines.append("# escape=`")
    lines.append("FROM scratch")
    lines += SETUP
    lines.append({"env": "ENV W {}", "label": "LABEL w={}", "expose": "EXPOSE {}",
                  "workdir": "WORKDIR {}"}[form].format(word))
    return "\n".join(lines) + "\n"


def setup_dockerfile(escape: str = "\\") -> str:
    lines = (["# escape=`"] if escape == "`" else []) + ["FROM scratch"] + SETUP
    return "\n".join(lines) + "\n"


def all_cases() -> list[tuple[str, str, str]]:
    """(escape, form, word) for every recorded case."""
    return [("\\", f, w) for f, w in WORDS] + [("`", f, w) for f, w in BACKTICK_WORDS]
