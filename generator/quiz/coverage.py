"""Coverage: which procedures, steps and phrases of the drawn-on content appear in at least one question."""

from __future__ import annotations

from html import escape

from .assemble import Quiz


def coverage(quiz: Quiz, shared: dict[str, list[str]] | None = None) -> dict:
    """What the papers drill. ``shared`` (``practice.overlap``: exam question id -> where the site shows
    it as practice) adds the quiz's exam questions that are also practice, under "shared"."""
    covered_steps: set[tuple[str, int]] = set()
    covered_procs: set[str] = set()
    covered_phrases: set[str] = set()
    covered_scenarios: set[str] = set()
    ids: dict[tuple, set[str]] = {}  # (kind, id[, step]) -> the ids of the questions drilling it
    for paper in quiz.papers:
        for q in paper:
            for c in q.covers:
                ids.setdefault((c.kind, c.id, c.step), set()).add(q.id)
                if c.kind == "step":
                    covered_steps.add((c.id, c.step))
                    covered_procs.add(c.id)
                elif c.kind == "procedure":
                    covered_procs.add(c.id)
                elif c.kind == "phrase":
                    covered_phrases.add(c.id)
                elif c.kind == "scenario":
                    covered_scenarios.add(c.id)

    def drilled_by(kind: str, key: str, step: int = -1) -> list[str]:
        return sorted(ids.get((kind, key, step), ()))

    procs = []
    for p in quiz.pool.procedures:
        phrases = [i for i in quiz.pool.phrases if i.procedure == p.id]
        procs.append({
            "id": p.id, "title": p.title, "covered": p.id in covered_procs,
            "steps": [{"index": i + 1, "title": s.title, "covered": (p.id, i) in covered_steps,
                       "questions": drilled_by("step", p.id, i)} for i, s in enumerate(p.steps)],
            "phrases": [{"key": i.key, "text": i.text, "covered": i.key in covered_phrases,
                         "questions": drilled_by("phrase", i.key)} for i in phrases],
            "questions": drilled_by("procedure", p.id),
        })
    steps_total = sum(len(p["steps"]) for p in procs)
    steps_hit = sum(s["covered"] for p in procs for s in p["steps"])
    phr_total = len(quiz.pool.phrases)
    phr_hit = sum(i.key in covered_phrases for i in quiz.pool.phrases)
    out = {
        "title": quiz.spec.title, "spec": quiz.spec.stem, "seed": quiz.seed, "versions": len(quiz.papers),
        "summary": {
            "procedures": [sum(p["covered"] for p in procs), len(procs)],
            "steps": [steps_hit, steps_total],
            "phrases": [phr_hit, phr_total],
            "scenarios": [len(covered_scenarios), len(quiz.pool.scenarios)],
        },
        "procedures": procs,
        "scenarios": [{"id": s.id, "title": s.title, "covered": s.id in covered_scenarios,
                       "questions": drilled_by("scenario", s.id)} for s in quiz.pool.scenarios],
    }
    if shared is not None:
        out["shared"] = _shared(quiz, shared)
    return out


def _shared(quiz: Quiz, shared: dict[str, list[str]]) -> list[dict]:
    """This quiz's exam questions the site also shows as practice, in paper order (first version first)."""
    found: dict[str, dict] = {}
    for v, paper in enumerate(quiz.papers):
        for n, q in enumerate(paper, start=1):
            if q.id not in shared:
                continue
            entry = found.setdefault(q.id, {"number": n, "version": quiz.labels[v], "numbers": {}, "id": q.id,
                                            "prompt": q.prompt, "where": list(shared[q.id])})
            entry["numbers"][quiz.labels[v]] = n
    return list(found.values())


QID_CSS = (".qid{font:0.75em ui-monospace,monospace;color:#555;background:#f3f3f3;padding:0 .3em;"
           "margin-left:.4em;user-select:all;white-space:nowrap}")
"""Question ids, small and copied whole with one click (``user-select: all``)."""


def qid_html(ids: list[str]) -> str:
    """The ids of some questions as small copyable codes (escaped)."""
    return "".join(f' <code class="qid">{escape(i)}</code>' for i in ids)


