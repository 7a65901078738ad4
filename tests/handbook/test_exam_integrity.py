"""Exams stay exams: the readers' site never carries a paper, a key, an answer sheet, an export or
an exam question; the trainers' pack beside it holds every file, as `playbook quiz` writes it.

The site is read the way a trainee could read it: every file of it (pages, the search index and
its script copy, the offline worker, the self-checks' JSON, the Anki decks' notes, the text of its
PDFs), with JSON and HTML escapes undone and everything but letters and digits dropped (the search
index puts U+200B between the words it cut). Each reading is first shown to find the practice the
site does show, so a blind reader cannot pass."""

from __future__ import annotations

import csv
import functools
import html
import json
import re
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from handbook_support import CONTENT, REPO, playbook, preview_server, write_config

from generator.commands.grade import load_quiz_dir
from generator.loader import load_or_raise
from generator.output_folder import MARKER
from generator.quiz.assemble import build_quiz
from generator.quiz.practice import exam_set, procedure_practice, spec_practice
from generator.quiz.spec import load_specs
from tests.conftest import TINY_PROC, TINY_TITLE, quizzes_with_a_tiny_spec

EXAM_FILE = re.compile(r"^(paper|key|sheet|quiz|moodle|gift|tiku|wesurvey)-[A-Z]\.|^coverage\.|^preview\.html$")
NO_TEXT = (".png", ".jpg", ".ico", ".gz", ".woff", ".woff2", ".ttf", ".otf")


@functools.lru_cache(maxsize=1)
def _content():
    return load_or_raise(CONTENT)[0]


def _plain(text: str) -> str:
    """Text as a prompt is looked for: JSON and HTML escapes undone, tags gone, then letters and digits only."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    text = re.sub(r"\\[nrt]", " ", text)
    for _ in range(2):  # HTML inside JSON inside HTML
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"\W+", "", re.sub(r"<[^>]+>", " ", text))


def _deck_text(path: Path) -> str:
    """The fields of every note of an Anki deck (.apkg: a zip holding an SQLite collection)."""
    with zipfile.ZipFile(path) as deck, tempfile.TemporaryDirectory() as tmp:
        fields = []
        for name in deck.namelist():
            if name.startswith("collection.anki2"):
                with sqlite3.connect(deck.extract(name, tmp)) as db:
                    fields += [row[0] for row in db.execute("select flds from notes")]
        return "\n".join(fields)


def _read(path: Path) -> str:
    if path.suffix == ".pdf":
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    if path.suffix == ".apkg":
        return _deck_text(path)
    if path.suffix in NO_TEXT:
        return ""
    return path.read_text(encoding="utf-8", errors="replace")


def _site_texts(site: Path) -> dict[str, str]:
    """Every file of the site (relative path) -> its plain text."""
    return {p.relative_to(site).as_posix(): _plain(_read(p)) for p in sorted(site.rglob("*")) if p.is_file()}


def _exam_prompts(quizzes: Path) -> dict[str, str]:
    """Plain prompt -> question id, for every question of every version of every spec in ``quizzes``;
    a scenario's or case's situation (its first line) counts on its own too."""
    content = _content()
    found = {}
    for spec in load_specs(quizzes, content):
        for paper in build_quiz(content, spec).papers:
            for q in paper:
                found[_plain(q.prompt)] = q.id
                if q.type in ("scenario", "case"):
                    found[_plain(q.prompt.split("\n")[0])] = q.id
    return found


def _pack_prompts(pack: Path) -> dict[str, str]:
    """The same, read from the pack's quiz-*.json (what the trainers hand out)."""
    found = {}
    for path in sorted(pack.rglob("quiz-*.json")):
        for q in json.loads(path.read_text(encoding="utf-8"))["questions"]:
            found[_plain(q["prompt"])] = q["id"]
            if q["type"] in ("scenario", "case"):
                found[_plain(q["prompt"].split("\n")[0])] = q["id"]
    return found


def _leaks(texts: dict[str, str], prompts: dict[str, str]) -> dict[str, set[str]]:
    """Exam question id -> the site files that carry its prompt."""
    out: dict[str, set[str]] = {}
    for prompt, qid in prompts.items():
        for name, text in texts.items():
            if prompt in text:
                out.setdefault(qid, set()).add(name)
    return out


