"""Exports read back by their real consumers: Moodle XML and GIFT parsers, and Anki itself."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest

from generator.exports.anki import deck_bytes
from generator.exports.anki import notes as anki_notes
from generator.exports.gift import gift
from generator.exports.moodle import moodle_xml
from generator.quiz.assemble import build_quiz
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


# --- Moodle XML read the way Moodle imports it -------------------------------------------------
# Each helper below mirrors one function of Moodle's importer (moodle/moodle, GPL; not copied, only
# its behaviour), so a test can say what Moodle will store: qtype, marks, answers and their order.

def split_category_path(path: str) -> list[str]:
    """question/format.php qformat_default::split_category_path: split on a single "/", "//" is a
    slash in a name, each name trimmed and cleaned with PARAM_TEXT (tags stripped)."""
    return [re.sub(r"<[^>]*>", "", name.replace("//", "/").strip()) for name in re.split(r"(?<!/)/(?!/)", path)]


def _cloze_mark(questiontext: str) -> float:
    """question/type/multianswer/questiontype.php qtype_multianswer_extract_question: the question's
    defaultmark starts at 0 and adds each gap's weight {N:TYPE:...} (a whole number, 1 when absent);
    <defaultgrade> is never read (question/format/xml/format.php qformat_xml::import_multianswer)."""
    return float(sum(int(w or 1) for w in re.findall(r"\{([0-9]*):(?:NUMERICAL|NM|MULTICHOICE\w*|MC\w?|"
                                                     r"SHORTANSWER\w*|SA|MW|SAC|MWC):", questiontext)))


_ORDERING_LAYOUT = {"HORIZONTAL": "HORIZONTAL", "HORI": "HORIZONTAL", "H": "HORIZONTAL", "1": "HORIZONTAL"}
_ORDERING_SELECT = {"ALL": "ALL", "EXACT": "ALL", "CONTIGUOUS": "CONTIGUOUS", "CONTIG": "CONTIGUOUS"}
_ORDERING_GRADING = {"ALL_OR_NOTHING", "ABSOLUTE_POSITION", "RELATIVE_NEXT_INCLUDE_LAST",
                     "RELATIVE_ONE_PREVIOUS_AND_NEXT", "RELATIVE_ALL_PREVIOUS_AND_NEXT", "LONGEST_ORDERED_SUBSET",
                     "LONGEST_CONTIGUOUS_SUBSET", "RELATIVE_TO_CORRECT"}
_ORDERING_NUMBERING = ("none", "123", "abc", "ABCD", "iii", "IIII")


def moodle_import(data: bytes) -> list[dict]:
    """What Moodle stores for each <question> of a Moodle XML file (question/format/xml/format.php
    qformat_xml::readquestions → import_question → import_headers / import_multichoice /
    import_multianswer, and question/type/ordering/questiontype.php qtype_ordering::import_from_xml)."""
    from lxml import etree

    out = []
    for el in etree.fromstring(data).findall("question"):
        qtype = el.get("type")

        def text(path: str, default=None, node=el):
            found = node.find(path)
            return default if found is None else (found.text or "").strip()

        if qtype == "category":
            out.append({"qtype": "category", "category": split_category_path(text("category/text"))})
            continue
        q = {"qtype": qtype, "name": text("name/text"), "questiontext": text("questiontext/text", ""),
             "idnumber": text("idnumber")}
        if qtype == "cloze":  # import_multianswer
            q.update(qtype="multianswer", defaultmark=_cloze_mark(q["questiontext"]))
        elif qtype == "multichoice":  # import_headers + import_multichoice
            q.update(defaultmark=float(text("defaultgrade", "1")), single=text("single", "true") != "false",
                     shuffleanswers=text("shuffleanswers", "false") not in ("false", "0", ""),
                     answernumbering=text("answernumbering", "abc") or "abc",
                     answers=[text("text", "", a) for a in el.findall("answer")],
                     fractions=[float(a.get("fraction", "0")) / 100 for a in el.findall("answer")])
        elif qtype == "ordering":
            # import_from_xml: options with their defaults, set_options_for_import maps them; the
            # answers are read in document order and save_question_options numbers them 1, 2, 3… in
            # that order: the right order is the document order (the fraction attribute is ignored).
            select_count = text("selectcount", "6")
            q.update(defaultmark=float(text("defaultgrade", "1")),
                     layouttype=_ORDERING_LAYOUT.get(text("layouttype", "VERTICAL").upper(), "VERTICAL"),
                     selecttype=_ORDERING_SELECT.get(text("selecttype", "RANDOM").upper(), "RANDOM"),
                     selectcount=int(select_count) if select_count.isdigit() and int(select_count) >= 2 else 2,
                     gradingtype=(g if (g := text("gradingtype", "RELATIVE").upper()) in _ORDERING_GRADING
                                  else "RELATIVE_NEXT_EXCLUDE_LAST"),
                     numberingstyle=(n if (n := text("numberingstyle", "1")) in _ORDERING_NUMBERING else "none"),
                     answers=[text("text", "", a) for a in el.findall("answer")])
        else:
            raise AssertionError(f"Moodle has no importer for <question type={qtype!r}>")
        out.append(q)
    return out


def ordering_fraction(q: dict, response: list[int]) -> float:
    """question/type/ordering/question.php qtype_ordering_question::grade_response for the grading
    types we write: items placed at their right position count; ALL_OR_NOTHING gives 0 unless all do.
    ``response`` lists answer indexes (0 = first answer in the file) in the order the student left them."""
    correct = sum(1 for position, item in enumerate(response) if item == position)
    if q["gradingtype"] == "ALL_OR_NOTHING" and correct < len(response):
        return 0.0
    assert q["gradingtype"] in ("ALL_OR_NOTHING", "ABSOLUTE_POSITION"), q["gradingtype"]
    return correct / len(response)


def _plain(html_text: str) -> str:
    return html.unescape(html_text.replace("<br>", "\n"))


@pytest.mark.parametrize("quiz", ALL, ids=_id)
def test_moodle_every_question_is_worth_one_mark_like_the_paper(quiz: dict) -> None:
    imported = [q for q in moodle_import(moodle_xml(quiz)) if q["qtype"] != "category"]
    assert [q["defaultmark"] for q in imported] == [1.0] * len(quiz["questions"])
    assert sum(q["defaultmark"] for q in imported) == len(quiz["questions"])  # 每题 1 分


@pytest.mark.parametrize("quiz", ALL, ids=_id)
def test_moodle_ordering_questions_are_moodles_ordering_type_in_the_right_order(quiz: dict) -> None:
    imported = [q for q in moodle_import(moodle_xml(quiz)) if q["qtype"] != "category"]
    assert len(imported) == len(quiz["questions"])
    orders = 0
    for q, m in zip(quiz["questions"], imported):
        assert m["idnumber"] == q["id"] and q["id"] in m["name"]
        if not isinstance(q["answer"], list):
            assert m["qtype"] == "multichoice"
            continue
        orders += 1
        assert m["qtype"] == "ordering"
        assert [_plain(a) for a in m["answers"]] == [q["options"][i] for i in q["answer"]]
        # Every item is shown; right only when the whole order is right, as on the paper.
        assert (m["selecttype"], m["layouttype"], m["gradingtype"]) == ("ALL", "VERTICAL", "ALL_OR_NOTHING")
        n = len(q["options"])
        assert ordering_fraction(m, list(range(n))) == 1.0
        assert ordering_fraction(m, [1, 0, *range(2, n)]) == 0.0
    if any(t == "ordering" for t in (q["type"] for q in quiz["questions"])):
        assert orders


@pytest.mark.parametrize("quiz", ALL, ids=_id)
def test_moodle_ordering_items_are_numbered_once(quiz: dict) -> None:
    """Not `1. A. 签约：第 [▾] 步`: no list or letters of ours, Moodle numbers the positions."""
    imported = [q for q in moodle_import(moodle_xml(quiz)) if q["qtype"] != "category"]
    for q, m in zip(quiz["questions"], imported):
        if isinstance(q["answer"], list):
            assert not re.search(r"<(ol|ul|li)\b", m["questiontext"]), m["questiontext"]
            assert not re.search(r"\b[A-Z][.．、] ", _plain(m["questiontext"])), m["questiontext"]
            assert _plain(m["questiontext"]) == f"<p>{q['prompt']}</p>"
            assert m["qtype"] == "ordering"
            assert all(not re.match(r"^[A-Z][.．、]", _plain(a)) for a in m["answers"])
            assert m["numberingstyle"] == "123"


@pytest.mark.parametrize("quiz", ALL, ids=_id)
def test_moodle_xml_parses_back_with_the_same_answers(quiz: dict) -> None:
    from moodle_xml_parser.parser import parse_bytes

    data = moodle_xml(quiz)
    parsed = parse_bytes(data)
    singles = [q for q in quiz["questions"] if not isinstance(q["answer"], list)]
    assert len(parsed["multichoice"]) == len(singles)
    assert parsed["cloze"] == []
    for q, mc in zip(singles, parsed["multichoice"]):
        assert mc.single is True
        assert q["id"] in mc.name
        texts = [html.unescape(o.answer) for o in mc.options]  # answers are HTML (format="html")
        assert texts == q["options"]
        right = [i for i, o in enumerate(mc.options) if o.score_fraction == 100]
        assert right == [q["answer"]]
        # The parser hands back the HTML with entities decoded: exactly the prompt in a paragraph.
        assert mc.text_pre_parse == "<p>" + q["prompt"].replace("\n", "<br>") + "</p>"


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
            assert pairs == [(opt, f"第 {q['answer'].index(i) + 1} 步") for i, opt in enumerate(q["options"])]
        else:
            assert type(g.answers).__name__ in ("SelectSet", "MultipleChoicesSet")
            texts = [gift_unescape(a.answer) for a in g.answers.answers]
            assert texts == q["options"]
            right = [i for i, a in enumerate(g.answers.answers) if a.fraction == 100]
            assert right == [q["answer"]]


# --- GIFT read the way Moodle imports it (moodle/moodle question/format/gift/format.php) --------

def gift_blocks(text: str) -> list[tuple[str, str]]:
    """(comments, text) per question: question/format.php qformat_default::readquestions splits the
    trimmed lines at blank lines; qformat_gift::readquestion takes the lines starting with // out as
    comments and joins the rest."""
    blocks, current = [], []
    for line in text.splitlines() + [""]:
        line = line.strip()
        if line:
            current.append(line)
        elif current:
            comments = "".join(c + "\n" for c in current if c.startswith("//"))
            blocks.append((comments, "\n".join(c for c in current if not c.startswith("//")).strip()))
            current = []
    return blocks


def gift_escapedchar_pre(text: str) -> str:
    """qformat_gift::escapedchar_pre: backslash escapes become placeholders before parsing."""
    text = text.replace("\\\\", "&&092;")
    for escaped, placeholder in zip(("\\:", "\\#", "\\=", "\\{", "\\}", "\\~", "\\n"),
                                    ("&&058;", "&&035;", "&&061;", "&&123;", "&&125;", "&&126;", "&&010")):
        text = text.replace(escaped, placeholder)
    return text.replace("&&092;", "\\")


def gift_category(block_text: str) -> str | None:
    """qformat_gift::readquestion: a block starting with $CATEGORY: is a category switch; the rest
    of it, trimmed, is the path (escapedchar_post is not applied to it)."""
    text = gift_escapedchar_pre(block_text)
    return text[len("$CATEGORY:"):].strip() if text.startswith("$CATEGORY:") else None


def gift_idnumber(comments: str) -> str:
    """qformat_gift::extract_idnumber_and_tags_from_comment: the first [id:…] (with \\] for ]) in the comments."""
    m = re.search(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]", comments)
    return m.group(1).strip().replace("\\]", "]") if m else ""


@pytest.mark.parametrize("quiz", ALL, ids=_id)
def test_gift_and_moodle_xml_put_a_paper_in_the_same_category(quiz: dict) -> None:
    xml_category = [q for q in moodle_import(moodle_xml(quiz)) if q["qtype"] == "category"]
    gift_categories = [c for _, text in gift_blocks(gift(quiz).decode("utf-8")) if (c := gift_category(text))]
    assert len(xml_category) == 1 and len(gift_categories) == 1
    names = split_category_path(gift_categories[0])
    assert names == xml_category[0]["category"]
    shown = quiz["title"].replace("<", "＜").replace(">", "＞").replace("\\", "＼")
    assert names == ["$course$", "top", "Playbook", f"{shown} {quiz['version']} 卷"]


def test_category_names_with_slashes_survive_moodles_path_splitting() -> None:
    quiz = {"title": "/售楼处/接待/", "version": "B", "seed": 1, "questions": []}
    expected = ["$course$", "top", "Playbook", "/售楼处/接待/ B 卷"]
    assert split_category_path(gift_category(gift_blocks(gift(quiz).decode("utf-8"))[0][1])) == expected
    assert moodle_import(moodle_xml(quiz))[0]["category"] == expected


@pytest.mark.parametrize("quiz", ALL, ids=_id)
def test_gift_questions_keep_their_moodle_idnumber(quiz: dict) -> None:
    blocks = [(c, t) for c, t in gift_blocks(gift(quiz).decode("utf-8")) if gift_category(t) is None]
    xml = [q for q in moodle_import(moodle_xml(quiz)) if q["qtype"] != "category"]
    assert [gift_idnumber(c) for c, _ in blocks] == [q["id"] for q in quiz["questions"]] == [q["idnumber"] for q in xml]


@pytest.mark.parametrize("quiz", ALL, ids=_id)
def test_gift_matching_lists_items_in_the_paper_order_not_the_right_order(quiz: dict) -> None:
    """Moodle shows the items in the file's order when shuffling is off: never the answer."""
    blocks = [t for _, t in gift_blocks(gift(quiz).decode("utf-8")) if gift_category(t) is None]
    for q, text in zip(quiz["questions"], blocks):
        if isinstance(q["answer"], list):
            stems = [gift_unescape(m) for m in re.findall(r"^=(.*) -> 第 \d+ 步$", text, re.M)]
            assert stems == q["options"] != [q["options"][i] for i in q["answer"]]


