"""Practice for the readers' site: questions no exam version uses.

The handbook shows a practice quiz on every spec's page and a short self-check under every
procedure. Exam papers (every version of every spec in quizzes/) go to the trainers' pack; a
question on the site that is also on a paper would let trainees learn the exam by heart. So
practice draws from the same candidates minus the exam questions, and takes an exam question
only where the content has nothing else left (``Practice.reused``); ``overlap`` lists those for
the coverage report and ``playbook check`` (warning Q010).
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..content import Content
from ..problems import Problem, display_path
from .assemble import build_quiz
from .drawable import available
from .families import families
from .pool import for_procedure, select
from .question import Question
from .spec import QuizSpec, load_spec, spec_files

# Types a procedure page quiz draws from, in the order they are tried.
PAGE_TYPES = ["ordering", "next_step", "timing", "matching", "cloze", "rule", "step_of_point", "scenario", "case"]
PAGE_MAX = 5
PAGE_MIN = 3
"""Below this many questions on no paper, a procedure page tops its self-check up with exam questions."""

_SPACE = re.compile(r"\s+")


def normalised(prompt: str) -> str:
    """A prompt as compared with the exams' prompts: whitespace does not count."""
    return _SPACE.sub("", prompt)


@dataclass(frozen=True)
class ExamSet:
    """Every question of every version of every spec: (id, normalised prompt) pairs, sorted."""

    questions: tuple[tuple[str, str], ...] = ()
    scenario_ids: frozenset[str] = frozenset()
    """Authored scenarios and cases some exam asks (from the questions' covers)."""
    ids: frozenset[str] = field(init=False, repr=False, compare=False)
    prompts: frozenset[str] = field(init=False, repr=False, compare=False)
    key: str = field(init=False, repr=False, compare=False)
    """A digest of ``questions``: what caches of practice made against this set are keyed by."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ids", frozenset(i for i, _ in self.questions))
        object.__setattr__(self, "prompts", frozenset(p for _, p in self.questions))
        digest = hashlib.blake2b(digest_size=8)
        for qid, prompt in self.questions:
            digest.update(f"{qid}\x00{prompt}\x01".encode())
        for sid in sorted(self.scenario_ids):
            digest.update(f"scenario\x00{sid}\x01".encode())
        object.__setattr__(self, "key", digest.hexdigest())

    @classmethod
    def of(cls, questions) -> ExamSet:
        questions = list(questions)
        return cls(tuple(sorted({(q.id, normalised(q.prompt)) for q in questions})),
                   frozenset(c.id for q in questions if q.type in ("scenario", "case") for c in q.covers
                             if c.kind == "scenario"))

    def __contains__(self, q: object) -> bool:
        """Is this question an exam question (same id, or the same prompt but for whitespace)?"""
        return isinstance(q, Question) and (q.id in self.ids or normalised(q.prompt) in self.prompts)

    def scenarios(self) -> frozenset[str]:
        """Authored scenarios and cases some exam asks (their ids): kept off the handbook's
        情景题 and 案例 pages, which show each with its answer."""
        return self.scenario_ids

    def exam_ids(self, q: Question) -> list[str]:
        """The exam questions this one is (its own id, and any exam question with its prompt)."""
        prompt = normalised(q.prompt)
        return sorted({i for i, p in self.questions if i == q.id or p == prompt})


NO_EXAMS = ExamSet()


_STORE: dict[int, tuple[Content, dict]] = {}


def _memo(content: Content, key: str, make):
    """Per-content memo (like ``pool.cached``, whose few entries the question families fill and clear
    many times over in one build: the practice of every page must not be made again after each clear).
    The last four contents are remembered."""
    hit = _STORE.get(id(content))
    if hit is None or hit[0] is not content:
        if len(_STORE) >= 4:
            _STORE.pop(next(iter(_STORE)))
        hit = _STORE[id(content)] = (content, {})
    store = hit[1]
    if key not in store:
        store[key] = make()
    return store[key]


def _stamp(quizzes_dir: Path) -> str:
    """The spec files as they are now (a cache made from older specs is not reused)."""
    parts = [str(quizzes_dir.resolve())]
    for path in spec_files(quizzes_dir):
        st = path.stat()
        parts.append(f"{path.name}:{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts)


def _specs(content: Content, quizzes_dir: Path) -> list[tuple[Path, QuizSpec]]:
    """Every spec that loads cleanly against the content (the others are `playbook check`'s to report)."""

    def make() -> list[tuple[Path, QuizSpec]]:
        out = []
        for path in spec_files(quizzes_dir):
            spec, _problems = load_spec(path, content)
            if spec is not None:
                out.append((path, spec))
        return out

    return _memo(content, f"specs|{_stamp(quizzes_dir)}", make)


def exam_set(content: Content, quizzes_dir: Path) -> ExamSet:
    """Every question of every version of every spec in the folder (specs that fail to load are skipped)."""
    quizzes_dir = Path(quizzes_dir)
    if not quizzes_dir.is_dir():
        return NO_EXAMS

    def make() -> ExamSet:
        return ExamSet.of(q for _path, spec in _specs(content, quizzes_dir)
                          for paper in build_quiz(content, spec).papers for q in paper)

    return _memo(content, f"exam_set|{_stamp(quizzes_dir)}", make)


@dataclass
class Practice:
    """Practice questions for one page of the site, options shuffled, in the order shown."""

    title: str
    seed: int
    questions: list[Question] = field(default_factory=list)
    reused: list[Question] = field(default_factory=list)
    """Exam questions it had to use because the content has nothing else left (also in ``questions``)."""
    spec: str = ""

    def to_json(self) -> dict:
        """The shape of ``Quiz.to_json`` (what ``online.quiz_block`` renders)."""
        return {"title": self.title, "version": "", "seed": self.seed,
                "questions": [q.to_json() for q in self.questions], "spec": self.spec}


def practice_seed(seed: int) -> int:
    """The practice's own seed, derived from the spec's."""
    return int.from_bytes(hashlib.blake2b(f"{seed}|practice".encode(), digest_size=4).digest(), "big")


def spec_practice(content: Content, spec: QuizSpec, exam: ExamSet | None = None) -> Practice:
    """A practice quiz of the spec's composition from its candidates that are on no exam paper."""
    exam = exam or NO_EXAMS
    key = f"spec_practice|{spec.stem}|{spec.model_dump_json()}|{exam.key}"
    return _memo(content, key, lambda: _spec_practice(content, spec, exam))


def _spec_practice(content: Content, spec: QuizSpec, exam: ExamSet) -> Practice:
    seed = practice_seed(spec.seed)
    sel = spec.draws_on
    pool = select(content, sel.procedures, sel.tags, sel.roles, sel.domains, sel.scenarios)
    counts = spec.counts()
    wanted = [t for t, n in counts.items() if n > 0]
    # The exams' candidates (same generator seed, so the same questions); only the draw is the practice's own.
    pools = available(pool, spec.seed, wanted, spec.exclusions())  # never what the trainer took out
    focus = sel.focus()
    practice = Practice(f"练习：{spec.title}", seed, spec=spec.stem)
    chosen: dict[str, list[Question]] = {}
    spare: dict[str, list[Question]] = {}  # questions on no paper beyond the type's count
    held: dict[str, list[Question]] = {}  # exam questions, for the last resort
    missing: dict[str, int] = {}
    for t in wanted:
        cands = list(pools[t])
        random.Random(f"{seed}|draw|{t}").shuffle(cands)
        if focus:  # as the exam draws: questions on the steps in focus first
            cands.sort(key=lambda q: not any(c.kind == "step" and (c.id, c.step) in focus for c in q.covers))
        fresh = [q for q in cands if q not in exam]
        chosen[t], spare[t] = fresh[:counts[t]], fresh[counts[t]:]
        held[t] = [q for q in cands if q in exam]
        missing[t] = counts[t] - len(chosen[t])
    # A type the exams have used up: questions of the other types first (the same number of questions,
    # none of them on a paper), exam questions of that type only when no other question is left.
    short = sum(missing.values())
    while short and any(spare.values()):
        for t in wanted:
            if short and spare[t]:
                chosen[t].append(spare[t].pop(0))
                short -= 1
    for t in wanted:
        extra = held[t][:min(missing[t], short)]
        short -= len(extra)
        practice.reused += extra
        chosen[t] += extra
    for t in wanted:
        picked = chosen[t]
        random.Random(f"{seed}|order|{t}").shuffle(picked)
        practice.questions += [q.shuffled(random.Random(f"{seed}|options|{q.id}")) for q in picked]
    reused = {q.id for q in practice.reused}
    practice.reused = [q for q in practice.questions if q.id in reused]  # as shown (options shuffled)
    return practice


def procedure_seed(procedure_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(procedure_id.encode(), digest_size=4).digest(), "big")


def procedure_practice(content: Content, procedure_id: str, exam: ExamSet | None = None) -> Practice:
    """Up to five questions of different types about one procedure (deterministic per id), none of them on
    an exam paper; only when fewer than three such questions are left, exam questions top it up to three."""
    exam = exam or NO_EXAMS
    made: dict[str, Practice] = _memo(content, f"procedure_practice|{exam.key}", dict)
    hit = made.get(procedure_id)
    if hit is None:
        hit = made[procedure_id] = _procedure_practice(content, procedure_id, exam)
    return hit


def _procedure_practice(content: Content, procedure_id: str, exam: ExamSet) -> Practice:
    seed = procedure_seed(procedure_id)
    proc = content.procedures.get(procedure_id)
    if proc is None:
        return Practice("", seed)
    pool = for_procedure(content, procedure_id)
    fams = families()
    rng = random.Random(f"{seed}|page")
    found: dict[str, list[Question]] = {}
    held: dict[str, list[Question]] = {t: [] for t in PAGE_TYPES}  # exam questions, for the fallback

    def next_of(t: str) -> Question | None:
        # A family is generated only when the round-robin first reaches it (usually 5 of the 9 types
        # are enough); types are reached in PAGE_TYPES order, so the shuffles draw from `rng` in the
        # same order as if every family had been generated up front.
        if t not in found:
            found[t] = fams[t](pool, seed)
            rng.shuffle(found[t])
        while found[t]:
            q = found[t].pop()
            if q not in exam:
                return q
            held[t].append(q)
        return None

    picked: list[Question] = []
    reused: list[Question] = []
    for source, limit in (("fresh", PAGE_MAX), ("exam", PAGE_MIN)):
        while len(picked) < limit:
            before = len(picked)
            for t in PAGE_TYPES:
                if len(picked) >= limit:
                    break
                q = next_of(t) if source == "fresh" else (held[t].pop(0) if held[t] else None)
                if q is not None:
                    picked.append(q)
                    if source == "exam":
                        reused.append(q)
            if len(picked) == before:
                break
    questions = [q.shuffled(random.Random(f"{seed}|options|{q.id}")) for q in picked]
    return Practice(f"自测：{proc.title}", seed, questions, questions[len(picked) - len(reused):])


def overlap(content: Content, quizzes_dir: Path) -> dict[str, list[str]]:
    """Exam question id -> where the site also shows it as practice (labels such as 流程页「售楼处客户接待」,
    自测页「新员工第一周·售楼处接待」), over every spec page and every procedure page; empty when no
    practice needs an exam question."""
    quizzes_dir = Path(quizzes_dir)
    if not quizzes_dir.is_dir():
        return {}
    return _memo(content, f"overlap|{_stamp(quizzes_dir)}", lambda: _overlap(content, quizzes_dir))


def _site_practice(content: Content, quizzes_dir: Path) -> list[tuple[str, Practice]]:
    """Every practice the readers' site shows, with where (spec pages first, then procedure pages)."""
    exam = exam_set(content, quizzes_dir)
    specs = _specs(content, quizzes_dir) if quizzes_dir.is_dir() else []
    shown = [(f"自测页「{spec.title}」", spec_practice(content, spec, exam)) for _path, spec in specs]
    return shown + [(f"流程页「{proc.title}」", procedure_practice(content, pid, exam))
                    for pid, proc in content.procedures.items()]


def _overlap(content: Content, quizzes_dir: Path) -> dict[str, list[str]]:
    exam = exam_set(content, quizzes_dir)
    return _where_shown(content, quizzes_dir, exam, reused_only=True) if exam.questions else {}


def shown_as_practice(content: Content, quizzes_dir: Path, questions) -> dict[str, list[str]]:
    """Question id -> where the readers' site shows it (same id, or same prompt but for whitespace) as
    practice, for any questions: papers of another seed or number of versions than their spec's
    (``playbook quiz --seed/--versions``) are not what the site's practice was drawn around, so any
    of their questions may be on it. For a spec's own papers it is ``overlap`` cut to their questions."""
    asked = ExamSet.of(questions)
    return _where_shown(content, Path(quizzes_dir), asked, reused_only=False) if asked.questions else {}


def _where_shown(content: Content, quizzes_dir: Path, asked: ExamSet, reused_only: bool) -> dict[str, list[str]]:
    """Id of each ``asked`` question the site's practice shows -> the pages showing it, in site order.
    ``reused_only``: look only at the exam questions a practice had to reuse (the specs' own papers)."""
    out: dict[str, list[str]] = {}
    for where, practice in _site_practice(content, quizzes_dir):
        for q in practice.reused if reused_only else practice.questions:
            for qid in asked.exam_ids(q):
                places = out.setdefault(qid, [])
                if where not in places:
                    places.append(where)
    return {k: out[k] for k in sorted(out)}


def overlap_problems(content: Content, quizzes_dir: Path, base: Path | None = None) -> list[Problem]:
    """A warning (Q010) per spec some of whose exam questions the site also shows as practice."""
    shared = overlap(content, quizzes_dir)
    if not shared:
        return []
    out = []
    for path, spec in _specs(content, quizzes_dir):
        ids = sorted({q.id for paper in build_quiz(content, spec).papers for q in paper} & shared.keys())
        if not ids:
            continue
        places = sorted({w for i in ids for w in shared[i]})
        shown = "、".join(places[:3]) + (f" 等 {len(places)} 处" if len(places) > 3 else "")
        out.append(Problem(
            display_path(path, base), 1, 1, "Q010",
            f"这份测验有 {len(ids)} 道考试题也出现在手册网站的练习里（{shown}）：不在试卷上的题不够用，学员考前就能见到"
            "这些考题；请给相关流程补充步骤、规范用语或情景题，或减少题数、试卷套数（覆盖情况报告里列出是哪几道）",
            f"{len(ids)} exam questions also shown as practice in the site", severity="warning"))
    return out


__all__ = ["ExamSet", "NO_EXAMS", "Practice", "exam_set", "spec_practice", "procedure_practice", "overlap",
           "overlap_problems", "shown_as_practice", "procedure_seed", "practice_seed", "PAGE_TYPES", "PAGE_MAX",
           "PAGE_MIN"]