def _assert_reader_sees_practice(texts: dict[str, str], quizzes: Path) -> None:
    """The reading finds what the site does show: each spec page's practice (in the page and in the
    search index) and a procedure's self-check (JSON in the page), a scenario's prompt among them."""
    content = _content()
    exam = exam_set(content, quizzes)
    multiline = 0
    for spec in load_specs(quizzes, content):
        for q in spec_practice(content, spec, exam).questions:
            prompt = _plain(q.prompt)
            assert prompt in texts[f"quizzes/{spec.stem}/index.html"], (spec.stem, q.id)
            assert prompt in texts["search/search_index.json"], (spec.stem, q.id)
            multiline += "\n" in q.prompt
    shown = 0
    for pid in sorted(content.procedures):
        for q in procedure_practice(content, pid, exam).questions:
            assert _plain(q.prompt) in texts[f"procedures/{pid}.html"], (pid, q.id)
            multiline += "\n" in q.prompt
            shown += 1
    assert shown >= 3 * len(content.procedures) and multiline > 0


def _assert_no_exam_file(site: Path) -> None:
    assert [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and EXAM_FILE.match(p.name)] == []


@pytest.mark.slow
def test_the_readers_site_carries_no_exam_question(built_site: Path) -> None:
    _assert_no_exam_file(built_site)
    texts = _site_texts(built_site)
    _assert_reader_sees_practice(texts, REPO / "quizzes")
    prompts = _exam_prompts(REPO / "quizzes")
    assert len(set(prompts.values())) > 50 and {"scenario", "case"} <= {i.split(":")[0] for i in prompts.values()}
    assert _leaks(texts, prompts) == {}
    page = (built_site / "scenarios.html").read_text(encoding="utf-8")
    assert re.search(r"另有 \d+ 个是考试题", page)  # left out, and said so
    spec_page = (built_site / "quizzes" / "new-hire-sales-office" / "index.html").read_text(encoding="utf-8")
    assert "在线练习" in spec_page and "培训师资料包" in spec_page and "paper-A" not in spec_page


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under a folder but the output bookkeeping (``.playbook-output.json``)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MARKER}


def _grade_from_the_pack(quiz_dir: Path, work: Path) -> None:
    """`playbook grade` of a hand-filled table and of a scanned blank answer sheet, against the pack's
    quiz-*.json and sheet-*.json."""
    quizset = load_quiz_dir(quiz_dir)
    assert sorted(quizset.quizzes) == sorted(quizset.layouts) == ["A", "B"]
    work.mkdir()
    letters = "ABCDEFGH"
    questions = json.loads((quiz_dir / "quiz-A.json").read_text(encoding="utf-8"))["questions"]
    key = ["".join(letters[i] for i in q["answer"]) if isinstance(q["answer"], list) else letters[q["answer"]]
           for q in questions]
    with open(work / "responses.csv", "w", newline="", encoding="utf-8") as fh:
        table = csv.writer(fh)
        table.writerow(["姓名", "工号", "卷"] + [str(i + 1) for i in range(len(questions))])
        table.writerow(["学员甲", "1001", "A", *key])
    graded = playbook("grade", str(work / "responses.csv"), "--quiz", str(quiz_dir), "--out", str(work / "table"))
    assert graded.returncode == 0, graded.stderr
    sheet = json.loads((work / "table" / "results.json").read_text(encoding="utf-8"))["sheets"][0]
    assert all(r["correct"] for r in sheet["responses"]) and len(sheet["responses"]) == len(questions)
    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(quiz_dir / "sheet-B.pdf"),
                    str(work / "scan")], check=True)
    scanned = playbook("grade", *map(str, sorted(work.glob("scan*.png"))), "--quiz", str(quiz_dir),
                       "--out", str(work / "scan"))
    assert scanned.returncode == 0, scanned.stderr
    sheets = json.loads((work / "scan" / "results.json").read_text(encoding="utf-8"))["sheets"]
    assert [s["version"] for s in sheets] == ["B"]


