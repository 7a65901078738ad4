"""A targeted re-drill: a quiz spec (quizzes/<spec>-redrill.yaml) drawing on the procedures that hold
the weakest steps and phrases, which `playbook check` accepts and `playbook quiz` builds at once.

The re-drill narrows ``draws_on`` to the procedures of the weakest steps and names those steps in
``draws_on.steps``, so their questions (and their phrases' questions) are drawn first; the rest of
those procedures fills what the weak steps alone cannot. They are named in its description too.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml

from ..model import SLUG_PATTERN
from ..problems import ContentError, Problem, display_path
from ..quiz.assemble import build_quiz
from ..quiz.drawable import available, capacity
from ..quiz.exclude import stale
from ..quiz.pool import select
from ..quiz.spec import load_spec
from .analysis import TestAnalysis

STEP_TYPES = ("ordering", "next_step", "step_of_point", "timing", "rule", "cloze", "matching", "scenario")
DEFAULT_COUNTS = {"ordering": 2, "next_step": 3, "step_of_point": 3, "timing": 2, "rule": 3, "cloze": 3,
                  "matching": 2, "scenario": 2}
MAX_PROCEDURES = 3
MAX_TOTAL = 20


def redrill_stem(stem: str) -> str:
    return stem if stem.endswith("-redrill") else f"{stem}-redrill"


def weak_procedures(test: TestAnalysis) -> list[str]:
    """Procedures of the weakest steps (and phrases), weakest first, at most MAX_PROCEDURES."""
    out: list[str] = []
    rows = [r for r in test.weakest_steps if r.facility < 1.0]
    rows += [r for r in test.weakest_phrases if r.facility < 1.0]
    rows.sort(key=lambda r: r.facility)
    for r in rows:
        ref = r.ref
        proc = ref.id if ref.kind == "step" else None
        if ref.kind == "phrase":
            proc = next((x.id for q in test.questions if ref in q.refs for x in q.refs if x.kind == "step"), None)
        if proc and proc not in out:
            out.append(proc)
        if len(out) >= MAX_PROCEDURES:
            break
    return out


MAX_FOCUS = 8


def focus_steps(test: TestAnalysis, procs: list[str]) -> list[str]:
    """The weakest steps (``procedure#N``) of the re-drilled procedures, weakest first: the spec
    asks about them first (draws_on.steps), then about the rest of those procedures."""
    out: list[str] = []
    for r in sorted((r for r in test.weakest_steps if r.facility < 1.0), key=lambda r: r.facility):
        ref = r.ref
        if ref.kind == "step" and ref.id in procs and ref.step >= 0:
            name = f"{ref.id}#{ref.step + 1}"
            if name not in out:
                out.append(name)
        if len(out) >= MAX_FOCUS:
            break
    return out


def redrill_spec(test: TestAnalysis, spec, content) -> tuple[str, dict]:
    """(file stem, spec data) for a re-drill of ``test`` (from analysis.analyse); raises ContentError
    (T105) when there is nothing weak or the content cannot make the questions."""

    procs = [p for p in weak_procedures(test) if p in content.procedures]
    where = f"{test.spec}-redrill.yaml"
    if not procs:
        raise ContentError([Problem(where, 1, 1, "T105", f"「{test.title}」没有答错过的步骤，不需要复习测验",
                                    "nothing weak to re-drill")])
    seed = spec.seed if spec is not None else 1
    pool = select(content, procs)
    kept = _exclusions_that_apply(spec, pool, seed)
    possible = capacity(pool, seed, list(STEP_TYPES), kept)
    base = spec.counts() if spec is not None else DEFAULT_COUNTS
    counts = {t: min(max(base.get(t, 0), DEFAULT_COUNTS[t]), possible[t]) for t in STEP_TYPES}
    while sum(counts.values()) > MAX_TOTAL:
        t = max(counts, key=lambda t: (counts[t], t))
        counts[t] -= 1
    counts = {t: n for t, n in counts.items() if n > 0}
    if not counts:
        raise ContentError([Problem(where, 1, 1, "T105", "按现在的内容，最薄弱的步骤所在的流程出不了题", "no questions possible")])
    weakest = [r.label for r in test.weakest_steps if r.facility < 1.0][:5]
    title = f"{test.title}·复习"
    data = {
        "title": title,
        "audience": spec.audience if spec is not None and spec.audience else "上次测验后需要复习的学员",
        "roles": list(spec.roles) if spec is not None else [],
        "description": ("针对上次测验最薄弱的步骤出题：" + "；".join(weakest) + "。")[:400],
        "draws_on": {"procedures": procs, "steps": focus_steps(test, procs)},
        "questions": counts,
        "seed": seed,
        "versions": spec.versions if spec is not None else 1,
        "variation": "shuffle",
        "pass_mark": spec.pass_mark if spec is not None else 80,
        "time_limit": max(5, min(spec.time_limit if spec is not None else 30, 2 * sum(counts.values()))),
    }
    if not data["roles"]:
        del data["roles"]
    if kept:  # a question the trainer took out (or retired) stays out of the re-drill too
        data["exclude"] = [rule.entry for rule in kept]
    return redrill_stem(test.spec), data


def _exclusions_that_apply(spec, pool, seed: int) -> tuple:
    """The spec's ``exclude:`` entries that match a question the re-drill's narrower pool can make
    (the others would only be stale there, Q011)."""
    rules = spec.exclusions() if spec is not None else ()
    if not rules:
        return ()
    gone = set(stale(rules, available(pool, seed, list(STEP_TYPES)), lambda others: available(pool, seed, others)))
    return tuple(rule for i, rule in enumerate(rules) if i not in gone)


def spec_yaml(data: dict, test: TestAnalysis) -> bytes:
    head = [f"# 复习测验规格：由 playbook report --redrill 根据「{test.title}」的成绩生成。",
            "# 最薄弱的步骤（答对率从低到高）："]
    head += [f"#   {r.label}：答对率 {r.facility * 100:.0f}%（{r.n} 次作答）" for r in test.weakest_steps[:8]]
    head.append(f"# 出卷：playbook quiz quizzes/{redrill_stem(test.spec)}.yaml")
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    return ("\n".join(head) + "\n" + body).encode("utf-8")


def redrill_path(quizzes_dir: Path, spec: str) -> Path:
    """``quizzes_dir / "<spec>-redrill.yaml"``: ``spec`` must be a spec id (a slug, as the results
    reader already made sure) and the file must resolve inside ``quizzes_dir`` (not through a link
    to elsewhere); otherwise a T105 ContentError and nothing is written."""
    def refuse(message: str, detail: str) -> ContentError:
        return ContentError([Problem(display_path(quizzes_dir), 1, 1, "T105", message, detail)])

    if not isinstance(spec, str) or not re.fullmatch(SLUG_PATTERN, spec):
        raise refuse(f"测验编号 {spec!r} 不是有效的规格编号（小写字母、数字和连字符），不能用它给复习测验命名",
                     "spec id is not a slug")
    path = quizzes_dir / f"{redrill_stem(spec)}.yaml"
    try:
        path.resolve().relative_to(quizzes_dir.resolve())
    except (ValueError, OSError, RuntimeError):
        raise refuse(f"{path.name} 会写到测验目录之外（它是指向别处的链接？）；请删掉这个链接再运行",
                     "re-drill spec path outside the quizzes folder") from None
    if path.exists() and not path.is_file():
        raise refuse(f"{path.name} 已经存在，而且不是文件；请改名或删掉它", "re-drill spec path is not a file")
    return path


def prepare_redrill(test: TestAnalysis, spec, content, quizzes_dir: Path) -> tuple[Path, bytes]:
    """The re-drill spec's path and bytes, checked as `playbook check` would and built once; never a
    broken spec, never a path outside ``quizzes_dir``."""

    target = redrill_path(quizzes_dir, test.spec)
    stem, data = redrill_spec(test, spec, content)
    blob = spec_yaml(data, test)
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / f"{stem}.yaml"
        trial.write_bytes(blob)
        checked, problems = load_spec(trial, content)
        if checked is None:
            raise ContentError([Problem(display_path(quizzes_dir / trial.name), p.line, p.col, "T105",
                                        f"生成的复习测验没有通过检查：{p.message}", p.detail) for p in problems if p.is_error])
        build_quiz(content, checked)
    if target.is_file() and target.read_bytes() != blob:
        raise ContentError([Problem(display_path(target), 1, 1, "T105",
                                    f"{target.name} 已经有了，内容和这次要写的不同（可能是你改过的）；不会覆盖它，"
                                    "请改名或移走后再运行", "re-drill spec exists and differs")])
    return target, blob
