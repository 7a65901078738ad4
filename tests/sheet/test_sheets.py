"""Answer sheets end to end: printed sheet -> pixels -> a synthetic trainee's marks -> a copier or
a phone -> `playbook grade` -> results. Zero silent errors; every doubt flagged."""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from generator.quiz.scoring import is_correct
from generator.sheet import ink, read, scan
from generator.sheet.layout import parse_qr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import distort, fill, rasterise  # noqa: E402

from tests.conftest import made_once, run_cli  # noqa: E402

CLI_IN_PROCESS = True
"""`cli` runs `playbook quiz` and `grade` through the CLI in this process: these tests are about
what grading reads and writes (the module's shared quiz is made by a real process)."""

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "quizzes" / "new-hire-sales-office.yaml"


@pytest.fixture(scope="module")
def quiz_dir(tmp_path_factory) -> Path:
    """Four answer sheets of each version and the quiz files, made once per run for both test workers."""
    def quiz(root: Path) -> None:
        run = run_cli("quiz", str(SPEC), "--out", str(root / "quiz"), "--format", "json,sheet", "--sheets", "4")
        assert run.code == 0, run.err

    return made_once(tmp_path_factory, "sheets-quiz", quiz) / "quiz"


def _load(quiz_dir: Path, v: str) -> tuple[dict, dict, bytes]:
    return (json.loads((quiz_dir / f"quiz-{v}.json").read_text(encoding="utf-8")),
            json.loads((quiz_dir / f"sheet-{v}.json").read_text(encoding="utf-8")),
            (quiz_dir / f"sheet-{v}.pdf").read_bytes())


# --- the judgement of one bubble ------------------------------------------------------------------

@pytest.mark.parametrize(("fill_", "faint", "arms", "state"), [
    (0.0, 0.05, 0, "empty"), (0.0, 0.05, 1, "empty"),          # a neighbour's stroke passing by
    (0.97, 1.0, 0, "marked"), (0.95, 1.0, 1, "marked"),        # solid fill, a little overshoot
    (0.3, 0.4, 1, "marked"), (0.4, 0.45, 4, "marked"),         # a tick, a cross through the bubble
    (1.0, 1.0, 4, "withdrawn"),                                # filled, then crossed out
    (0.0, 0.6, 0, "unclear"), (0.3, 0.4, 0, "unclear"),        # light pencil, a partial fill
    (0.7, 0.8, 4, "unclear"), (1.0, 1.0, 2, "unclear"),        # half-filled and crossed; in between
])
def test_ink_judgement(fill_: float, faint: float, arms: int, state: str) -> None:
    assert ink.judge(fill_, faint, arms) == state


@pytest.mark.slow
def test_layout_is_data_the_grader_follows(quiz_dir: Path) -> None:
    quiz, layout, _pdf = _load(quiz_dir, "A")
    assert layout["page_mm"] == [210.0, 297.0] and len(layout["markers"]) == 4 and layout["qr"]["box_mm"]
    assert [q["id"] for q in layout["questions"]] == [q["id"] for q in quiz["questions"]]
    for q, lq in zip(quiz["questions"], layout["questions"]):
        assert lq["number"] == quiz["questions"].index(q) + 1
        if isinstance(q["answer"], list):
            n = len(q["options"])
            assert sorted((b["item"], b["position"]) for b in lq["bubbles"]) == [(i, p) for i in range(n) for p in
                                                                                  range(1, n + 1)]
        else:
            assert [b["option"] for b in lq["bubbles"]] == list(range(len(q["options"])))
        for b in lq["bubbles"]:
            x, y = b["center_mm"]
            assert 10 < x < 200 and 55 < y < 270 and b["radius_mm"] > 2


@pytest.mark.slow
def test_sheet_pdf_prints_what_a_trainee_needs_with_cjk_fonts(quiz_dir: Path) -> None:
    pdf = quiz_dir / "sheet-A.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 4
    for needle in ("答题卡", "新员工第一周·售楼处接待", "A 卷", "姓名", "工号", "涂满圆圈", "打 ×", "不要折叠", "序号 003"):
        assert needle in text, needle
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    # name type... encoding emb sub uni object gen: the last five columns are fixed
    cjk = [line.split() for line in fonts.splitlines()[2:] if "CJK" in line]
    assert cjk and all(parts[-5] == "yes" for parts in cjk), fonts  # embedded
    assert any("Bold" in parts[0] for parts in cjk), fonts  # the real Bold face, not a synthesised one


