"""`playbook report`: from results.json files to scores per trainee, an item analysis per question,
test statistics, and the weakest steps and phrases per procedure; rendered as HTML, PDF, XLSX and
SVG charts. Pure: :func:`analyse` returns plain data, the renderers return bytes. The PDFs are laid out
by Typst (templates ``print/report.typ`` and ``print/trainees.typ``) from JSON data, never through the
print cache: they hold names and scores.

What a question cites (steps, phrases, scenarios) is its ``covers`` in the quiz JSON; option
texts and prompts come from the same JSON, used only when it is the very quiz the sheets were
graded against (same fingerprint).
"""

from __future__ import annotations

import io
import math
import re
from collections import defaultdict
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from ..print import typst_compiler
from ..quiz.question import LETTERS, TYPES, Cover
from ..quiz.scoring import FLAG_NAMES, Sheet
from ..spreadsheet import stable_xlsx, xlsx_row
from . import stats

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "report"
"""The HTML report and score sheets (report.html, trainees.html) handed to the trainer."""
REPORT_TEMPLATE = "report.typ"  # under generator/templates/print/
TRAINEES_TEMPLATE = "trainees.typ"
PRINTED = datetime(2000, 1, 1, tzinfo=UTC)
"""The PDFs' creation date: results carry no date of their own, and never the clock, so the same
results always give byte-identical PDFs."""
MIN_N_STEP = 3
"""A step needs at least this many answers before it can be called weak."""


# --- what a question cites -------------------------------------------------------------------------


def covers_of(q: dict | None) -> tuple[Cover, ...]:
    """What a question of the quiz JSON drills (its ``covers``); nothing for a question whose quiz
    could not be found (its cites are then left empty rather than guessed)."""
    if q is None:
        return ()
    return tuple(dict.fromkeys(Cover.from_json(c) for c in q.get("covers", ())))


def ref_label(ref: Cover, content) -> str:
    """《售楼处客户接待》第 9 步「如客户表达认购意向，收取预定款」, 规范用语“再见，欢迎再来！”…"""
    if content is None:
        return ref.id if ref.step < 0 else f"{ref.id} 第 {ref.step + 1} 步"
    if ref.kind == "step":
        p = content.procedures[ref.id]
        return f"《{p.title}》第 {ref.step + 1} 步「{p.steps[ref.step].title}」"
    if ref.kind == "procedure":
        p = content.procedures.get(ref.id)
        return f"《{p.title}》" if p else ref.id
    if ref.kind == "phrase":
        ph = content.phrases.get(ref.id)
        if ph is not None:
            return f"规范用语“{ph.text}”"
        m = re.match(r"(.+)#s(\d+)p(\d+)$", ref.id)
        if m and m.group(1) in content.procedures:
            st = content.procedures[m.group(1)].steps[int(m.group(2)) - 1]
            uses = st.phrases
            i = int(m.group(3)) - 1
            text = getattr(uses[i], "text", "") if i < len(uses) else ""
            return f"规范用语“{text}”" if text else ref.id
        return ref.id
    sc = content.scenarios.get(ref.id)
    return f"情景「{sc.title}」" if sc else ref.id


# --- the analysis --------------------------------------------------------------------------------


def _answer_text(q: dict | None, chosen: list[int]) -> str:
    if not chosen:
        return "（未作答）"
    if q is None:
        return "".join(LETTERS[i] for i in chosen)
    opts = q["options"]
    ordering = isinstance(q["answer"], list)
    parts = [f"{LETTERS[i]}. {opts[i]}" if i < len(opts) else LETTERS[i] for i in chosen]
    return " → ".join(parts) if ordering else "；".join(parts)


def _right_text(q: dict | None) -> str:
    if q is None:
        return ""
    a = q["answer"]
    return _answer_text(q, list(a) if isinstance(a, list) else [a])


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def analyse(sheets: list[Sheet], quizzes: dict[str, dict[str, dict]], content) -> dict:
    """The whole report as plain data. ``quizzes[spec][version]`` is the quiz JSON the sheets of that
    spec and version were graded against (missing when it could not be rebuilt)."""
    by_spec: dict[str, list[Sheet]] = defaultdict(list)
    for s in sheets:
        by_spec[s.quiz or s.title].append(s)
    tests = [_analyse_test(spec, by_spec[spec], quizzes.get(spec, {}), content) for spec in sorted(by_spec)]
    return {"tests": tests, "sheets": len(sheets)}


