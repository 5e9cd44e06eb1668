"""BuildKit's own parser (the `dockerfile` package, BuildKit v0.12.5 through C strings) as
the oracle, and the known places where that binding is not BuildKit.

Known binding faults (the simulator follows BuildKit's source there):
  NUL       the binding hands Go a C string, so the text ends at the first NUL byte;
            comparisons give both parsers the text cut there.
  NUL_OUT   strings come back as C strings too: a NUL that JSON decoding produces
            (`CMD ["a\u0000b"]`) cuts the value; BuildKit keeps it (its own
            testfiles/json/result). Such files are set aside.
  UTF8      invalid UTF-8 makes the binding raise a decode error; such inputs are
            compared only through the simulator's own (Go-faithful) path.
  ONB_FLAGS the binding reports the ONBUILD line's own flags and hides those of the
            wrapped instruction, which BuildKit keeps on the wrapped node; the simulator
            reports both (outer, then wrapped).
  ONB_HEREDOC the binding reads heredocs of the wrapped instruction only, so those of an
            ONBUILD line (which BuildKit attaches to the ONBUILD node) are missing, also
            from its `original`; the simulator reports them.
  CHECK     `# check=` is a parser directive since BuildKit 1.8 (frontend); v0.12.5 took it
            for a comment, which ended the directives. Only differs when `# check=`
            precedes `# escape=` or `# syntax=`.
  EMPTY_CMD an instruction whose keyword is empty (a file of lone continuation
            characters) is "" in BuildKit; the binding turns "" into None.
The binding's `cmd` is the keyword as written; the contract wants it upper case.
"""

from __future__ import annotations

import dockerfile

from simulator.parser import DockerfileSyntaxError, parse


class Incomparable(Exception):
    """The binding cannot answer for this input (one of its known faults)."""


def binding_parse(text: str):
    """(nodes as contract dicts, None) or (None, error message)."""
    text = text.split("\0", 1)[0]
    try:
        cmds = dockerfile.parse_string(text)
    except dockerfile.GoParseError as e:
        return None, str(e)
    except UnicodeDecodeError:  # UTF8: BuildKit produced bytes that are not UTF-8
        raise Incomparable("binding output is not UTF-8") from None
    out = []
    for c in cmds:
        if c.json and "\\u0000" in (c.original or ""):
            raise Incomparable("NUL_OUT: a JSON-decoded NUL is cut by the binding")
        out.append({
            "cmd": (c.cmd or "").upper(),
            "sub_cmd": c.sub_cmd.upper() if c.sub_cmd else None,
            "json": c.json,
            "original": c.original or "",
            "start_line": c.start_line,
            "end_line": c.end_line,
            "flags": list(c.flags),
            "value": list(c.value),
            "heredocs": [{"name": h.name, "content": h.content, "file_descriptor": h.file_descriptor}
                         for h in c.heredocs],
        })
    return out, None


def simulator_parse(text: str):
    text = text.split("\0", 1)[0]
    try:
        result = parse(text)
    except DockerfileSyntaxError as e:
        return None, e.message
    out = []
    for n in result.nodes:
        d = n.to_json()
        if n.child is not None:
            # ONB_FLAGS / ONB_HEREDOC: compare with what the binding can show
            d["flags"] = d["flags"][: len(d["flags"]) - len(n.child.flags)]
            if n.heredocs:
                d["heredocs"] = []
                d["original"] = d["original"].split("\n", 1)[0]
        out.append(d)
    return out, None


def is_comparable(text: str) -> bool:
    text = text.split("\0", 1)[0]
    lines = text.splitlines()
    if any(l.lstrip().lower().startswith("# check") or l.lstrip().lower().startswith("#check") for l in lines[:5]):
        return False  # CHECK
    return True
