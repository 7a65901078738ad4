"""Real checklist PDFs from Typst, read back with poppler: text, fonts, pages, page breaks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checklist_support import CONTENT, long_procedure, pages, pdffonts, pdfinfo, pdftotext, squash, write_content  # noqa: E402

from generator.checklist import render_checklists  # noqa: E402
from generator.checklist.render import role_jobs  # noqa: E402
from generator.checklist.view import checklist_views  # noqa: E402
from generator.loader import load_or_raise  # noqa: E402
from generator.print import print_document  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shipped():
    content, _ = load_or_raise(CONTENT)
    return content


def phrase_texts(content, proc) -> list[str]:
    out = []
    for step in proc.steps:
        for use in step.phrases:
            out.append(content.phrases[use].text if isinstance(use, str) else use.text)
    return out


@pytest.fixture(scope="module")
def reception(shipped, tmp_path_factory):
    out = tmp_path_factory.mktemp("reception")
    a4 = render_checklists(shipped, ["sales-office-reception"], "a4", out)
    a6 = render_checklists(shipped, ["sales-office-reception"], "a6", out)
    return a4[0], a6[0]


def test_reception_a4_has_every_step_and_phrase_on_one_page(shipped, reception):
    a4, _ = reception
    assert a4.name == "sales-office-reception.pdf"
    proc = shipped.procedures["sales-office-reception"]
    assert len(proc.steps) == 15
    assert pages(a4) == 1
    text = squash(pdftotext(a4))
    for step in proc.steps:
        assert squash(step.title) in text
        for rule in step.must + step.never + step.timing:
            assert squash(rule) in text
    for phrase in phrase_texts(shipped, proc):
        assert squash(phrase) in text
    for label in ("日期", "接待人", "主管签字", "售楼处客户接待", "置业顾问"):
        assert label in text


def test_reception_card_has_every_step_and_phrase(shipped, reception):
    _, a6 = reception
    assert a6.name == "sales-office-reception-a6.pdf"
    info = pdfinfo(a6)
    width, height = (float(x) for x in info["Page size"].split()[0:3:2])
    assert (round(width), round(height)) == (298, 420)  # A6 in points
    text = squash(pdftotext(a6))
    proc = shipped.procedures["sales-office-reception"]
    for step in proc.steps:
        assert squash(step.title) in text
    for phrase in phrase_texts(shipped, proc):
        assert squash(phrase) in text
    assert squash(proc.steps[1].points[0]) not in text  # the card carries titles and phrases only


def test_cjk_font_is_embedded(reception):
    for pdf in reception:
        fonts = pdffonts(pdf)
        cjk = [f for f in fonts if "CJK" in f["name"]]
        assert cjk, fonts
        assert all(f["emb"] == "yes" for f in fonts), fonts  # every font, not only the CJK one


def test_pdf_dates_come_from_content_and_output_is_reproducible(shipped, reception, tmp_path):
    a4, _ = reception
    view = checklist_views(shipped, ["sales-office-reception"])[0]
    info = pdfinfo(a4)
    created = info["CreationDate"]
    assert created.startswith(view.changed.astimezone(__import__("datetime").timezone.utc).strftime("%Y-%m-%dT%H:%M"))
    again = render_checklists(shipped, ["sales-office-reception"], "a4", tmp_path)[0]
    assert again.read_bytes() == a4.read_bytes()


def test_every_shipped_procedure_renders_with_its_steps(shipped, tmp_path):
    written = render_checklists(shipped, None, "a4", tmp_path)
    assert len(written) == len(shipped.procedures) >= 1
    for pid, proc in shipped.procedures.items():
        text = squash(pdftotext(tmp_path / f"{pid}.pdf"))
        missing = [s.title for s in proc.steps if squash(s.title) not in text]
        missing += [p for p in phrase_texts(shipped, proc) if squash(p) not in text]
        assert not missing, (pid, missing)


def _long_checklist(tmp_path: Path, steps: int, size: str):
    """A long procedure's checklist: the content, its page count and each page's squashed text."""
    root = write_content(tmp_path / "content", [long_procedure(steps)])
    content, _ = load_or_raise(root)
    pdf = render_checklists(content, None, size, tmp_path / "out")[0]
    n = pages(pdf)
    return content, n, {i: squash(pdftotext(pdf, i)) for i in range(1, n + 1)}


def _pages_with(page_text: dict[int, str], title: str) -> list[int]:
    return [i for i, t in page_text.items() if squash(title) in t]


def test_long_procedure_breaks_between_steps_with_header_repeated(tmp_path):
    content, n, page_text = _long_checklist(tmp_path, 45, "a4")
    assert n >= 3
    proc = content.procedures["long-procedure"]
    for step in proc.steps:
        holders = _pages_with(page_text, step.title)
        assert len(holders) == 1, (step.title, holders)
        page = page_text[holders[0]]
        for piece in step.points + step.must + step.never + step.timing:
            assert squash(piece) in page, (step.title, piece, holders)
    assert "很长的测试流程（续）" not in page_text[1]
    for i in range(2, n + 1):
        assert "很长的测试流程（续）" in page_text[i]  # the running header on continuation pages
        assert "主管签字" in page_text[i]  # and the sign-off footer on every page
    # the steps come in order across pages
    order = [next(i for i, t in page_text.items() if squash(s.title) in t) for s in proc.steps]
    assert order == sorted(order)


def test_long_card_breaks_between_steps(tmp_path):
    content, n, page_text = _long_checklist(tmp_path, 30, "a6")
    assert n >= 2
    for step in content.procedures["long-procedure"].steps:
        holders = _pages_with(page_text, step.title)
        assert len(holders) == 1
        phrase = step.phrases[0]
        text = content.phrases[phrase].text if isinstance(phrase, str) else phrase.text
        assert squash(text) in page_text[holders[0]]


@pytest.mark.parametrize("size", ["a4", "a6"])
def test_daily_procedure_is_a_weekday_table(tmp_path, size):
    root = write_content(tmp_path / "content", [long_procedure(28, pid="daily-open", recurring="daily")])
    content, _ = load_or_raise(root)
    pdf = render_checklists(content, None, size, tmp_path / "out")[0]
    n = pages(pdf)
    if size == "a6":
        info = pdfinfo(pdf)
        width, height = (float(x) for x in info["Page size"].split()[0:3:2])
        assert width > height  # the weekday card is landscape
    assert n >= 2
    for i in range(1, n + 1):
        # the weekday header row repeats on every page of the table
        assert "一二三四五六日" in squash(pdftotext(pdf, i)), i
    text = squash(pdftotext(pdf))
    for step in content.procedures["daily-open"].steps:
        assert squash(step.title) in text
    assert "执行人签名" in text


def test_shipped_role_pdf_holds_all_its_procedures(shipped, tmp_path):
    views = checklist_views(shipped)
    jobs = {job.name: job for job in role_jobs(shipped, views)}
    counts = {rid: sum(rid in p.roles for p in shipped.procedures.values()) for rid in shipped.roles}
    assert set(jobs) == {f"role-{rid}.pdf" for rid, c in counts.items() if c}
    # the role with the fewest procedures keeps this test quick; every role is built the same way
    rid = min((r for r, c in counts.items() if c), key=lambda r: (counts[r], r))
    pdf = tmp_path / f"role-{rid}.pdf"
    pdf.write_bytes(print_document(jobs[pdf.name].document).data)
    assert pdfinfo(pdf)["Title"] == f"{shipped.roles[rid].name}全部检查表"
    text = squash(pdftotext(pdf))
    for proc in shipped.procedures.values():
        if rid in proc.roles:
            assert squash(proc.title) in text
            assert all(squash(s.title) in text for s in proc.steps)


def test_role_pdf_each_procedure_starts_on_a_new_page(tmp_path):
    root = write_content(tmp_path / "content", [
        {**long_procedure(3, pid="alpha"), "title": "甲流程"},
        {**long_procedure(3, pid="beta"), "title": "乙流程"},
        {**long_procedure(3, pid="gamma"), "title": "丙流程", "roles": ["receptionist"]},
    ])
    content, _ = load_or_raise(root)
    jobs = {job.name: job for job in role_jobs(content, checklist_views(content))}
    pdf = tmp_path / "role-service-advisor.pdf"
    pdf.write_bytes(print_document(jobs[pdf.name].document).data)
    assert pages(pdf) == 2
    assert "甲流程" in pdftotext(pdf, 1) and "乙流程" in pdftotext(pdf, 2)
    assert "丙流程" not in pdftotext(pdf)


def test_cli_writes_the_named_checklists(cli, tmp_path):
    out = tmp_path / "out"
    run = cli("checklist", "sales-office-reception", "--size", "a6", "--content", str(CONTENT), "--out", str(out))
    assert run.code == 0, run.err
    # no staging left; the marker names the folder as the checklists' own
    assert sorted(p.name for p in out.iterdir()) == [".playbook-output.json", "sales-office-reception-a6.pdf"]
    assert run.out.strip().endswith("sales-office-reception-a6.pdf")
    assert "已生成 1 个A6 柜台卡 PDF" in run.err
    assert "售楼处客户接待" in pdftotext(out / "sales-office-reception-a6.pdf")