def _analyse_test(spec: str, sheets: list[Sheet], versions: dict[str, dict], content) -> dict:
    sheets = sorted(sheets, key=lambda s: (s.trainee.store, s.trainee.name, s.trainee.id, s.version, s.serial))
    qmeta: dict[str, dict] = {}
    for label in sorted(versions):
        for q in versions[label]["questions"]:
            qmeta.setdefault(q["id"], q)
    qids: list[str] = []
    seen: set[str] = set()
    for s in sorted(sheets, key=lambda s: s.version):
        for r in s.responses:
            if r.question not in seen:
                seen.add(r.question)
                qids.append(r.question)
    col = {q: j for j, q in enumerate(qids)}
    n, k = len(sheets), len(qids)
    mat = np.full((n, k), np.nan)
    for i, s in enumerate(sheets):
        for r in s.responses:
            mat[i, col[r.question]] = 1.0 if r.correct else 0.0
    table = stats.item_table(mat)
    totals = np.nansum(mat, axis=1)
    pass_mark = next((float(v.get("pass_mark", 80)) for v in versions.values()), None)
    title = next((s.title for s in sheets if s.title), spec)
    scores = [s.score for s in sheets]
    desc = stats.describe(scores)
    pass_rate = sum(s.passed for s in sheets) / n

    # Cronbach's alpha per form (sheets with the same questions); one form when all papers share them
    forms: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, s in enumerate(sheets):
        forms[tuple(sorted(r.question for r in s.responses))].append(i)
    alphas = []
    for key, rows in sorted(forms.items(), key=lambda kv: -len(kv[1])):
        cols = [col[q] for q in key]
        a = stats.alpha_np(mat[np.ix_(rows, cols)])
        versions_in = sorted({sheets[i].version for i in rows})
        alphas.append({"versions": "、".join(versions_in), "n": len(rows), "k": len(cols), "alpha": a,
                       "reading": stats.read_alpha(a, len(rows), len(cols))})

    # per question
    per_version_rows: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sheets):
        per_version_rows[s.version].append(i)
    chosen_by: dict[str, list[tuple[int, Sheet, list[int], str | None]]] = defaultdict(list)
    for i, s in enumerate(sheets):
        for r in s.responses:
            chosen_by[r.question].append((i, s, r.chosen, r.flag))
    vindex = {v: {x["id"]: x for x in quiz["questions"]} for v, quiz in versions.items()}
    questions = []
    for j, qid in enumerate(qids):
        q = qmeta.get(qid)
        fac = float(table["facility"][j])
        disc = float(table["discrimination"][j])
        disc_v = None if math.isnan(disc) else disc
        by_version = []
        for v in sorted(per_version_rows):
            rows = [i for i in per_version_rows[v] if not np.isnan(mat[i, j])]
            if rows:
                by_version.append({"version": v, "n": len(rows), "facility": float(np.mean(mat[rows, j]))})
        options = _option_analysis(q, chosen_by[qid], vindex, totals, mat[:, j])
        flags = _question_flags(fac, disc_v, int(table["n"][j]), options, by_version)
        refs = covers_of(q)
        questions.append({
            "id": qid, "type": (q or {}).get("type", qid.split(":", 1)[0]),
            "type_name": TYPES.get((q or {}).get("type", qid.split(":", 1)[0]), ""),
            "prompt": (q or {}).get("prompt", qid), "n": int(table["n"][j]), "facility": fac,
            "facility_reading": stats.read_facility(fac), "discrimination": disc_v,
            "discrimination_reading": stats.read_discrimination(disc_v), "by_version": by_version,
            "options": options, "flags": flags, "cites": [ref_label(r, content) for r in refs],
            "refs": refs, "number": j + 1,
        })

    # per step, phrase, procedure: every question that cites it, overall and per store
    agg: dict[Cover, dict] = {}
    stores = sorted({s.trainee.store for s in sheets if s.trainee.store})
    for q in questions:
        j = q["number"] - 1
        for ref in q["refs"]:
            keys = [ref] + ([Cover("procedure", ref.id)] if ref.kind == "step" else [])
            for key in keys:
                a = agg.setdefault(key, {"n": 0, "right": 0, "questions": set(), "stores": defaultdict(lambda: [0, 0])})
                a["questions"].add(q["number"])
                for i, s in enumerate(sheets):
                    x = mat[i, j]
                    if np.isnan(x):
                        continue
                    a["n"] += 1
                    a["right"] += int(x)
                    if s.trainee.store:
                        st = a["stores"][s.trainee.store]
                        st[0] += 1
                        st[1] += int(x)

    def rows_of(kind: str) -> list[dict]:
        out = []
        for ref, a in agg.items():
            if ref.kind != kind or not a["n"]:
                continue
            out.append({"ref": ref, "label": ref_label(ref, content), "n": a["n"], "facility": a["right"] / a["n"],
                        "questions": sorted(a["questions"]),
                        "stores": {st: (v[1] / v[0] if v[0] else None) for st, v in sorted(a["stores"].items())}})
        out.sort(key=lambda r: (r["facility"], -r["n"], r["ref"]))
        return out

    steps, phrases, procedures = rows_of("step"), rows_of("phrase"), rows_of("procedure")
    weakest_steps = [r for r in steps if r["n"] >= MIN_N_STEP][:10] or steps[:10]
    weakest_phrases = [r for r in phrases if r["n"] >= MIN_N_STEP][:10] or phrases[:10]
    store_weakest = {}
    for st in stores:
        cand = [(r["stores"].get(st), r) for r in steps if r["stores"].get(st) is not None]
        cand.sort(key=lambda x: (x[0], x[1]["ref"]))
        if cand:
            store_weakest[st] = [{"label": r["label"], "facility": f} for f, r in cand[:3]]

    # per trainee
    trainees = []
    qnum = {q["id"]: q["number"] for q in questions}
    for i, s in enumerate(sheets):
        quiz = versions.get(s.version)
        qbyid = {q["id"]: q for q in quiz["questions"]} if quiz else {}
        missed = []
        for pos, r in enumerate(s.responses, start=1):
            if r.correct:
                continue
            q = qbyid.get(r.question)
            refs = covers_of(q)
            step_refs = [x for x in refs if x.kind in ("step", "phrase")] or list(refs)
            missed.append({"n": pos, "prompt": _short(q["prompt"] if q else r.question, 80),
                           "yours": (_answer_text(q, r.chosen) if not r.flag or r.chosen else "")
                           + (f"（{FLAG_NAMES[r.flag]}）" if r.flag else ""),
                           "right": _right_text(q), "cites": [ref_label(x, content) for x in step_refs],
                           "column": qnum.get(r.question)})
        trainees.append({"name": s.trainee.name, "id": s.trainee.id, "store": s.trainee.store, "role": s.trainee.role,
                         "version": s.version, "score": s.score, "passed": s.passed, "missed": missed,
                         "right": sum(r.correct for r in s.responses), "total": len(s.responses), "source": s.source})

    to_fix = [q for q in questions if q["flags"]]
    return {
        "spec": spec, "title": title, "pass_mark": pass_mark if pass_mark is not None else 80.0,
        "n": n, "k": k, "versions": sorted(per_version_rows), "describe": desc, "pass_rate": pass_rate,
        "reading": stats.read_scores(desc, pass_rate, pass_mark if pass_mark is not None else 80.0),
        "alphas": alphas, "questions": questions, "to_fix": to_fix, "steps": steps, "phrases": phrases,
        "procedures": procedures, "weakest_steps": weakest_steps, "weakest_phrases": weakest_phrases,
        "store_weakest": store_weakest, "stores": stores, "trainees": trainees, "scores": scores,
        "graded_against": bool(versions),
    }


