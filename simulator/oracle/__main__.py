"""`python -m simulator.oracle images|record|compare|verify ...`"""

from __future__ import annotations

import sys

USAGE = """usage: python -m simulator.oracle COMMAND [ARGS]

commands:
  images [--no-load] [--dir DIR]   (re)write the base-image tarballs and docker-load them
  record [CASE...]                 build each corpus case for real, write expected/*.json
  compare [CASE...]                report simulator vs recorded facts, per category
  verify [CONTEXT] [OPTIONS]       build for real and simulate; print differing fields
"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0 if argv else 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "images":
        from simulator.oracle.baseimage import main as run
    elif cmd == "record":
        from simulator.oracle.record import main as run
    elif cmd == "compare":
        from simulator.oracle.compare import main as run
    elif cmd == "verify":
        from simulator.oracle.verify import main as run
    else:
        print(f"unknown command {cmd!r}\n{USAGE}", end="", file=sys.stderr)
        return 2
    return run(rest)


if __name__ == "__main__":
    raise SystemExit(main())
