"""Record how the running Docker engine expands the words of engine_cases.py.

    python tests/expand/record_engine.py [--jobs 4]

Builds every case on both builders (tags `expand-rec-N-BUILDER`, removed afterwards),
reads `docker image inspect`, and writes tests/expand/data/engine-MAJOR.MINOR.json. The
table test (test_expand_engine.py) replays the recorded words through the simulator.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

import engine_cases as cases  # noqa: E402
from simulator.oracle.engine import Engine  # noqa: E402

BUILDERS = ("buildkit", "legacy")


def error_reason(line: str | None) -> str | None:
    """The lexer's part of an error line: from `failed to process` on, else the whole line."""
    if line is None:
        return None
    i = line.find("failed to process ")
    return line[i:] if i >= 0 else line


def build_one(eng: Engine, text: str, tag: str, builder: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="expand-") as tmp:
        Path(tmp, "Dockerfile").write_text(text, encoding="utf-8")
        out = eng.build(tmp, tag, builder=builder)
    try:
        if not out.ok:
            return {"ok": False, "error": error_reason(out.error)}
        cfg = eng.inspect(tag).get("Config") or {}
        return {"ok": True, "env": cfg.get("Env"), "labels": cfg.get("Labels"),
                "exposed_ports": sorted((cfg.get("ExposedPorts") or {}).keys()),
                "working_dir": cfg.get("WorkingDir")}
    finally:
        eng.remove_image(tag)
        for step in out.intermediate_ids:
            eng.remove_image(step)


def observed(form: str, res: dict) -> dict:
    """The part of a build result that the word determines."""
    if not res["ok"]:
        return {"ok": False, "error": res["error"]}
    if form == "env":
        value = next((e[2:] for e in res["env"] if e.startswith("W=")), None)
        return {"ok": True, "value": value}
    if form == "label":
        return {"ok": True, "value": (res["labels"] or {}).get("w")}
    if form == "expose":
        return {"ok": True, "ports": res["exposed_ports"]}
    return {"ok": True, "value": res["working_dir"]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=4)
    opts = ap.parse_args()
    eng = Engine.detect()
    jobs = []
    for esc in ("\\", "`"):
        for b in BUILDERS:
            jobs.append(("setup", esc, None, None, b, cases.setup_dockerfile(esc)))
    for esc, form, word in cases.all_cases():
        for b in BUILDERS:
            jobs.append(("case", esc, form, word, b, cases.dockerfile(form, word, esc)))

    def run(i_job):
        i, (kind, esc, form, word, b, text) = i_job
        return i_job, build_one(eng, text, f"expand-rec-{i}-{b}", b)

    results = {}
    with ThreadPoolExecutor(opts.jobs) as pool:
        for (i, job), res in pool.map(run, enumerate(jobs)):
            results[i] = res
    setups: dict = {}
    records: dict = {}
    for i, (kind, esc, form, word, b, text) in enumerate(jobs):
        res = results[i]
        if kind == "setup":
            if not res["ok"]:
                raise SystemExit(f"setup build failed on {b}: {res['error']}")
            setups.setdefault(esc, {})[b] = res["env"]
            continue
        rec = records.setdefault((esc, form, word), {"escape": esc, "form": form, "word": word,
                                                      "dockerfile": text})
        rec[b] = observed(form, res)
    data = {
        "engine": eng.version,
        "recorded": datetime.date.today().isoformat(),
        "how": "tests/expand/record_engine.py: FROM scratch + SETUP + one line per case, "
               "docker build --network none on both builders, docker image inspect",
        "setup_env": setups,
        "cases": list(records.values()),
    }
    out = HERE / "data" / f"engine-{eng.key}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(records)} cases x {len(BUILDERS)} builders")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