def _option_analysis(q: dict | None, answers, vindex: dict[str, dict[str, dict]], totals: np.ndarray,
                     item: np.ndarray) -> list[dict]:
    """Share choosing each option (by its text, so A and B papers add up), and whether strong
    trainees choose it (correlation of choosing it with the rest score)."""
    if q is None or not answers:
        return []
    ordering = isinstance(q["answer"], list)
    rows = np.array([i for i, *_ in answers])
    rest = totals[rows] - np.nan_to_num(item[rows])
    labels: list[str] = []
    for i, s, chosen, flag in answers:
        vq = vindex.get(s.version, {}).get(q["id"])
        if not chosen:
            labels.append("（未作答）")
        elif vq is None:
            labels.append("?")
        elif ordering:
            labels.append("正确顺序" if list(chosen) == list(vq["answer"]) else "其他顺序")
        elif len(chosen) > 1:
            labels.append("（多选）")
        else:
            labels.append(vq["options"][chosen[0]] if chosen[0] < len(vq["options"]) else "?")
    if ordering:
        keys = ["正确顺序", "其他顺序"]
        right = {"正确顺序"}
    else:
        keys = list(q["options"])
        right = {q["options"][q["answer"]]}
    keys += sorted({x for x in labels if x not in keys})
    total = len(labels)
    out = []
    for key in keys:
        chose = np.array([1.0 if x == key else 0.0 for x in labels])
        out.append({"text": key, "right": key in right, "share": float(chose.sum() / total), "count": int(chose.sum()),
                    "discrimination": stats.option_discrimination(chose, rest),
                    "is_option": key in q["options"] or ordering and key in ("正确顺序", "其他顺序")})
    return out


