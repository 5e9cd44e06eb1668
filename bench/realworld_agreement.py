"""Agreement of the simulator's parser with BuildKit's own on a directory of real Dockerfiles.

    python bench/realworld_agreement.py DIR [-v]

Every regular file in DIR is parsed by both parsers through tests/parser/binding.py
(BuildKit v0.12.5's parser through the `dockerfile` binding, with the binding's known
faults set aside exactly as the parser tests do). Prints the totals, the agreement
percentage over the comparable files, why files were not comparable, and for each
disagreeing file the first differing instruction (field, expected, got). No engine needed.
"""

from __future__ import annotations

import argparse
import collections
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "parser"))
sys.path.insert(0, str(ROOT))

from binding import Incomparable, binding_parse, is_comparable, simulator_parse  # noqa: E402

FIELDS = ("cmd", "sub_cmd", "json", "original", "start_line", "end_line", "flags", "value", "heredocs")


def _short(v, width: int = 100) -> str:
    s = repr(v)
    return s if len(s) <= width else s[: width - 3] + "..."


def _cut(v):
    if isinstance(v, str):
        return v.split("\0", 1)[0]
    if isinstance(v, list):
        return [_cut(x) for x in v]
    if isinstance(v, dict):
        return {k: _cut(x) for k, x in v.items()}
    return v


def _nul_out(expected: dict, got: dict) -> bool:
    """The binding passes strings back to Python as C strings too: a NUL that BuildKit
    decodes from JSON (\\u0000) ends the string there. Not in binding.py's list (yet)."""
    cut = _cut(got)
    return cut != got and cut == expected


def compare(text: str):
    """('agree'|'disagree'|'incomparable', detail). detail: reason or first difference."""
    if not is_comparable(text):
        return "incomparable", "CHECK: `# check=` among the first lines (a directive since BuildKit 1.8)"
    try:
        expected, expected_err = binding_parse(text)
    except Incomparable as e:
        return "incomparable", f"binding: {e}"
    except Exception as e:  # the binding itself failing is not the simulator's fault
        return "incomparable", f"binding raised {type(e).__name__}: {e}"
    try:
        got, got_err = simulator_parse(text)
    except Exception as e:  # a traceback is always a simulator bug
        return "disagree", ("crash", "-", f"{type(e).__name__}: {e}", None)
    if expected is None and got is None:
        if expected_err == got_err:
            return "agree", "both reject"
        return "disagree", ("error message", "-", expected_err, got_err)
    if expected is None:
        return "disagree", ("accepts what BuildKit rejects", "-", expected_err, f"{len(got)} nodes")
    if got is None:
        return "disagree", ("rejects what BuildKit accepts", "-", f"{len(expected)} nodes", got_err)
    for i, (e, g) in enumerate(zip(expected, got)):
        if e != g:
            if _nul_out(e, g):
                return "incomparable", ("NUL_OUT: a value holds NUL (JSON \\u0000); the binding's C strings "
                                        "cut it there (BuildKit's testfiles/json/result keeps it)")
            for f in FIELDS:
                if e.get(f) != g.get(f):
                    where = f"node {i} ({e.get('cmd')}, line {e.get('start_line')})"
                    return "disagree", (f, where, e.get(f), g.get(f))
            return "disagree", ("other key", f"node {i}", e, g)
    if len(expected) != len(got):
        return "disagree", ("node count", "-", len(expected), len(got))
    return "agree", None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=pathlib.Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every incomparable file too")
    ns = ap.parse_args(argv)
    files = sorted(p for p in ns.dir.iterdir() if p.is_file())
    counts = collections.Counter()
    why_incomparable = collections.Counter()
    disagreements = []
    for p in files:
        data = p.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # UTF8: the binding cannot answer for invalid UTF-8
            counts["incomparable"] += 1
            why_incomparable["UTF8: file is not valid UTF-8"] += 1
            continue
        verdict, detail = compare(text)
        counts[verdict] += 1
        if verdict == "incomparable":
            why_incomparable[detail] += 1
            if ns.verbose:
                print(f"incomparable {p.name}: {detail}")
        elif verdict == "agree" and detail:
            counts["both reject"] += 1
        elif verdict == "disagree":
            disagreements.append((p.name, detail))

    comparable = counts["agree"] + counts["disagree"]
    pct = 100.0 * counts["agree"] / comparable if comparable else 0.0
    print(f"files total        {len(files)}")
    print(f"incomparable       {counts['incomparable']}")
    for why, n in why_incomparable.most_common():
        print(f"    {n:5d}  {why}")
    print(f"comparable         {comparable}")
    print(f"agreeing           {counts['agree']} (of which both reject, same message: {counts['both reject']})")
    print(f"disagreeing        {counts['disagree']}")
    print(f"agreement          {pct:.2f}% (outside the binding's known faults)")
    if disagreements:
        by_field = collections.Counter(d[0] for _, d in disagreements)
        print("\ndisagreements by first differing field: "
              + ", ".join(f"{f}={n}" for f, n in by_field.most_common()))
        for name, (field, where, exp, got) in disagreements:
            print(f"\n{name}: {field} at {where}")
            print(f"    expected {_short(exp)}")
            print(f"    got      {_short(got)}")
    return 0 if not disagreements else 1


if __name__ == "__main__":
    sys.exit(main())
