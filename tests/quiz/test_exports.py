"""Exports read back by their real consumers: Moodle XML and GIFT parsers, and Anki itself."""

from __future__ import annotations

import html
import io
import zipfile
from pathlib import Path

import pytest

from generator.quiz.anki import cards, deck_bytes
from generator.quiz.assemble import build_quiz
from generator.quiz.gift import gift
from generator.quiz.moodle import moodle_xml
from generator.quiz.pool import select
from generator.quiz.spec import QuizSpec, load_spec

from .helpers import SPECIAL, make_content, shipped, spec_paths, special_content


def special_quiz() -> dict:
    content = special_content()
    spec = QuizSpec.model_validate({
        "title": "特殊字符 <测验> & {GIFT} ~ = # : \\", "draws_on": {"procedures": ["special-proc"]},
        "questions": {"ordering": 1, "next_step": 2, "step_of_point": 2, "timing": 2, "cloze": 2, "matching": 2,
                      "rule": 2, "scenario": 1}, "seed": 5, "versions": 1})
    spec._stem = "special"
    quiz = build_quiz(content, spec)
    data = quiz.to_json(0)
    text = " ".join(q["prompt"] + " ".join(q["options"]) for q in data["questions"])
    assert all(c in text for c in SPECIAL), "the fixture must really exercise every special character"
    return data


def quizzes() -> list[dict]:
    content = shipped()
    out = [special_quiz()]
    for path in spec_paths():
        spec, _ = load_spec(path, content)
        quiz = build_quiz(content, spec)
        out += [quiz.to_json(i) for i in range(len(quiz.papers))]
    return out


ALL = quizzes()


def _id(q: dict) -> str:
    return f"{q['spec'] or 'special'}-{q['version']}" if q.get("spec") else "special"


@pytest.mark.parametrize("quiz", ALL, ids=_id)
def test_moodle_xml_parses_back_with_the_same_answers(quiz: dict) -> None:
    from moodle_xml_parser.parser import parse_bytes

    data = moodle_xml(quiz)
    parsed = parse_bytes(data)
    singles = [q for q in quiz["questions"] if not isinstance(q["answer"], list)]
    orders = [q for q in quiz["questions"] if isinstance(q["answer"], list)]
    assert len(parsed["multichoice"]) == len(singles)
    assert len(parsed["cloze"]) == len(orders)
    for q, mc in zip(singles, parsed["multichoice"]):
        assert mc.single is True
        assert q["id"] in mc.name
        texts = [html.unescape(o.answer) for o in mc.options]  # answers are HTML (format="html")
        assert texts == q["options"]
        right = [i for i, o in enumerate(mc.options) if o.score_fraction == 100]
        assert right == [q["answer"]]
        # The parser hands back the HTML with entities decoded: exactly the prompt in a paragraph.
        assert mc.text_pre_parse == "<p>" + q["prompt"].replace("\n", "<br>") + "</p>"
    for q, cz in zip(orders, parsed["cloze"]):
        # Content braces are written as &#123; / &#125;, which Moodle never reads as gaps; this parser
        # decodes entities before looking for gaps, so it also reports them (as gaps of no known type).
        gaps = [g for g in cz.gaps if g.sub_type == "MC"]
        assert len(gaps) == len(q["options"])
        stray = [g.raw_content for g in cz.gaps if g.sub_type != "MC"]
        assert all(raw in q["prompt"] + "".join(q["options"]) for raw in stray)
        for i, gap in enumerate(gaps):
            right = [o.answer for o in gap.options if o.score == 100]
            assert right == [str(q["answer"].index(i) + 1)], "option i sits at its position in the order"