def _question_flags(fac: float, disc: float | None, n: int, options: list[dict], by_version: list[dict]) -> list[str]:
    flags = []
    if n >= 5 and fac < 0.2:
        flags.append("太难：多数人答错。先核对题目和答案，再看这一步是否没教到")
    if n >= 10 and fac > 0.95:
        flags.append("太容易：几乎人人答对，区分不出谁会谁不会")
    if disc is not None and n >= 5:
        if disc < 0:
            flags.append(f"区分度为负（{disc:.0f}）：总分高的人反而更容易答错，多半是题目或答案有问题")
        elif disc < 20 and 0.2 <= fac <= 0.95:
            flags.append(f"区分度弱（{disc:.0f}）：答对答错和掌握程度关系不大")
    for o in options:
        if o["right"] or not o["is_option"] or o["text"] in ("其他顺序",):
            continue
        if n >= 10 and o["count"] == 0:
            flags.append(f"干扰项「{_short(o['text'], 24)}」没人选：换成新员工真可能做错的做法")
        elif o["share"] >= 0.05 and o["discrimination"] is not None and o["discrimination"] > 10:
            flags.append(f"总分高的人也常选「{_short(o['text'], 24)}」：这个选项可能也说得通，请核对")
    if len(by_version) >= 2:
        lo = min(by_version, key=lambda v: v["facility"])
        hi = max(by_version, key=lambda v: v["facility"])
        if lo["n"] >= 10 and hi["n"] >= 10:
            p = (lo["facility"] * lo["n"] + hi["facility"] * hi["n"]) / (lo["n"] + hi["n"])
            se = math.sqrt(p * (1 - p) * (1 / lo["n"] + 1 / hi["n"])) if 0 < p < 1 else 0
            z = (hi["facility"] - lo["facility"]) / se if se else 0
            if z > 2.6 and hi["facility"] - lo["facility"] >= 0.15:
                flags.append(f"{hi['version']} 卷和 {lo['version']} 卷上表现不一样（答对率 {hi['facility'] * 100:.0f}% 对 "
                             f"{lo['facility'] * 100:.0f}%）：选项顺序或题序可能在提示答案")
    return flags


# --- charts --------------------------------------------------------------------------------------


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


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buf.getvalue()
    return text[text.find("<svg"):]  # inline: no XML declaration or DOCTYPE


