"""建议复核的题: the rules on a results fixture whose statistics the test computes by hand, the
threshold, and `--retire` editing a spec while keeping its comments."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from generator.quiz.candidates import candidates
from generator.quiz.scoring import Trainee, score_sheet
from generator.quiz.spec import load_spec
from generator.results import analysis, stats
from generator.results.recommend import MIN_RESPONSES, Item, Option, Recommendation, recommend
from generator.results.retire import retire

from .helpers import shipped

N = 20  # trainees; trainee 0 knows most, trainee 19 least
RIGHT = {  # question -> which trainees answer it right
    "easy": set(range(N)),
    "hard": {0, 1, 2},
    "neg": set(range(10, N)) | {0},  # the weak ones get it right
    "flat": {1, 2, 5, 6, 9, 10, 13, 14, 17, 18},  # half, strong and weak alike
    "good": set(range(12)),
    "fine": set(range(15)),
    "half": set(range(10)),
    "most": set(range(14)),
}
OPTIONS = ["正确做法", "错误做法一", "错误做法二", "错误做法三"]


def _wrong(qid: str, i: int) -> int:
    """The wrong option trainee i picks: 「good」 never draws option 3, the others rotate over all three."""
    return i % 2 + 1 if qid == "good" else i % 3 + 1


def _quiz() -> dict:
    return {"title": "复核测试", "version": "A", "seed": 1, "spec": "review-fixture", "pass_mark": 60,
            "questions": [{"id": q, "type": "rule", "prompt": f"题目 {q}", "options": OPTIONS, "answer": 0,
                           "explanation": "解析", "source": "p"} for q in RIGHT]}


def _sheets():
    quiz = _quiz()
    return [score_sheet(quiz, {q: [0] if i in who else [_wrong(q, i)] for q, who in RIGHT.items()}, {},
                        serial=str(i), trainee=Trainee(f"学员{i}", f"E{i}", "一店")) for i in range(N)]


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx, syy = sum((x - mx) ** 2 for x in xs), sum((y - my) ** 2 for y in ys)
    return None if sxx == 0 or syy == 0 else sxy / math.sqrt(sxx * syy)


def _by_hand() -> list[Item]:
    """Facility = right / answers; discrimination = 100 · r(item, rest of the test); option counts."""
    cols = {q: [1.0 if i in who else 0.0 for i in range(N)] for q, who in RIGHT.items()}
    totals = [sum(cols[q][i] for q in RIGHT) for i in range(N)]
    items = []
    for q, x in cols.items():
        r = _pearson(x, [t - xi for t, xi in zip(totals, x)])
        counts = [sum(1 for i in range(N) if (0 if i in RIGHT[q] else _wrong(q, i)) == k) for k in range(4)]
        items.append(Item(q, N, sum(x) / N, None if r is None else 100 * r,
                          tuple(Option(o, c, k == 0) for k, (o, c) in enumerate(zip(OPTIONS, counts)))))
    return items


def test_the_hand_numbers_are_the_report_statistics() -> None:
    hand = _by_hand()
    mat = np.array([[1.0 if r.correct else 0.0 for r in s.responses] for s in _sheets()])
    table = stats.item_table(mat)
    for j, it in enumerate(hand):
        assert table["facility"][j] == it.facility
        if it.discrimination is None:
            assert math.isnan(table["discrimination"][j])
        else:
            assert abs(table["discrimination"][j] - it.discrimination) < 1e-9
    d = {it.id: it.discrimination for it in hand}
    assert d["easy"] is None and d["neg"] < 0 and d["good"] > 30 and 0 <= d["flat"] < 10, d


def test_the_rules_on_the_fixture() -> None:
    hand = {it.id: it for it in _by_hand()}
    recs = recommend(list(hand.values()))
    kinds = {(r.id, r.kind) for r in recs}
    assert kinds == {
        ("easy", "too_easy"),  # facility 1.00 > 0.95
        ("easy", "unused_distractor"),  # nobody is wrong: no wrong option is picked (three of them)
        ("hard", "too_hard"),  # 3 / 20 = 0.15 < 0.2
        ("neg", "negative_discrimination"),
        ("flat", "weak_discrimination"),  # facility 0.5, discrimination between 0 and 10
        ("good", "unused_distractor"),  # 错误做法三 never picked
    }
    assert sum(r.kind == "unused_distractor" and r.id == "easy" for r in recs) == 3
    by = {(r.id, r.kind): r for r in recs}
    assert by[("hard", "too_hard")].reason.startswith("太难：只有 15% 的人答对")
    assert by[("neg", "negative_discrimination")].reason.startswith(
        f"区分度为负（{hand['neg'].discrimination:.0f}）")
    assert "「错误做法三」没有人选" in by[("good", "unused_distractor")].reason
    assert all(r.reason.endswith(f"（{N} 人作答）") and r.n == N for r in recs)
    assert not {"fine", "half", "most"} & {r.id for r in recs}


def test_never_on_fewer_answers_than_the_threshold() -> None:
    items = _by_hand()
    assert MIN_RESPONSES == N  # the fixture sits exactly on the documented default
    assert recommend(items, min_responses=N + 1) == []
    assert recommend(items, min_responses=N) == recommend(items)


def test_the_report_rows_give_the_same_recommendations() -> None:
    data = analysis.analyse(_sheets(), {"review-fixture": {"A": _quiz()}}, None)
    (t,) = data.tests
    from_report = recommend(analysis.items_of(t.questions))
    hand = recommend(_by_hand())
    assert [(r.id, r.kind, r.n) for r in from_report] == [(r.id, r.kind, r.n) for r in hand]
    assert [(r.id, r.kind) for r in t.recommendations] == [(r.id, r.kind) for r in hand]
    # each recommended question is listed under 建议复核的题 with its reasons first
    for q in t.to_fix:
        mine = [r.reason for r in t.recommendations if r.id == q.id]
        assert q.flags[:len(mine)] == mine
    assert {r.id for r in t.recommendations} <= {q.id for q in t.to_fix}


SPEC = """# 新员工测验：复核后排除的题写在 exclude 里
title: 退休测试
draws_on:
  procedures: [sales-office-reception]  # 只考接待
