"""Compare the simulator with recorded real builds, field by field, per category.

`compare_case(case_dir, builder, categories)` -> list of Mismatch: for hard assertions in
tests.  `python -m simulator.oracle compare [CASE...]`: a report (always exit 0), one table
per category x builder (matched / total), with pending cases listed by name: those where
the simulator answered "unknown" (an opaque RUN, ...), never silently skipped.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Any, Callable, Iterable

import attrs

from simulator.oracle.engine import BUILDERS, CONFIG_KEYS, RunSpec
from simulator.oracle.record import CORPUS, Case, CaseError, all_cases, context_copy, find_case

CATEGORIES = ("outcome", "error", "config", "layers", "size", "history", "warnings",
              "layer_files", "run_stdout", "run_exit_code")
DEFAULT_ENGINE = "20.10"
#: Config keys where Docker prints "" for "unset".
_STRING_KEYS = {"WorkingDir", "User", "StopSignal"}
_UNKNOWN = object()


@attrs.frozen
class Mismatch:
    """One differing field.  `pending` means the simulator said it cannot know."""

    case: str
    builder: str
    category: str
    field: str
    expected: Any
    actual: Any
    pending: bool = False

    def __str__(self) -> str:
        tag = "pending" if self.pending else "differs"
        return (f"{self.case} [{self.builder}] {self.field}: {tag}\n"
                f"    engine:    {_short(self.expected)}\n"
                f"    simulator: {_short(self.actual)}")


def _short(v: Any, limit: int = 300) -> str:
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else repr(v)
    return s if len(s) <= limit else s[:limit] + "..."


# --- the field comparisons ------------------------------------------------------------

def _norm_config_value(key: str, v: Any) -> Any:
    if key in _STRING_KEYS and v == "":
        return None
    return v


def _norm_comment(v: Any) -> Any:
    return v or None


def compare_build(expected: dict, actual: dict, categories: Iterable[str] = CATEGORIES,
                  case: str = "", builder: str = "") -> list[Mismatch]:
    """Mismatches between a recorded `build` section and a simulator build result."""
    cats = set(categories)
    out: list[Mismatch] = []

    def diff(cat: str, field: str, exp: Any, act: Any, pending: bool = False) -> None:
        out.append(Mismatch(case, builder, cat, field, exp, act, pending))

    exp_ok, act_ok = bool(expected.get("ok")), actual.get("ok")
    if "outcome" in cats and exp_ok != act_ok:
        diff("outcome", "build.ok", exp_ok, act_ok)
    if "error" in cats and not exp_ok and act_ok is False:
        if (expected.get("error") or "") != (actual.get("error") or ""):
            diff("error", "build.error", expected.get("error"), actual.get("error"))
    if "warnings" in cats and list(expected.get("warnings") or []) != list(actual.get("warnings") or []):
        diff("warnings", "build.warnings", expected.get("warnings"), actual.get("warnings"))
    if not exp_ok:
        return out
    if not act_ok:
        for cat in ("config", "layers", "size", "history", "layer_files"):
            if cat in cats:
                diff(cat, f"build.{cat}", "(image built)", actual.get("error") or "(no image)")
        return out

    if "config" in cats:
        exp_cfg, act_cfg = expected.get("config") or {}, actual.get("config") or {}
        for key in CONFIG_KEYS:
            e, a = _norm_config_value(key, exp_cfg.get(key)), _norm_config_value(key, act_cfg.get(key))
            if e != a:
                diff("config", f"config.{key}", exp_cfg.get(key), act_cfg.get(key))
    if "layers" in cats and expected.get("layers") != actual.get("layers"):
        diff("layers", "build.layers", expected.get("layers"), actual.get("layers"),
             pending=actual.get("layers") is None)
    if "size" in cats and expected.get("size") != actual.get("size"):
        diff("size", "build.size", expected.get("size"), actual.get("size"),
             pending=actual.get("size") is None)
    if "history" in cats:
        _compare_history(expected.get("history") or [], actual.get("history"), diff)
    if "layer_files" in cats:
        _compare_layer_files(expected.get("layer_files") or [], actual.get("layer_files", _UNKNOWN), diff)
    return out


def _compare_history(exp: list, act: list | None, diff: Callable) -> None:
    if act is None:
        diff("history", "build.history", exp, None)
        return
    if len(exp) != len(act):
        diff("history", "history.length", [r.get("created_by") for r in exp],
             [r.get("created_by") for r in act])
        return
    for i, (e, a) in enumerate(zip(exp, act)):
        for key in ("created_by", "empty_layer", "comment"):
            ev, av = e.get(key), a.get(key)
            if key == "comment":
                ev, av = _norm_comment(ev), _norm_comment(av)
            elif key == "empty_layer":
                ev, av = bool(ev), bool(av)
            if ev != av:
                diff("history", f"history[{i}].{key}", e.get(key), a.get(key))


def _compare_layer_files(exp: list, act: Any, diff: Callable) -> None:
    if act is _UNKNOWN or act is None:
        diff("layer_files", "build.layer_files", f"{len(exp)} layers", None, pending=True)
        return
    if len(exp) != len(act):
        diff("layer_files", "layer_files.length", len(exp), len(act))
        return
    for i, (e, a) in enumerate(zip(exp, act)):
        if e is None:  # a dsim base-image layer: its contents are fixed by baseimage.py
            continue
        if a is None:
            diff("layer_files", f"layer_files[{i}]", [x["path"] for x in e], None, pending=True)
            continue
        em, am = {x["path"]: x for x in e}, {x["path"]: x for x in a}
        if set(em) != set(am):
            diff("layer_files", f"layer_files[{i}].paths", sorted(set(em) - set(am)),
                 sorted(set(am) - set(em)))
        for path in sorted(set(em) & set(am)):
            for key in ("type", "mode", "uid", "gid", "size", "sha256", "linkname"):
                ev, av = em[path].get(key), am[path].get(key)
                if ev != av:
                    unknown = av is None and key in ("size", "sha256")
                    diff("layer_files", f"layer_files[{i}][{path}].{key}", ev, av, pending=unknown)


def compare_runs(expected_runs: list, actual_runs: list, categories: Iterable[str] = CATEGORIES,
                 case: str = "", builder: str = "") -> list[Mismatch]:
    cats = set(categories)
    out: list[Mismatch] = []
    for i, exp in enumerate(expected_runs):
        act = actual_runs[i] if i < len(actual_runs) else {}
        if "run_stdout" in cats and exp.get("stdout") != act.get("stdout"):
            out.append(Mismatch(case, builder, "run_stdout", f"runs[{i}].stdout", exp.get("stdout"),
                                act.get("stdout"), pending=act.get("stdout") is None))
        if "run_exit_code" in cats and exp.get("exit_code") != act.get("exit_code"):
            out.append(Mismatch(case, builder, "run_exit_code", f"runs[{i}].exit_code",
                                exp.get("exit_code"), act.get("exit_code"),
                                pending=act.get("exit_code") is None))
    return out


# --- running the simulator ----------------------------------------------------------

def _api():
    from simulator import api  # the lead's module

    return api


def simulate(context_dir: Path, builder: str, engine_key: str, build_kwargs: dict,
             runs: list[RunSpec], base_images: dict | None = None,
             images: dict | None = None, host_names=None) -> tuple[dict, list[dict]]:
    """Run the simulator in-process: (build result, [run results]).

    `images`: already-simulated images by ref (a case's parent image); `host_names`: the
    recording daemon host's user database, where the recording kept it."""
    from simulator.oracle.baseimage import base_image_paths

    api = _api()
    kwargs = {k: v for k, v in build_kwargs.items() if v is not None}
    # the recorder's docker client sees only the case's build_env, never ours
    kwargs["build_env"] = dict(build_kwargs.get("build_env") or {})
    kwargs.update(builder=builder, engine=engine_key,
                  base_images=base_images if base_images is not None else base_image_paths())
    if images:
        kwargs["images"] = images
    if host_names is not None:
        kwargs["host_names"] = host_names
    try:
        build = api.build_json(str(context_dir), with_layer_files=True, **kwargs)
    except Exception as exc:  # a simulator crash is a finding, not the report's end
        build = {"ok": None, "error": f"simulator crashed: {type(exc).__name__}: {exc}",
                 "traceback": traceback.format_exc()}
    results = []
    if build.get("ok"):
        for spec in runs:
            rkw = dict(kwargs, args=list(spec.args), entrypoint=spec.entrypoint,
                       env=list(spec.env) or None, user=spec.user, workdir=spec.workdir)
            try:
                results.append(api.run_json(str(context_dir), **rkw))
            except Exception as exc:
                results.append({"ok": None, "stdout": None, "exit_code": None,
                                "error": f"simulator crashed: {type(exc).__name__}: {exc}"})
    return build, results


def _parent_images(case: Case, builder: str, engine_key: str) -> dict:
    """{parent_tag: simulated parent image} for a case with a `parent`, else {}."""
    if not case.spec.get("parent"):
        return {}
    from simulator.oracle.baseimage import base_image_paths

    parent = find_case(case.spec["parent"], case.path.parent)
    kwargs = {k: v for k, v in parent.build_kwargs().items() if v is not None}
    kwargs["build_env"] = dict(parent.build_env)
    with context_copy(parent) as ctx:
        result = _api().build(str(ctx), builder=builder, engine=engine_key,
                              base_images=base_image_paths(), host_names=case.host_names(engine_key, builder),
                              **kwargs)
    if not getattr(result, "ok", False) or getattr(result, "image", None) is None:
        raise CaseError(f"{case.name}: the simulator could not build parent {parent.name}: "
                        f"{getattr(result, 'error', None)}")
    return {case.spec["parent_tag"]: result.image}


def compare_case(case_dir: str | Path, builder: str, categories: Iterable[str] = CATEGORIES,
                 engine_key: str = DEFAULT_ENGINE) -> list[Mismatch]:
    """Simulate one recorded case with one builder; every differing field.

    Raises CaseError when the case has no recording for this engine and builder."""
    case = find_case(str(case_dir))
    expected = case.load_expected(engine_key, builder)
    if expected is None:
        raise CaseError(f"{case.name}: no recording {case.expected_path(engine_key, builder)}")
    categories = tuple(categories)
    try:
        images = _parent_images(case, builder, engine_key)
    except CaseError as exc:
        return [Mismatch(case.name, builder, "outcome", "parent", "(parent image built)", str(exc))]
    with context_copy(case) as ctx:
        build, runs = simulate(ctx, builder, engine_key, case.build_kwargs(), case.runs,
                               images=images, host_names=case.host_names(engine_key, builder))
    return (compare_build(expected["build"], build, categories, case.name, builder)
            + compare_runs(expected.get("runs") or [], runs, categories, case.name, builder))


def recorded_cases(engine_key: str = DEFAULT_ENGINE, corpus: Path = CORPUS) -> list[tuple[Case, str]]:
    """(case, builder) pairs that have a recording for this engine."""
    out = []
    for case in all_cases(corpus):
        for builder in BUILDERS:
            if case.expected_path(engine_key, builder).exists():
                out.append((case, builder))
    return out


def _applicable(category: str, expected: dict) -> bool:
    ok = expected["build"].get("ok")
    if category in ("config", "layers", "size", "history", "layer_files"):
        return bool(ok)
    if category == "error":
        return not ok
    if category in ("run_stdout", "run_exit_code"):
        return bool(expected.get("runs"))
    return True


def report(cases: list[tuple[Case, str]], engine_key: str, out=sys.stdout) -> dict:
    """Print the per-category table; return {(category, builder): (matched, pending, total)}."""
    table: dict = {}
    details: list[Mismatch] = []
    pending_names: dict = {}
    for case, builder in cases:
        expected = case.load_expected(engine_key, builder)
        try:
            mism = compare_case(case.path, builder, CATEGORIES, engine_key)
        except ImportError as exc:
            print(f"compare: the simulator API is not importable ({exc}); nothing compared", file=out)
            return {}
        for cat in CATEGORIES:
            if not _applicable(cat, expected):
                continue
            m, p, t = table.get((cat, builder), (0, 0, 0))
            mine = [x for x in mism if x.category == cat]
            if not mine:
                m += 1
            elif all(x.pending for x in mine):
                p += 1
                pending_names.setdefault((cat, builder), []).append(case.name)
            table[(cat, builder)] = (m, p, t + 1)
        details.extend(x for x in mism if not x.pending)
    print(f"simulator vs engine {engine_key}: {len({c.name for c, _ in cases})} recorded cases", file=out)
    print(f"{'category':<15}" + "".join(f"{b + ' matched/pending/total':>34}" for b in BUILDERS), file=out)
    for cat in CATEGORIES:
        row = f"{cat:<15}"
        for b in BUILDERS:
            m, p, t = table.get((cat, b), (0, 0, 0))
            row += f"{f'{m}/{p}/{t}':>34}"
        print(row, file=out)
    for (cat, b), names in sorted(pending_names.items()):
        print(f"pending {cat} [{b}]: {', '.join(names)}", file=out)
    if details:
        print(f"\n{len(details)} differing fields:", file=out)
        for x in details:
            print(str(x), file=out)
    return table


def main(argv: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m simulator.oracle compare")
    ap.add_argument("cases", nargs="*")
    ap.add_argument("--engine", default=DEFAULT_ENGINE, help="recorded engine key (default 20.10)")
    opts = ap.parse_args(argv)
    try:
        if opts.cases:
            pairs = []
            for name in opts.cases:
                case = find_case(name)
                pairs += [(case, b) for b in BUILDERS if case.expected_path(opts.engine, b).exists()]
        else:
            pairs = recorded_cases(opts.engine)
    except (CaseError, json.JSONDecodeError) as exc:
        print(f"compare: {exc}")
        return 0
    report(pairs, opts.engine)
    return 0
