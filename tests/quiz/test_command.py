"""`playbook quiz` end to end: outputs, determinism, bad specs reported as file:line:col."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from generator import output_folder
from generator.commands.check import check_specs
from generator.problems import ContentError
from generator.quiz.spec import load_specs

from ..conftest import run_cli
from .helpers import CONTENT, REPO, shipped, spec_paths

FAST = "html,json,moodle,gift,anki"
CLI_IN_PROCESS = True
"""`cli` runs `playbook quiz` through the CLI's own parser and command in this process (a real process
costs a Python start and a content load a run): these tests are about what a run writes and says.
The two that compare the bytes of separate runs start real processes (``run_cli``): each has its
own hash seed and none of the other run's memory."""


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.slow
def test_quiz_writes_every_requested_format(cli, tmp_path: Path) -> None:
    spec = spec_paths()[0]
    out = tmp_path / "out"
    run = cli("quiz", str(spec), "--out", str(out), "--format", FAST, "--versions", "3")
    assert run.code == 0, run.err
    names = sorted(p.name for p in out.iterdir())
    for v in "ABC":
        for n in (f"paper-{v}.html", f"key-{v}.html", f"quiz-{v}.json", f"moodle-{v}.xml", f"gift-{v}.txt"):
            assert n in names
    assert f"{spec.stem}.apkg" in names and "coverage.json" in names and "coverage.html" in names
    assert not any(n.endswith(".pdf") for n in names)
    assert [n for n in names if n.startswith(".")] == [".playbook-output.json"], "temporary files left behind"
    assert json.loads((out / ".playbook-output.json").read_text(encoding="utf-8"))["files"] == names[1:]
    data = json.loads((out / "quiz-A.json").read_text(encoding="utf-8"))
    assert list(data)[:4] == ["title", "version", "seed", "questions"]
    for q in data["questions"]:
        assert list(q) == ["id", "type", "prompt", "options", "answer", "explanation", "source", "covers"]
    assert "已生成" in run.out


@pytest.mark.slow
def test_same_spec_and_seed_give_identical_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    spec = str(spec_paths()[0])
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert run_cli("quiz", spec, "--out", str(a), "--format", FAST).code == 0
    assert run_cli("quiz", spec, "--out", str(b), "--format", FAST).code == 0
    assert digest(a) == digest(b)
    assert run_cli("quiz", spec, "--out", str(c), "--format", "json", "--seed", "99").code == 0
    assert (a / "quiz-A.json").read_bytes() != (c / "quiz-A.json").read_bytes()
    assert json.loads((c / "quiz-A.json").read_text(encoding="utf-8"))["seed"] == 99


@pytest.mark.slow
def test_pdf_is_byte_identical_across_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYBOOK_CACHE", "off")  # each run lays its PDFs out, none is the other's copy
    spec = str(spec_paths()[0])
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_cli("quiz", spec, "--out", str(a), "--format", "pdf", "--versions", "1").code == 0
    assert run_cli("quiz", spec, "--out", str(b), "--format", "pdf", "--versions", "1").code == 0
    assert digest(a) == digest(b)
    assert (a / "paper-A.pdf").read_bytes().startswith(b"%PDF")


def write_spec(tmp_path: Path, text: str, name: str = "bad-spec.yaml") -> Path:
    d = tmp_path / "quizzes"
    d.mkdir(exist_ok=True)
    p = d / name
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """title: 测试
draws_on:
  procedures: [sales-office-reception]
questions:
  next_step: 2
"""


@pytest.mark.parametrize("text, where, code, words", [
    (GOOD.replace("  next_step: 2", "  next_step: 2\n  nxet_step: 1"), "6:3", "S003", "next_step"),
    (GOOD.replace("next_step: 2", "next_step: 500"), "5:14", "Q001", "最多只能出"),
    (GOOD.replace("[sales-office-reception]", "[sales-office-reception, no-such-procedure]"), "3:40", "Q002",
     "no-such-procedure"),
    (GOOD.replace("next_step: 2", "next_step: 0"), "5:3", "Q004", "一道题也没有"),
    (GOOD + "versions: 99\n", "6:11", "Q006", "1 到 26"),
    (GOOD + "pass_mark: 120\n", "6:12", "Q007", "0 到 100"),
    (GOOD.replace("title: 测试", "title: yes"), "1:8", "S004", "布尔值"),
    (GOOD.replace("questions:\n  next_step: 2\n", ""), "1:1", "S001", "questions"),
    (GOOD + "seed: 12abc\n", "6:7", "S002", "整数"),
])
@pytest.mark.slow
def test_bad_spec_is_reported_with_file_line_col_and_exit_1(cli, tmp_path: Path, text, where, code, words) -> None:
    path = write_spec(tmp_path, text)
    out = tmp_path / "out"
    run = cli("quiz", str(path), "--content", str(CONTENT), "--out", str(out), "--format", "json", cwd=tmp_path)
    assert run.code == 1, (run.out, run.err)
    assert "Traceback" not in run.err
    assert f"quizzes/bad-spec.yaml:{where}: error[{code}]" in run.err, run.err
    assert words in run.err
    assert not out.exists(), "nothing is written for a bad spec"


def test_too_many_questions_says_how_many_are_possible(tmp_path: Path) -> None:
    path = write_spec(tmp_path, GOOD.replace("next_step: 2", "next_step: 500"))
    problems = check_specs(path.parent, shipped())
    [p] = [p for p in problems if p.code == "Q001"]
    possible = len(shipped().procedures["sales-office-reception"].steps) - 1
    assert f"最多只能出 {possible} 道" in p.message and "500" in p.message
    with pytest.raises(ContentError) as err:
        load_specs(path.parent, shipped())
    assert any(p.code == "Q001" for p in err.value.problems)


