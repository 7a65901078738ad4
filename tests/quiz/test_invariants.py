"""Every question of every shipped spec, and of many random seeds, keeps the invariants."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.quiz.assemble import build_quiz
from generator.quiz.drawable import available
from generator.quiz.pool import select
from generator.quiz.question import TYPES, flaws, norm
from generator.quiz.spec import load_spec

from .helpers import make_content, shipped, spec_paths


def check_paper(content, questions) -> None:
    ids = [q.id for q in questions]
    assert len(ids) == len(set(ids)), "a question is repeated within a paper"
    prompts = [(q.prompt, tuple(sorted(q.options))) for q in questions]
    assert len(prompts) == len(set(prompts)), "two questions read the same"
    for q in questions:
        assert flaws(q) == [], (q.id, flaws(q))
        check_semantics(content, q)
        if q.type == "ordering":
            assert list(q.answer) != list(range(len(q.options))), "an ordering question is shown already in order"


def phrase_text(content, key: str) -> str:
    if "#" not in key:
        return content.phrases[key].text
    pid, rest = key.split("#")
    si, pi = rest[1:].split("p")
    return content.procedures[pid].steps[int(si) - 1].phrases[int(pi) - 1].text


def check_semantics(content, q) -> None:
    """The marked answer really is the right one, judged from the content (not from the generator)."""
    kind, about, digest = q.id.split(":")
    assert q.type == kind and len(digest) == 6
    steps = [c.step for c in q.covers if c.kind == "step"]
    phrase = next((c.id for c in q.covers if c.kind == "phrase"), None)
    assert q.source in content.procedures or q.source in content.phrases or q.source in content.scenarios
    if q.type in ("ordering", "next_step", "step_of_point", "timing", "rule"):
        proc = content.procedures[q.source]
        assert f"《{proc.title}》" in q.explanation, "the explanation cites the procedure"
    if q.type in ("next_step", "step_of_point", "timing"):
        assert "第 " in q.explanation and " 步「" in q.explanation, "the explanation cites the step"
    if q.type == "ordering":
        titles = [s.title for s in proc.steps]
        in_order = [q.options[i] for i in q.answer]
        positions = [titles.index(t) for t in in_order]
        assert positions == sorted(positions) and positions == list(range(positions[0], positions[0] + len(positions)))
    elif q.type == "next_step":
        titles = [s.title for s in proc.steps]
        i = steps[0]
        assert q.options[q.answer] == titles[i + 1]
        assert titles[i] not in q.options
    elif q.type == "step_of_point":
        si = steps[0]
        point = q.prompt.split("“", 1)[1].rsplit("”是哪一步的做法", 1)[0]
        assert point in proc.steps[si].points
        owners = [s.title for s in proc.steps if point in s.points]
        assert owners == [q.options[q.answer]]
    elif q.type == "timing":
        si = steps[0]
        blanked = q.prompt.rsplit("要求：“", 1)[1].rsplit("”。横线处应是？", 1)[0]
        step = proc.steps[si]
        step_texts = [*step.timing, *step.must, *step.never, *step.points]
        assert blanked.replace("____", q.options[q.answer]) in step_texts
        for i, o in enumerate(q.options):
            if i != q.answer:
                assert blanked.replace("____", o) not in step_texts
    elif q.type == "cloze":
        text = phrase_text(content, phrase)
        blanked = text.replace(q.options[q.answer], "____")
        assert f"“{blanked}”" in q.prompt
        for i, o in enumerate(q.options):
            if i != q.answer:
                assert blanked.replace("____", o) != text
    elif q.type == "matching":
        when = q.prompt.removeprefix("情境：").rsplit("。这时应该说哪一句？", 1)[0]
        assert q.options[q.answer] == phrase_text(content, phrase)
        right = [p.text for p in content.phrases.values() if norm(p.when) == norm(when)] + [
            u.text for p in content.procedures.values() for s in p.steps for u in s.phrases
            if not isinstance(u, str) and norm(u.when or s.title) == norm(when)]
        assert q.options[q.answer] in right
        assert sum(o in right for o in q.options) == 1
    elif q.type in ("scenario", "case"):
        sc = content.scenarios[q.source]
        assert q.options[q.answer] == next(o.text for o in sc.options if o.correct)


@pytest.mark.parametrize("path", spec_paths(), ids=lambda p: p.stem)
def test_shipped_specs_keep_every_invariant(path: Path) -> None:
    content = shipped()
    spec, problems = load_spec(path, content)
    assert spec is not None, [p.format() for p in problems]
    quiz = build_quiz(content, spec)
    assert len(quiz.papers) == spec.versions
    for paper in quiz.papers:
        assert len(paper) == spec.total
        counts = {t: sum(q.type == t for q in paper) for t in TYPES}
        assert counts == spec.counts()
        check_paper(content, paper)
    if spec.variation == "shuffle" and spec.versions > 1:
        a, b = quiz.papers[0], quiz.papers[1]
        assert sorted(q.id for q in a) == sorted(q.id for q in b)
        assert [(q.id, q.options) for q in a] != [(q.id, q.options) for q in b], "B is not a reshuffle of A"
    if spec.variation == "draw" and spec.versions > 1:
        assert {q.id for q in quiz.papers[0]} != {q.id for q in quiz.papers[1]}, "draw mode gave the same draw"


def test_shipped_specs_cover_the_promised_titles() -> None:
    content = shipped()
    titles = {load_spec(p, content)[0].title for p in spec_paths()}
    assert len(titles) >= 3
    assert any("售楼处" in t for t in titles) and any("维修接待" in t for t in titles) and any("投诉" in t for t in titles)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
@pytest.mark.slow
def test_every_question_of_the_whole_content_is_sound_for_any_seed(seed: int) -> None:
    content = shipped()
    pool = select(content, procedures=list(content.procedures), scenarios=list(content.scenarios))
    for t, qs in available(pool, seed).items():
        for q in qs:
            check_semantics(content, q)
            assert flaws(q) == []


_cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=2, max_size=12)
_units = st.sampled_from(["天", "小时", "分钟", "%", "米", "周", "个月"])
_nums = st.sampled_from(["一", "两", "三", "五", "七", "十", "2", "3", "7", "10", "15"])


@st.composite
def procedures(draw):
    n = draw(st.integers(min_value=3, max_value=9))
    titles = draw(st.lists(_cjk, min_size=n, max_size=n, unique=True))
    steps = []
    for t in titles:
        points = draw(st.lists(_cjk.map(lambda s: s + "的做法要点"), max_size=3, unique=True))
        timing = [f"{draw(_cjk)}{draw(_nums)}{draw(_units)}{draw(_cjk)}" for _ in range(draw(st.integers(0, 2)))]
        must = [f"一定{draw(_cjk)}" for _ in range(draw(st.integers(0, 1)))]
        never = [f"不得{draw(_cjk)}" for _ in range(draw(st.integers(0, 1)))]
        steps.append({"title": t, "points": points, "timing": timing, "must": must, "never": never})
    return {"id": "p", "title": draw(_cjk), "domain": "d", "steps": steps}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(proc=procedures(), seed=st.integers(min_value=0, max_value=10**6), versions=st.integers(1, 4))
def test_random_procedures_give_sound_papers(proc, seed: int, versions: int) -> None:
    content = make_content([proc])
    pool = select(content, procedures=["p"])
    found = available(pool, seed)
    for qs in found.values():
        for q in qs:
            assert flaws(q) == [], (q, flaws(q))
            check_semantics(content, q)
    # Assemble a paper from whatever the pool supports and check it as a whole.
    from generator.quiz.spec import QuizSpec

    counts = {t: len(qs) for t, qs in found.items()}
    if not sum(counts.values()):
        return
    spec = QuizSpec.model_validate({"title": "随机", "draws_on": {"procedures": ["p"]}, "questions": counts,
                                    "seed": seed, "versions": versions, "variation": "draw"})
    quiz = build_quiz(content, spec)
    for paper in quiz.papers:
        assert len(paper) == sum(counts.values())
        check_paper(content, paper)


ORDER_TYPES = ("ordering", "next_step")


def _unordered_sources(content, questions) -> list[str]:
    """Ids of order questions whose procedure has no order (``kind: rules``)."""
    return [q.id for q in questions if q.type in ORDER_TYPES and content.procedures[q.source].kind != "flow"]


@pytest.mark.parametrize("path", spec_paths(), ids=lambda p: p.stem)
def test_order_questions_only_ask_about_flows(path: Path) -> None:
    """“Which step comes next” makes no sense for a list of rules or duties: every spec, many seeds."""
    content = shipped()
    spec, _ = load_spec(path, content)
    sel = spec.draws_on
    pool = select(content, sel.procedures, sel.tags, sel.roles, sel.domains, sel.scenarios)
    assert any(p.kind == "rules" for p in pool.procedures), "the spec draws on no rules list: nothing is proved"
    for seed in [spec.seed, *range(40)]:
        found = available(pool, seed, list(ORDER_TYPES))
        assert _unordered_sources(content, found["ordering"] + found["next_step"]) == [], seed
    quiz = build_quiz(content, spec)
    for paper in quiz.papers:
        assert _unordered_sources(content, paper) == []


def test_procedure_page_quizzes_ask_order_only_of_flows() -> None:
    from generator.quiz.site import procedure_questions

    content = shipped()
    rules = [p.id for p in content.procedures.values() if p.kind == "rules"]
    assert rules
    for pid in content.procedures:
        assert _unordered_sources(content, procedure_questions(content, pid)) == [], pid


def test_a_rules_list_gives_no_order_questions() -> None:
    steps = [{"title": t, "points": [f"第{n}条要做到的具体做法"]}
             for n, t in enumerate(("价值", "信息", "交流", "态度", "时间", "便利"))]
    content = make_content([{"id": "six", "title": "超越顾客期望的六个方面", "domain": "d", "kind": "rules",
                             "steps": steps}])
    pool = select(content, procedures=["six"])
    found = available(pool, 3)
    assert found["ordering"] == [] and found["next_step"] == []
    assert found["step_of_point"], "which item a point belongs to still makes sense for a list"


STRAY_SPACE = re.compile(r"(?:[。！？，；：、”’）》」]|[\u4e00-\u9fff])[ \t\u3000]+(?=[\u4e00-\u9fff“‘（《「])")


def test_case_texts_have_no_stray_spaces_between_sentences() -> None:
    """A folded YAML block (``situation: >-``) joins its lines with spaces: 「机会。 一位」."""
    content = shipped()
    pool = select(content, scenarios=list(content.scenarios))
    cases = {q.source: q for q in available(pool, 1, ["case", "scenario"])["case"]}
    hotel = cases["expectation-case-oriental-hotel"]
    assert "机会。一位史密斯先生" in hotel.prompt
    for q in [*cases.values(), *available(pool, 1, ["scenario"])["scenario"]]:
        for text in (q.prompt, q.explanation, *q.options):
            assert not STRAY_SPACE.search(text), (q.id, STRAY_SPACE.search(text).group())
    # Spaces an author means stay: between a number or Latin word and Chinese, around arrows.
    from generator.quiz.question import tidy

    assert tidy("在 12 楼 A 户，正如 ISO 认证。 流程：价格 → 合同") == "在 12 楼 A 户，正如 ISO 认证。流程：价格 → 合同"
    assert tidy("再服务!” 他笃信：“客户 第一”") == "再服务!”他笃信：“客户第一”"


def _trade(content, domain: str) -> str:
    d = content.domains.get(domain)
    return d.trade if d is not None else ""


def _foreign_distractors(content, q) -> list[str]:
    """Wrong options of a phrase question found only in phrases of another trade than the question's."""
    uses = content.phrase_uses()
    where: list[tuple[str, set[str]]] = []  # (phrase text, domains using it)
    for pid, ph in content.phrases.items():
        where.append((ph.text, {content.procedures[p].domain for p, _ in uses.get(pid, [])}))
    for proc in content.procedures.values():
        for s in proc.steps:
            where += [(u.text, {proc.domain}) for u in s.phrases if not isinstance(u, str)]
    asked_in = _trade(content, content.procedures[next(c.id for c in q.covers if c.kind == "step")].domain)
    foreign = []
    for i, o in enumerate(q.options):
        if i == q.answer or not asked_in:
            continue
        trades = {_trade(content, d) for text, ds in where if o in text for d in (ds or {""})}
        if trades and all(t and t != asked_in for t in trades):
            foreign.append(o)
    return foreign


