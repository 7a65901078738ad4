"""Item statistics against numbers computed by hand, and the plain formulas against the numpy version."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from generator.results import stats

# 5 sheets x 4 questions (1 right, 0 wrong); totals 3, 2, 1, 1, 4
M = [[1, 1, 1, 0],
     [1, 1, 0, 0],
     [1, 0, 0, 0],
     [0, 0, 0, 1],
     [1, 1, 1, 1]]


def col(j):
    return [row[j] for row in M]


TOTALS = [sum(r) for r in M]


def test_facility_by_hand():
    assert [stats.facility(col(j)) for j in range(4)] == pytest.approx([0.8, 0.6, 0.4, 0.4])


def test_discrimination_by_hand():
    # question 1: x = 1 1 1 0 1, rest = 2 1 0 1 3; Σdxdr = 0.40, Σdx² = 0.8, Σdr² = 5.2
    assert stats.discrimination(col(0), TOTALS) == pytest.approx(100 * 0.4 / math.sqrt(0.8 * 5.2))
    assert stats.discrimination(col(0), TOTALS) == pytest.approx(19.612, abs=1e-3)
    # question 4: x = 0 0 0 1 1, rest = 3 2 1 0 3; Σdxdr = -0.60, Σdx² = 1.2, Σdr² = 6.8 -> negative
    assert stats.discrimination(col(3), TOTALS) == pytest.approx(-21.004, abs=1e-3)
    assert stats.discrimination([1, 1, 1], [2, 3, 1]) is None  # everyone right: undefined


def test_alpha_by_hand():
    # item variances .2 .3 .3 .3 (sum 1.1), total variance 1.7: α = 4/3 · (1 − 1.1/1.7) = 8/17
    assert stats.cronbach_alpha(M) == pytest.approx(8 / 17)
    assert stats.alpha_np(np.array(M)) == pytest.approx(8 / 17)
    assert stats.cronbach_alpha([[1, 0], [1, 0]]) is None


def test_distractor_shares_by_hand():
    assert stats.shares(["A", "B", "A", "C", "A"]) == pytest.approx({"A": 0.6, "B": 0.2, "C": 0.2})


def test_describe_by_hand():
    d = stats.describe([50, 60, 70, 80, 100])
    assert d["mean"] == 72 and d["median"] == 70 and d["min"] == 50 and d["max"] == 100
    assert d["sd"] == pytest.approx(math.sqrt((484 + 144 + 4 + 64 + 784) / 4))


def test_vectorised_matches_hand():
    t = stats.item_table(np.array(M, dtype=float))
    assert t["facility"] == pytest.approx([0.8, 0.6, 0.4, 0.4])
    assert t["discrimination"][0] == pytest.approx(19.612, abs=1e-3)
    assert t["discrimination"][3] == pytest.approx(-21.004, abs=1e-3)


@pytest.mark.parametrize("seed", range(8))
def test_vectorised_matches_plain_formulas_on_random_matrices(seed):
    rng = random.Random(seed)
    n, k = rng.randint(3, 60), rng.randint(2, 25)
    skill = [rng.random() for _ in range(n)]
    m = [[1 if rng.random() < (s + rng.random()) / 2 else 0 for _ in range(k)] for s in skill]
    arr = np.array(m, dtype=float)
    t = stats.item_table(arr)
    totals = [sum(r) for r in m]
    for j in range(k):
        c = [r[j] for r in m]
        assert t["facility"][j] == pytest.approx(stats.facility(c))
        d = stats.discrimination(c, totals)
        if d is None:
            assert math.isnan(t["discrimination"][j])
        else:
            assert t["discrimination"][j] == pytest.approx(d)
    a, b = stats.cronbach_alpha(m), stats.alpha_np(arr)
    assert (a is None and b is None) or a == pytest.approx(b)


@pytest.mark.parametrize("seed", range(4))
def test_vectorised_with_missing_questions_matches_per_column_formulas(seed):
    """``variation: draw``: a sheet only has its own paper's questions (NaN for the others); each
    question's statistics are over the sheets that had it, the rest score over that sheet's paper."""
    rng = random.Random(100 + seed)
    n, k = 40, 12
    arr = np.array([[float(rng.random() < 0.6) for _ in range(k)] for _ in range(n)])
    for i in range(n):
        for j in rng.sample(range(k), 3):
            arr[i, j] = np.nan
    t = stats.item_table(arr)
    totals = np.nansum(arr, axis=1)
    for j in range(k):
        rows = [i for i in range(n) if not np.isnan(arr[i, j])]
        c = [arr[i, j] for i in rows]
        assert t["n"][j] == len(rows)
        assert t["facility"][j] == pytest.approx(stats.facility(c))
        d = stats.discrimination(c, [totals[i] for i in rows])
        assert (d is None and math.isnan(t["discrimination"][j])) or t["discrimination"][j] == pytest.approx(d)


def test_readings_are_chinese():
    assert "很一致" in stats.read_alpha(0.85, 100, 20)
    assert "仅供参考" in stats.read_alpha(0.85, 5, 20)
    assert stats.read_discrimination(-5) == "为负（有问题）"
    assert stats.read_facility(0.1) == "很难"