def _pygiftparser():
    """pygiftparser (2017) calls locale.getdefaultlocale() on import, deprecated since Python 3.11."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from pygiftparser import parser, utils
    return parser, utils


def gift_unescape(text: str) -> str:
    """What Moodle shows for a GIFT [html] text: backslash escapes undone (the parser's own helper), then HTML."""
    _, utils = _pygiftparser()
    return html.unescape(utils.transformSpecials(text).replace("<br>", "\n"))


@pytest.mark.parametrize("quiz", ALL, ids=_id)
def test_gift_parses_back_with_the_same_answers(quiz: dict) -> None:
    parser, _ = _pygiftparser()
    text = gift(quiz).decode("utf-8")
    parsed = parser.parseFile(io.StringIO(text))
    assert len(parsed) == len(quiz["questions"])
    for q, g in zip(quiz["questions"], parsed):
        assert g.valid, g.source
        assert gift_unescape(g.text) == q["prompt"]
        assert gift_unescape(g.generalFeedback) == q["explanation"]
        if isinstance(q["answer"], list):
            assert type(g.answers).__name__ == "MatchingSet"
            pairs = [(gift_unescape(a.question).strip(), a.answer.strip()) for a in g.answers.answers]
            assert pairs == [(q["options"][i], f"第 {k + 1} 步") for k, i in enumerate(q["answer"])]
        else:
            assert type(g.answers).__name__ in ("SelectSet", "MultipleChoicesSet")
            texts = [gift_unescape(a.answer) for a in g.answers.answers]
            assert texts == q["options"]
            right = [i for i, a in enumerate(g.answers.answers) if a.fraction == 100]
            assert right == [q["answer"]]


def _import(col_path: Path, apkg: Path) -> None:
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(col_path))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(apkg), options=ImportAnkiPackageOptions(with_scheduling=False)))
    finally:
        col.close()


def _notes(col_path: Path) -> dict[str, str]:
    from anki.collection import Collection

    col = Collection(str(col_path))
    try:
        return {col.get_note(nid).guid: col.get_note(nid).fields[1] for nid in col.find_notes("")}
    finally:
        col.close()


def test_anki_deck_imports_and_reimport_updates_instead_of_duplicating(tmp_path: Path, monkeypatch) -> None:
    phrases = [{"id": f"ph-{i}", "text": f"您好，欢迎光临第{i}号店 <&>", "when": f"情境{i}"} for i in range(4)]
    proc = {"id": "p", "title": "接待", "domain": "d",
            "steps": [{"title": f"步骤{i}", "phrases": [f"ph-{i}"], "timing": [f"提前{i + 2}天通知客户"]} for i in range(4)]}
    content = make_content([proc], phrases)
    pool = select(content, procedures=["p"])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710000000")
    first = tmp_path / "v1.apkg"
    first.write_bytes(deck_bytes(pool, "Playbook::测试", "test"))
    col = tmp_path / "collection.anki2"
    _import(col, first)
    notes = _notes(col)
    assert len(notes) == len(cards(pool)) == 8
    assert any("您好，欢迎光临第0号店 &lt;&amp;&gt;" in back for back in notes.values())
    # Same deck again: nothing new.
    _import(col, first)
    assert len(_notes(col)) == 8
    # The phrase is edited and the deck rebuilt later: the note is updated in place.
    phrases[0]["text"] = "您好！欢迎再次光临"
    content2 = make_content([proc], phrases)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1720000000")
    second = tmp_path / "v2.apkg"
    second.write_bytes(deck_bytes(select(content2, procedures=["p"]), "Playbook::测试", "test"))
    _import(col, second)
    after = _notes(col)
    assert len(after) == 8, "re-import duplicated notes"
    assert set(after) == set(notes), "guids changed between builds"
    assert any("您好！欢迎再次光临" in back for back in after.values())
    assert not any("欢迎光临第0号店" in back for back in after.values())


def test_anki_package_is_byte_identical_and_has_no_clock(monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    content = shipped()
    pool = select(content, tags=["售楼处"])
    a = deck_bytes(pool, "Playbook::x", "x")
    b = deck_bytes(pool, "Playbook::x", "x")
    assert a == b
    z = zipfile.ZipFile(io.BytesIO(a))
    assert {i.date_time for i in z.infolist()} == {(2024, 1, 1, 0, 0, 0)}
    db = z.read("collection.anki2")
    assert db.startswith(b"SQLite format 3")