def test_author_guide_tells_trainers_how_moodle_shows_gift_matching() -> None:
    guide = (Path(__file__).resolve().parents[2] / "content" / "pages" / "author-guide.md").read_text(encoding="utf-8")
    section = guide[guide.index("## 七、"):]
    section = section[:section.find("\n## ", 1)] if "\n## " in section[1:] else section
    for needed in ("GIFT", "配对题", "Shuffle within questions", "Moodle XML", "ordering", "4.4", "[id:", "reverse",
                   "type_in"):
        assert needed in section, needed


# --- Anki: the deck imported into a real Anki collection -----------------------------------------

def _import(col_path: Path, apkg: Path):
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(col_path))
    try:
        return col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(apkg), options=ImportAnkiPackageOptions(with_scheduling=False))).log
    finally:
        col.close()


def _notes(col_path: Path) -> dict[str, dict[str, str]]:
    """guid -> {field name: value} for every note."""
    from anki.collection import Collection

    col = Collection(str(col_path))
    try:
        return {(n := col.get_note(nid)).guid: dict(n.items()) for nid in col.find_notes("")}
    finally:
        col.close()


def _no_css(rendered: str) -> str:
    return re.sub(r"<style>.*?</style>", "", rendered, flags=re.S)


def _cards(col_path: Path) -> list[tuple[str, str, str]]:
    """(card name, question text, answer text) for every card, as Anki renders them (no CSS)."""
    from anki.collection import Collection

    col = Collection(str(col_path))
    try:
        out = []
        for cid in sorted(col.find_cards("")):
            card = col.get_card(cid)
            out.append((card.template()["name"], _no_css(card.question()), _no_css(card.answer())))
        return sorted(out)
    finally:
        col.close()