def charts(test: dict) -> dict[str, str]:
    """Score histogram, facility per question, weakest steps: SVG with text drawn as paths (reads
    the same without the font installed, no CDN)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    family = _cjk_font()
    rc = {"svg.fonttype": "path", "svg.hashsalt": "playbook", "font.size": 9, "axes.unicode_minus": False}
    if family:
        rc["font.family"] = [family]
    out: dict[str, str] = {}
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(6.4, 2.6))
        ax.hist(test["scores"], bins=list(range(0, 101, 10)), color="#4a78b5", edgecolor="white")
        ax.axvline(test["pass_mark"], color="#c62828", linestyle="--", linewidth=1)
        ax.text(test["pass_mark"], ax.get_ylim()[1] * 0.95, f" 及格线 {test['pass_mark']:g}", color="#c62828",
                va="top")
        ax.set_xlabel("得分")
        ax.set_ylabel("人数")
        ax.set_title("分数分布")
        out["scores"] = _svg(fig)

        qs = test["questions"]
        fig, ax = plt.subplots(figsize=(6.4, 2.6))
        colors = ["#c62828" if q["flags"] else "#4a78b5" for q in qs]
        ax.bar([q["number"] for q in qs], [q["facility"] * 100 for q in qs], color=colors)
        ax.set_ylim(0, 100)
        ax.set_xlabel("题号（红色：建议修改的题）")
        ax.set_ylabel("答对率 %")
        ax.set_title("每道题的答对率")
        out["facility"] = _svg(fig)

        weak = test["weakest_steps"][:8]
        if weak:
            fig, ax = plt.subplots(figsize=(6.4, 0.45 * len(weak) + 0.9))
            labels = [_short(r["label"], 30) for r in weak][::-1]
            ax.barh(labels, [r["facility"] * 100 for r in weak][::-1], color="#e08a2c")
            ax.set_xlim(0, 100)
            ax.set_xlabel("答对率 %")
            ax.set_title("最薄弱的步骤")
            out["steps"] = _svg(fig)
    return out


# --- HTML, PDF, XLSX -----------------------------------------------------------------------------


def pct(x: float | None) -> str:
    """0.571 -> "57%"; None -> "—"."""
    return "—" if x is None else f"{x * 100:.0f}%"


def num(x: float | None, digits: int = 1) -> str:
    """72.14 -> "72.1"; None -> "—"."""
    return "—" if x is None else f"{x:.{digits}f}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, keep_trailing_newline=True)
    env.filters["pct"] = pct
    env.filters["num"] = num
    return env


def css() -> Markup:
    return Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))


def report_html(data: dict, svgs: dict[str, dict[str, str]]) -> str:
    return environment().get_template("report.html.j2").render(
        data=data, css=css(), svgs={k: {n: Markup(v) for n, v in d.items()} for k, d in svgs.items()})


def trainees_html(data: dict) -> str:
    return environment().get_template("trainees.html.j2").render(data=data, css=css())


DOT = "\u00a0· "
"""A separator that never starts a line (no break before the dot)."""


def _keep_arrows(text: str) -> str:
    """An ordering answer "A → B → C" that wraps after an arrow, never before one."""
    return text.replace(" → ", "\u00a0→ ")


def _test_pdf_data(t: dict, svgs: dict[str, str]) -> dict:
    """One test of report.pdf as plain strings: numbers formatted as the HTML report shows them."""
    desc = t["describe"]
    many = len(t["alphas"]) > 1
    meta = [f"测验规格 {t['spec']}", f"{'、'.join(t['versions'])} 卷", f"{t['n']} 份答卷", f"每份 {t['k']} 题"]
    if not t["graded_against"]:
        meta.append("找不到出卷时的试卷，题目文字和选项分析从略")
    alpha = "；".join(num(a["alpha"], 2) + (f"（{a['versions']} 卷）" if many else "") for a in t["alphas"])
    readings = [t["reading"]] + [(f"信度 α（{a['versions']} 卷，{a['n']} 份）：" if many else "信度 α：") + a["reading"]
                                 for a in t["alphas"]]

    def weak(r: dict) -> dict:
        return {"label": r["label"], "facility": pct(r["facility"]), "n": str(r["n"]),
                "questions": "、".join(map(str, r["questions"])),
                "stores": [pct(r["stores"].get(s)) for s in t["stores"]]}

    return {
        "title": t["title"], "meta": DOT.join(meta), "pass_mark": num(t["pass_mark"], 0),
        "overall": [num(desc["mean"]), num(desc["median"]), num(desc["sd"]), num(desc["min"]), num(desc["max"]),
                    pct(t["pass_rate"]), alpha],
        "readings": readings,
        "charts": {name: svgs.get(name, "") for name in ("scores", "steps", "facility")},
        "stores": list(t["stores"]),
        "weakest_steps": [weak(r) for r in t["weakest_steps"]],
        "store_weakest": [{"store": s, "text": "；".join(f"{r['label']}（{pct(r['facility'])}）" for r in rows)}
                          for s, rows in t["store_weakest"].items()],
        "weakest_phrases": [weak(r) for r in t["weakest_phrases"]],
        "to_fix": [{"number": str(q["number"]), "prompt": q["prompt"], "id": q["id"], "flags": list(q["flags"])}
                   for q in t["to_fix"]],
        "first_version": t["versions"][0] if t["versions"] else "",
        "questions": [{
            "number": str(q["number"]), "prompt": q["prompt"], "cite": f"{q['type_name']}{DOT}{'；'.join(q['cites'])}",
            "facility": pct(q["facility"]), "facility_reading": q["facility_reading"],
            "discrimination": num(q["discrimination"], 0), "discrimination_reading": q["discrimination_reading"],
            "by_version": [f"{v['version']} {pct(v['facility'])}" for v in q["by_version"]],
            "options": [{"right": o["right"], "text": f"{o['text']}：{pct(o['share'])}"} for o in q["options"]],
        } for q in t["questions"]],
        "trainees": [{"name": p["name"], "id": p["id"], "store": p["store"], "version": p["version"],
                      "score": num(p["score"]), "passed": p["passed"],
                      "missed": "、".join(str(m["n"]) for m in p["missed"])}
                     for p in t["trainees"]],
    }


def report_pdf_data(data: dict, svgs: dict[str, dict[str, str]]) -> dict:
    """The JSON data of report.pdf: plain strings, lists and flags, and each chart's SVG text."""
    return {"sheets": data["sheets"], "tests": [_test_pdf_data(t, svgs.get(t["spec"], {})) for t in data["tests"]]}


