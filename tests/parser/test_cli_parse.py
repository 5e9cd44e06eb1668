"""`simulate parse` as ../shared/cli-contract.md fixes it.

Expected values: BuildKit's parser (the `dockerfile` binding) for the instruction model,
BuildKit's messages for the errors (cited per case)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from binding import binding_parse


def simulate(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "simulator", *args], input=stdin,
                          capture_output=True, text=True)


def test_json_matches_buildkit_model(tmp_path):
    text = 'FROM busybox AS b\nENV a=1 b="x y"\nRUN --mount=type=cache,target=/c echo hi\nCMD ["echo", "$NAME"]\n'
    f = tmp_path / "Dockerfile"
    f.write_text(text)
    proc = simulate("parse", str(f), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    expected, _ = binding_parse(text)
    assert got == expected


def test_stdin_and_default_file(tmp_path):
    proc = simulate("parse", "-", "--format", "json", stdin="FROM a\n")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)[0]["value"] == ["a"]
    (tmp_path / "Dockerfile").write_text("FROM b\n")
    proc = subprocess.run([sys.executable, "-m", "simulator", "parse", "--format", "json"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert json.loads(proc.stdout)[0]["value"] == ["b"]


def test_jsonl_many_files_one_line_each(tmp_path):
    good = tmp_path / "good"
    bad = tmp_path / "bad"
    good.write_text("FROM a\nRUN x\n")
    bad.write_text("FROM a\nRUN <<EOF\nnever closed\n")
    proc = simulate("parse", "--format", "jsonl", str(good), str(bad))
    assert proc.returncode == 0
    lines = [json.loads(l) for l in proc.stdout.splitlines()]
    assert [l["file"] for l in lines] == [str(good), str(bad)]
    assert len(lines[0]["instructions"]) == 2
    # BuildKit parser.go: errors.New("unterminated heredoc")
    assert "unterminated heredoc" in lines[1]["error"]


def test_jsonl_unreadable_file_exits_nonzero(tmp_path):
    proc = simulate("parse", "--format", "jsonl", str(tmp_path / "missing"))
    assert proc.returncode == 1
    assert "error" in json.loads(proc.stdout)


@pytest.mark.parametrize("text,line,message", [
    # BuildKit instructions/parse.go: unknown instruction
    ("FROM a\nFOO bar\n", 2, "unknown instruction"),
    # parser.go: the heredoc's terminator never comes
    ("FROM a\nRUN <<EOF\nx\n", 2, "unterminated heredoc"),
    # line_parsers.go parseNameVal
    ("FROM a\nENV x\n", 2, "ENV must have two arguments"),
    # line_parsers.go parseJSON: errDockerfileNotStringArray
    ("FROM a\nCMD [1]\n", 2, "when using JSON array syntax, arrays must be comprised of strings only"),
    # directives.go: one of each directive
    ("# escape=`\n# escape=\\\nFROM a\n", 2, "only one escape parser directive can be used"),
    # parser.go: nothing but comments
    ("# just a comment\n", 1, "file with no instructions"),
])
def test_errors_exit_1_with_file_line_and_buildkit_message(tmp_path, text, line, message):
    f = tmp_path / "Dockerfile"
    f.write_text(text)
    proc = simulate("parse", str(f))
    assert proc.returncode == 1
    err = proc.stderr.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith(f"{f}:{line}: ")
    assert message in err
    assert "Traceback" not in proc.stderr


def test_usage_error_exits_2():
    proc = simulate("parse", "--format", "yaml")
    assert proc.returncode == 2


def test_directives_listed_on_request(tmp_path):
    f = tmp_path / "Dockerfile"
    f.write_text("# escape=`\nFROM a\nRUN echo `\n  hi\n")
    proc = simulate("parse", str(f), "--format", "json", "--directives")
    data = json.loads(proc.stdout)
    assert data["directives"]["escape"] == "`"
    expected, _ = binding_parse(f.read_text())
    assert data["instructions"] == expected