def _drill_content(text0: str = "您好，欢迎光临第0号店 <&>") -> tuple:
    phrases = [{"id": f"ph-{i}", "text": text0 if i == 0 else f"您好，欢迎光临第{i}号店。", "when": f"情境{i}",
                "avoid": ["你找谁？", "等一下，前面还有人。"]} for i in range(4)]
    proc = {"id": "p", "title": "接待", "domain": "d",
            "steps": [{"title": f"步骤{i}", "phrases": [f"ph-{i}"], "timing": [f"提前{i + 2}天通知客户"]} for i in range(4)]}
    return proc, phrases


def test_anki_deck_imports_and_reimport_updates_instead_of_duplicating(tmp_path: Path, monkeypatch) -> None:
    proc, phrases = _drill_content()
    content = make_content([proc], phrases)
    pool = select(content, procedures=["p"])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710000000")
    first = tmp_path / "v1.apkg"
    first.write_bytes(deck_bytes(pool, "Playbook::测试", "test"))
    col = tmp_path / "collection.anki2"
    _import(col, first)
    notes = _notes(col)
    assert len(notes) == len(anki_notes(pool)) == 12  # 4 phrases, 4 drills of them, 4 facts
    assert any("您好，欢迎光临第0号店 &lt;&amp;&gt;" in n.get("背面", "") for n in notes.values())
    # Same deck again: nothing new.
    _import(col, first)
    assert len(_notes(col)) == 12
    # The phrase is edited and the deck rebuilt later: the note is updated in place.
    phrases[0]["text"] = "您好！欢迎再次光临"
    content2 = make_content([proc], phrases)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1720000000")
    second = tmp_path / "v2.apkg"
    second.write_bytes(deck_bytes(select(content2, procedures=["p"]), "Playbook::测试", "test"))
    _import(col, second)
    after = _notes(col)
    assert len(after) == 12, "re-import duplicated notes"
    assert set(after) == set(notes), "guids changed between builds"
    assert any("您好！欢迎再次光临" in v for n in after.values() for v in n.values())
    assert not any("欢迎光临第0号店" in v for n in after.values() for v in n.values())