questions:
  next_step: 2
  rule: 2
exclude:
  - "sales-office-reception#15"  # 最后一步不考
# 结尾的注释
seed: 4
"""


def test_retire_adds_the_flagged_ids_and_keeps_the_comments(tmp_path: Path) -> None:
    path = tmp_path / "retire-check.yaml"
    path.write_text(SPEC, encoding="utf-8")
    spec, problems = load_spec(path, shipped())
    assert spec is not None, problems
    cands = candidates(shipped(), spec)
    steps = cands.drawable("next_step")
    rules = cands.drawable("rule")
    recs = [Recommendation(steps[0].id, "negative_discrimination", "区分度为负（-31）：…（24 人作答）", 24),
            Recommendation(steps[0].id, "too_hard", "太难：只有 10% 的人答对（24 人作答）", 24),
            Recommendation("next_step:sales-office-reception:000000", "too_easy", "太容易（24 人作答）", 24),
            *[Recommendation(q.id, "too_easy", "太容易（30 人作答）", 30) for q in rules]]
    done = retire(path, spec, shipped(), recs)
    # all rules but two would leave too few: the last ones are skipped, and said why
    assert done.added == [steps[0].id] + [q.id for q in rules[:len(rules) - 2]]
    assert [why for _, why in done.skipped][0].startswith("现在的内容出不了这道题了")
    assert sum("只剩" in why for _, why in done.skipped) == 2
    text = path.read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line in SPEC.splitlines()] == SPEC.splitlines()
    assert f"  - {steps[0].id}  # 建议复核：区分度为负（-31）" in text
    spec, problems = load_spec(path, shipped())
    assert spec is not None and [p.code for p in problems] == []
    assert spec.exclude == ["sales-office-reception#15", *done.added]
    assert (tmp_path / "retire-check.yaml.bak").read_text(encoding="utf-8") == SPEC