def _pct(pair: list[int]) -> str:
    hit, total = pair
    return f"{hit}/{total}" + (f"（{round(100 * hit / total)}%）" if total else "")


def summary_html(cov: dict) -> str:
    s = cov["summary"]
    rows = [("流程", s["procedures"]), ("步骤", s["steps"]), ("规范用语", s["phrases"]), ("情景题/案例", s["scenarios"])]
    cells = "".join(f"<tr><td>{name}</td><td>{_pct(pair)}</td></tr>" for name, pair in rows)
    return f'<table class="pb-quiz-coverage"><thead><tr><th>内容</th><th>至少出现在一道题里</th></tr></thead><tbody>{cells}</tbody></table>'


def coverage_html(cov: dict) -> str:
    parts = ['<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
             f"<title>覆盖情况 · {escape(cov['title'])}</title>",
             "<style>body{font-family:'Noto Sans CJK SC',sans-serif;max-width:60em;margin:2em auto;line-height:1.5}"
             "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}table{border-collapse:collapse}"
             ".no{color:#c62828}.yes{color:#2e7d32}" + QID_CSS + "</style></head><body>",
             f"<h1>覆盖情况 · {escape(cov['title'])}</h1>",
             f"<p>{cov['versions']} 套试卷（随机种子 {cov['seed']}）合起来，出题范围里的内容有多少至少出现在一道题里。"
             "每项后面的小字是考到它的题目编号：写进规格的 <code>exclude:</code> 就不再出这道题。</p>",
             summary_html(cov)]
    for p in cov["procedures"]:
        parts.append(f"<h2>{escape(p['title'])} <small>{escape(p['id'])}</small></h2><ul>")
        for st in p["steps"]:
            mark = '<span class="yes">✔</span>' if st["covered"] else '<span class="no">✘ 未出题</span>'
            parts.append(f"<li>第 {st['index']} 步 {escape(st['title'])} {mark}{qid_html(st['questions'])}</li>")
        if p.get("questions"):
            parts.append(f"<li>整个流程 {qid_html(p['questions'])}</li>")
        parts.append("</ul>")
        if p["phrases"]:
            parts.append("<p>规范用语：</p><ul>")
            for ph in p["phrases"]:
                mark = '<span class="yes">✔</span>' if ph["covered"] else '<span class="no">✘ 未出题</span>'
                parts.append(f"<li>“{escape(ph['text'])}” {mark}{qid_html(ph['questions'])}</li>")
            parts.append("</ul>")
    if cov.get("scenarios"):
        parts.append("<h2>情景题和案例</h2><ul>")
        for sc in cov["scenarios"]:
            mark = '<span class="yes">✔</span>' if sc["covered"] else '<span class="no">✘ 未出题</span>'
            parts.append(f"<li>{escape(sc['title'])} {mark}{qid_html(sc['questions'])}</li>")
        parts.append("</ul>")
    if "shared" in cov:
        parts += _shared_html(cov["shared"])
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _shared_html(shared: list[dict]) -> list[str]:
    parts = [f"<h2>也出现在手册练习里的考试题（{len(shared)} 道）</h2>"]
    if not shared:
        return parts + ["<p>没有：手册网站上的练习题和自测题都不是这份测验试卷上的题。</p>"]
    parts.append("<p>出题范围里不在试卷上的题不够用，手册网站的练习只好用了这些考试题，"
                 "学员在考试前就能见到它们（连同答案）。可以给相关流程补充内容（步骤、规范用语、情景题），"
                 "让练习有别的题可用；或者减少题数、试卷套数；或者接受学员已经见过这些题。</p>")
    parts.append('<table><thead><tr><th>题号</th><th>题目</th><th>也出现在</th></tr></thead><tbody>')
    for e in shared:
        numbers = "、".join(f"{v} 卷第 {n} 题" for v, n in e["numbers"].items())
        prompt = "<br>".join(escape(line) for line in e["prompt"].split("\n"))
        parts.append(f"<tr><td>{numbers}</td><td>{prompt}<br>{qid_html([e['id']])}</td>"
                     f"<td>{'<br>'.join(escape(w) for w in e['where'])}</td></tr>")
    parts.append("</tbody></table>")
    return parts