def _deck_in_anki(tmp_path: Path, **options) -> Path:
    proc, phrases = _drill_content()
    apkg = tmp_path / "deck.apkg"
    apkg.write_bytes(deck_bytes(select(make_content([proc], phrases), procedures=["p"]), "Playbook::测试", "test",
                                **options))
    col = tmp_path / "collection.anki2"
    _import(col, apkg)
    return col


def test_anki_source_is_the_procedure_and_step_not_an_id(tmp_path: Path) -> None:
    col = _deck_in_anki(tmp_path)
    for note in _notes(col).values():
        assert re.fullmatch(r"《接待》第 [1-4] 步「步骤[0-3]」", note["出处"]), note["出处"]
    cards = _cards(col)
    assert len(cards) == 16
    for name, question, answer in cards:
        assert re.search(r"《接待》第 \d 步「步骤\d」", question if name != "用语 → 情境" else answer), (name, question)
        assert not re.search(r"\b(ph-\d|p)\b", question + answer), (name, question, answer)


def test_anki_what_not_to_say_is_a_clean_list(tmp_path: Path) -> None:
    cards = _cards(_deck_in_anki(tmp_path))
    forward = [a for name, q, a in cards if name == "卡片" and "这时怎么说" in q]
    assert len(forward) == 4
    for answer in forward:
        assert not re.search(r"[。？！]；", answer), answer  # not 「。；」
        assert "<li>你找谁？</li><li>等一下，前面还有人。</li>" in answer


