"""Exams stay exams: the readers' site never carries a paper, a key, an answer sheet, an export or
an exam question; the trainers' pack beside it holds every file, as `playbook quiz` writes it."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from handbook_support import CONTENT, REPO, playbook, write_config

from generator.commands.grade import load_quiz_dir
from generator.loader import load_or_raise
from generator.quiz.assemble import build_quiz
from generator.quiz.spec import load_specs

EXAM_FILE = re.compile(r"^(paper|key|sheet|quiz|moodle|gift|tiku|wesurvey)-[A-Z]\.|^coverage\.")


def _exam_prompts() -> dict[str, str]:
    """Every question prompt of every version of every shipped spec (whitespace removed) -> its id."""
    content = load_or_raise(CONTENT)[0]
    found = {}
    for spec in load_specs(REPO / "quizzes", content):
        for paper in build_quiz(content, spec).papers:
            for q in paper:
                found[re.sub(r"\s+", "", q.prompt)] = q.id
    return found


def _readable_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".json":
        raw = json.dumps(json.loads(raw), ensure_ascii=False)
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", raw)))


def _assert_no_exam(site: Path) -> None:
    files = [p for p in site.rglob("*") if p.is_file()]
    assert not [str(p.relative_to(site)) for p in files if EXAM_FILE.match(p.name)]
    prompts = _exam_prompts()
    assert len(prompts) > 50
    texts = {p: _readable_text(p) for p in files if p.suffix in (".html", ".json")}
    assert any(p.name == "search_index.json" for p in texts)
    leaks = {qid: str(p.relative_to(site)) for prompt, qid in prompts.items() for p, t in texts.items() if prompt in t}
    assert leaks == {}


@pytest.mark.slow
def test_the_readers_site_carries_no_exam_question(built_site: Path) -> None:
    _assert_no_exam(built_site)
    page = (built_site / "scenarios.html").read_text(encoding="utf-8")
    assert re.search(r"另有 \d+ 个是考试题", page)  # left out, and said so
    spec_page = (built_site / "quizzes" / "new-hire-sales-office" / "index.html").read_text(encoding="utf-8")
    assert "在线练习" in spec_page and "培训师资料包" in spec_page and "paper-A" not in spec_page


@pytest.mark.slow
def test_build_writes_the_pack_outside_the_site_as_playbook_quiz_does(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PLAYBOOK_CACHE", str(tmp_path / "cache"))  # the second build and the quizzes reuse PDFs
    config = write_config(tmp_path / "project", CONTENT)
    site, pack = tmp_path / "site", tmp_path / "pack"
    run = playbook("build", "--config", str(config), "--site-dir", str(site), "--pack-dir", str(pack))
    assert run.returncode == 0, run.stderr
    assert "培训师资料包" in run.stdout
    _assert_no_exam(site)
    stems = sorted(p.stem for p in (REPO / "quizzes").glob("*.yaml"))
    assert sorted(p.name for p in pack.iterdir() if p.is_dir()) == stems
    index = (pack / "index.html").read_text(encoding="utf-8")
    for stem in stems:
        assert f'href="{stem}/paper-A.pdf"' in index
        assert sorted(p.name for p in (site / "quizzes" / stem).iterdir()) == sorted([f"{stem}.apkg", "index.html"])
        by_quiz = tmp_path / "by-quiz" / stem
        quiz = playbook("quiz", str(REPO / "quizzes" / f"{stem}.yaml"), "--content", str(CONTENT),
                        "--out", str(by_quiz))
        assert quiz.returncode == 0, quiz.stderr
        ours = {p.name: p.read_bytes() for p in by_quiz.iterdir()}
        theirs = {p.name: p.read_bytes() for p in (pack / stem).iterdir()}
        assert sorted(ours) == sorted(theirs)
        assert [n for n in ours if ours[n] != theirs[n]] == []
        assert (site / "quizzes" / stem / f"{stem}.apkg").read_bytes() == ours[f"{stem}.apkg"]
    assert oct((pack / stems[0] / "key-A.pdf").stat().st_mode & 0o777) == "0o600"  # keys are confidential

    # Grading reads the pack's quiz and answer-sheet files.
    quizset = load_quiz_dir(pack / stems[0])
    assert sorted(quizset.quizzes) == sorted(quizset.layouts) == ["A", "B"]

    # Opted in (an internal site): the pack becomes a section of the site; nothing else changes.
    inside = write_config(tmp_path / "internal", CONTENT, plugin={"trainer_pack_in_site": True})
    site2, pack2 = tmp_path / "site2", tmp_path / "pack2"
    run = playbook("build", "--config", str(inside), "--site-dir", str(site2), "--pack-dir", str(pack2))
    assert run.returncode == 0, run.stderr
    section = {str(p.relative_to(site2 / "trainer-pack")): p.read_bytes()
               for p in (site2 / "trainer-pack").rglob("*") if p.is_file()}
    assert section == {str(p.relative_to(pack2)): p.read_bytes() for p in pack2.rglob("*") if p.is_file()
                       and p.name != ".playbook-output.json"}
    trainers = (site2 / "trainers" / "index.html").read_text(encoding="utf-8")
    assert "没有权限控制" in trainers and "../trainer-pack/new-hire-sales-office/paper-A.pdf" in trainers
    plain = {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()}
    opted = {str(p.relative_to(site2)) for p in site2.rglob("*") if p.is_file()}
    assert opted - plain == {f"trainer-pack/{name}" for name in section} | {"trainers/index.html"}
    assert plain - opted == set()


def test_a_pack_inside_the_site_is_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path / "project", CONTENT, plugin={"printables": "never"})
    site = tmp_path / "site"
    run = playbook("build", "--config", str(config), "--site-dir", str(site), "--pack-dir", str(site / "pack"))
    assert run.returncode == 1
    assert "error[B002]" in run.stderr and "Traceback" not in run.stderr
    assert not site.exists()
