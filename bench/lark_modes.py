"""Which Lark parser suits grammar/dockerfile.lark: LALR with the contextual or the basic
lexer, or Earley. Times only the grammar stage (the pre-pass is done first, untimed) on
the logical lines of the Dockerfiles in DIR (default: the corpus).

    python bench/lark_modes.py [DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import glob
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lark import Lark  # noqa: E402

from simulator.parser.gosemantics import trim_space  # noqa: E402
from simulator.parser.reader import _scan, grammar_text  # noqa: E402


def logical_texts(paths):
    out = []
    for path in paths:
        text = pathlib.Path(path).read_bytes().decode("utf-8", "surrogateescape")
        try:
            items, _d, _w, _p = _scan(text, path, True)
        except Exception:  # noqa: BLE001 - files the pre-pass rejects are not timed
            continue
        lines = [trim_space(i.line) for i in items]
        lines = [ln for ln in lines if ln and ln.isascii()]
        if lines:
            out.append("\n".join(lines))
    return out


def best_cpu(parser, texts, reps=3):
    best = float("inf")
    for _ in range(reps):
        t0 = time.process_time()
        for t in texts:
            parser.parse(t)
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?")
    ap.add_argument("--limit", type=int, default=800)
    ns = ap.parse_args()
    paths = sorted(glob.glob(f"{ns.dir}/*")) if ns.dir else sorted(glob.glob(str(ROOT / "corpus/*/Dockerfile")))
    texts = logical_texts(paths[: ns.limit])
    grammar = grammar_text("\\")
    for label, kwargs, sample in (("LALR + contextual lexer", dict(parser="lalr", lexer="contextual"), texts),
                                  ("LALR + basic lexer", dict(parser="lalr", lexer="basic"), texts),
                                  ("Earley (dynamic lexer)", dict(parser="earley", lexer="dynamic"), texts[:50])):
        parser = Lark(grammar, **kwargs)
        parser.parse(sample[0])
        secs = best_cpu(parser, sample, reps=3 if len(sample) > 50 else 1)
        print(f"{label:28s} {len(sample) / secs:10.0f} files/s (CPU, grammar stage only, {len(sample)} files)")


if __name__ == "__main__":
    main()
