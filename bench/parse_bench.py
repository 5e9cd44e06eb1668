"""Parser throughput: the simulator's parser against BuildKit's (binding) and dockerfile-parse.

    python bench/parse_bench.py [DIR] [--generated N] [--reps R] [--seed S]

File sets, each parsed by every contender:
  corpus     corpus/*/Dockerfile* of this repository
  DIR        every regular file in DIR, if given (e.g. a directory of real Dockerfiles)
  generated  N files drawn (deterministically) from tests/parser/strategies.py's dockerfile()
Contenders:
  sim.parse     simulator.parser.parse (pre-pass + grammar), in-process
  sim.cli       simulator.cli.parse_file (parse + instruction validation)
  binding       dockerfile.parse_string (BuildKit v0.12.5's Go parser through C)
  dfparse       dockerfile_parse.DockerfileParser (.content set, .structure read)
Each contender is warmed up first (the grammar compiles once per escape character), then
timed over the whole set R times with time.perf_counter, the parser's memo of parsed lines
(if any) emptied before every run; the best run is reported, with the
process CPU time of that run beside it (the wall clock suffers on a loaded machine). Errors
raised by a parser count as a parsed file (rejecting is parsing too). No engine needed.
"""

from __future__ import annotations

import argparse
import io
import pathlib
import sys
import time
import warnings

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "parser"))
sys.path.insert(0, str(ROOT))


def _corpus() -> list[bytes]:
    return [p.read_bytes() for p in sorted((ROOT / "corpus").glob("*/Dockerfile*")) if p.is_file()]


def _directory(d: pathlib.Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()]


def _generated(n: int, seed: int) -> list[bytes]:
    """n texts from the dockerfile() strategy, the same ones for the same seed and n.

    Draws through Hypothesis's ConjectureData with a seeded random (an internal API, but the
    only way to get the same files in every process); falls back to a seeded @given run,
    which is not exactly reproducible across processes, if that API has moved."""
    import random

    from strategies import dockerfile

    strategy = dockerfile()
    try:
        from hypothesis.internal.conjecture.data import ConjectureData

        rnd = random.Random(seed)
        out: list[str] = []
        attempts = 0
        while len(out) < n and attempts < 20 * n:
            attempts += 1
            data = ConjectureData(random=random.Random(rnd.getrandbits(64)))
            try:
                out.append(data.draw(strategy))
            except Exception:  # noqa: BLE001 -- an overrun draw: take the next one
                continue
        if len(out) == n:
            return [t.encode("utf-8", "surrogatepass") for t in out]
    except ImportError:
        pass
    return _generated_given(n, seed, strategy)


def _generated_given(n: int, seed: int, strategy) -> list[bytes]:
    from hypothesis import HealthCheck, Phase, given, seed as hseed, settings

    out: list[str] = []

    @hseed(seed)
    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(text):
        out.append(text)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        collect()
    return [t.encode("utf-8", "surrogatepass") for t in out[:n]]


# ---- contenders: each takes the file's bytes ---------------------------------------------

def _sim_parse():
    from simulator.parser import parse

    def run(data: bytes):
        return parse(data, "Dockerfile")
    return run


def _sim_cli():
    from simulator.cli import parse_file

    def run(data: bytes):
        return parse_file(data, "Dockerfile")
    return run


def _binding():
    import dockerfile

    def run(data: bytes):
        # a C string: the binding sees the text up to the first NUL
        return dockerfile.parse_string(data.split(b"\0", 1)[0].decode("utf-8", "replace"))
    return run


def _dfparse():
    from dockerfile_parse import DockerfileParser

    def run(data: bytes):
        p = DockerfileParser(fileobj=io.BytesIO())
        p.content = data.decode("utf-8", "replace")
        return p.structure
    return run


CONTENDERS = {"sim.parse": _sim_parse, "sim.cli": _sim_cli, "binding": _binding, "dfparse": _dfparse}


def _reset_memos() -> None:
    """Empty the parser's memo of parsed lines (if it has one), so that every timed run is a
    fresh bulk run over the set and the repetitions do not time cache hits of the previous
    run. Lines repeated within one set still hit it, as they would in real use."""
    reader = sys.modules.get("simulator.parser.reader")
    memo = getattr(reader, "_MEMO", None)
    if memo is not None:
        memo.clear()