def test_spec_file_name_must_be_a_slug(tmp_path: Path) -> None:
    path = write_spec(tmp_path, GOOD, name="新员工.yaml")
    problems = check_specs(path.parent, shipped())
    assert [p.code for p in problems if p.is_error] == ["Q008"]


@pytest.mark.slow
def test_missing_spec_and_usage_errors(cli, tmp_path: Path) -> None:
    run = cli("quiz", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o"))
    assert run.code == 1 and "error[Q009]" in run.err
    spec = str(spec_paths()[0])
    assert cli("quiz", spec, "--format", "pdf,docx", "--out", str(tmp_path / "o")).code == 2
    assert cli("quiz", spec, "--versions", "0", "--out", str(tmp_path / "o")).code == 2


def test_shipped_specs_check_clean() -> None:
    errors = [p.format() for p in check_specs(REPO / "quizzes", shipped()) if p.is_error]
    assert errors == []
    assert len(load_specs(REPO / "quizzes", shipped())) == len(spec_paths()) >= 3


@pytest.mark.slow
def test_default_out_is_the_trainers_pack_not_the_site(cli, tmp_path: Path) -> None:
    shutil.copy(spec_paths()[0], tmp_path / "s.yaml")
    run = cli("quiz", "s.yaml", "--content", str(CONTENT), "--format", "json", "--versions", "1", cwd=tmp_path)
    assert run.code == 0, run.err
    assert (tmp_path / "trainer-pack" / "s" / "quiz-A.json").is_file()
    assert not (tmp_path / "site").exists()


@pytest.mark.slow  # several runs of playbook quiz
def test_out_is_never_someone_elses_folder(cli, tmp_path: Path) -> None:
    """--out at a folder with someone's files, or inside the handbook's site, is refused before any
    work and left as it was; our own folder is replaced (a quiz run drops the files of the last run
    it does not write again, keeps the preview page); a spec's folder in the trainers' pack is ours."""
    spec = spec_paths()[0]
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "quiz-A.json").write_text("my own notes", encoding="utf-8")
    (theirs / "计划.docx").write_bytes(b"mine")
    run = cli("quiz", str(spec), "--out", str(theirs), "--format", "json")
    assert run.code == 2 and f"{theirs}:1:1: error[O001]" in run.err and "Traceback" not in run.err, run.err
    assert (theirs / "quiz-A.json").read_text(encoding="utf-8") == "my own notes" and len(list(theirs.iterdir())) == 2

    (tmp_path / "mkdocs.yml").write_text("site_name: x\nsite_dir: public\n", encoding="utf-8")
    inside = tmp_path / "public" / "exams"
    run = cli("quiz", str(spec), "--out", str(inside), "--format", "json", "--content", str(CONTENT), cwd=tmp_path)
    assert run.code == 2 and "error[O002]" in run.err and "试卷" in run.err, run.err
    assert not (tmp_path / "public").exists()

    ours = tmp_path / "ours"
    assert cli("quiz", str(spec), "--out", str(ours), "--format", "json,gift").code == 0
    assert cli("quiz", str(spec), "--out", str(ours), "--preview").code == 0
    run = cli("quiz", str(spec), "--out", str(ours), "--format", "json", "--seed", "9")
    assert run.code == 0, run.err
    names = sorted(p.name for p in ours.iterdir())
    assert names == [".playbook-output.json", "coverage.html", "coverage.json", "preview.html", "quiz-A.json", "quiz-B.json"]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in ours.iterdir()) and ours.stat().st_mode & 0o777 == 0o700

    pack = tmp_path / "trainer-pack"
    output_folder.publish(pack, "trainer-pack", {"index.html": b"<p>pack</p>", f"{spec.stem}/quiz-A.json": b"{}"})
    run = cli("quiz", str(spec), "--out", str(pack / spec.stem), "--format", "json")
    assert run.code == 0, run.err
    assert json.loads((pack / spec.stem / "quiz-A.json").read_bytes())["questions"]
    (pack / spec.stem / ".playbook-output.json").unlink()
    (pack / spec.stem / "mine.txt").write_text("mine", encoding="utf-8")  # no longer only the pack's files
    run = cli("quiz", str(spec), "--out", str(pack / spec.stem), "--format", "json")
    assert run.code == 2 and "error[O001]" in run.err and "mine.txt" in run.err, run.err


@pytest.mark.slow  # several runs of playbook quiz
def test_papers_of_another_seed_report_what_the_site_shows_as_practice(cli, tmp_path: Path) -> None:
    """The site's practice avoids each spec's own papers only: papers drawn with another --seed or
    --versions are checked against every practice question the site shows, warned about (Q010) and
    listed in the coverage report, never reported as 0."""
    spec = spec_paths()[0]
    own = tmp_path / "own"
    run = cli("quiz", str(spec), "--out", str(own), "--format", "json")
    assert run.code == 0 and "Q010" not in run.err, run.err
    assert json.loads((own / "coverage.json").read_text(encoding="utf-8"))["shared"] == []
    other = tmp_path / "other"
    run = cli("quiz", str(spec), "--out", str(other), "--format", "json", "--seed", "99", "--versions", "3")
    assert run.code == 0, run.err
    shared = json.loads((other / "coverage.json").read_text(encoding="utf-8"))["shared"]
    asked = {q["id"] for v in "ABC" for q in json.loads((other / f"quiz-{v}.json").read_text(encoding="utf-8"))["questions"]}
    assert shared and {row["id"] for row in shared} <= asked, shared
    assert f"warning[Q010]: 用 --seed/--versions 出的这几套试卷有 {len(shared)} 道题" in run.err
