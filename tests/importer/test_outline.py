"""Numbering, headings and sentence rules on small inputs (fast, no files)."""

from __future__ import annotations

import pytest

from generator.importer.clean import Line, clean, is_clutter
from generator.importer.extract import Facts, analyse, split_title, timing_facts
from generator.importer.ids import IdAllocator, slugify
from generator.importer.outline import build_tree, cn_to_int, dedupe, tokenize


def items_of(*texts: str):
    return tokenize([Line(i, t) for i, t in enumerate(texts, start=1)])


def shape(*texts: str) -> list[tuple[int, str, str]]:
    """(depth, style, text) for every node, depth-first."""
    out = []

    def walk(node, depth):
        for c in node.children:
            out.append((depth, c.style, c.item.text))
            walk(c, depth + 1)

    walk(build_tree(items_of(*texts)), 0)
    return out


@pytest.mark.parametrize("text, style, num, rest", [
    ("一、客户接待管理", "cn-dun", 1, "客户接待管理"),
    ("(一)销售流程", "cn-paren", 1, "销售流程"),
    ("（二）管理指标。", "cn-paren", 2, "管理指标。"),
    ("1、 接待准备", "ar-dun", 1, "接待准备"),
    ("2. 客户需求分析", "ar-dot", 2, "客户需求分析"),
    ("3)开展部门内部活动", "ar-rparen", 3, "开展部门内部活动"),
    ("(1 ) 询问并向顾客说明", "ar-paren", 1, "询问并向顾客说明"),
    ("（4）介绍本公司近期服务", "ar-paren", 4, "介绍本公司近期服务"),
    ("③ 如何写4S店售后的改善与计划", "circled", 3, "如何写4S店售后的改善与计划"),
    ("第二步:汽车维修前台接待流程接待。", "step", 2, "汽车维修前台接待流程接待。"),
    ("十二、总结", "cn-dun", 12, "总结"),
])
def test_markers(text: str, style: str, num: int, rest: str) -> None:
    (item,) = items_of(text)
    assert (item.style, item.num, item.text) == (style, num, rest)


def test_numbers_glued_to_text_are_split() -> None:
    items = items_of("1、客户推开售楼处大门服务即开始。(1)客户推开大门是我们服务的开始;(2)从此他就是我们的终身客户。"
                     "2、销售人员迎客、问好、自我介绍。")
    assert [(i.style, i.num, i.text) for i in items] == [
        ("ar-dun", 1, "客户推开售楼处大门服务即开始。"),
        ("ar-paren", 1, "客户推开大门是我们服务的开始;"),
        ("ar-paren", 2, "从此他就是我们的终身客户。"),
        ("ar-dun", 2, "销售人员迎客、问好、自我介绍。"),
    ]


def test_list_glued_to_its_heading_without_punctuation() -> None:
    items = items_of("汽车维修前台接待流程是什么 篇31、接待准备")
    assert [(i.style, i.num, i.text) for i in items] == [("", 0, "汽车维修前台接待流程是什么 篇3"), ("ar-dun", 1, "接待准备")]
    items = items_of("一、销售流程1. 客户获取")
    assert [(i.style, i.text) for i in items] == [("cn-dun", "销售流程"), ("ar-dot", "客户获取")]


@pytest.mark.parametrize("text", [
    "必须和客户进行联系(2天之内),询问他对车是否满意。",
    "估算值与实际值上下不能超过10%。",
    "新客户购买商铺其中签约总价30万,直接抵扣现金10000元。",
    "平均每一、两天就进行一次回访。",
    "第1、2层为商铺。",
    "金额(大小写)、交款方式。",
    "由SA经常向客户宣传预约的好处。",
    "2014年8月31日开展老客户活动。",
])
def test_numbers_inside_sentences_are_not_markers(text: str) -> None:
    assert [(i.style, i.text) for i in items_of(text)] == [("", text)]


def test_bare_and_latin_items_only_count_in_sequence() -> None:
    items = items_of("1家里来客人时,还出门相迎。", "2如果客人来时成人不在场,孩子知道请客人坐。",
                     "a可以更多地准确地了解客户的需求。", "b可以为公司挖掘潜在的利润。", "D可以和客户垫定感情基础。")
    assert [(i.style, i.num) for i in items] == [("ar-bare", 1), ("ar-bare", 2), ("latin", 1), ("latin", 2), ("", 0)]
    # "D" does not follow "b": it stays text
    assert items[-1].text == "D可以和客户垫定感情基础。"
    assert [(i.style, i.num) for i in items_of("5分钟车程内需要有1000部轿车。")] == [("", 0)]