@pytest.mark.slow
def test_build_writes_the_pack_outside_the_site_as_playbook_quiz_does(tmp_path: Path) -> None:
    # The run's print cache (tests/conftest.py) lets the second build and the quizzes reuse PDFs.
    config = write_config(tmp_path / "project", CONTENT)
    site, pack = tmp_path / "site", tmp_path / "pack"
    run = playbook("build", "--config", str(config), "--site-dir", str(site), "--pack-dir", str(pack))
    assert run.returncode == 0, run.stderr
    assert f"培训师资料包：{pack}（" in run.stdout and "不在网站里" in run.stdout
    _assert_no_exam_file(site)
    texts = _site_texts(site)
    assert all(any(texts[n] for n in texts if n.endswith(suffix)) for suffix in (".pdf", ".apkg")), "nothing read"
    _assert_reader_sees_practice(texts, REPO / "quizzes")
    prompts = _pack_prompts(pack)
    assert prompts == _exam_prompts(REPO / "quizzes")  # the pack holds every version of every spec
    assert _leaks(texts, prompts) == {}
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
        if stem == stems[0]:  # and the question preview, as `playbook quiz --preview` writes it
            preview = playbook("quiz", str(REPO / "quizzes" / f"{stem}.yaml"), "--content", str(CONTENT),
                               "--out", str(by_quiz), "--preview")
            assert preview.returncode == 0, preview.stderr
        ours, theirs = _files(by_quiz), _files(pack / stem)
        assert len(ours) >= 25 and sorted(ours) == sorted(theirs if stem == stems[0] else set(theirs) - {"preview.html"})
        assert [n for n in ours if ours[n] != theirs[n]] == []
        assert (site / "quizzes" / stem / f"{stem}.apkg").read_bytes() == ours[f"{stem}.apkg"]
    assert oct((pack / stems[0] / "key-A.pdf").stat().st_mode & 0o777) == "0o600"  # keys are confidential

    # Grading reads the pack's quiz and answer-sheet files.
    _grade_from_the_pack(pack / stems[0], tmp_path / "grading")

    # Opted in (an internal site): the pack becomes a section of the site; nothing else changes.
    inside = write_config(tmp_path / "internal", CONTENT, plugin={"trainer_pack_in_site": True})
    site2, pack2 = tmp_path / "site2", tmp_path / "pack2"
    run = playbook("build", "--config", str(inside), "--site-dir", str(site2), "--pack-dir", str(pack2))
    assert run.returncode == 0, run.stderr
    assert "网站没有访问控制" in run.stdout and "不在网站里" not in run.stdout
    section = _files(site2 / "trainer-pack")
    assert section == _files(pack2) == _files(pack)
    trainers = (site2 / "trainers" / "index.html").read_text(encoding="utf-8")
    assert "没有权限控制" in trainers and "../trainer-pack/new-hire-sales-office/paper-A.pdf" in trainers
    plain, opted = _files(site), _files(site2)
    assert set(opted) - set(plain) == {f"trainer-pack/{name}" for name in section} | {"trainers/index.html"}
    assert set(plain) - set(opted) == set()
    # Every other file is the same but for the nav entry and the new page's search entries.
    changed = sorted(n for n in plain if plain[n] != opted[n])
    assert changed and all(n.endswith(".html") or n.startswith("search/") or n == "sw.js" for n in changed), changed
    for name in changed:
        if name.endswith(".html") and "<article" in plain[name].decode():
            ours_article = re.search(r"<article.*?</article>", plain[name].decode(), re.S)
            theirs_article = re.search(r"<article.*?</article>", opted[name].decode(), re.S)
            assert ours_article.group(0) == theirs_article.group(0), name


@pytest.fixture(scope="module")
def tiny_quizzes(tmp_path_factory) -> Path:
    """The shipped specs and one that asks every question its one small procedure has."""
    return quizzes_with_a_tiny_spec(tmp_path_factory.mktemp("quizzes"), _content(), versions=2)


