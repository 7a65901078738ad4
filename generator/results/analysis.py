"""The analysis behind `playbook report`, as typed results: scores per trainee, an item analysis per
question, test statistics, and the weakest steps and phrases per procedure and store. Pure: no
files, no charts, no layout (see :mod:`.charts` and :mod:`.report`).

What a question cites (steps, phrases, scenarios) is its ``covers`` in the quiz JSON; option texts
and prompts come from the same JSON, used only when it is the very quiz the sheets were graded
against (same fingerprint).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np

from ..quiz.question import LETTERS, TYPES, Cover
from ..quiz.scoring import FLAG_NAMES, Sheet
from . import stats
from .recommend import MIN_RESPONSES, Item, Option, Recommendation, recommend

MIN_N_STEP = 3
"""A step needs at least this many answers before it can be called weak."""


# --- the results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionFacility:
    version: str
    n: int
    facility: float


@dataclass(frozen=True)
class OptionShare:
    """How many chose an option (by its text, so A and B papers add up), and whether strong trainees
    chose it (correlation of choosing it with the rest score)."""

    text: str
    right: bool
    share: float
    count: int
    discrimination: float | None
    is_option: bool  # False for 未作答, 多选, an unreadable mark


@dataclass(frozen=True)
class QuestionAnalysis:
    number: int  # column in the report, 1-based
    id: str
    type: str
    type_name: str
    prompt: str
    n: int
    facility: float
    facility_reading: str
    discrimination: float | None
    discrimination_reading: str
    by_version: list[VersionFacility]
    options: list[OptionShare]
    flags: list[str]  # why to review it, in plain Chinese (its recommendations, then the other signs)
    cites: list[str]  # labels of what it covers
    refs: tuple[Cover, ...]


@dataclass(frozen=True)
class ContentRow:
    """A step, phrase or procedure: every answer to a question that cites it, overall and per store."""

    ref: Cover
    label: str
    n: int
    facility: float
    questions: list[int]
    stores: dict[str, float | None]


@dataclass(frozen=True)
class StoreWeakness:
    label: str
    facility: float


@dataclass(frozen=True)
class Missed:
    n: int  # position on the trainee's paper
    prompt: str
    yours: str
    right: str
    cites: list[str]
    column: int | None  # the question's number in the report


@dataclass(frozen=True)
class TraineeResult:
    name: str
    id: str
    store: str
    role: str
    version: str
    score: float
    passed: bool
    missed: list[Missed]
    right: int
    total: int
    source: str


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha of one form (the sheets with the same questions)."""

    versions: str
    n: int
    k: int
    alpha: float | None
    reading: str


@dataclass(frozen=True)
class TestAnalysis:
    spec: str
    title: str
    pass_mark: float
    n: int  # sheets
    k: int  # questions
    versions: list[str]
    describe: dict[str, float]  # stats.describe of the scores
    pass_rate: float
    reading: str
    alphas: list[Reliability]
    questions: list[QuestionAnalysis]
    to_fix: list[QuestionAnalysis]
    steps: list[ContentRow]
    phrases: list[ContentRow]
    procedures: list[ContentRow]
    weakest_steps: list[ContentRow]
    weakest_phrases: list[ContentRow]
    store_weakest: dict[str, list[StoreWeakness]]
    stores: list[str]
    trainees: list[TraineeResult]
    scores: list[float]
    graded_against: bool  # the quiz JSON was found (prompts, options, cites)
    recommendations: list[Recommendation]  # 建议复核的题 (what --retire excludes)
    min_responses: int  # fewest answers before a question is recommended


@dataclass(frozen=True)
class Analysis:
    tests: list[TestAnalysis]
    sheets: int


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


def answer_text(q: dict | None, chosen: list[int]) -> str:
    if not chosen:
        return "（未作答）"
    if q is None:
        return "".join(LETTERS[i] for i in chosen)
    opts = q["options"]
    ordering = isinstance(q["answer"], list)
    parts = [f"{LETTERS[i]}. {opts[i]}" if i < len(opts) else LETTERS[i] for i in chosen]
    return " → ".join(parts) if ordering else "；".join(parts)