@pytest.mark.slow
def test_clean_scan_reads_every_mark_and_the_qr(quiz_dir: Path) -> None:
    quiz, layout, pdf = _load(quiz_dir, "A")
    img = rasterise(pdf, 200, page=2)
    truth = fill(img, 200, layout, random.Random(7), ambiguous=0.0, staff_id="20481")
    straight = scan.straighten(img, scan.find_markers(img))
    qr = parse_qr(scan.read_qr(straight) or "")
    assert qr and qr["serial"] == "003" and qr["version"] == "A" and qr["fingerprint"] == layout["fingerprint"]
    dark = scan.darkness(straight)
    answers = read.read_sheet(dark, layout)
    assert [a.chosen for a in answers] == [t.expect for t in truth]
    assert all(a.flag is None for a in answers)
    assert read.read_staff_id(dark, layout["id_grid"]) == ("20481", True)


DISTORTIONS = {
    "flat": {},
    "askew+5": {"angle": 5.0},
    "askew-5": {"angle": -5.0, "noise": 6.0},
    "upside-down": {"angle": 180.0},
    "phone": {"phone": True, "noise": 8.0, "blur": 3, "jpeg": 50},
    "jpeg50-blur": {"jpeg": 50, "blur": 5, "angle": 2.0},
    "one-bit": {"one_bit": True, "angle": -1.5},
}


@pytest.mark.slow
def test_synthetic_stack_zero_silent_errors_every_doubt_flagged(quiz_dir: Path) -> None:
    """Many random answer sheets marked the way people mark, through scanners and phones."""
    quiz, layout, pdf = _load(quiz_dir, "A")
    clean = flagged_clean = ambiguous = 0
    silent: list[str] = []
    missed: list[str] = []
    for dpi in (150, 200, 300):
        base = rasterise(pdf, dpi)
        for name, how in DISTORTIONS.items():
            for trial in range(2):
                rng = random.Random(f"{dpi}-{name}-{trial}")
                img = base.copy()
                truth = fill(img, dpi, layout, rng, ambiguous=0.25)
                img = distort(img, rng, **how)
                straight = scan.straighten(img, scan.find_markers(img))
                assert scan.read_qr(straight), f"QR unread at {dpi} dpi, {name}"
                for t, a in zip(truth, read.read_sheet(scan.darkness(straight), layout)):
                    where = f"{dpi}dpi {name} #{trial} {t.question} {t.kind}"
                    if t.expect is None:
                        ambiguous += 1
                        if a.flag is None:
                            missed.append(f"{where}: read {a.chosen}, should be flagged")
                    elif t.expect_flag:  # a blank question
                        clean += 1
                        if a.flag != t.expect_flag:
                            if a.flag is None:
                                silent.append(f"{where}: read {a.chosen} for a blank")
                            else:
                                flagged_clean += 1
                    else:
                        clean += 1
                        if a.flag is not None:
                            flagged_clean += 1
                        elif a.chosen != t.expect:
                            silent.append(f"{where}: read {a.chosen}, marked {t.expect}")
    rate = flagged_clean / clean
    print(f"\nclean marks: {clean}, flagged for review: {flagged_clean} ({rate:.1%}); ambiguous marks: {ambiguous}, "
          f"all flagged: {not missed}")
    assert not silent, silent[:10]
    assert not missed, missed[:10]
    assert ambiguous > 50 and clean > 500
    assert rate < 0.08, f"too many clean marks sent to review: {rate:.1%}"


def _roster_csv(path: Path, n: int) -> list[tuple[str, str]]:
    people = [(f"学员{i:02d}", f"{30000 + i}") for i in range(1, n + 1)]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["姓名", "工号", "门店"])
        for name, staff_id in people:
            w.writerow([name, staff_id, "万科城"])
    return people