@pytest.mark.slow
def test_a_small_pool_shows_exam_questions_only_where_the_coverage_report_says(
        tmp_path: Path, tiny_quizzes: Path) -> None:
    config = write_config(tmp_path / "project", CONTENT, plugin={"quizzes_dir": str(tiny_quizzes)})
    site, pack = tmp_path / "site", tmp_path / "pack"
    run = playbook("build", "--config", str(config), "--site-dir", str(site), "--pack-dir", str(pack))
    assert run.returncode == 0, run.stderr
    _assert_no_exam_file(site)
    texts = _site_texts(site)
    _assert_reader_sees_practice(texts, tiny_quizzes)
    leaks = _leaks(texts, _pack_prompts(pack))
    # Reported, not silent: what the site shows of the exams is exactly the report's list, on the pages it names.
    shared = json.loads((pack / "tiny-drill" / "coverage.json").read_text(encoding="utf-8"))["shared"]
    tiny = {q["id"] for q in json.loads((pack / "tiny-drill" / "quiz-A.json").read_text(encoding="utf-8"))["questions"]}
    assert leaks and set(leaks) == {e["id"] for e in shared} == tiny
    title = _content().procedures[TINY_PROC].title
    pages = {f"自测页「{TINY_TITLE}」": "quizzes/tiny-drill/index.html",
             f"流程页「{title}」": f"procedures/{TINY_PROC}.html"}
    search = {"search/search_index.json", "search/search_index.js"}
    for entry in shared:
        assert leaks[entry["id"]] - search == {pages[where] for where in entry["where"]}, entry
    report = (pack / "tiny-drill" / "coverage.html").read_text(encoding="utf-8")
    assert f"也出现在手册练习里的考试题（{len(tiny)} 道）" in report
    for stem in ("new-hire-sales-office", "service-advisor-reception", "all-staff-complaints-care"):
        assert json.loads((pack / stem / "coverage.json").read_text(encoding="utf-8"))["shared"] == []
    strict = playbook("check", "--strict", "--content", str(CONTENT), "--quizzes", str(tiny_quizzes))
    assert strict.returncode == 1
    said = re.findall(r"(\S+):1:1: warning\[Q010\]: 这份测验有 (\d+) 道考试题", strict.stdout + strict.stderr)
    assert [(Path(f).name, n) for f, n in said] == [("tiny-drill.yaml", str(len(tiny)))]


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=200) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except OSError:
        return 0, ""


@pytest.mark.slow
def test_serve_shows_only_the_readers_site(tmp_path: Path) -> None:
    config = write_config(tmp_path / "project", CONTENT)
    spec = "new-hire-sales-office"
    with preview_server(CONTENT, config, tmp_path / "serve.log") as (server, port):
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while _fetch(f"{base}/quizzes/{spec}/index.html")[0] != 200:
            assert server.poll() is None and time.monotonic() < deadline, "the preview never served the spec page"
            time.sleep(0.5)
        shown = (f"quizzes/{spec}/index.html", "search/search_index.json", "procedures/sales-office-reception.html")
        texts = {name: _plain(_fetch(f"{base}/{name}")[1]) for name in shown}
        for name in ("trainer-pack/index.html", f"trainer-pack/{spec}/paper-A.pdf", "trainers/index.html",
                     *(f"quizzes/{spec}/{n}" for n in ("paper-A.pdf", "key-A.html", "quiz-A.json", "sheet-A.json"))):
            assert _fetch(f"{base}/{name}")[0] == 404, name
    content = _content()
    quiz = next(s for s in load_specs(REPO / "quizzes", content) if s.stem == spec)
    practice = [_plain(q.prompt) for q in spec_practice(content, quiz, exam_set(content, REPO / "quizzes")).questions]
    assert practice and all(p in texts[f"quizzes/{spec}/index.html"] and p in texts["search/search_index.json"]
                            for p in practice)
    assert _leaks(texts, _exam_prompts(REPO / "quizzes")) == {}
    assert not (tmp_path / "project" / "trainer-pack").exists()


@pytest.mark.slow
def test_a_pack_inside_the_site_is_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path / "project", CONTENT, plugin={"printables": "never"})
    site = tmp_path / "site"
    run = playbook("build", "--config", str(config), "--site-dir", str(site), "--pack-dir", str(site / "pack"))
    assert run.returncode == 1
    assert "error[B002]" in run.stderr and "Traceback" not in run.stderr
    assert not site.exists()
