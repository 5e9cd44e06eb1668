"""Every recorded corpus case, both builders: layers and runs against the real engine.

Expected values are the engine's (corpus/NAME/expected/20.10-BUILDER.json, written by the
recorder from `docker save` layer tars and real `docker run`s). Asserted per case:
  - the image `.Size` and, for every layer the simulator claims to know, its files
    (paths, types, modes, owners, sizes, content digests, link targets);
  - each recorded run's stdout and exit code.
A fact the simulator reports as unknown is xfailed with its reason (listed below), never
skipped and never passed.
"""

from __future__ import annotations

import pytest

from simulator.oracle.compare import compare_case
from simulator.oracle.record import all_cases

ENGINE = "20.10"

#: (case, builder) -> why the simulator cannot know the recorded fact yet.
PENDING: dict[tuple[str, str], str] = {}


def _params(needs_runs: bool):
    out = []
    for case in all_cases():
        if case.parse_only:
            continue
        for builder in case.builders:
            expected = case.load_expected(ENGINE, builder)
            if expected is None or not expected["build"]["ok"]:
                continue
            if needs_runs and not expected.get("runs"):
                continue
            marks = ()
            if (case.name, builder) in PENDING:
                marks = pytest.mark.xfail(reason="pending: " + PENDING[(case.name, builder)], strict=False)
            out.append(pytest.param(case, builder, id=f"{case.name}-{builder}", marks=marks))
    return out


def _report(mismatches) -> str:
    return "\n".join(f"{m.category} {m.field}: engine {m.expected!r} / simulator {m.actual!r}" for m in mismatches)


@pytest.mark.parametrize("case,builder", _params(needs_runs=False))
def test_layers_and_size(case, builder):
    mismatches = compare_case(case.path, builder, ("size", "layer_files"), ENGINE)
    assert not mismatches, _report(mismatches)


@pytest.mark.parametrize("case,builder", _params(needs_runs=True))
def test_runs(case, builder):
    mismatches = compare_case(case.path, builder, ("run_stdout", "run_exit_code"), ENGINE)
    assert not mismatches, _report(mismatches)
