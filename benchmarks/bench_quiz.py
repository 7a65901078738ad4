#!/usr/bin/env python3
"""Benchmark: a 50-question quiz, 4 versions, from 1,000 synthetic procedures, every format.

    python benchmarks/bench_quiz.py [--procedures 1000] [--versions 4] [--no-pdf]

Prints the time for loading the pool / generating questions / assembling, then per output
format, and which part dominates. Content is synthetic but shaped like the shipped SOPs
(10 steps, points, timing facts, must/never rules, phrases with blanks and avoid wordings).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.content import Content  # noqa: E402
from generator.model import Phrase, Procedure, Scenario  # noqa: E402

WORDS = ["客户", "接待", "预约", "确认", "登记", "合同", "交车", "回访", "维修", "报价", "介绍", "样板房", "付款",
         "档案", "投诉", "道歉", "记录", "跟进", "说明", "检查", "服务", "满意", "引导", "资料", "签字", "车辆"]
UNITS = [("天", ["一", "两", "三", "五", "七"]), ("分钟", ["5", "7", "10", "15"]), ("%", ["10", "20", "5"]),
         ("小时", ["2", "4", "24"]), ("米", ["三", "五", "十"])]


def phrase_text(rng: random.Random, i: int) -> tuple[str, str]:
    key = f"{rng.choice(WORDS)}{rng.choice(WORDS)}"
    return f"您好，我来为您{key}，请您第{i}号稍等片刻。", key


def synthetic(n: int, seed: int = 1) -> Content:
    rng = random.Random(seed)
    c = Content(root=Path("synthetic"))
    for p in range(n):
        steps = []
        for s in range(10):
            title = f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(WORDS)}（第{p}-{s}项）"
            unit, nums = rng.choice(UNITS)
            pid = f"ph-{p}-{s}"
            text, key = phrase_text(rng, p * 10 + s)
            c.phrases[pid] = Phrase(id=pid, text=text, when=f"{title}时对客户说", blanks=[key],
                                    avoid=[f"你等着吧{p}{s}。", f"没空，{rng.choice(WORDS)}去。"])
            steps.append({
                "title": title,
                "points": [f"{rng.choice(WORDS)}时要{rng.choice(WORDS)}{rng.choice(WORDS)}，做法{p}-{s}-{k}" for k in range(3)],
                "phrases": [pid],
                "timing": [f"提前{rng.choice(nums)}{unit}{rng.choice(WORDS)}{rng.choice(WORDS)}"],
                "must": [f"一定{rng.choice(WORDS)}{rng.choice(WORDS)}核对{p}{s}"],
                "never": [f"不得{rng.choice(WORDS)}{rng.choice(WORDS)}敷衍{p}{s}"],
            })
        proc = Procedure.model_validate({"id": f"proc-{p}", "title": f"流程{p}", "domain": "bench",
                                         "tags": ["基准"], "steps": steps})
        c.procedures[proc.id] = proc
        sid = f"sc-{p}"
        c.scenarios[sid] = Scenario.model_validate({
            "id": sid, "title": f"情景{p}", "situation": f"客户在{rng.choice(WORDS)}时不满意（{p}）。",
            "question": "应该怎么做？", "procedures": [proc.id],
            "options": [{"text": f"耐心{rng.choice(WORDS)}并记录{p}", "correct": True, "why": "先倾听再处理"},
                        {"text": f"马上{rng.choice(WORDS)}然后离开{p}", "why": "不负责任"},
                        {"text": f"让客户自己{rng.choice(WORDS)}{p}", "why": "推卸责任"}]})
    return c


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--procedures", type=int, default=1000)
    ap.add_argument("--versions", type=int, default=4)
    ap.add_argument("--no-pdf", action="store_true")
    args = ap.parse_args()

    from generator.exports.quiz_files import FORMATS, render
    from generator.quiz.assemble import build_quiz
    from generator.quiz.spec import QuizSpec

    t0 = time.perf_counter()
    content = synthetic(args.procedures)
    t_content = time.perf_counter() - t0
    counts = {"ordering": 6, "next_step": 6, "step_of_point": 6, "timing": 6, "cloze": 6, "matching": 6,
              "rule": 7, "scenario": 7}
    assert sum(counts.values()) == 50
    spec = QuizSpec.model_validate({"title": "基准测验", "draws_on": {"tags": ["基准"]}, "questions": counts,
                                    "seed": 1, "versions": args.versions, "variation": "draw"})
    spec._stem = "bench"
    t0 = time.perf_counter()
    quiz = build_quiz(content, spec)
    t_build = time.perf_counter() - t0
    formats = tuple(f for f in FORMATS if not (args.no_pdf and f == "pdf"))
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    files = render(quiz, formats, timings)
    t_render = time.perf_counter() - t0
    size = sum(len(b) for b in files.values())
    print(f"内容 content: {args.procedures} procedures, {len(content.phrases)} phrases, "
          f"{len(content.scenarios)} scenarios (synthetic, {t_content:.2f} s to build in memory)")
    print(f"quiz: {len(quiz.papers[0])} questions x {len(quiz.papers)} versions, {len(files)} files, {size / 1e6:.1f} MB")
    rows = [("generate + assemble (all families over the pool)", t_build)] + sorted(
        timings.items(), key=lambda kv: -kv[1])
    total = t_build + t_render
    for name, secs in rows:
        print(f"  {name:<52} {secs:8.3f} s  {100 * secs / total:5.1f}%")
    print(f"  {'total':<52} {total:8.3f} s")
    top = max(rows, key=lambda kv: kv[1])
    print(f"dominant: {top[0]} ({100 * top[1] / total:.0f}% of the time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
