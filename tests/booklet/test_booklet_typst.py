"""Booklets and read-and-sign sheets on the Typst print layer: content is data, never markup; steps are
kept whole (unless taller than a page); same input, same bytes; real bold CJK fonts."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from generator.booklet.render import (
    booklet_data,
    booklet_document,
    build_site_booklets,
    signoff_data,
    site_jobs,
    write_booklet,
    write_signoff,
)
from generator.booklet.view import booklet_view
from generator.loader import load_or_raise
from generator.print import TypstDocument, typst_compiler

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "print"))
from typst_support import HOSTILE  # noqa: E402

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
ROLE = "service-advisor"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdftotext(pdf: Path, page: int | None = None, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else [])
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdfinfo(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def write_content(root: Path, procedures: list[dict], phrases: list[dict], glossary: list[dict]) -> Path:
    """A small valid content/ tree: two roles, one domain, the given procedures, phrases, glossary."""
    dump = lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)  # noqa: E731
    for folder in ("procedures", "phrases", "glossary"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "roles.yaml").write_text(dump([{"id": ROLE, "name": "服务顾问(SA)", "description": "维修接待"},
                                           {"id": "receptionist", "name": "前台接待", "description": "前台"}]),
                                     encoding="utf-8")
    (root / "domains.yaml").write_text(dump([{"id": "after-sales", "name": "售后/维修接待"}]), encoding="utf-8")
    (root / "phrases" / "test.yaml").write_text(dump(phrases), encoding="utf-8")
    (root / "glossary" / "test.yaml").write_text(dump(glossary), encoding="utf-8")
    for proc in procedures:
        base = {"domain": "after-sales", "roles": [ROLE], "source": "test"}
        (root / "procedures" / f"{proc['id']}.yaml").write_text(dump({**base, **proc}), encoding="utf-8")
    return root


def _texts_content(root: Path, texts: list[str]) -> Path:
    """A procedure whose every printed field carries the given texts (in turn), role phrases and a
    glossary term made of them too."""
    t = lambda k: texts[k % len(texts)]  # noqa: E731
    steps = [{"title": f"步骤{i}：{t(i)}", "points": [f"要点：{t(i + 1)}"], "must": [f"必须：{t(i + 2)}"],
              "never": [f"严禁：{t(i + 3)}"], "timing": [f"时限：{t(i + 4)}"], "why": f"原因：{t(i + 5)}",
              "phrases": [{"text": f"用语：{t(i)}", "when": f"场合：{t(i + 1)}"}]} for i in range(4)]
    proc = {"id": "proc", "title": f"标题 {t(0)}", "summary": f"摘要 {t(1)}", "steps": steps,
            "must": [f"全程必须 {t(2)}"], "never": [f"全程严禁 {t(3)}"], "notes": [f"注意 {t(4)}"]}
    phrases = [{"id": "p", "text": f"岗位用语 {t(5)}", "when": f"岗位场合 {t(0)}", "roles": [ROLE], "source": "test"}]
    glossary = [{"term": f"术语 {t(1)}", "full": f"全称 {t(2)}", "definition": f"解释 {t(3)}", "source": "test"}]
    return write_content(root, [proc], phrases, glossary)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The booklet and sign sheet of hostile content, and of plain content with the same texts but
    every markup character replaced by a letter."""
    tmp = tmp_path_factory.mktemp("hostile")
    out = {}
    plain = [re.sub(r"[^\w\s]", "x", x) for x in HOSTILE]  # the same texts, markup characters replaced
    for name, texts in (("hostile", HOSTILE), ("plain", plain)):
        content, _ = load_or_raise(_texts_content(tmp / name / "content", texts))
        write_booklet(content, tmp / f"{name}.pdf", role=ROLE)
        write_signoff(content, tmp / f"{name}-sign.pdf", role=ROLE)
        out[name] = (content, tmp / f"{name}.pdf", tmp / f"{name}-sign.pdf")
    return out


def test_hostile_text_is_printed_literally_and_never_changes_the_layout(hostile: dict) -> None:
    content, booklet, sign = hostile["hostile"]
    _, plain_booklet, plain_sign = hostile["plain"]
    proc = content.procedures["proc"]
    shown = [proc.title, proc.summary, *proc.must, *proc.never, *proc.notes]
    for s in proc.steps:
        shown += [s.title, *s.points, *s.must, *s.never, *s.timing, s.why]
        shown += [x for ph in s.phrases for x in (ph.text, ph.when)]
    shown += [x for ph in content.phrases.values() for x in (ph.text, ph.when)]
    shown += [x for t in content.glossary for x in (t.term, t.full, t.definition)]
    text = squash(pdftotext(booklet))
    for piece in shown:
        assert squash(piece) in text, piece
    for piece in ("#text(size:80pt)[巨大]", '#panic("注入")//', "//注释/*块", "$x^2$", "\\反斜杠\\"):
        assert piece in text, piece
    assert squash(proc.title) in squash(pdftotext(booklet, page=2))  # in the contents too
    assert squash(proc.title) in squash(pdftotext(sign))
    for mine, plain in ((booklet, plain_booklet), (sign, plain_sign)):
        assert pdfinfo(mine)["Pages"] == pdfinfo(plain)["Pages"]
        assert pdfinfo(mine)["Page size"] == pdfinfo(plain)["Page size"] and "A4" in pdfinfo(mine)["Page size"]
    assert pdfinfo(booklet)["Title"] == "服务顾问(SA)岗位手册"
    assert pdfinfo(sign)["Title"] == "服务顾问(SA)阅读确认单"


