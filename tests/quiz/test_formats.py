"""The export registry (generator/quiz/formats.py) is the one list of formats: each format, rendered
alone, writes exactly the files it declares; the CLI's help, `playbook build` and the README follow it."""

from __future__ import annotations

import pytest

from generator import cli
from generator.exports.formats import EXPORTS, FORMATS, file_names, parse_formats
from generator.exports.quiz_files import pack_names, render, site_files
from generator.quiz.assemble import build_quiz
from generator.quiz.spec import load_spec

from .helpers import REPO, shipped, spec_paths


@pytest.fixture(scope="module")
def quiz():
    spec, problems = load_spec(spec_paths()[0], shipped())
    assert spec is not None, problems
    return build_quiz(shipped(), spec, versions=2)


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_writes_exactly_the_files_it_declares(quiz, fmt):
    files = render(quiz, [fmt], blank_sheets=1)
    assert sorted(files) == sorted(file_names(quiz.spec.stem, quiz.labels, [fmt]))
    assert all(files.values()), [n for n, b in files.items() if not b]


@pytest.mark.slow
def test_the_build_writes_every_format(quiz):
    made = site_files(shipped(), quiz.spec)
    assert sorted(made) == sorted(pack_names(quiz.spec.stem, build_quiz(shipped(), quiz.spec).labels))
    assert sorted(set(made) - set(file_names(quiz.spec.stem, build_quiz(shipped(), quiz.spec).labels))) == [
        "preview.html"]  # the pack also holds the question preview


def test_cli_help_default_and_parsing_follow_the_registry():
    quiz_parser = cli.build_parser()._subparsers._group_actions[0].choices["quiz"]
    fmt = next(a for a in quiz_parser._actions if "--format" in a.option_strings)
    assert fmt.default.split(",") == list(FORMATS)
    assert all(f"{f.name} = {f.label}" in fmt.help for f in EXPORTS)
    assert parse_formats("GIFT, pdf") == ["pdf", "gift"]
    assert "未知的格式 docx" in parse_formats("pdf,docx")


def test_readme_names_every_format():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"--format {','.join(FORMATS)}" in readme
