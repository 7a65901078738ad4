"""The 题库 exports read back: Excel by a different reader than the writer (python-calamine, not
openpyxl), the 七巧学院 text and the 腾讯问卷 exam text by parsers written from the platforms'
documentation (not from the exporters), over every shipped spec and a hostile content copy."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from generator.exports.quiz_files import FORMATS, file_names, render
from generator.exports.text_bank import text_bank
from generator.exports.wesurvey import wesurvey
from generator.exports.xlsx_bank import xlsx_bank
from generator.quiz.assemble import build_quiz
from generator.quiz.bank import topics
from generator.quiz.spec import QuizSpec, load_spec

from .helpers import make_content, shipped, spec_paths

HOSTILE = "A. 答案： [ ] ( ) | ; ；"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def hostile_content():
    """Every stem and option carries the characters the text formats use as syntax."""
    heads = ["接待", "引导", "讲解", "看房", "签约", "送客"]
    steps = [{"title": f"第{i + 1}步{heads[i]} A. 答案：[{i}] (第{i}项) | ;",
              "points": [f"解析：核对 [{i}] 号单据 (原件) | 复印件; 签字；{HOSTILE}"],
              "phrases": [f"hp-{i}"],
              "timing": [f"提前{['一', '两', '三', '五', '七', '十'][i]}天通知客户 (电话) [短信]"],
              "must": [f"一定核对 [单据] (金额) {i}；答案：A"],
              "never": [f"不得泄露 {i} 号客户信息 A、答案：B"]} for i in range(6)]
    cities = ["北京", "上海", "广州", "深圳", "杭州", "成都"]
    phrases = [{"id": f"hp-{i}", "text": f"您好 [{i}]！欢迎光临{cities[i]}店 (答案：A) | ; ；",
                "when": f"情境{i}：客户 [到店] (进门) 答案：", "blanks": [cities[i]],
                "avoid": [f"你找谁 {i}？A. [ ] ( )"]} for i in range(6)]
    scen = [{"id": "sc-hostile", "title": "特殊 [字符] 情景", "situation": "客户说：“A. 价格 (太贵) [不买]”\n第二行；答案：C",
             "question": "怎么办？答案： | ;", "procedures": ["hostile-proc"],
             "options": [{"text": "耐心解释 [价值] (服务) 答案：A", "correct": True, "why": "因为 价值 重要 | ;"},
                         {"text": "A. 直接降价 (50%)", "why": "破坏 [价格体系]"},
                         {"text": "B、不理客户；解析：算了", "why": "失礼"}]}]
    return make_content([{"id": "hostile-proc", "title": "特殊[流程] (测试) 答案：", "domain": "test", "steps": steps}],
                        phrases, scen)


def hostile_quiz():
    spec = QuizSpec.model_validate({
        "title": "特殊字符 [测验] (A. 答案：) | ;", "draws_on": {"procedures": ["hostile-proc"]},
        "questions": {"ordering": 1, "next_step": 2, "step_of_point": 2, "timing": 2, "cloze": 2, "matching": 2,
                      "rule": 2, "scenario": 1}, "seed": 9, "versions": 1, "pass_mark": 80})
    spec._stem = "hostile"
    return build_quiz(hostile_content(), spec)


def all_quizzes():
    content = shipped()
    out = [(hostile_quiz(), 0)]
    for path in spec_paths():
        spec, _ = load_spec(path, content)
        quiz = build_quiz(content, spec)
        out += [(quiz, i) for i in range(len(quiz.papers))]
    return out


ALL = [(quiz, quiz.to_json(i)) for quiz, i in all_quizzes()]
IDS = [f"{d.get('spec') or 'hostile'}-{d['version']}" for _, d in ALL]


def test_hostile_copy_exercises_every_syntax_character():
    _, data = ALL[0]
    text = " ".join(q["prompt"] + " ".join(q["options"]) for q in data["questions"])
    for piece in ["A.", "答案：", "[", "]", "(", ")", "|", ";", "；"]:
        assert piece in text, piece
    assert any("\n" in q["prompt"] for q in data["questions"]), "a stem with a line break"
    assert any(isinstance(q["answer"], list) for q in data["questions"]), "an ordering question"


# --- what every format must carry: the JSON's question, options and answer ---------------------

def expected_choice(q: dict) -> tuple[list[str], int] | None:
    """For a choice question: its options and right index (ordering is checked separately)."""
    return None if isinstance(q["answer"], list) else (q["options"], q["answer"])


def check_ordering(q: dict, stem: str, options: list[str], right: int, fold=lambda s: s) -> None:
    """An ordering question as a choice between orders: the stem lists each item as ①②③… in the
    JSON's order; the right option is the JSON's order; the others are other orders."""
    assert fold(q["prompt"]) in stem
    for i, item in enumerate(q["options"]):
        assert f"{CIRCLED[i]}{fold(item)}" in stem
    orders = [tuple(CIRCLED.index(c) for c in o.split("→")) for o in options]
    assert orders[right] == tuple(q["answer"])
    n = len(q["options"])
    assert len(set(orders)) == len(orders) >= 2
    assert all(sorted(o) == list(range(n)) for o in orders)


# --- Excel, read back by python-calamine --------------------------------------------------------

HEADER = ["题型", "题干", *[f"选项{c}" for c in "ABCDEFGH"], "正确答案", "答案解析", "分值", "难度", "知识点"]


def read_xlsx(data: bytes) -> dict[str, list[list]]:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


@pytest.mark.parametrize(("quiz", "data"), ALL, ids=IDS)
def test_xlsx_read_back_by_calamine_matches_quiz_json(quiz, data):
    sheets = read_xlsx(xlsx_bank(data, topics(quiz)))
    assert list(sheets) == ["题库", "填写说明"]
    table = sheets["题库"]
    assert table[0] == HEADER
    body = table[1:]
    assert len(body) == len(data["questions"])
    for q, row in zip(data["questions"], body):
        cells = dict(zip(HEADER, row))
        options = [cells[f"选项{c}"] for c in "ABCDEFGH" if cells[f"选项{c}"] != ""]
        assert all(cells[f"选项{c}"] == "" for c in "ABCDEFGH"[len(options):]), "options fill from A"
        answer = cells["正确答案"]
        assert re.fullmatch(r"[A-H]", answer)
        right = LETTERS.index(answer)
        assert cells["题型"] == "单选题"
        assert cells["答案解析"] == q["explanation"]
        assert float(cells["分值"]) > 0 and cells["难度"] in {"简单", "中等", "困难"}
        if data.get("spec"):
            assert cells["知识点"], q["id"]
        if expected_choice(q):
            assert cells["题干"] == q["prompt"]
            assert (options, right) == expected_choice(q)
        else:
            check_ordering(q, cells["题干"], options, right)
    notes = [r[0] for r in sheets["填写说明"]]
    assert all(h in notes for h in HEADER), "the second sheet explains every column"


def test_xlsx_text_starting_with_equals_stays_text():
    quiz, data = ALL[1]
    data = {**data, "questions": [{**data["questions"][2], "prompt": "=SUM(A1:A2)", "options": ["=1", "+2", "-3", "@4"]}]}
    data["questions"][0]["answer"] = 0
    body = read_xlsx(xlsx_bank(data))["题库"][1]
    assert body[1:6] == ["=SUM(A1:A2)", "=1", "+2", "-3", "@4"]
    with zipfile.ZipFile(io.BytesIO(xlsx_bank(data))) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


# --- 七巧学院 text import, parsed the way its help page describes ---------------------------------
# https://qiqiao.do1.com.cn/ext/xueyuan/8985.html: options "A." or "A、" (2 to 26); "答案：" required,
# not empty, single choice without separator, several letters separated by ASCII ";"; optional
# "解析："; [填空题] labels a fill-in question; a 判断题 answer may stand in "（）"/"()" after the stem.

QQ_NUMBER = re.compile(r"^(\d+)[.、．](.*)$")
QQ_OPTION = re.compile(r"^([A-Z])[.、](.*)$")
QQ_ANSWER = re.compile(r"^答案[：:](.*)$")
QQ_EXPLAIN = re.compile(r"^解析[：:](.*)$")


def parse_qiqiao(text: str) -> list[dict]:
    questions = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = block.split("\n")
        m = QQ_NUMBER.match(lines[0])
        assert m, f"a question starts with its number: {lines[0]!r}"
        q = {"number": int(m.group(1)), "stem": m.group(2), "options": [], "answer": None, "explanation": None}
        for line in lines[1:]:
            if (a := QQ_ANSWER.match(line)) and q["answer"] is None:
                q["answer"] = a.group(1).strip().split(";")
            elif (e := QQ_EXPLAIN.match(line)) and q["explanation"] is None:
                q["explanation"] = e.group(1)
            elif (o := QQ_OPTION.match(line)) and q["answer"] is None:
                assert o.group(1) == LETTERS[len(q["options"])], f"options in order: {line!r}"
                q["options"].append(o.group(2))
            else:
                raise AssertionError(f"line the import cannot place: {line!r}")
        assert q["answer"] and all(q["answer"]), "答案 is required and not empty"
        assert 2 <= len(q["options"]) <= 26
        assert all(a in LETTERS[:len(q["options"])] for a in q["answer"])
        assert not q["stem"].startswith("["), "would read as a type label"
        assert not re.search(r"[（(][^（）()]*[）)]$", q["stem"]), "would read as a 判断题 answer"
        for field in [q["stem"], *q["options"], q["explanation"] or ""]:
            assert not re.search(r"答案[：:]|解析[：:]", field), f"a field marker inside text: {field!r}"
        questions.append(q)
    return questions


def qiqiao_fold(text: str) -> str:
    """The rewrites the author guide documents for the text format, applied to JSON text."""
    text = " ".join(text.split())
    text = re.sub(r"(答案|解析)\s*([:：])", r"「\1」\2", text)
    return text.replace("[", "［").replace("]", "］")


@pytest.mark.parametrize(("quiz", "data"), ALL, ids=IDS)
def test_text_bank_parsed_as_qiqiao_documents_it(quiz, data):
    parsed = parse_qiqiao(text_bank(data, topics(quiz)).decode("utf-8"))
    assert [p["number"] for p in parsed] == list(range(1, len(data["questions"]) + 1))
    for q, p in zip(data["questions"], parsed):
        assert len(p["answer"]) == 1
        right = LETTERS.index(p["answer"][0])
        assert p["explanation"] == qiqiao_fold(q["explanation"])
        if expected_choice(q):
            stem, want = p["stem"], qiqiao_fold(q["prompt"])
            if want.endswith((")", "）")):  # documented: a closing 。 so it cannot read as a 判断题 answer
                want += "。"
            assert stem == want
            assert p["options"] == [qiqiao_fold(o) for o in q["options"]]
            assert right == q["answer"]
        else:
            check_ordering(q, p["stem"], p["options"], right, fold=qiqiao_fold)


# --- 腾讯问卷 exam text, parsed the way its documentation describes ---------------------------------
# https://wesurvey.com/docs/survey-dsl/content/scene-exam: "Title[Single Choice][Answer: D][Score: 5][All]
# (Question Description)" then option lines ("A. MSG"); answer letters are option positions.
# Chinese tags (tencent-survey-skill SKILL.md, 考试场景专用): [单选题] [判断题] [不定项选择题] [答案：A、B]
# [分数：5] [全部]/[部分]/[人工]. First line: survey title. Questions separated by a blank line.

WS_HEAD = re.compile(r"^(?P<title>.*?)(?P<tags>(?:\[[^\[\]]*\])+)(?:\((?P<desc>[^()]*)\))?$")
WS_TYPES = {"单选题", "多选题", "判断题", "不定项选择题", "排序题", "问答题"}


def parse_wesurvey(text: str) -> tuple[str, list[dict]]:
    blocks = re.split(r"\n\s*\n", text.strip("\n"))
    title, questions = blocks[0], []
    assert "\n" not in title
    for block in blocks[1:]:
        lines = block.split("\n")
        m = WS_HEAD.match(lines[0])
        assert m, f"a question line ends with its settings: {lines[0]!r}"
        assert m.group("desc") is None
        q = {"title": m.group("title"), "type": None, "answer": None, "score": None, "mechanism": None,
             "options": []}
        for tag in re.findall(r"\[([^\[\]]*)\]", m.group("tags")):
            if tag in WS_TYPES:
                assert q["type"] is None
                q["type"] = tag
            elif a := re.fullmatch(r"答案[：:]\s*(.+)", tag):
                q["answer"] = re.split(r"\s*[、,，]\s*", a.group(1))
            elif s := re.fullmatch(r"分数[：:]\s*(\d+(?:\s*[,，]\s*\d+)*)", tag):
                q["score"] = int(s.group(1).split(",")[0])
            elif tag in {"全部", "部分", "按空", "人工"}:
                q["mechanism"] = tag
            else:
                raise AssertionError(f"unknown tag [{tag}]")
        for k, line in enumerate(lines[1:]):
            o = re.fullmatch(r"([A-Z])\.\s(.*)", line)
            assert o and o.group(1) == LETTERS[k], f"option line: {line!r}"
            q["options"].append(o.group(2))
        assert q["title"] and "[" not in q["title"] and "]" not in q["title"]
        assert q["type"] == "单选题" and q["mechanism"] == "全部" and q["score"] and q["answer"]
        assert all(a in LETTERS[:len(q["options"])] for a in q["answer"])
        questions.append(q)
    return title, questions


def ws_fold(text: str) -> str:
    return " ".join(text.split()).translate(str.maketrans("[]()", "［］（）"))


@pytest.mark.parametrize(("quiz", "data"), ALL, ids=IDS)
def test_wesurvey_parsed_as_its_documentation_describes(quiz, data):
    title, parsed = parse_wesurvey(wesurvey(data, topics(quiz)).decode("utf-8"))
    assert title.startswith(ws_fold(data["title"]))
    assert len(parsed) == len(data["questions"])
    for q, p in zip(data["questions"], parsed):
        assert len(p["answer"]) == 1
        right = LETTERS.index(p["answer"][0])
        if expected_choice(q):
            assert p["title"] == ws_fold(q["prompt"])
            assert p["options"] == [ws_fold(o) for o in q["options"]]
            assert right == q["answer"]
        else:
            check_ordering(q, p["title"], p["options"], right, fold=ws_fold)


# --- determinism, wiring ------------------------------------------------------------------------

BANK = ["xlsx", "txt", "wesurvey"]


def test_same_spec_and_seed_give_identical_bytes():
    content = shipped()
    spec, _ = load_spec(spec_paths()[0], content)
    first = render(build_quiz(content, spec), BANK)
    import time

    time.sleep(1.1)  # openpyxl stamps the second into core.xml and the zip entries
    spec2, _ = load_spec(spec_paths()[0], content)
    second = render(build_quiz(content, spec2.model_copy(), seed=spec2.seed), BANK)
    assert first.keys() == second.keys()
    assert all(first[k] == second[k] for k in first)
    with zipfile.ZipFile(io.BytesIO(first["tiku-A.xlsx"])) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        assert b"2000-01-01T00:00:00Z" in z.read("docProps/core.xml")


def test_formats_and_file_names_agree():
    assert {"xlsx", "txt", "wesurvey"} <= set(FORMATS)
    quiz, _ = ALL[0]
    files = render(quiz, BANK)
    assert sorted(files) == sorted(file_names(quiz.spec.stem, quiz.labels, BANK))
    assert sorted(render(quiz, ["txt"])) == ["coverage.html", "coverage.json", "tiku-A.txt"]


def test_quiz_page_links_no_bank_file():
    """The banks are exams: they go to the trainers' pack, never linked from the handbook."""
    from generator.quiz.site import spec_page_markdown

    content = shipped()
    spec, _ = load_spec(spec_paths()[0], content)
    page = spec_page_markdown(content, spec)
    for v in build_quiz(content, spec).labels:
        for name in (f"tiku-{v}.xlsx", f"tiku-{v}.txt", f"wesurvey-{v}.txt"):
            assert name not in page


@pytest.mark.slow
def test_cli_writes_the_bank_files(cli, tmp_path):
    out = tmp_path / "out"
    run = cli("quiz", str(spec_paths()[0]), "--out", str(out), "--format", "xlsx,txt,wesurvey", "--versions", "2")
    assert run.code == 0, run.err
    names = sorted(p.name for p in out.iterdir())
    assert names == [".playbook-output.json", "coverage.html", "coverage.json", "tiku-A.txt", "tiku-A.xlsx", "tiku-B.txt", "tiku-B.xlsx",
                     "wesurvey-A.txt", "wesurvey-B.txt"]


def test_author_guide_has_import_steps_for_each_file():
    from .helpers import REPO

    guide = (REPO / "content" / "pages" / "author-guide.md").read_text(encoding="utf-8")
    section = guide[guide.index("导入企业微信/钉钉/问卷星/腾讯问卷"):]
    for name in ("tiku-A.xlsx", "tiku-A.txt", "wesurvey-A.txt"):
        assert f"（`{name}`" in section, name
    assert section.count("导入步骤") >= 3