def test_outline_holds_the_hostile_titles_as_text(hostile: dict) -> None:
    content, booklet, _ = hostile["hostile"]
    proc = content.procedures["proc"]
    outline = PdfReader(str(booklet)).outline
    labels = [item.title for item in outline if not isinstance(item, list)]
    assert labels == ["服务顾问(SA)岗位手册", "目录", proc.title, "本岗位规范用语", "术语表", "笔记"]
    steps = outline[labels.index(proc.title) + 1]
    assert [squash(s.title) for s in steps] == [squash(f"{s.number}{s.title}") for s in booklet_view(
        content, role=ROLE).procedures[0].steps]


def test_cover_says_when_content_is_not_committed(hostile: dict) -> None:
    _, booklet, _ = hostile["plain"]
    cover = squash(pdftotext(booklet, page=1))
    assert "部分内容尚未提交到git" in cover and "第" not in pdftotext(booklet, page=1)


def _long_content(root: Path) -> Path:
    """Forty steps of varying height (steps must move whole to the next page) and one step taller
    than a page (it must break instead of running off the page)."""
    steps = []
    for i in range(1, 41):
        steps.append({"title": f"第{i}步标题甲{i}乙",
                      "points": [f"要点{i}之{k}丙" + "认真核对客户资料并记录" * (1 + (i + k) % 3)
                                 for k in range(1 + i % 4)] + [f"末尾{i}丁"],
                      "phrases": [{"text": f"内联用语{i}庚，请您稍候。", "when": "客户等待时"}]})
    huge = {"title": "超长步骤", "points": [f"超长要点{k}：" + "逐项核对并签字确认" * 4 for k in range(90)] + ["超长末尾"]}
    procs = [{"id": "long", "title": "很长的测试流程", "summary": "用来测试分页", "steps": steps},
             {"id": "huge", "title": "一步很长的流程", "steps": [huge]}]
    return write_content(root, procs, [{"id": "p", "text": "您好", "when": "进门", "roles": [ROLE], "source": "t"}],
                         [{"term": "SA", "definition": "服务顾问", "source": "t"}])


def test_steps_are_kept_whole_and_a_step_taller_than_a_page_breaks(tmp_path: Path) -> None:
    content, _ = load_or_raise(_long_content(tmp_path / "content"))
    pdf = tmp_path / "long.pdf"
    pages = write_booklet(content, pdf, role=ROLE)
    texts = [squash(pdftotext(pdf, page=n)) for n in range(1, pages + 1)]

    def on(marker: str) -> list[int]:
        return [n for n, t in enumerate(texts, 1) if marker in t]

    for i in range(1, 41):
        title, last = on(f"第{i}步标题甲{i}乙"), on(f"末尾{i}丁")
        assert len(title) == 1 and title == last == on(f"内联用语{i}庚"), (i, title, last)
    assert len({on(f"第{i}步标题甲{i}乙")[0] for i in range(1, 41)}) > 2  # the steps did fill several pages
    first, end = on("超长步骤")[-1], on("超长末尾")[0]
    assert end > first  # broke across pages: nothing ran off the bottom
    for k in range(90):
        assert on(f"超长要点{k}："), k
    footer = re.compile(r"第\d+页/共\d+页")
    assert all(footer.search(t) for t in texts[1:])


def test_same_input_gives_byte_identical_pdfs(hostile: dict, tmp_path: Path, monkeypatch) -> None:
    content, booklet, sign = hostile["hostile"]
    monkeypatch.setenv("PLAYBOOK_CACHE", "off")
    write_booklet(content, tmp_path / "a.pdf", role=ROLE)
    write_signoff(content, tmp_path / "a-sign.pdf", role=ROLE)
    assert (tmp_path / "a.pdf").read_bytes() == booklet.read_bytes()
    assert (tmp_path / "a-sign.pdf").read_bytes() == sign.read_bytes()
    view = booklet_view(content, role=ROLE)
    assert typst_compiler.render("booklet.typ", booklet_data(view), view.changed) == \
        typst_compiler.render("booklet.typ", booklet_data(view), view.changed)
    assert b"/CreationDate" in booklet.read_bytes()
    assert pdfinfo(booklet)["CreationDate"] == pdfinfo(tmp_path / "a.pdf")["CreationDate"]