def right_text(q: dict | None) -> str:
    if q is None:
        return ""
    a = q["answer"]
    return answer_text(q, list(a) if isinstance(a, list) else [a])


def short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def analyse(sheets: list[Sheet], quizzes: dict[str, dict[str, dict]], content,
            min_responses: int = MIN_RESPONSES) -> Analysis:
    """The whole report. ``quizzes[spec][version]`` is the quiz JSON the sheets of that spec and
    version were graded against (missing when it could not be rebuilt); a question is recommended for
    review only on at least ``min_responses`` answers."""
    by_spec: dict[str, list[Sheet]] = defaultdict(list)
    for s in sheets:
        by_spec[s.quiz or s.title].append(s)
    tests = [_analyse_test(spec, by_spec[spec], quizzes.get(spec, {}), content, min_responses)
             for spec in sorted(by_spec)]
    return Analysis(tests, len(sheets))


@dataclass
class _Matrix:
    """The sheets of one test as a response matrix: rows are sheets, columns questions (NaN = not
    on that sheet's paper)."""

    sheets: list[Sheet]
    qids: list[str]
    col: dict[str, int]
    mat: np.ndarray
    totals: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.totals = np.nansum(self.mat, axis=1)

    @classmethod
    def of(cls, sheets: list[Sheet]) -> _Matrix:
        sheets = sorted(sheets, key=lambda s: (s.trainee.store, s.trainee.name, s.trainee.id, s.version, s.serial))
        qids: list[str] = []
        seen: set[str] = set()
        for s in sorted(sheets, key=lambda s: s.version):
            for r in s.responses:
                if r.question not in seen:
                    seen.add(r.question)
                    qids.append(r.question)
        col = {q: j for j, q in enumerate(qids)}
        mat = np.full((len(sheets), len(qids)), np.nan)
        for i, s in enumerate(sheets):
            for r in s.responses:
                mat[i, col[r.question]] = 1.0 if r.correct else 0.0
        return cls(sheets, qids, col, mat)


def _analyse_test(spec: str, sheets: list[Sheet], versions: dict[str, dict], content,
                  min_responses: int) -> TestAnalysis:
    m = _Matrix.of(sheets)
    sheets = m.sheets
    n = len(sheets)
    pass_mark = next((float(v.get("pass_mark", 80)) for v in versions.values()), None)
    desc = stats.describe([s.score for s in sheets])
    pass_rate = sum(s.passed for s in sheets) / n
    questions = _questions(m, versions, content)
    recommendations = recommend(items_of(questions), min_responses)
    questions = [replace(q, flags=[r.reason for r in recommendations if r.id == q.id] + q.flags) for q in questions]
    steps, phrases, procedures = _content_rows(m, questions, content)
    stores = sorted({s.trainee.store for s in sheets if s.trainee.store})
    mark = pass_mark if pass_mark is not None else 80.0
    return TestAnalysis(
        spec=spec, title=next((s.title for s in sheets if s.title), spec), pass_mark=mark,
        n=n, k=len(m.qids), versions=sorted({s.version for s in sheets}), describe=desc, pass_rate=pass_rate,
        reading=stats.read_scores(desc, pass_rate, mark), alphas=_reliability(m),
        questions=questions, to_fix=[q for q in questions if q.flags],
        steps=steps, phrases=phrases, procedures=procedures,
        weakest_steps=[r for r in steps if r.n >= MIN_N_STEP][:10] or steps[:10],
        weakest_phrases=[r for r in phrases if r.n >= MIN_N_STEP][:10] or phrases[:10],
        store_weakest=_store_weakest(steps, stores), stores=stores,
        trainees=_trainees(sheets, versions, questions, content), scores=[s.score for s in sheets],
        graded_against=bool(versions), recommendations=recommendations, min_responses=min_responses,
    )


