"""Item analysis under the names Moodle's quiz statistics report uses.

Each statistic has a small, plain function with its formula (these are the reference the tests
compute by hand), and :func:`item_table` computes the same numbers for a whole response matrix at
once with numpy (what the report uses). Formulas as in Moodle: mod/quiz/report/statistics/ and
question/classes/statistics/questions/calculator.php (facility, discrimination index as the
correlation of the question's score with the score on the rest of the test) and
mod/quiz/report/statistics/classes/calculated.php (coefficient of internal consistency, which for
questions marked 0/1 is Cronbach's alpha / KR-20).

A response matrix has one row per sheet and one column per question: 1 right, 0 wrong (blank
counts as wrong), NaN when that sheet's paper did not have the question (``variation: draw``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import median

import numpy as np

Vector = Sequence[float]


def mean(xs: Vector) -> float:
    return sum(xs) / len(xs)


def variance(xs: Vector) -> float:
    """Sample variance  s² = Σ(x − x̄)² / (n − 1)  (Moodle uses n − 1 throughout)."""
    m = mean(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


def facility(item: Vector) -> float:
    """Facility index F = x̄ / x_max: the share of the sheets that got the question right (0–1)."""
    return mean(item)


def correlation(xs: Vector, ys: Vector) -> float | None:
    """Pearson's r = Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² Σ(y − ȳ)²); None when either does not vary."""
    mx, my = mean(xs), mean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def discrimination(item: Vector, totals: Vector) -> float | None:
    """Discrimination index D = 100 · r(x_p, T_p − x_p): the correlation of the question's score
    with the score on the rest of the test (the corrected item–total correlation), in percent.
    Moodle: above 30 good, 20–30 fair, below 20 weak, negative means strong trainees get it wrong."""
    rest = [t - x for x, t in zip(item, totals)]
    r = correlation(item, rest)
    return None if r is None else 100.0 * r


def cronbach_alpha(matrix: Sequence[Vector]) -> float | None:
    """Cronbach's alpha α = k/(k − 1) · (1 − Σ s²_i / s²_T) over k questions (rows are sheets).
    Moodle reports it ×100 as the coefficient of internal consistency. None when it is undefined
    (fewer than 2 questions or sheets, or every sheet has the same total)."""
    n = len(matrix)
    k = len(matrix[0]) if n else 0
    if n < 2 or k < 2:
        return None
    totals = [sum(row) for row in matrix]
    var_t = variance(totals)
    if var_t <= 0:
        return None
    var_items = sum(variance([row[j] for row in matrix]) for j in range(k))
    return k / (k - 1) * (1 - var_items / var_t)


def shares(choices: Sequence[object]) -> dict[object, float]:
    """The share of the sheets choosing each answer: count / number of sheets."""
    out: dict[object, float] = {}
    for c in choices:
        out[c] = out.get(c, 0) + 1
    return {c: v / len(choices) for c, v in out.items()}


def describe(scores: Vector) -> dict[str, float]:
    """Mean, median, standard deviation (n − 1), lowest and highest of the scores."""
    n = len(scores)
    return {"n": n, "mean": mean(scores), "median": float(median(scores)),
            "sd": math.sqrt(variance(scores)) if n > 1 else 0.0, "min": min(scores), "max": max(scores)}


# --- the vectorised version ---------------------------------------------------------------------


def item_table(matrix: np.ndarray) -> dict[str, np.ndarray]:
    """Facility (0–1), discrimination (percent, NaN when undefined) and n for every column of a
    response matrix (NaN = not on that sheet's paper). The rest score of a sheet is its number
    right on the other questions of its own paper."""
    x = np.asarray(matrix, dtype=float)
    present = ~np.isnan(x)
    xz = np.where(present, x, 0.0)
    totals = xz.sum(axis=1)
    rest = totals[:, None] - xz
    n = present.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = xz.sum(axis=0) / n
        mr = (rest * present).sum(axis=0) / n
        dx = np.where(present, xz - mx, 0.0)
        dr = np.where(present, rest - mr, 0.0)
        sxy = (dx * dr).sum(axis=0)
        sxx = (dx * dx).sum(axis=0)
        syy = (dr * dr).sum(axis=0)
        ok = (sxx > 1e-12) & (syy > 1e-12)
        disc = np.where(ok, 100.0 * sxy / np.sqrt(np.where(ok, sxx * syy, 1.0)), np.nan)
    return {"facility": mx, "discrimination": disc, "n": n}


def alpha_np(matrix: np.ndarray) -> float | None:
    """Cronbach's alpha of a complete matrix (no NaN), vectorised; the same formula as above."""
    x = np.asarray(matrix, dtype=float)
    n, k = x.shape
    if n < 2 or k < 2:
        return None
    var_t = x.sum(axis=1).var(ddof=1)
    if var_t <= 1e-12:
        return None
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / var_t))


def option_discrimination(chose: np.ndarray, rest: np.ndarray) -> float | None:
    """Correlation (percent) of choosing one option with the rest score: a wrong option that
    strong trainees choose (positive) may be defensible — a question to check."""
    c = np.asarray(chose, dtype=float)
    r = np.asarray(rest, dtype=float)
    if len(c) < 2 or c.std() < 1e-12 or r.std() < 1e-12:
        return None
    return float(100.0 * np.corrcoef(c, r)[0, 1])


# --- reading the numbers in plain Chinese ---------------------------------------------------------


def read_alpha(alpha: float | None, n: int, k: int) -> str:
    if alpha is None:
        return "算不出信度：答卷太少，或者人人总分一样。"
    note = f"（只有 {n} 份答卷，这个数字波动很大，仅供参考）" if n < 20 else ""
    if alpha >= 0.8:
        text = "题目之间很一致：总分能可靠地说明谁掌握得好、谁掌握得差。"
    elif alpha >= 0.7:
        text = "一致性尚可：总分大体可信，排在中间的人差几分说明不了什么。"
    elif alpha >= 0.5:
        text = f"一致性偏低：{k} 道题测的东西不太一致，或题太少；看总分时要留余地，先看下面“要修改的题”。"
    else:
        text = "一致性很低：总分不能可靠地区分掌握得好和差的人；多半有坏题，或者题目覆盖的内容彼此无关。"
    return text + note


def read_facility(f: float) -> str:
    if f < 0.2:
        return "很难"
    if f < 0.4:
        return "偏难"
    if f <= 0.8:
        return "适中"
    if f <= 0.95:
        return "偏易"
    return "很容易"


def read_discrimination(d: float | None) -> str:
    if d is None or math.isnan(d):
        return "无法计算"
    if d < 0:
        return "为负（有问题）"
    if d < 20:
        return "弱"
    if d < 30:
        return "一般"
    return "好"


def read_scores(desc: dict[str, float], pass_rate: float, pass_mark: float) -> str:
    spread = desc["sd"]
    parts = [f"平均 {desc['mean']:.1f} 分，一半人在 {desc['median']:.1f} 分以上；及格线 {pass_mark:g} 分，"
             f"{pass_rate * 100:.0f}% 的人及格。"]
    if spread < 8:
        parts.append("分数很集中：大家掌握得差不多。")
    elif spread < 18:
        parts.append("分数有一定差距：看“每人成绩”找出需要单独辅导的人。")
    else:
        parts.append("分数差距很大：有人掌握得很好，也有人明显没学会，建议分开辅导。")
    return "".join(parts)
