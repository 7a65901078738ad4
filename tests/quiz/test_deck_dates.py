"""The Anki deck's note time follows the content: same content, same bytes; edited content, newer notes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.exports.anki import timestamp
from generator.loader import load_content
from generator.quiz.assemble import build_quiz
from generator.quiz.spec import load_specs

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "quizzes", tmp_path / "quizzes")
    return tmp_path


def _changed(root: Path) -> float:
    content, _ = load_content(root / "content")
    spec = load_specs(root / "quizzes", content)[0]
    quiz = build_quiz(content, spec)
    assert quiz.changed is not None
    return quiz.changed


def test_note_time_is_the_content_date_and_moves_when_content_changes(project: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = _changed(project)
    assert _changed(project) == first  # same content, same time (never the clock)
    newest = max(p.stat().st_mtime for p in (project / "content").rglob("*.yaml"))
    edited = project / "content" / "procedures" / "sales-office-reception.yaml"
    os.utime(edited, (newest + 3600, newest + 3600))
    assert _changed(project) == pytest.approx(first + 3600, abs=1)
    assert timestamp(first + 3600) > timestamp(first)


def test_source_date_epoch_wins(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert timestamp(1800000000.0) == 1700000000.0
