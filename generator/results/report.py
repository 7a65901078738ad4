"""`playbook report` rendered: report.html / report.pdf (the whole class), trainees.html /
trainees.pdf (a page or more per trainee to hand back), report.xlsx (every figure) and the charts,
from the typed :class:`~.analysis.Analysis`. The PDFs are laid out by Typst (templates
``print/report.typ`` and ``print/trainees.typ``) from JSON data, never through the print cache:
they hold names and scores.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from functools import lru_cache

from jinja2 import Environment
from markupsafe import Markup

from .. import standalone
from ..print import typst_compiler
from ..spreadsheet import stable_xlsx, xlsx_row
from ..timings import timer
from .analysis import Analysis, ContentRow, TestAnalysis, TraineeResult
from .charts import charts

TEMPLATES = standalone.TEMPLATES / "report"
"""The HTML report and score sheets (report.html, trainees.html) handed to the trainer."""
REPORT_TEMPLATE = "report.typ"  # under generator/templates/print/
TRAINEES_TEMPLATE = "trainees.typ"
PRINTED = datetime(2000, 1, 1, tzinfo=UTC)
"""The PDFs' creation date: results carry no date of their own, and never the clock, so the same
results always give byte-identical PDFs."""


# --- HTML, PDF, XLSX -----------------------------------------------------------------------------


def pct(x: float | None) -> str:
    """0.571 -> "57%"; None -> "—"."""
    return "—" if x is None else f"{x * 100:.0f}%"


def num(x: float | None, digits: int = 1) -> str:
    """72.14 -> "72.1"; None -> "—"."""
    return "—" if x is None else f"{x:.{digits}f}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    return standalone.environment({"pct": pct, "num": num})


def css() -> Markup:
    return Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))


def report_html(data: Analysis, svgs: dict[str, dict[str, str]]) -> str:
    return environment().get_template("report/report.html.j2").render(
        data=data, css=css(), svgs={k: {n: Markup(v) for n, v in d.items()} for k, d in svgs.items()})


def trainees_html(data: Analysis) -> str:
    return environment().get_template("report/trainees.html.j2").render(data=data, css=css())


DOT = "\u00a0· "
"""A separator that never starts a line (no break before the dot)."""


def _keep_arrows(text: str) -> str:
    """An ordering answer "A → B → C" that wraps after an arrow, never before one."""
    return text.replace(" → ", "\u00a0→ ")


def _test_pdf_data(t: TestAnalysis, svgs: dict[str, str]) -> dict:
    """One test of report.pdf as plain strings: numbers formatted as the HTML report shows them."""
    desc = t.describe
    many = len(t.alphas) > 1
    meta = [f"测验规格 {t.spec}", f"{'、'.join(t.versions)} 卷", f"{t.n} 份答卷", f"每份 {t.k} 题"]
    if not t.graded_against:
        meta.append("找不到出卷时的试卷，题目文字和选项分析从略")
    alpha = "；".join(num(a.alpha, 2) + (f"（{a.versions} 卷）" if many else "") for a in t.alphas)
    readings = [t.reading] + [(f"信度 α（{a.versions} 卷，{a.n} 份）：" if many else "信度 α：") + a.reading
                                 for a in t.alphas]

    def weak(r: ContentRow) -> dict:
        return {"label": r.label, "facility": pct(r.facility), "n": str(r.n),
                "questions": "、".join(map(str, r.questions)),
                "stores": [pct(r.stores.get(s)) for s in t.stores]}

    return {
        "title": t.title, "meta": DOT.join(meta), "pass_mark": num(t.pass_mark, 0),
        "overall": [num(desc["mean"]), num(desc["median"]), num(desc["sd"]), num(desc["min"]), num(desc["max"]),
                    pct(t.pass_rate), alpha],
        "readings": readings,
        "charts": {name: svgs.get(name, "") for name in ("scores", "steps", "facility")},
        "stores": list(t.stores),
        "weakest_steps": [weak(r) for r in t.weakest_steps],
        "store_weakest": [{"store": s, "text": "；".join(f"{r.label}（{pct(r.facility)}）" for r in rows)}
                          for s, rows in t.store_weakest.items()],
        "weakest_phrases": [weak(r) for r in t.weakest_phrases],
        "to_fix": [{"number": str(q.number), "prompt": q.prompt, "id": q.id, "flags": list(q.flags)}
                   for q in t.to_fix],
        "first_version": t.versions[0] if t.versions else "", "min_responses": str(t.min_responses),
        "questions": [{
            "number": str(q.number), "prompt": q.prompt, "cite": f"{q.type_name}{DOT}{'；'.join(q.cites)}",
            "facility": pct(q.facility), "facility_reading": q.facility_reading,
            "discrimination": num(q.discrimination, 0), "discrimination_reading": q.discrimination_reading,
            "by_version": [f"{v.version} {pct(v.facility)}" for v in q.by_version],
            "options": [{"right": o.right, "text": f"{o.text}：{pct(o.share)}"} for o in q.options],
        } for q in t.questions],
        "trainees": [{"name": p.name, "id": p.id, "store": p.store, "version": p.version,
                      "score": num(p.score), "passed": p.passed,
                      "missed": "、".join(str(m.n) for m in p.missed)}
                     for p in t.trainees],
    }


def report_pdf_data(data: Analysis, svgs: dict[str, dict[str, str]]) -> dict:
    """The JSON data of report.pdf: plain strings, lists and flags, and each chart's SVG text."""
    return {"sheets": data.sheets, "tests": [_test_pdf_data(t, svgs.get(t.spec, {})) for t in data.tests]}