def trainees_pdf_data(data: dict) -> dict:
    """The JSON data of trainees.pdf: one entry per trainee, in the order of the report."""
    def person(p: dict) -> dict:
        who = " ".join(x for x in (p["name"], p["id"], p["store"]) if x) or "（无名）"
        return {"bookmark": who, "name": p["name"], "id": p["id"], "store": p["store"], "version": p["version"],
                "score": f"{num(p['score'])}（答对 {p['right']} / {p['total']} 题）", "passed": p["passed"],
                "missed": [{"n": str(m["n"]), "prompt": m["prompt"], "yours": _keep_arrows(m["yours"]),
                            "right": _keep_arrows(m["right"]),
                            "cites": "；".join(m["cites"])} for m in p["missed"]]}

    return {"tests": [{"title": t["title"], "pass_mark": num(t["pass_mark"], 0),
                       "trainees": [person(p) for p in t["trainees"]]} for t in data["tests"]]}


def report_pdf(data: dict, svgs: dict[str, dict[str, str]]) -> bytes:
    """report.pdf, laid out by Typst; personal data, so never through the print cache."""
    return typst_compiler.render(REPORT_TEMPLATE, report_pdf_data(data, svgs), PRINTED)


def trainees_pdf(data: dict) -> bytes:
    """trainees.pdf (one page or more per trainee), laid out by Typst; never through the print cache."""
    return typst_compiler.render(TRAINEES_TEMPLATE, trainees_pdf_data(data), PRINTED)