def _reliability(m: _Matrix) -> list[Reliability]:
    """Cronbach's alpha per form (sheets with the same questions); one form when all papers share them."""
    forms: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, s in enumerate(m.sheets):
        forms[tuple(sorted(r.question for r in s.responses))].append(i)
    alphas = []
    for key, rows in sorted(forms.items(), key=lambda kv: -len(kv[1])):
        cols = [m.col[q] for q in key]
        a = stats.alpha_np(m.mat[np.ix_(rows, cols)])
        versions_in = sorted({m.sheets[i].version for i in rows})
        alphas.append(Reliability("、".join(versions_in), len(rows), len(cols), a,
                                  stats.read_alpha(a, len(rows), len(cols))))
    return alphas


def _questions(m: _Matrix, versions: dict[str, dict], content) -> list[QuestionAnalysis]:
    qmeta: dict[str, dict] = {}
    for label in sorted(versions):
        for q in versions[label]["questions"]:
            qmeta.setdefault(q["id"], q)
    table = stats.item_table(m.mat)
    per_version_rows: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(m.sheets):
        per_version_rows[s.version].append(i)
    chosen_by: dict[str, list[tuple[int, Sheet, list[int], str | None]]] = defaultdict(list)
    for i, s in enumerate(m.sheets):
        for r in s.responses:
            chosen_by[r.question].append((i, s, r.chosen, r.flag))
    vindex = {v: {x["id"]: x for x in quiz["questions"]} for v, quiz in versions.items()}
    questions = []
    for j, qid in enumerate(m.qids):
        q = qmeta.get(qid)
        fac = float(table["facility"][j])
        disc = float(table["discrimination"][j])
        disc_v = None if math.isnan(disc) else disc
        by_version = []
        for v in sorted(per_version_rows):
            rows = [i for i in per_version_rows[v] if not np.isnan(m.mat[i, j])]
            if rows:
                by_version.append(VersionFacility(v, len(rows), float(np.mean(m.mat[rows, j]))))
        options = _option_analysis(q, chosen_by[qid], vindex, m.totals, m.mat[:, j])
        refs = covers_of(q)
        qtype = (q or {}).get("type", qid.split(":", 1)[0])
        questions.append(QuestionAnalysis(
            number=j + 1, id=qid, type=qtype, type_name=TYPES.get(qtype, ""), prompt=(q or {}).get("prompt", qid),
            n=int(table["n"][j]), facility=fac, facility_reading=stats.read_facility(fac),
            discrimination=disc_v, discrimination_reading=stats.read_discrimination(disc_v),
            by_version=by_version, options=options,
            flags=question_flags(options, by_version),
            cites=[ref_label(r, content) for r in refs], refs=refs,
        ))
    return questions


def items_of(questions: list[QuestionAnalysis]) -> list[Item]:
    """The per-question analysis as the recommendation rules read it."""
    out = []
    for q in questions:
        opts = tuple(Option(o.text, o.count, o.right) for o in q.options if o.is_option)
        ordering = any(o.text in ("正确顺序", "其他顺序") for o in opts)
        out.append(Item(q.id, q.n, q.facility, q.discrimination, opts, ordering, q.prompt, q.number))
    return out


def _content_rows(m: _Matrix, questions: list[QuestionAnalysis], content
                  ) -> tuple[list[ContentRow], list[ContentRow], list[ContentRow]]:
    """Per step, phrase and procedure: every answer to a question that cites it, overall and per store."""
    agg: dict[Cover, dict] = {}
    for q in questions:
        j = q.number - 1
        for ref in q.refs:
            keys = [ref] + ([Cover("procedure", ref.id)] if ref.kind == "step" else [])
            for key in keys:
                a = agg.setdefault(key, {"n": 0, "right": 0, "questions": set(), "stores": defaultdict(lambda: [0, 0])})
                a["questions"].add(q.number)
                for i, s in enumerate(m.sheets):
                    x = m.mat[i, j]
                    if np.isnan(x):
                        continue
                    a["n"] += 1
                    a["right"] += int(x)
                    if s.trainee.store:
                        st = a["stores"][s.trainee.store]
                        st[0] += 1
                        st[1] += int(x)

    def rows_of(kind: str) -> list[ContentRow]:
        out = []
        for ref, a in agg.items():
            if ref.kind != kind or not a["n"]:
                continue
            out.append(ContentRow(ref, ref_label(ref, content), a["n"], a["right"] / a["n"], sorted(a["questions"]),
                                  {st: (v[1] / v[0] if v[0] else None) for st, v in sorted(a["stores"].items())}))
        out.sort(key=lambda r: (r.facility, -r.n, r.ref))
        return out

    return rows_of("step"), rows_of("phrase"), rows_of("procedure")


