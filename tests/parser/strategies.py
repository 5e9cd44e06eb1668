"""Hypothesis strategies: Dockerfiles mixing every instruction, flags, quoting, JSON
forms, continuations with comments and blank lines, heredocs and both escape characters."""

from __future__ import annotations

from hypothesis import strategies as st

KEYWORDS = ["FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY",
            "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL",
            "HEALTHCHECK", "SHELL"]

keyword = st.one_of(
    st.sampled_from(KEYWORDS),
    st.sampled_from(KEYWORDS).map(str.lower),
    st.sampled_from(KEYWORDS).map(str.title),
    st.sampled_from(["ONBUILD RUN", "ONBUILD COPY", "ONBUILD ADD", "ONBUILD ENV", "ONBUILD ONBUILD",
                     "HEALTHCHECK CMD", "HEALTHCHECK NONE", "FOO", "onbuild  label"]),
)

flag = st.one_of(
    st.sampled_from(["--from=build", "--chown=1000:1000", "--chmod=755", "--link", "--mount=type=cache,target=/c",
                     "--network=none", "--interval=5s", "--platform=$BUILDPLATFORM", "--", "--x=\"a b\"",
                     "--y='c d'", "--z=a\\ b", "--keep-git-dir", "--checksum=sha256:abc", "--exclude=*.md"]),
    st.from_regex(r"--[a-z]{1,6}(=[a-z0-9/:,]{0,8})?", fullmatch=True),
)

atom = st.one_of(
    st.sampled_from(["a", "b=c", "x y", "\"q u\"", "'s q'", "$v", "${v}", "${v:-w}", "${v:+w}", "${v?x}",
                     "${v#p}", "${v%%s}", "${v/a/b}", "=", "==", "a=", "=b", "\"a=b c\"", "a='b c'",
                     "\\$x", "\\\"", "\\'", "[", "]", ",", "#", "# not a comment", "&&", "|", ";",
                     "é", "日本", "\u00a0", "\t", "  ", "CMD", "NONE", "AS", "as", "80/udp", "8000-8010",
                     "\\\\", "`", "``", "[\"a\"", "[1]", "[]", "[ ]", "[\"a\", \"b\"]", "[\"a\" \"b\"]",
                     "[\"\\u00e9\", \"x\\ty\"]", "['a']", "{\"a\": 1}", "[\"a\"] tail", "[\"a\",]",
                     "<<EOF", "<<-EOF", "<<'EOF'", "<<\"EOF\"", "2<<X", "<<E\"O\"F", "<< EOF", "<<EOF<<X"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\x00"), max_size=6),
)

continuation = st.sampled_from(["\\\n", "\\  \n", "`\n", "\\\n\n", "\\\n# comment\n", "\\\n   # c\n", "\\\n \t\n",
                                "\\\r\n", "\\\\\n"])


@st.composite
def instruction(draw):
    kw = draw(keyword)
    parts = [kw]
    for f in draw(st.lists(flag, max_size=2)):
        parts.append(" " + f)
    for _ in range(draw(st.integers(0, 6))):
        sep = draw(st.sampled_from([" ", " ", "  ", "\t", ""]))
        piece = draw(st.one_of(atom, continuation)) if draw(st.integers(0, 9)) == 0 else draw(atom)
        parts.append(sep + piece)
    line = "".join(parts)
    trailer = draw(st.sampled_from(["", "", " ", "\t", " \\", "\\"]))
    line += trailer
    body = []
    if "<<" in line and draw(st.booleans()):
        for _ in range(draw(st.integers(0, 3))):
            body.append(draw(st.sampled_from(["echo hi", "\techo tab", "$x ${y}", "", "  indented", "#not comment"])))
        body.append(draw(st.sampled_from(["EOF", "\tEOF", "X", "EOF ", "EOF", "E\"O\"F"])))
    return "\n".join([line] + body)


@st.composite
def dockerfile(draw):
    lines = []
    if draw(st.integers(0, 4)) == 0:
        for _ in range(draw(st.integers(1, 3))):
            lines.append(draw(st.sampled_from(["# escape=`", "# escape=\\", "# syntax=docker/dockerfile:1",
                                               "#escape = `", " # escape=`", "# escape=x", "# unknown=1",
                                               "# escape=`", "#syntax=a"])))
    for _ in range(draw(st.integers(1, 8))):
        lines.append(draw(instruction()))
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(st.sampled_from(["", "   ", "# comment", "\t# indented comment", "#"])))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    text = newline.join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    return text