def report_xlsx(data: dict) -> bytes:
    """Every figure of the report in one workbook: 成绩, 题目分析, 选项, 步骤, 规范用语, 测验."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)

    def sheet(name: str, head: list[str], rows) -> None:
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        ws.append(xlsx_row(ws, head))
        for r in rows:
            ws.append(xlsx_row(ws, r))

    def r2(x):
        return None if x is None else round(x, 4)

    tests = data["tests"]
    sheet("测验", ["测验", "规格", "人数", "题数", "平均分", "中位数", "标准差", "最低", "最高", "及格率", "α（信度）", "解读"],
          [[t["title"], t["spec"], t["n"], t["k"], r2(t["describe"]["mean"]), r2(t["describe"]["median"]),
            r2(t["describe"]["sd"]), t["describe"]["min"], t["describe"]["max"], r2(t["pass_rate"]),
            r2(t["alphas"][0]["alpha"]) if t["alphas"] else None, t["reading"]] for t in tests])
    sheet("成绩", ["测验", "姓名", "工号", "门店", "岗位", "卷", "得分", "是否及格", "答对", "题数", "答错的题", "来源"],
          [[t["title"], p["name"], p["id"], p["store"], p["role"], p["version"], p["score"],
            "及格" if p["passed"] else "不及格", p["right"], p["total"], "、".join(str(m["n"]) for m in p["missed"]),
            p["source"]] for t in tests for p in t["trainees"]])
    sheet("题目分析", ["测验", "序", "题目 id", "题型", "题目", "人数", "答对率", "区分度", "难度", "区分", "各卷答对率",
                    "引用", "建议"],
          [[t["title"], q["number"], q["id"], q["type_name"], q["prompt"], q["n"], r2(q["facility"]),
            r2(q["discrimination"]), q["facility_reading"], q["discrimination_reading"],
            "；".join(f"{v['version']} {v['facility'] * 100:.0f}%（{v['n']}人）" for v in q["by_version"]),
            "；".join(q["cites"]), "；".join(q["flags"])] for t in tests for q in t["questions"]])
    sheet("选项", ["测验", "序", "题目 id", "选项", "正确", "人数", "比例", "与其余得分的相关"],
          [[t["title"], q["number"], q["id"], o["text"], "是" if o["right"] else "", o["count"], r2(o["share"]),
            r2(o["discrimination"])] for t in tests for q in t["questions"] for o in q["options"]])
    for name, key in (("步骤", "steps"), ("规范用语", "phrases"), ("流程", "procedures")):
        stores = sorted({s for t in tests for s in t["stores"]})
        sheet(name, ["测验", "内容", "作答次数", "答对率", "题号"] + [f"{s} 答对率" for s in stores],
              [[t["title"], r["label"], r["n"], r2(r["facility"]), "、".join(map(str, r["questions"]))]
               + [r2(r["stores"].get(s)) for s in stores] for t in tests for r in t[key]])
    buf = io.BytesIO()
    wb.save(buf)
    _ = Font  # header styling is not available in write-only mode; the frozen first row marks it
    return stable_xlsx(buf.getvalue())


def render(data: dict, with_pdf: bool = True, timings: dict[str, float] | None = None) -> dict[str, bytes]:
    """file name -> bytes: report.html / report.pdf (the whole class), trainees.html / trainees.pdf
    (a page or more per trainee to hand back), report.xlsx (every figure), charts/*.svg. The PDFs
    show the very charts written to charts/."""
    import time

    def timed(name: str, fn):
        t0 = time.perf_counter()
        value = fn()
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0
        return value

    files: dict[str, bytes] = {}
    svgs = {}
    for t in data["tests"]:
        svgs[t["spec"]] = timed("charts", lambda: charts(t))
        for name, svg in svgs[t["spec"]].items():
            files[f"charts/{t['spec']}-{name}.svg"] = svg.encode("utf-8")
    html = timed("html", lambda: report_html(data, svgs))
    people = timed("html", lambda: trainees_html(data))
    files["report.html"] = html.encode("utf-8")
    files["trainees.html"] = people.encode("utf-8")
    files["report.xlsx"] = timed("xlsx", lambda: report_xlsx(data))
    if with_pdf:
        files["report.pdf"] = timed("report.pdf", lambda: report_pdf(data, svgs))
        files["trainees.pdf"] = timed("trainees.pdf", lambda: trainees_pdf(data))
    return dict(sorted(files.items()))