def test_levels_follow_the_order_styles_appear_in() -> None:
    got = shape("一、客户接待管理", "1、客户推开大门", "(1)服务的开始;", "(2)终身客户。", "2、迎客问好",
                "二、销售现场管理", "1、资源共享")
    assert [(d, s) for d, s, _ in got] == [
        (0, "cn-dun"), (1, "ar-dun"), (2, "ar-paren"), (2, "ar-paren"), (1, "ar-dun"), (0, "cn-dun"), (1, "ar-dun")]


def test_chinese_numbering_never_nests_under_arabic() -> None:
    # "(一)" after "2.产值计划" closes the arabic list: 一、 > (一) > 1. is the usual order
    got = shape("售后工作计划", "一.售后总体目标。", "1.人员定编。", "2.产值计划", "(一)营业指标。", "1.实现总营业额600万。",
                "2.客户满意度至少93%以上。", "二.经营发展目标。")
    assert [(d, s) for d, s, _ in got] == [
        (0, "heading"), (1, "cn-dun"), (2, "ar-dot"), (2, "ar-dot"), (2, "cn-paren"), (3, "ar-dot"), (3, "ar-dot"),
        (1, "cn-dun")]


def test_short_line_before_a_list_is_a_heading_but_not_inside_a_running_list() -> None:
    got = shape("服务流程及要点", "1.预约。", "2.接待。", "内部流程", "3.咨询。")
    assert got[0] == (0, "heading", "服务流程及要点")
    assert [s for _, s, _ in got].count("heading") == 1  # "内部流程" is body text of step 2
    assert got[3] == (2, "", "内部流程")


def test_wrapped_sentence_is_joined() -> None:
    got = shape("服务流程", "1.咨询。", "这有助于消除客户的疑", "虑和不安。", "2.派工。")
    assert (2, "", "这有助于消除客户的疑虑和不安。") in got


def test_repeated_passages_are_kept_once() -> None:
    items = items_of("1、出迎及时,问好。", "2、始终保持微笑服务(包括领导/同事)。", "关键词:消除客户的疑虑。",
                     "导读", "1、出迎及时,问好。 2、始终保持微笑服务(包括领导/同事)。", "关键行为:认真倾听。",
                     "关键词:消除客户的疑虑。")
    kept, dropped = dedupe(items)
    assert [i.no for i in dropped] == [5, 5]
    assert [i.text for i in kept].count("关键词:消除客户的疑虑。") == 2  # short and alone: legitimately repeated


def test_teaser_line_repeating_the_text_below_is_dropped() -> None:
    lines = [Line(1, "导读:一、客户接待管理1、客户推开售楼处大门服务即开始。(1)客户推开大门"),
             Line(2, "一、客户接待管理"), Line(3, "1、客户推开售楼处大门服务即开始。"), Line(4, "(1)客户推开大门是开始;")]
    c = clean(lines)
    assert c.duplicates == [1] and [l.no for l in c.lines] == [2, 3, 4]


@pytest.mark.parametrize("text", ["文档库 最新最全的文档下载", "- 格式:doc", "- 大小:27.50 KB", ".jpg)",
                                  "![](images/a.png)", "相关文档", "https://www.example.com/doc/1.html", "= =!"])
def test_clutter(text: str) -> None:
    assert is_clutter(text)


@pytest.mark.parametrize("text", ["一、客户接待管理", "不明白啊 SA 是什么", "4S店客户关怀计划"])
def test_not_clutter(text: str) -> None:
    assert not is_clutter(text)


def test_traditional_is_converted_simplified_left_alone() -> None:
    c = clean([Line(1, "一、售後服務工作規定"), Line(2, "1、跟蹤業務員在客戶車輛送修進場後兩日內建立檔案。")])
    assert c.traditional and c.lines[0].text == "一、售后服务工作规定"
    s = clean([Line(1, "一、著名的售后服务"), Line(2, "1、跟踪业务员两日内建立档案。")])
    assert not s.traditional and s.lines[0].text == "一、著名的售后服务"


def analysed(text: str) -> Facts:
    f = Facts()
    analyse(text, f)
    return f


def test_quotes_of_every_kind_become_phrases() -> None:
    f = analysed("询问方式必须自然,如“您好!” \"以前来看过房吗?\" 「拿到过我们的资料吗?」")
    assert f.phrases == ["您好!", "以前来看过房吗?", "拿到过我们的资料吗?"]
    assert f.must == ["询问方式必须自然"]