def _store_weakest(steps: list[ContentRow], stores: list[str]) -> dict[str, list[StoreWeakness]]:
    out = {}
    for st in stores:
        cand = [(r.stores.get(st), r) for r in steps if r.stores.get(st) is not None]
        cand.sort(key=lambda x: (x[0], x[1].ref))
        if cand:
            out[st] = [StoreWeakness(r.label, f) for f, r in cand[:3]]
    return out


def _trainees(sheets: list[Sheet], versions: dict[str, dict], questions: list[QuestionAnalysis],
              content) -> list[TraineeResult]:
    qnum = {q.id: q.number for q in questions}
    trainees = []
    for s in sheets:
        quiz = versions.get(s.version)
        qbyid = {q["id"]: q for q in quiz["questions"]} if quiz else {}
        missed = []
        for pos, r in enumerate(s.responses, start=1):
            if r.correct:
                continue
            q = qbyid.get(r.question)
            refs = covers_of(q)
            step_refs = [x for x in refs if x.kind in ("step", "phrase")] or list(refs)
            missed.append(Missed(
                n=pos, prompt=short(q["prompt"] if q else r.question, 80),
                yours=(answer_text(q, r.chosen) if not r.flag or r.chosen else "")
                + (f"（{FLAG_NAMES[r.flag]}）" if r.flag else ""),
                right=right_text(q), cites=[ref_label(x, content) for x in step_refs], column=qnum.get(r.question)))
        trainees.append(TraineeResult(
            name=s.trainee.name, id=s.trainee.id, store=s.trainee.store, role=s.trainee.role, version=s.version,
            score=s.score, passed=s.passed, missed=missed, right=sum(r.correct for r in s.responses),
            total=len(s.responses), source=s.source))
    return trainees


def _option_analysis(q: dict | None, answers, vindex: dict[str, dict[str, dict]], totals: np.ndarray,
                     item: np.ndarray) -> list[OptionShare]:
    if q is None or not answers:
        return []
    ordering = isinstance(q["answer"], list)
    rows = np.array([i for i, *_ in answers])
    rest = totals[rows] - np.nan_to_num(item[rows])
    labels: list[str] = []
    for _i, s, chosen, _flag in answers:
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
        out.append(OptionShare(text=key, right=key in right, share=float(chose.sum() / total), count=int(chose.sum()),
                               discrimination=stats.option_discrimination(chose, rest),
                               is_option=key in q["options"] or ordering and key in ("正确顺序", "其他顺序")))
    return out


def question_flags(options: list[OptionShare], by_version: list[VersionFacility]) -> list[str]:
    """Signs a question needs a look that the recommendation rules (:mod:`.recommend`) do not cover:
    a wrong option strong trainees also pick, and a question that behaves differently on A and B."""
    flags = []
    for o in options:
        if o.right or not o.is_option or o.text in ("其他顺序",):
            continue
        if o.share >= 0.05 and o.discrimination is not None and o.discrimination > 10:
            flags.append(f"总分高的人也常选「{short(o.text, 24)}」：这个选项可能也说得通，请核对")
    if len(by_version) >= 2:
        lo = min(by_version, key=lambda v: v.facility)
        hi = max(by_version, key=lambda v: v.facility)
        if lo.n >= 10 and hi.n >= 10:
            p = (lo.facility * lo.n + hi.facility * hi.n) / (lo.n + hi.n)
            se = math.sqrt(p * (1 - p) * (1 / lo.n + 1 / hi.n)) if 0 < p < 1 else 0
            z = (hi.facility - lo.facility) / se if se else 0
            if z > 2.6 and hi.facility - lo.facility >= 0.15:
                flags.append(f"{hi.version} 卷和 {lo.version} 卷上表现不一样（答对率 {hi.facility * 100:.0f}% 对 "
                             f"{lo.facility * 100:.0f}%）：选项顺序或题序可能在提示答案")
    return flags
