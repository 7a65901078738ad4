"""The report's charts: score histogram, facility per question, weakest steps. SVG with text drawn as
paths (reads the same without the font installed; no CDN), deterministic (fixed hash salt, no date)."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import TYPE_CHECKING

from .analysis import TestAnalysis, short

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# matplotlib (0.6 s to import) is loaded by the functions that draw, so that `playbook report`
# answers a refused argument or a bad results file without waiting for it.


@lru_cache(maxsize=1)
def _cjk_font() -> str | None:
    from matplotlib import font_manager

    for family in ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei"):
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
            return family
        except ValueError:
            continue
    return None


def _axes(height: float):
    """A figure of the report's width, not pyplot's: nothing global to close, no GUI backend chosen."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, height))
    return fig, fig.subplots()


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    return text[text.find("<svg"):]  # inline: no XML declaration or DOCTYPE


def charts(test: TestAnalysis) -> dict[str, str]:
    """Score histogram, facility per question, weakest steps: SVG with text drawn as paths (reads
    the same without the font installed, no CDN)."""
    import matplotlib

    family = _cjk_font()
    rc = {"svg.fonttype": "path", "svg.hashsalt": "playbook", "font.size": 9, "axes.unicode_minus": False}
    if family:
        rc["font.family"] = [family]
    out: dict[str, str] = {}
    with matplotlib.rc_context(rc):
        fig, ax = _axes(2.6)
        ax.hist(test.scores, bins=list(range(0, 101, 10)), color="#4a78b5", edgecolor="white")
        ax.axvline(test.pass_mark, color="#c62828", linestyle="--", linewidth=1)
        ax.text(test.pass_mark, ax.get_ylim()[1] * 0.95, f" 及格线 {test.pass_mark:g}", color="#c62828",
                va="top")
        ax.set_xlabel("得分")
        ax.set_ylabel("人数")
        ax.set_title("分数分布")
        out["scores"] = _svg(fig)

        qs = test.questions
        fig, ax = _axes(2.6)
        colors = ["#c62828" if q.flags else "#4a78b5" for q in qs]
        ax.bar([q.number for q in qs], [q.facility * 100 for q in qs], color=colors)
        ax.set_ylim(0, 100)
        ax.set_xlabel("题号（红色：建议复核的题）")
        ax.set_ylabel("答对率 %")
        ax.set_title("每道题的答对率")
        out["facility"] = _svg(fig)

        weak = test.weakest_steps[:8]
        if weak:
            fig, ax = _axes(0.45 * len(weak) + 0.9)
            labels = [short(r.label, 30) for r in weak][::-1]
            ax.barh(labels, [r.facility * 100 for r in weak][::-1], color="#e08a2c")
            ax.set_xlim(0, 100)
            ax.set_xlabel("答对率 %")
            ax.set_title("最薄弱的步骤")
            out["steps"] = _svg(fig)
    return out