def test_anki_reverse_and_type_in_cards_are_deck_options(tmp_path: Path) -> None:
    proc, phrases = _drill_content()
    pool = select(make_content([proc], phrases), procedures=["p"])
    names = {}
    for label, options in {"none": {"reverse": False, "type_in": False}, "reverse": {"type_in": False},
                           "both": {}}.items():
        apkg = tmp_path / f"{label}.apkg"
        apkg.write_bytes(deck_bytes(pool, "Playbook::测试", "test", **options))
        col = tmp_path / f"{label}.anki2"
        _import(col, apkg)
        cards = _cards(col)
        names[label] = sorted(name for name, _, _ in cards)
        if label == "both":
            for name, q, a in cards:
                if name == "用语 → 情境":  # phrase → situation
                    m = re.search(r'<div class="script">(.*?)</div>', q)
                    i = int(re.search(r"第(\d)号店", m.group(1)).group(1))
                    assert html.unescape(m.group(1)) == phrases[i]["text"]
                    assert "什么情境下这样说" in q and f"情境：情境{i}" not in q
                    assert f"情境：情境{i}" in a and f"《接待》第 {i + 1} 步「步骤{i}」" in a
                if name == "打出用语":  # type the phrase in
                    assert "[[type:规范用语]]" in q and re.search(r"情境：情境\d", q)
    assert names["none"] == ["卡片"] * 8
    assert names["reverse"] == sorted(["卡片"] * 8 + ["用语 → 情境"] * 4)
    assert names["both"] == sorted(["卡片"] * 8 + ["用语 → 情境"] * 4 + ["打出用语"] * 4)