def trainees_pdf_data(data: Analysis) -> dict:
    """The JSON data of trainees.pdf: one entry per trainee, in the order of the report."""
    def person(p: TraineeResult) -> dict:
        who = " ".join(x for x in (p.name, p.id, p.store) if x) or "（无名）"
        return {"bookmark": who, "name": p.name, "id": p.id, "store": p.store, "version": p.version,
                "score": f"{num(p.score)}（答对 {p.right} / {p.total} 题）", "passed": p.passed,
                "missed": [{"n": str(m.n), "prompt": m.prompt, "yours": _keep_arrows(m.yours),
                            "right": _keep_arrows(m.right),
                            "cites": "；".join(m.cites)} for m in p.missed]}

    return {"tests": [{"title": t.title, "pass_mark": num(t.pass_mark, 0),
                       "trainees": [person(p) for p in t.trainees]} for t in data.tests]}


def report_pdf(data: Analysis, svgs: dict[str, dict[str, str]]) -> bytes:
    """report.pdf, laid out by Typst; personal data, so never through the print cache."""
    return typst_compiler.render(REPORT_TEMPLATE, report_pdf_data(data, svgs), PRINTED)


def trainees_pdf(data: Analysis) -> bytes:
    """trainees.pdf (one page or more per trainee), laid out by Typst; never through the print cache."""
    return typst_compiler.render(TRAINEES_TEMPLATE, trainees_pdf_data(data), PRINTED)


def report_xlsx(data: Analysis) -> bytes:
    """Every figure of the report in one workbook: 成绩, 题目分析, 选项, 步骤, 规范用语, 测验."""
    from openpyxl import Workbook  # here, not at the top: a refused `playbook report` never loads it

    wb = Workbook(write_only=True)

    def sheet(name: str, head: list[str], rows) -> None:
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        ws.append(xlsx_row(ws, head))
        for r in rows:
            ws.append(xlsx_row(ws, r))

    def r2(x):
        return None if x is None else round(x, 4)

    tests = data.tests
    sheet("测验", ["测验", "规格", "人数", "题数", "平均分", "中位数", "标准差", "最低", "最高", "及格率", "α（信度）", "解读"],
          [[t.title, t.spec, t.n, t.k, r2(t.describe["mean"]), r2(t.describe["median"]),
            r2(t.describe["sd"]), t.describe["min"], t.describe["max"], r2(t.pass_rate),
            r2(t.alphas[0].alpha) if t.alphas else None, t.reading] for t in tests])
    sheet("成绩", ["测验", "姓名", "工号", "门店", "岗位", "卷", "得分", "是否及格", "答对", "题数", "答错的题", "来源"],
          [[t.title, p.name, p.id, p.store, p.role, p.version, p.score,
            "及格" if p.passed else "不及格", p.right, p.total, "、".join(str(m.n) for m in p.missed),
            p.source] for t in tests for p in t.trainees])
    sheet("题目分析", ["测验", "序", "题目 id", "题型", "题目", "人数", "答对率", "区分度", "难度", "区分", "各卷答对率",
                    "引用", "建议"],
          [[t.title, q.number, q.id, q.type_name, q.prompt, q.n, r2(q.facility),
            r2(q.discrimination), q.facility_reading, q.discrimination_reading,
            "；".join(f"{v.version} {v.facility * 100:.0f}%（{v.n}人）" for v in q.by_version),
            "；".join(q.cites), "；".join(q.flags)] for t in tests for q in t.questions])
    sheet("选项", ["测验", "序", "题目 id", "选项", "正确", "人数", "比例", "与其余得分的相关"],
          [[t.title, q.number, q.id, o.text, "是" if o.right else "", o.count, r2(o.share),
            r2(o.discrimination)] for t in tests for q in t.questions for o in q.options])
    for name, key in (("步骤", "steps"), ("规范用语", "phrases"), ("流程", "procedures")):
        stores = sorted({s for t in tests for s in t.stores})
        sheet(name, ["测验", "内容", "作答次数", "答对率", "题号"] + [f"{s} 答对率" for s in stores],
              [[t.title, r.label, r.n, r2(r.facility), "、".join(map(str, r.questions))]
               + [r2(r.stores.get(s)) for s in stores] for t in tests for r in getattr(t, key)])
    buf = io.BytesIO()
    wb.save(buf)
    return stable_xlsx(buf.getvalue())


def render(data: Analysis, with_pdf: bool = True, timings: dict[str, float] | None = None) -> dict[str, bytes]:
    """file name -> bytes: report.html / report.pdf (the whole class), trainees.html / trainees.pdf
    (a page or more per trainee to hand back), report.xlsx (every figure), charts/*.svg. The PDFs
    show the very charts written to charts/."""

    timed = timer(timings)
    files: dict[str, bytes] = {}
    svgs = {}
    for t in data.tests:
        svgs[t.spec] = timed("charts", lambda: charts(t))
        for name, svg in svgs[t.spec].items():
            files[f"charts/{t.spec}-{name}.svg"] = svg.encode("utf-8")
    html = timed("html", lambda: report_html(data, svgs))
    people = timed("html", lambda: trainees_html(data))
    files["report.html"] = html.encode("utf-8")
    files["trainees.html"] = people.encode("utf-8")
    files["report.xlsx"] = timed("xlsx", lambda: report_xlsx(data))
    if with_pdf:
        files["report.pdf"] = timed("report.pdf", lambda: report_pdf(data, svgs))
        files["trainees.pdf"] = timed("trainees.pdf", lambda: trainees_pdf(data))
    return dict(sorted(files.items()))