def test_shipped_domains_name_their_trade() -> None:
    content = shipped()
    assert _trade(content, "sales-office") == "房地产"
    assert _trade(content, "after-sales") == _trade(content, "car-sales") == "汽车"
    assert _trade(content, "etiquette") == ""  # general: serves every trade


@pytest.mark.parametrize("seed", [0, 1, 7, 31, 20240601])
def test_phrase_distractors_never_come_from_another_trade(seed: int) -> None:
    """A real-estate cloze offered 「零件和工时费用」 (car repair): a give-away."""
    content = shipped()
    pool = select(content, procedures=list(content.procedures))
    found = available(pool, seed, ["cloze", "matching"])
    bad = {q.id: f for q in found["cloze"] + found["matching"] if (f := _foreign_distractors(content, q))}
    assert bad == {}
    offered = {o for q in found["cloze"] if q.source == "goodbye-welcome-back" for o in q.options}
    assert offered and "零件和工时费用" not in offered


def test_distractors_come_from_the_same_domain_first() -> None:
    domains = [{"id": "house", "name": "售楼处", "trade": "房地产"}, {"id": "house-2", "name": "物业", "trade": "房地产"},
               {"id": "car", "name": "维修", "trade": "汽车"}, {"id": "manners", "name": "礼仪"}]
    words = {"house": ["样板间", "认购书", "首付款", "按揭"], "house-2": ["物业费", "门禁卡"],
             "car": ["零件费", "工时费", "轮胎", "机油"], "manners": ["名片", "茶水"]}
    phrases, procs = [], []
    for dom, ws in words.items():
        ids = []
        for i, w in enumerate(ws):
            pid = f"{dom}-{i}"
            ids.append(pid)
            phrases.append({"id": pid, "text": f"请您看一下{w}的说明", "when": f"{dom}情境{i}", "blanks": [w]})
        procs.append({"id": f"p-{dom}", "title": f"{dom}流程", "domain": dom,
                      "steps": [{"title": f"步骤{i}", "phrases": [pid]} for i, pid in enumerate(ids)]})
    content = make_content(procs, phrases)
    from generator.model import Domain

    for d in domains:
        content.domains[d["id"]] = Domain.model_validate(d)
    house = set(words["house"])
    for seed in range(20):
        qs = available(select(content, procedures=["p-house"]), seed, ["cloze"])["cloze"]
        assert qs
        for q in qs:
            wrong = [o for i, o in enumerate(q.options) if i != q.answer]
            assert set(wrong) <= house, (q.id, wrong)  # three others of the same domain are there
        qs = available(select(content, procedures=["p-house-2"]), seed, ["cloze"])["cloze"]
        for q in qs:
            wrong = {o for i, o in enumerate(q.options) if i != q.answer}
            assert wrong <= house | {"物业费", "门禁卡"}, (q.id, wrong)  # same domain, then the same trade
            assert not wrong & set(words["car"])