class _NoMemo(dict):
    """Stands in for the parser's memo with --no-memo: never remembers anything."""

    def __setitem__(self, key, value):
        pass


def _disable_memo() -> bool:
    import simulator.parser.reader as reader

    if not hasattr(reader, "_MEMO"):
        return False
    reader._MEMO = _NoMemo()
    return True


def _time(fn, files: list[bytes], reps: int):
    """(best wall seconds, CPU seconds of that run, files that raised)."""
    best = None
    for _ in range(reps):
        _reset_memos()
        errors = 0
        c0, t0 = time.process_time(), time.perf_counter()
        for data in files:
            try:
                fn(data)
            except Exception:  # noqa: BLE001 -- rejecting a file is parsing it too
                errors += 1
        t1, c1 = time.perf_counter(), time.process_time()
        if best is None or t1 - t0 < best[0]:
            best = (t1 - t0, c1 - c0, errors)
    return best


def _warm_up(fns) -> None:
    samples = [b"FROM a\nRUN b\n", b"# escape=`\nFROM a\nRUN b `\n c\n", b"FROM a\nRUN <<EOF\nx\nEOF\n",
               b"FROM a\nCOPY --from=b [\"x\", \"y\"] /z\nENV a=b c=d\nONBUILD RUN x\n"]
    for fn in fns.values():
        for s in samples * 3:
            try:
                fn(s)
            except Exception:  # noqa: BLE001
                pass


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", type=pathlib.Path, help="a directory of Dockerfiles (e.g. real ones)")
    ap.add_argument("--generated", type=int, default=3000, metavar="N", help="generated files (default 3000)")
    ap.add_argument("--reps", type=int, default=3, metavar="R", help="timed runs per cell, best kept (default 3)")
    ap.add_argument("--seed", type=int, default=20261204, help="seed of the generated files")
    ap.add_argument("--no-memo", action="store_true", help="time the parser without its memo of parsed lines")
    ap.add_argument("--only", nargs="*", choices=list(CONTENDERS), help="contenders to time (default all)")
    ns = ap.parse_args(argv)

    sets: list[tuple[str, list[bytes]]] = [("corpus", _corpus())]
    if ns.dir is not None:
        sets.append((ns.dir.name or str(ns.dir), _directory(ns.dir)))
    if ns.generated > 0:
        t0 = time.perf_counter()
        gen = _generated(ns.generated, ns.seed)
        print(f"(generated {len(gen)} files in {time.perf_counter() - t0:.1f}s, seed {ns.seed})")
        sets.append(("generated", gen))

    names = ns.only or list(CONTENDERS)
    fns = {k: CONTENDERS[k]() for k in names}
    if ns.no_memo:
        print("(parser memo disabled)" if _disable_memo() else "(the parser has no memo)")
    _warm_up(fns)

    print(f"best of {ns.reps} runs; files/s by wall clock (perf_counter), CPU-time files/s in brackets; "
          f"err = files the parser rejected")
    header = f"{'set':<12}{'files':>7}{'KiB':>8}  " + "".join(f"{n:>22}" for n in names)
    if "sim.parse" in names:
        header += "".join(f"{'sim/' + o:>15}" for o in ("binding", "dfparse") if o in names)
    print(header)
    for set_name, files in sets:
        size = sum(map(len, files)) / 1024
        row = f"{set_name:<12}{len(files):>7}{size:>8.0f}  "
        rates = {}
        for n in names:
            wall, cpu, errors = _time(fns[n], files, ns.reps)
            rates[n] = len(files) / wall if wall else float("inf")
            cpu_rate = len(files) / cpu if cpu else float("inf")
            row += f"{rates[n]:>9.0f} [{cpu_rate:>6.0f}] e{errors:<4d}"
        if "sim.parse" in names:
            for o in ("binding", "dfparse"):
                if o in names:
                    row += f"{rates['sim.parse'] / rates[o]:>15.3f}"
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
