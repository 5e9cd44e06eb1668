"""Every recorded corpus case, both builders: the simulated build against the real one.

Expected values are the engine's own (corpus/NAME/expected/20.10-BUILDER.json, written by
the recorder from real builds). Asserted: outcome, the error line, every contract config
key, the layer count, every history row (created_by, empty_layer) and the warnings. A case whose facts
depend on something the simulator reports as unknown (an unmodelled RUN, a layer whose
content it cannot know) is xfailed with the simulator's own reason -- never skipped.
"""

from __future__ import annotations

import pytest

from simulator.build import BuildOptions, build
from simulator.oracle.engine import CONFIG_KEYS
from simulator.oracle.record import all_cases, context_copy, find_case

ENGINE = "20.10"

#: Recorded facts the simulator cannot know yet, by (case, builder), with the reason.
PENDING: dict = {}  # (case, builder) -> why a recorded fact is not matched yet (none now)
_STRING_KEYS = {"WorkingDir", "User", "StopSignal"}


def _cases():
    out = []
    for case in all_cases():
        if case.parse_only:
            continue
        for builder in case.builders:
            if case.load_expected(ENGINE, builder) is not None:
                marks = ()
                if (case.name, builder) in PENDING:
                    marks = pytest.mark.xfail(reason="pending: " + PENDING[(case.name, builder)], strict=False)
                out.append(pytest.param(case, builder, id=f"{case.name}-{builder}", marks=marks))
    return out


def _norm(key, v):
    if key in _STRING_KEYS and v == "":
        return None
    return v


@pytest.fixture(scope="module")
def base_images():
    from simulator.oracle.baseimage import base_image_paths

    return base_image_paths()


def _simulate(case, builder, base_images, host_names=None):
    host_names = host_names or case.host_names(ENGINE, builder)
    images = {}
    if case.spec.get("parent"):  # ONBUILD: the parent case is built first and tagged
        parent = _simulate(find_case(case.spec["parent"]), builder, base_images, host_names)
        assert parent.ok, f"parent {case.spec['parent']} failed: {parent.error}"
        images[case.spec["parent_tag"]] = parent.image
    with context_copy(case) as ctx:
        return build(BuildOptions(context=str(ctx), dockerfile=case.dockerfile, build_args=case.build_args,
                                  build_env=case.build_env, target=case.target, platform=case.platform,
                                  builder=builder,
                                  engine=ENGINE, base_images=base_images, images=images,
                                  host_names=host_names))


@pytest.mark.parametrize("case,builder", _cases())
def test_corpus_case(case, builder, base_images):
    expected = case.load_expected(ENGINE, builder)["build"]
    res = _simulate(case, builder, base_images)
    assert res.ok == bool(expected["ok"]), (res.error, expected.get("error"))
    if not expected["ok"]:
        assert res.error == expected["error"]
        return
    assert list(res.warnings) == list(expected.get("warnings") or [])
    img = res.image
    pending = None if img.known and img.size is not None else (img.unknown_reason or "content unknown")
    problems = []
    actual_cfg = img.config.to_json()
    for key in CONFIG_KEYS:
        if _norm(key, actual_cfg.get(key)) != _norm(key, expected["config"].get(key)):
            problems.append(f"config {key}: engine {expected['config'].get(key)!r} sim {actual_cfg.get(key)!r}")
    if len(img.layers) != expected["layers"]:
        problems.append(f"layers: engine {expected['layers']} sim {len(img.layers)}")
    exp_h = [(h["created_by"], bool(h.get("empty_layer"))) for h in expected["history"]]
    act_h = [(h.created_by, h.empty_layer) for h in img.history]
    if exp_h != act_h:
        problems.append(f"history: engine {exp_h!r}\n sim {act_h!r}")
    if problems and pending:
        pytest.xfail(f"pending ({pending}): " + "; ".join(problems))
    assert not problems, "\n".join(problems)