def test_anki_type_in_card_accepts_the_phrase_typed_exactly(tmp_path: Path) -> None:
    """Anki compares the typed text with the field as stored (the reviewer passes the field; Anki strips
    its HTML and decodes entities before comparing)."""
    from anki.collection import Collection

    proc, phrases = _drill_content()
    apkg = tmp_path / "deck.apkg"
    apkg.write_bytes(deck_bytes(select(make_content([proc], phrases), procedures=["p"]), "Playbook::测试", "test"))
    path = tmp_path / "collection.anki2"
    _import(path, apkg)
    col = Collection(str(path))
    try:
        typed = [col.get_note(nid)["规范用语"] for nid in col.find_notes('"note:Playbook 服务手册 · 规范用语练习"')]
        assert len(typed) == 4
        for field in typed:
            typed_in = next(p["text"] for p in phrases if html.escape(p["text"], quote=False) == field)
            result = col.compare_answer(field, typed_in)
            assert "typeGood" in result and "typeBad" not in result and "typeMissed" not in result, result
    finally:
        col.close()


def test_anki_deck_from_0_1_0_is_updated_in_place(tmp_path: Path, monkeypatch) -> None:
    """Trainees who imported the 0.1.0 deck: its notes are updated (same note type, fields and card),
    not left behind as conflicts; the new drill cards are added."""
    import genanki

    from generator.exports.anki import MODEL_NAME, stable_id

    proc, phrases = _drill_content()
    pool = select(make_content([proc], phrases), procedures=["p"])
    old_model = genanki.Model(stable_id("playbook-quiz-model-v1"), MODEL_NAME,
                              fields=[{"name": "正面"}, {"name": "背面"}, {"name": "出处"}],
                              templates=[{"name": "卡片", "qfmt": "{{正面}}",
                                          "afmt": '{{FrontSide}}<hr id="answer">{{背面}}<div class="ctx">{{出处}}</div>'}])
    deck = genanki.Deck(stable_id("playbook-deck:test"), "Playbook::测试")
    keys = [f"phrase:ph-{i}" for i in range(4)] + [f"fact:p:{i + 1}.1" for i in range(4)]
    for key in keys:
        deck.add_note(genanki.Note(model=old_model, fields=["旧正面", "旧背面", "p"], guid=genanki.guid_for("playbook", key)))
    old = tmp_path / "0.1.0.apkg"
    genanki.Package(deck).write_to_file(str(old), timestamp=1710000000)
    col = tmp_path / "collection.anki2"
    _import(col, old)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1720000000")
    new = tmp_path / "new.apkg"
    new.write_bytes(deck_bytes(pool, "Playbook::测试", "test"))
    log = _import(col, new)
    assert (len(log.updated), len(log.new), len(log.conflicting)) == (8, 4, 0)
    notes = _notes(col)
    assert not any("旧" in v for n in notes.values() for v in n.values())
    cards = _cards(col)
    assert sorted(name for name, _, _ in cards) == sorted(["卡片"] * 8 + ["用语 → 情境"] * 4 + ["打出用语"] * 4)
    assert all(re.match(r'<div class="ctx">《接待》第 \d 步', q) for name, q, _ in cards if name == "卡片")  # new template


def test_quiz_spec_sets_the_anki_deck_options(tmp_path: Path) -> None:
    from generator.exports.quiz_files import render

    proc, phrases = _drill_content()
    content = make_content([proc], phrases)
    pool = select(content, procedures=["p"])
    head = "title: 接待\ndraws_on: {procedures: [p]}\nquestions: {timing: 1}\nversions: 1\n"
    for name, extra, options in [("default", "", {}), ("off", "anki: {reverse: false, type_in: false}\n",
                                                      {"reverse": False, "type_in": False})]:
        path = tmp_path / f"{name}.yaml"
        path.write_text(head + extra, encoding="utf-8")
        spec, problems = load_spec(path, content)
        assert spec is not None, [p.format() for p in problems]
        quiz = build_quiz(content, spec)
        deck = render(quiz, ["anki"])[f"{name}.apkg"]
        assert deck == deck_bytes(pool, "Playbook::接待", name, quiz.changed, **options)
        if name == "off":
            assert deck != deck_bytes(pool, "Playbook::接待", name, quiz.changed)


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