def test_quoted_terms_are_not_phrases() -> None:
    f = analysed("服务接待应按照客户所述如实填写“维修工单”。")
    assert f.phrases == [] and f.points == ["服务接待应按照客户所述如实填写“维修工单”"]


def test_colon_phrase_without_quotes() -> None:
    f = analysed("问候、自我介绍用语一定使用规范:您好!欢迎看房。我是某某某(讲清自已的名字)。")
    assert f.phrases == ["您好!欢迎看房。我是某某某(讲清自已的名字)。"]
    assert f.must == ["问候、自我介绍用语一定使用规范"]
    f = analysed("使用规范用语:请随我来或请往这边走;")
    assert f.phrases == ["请随我来或请往这边走"] and not f.points and not f.must


@pytest.mark.parametrize("text, kind", [
    ("一定亲自带客户看房", "must"), ("必须向车间的技术支持求助", "must"), ("务必当天回复", "must"),
    ("不得诋毁别的楼盘", "never"), ("不要让他有被冷落的感觉", "never"), ("严禁私自收取现金", "never"),
    ("切忌与顾客争吵", "never"), ("不可擅自作主", "never"), ("必须向技术支持求助,不可擅自作主", "never"),
    ("可以和客户奠定一定的感情基础", "points"), ("这是不可忽视的问题", "points"),
])
def test_must_and_never(text: str, kind: str) -> None:
    f = analysed(text)
    assert getattr(f, kind) == [text]


@pytest.mark.parametrize("sentence, facts", [
    ("提前三天第一次通知客户,讲请客户必须携带的资料", ["提前三天第一次通知客户"]),
    ("服务接待应在交车后两天之内与客户联系,确认客户是否满意", ["服务接待应在交车后两天之内与客户联系"]),
    ("估算值与实际值上下不能超过10%", ["估算值与实际值上下不能超过10%"]),
    ("问诊时间最少7分钟,这样的好处是", ["问诊时间最少7分钟"]),
    ("当天取车的至少提前半小时,隔天取车的最好提前一天说明", ["当天取车的至少提前半小时", "隔天取车的最好提前一天说明"]),
    ("提前三天第一次通知客户", ["提前三天第一次通知客户"]),
    ("第一次维修服务是他亲身体验的机会", []),
    ("按次序进行介绍,尽量突出卖点", []),
])
def test_timing_facts(sentence: str, facts: list[str]) -> None:
    assert timing_facts(sentence) == facts


@pytest.mark.parametrize("text, title, rest", [
    ("客户推开售楼处大门服务即开始。", "客户推开售楼处大门服务即开始", ""),
    ("客户搜寻与筛选:业务员首先需要搜寻潜在客户。", "客户搜寻与筛选", "业务员首先需要搜寻潜在客户。"),
    ("现场问诊 了解顾客关心的问题,询问顾客的来意。", "现场问诊", "了解顾客关心的问题,询问顾客的来意。"),
    ("销售流程销售流程是指从与潜在客户建立联系开始的过程。", "销售流程", "销售流程是指从与潜在客户建立联系开始的过程。"),
    ("房号管理应由专人负责,销售人员在收取预定款性质的费用前应通知房号管理者,确定房号允许销售后,方可办理手续。",
     "房号管理应由专人负责", "销售人员在收取预定款性质的费用前应通知房号管理者,确定房号允许销售后,方可办理手续。"),
])
def test_step_titles(text: str, title: str, rest: str) -> None:
    assert split_title(text) == (title, rest)


def test_ids_are_ascii_unique_and_stable() -> None:
    assert slugify("客户接待管理") == "ke-hu-jie-dai-guan-li"
    assert slugify("汽车4S店售后流程") == "qi-che-4s-dian-shou-hou-liu-cheng"
    assert slugify("！？") == "item"
    ids = IdAllocator(reserved=("imported",))
    assert [ids.take(t) for t in ("注意事项", "注意事项", "注意事项", "imported")] == [
        "zhu-yi-shi-xiang", "zhu-yi-shi-xiang-2", "zhu-yi-shi-xiang-3", "imported-2"]


def test_chinese_numerals() -> None:
    assert [cn_to_int(s) for s in ("一", "九", "十", "十二", "二十", "二十三", "7")] == [1, 9, 10, 12, 20, 23, 7]