def test_real_bold_and_regular_cjk_fonts_are_embedded(hostile: dict) -> None:
    for pdf in hostile["plain"][1:]:
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = [line for line in fonts.splitlines() if "CJK" in line]
        assert any("Bold" in row for row in rows) and any("Regular" in row for row in rows), fonts
        assert all(" yes " in row for row in rows), fonts


def test_read_and_sign_marks_only_the_procedures_to_sign_again(tmp_path: Path) -> None:
    procs = [{"id": pid, "title": title, "steps": [{"title": "第一步"}]}
             for pid, title in (("a", "接车问诊"), ("b", "交车结算"), ("c", "回访"))]
    content, _ = load_or_raise(write_content(tmp_path / "content", procs, [], []))
    view = booklet_view(content, role=ROLE, recheck={"b"}, since="2024-01-01")
    pdf = tmp_path / "sign.pdf"
    pdf.write_bytes(typst_compiler.render("signoff.typ", signoff_data(view), view.changed))
    text = pdftotext(pdf, layout=True)
    rows = {line.split()[1]: line for line in text.splitlines() if re.match(r"^\s*\d+\s", line)}
    assert set(rows) == {"接车问诊", "交车结算", "回访"}
    assert "需重新确认" in rows["交车结算"]
    assert "需重新确认" not in rows["接车问诊"] + rows["回访"]
    assert "自2024-01-01以来有变化" in squash(text)
    for column in ("序", "流程", "版本", "姓名", "日期", "签字", "门店", "工号", "主管核对签字"):
        assert column in text
    for p in view.procedures:
        assert p.version.digest in text


def test_a_long_sign_sheet_repeats_its_header_row(tmp_path: Path) -> None:
    procs = [{"id": f"p{i}", "title": f"流程{i}号", "steps": [{"title": "第一步"}]} for i in range(40)]
    content, _ = load_or_raise(write_content(tmp_path / "content", procs, [], []))
    pdf = tmp_path / "sign.pdf"
    pages = write_signoff(content, pdf, role=ROLE)
    assert pages >= 2
    for n in range(1, pages + 1):
        page = pdftotext(pdf, page=n)
        assert "姓名" in page and "签字" in page and f"第{n}页/共{pages}页" in squash(page)
    text = squash(pdftotext(pdf))
    assert all(f"流程{i}号" in text for i in range(40))


def test_a_role_without_phrases_or_glossary_has_no_empty_sections(tmp_path: Path) -> None:
    procs = [{"id": "a", "title": "接车问诊", "steps": [{"title": "第一步"}]}]
    content, _ = load_or_raise(write_content(tmp_path / "content", procs, [], []))
    pdf = tmp_path / "b.pdf"
    assert write_booklet(content, pdf, role=ROLE) == 4  # cover, contents, the procedure, notes
    labels = [item.title for item in PdfReader(str(pdf)).outline if not isinstance(item, list)]
    assert labels == ["服务顾问(SA)岗位手册", "目录", "接车问诊", "笔记"]


def test_site_jobs_are_typst_documents_and_build_the_booklet_folder(hostile: dict, tmp_path: Path) -> None:
    content = hostile["plain"][0]
    jobs = site_jobs(content)
    assert [(j.folder, j.name) for j in jobs] == [("booklets", "role-service-advisor.pdf"),
                                                  ("booklets", "role-service-advisor-sign.pdf")]
    assert all(isinstance(j.document, TypstDocument) for j in jobs)
    assert jobs[0].document == booklet_document(booklet_view(content, role=ROLE))
    written = build_site_booklets(content, tmp_path / "site" / "booklets")
    assert [p.name for p in written] == ["role-service-advisor-sign.pdf", "role-service-advisor.pdf"]
    assert (tmp_path / "site" / "booklets" / "role-service-advisor.pdf").read_bytes() == \
        hostile["plain"][1].read_bytes()


def test_the_booklet_command_writes_the_booklet_and_the_sign_sheet(tmp_path: Path) -> None:
    code = ("import sys\nfrom generator.cli import main\n"
            f"code = main(['booklet', '--role', 'receptionist', '--out', {str(tmp_path / 'b.pdf')!r}])\n"
            f"code += main(['booklet', '--role', 'receptionist', '--sign', '--out', {str(tmp_path / 's.pdf')!r}])\n"
            "print(code)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1:] == ["0"], done.stdout
    assert (tmp_path / "b.pdf").stat().st_size > 10000 and (tmp_path / "s.pdf").stat().st_size > 5000
