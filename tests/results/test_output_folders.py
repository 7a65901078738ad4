"""Output folders of `playbook grade` and `playbook report`: only a new folder or our own earlier
output is written, only our own files are swapped, all or nothing, private, never in the site."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from generator import output_folder as of
from generator.cli import main
from generator.commands.grade import EARLIER_OUTPUT as GRADE_EARLIER
from generator.commands.report import EARLIER_OUTPUT as REPORT_EARLIER
from generator.output_folder import MARKER, TMP_PREFIX, OutputRefused, OutputWriteFailed, publish, refusals
from generator.quiz.scoring import Trainee, to_json

from ..conftest import run_cli
from .helpers import QUIZZES, REPO, hand_rows, quizzes, random_answers, results_for, write_csv

CLI_IN_PROCESS = True
"""`cli` runs `playbook report` through the CLI in this process (these tests are about its folders);
`grade` below starts real processes."""

GRADE_FILES = ["results.json", "review.html", "scores.csv", "scores.xlsx"]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def marker(folder: Path) -> dict:
    return json.loads((folder / MARKER).read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.startswith(TMP_PREFIX) or ".old" in p.name or ".grading" in p.name]


@pytest.fixture
def umask_0():
    """Publishing is private whatever the umask: run with the loosest one."""
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.fixture
def project(tmp_path) -> Path:
    """A handbook project of its own whose site goes to public/ and whose content is in pages/."""
    root = tmp_path / "proj"
    (root / "pages").mkdir(parents=True)
    (root / "public").mkdir()
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: x\ndocs_dir: pages\nsite_dir: public\n"
                                     "markdown_extensions:\n  - pymdownx.emoji:\n"
                                     "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
                                     encoding="utf-8")
    return root


# ---------------------------------------------------------------------------------------------
# The module.

def test_new_folder_is_private_and_marked(tmp_path, umask_0):
    out = tmp_path / "a" / "out"
    assert publish(out, "report", {"report.html": b"r", "charts/x.svg": b"<svg/>"}) == out.resolve()
    assert snapshot(out) == {MARKER: (out / MARKER).read_bytes(), "charts/x.svg": b"<svg/>", "report.html": b"r"}
    assert marker(out)["kind"] == "report" and marker(out)["files"] == ["charts/x.svg", "report.html"]
    for folder in (tmp_path / "a", out, out / "charts"):
        assert mode(folder) == 0o700, folder
    for path in (out / "report.html", out / "charts/x.svg", out / MARKER):
        assert mode(path) == 0o600, path
    assert leftovers(tmp_path) == []


def test_rerun_swaps_ours_keeps_theirs_and_drops_our_stale_files(tmp_path):
    out = tmp_path / "out"
    publish(out, "report", {"report.html": b"1", "charts/old.svg": b"o", "charts/keep.svg": b"k", "gone/x.svg": b"g"})
    (out / "notes.txt").write_text("培训师自己的笔记", encoding="utf-8")
    (out / "charts" / "mine.png").write_bytes(b"png")
    publish(out, "report", {"report.html": b"2", "charts/keep.svg": b"k2"})
    assert snapshot(out) == {MARKER: (out / MARKER).read_bytes(), "charts/keep.svg": b"k2", "charts/mine.png": b"png",
                             "notes.txt": "培训师自己的笔记".encode(), "report.html": b"2"}
    assert not (out / "gone").exists()  # emptied folder of ours removed; charts/ holds a user file and stays
    assert marker(out)["files"] == ["charts/keep.svg", "report.html"]
    assert leftovers(tmp_path) == []


def test_refuses_folders_that_are_not_ours(tmp_path):
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "名单.xlsx").write_bytes(b"keep")
    with pytest.raises(OutputRefused) as err:
        publish(theirs, "grade", {"results.json": b"{}"})
    assert [p.code for p in err.value.problems] == ["O001"] and "名单.xlsx" in err.value.problems[0].message
    assert snapshot(theirs) == {"名单.xlsx": b"keep"}

    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert [p.code for p in refusals(a_file, "grade")] == ["O001"]

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / MARKER).write_bytes(of.Marker("grade", ("README.md",)).to_bytes())  # even with a marker
    (repo / "README.md").write_text("project")
    with pytest.raises(OutputRefused) as err:
        publish(repo, "grade", {"results.json": b"{}"})
    assert ".git" in err.value.problems[0].message
    assert (repo / "README.md").read_text() == "project" and not (repo / "results.json").exists()

    report = tmp_path / "report"
    publish(report, "report", {"report.html": b"r"})
    assert "playbook report 的输出目录" in refusals(report, "grade")[0].message

    empty = tmp_path / "empty"
    empty.mkdir()
    publish(empty, "grade", {"results.json": b"{}"})  # an empty folder is as good as a new one
    assert mode(empty) == 0o700


@pytest.mark.parametrize("bad", ["../outside.txt", "/etc/passwd", "a/../../outside.txt", "a\\..\\x", "", "./x", 3])
def test_tampered_marker_cannot_reach_outside(tmp_path, bad):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    out = tmp_path / "out"
    publish(out, "grade", {"results.json": b"1"})
    data = marker(out)
    data["files"].append(bad)
    (out / MARKER).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(OutputRefused) as err:
        publish(out, "grade", {"results.json": b"2"})
    assert [p.code for p in err.value.problems] == ["O003"]
    assert outside.read_text() == "precious" and (out / "results.json").read_bytes() == b"1"


def test_stale_file_behind_a_symlinked_folder_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.svg").write_text("not ours")
    out = tmp_path / "out"
    publish(out, "report", {"report.html": b"1", "charts/x.svg": b"ours"})
    (out / "charts" / "x.svg").unlink()
    (out / "charts").rmdir()
    (out / "charts").symlink_to(elsewhere)
    publish(out, "report", {"report.html": b"2"})
    assert (elsewhere / "x.svg").read_text() == "not ours"
    with pytest.raises(OutputRefused):  # nor written through
        publish(out, "report", {"report.html": b"3", "charts/x.svg": b"ours"})
    assert (elsewhere / "x.svg").read_text() == "not ours" and (out / "report.html").read_bytes() == b"2"


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4, 5, 6])
def test_failure_midway_puts_the_previous_output_back(tmp_path, monkeypatch, fail_at):
    out = tmp_path / "out"
    publish(out, "report", {"report.html": b"old", "charts/a.svg": b"a", "stale.svg": b"s"})
    (out / "mine.txt").write_text("user")
    before = snapshot(out)
    calls = {"n": 0}
    real_swap = of._swap

    def failing_swap(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == fail_at:
            raise OSError(28, "No space left on device")
        return real_swap(*args, **kwargs)

    monkeypatch.setattr(of, "_swap", failing_swap)
    with pytest.raises(OutputWriteFailed) as err:
        publish(out, "report", {"report.html": b"new", "charts/a.svg": b"a2", "charts/b.svg": b"b", "new/c.svg": b"c"})
    assert [p.code for p in err.value.problems] == ["O004"]
    assert snapshot(out) == before  # marker, our files and the user's file as they were
    assert not (out / "new").exists() and leftovers(tmp_path) == []


def test_failure_writing_a_new_folder_leaves_nothing(tmp_path, monkeypatch):
    def no_space(path, data, *mode):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(of, "_write_file", no_space)
    with pytest.raises(OutputWriteFailed):
        publish(tmp_path / "new" / "out", "grade", {"results.json": b"1"})
    assert list(tmp_path.iterdir()) == []


def test_interrupted_run_is_tidied_by_the_next(tmp_path):
    out = tmp_path / "out"
    publish(out, "grade", {"results.json": b"1"})
    stage = out / f"{TMP_PREFIX}killed"
    (stage / "old").mkdir(parents=True)
    (out / "half.csv").write_text("from the killed run")
    (out / MARKER).write_bytes(of.Marker("grade", ("results.json", "half.csv"), stage.name).to_bytes())
    publish(out, "grade", {"results.json": b"2"})
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "results.json"]


def test_symlinked_out_works_on_the_real_folder_but_not_into_the_site(project, tmp_path, monkeypatch):
    real = tmp_path / "real"
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    assert [p.code for p in refusals(link, "grade")] == ["O001"]  # dangling: no folder made behind a link
    real.mkdir()
    publish(link, "grade", {"results.json": b"1"})
    assert link.is_symlink() and (real / "results.json").read_bytes() == b"1"
    publish(link, "grade", {"results.json": b"2"})
    assert (real / "results.json").read_bytes() == b"2"

    into_site = tmp_path / "to-site"
    into_site.symlink_to(project / "public", target_is_directory=True)
    monkeypatch.chdir(tmp_path)  # from outside the project: found from where the link leads
    assert [p.code for p in refusals(into_site / "grades", "grade")] == ["O002"]
    assert [p.code for p in refusals(into_site, "grade")] == ["O002"]


def test_site_dir_and_content_of_the_project_from_any_working_folder(project, tmp_path, monkeypatch):
    monkeypatch.chdir(project / "sub" / "deeper")
    assert [p.code for p in refusals(Path("../../public/grades"), "grade")] == ["O002"]
    assert [p.code for p in refusals(Path("../../pages/x"), "report")] == ["O002"]
    assert refusals(Path("../../results"), "grade") == []
    assert [p.code for p in refusals(Path("../.."), "grade")] == ["O001"]  # holds mkdocs.yml
    monkeypatch.chdir(tmp_path)
    assert [p.code for p in refusals(project / "public" / "a" / "b", "report")] == ["O002"]
    other = tmp_path / "content"
    assert [p.code for p in refusals(other / "x", "report", content=other)] == ["O002"]
    cfg = tmp_path / "elsewhere.yml"
    cfg.write_text("site_dir: /nonexistent-site-root\n")
    assert [p.code for p in refusals(Path("/nonexistent-site-root/x"), "grade", config=cfg)] == ["O002"]


def test_a_site_playbook_build_made_is_refused_wherever_it_is(tmp_path, monkeypatch):
    """A site deployed elsewhere, or built with an absolute site_dir: no mkdocs.yml above it, the
    working folder or --out names it; its marker does. Names and scores never go in, any depth."""
    site = tmp_path / "www" / "handbook"
    (site / "assets").mkdir(parents=True)
    (site / of.SITE_MARKER).write_text("built")
    monkeypatch.chdir(tmp_path)
    for kind in of.PERSONAL_KINDS:
        for out in (site, site / "results", site / "assets" / "x" / "y"):
            assert [p.code for p in refusals(out, kind)] == ["O002"], (kind, out)
            with pytest.raises(OutputRefused):
                publish(out, kind, {"results.json": b"names"})
    link = tmp_path / "innocent"
    link.symlink_to(site, target_is_directory=True)
    assert [p.code for p in refusals(link / "results", "grade")] == ["O002"]
    assert sorted(p.name for p in site.iterdir()) == [of.SITE_MARKER, "assets"]
    assert refusals(tmp_path / "www" / "results", "grade") == []  # beside the site is fine


# ---------------------------------------------------------------------------------------------
# The real commands.

@pytest.fixture(scope="module")
def graded_inputs(tmp_path_factory) -> tuple[Path, Path]:
    """A quiz folder as `playbook quiz --format json` writes it and a hand-filled table for it."""
    import random

    d = tmp_path_factory.mktemp("grade-inputs")
    qs = quizzes()
    quizdir = d / "quiz"
    quizdir.mkdir()
    for label, quiz in qs.items():
        (quizdir / f"quiz-{label}.json").write_text(json.dumps(quiz, ensure_ascii=False), encoding="utf-8")
    rng = random.Random(3)
    people = [(Trainee(name, f"E{i}", "一店", "置业顾问"), "A", random_answers(qs["A"], rng, 0.7))
              for i, name in enumerate(["张伟", "李娜", "王芳"])]
    return quizdir, write_csv(d / "hand.csv", hand_rows(qs, people))


def grade(inputs: tuple[Path, Path], out: str | Path, cwd: Path | None = None):
    quizdir, table = inputs
    return run_cli("grade", str(table), "--quiz", str(quizdir), "--out", str(out), cwd=cwd)


@pytest.mark.slow
def test_grade_writes_private_files_and_reruns_into_its_own_folder(graded_inputs, tmp_path):
    out = tmp_path / "results"
    r = grade(graded_inputs, out)
    assert r.code == 0, r.err
    assert sorted(snapshot(out)) == sorted([MARKER, *GRADE_FILES])
    assert mode(out) == 0o700 and all(mode(out / name) == 0o600 for name in [MARKER, *GRADE_FILES])
    assert marker(out)["kind"] == "grade" and marker(out)["files"] == GRADE_FILES

    (out / "备注.txt").write_text("keep me", encoding="utf-8")
    (out / "report").mkdir()  # `playbook report` writes its folder inside the default results/
    (out / "report" / "report.html").write_text("a report")
    data = marker(out)
    data["files"].append("scores-old.csv")  # a file an earlier version of grade wrote
    (out / MARKER).write_text(json.dumps(data), encoding="utf-8")
    (out / "scores-old.csv").write_text("stale")
    first = (out / "results.json").read_bytes()
    r = grade(graded_inputs, out)
    assert r.code == 0, r.err
    assert (out / "备注.txt").read_text(encoding="utf-8") == "keep me"
    assert (out / "report" / "report.html").read_text() == "a report"
    assert not (out / "scores-old.csv").exists()
    assert (out / "results.json").read_bytes() == first
    assert leftovers(tmp_path) == []


def test_grade_refuses_a_folder_with_someone_elses_file(graded_inputs, tmp_path):
    out = tmp_path / "shared"
    out.mkdir()
    (out / "名单.xlsx").write_bytes(b"roster")
    r = grade(graded_inputs, out)
    assert r.code == 2, r.err
    assert "error[O001]" in r.err and "Traceback" not in r.err
    assert snapshot(out) == {"名单.xlsx": b"roster"}


def test_grade_out_dot_in_a_repository_deletes_nothing(graded_inputs, tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (repo / "notes.md").write_text("mine")
    before = snapshot(repo)
    r = grade(graded_inputs, ".", cwd=repo)
    assert r.code == 2 and "error[O001]" in r.err and ".git" in r.err
    assert snapshot(repo) == before


@pytest.mark.slow
def test_grade_refuses_the_site_of_the_project_from_a_subfolder_and_through_a_symlink(graded_inputs, project):
    r = grade(graded_inputs, "../../public/grades", cwd=project / "sub" / "deeper")
    assert r.code == 2 and "error[O002]" in r.err, r.err
    (project / "sub" / "link").symlink_to(project / "public", target_is_directory=True)
    r = grade(graded_inputs, "link/grades", cwd=project / "sub")
    assert r.code == 2 and "error[O002]" in r.err, r.err
    assert list((project / "public").iterdir()) == []


def test_grade_failing_midway_keeps_the_previous_results(graded_inputs, tmp_path, monkeypatch, capsys):
    quizdir, table = graded_inputs
    out = tmp_path / "results"
    args = ["grade", str(table), "--quiz", str(quizdir), "--out", str(out)]
    assert main(args) == 0
    (out / "mine.txt").write_text("user")
    before = snapshot(out)
    calls = {"n": 0}
    real_swap = of._swap

    def failing_swap(*a, **k):
        calls["n"] += 1
        if calls["n"] == 3:
            raise PermissionError(13, "Permission denied")
        return real_swap(*a, **k)

    monkeypatch.setattr(of, "_swap", failing_swap)
    assert main(args) == 1
    assert "error[O004]" in capsys.readouterr().err
    assert snapshot(out) == before and leftovers(tmp_path) == []


@pytest.fixture(scope="module")
def results_file(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("report-inputs")
    (d / "results.json").write_bytes(to_json(results_for(quizzes(), 6, seed=2)))
    return d / "results.json"


@pytest.mark.slow
def test_report_refusals_exit_2_before_any_work(results_file, project, tmp_path, cli):
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "keep.txt").write_text("x")
    r = cli("report", str(results_file), "--out", str(theirs))
    assert r.code == 2 and "error[O001]" in r.err
    assert snapshot(theirs) == {"keep.txt": b"x"}
    r = cli("report", str(results_file), "--out", "../public/report", cwd=project / "sub")
    assert r.code == 2 and "error[O002]" in r.err
    r = cli("report", str(results_file), "--out", "site/report")
    assert r.code == 2 and "error[O002]" in r.err
    assert not (REPO / "site" / "report").exists()
    r = cli("report", str(tmp_path / "not-there.json"), "--min-responses", "0")  # before reading results
    assert r.code == 2 and "--min-responses 至少是 1" in r.err and "T101" not in r.err


@pytest.mark.slow
def test_report_reruns_into_its_own_folder(results_file, tmp_path, cli):
    out = tmp_path / "report"
    r = cli("report", str(results_file), "--out", str(out), "--quizzes", str(QUIZZES))
    assert r.code == 0, r.err
    ours = marker(out)["files"]
    assert "report.html" in ours and any(name.startswith("charts/") for name in ours)
    assert mode(out) == 0o700 and mode(out / "charts") == 0o700
    assert all(mode(out / name) == 0o600 for name in [*ours, MARKER])
    (out / "会议纪要.docx").write_bytes(b"minutes")
    data = marker(out)
    data["files"].append("charts/retired-quiz-scores.svg")
    (out / MARKER).write_text(json.dumps(data), encoding="utf-8")
    (out / "charts" / "retired-quiz-scores.svg").write_text("<svg/>")
    r = cli("report", str(results_file), "--out", str(out), "--quizzes", str(QUIZZES))
    assert r.code == 0, r.err
    assert (out / "会议纪要.docx").read_bytes() == b"minutes"
    assert not (out / "charts" / "retired-quiz-scores.svg").exists()
    assert marker(out)["files"] == ours
    assert leftovers(tmp_path) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_output_of_the_release_before_markers_is_taken_as_ours(tmp_path):
    """results/ as release 2 left it (grade's files and report/ inside): an upgrade grades into it."""
    results = tmp_path / "results"
    (results / "report" / "charts").mkdir(parents=True)
    for name in ("results.json", "scores.csv", "scores.xlsx", "review.html"):
        (results / name).write_text("old")
    (results / "report" / "report.html").write_text("old")
    (results / "report" / "charts" / "old-quiz-scores.svg").write_text("<svg/>")
    publish(results, "grade", {"results.json": b"new", "scores.csv": b"new"}, unmarked=GRADE_EARLIER)
    assert (results / "results.json").read_bytes() == b"new"
    assert not (results / "review.html").exists()  # ours, not written this time
    assert (results / "report" / "report.html").read_text() == "old"  # report's, not grade's
    publish(results / "report", "report", {"report.html": b"new"}, unmarked=REPORT_EARLIER)
    assert not (results / "report" / "charts" / "old-quiz-scores.svg").exists()
    assert marker(results / "report")["kind"] == "report"
    grade_again = refusals(results, "grade")
    assert grade_again == []
    (tmp_path / "mixed").mkdir()
    (tmp_path / "mixed" / "results.json").write_text("old")
    (tmp_path / "mixed" / "手写笔记.docx").write_text("mine")
    assert [p.code for p in refusals(tmp_path / "mixed", "grade", unmarked=GRADE_EARLIER)] == ["O001"]