@pytest.mark.slow
def test_grade_a_mixed_stack_of_thirty_with_roster_and_bad_pages(tmp_path: Path, cli) -> None:
    """A roster of 30, A and B sheets mixed in one PDF, plus a page of another document, the same
    sheet scanned twice and a sheet printed before the content changed."""
    roster = tmp_path / "名单.csv"
    people = dict((sid, name) for name, sid in _roster_csv(roster, 30))
    quiz_dir = tmp_path / "quiz"
    run = cli("quiz", str(SPEC), "--out", str(quiz_dir), "--format", "json,sheet,pdf", "--roster", str(roster))
    assert run.code == 0, run.err
    older = tmp_path / "older"  # the same spec made with another seed: other questions, other fingerprint
    assert cli("quiz", str(SPEC), "--out", str(older), "--format", "json,sheet", "--sheets", "1",
               "--seed", "99").code == 0

    rng = random.Random(30)
    pages, expected = [], {}
    for v in ("A", "B"):
        quiz, layout, pdf = _load(quiz_dir, v)
        count = len(subprocess.run(["pdftotext", str(quiz_dir / f"sheet-{v}.pdf"), "-"], capture_output=True,
                                   text=True, check=True).stdout.split("\f")) - 1
        assert count == 15  # the roster alternates A, B
        for p in range(count):
            img = rasterise(pdf, 150, p)
            truth = fill(img, 150, layout, rng, ambiguous=0.1)
            straight = scan.straighten(img, scan.find_markers(img))
            serial = parse_qr(scan.read_qr(straight))["serial"]
            expected[(v, serial)] = {t.question: t for t in truth}
            pages.append(distort(img, rng, angle=rng.choice([0.0, 1.5, -2.0, 180.0]), noise=4.0))
    rng.shuffle(pages)
    foreign = rasterise((quiz_dir / "paper-A.pdf").read_bytes(), 150)
    old = rasterise((older / "sheet-A.pdf").read_bytes(), 150)
    stack = [Image.fromarray(p) for p in pages[:10] + [foreign] + pages[10:] + [pages[3], old]]
    stack[0].save(tmp_path / "scan.pdf", save_all=True, append_images=stack[1:], resolution=150)

    out = tmp_path / "results"
    run = cli("grade", str(tmp_path / "scan.pdf"), "--quiz", str(quiz_dir), "--roster", str(roster),
              "--out", str(out))
    assert run.code == 1, run  # bad pages were reported
    assert "Traceback" not in run.err
    errors = [line for line in run.err.splitlines() if "error[" in line]
    codes = sorted(line.split("error[")[1][:4] for line in errors)
    assert codes == ["G001", "G004", "G005"], run.err
    assert any(":11:1: error[G001]" in line and "第 11 页" in line for line in errors), errors
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    sheets = results["sheets"]
    assert len(sheets) == 30
    assert {s["trainee"]["id"] for s in sheets} == set(people)
    assert all(people[s["trainee"]["id"]] == s["trainee"]["name"] for s in sheets)
    for s in sheets:
        assert set(s) >= {"quiz", "version", "serial", "trainee", "responses", "score", "passed"}
        truth = expected[(s["version"], s["serial"])]
        quiz = json.loads((quiz_dir / f"quiz-{s['version']}.json").read_text(encoding="utf-8"))
        answers = {q["id"]: q for q in quiz["questions"]}
        for r in s["responses"]:
            assert r["flag"] in (None, "blank", "multiple", "unclear")
            t = truth[r["question"]]
            if r["flag"] is None:  # read without doubt: read right, and marked right or wrong by the key
                assert r["chosen"] == t.expect, (s["serial"], t)
                assert r["correct"] == is_correct(answers[r["question"]], t.expect)
            else:
                assert not r["correct"]
            if t.expect is None:
                assert r["flag"], (s["serial"], t)
    raw = (out / "scores.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 31 and rows[0][:2] == ["姓名", "工号"]
    from python_calamine import CalamineWorkbook

    table = CalamineWorkbook.from_path(str(out / "scores.xlsx")).get_sheet_by_index(0).to_python()
    assert len(table) == 31 and {str(r[0]) for r in table[1:]} == set(people.values())


@pytest.mark.slow
def test_a_phone_photo_on_a_desk_is_graded(tmp_path: Path, quiz_dir: Path, cli) -> None:
    quiz, layout, pdf = _load(quiz_dir, "B")
    rng = random.Random(2026)
    img = rasterise(pdf, 300, page=1)
    truth = fill(img, 300, layout, rng, ambiguous=0.0, staff_id="7700123")
    photo = distort(img, rng, phone=True, noise=7.0, blur=3, jpeg=60)
    # any of the four ways a phone holds a page
    photo = np.ascontiguousarray(np.rot90(photo, k=3))
    Image.fromarray(photo).save(tmp_path / "IMG_0001.jpg", quality=85)
    out = tmp_path / "results"
    run = cli("grade", str(tmp_path / "IMG_0001.jpg"), "--quiz", str(quiz_dir), "--out", str(out))
    assert run.code == 0, run.err
    sheet = json.loads((out / "results.json").read_text(encoding="utf-8"))["sheets"][0]
    assert sheet["version"] == "B" and sheet["serial"] == "002" and sheet["trainee"]["id"] == "7700123"
    read_right = [r["chosen"] for r in sheet["responses"] if r["flag"] is None]
    assert len(read_right) >= len(truth) - 2
    assert all(r["chosen"] == t.expect for r, t in zip(sheet["responses"], truth) if r["flag"] is None)


@pytest.mark.slow
def test_review_page_decision_applied_with_corrections_changes_the_score(tmp_path: Path, quiz_dir: Path,
                                                                         browser, cli) -> None:
    quiz, layout, pdf = _load(quiz_dir, "A")
    img = rasterise(pdf, 200, page=0)
    rng = random.Random(5)
    truth = fill(img, 200, layout, rng, ambiguous=0.0, staff_id="123")
    # the trainee marked question 3 twice: the grader must ask
    q3 = next(q for q in layout["questions"] if q["kind"] == "choice")
    from synth import Pen

    t3 = next(t for t in truth if t.question == q3["id"])
    other = next(b for b in q3["bubbles"] if [b["option"]] != t3.expect)
    Pen(img, 200, rng).mark("solid", other["center_mm"], other["radius_mm"])
    Image.fromarray(img).save(tmp_path / "scan.png")
    out = tmp_path / "results"
    assert cli("grade", str(tmp_path / "scan.png"), "--quiz", str(quiz_dir), "--out", str(out)).code == 0
    before = json.loads((out / "results.json").read_text(encoding="utf-8"))["sheets"][0]
    flagged = [r for r in before["responses"] if r["flag"] == "multiple"]
    assert [r["question"] for r in flagged] == [q3["id"]]

    right = next(q for q in quiz["questions"] if q["id"] == q3["id"])["answer"]
    page = browser.new_page(accept_downloads=True)
    try:
        page.goto((out / "review.html").as_uri())
        card = page.locator(f'.item[data-question="{q3["id"]}"]')
        assert card.locator("img").count() == 1
        card.locator(f'button.opt[data-option="{right}"]').click()
        with page.expect_download() as download:
            page.click("#save")
        saved = tmp_path / "corrections.json"
        download.value.save_as(saved)
    finally:
        page.close()
    run = cli("grade", str(tmp_path / "scan.png"), "--quiz", str(quiz_dir), "--out", str(out),
              "--corrections", str(saved))
    assert run.code == 0, run.err
    after = json.loads((out / "results.json").read_text(encoding="utf-8"))["sheets"][0]
    fixed = next(r for r in after["responses"] if r["question"] == q3["id"])
    assert fixed["flag"] is None and fixed["chosen"] == [right] and fixed["correct"]
    assert after["score"] > before["score"]


@pytest.mark.slow
def test_grade_reports_bad_input_without_tracebacks(tmp_path: Path, quiz_dir: Path, cli) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("姓名,工号\n张三,1\n,2\n李四,1\n", encoding="utf-8")
    run = cli("quiz", str(SPEC), "--out", str(tmp_path / "q"), "--format", "sheet", "--roster", str(roster))
    assert run.code == 1 and "Traceback" not in run.err
    heads = [line.split(": error[")[0] for line in run.err.splitlines() if "error[G011]" in line]
    assert [h.rsplit(":", 2)[1:] for h in heads] == [["3", "1"], ["4", "2"]], run.err
    assert not (tmp_path / "q").exists()
    run = cli("grade", str(tmp_path / "nothing.pdf"), "--quiz", str(quiz_dir), "--out", str(tmp_path / "r"))
    assert run.code == 1 and "G008" in run.err and not (tmp_path / "r").exists()
    run = cli("grade", str(roster), "--quiz", str(tmp_path / "none"), "--out", str(tmp_path / "r"))
    assert run.code == 1 and "G007" in run.err and "Traceback" not in run.err
