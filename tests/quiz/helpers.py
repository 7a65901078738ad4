"""Helpers for the quiz tests: the shipped content and specs, and small synthetic contents."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from generator.content import Content
from generator.loader import load_content
from generator.model import Phrase, Procedure, Scenario

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
QUIZZES = REPO / "quizzes"


@lru_cache(maxsize=1)
def shipped() -> Content:
    content, problems = load_content(CONTENT)
    errors = [p.format() for p in problems if p.is_error]
    assert not errors, errors
    return content


def spec_paths() -> list[Path]:
    return sorted(QUIZZES.glob("*.yaml"))


def make_content(procedures: list[dict], phrases: list[dict] = (), scenarios: list[dict] = ()) -> Content:
    """A Content built in memory from plain dicts (validated by the real model classes)."""
    c = Content(root=Path("synthetic"))
    for p in phrases:
        ph = Phrase.model_validate(p)
        c.phrases[ph.id] = ph
    for p in procedures:
        proc = Procedure.model_validate(p)
        c.procedures[proc.id] = proc
    for s in scenarios:
        sc = Scenario.model_validate(s)
        c.scenarios[sc.id] = sc
    return c


SPECIAL = '<b>&"\'{}~=#:\\'  # every character that needs escaping somewhere


def special_content() -> Content:
    """Content whose text is full of characters HTML, XML, Markdown and GIFT treat specially."""
    steps = []
    for i in range(6):
        steps.append({
            "title": f"第{i + 1}环节 <b>接待</b> & “确认” {{#{i}}} ~= a:b \\ 步骤{i} it's",
            "points": [f"要点{i}：检查 <i>{i}</i> 号单据 & 签字 {{ok}} ~ 与 = 与 # 与 : 号"],
            "phrases": [f"ph-{i}"],
            "timing": [f"提前{['一', '两', '三', '五', '七', '十'][i]}天通知客户 <br> & 确认"],
            "must": [f"一定核对 {{单据}} & <金额> {i}"],
            "never": [f"不得泄露 {i} 号客户的 \"隐私\" & 信息"],
        })
    phrases = [{"id": f"ph-{i}", "text": f"您好 <{i}>！欢迎光临{['北京', '上海', '广州', '深圳', '杭州', '成都'][i]} & {{店}} ~ = # : \\",
                "when": f"情境{i}：客户 <到店> & {{进门}}", "blanks": [['北京', '上海', '广州', '深圳', '杭州', '成都'][i]],
                "avoid": [f"你找谁 {i}？ <hr> & ~"]} for i in range(6)]
    scen = [{"id": "sc-special", "title": "特殊 <字符> & 情景", "situation": "客户说：“{价格} 太贵 & <不买>”",
             "question": "怎么办？ a:b ~ = #", "procedures": ["special-proc"],
             "options": [{"text": "耐心解释 {价值} & <服务>", "correct": True, "why": "因为 \"价值\" ~ 重要 #1"},
                         {"text": "直接降价 {50%} & 赶快成交", "why": "破坏 <价格体系>"},
                         {"text": "不理客户 ~ 让他走 = 算了", "why": "失礼 \\ 不对"}]}]
    return make_content([{"id": "special-proc", "title": "特殊<流程> & {测试}", "domain": "test", "steps": steps}],
                        phrases, scen)
