"""Checklists on the Typst print layer: content is data, never markup; same input, same bytes; the
print cache keys on the Typst version and the font files; real bold CJK fonts embedded."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checklist_support import pages, pdffonts, pdfinfo, pdftotext, squash, write_content  # noqa: E402

from generator.checklist import render_checklists  # noqa: E402
from generator.checklist.render import checklist_data, checklist_document  # noqa: E402
from generator.checklist.view import checklist_views  # noqa: E402
from generator.loader import load_or_raise  # noqa: E402
from generator.print import documents, fonts, typst_compiler  # noqa: E402

pytestmark = pytest.mark.slow

HOSTILE = [
    "#set page(width: 1cm)",
    "#pagebreak() #pagebreak()",
    "] #text(size: 80pt)[巨大] [",
    "$x^2$ 与 *粗* 与 _斜_ 与 `代码` 与 @引用 与 <标签> 与 {花括号} 与 \\反斜杠\\ 与 // 注释",
    '"); #panic("注入") //',
    "#sys.inputs.data",
]


def _procedure(pid: str, texts: list[str]) -> dict:
    """Four steps whose title, point, rules and phrase carry the given texts (one each, in turn)."""
    steps = []
    for i in range(4):
        t = lambda k: texts[(i + k) % len(texts)]  # noqa: E731
        steps.append({"title": f"步骤{i + 1}：{t(0)}", "points": [f"要点：{t(1)}"], "must": [f"必须：{t(2)}"],
                      "never": [f"严禁：{t(3)}"], "timing": [f"时限：{t(4)}"],
                      "phrases": [{"text": f"用语：{t(5)}", "when": f"场合：{t(0)}"}]})
    return {"id": pid, "title": f"标题 {texts[0]}", "summary": f"摘要 {texts[1]}", "steps": steps,
            "must": [f"全程必须 {texts[2]}"], "never": [f"全程严禁 {texts[3]}"], "notes": [f"注意 {texts[4]}"]}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The hostile procedure and a plain one with texts of the same lengths, A4 and A6 each."""
    tmp = tmp_path_factory.mktemp("hostile")
    plain = ["文" * len(t) for t in HOSTILE]
    root = write_content(tmp / "content", [_procedure("hostile", HOSTILE), _procedure("plain", plain)])
    content, _ = load_or_raise(root)
    out = {}
    for size in ("a4", "a6"):
        for pdf in render_checklists(content, None, size, tmp / size):
            out[(pdf.stem.removesuffix("-a6"), size)] = pdf
    return content, out


@pytest.mark.parametrize("size", ["a4", "a6"])
def test_hostile_text_is_printed_literally_and_never_changes_the_layout(rendered, size):
    content, out = rendered
    hostile, plain = out[("hostile", size)], out[("plain", size)]
    text = squash(pdftotext(hostile))
    proc = content.procedures["hostile"]
    shown = [proc.title] + [s.title for s in proc.steps] + [s.phrases[0].text for s in proc.steps]
    if size == "a4":
        shown += [proc.summary, *proc.must, *proc.never, *proc.notes]
        shown += [x for s in proc.steps for x in (*s.points, *s.must, *s.never, *s.timing)]
    for piece in shown:
        assert squash(piece) in text, piece
    assert "#text(size:80pt)[巨大]" in text  # printed as the words they are, not run
    if size == "a4":
        assert '#panic("注入")' in text
    assert pdfinfo(hostile)["Page size"] == pdfinfo(plain)["Page size"]
    assert pages(hostile) == pages(plain)


def test_same_input_gives_byte_identical_pdfs(rendered, tmp_path, monkeypatch):
    content, out = rendered
    monkeypatch.setenv("PLAYBOOK_CACHE", "off")
    for size in ("a4", "a6"):
        again = render_checklists(content, ["hostile"], size, tmp_path / size)[0]
        assert again.read_bytes() == out[("hostile", size)].read_bytes()
    views = checklist_views(content, ["plain"])
    data = checklist_data(views, "a4")
    assert typst_compiler.render("checklist.typ", data) == typst_compiler.render("checklist.typ", data)


def test_real_bold_and_regular_cjk_fonts_are_embedded(rendered):
    _, out = rendered
    names = {f["name"].split("+", 1)[-1] for f in pdffonts(out[("plain", "a4")])}
    assert any("NotoSansCJK" in n and "Bold" in n for n in names), names
    assert any("NotoSansCJK" in n and "Regular" in n for n in names), names


def test_cjk_and_digits_keep_their_spacing(tmp_path):
    root = write_content(tmp_path / "content", [{"id": "x", "title": "第1题测试", "steps": [
        {"title": "第1步：提前3天通知", "points": ["最少7分钟（大小写）、交款方式"]}]}])
    content, _ = load_or_raise(root)
    text = pdftotext(render_checklists(content, None, "a4", tmp_path / "out")[0])
    assert "第1题测试" in text and "第1步：提前3天通知" in text
    assert "最少7分钟（大小写）、交款方式" in text  # adjacent punctuation is not squeezed apart


def test_cache_key_covers_typst_version_fonts_templates_and_data(rendered, monkeypatch, tmp_path):
    content, _ = rendered
    monkeypatch.setenv("PLAYBOOK_CACHE", str(tmp_path / "cache"))
    doc = checklist_document(checklist_views(content, ["plain"]), "a6")
    first = documents.print_document(doc)
    again = documents.print_document(doc)
    assert (first.cached, again.cached) == (False, True) and again.data == first.data
    assert documents.cached_document(doc) is not None
    key = documents.fingerprint(doc)
    assert "NotoSansCJK" in fonts.font_identities()
    monkeypatch.setattr(typst_compiler, "typst_version", lambda: "99.0.0")
    assert documents.fingerprint(doc) != key
    monkeypatch.undo()
    monkeypatch.setenv("PLAYBOOK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(fonts, "font_identities", lambda: "/fonts/NotoSansCJK-Regular.ttc:1:2")
    assert documents.fingerprint(doc) != key
    assert documents.cached_document(doc) is None
    monkeypatch.undo()
    other = checklist_document(checklist_views(content, ["hostile"]), "a6")
    assert documents.fingerprint(other) != key
