""".dockerignore matching, with the examples of the Dockerfile reference (section
".dockerignore file"): each pattern list and the paths it excludes or keeps."""

from __future__ import annotations

import pytest

from simulator.context import BuildContext, ContextError, PatternMatcher, read_dockerignore
from simulator.fs import Entry

# (patterns, path, excluded) -- the reference's own examples
REFERENCE = [
    (["*/temp*"], "somedir/temporary.txt", True),
    (["*/temp*"], "somedir/temp", True),
    (["*/temp*"], "temp", False),
    (["*/*/temp*"], "somedir/subdir/temporary.txt", True),
    (["*/*/temp*"], "somedir/temporary.txt", False),
    (["temp?"], "tempa", True),
    (["temp?"], "tempb", True),
    (["temp?"], "temp", False),
    (["**/*.go"], "a/b/c/main.go", True),
    (["**/*.go"], "main.go", True),
    (["*.md", "!README.md"], "notes.md", True),
    (["*.md", "!README.md"], "README.md", False),
    (["*.md", "!README*.md", "README-secret.md"], "README-secret.md", True),
    (["*.md", "!README*.md", "README-secret.md"], "README-x.md", False),
    (["*.md", "README-secret.md", "!README*.md"], "README-secret.md", False),
]


@pytest.mark.parametrize("patterns,path,excluded", REFERENCE)
def test_reference_examples(patterns, path, excluded):
    assert PatternMatcher(read_dockerignore("\n".join(patterns))).matches(path) is excluded


def test_comment_lines_and_blank_lines_are_ignored():
    assert read_dockerignore("# comment\n\n   \n*.md\n") == ["*.md"]


def test_leading_slash_and_dots_are_cleaned():
    # the reference: "/foo/bar" and "foo/bar" are the same; patterns are cleaned
    assert read_dockerignore("/foo/bar\n./x/../y\n!/z/\n") == ["foo/bar", "y", "!z"]


def test_a_lone_bang_is_an_error():
    with pytest.raises(ContextError):
        PatternMatcher(["!"])


def test_excluded_dockerfile_and_dockerignore_are_not_copyable():
    files = {"Dockerfile": Entry("file", data=b"FROM x"), ".dockerignore": Entry("file", data=b""),
             "a": Entry("file", data=b"a")}
    ctx = BuildContext.from_files(files, dockerignore="Dockerfile\n.dockerignore\n")
    assert sorted(ctx.entries) == ["/a"]
