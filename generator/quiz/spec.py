"""Quiz specs (quizzes/*.yaml): the model, loading with file:line:col problems, and the checks
that need the content (unknown ids, an empty selection, more questions than the content can make).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ..content import Content
from ..model import SLUG_PATTERN, Slug, Text
from ..problems import ContentError, Problem, display_path
from ..validate import validate_located
from ..yamlsafe import Located, format_path, load_located
from .drawable import available
from .exclude import Exclusion, exclusions, stale
from .pool import select
from .question import TYPES

SPEC_SUFFIXES = (".yaml", ".yml")
MAX_VERSIONS = 26


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Selection(_Model):
    """Which content the quiz draws on: a procedure is in when any selector matches it."""

    procedures: list[Slug] = Field(default_factory=list, description="流程 id")
    tags: list[Text] = Field(default_factory=list, description="流程标签（带其中任一标签的流程都算）")
    roles: list[Slug] = Field(default_factory=list, description="岗位 id（这些岗位执行的流程都算）")
    domains: list[Slug] = Field(default_factory=list, description="业务领域 id")
    scenarios: list[Slug] = Field(default_factory=list,
                                  description="另外加入的情景题/案例 id（与所选流程相关的情景题自动加入）")
    steps: list[Text] = Field(default_factory=list,
                              description="重点步骤，写成 `流程id#步骤号`（如 `sales-office-reception#9`）：题目优先考这些"
                                          "步骤和它们的规范用语，不够时才用所选流程的其他步骤（复习测验用）")

    def focus(self) -> frozenset[tuple[str, int]]:
        """The steps named in ``steps`` as (procedure id, 0-based step index)."""
        out = set()
        for ref in self.steps:
            proc, _, n = ref.partition("#")
            if n.isdigit():
                out.add((proc, int(n) - 1))
        return frozenset(out)


class Counts(_Model):
    """How many questions of each type one paper has."""

    ordering: int = Field(0, description="排序题：把连续的几步按顺序排好")
    next_step: int = Field(0, description="下一步是什么")
    step_of_point: int = Field(0, description="这个做法属于哪一步")
    timing: int = Field(0, description="时间与数字（提前三天、两天之内…）")
    cloze: int = Field(0, description="规范用语填空")
    matching: int = Field(0, description="情境与规范用语配对")
    rule: int = Field(0, description="必须做到还是绝对不能做（判断）")
    scenario: int = Field(0, description="情景题（作者写的）")
    case: int = Field(0, description="案例分析（kind: case）")


class AnkiCards(_Model):
    """Which cards the Anki deck has besides 情境 → 规范用语 and the timing/number cards."""

    reverse: bool = Field(True, description="每条规范用语加一张反向卡：看用语，说出在什么情境下说")
    type_in: bool = Field(True, description="每条规范用语加一张输入卡：看情境，把用语一字不差地打出来")


class QuizSpec(_Model):
    """A quiz spec: one file under quizzes/."""

    title: Text = Field(description="测验标题，例如“新员工第一周·售楼处接待”")
    audience: str = Field("", description="给谁考，例如“入职第一周的置业顾问”")
    roles: list[Slug] = Field(default_factory=list, description="考生岗位 id（见 roles.yaml）")
    description: str = Field("", description="一两句说明，印在在线自测页上")
    draws_on: Selection = Field(description="出题范围")
    questions: Counts = Field(description="每种题型出几道（每套试卷）")
    seed: int = Field(1, description="随机种子：同一个种子出同样的卷子")
    versions: int = Field(2, description="试卷套数（A、B…）")
    variation: Literal["shuffle", "draw"] = Field(
        "shuffle", description="shuffle：各套题目相同、题序和选项顺序不同；draw：题库够时各套抽不同的题")
    pass_mark: int = Field(80, description="及格线（百分比）")
    time_limit: int = Field(30, description="考试时间（分钟）")
    anki: AnkiCards = Field(default_factory=AnkiCards, description="Anki 卡组里要哪些卡")
    exclude: list[Text] = Field(
        default_factory=list,
        description="不出的题：题目编号（答案、预览页和 coverage.html 上的小字，如 "
                    "`next_step:sales-office-reception:3f9a1c`），整个步骤 `流程id#步骤号`，某题型的某流程 "
                    "`rule:sales-office-reception`，或通配符 `timing:sales-office-reception:*`")

    _stem: str = PrivateAttr("")
    _path: str = PrivateAttr("")

    @property
    def stem(self) -> str:
        """File name without .yaml: the folder name of its outputs and its handbook page."""
        return self._stem

    @property
    def path(self) -> str:
        return self._path

    def exclusions(self) -> tuple[Exclusion, ...]:
        """The ``exclude:`` entries, ready to match questions."""
        return exclusions(self.exclude)

    def counts(self) -> dict[str, int]:
        return {t: getattr(self.questions, t) for t in TYPES}

    @property
    def total(self) -> int:
        return sum(self.counts().values())


def spec_files(quizzes_dir: Path) -> list[Path]:
    if not quizzes_dir.is_dir():
        return []
    return sorted((p for p in quizzes_dir.iterdir() if p.suffix in SPEC_SUFFIXES and p.is_file()),
                  key=lambda p: p.name)


def load_spec(path: Path, content: Content | None, base: Path | None = None) -> tuple[QuizSpec | None, list[Problem]]:
    """One spec file: (spec or None, problems). Checks against the content when it is given."""
    shown = display_path(path, base)
    loc, problems = load_located(path, shown)
    if loc is None:
        return None, problems
    spec, schema_problems = validate_located(loc, QuizSpec, many=False)
    problems = problems + schema_problems
    if spec is None:
        return None, problems
    spec._stem = path.stem
    spec._path = shown
    problems += _value_problems(spec, loc, path)
    if content is not None and not any(p.is_error for p in problems):
        problems += _content_problems(spec, loc, content)
    return (None if any(p.is_error for p in problems) else spec), problems


def _value_problems(spec: QuizSpec, loc: Located, path: Path) -> list[Problem]:
    out = []

    def bad(where: tuple, code: str, msg: str, detail: str) -> None:
        line, col = loc.mark(where)
        out.append(Problem(loc.file, line, col, code, msg, detail))

    if not re.match(SLUG_PATTERN, path.stem):
        out.append(Problem(loc.file, 1, 1, "Q008",
                           f"文件名 `{path.name}` 会成为网址：只能用小写英文字母、数字和连字符，例如 new-hire-week1.yaml",
                           "spec file name must be a slug"))
    for t, n in spec.counts().items():
        if n < 0:
            bad(("questions", t), "Q005", f"题数不能是负数（这里写的是 {n}）", f"questions.{t} must be >= 0")
    if spec.total <= 0:
        bad(("questions",), "Q004", "一道题也没有：请在 questions 下至少给一种题型写上题数", "no questions asked for")
    if not 1 <= spec.versions <= MAX_VERSIONS:
        bad(("versions",), "Q006", f"试卷套数应在 1 到 {MAX_VERSIONS} 之间（这里写的是 {spec.versions}）",
            f"versions must be 1..{MAX_VERSIONS}")
    if not 0 <= spec.pass_mark <= 100:
        bad(("pass_mark",), "Q007", f"及格线是百分比，应在 0 到 100 之间（这里写的是 {spec.pass_mark}）",
            "pass_mark must be 0..100")
    if not 1 <= spec.time_limit <= 600:
        bad(("time_limit",), "Q007", f"考试时间应在 1 到 600 分钟之间（这里写的是 {spec.time_limit}）",
            "time_limit must be 1..600")
    if spec.seed < 0:
        bad(("seed",), "Q007", "随机种子不能是负数", "seed must be >= 0")
    return out


def _content_problems(spec: QuizSpec, loc: Located, content: Content) -> list[Problem]:
    out = []
    sel = spec.draws_on
    known_tags = {t for p in content.procedures.values() for t in p.tags}
    checks = [("procedures", content.procedures, "流程"), ("roles", content.roles, "岗位"),
              ("domains", content.domains, "业务领域"), ("scenarios", content.scenarios, "情景题")]
    for field, registry, label in checks:
        for i, target in enumerate(getattr(sel, field)):
            if target not in registry:
                line, col = loc.mark(("draws_on", field, i))
                out.append(Problem(loc.file, line, col, "Q002", f"找不到{label} `{target}`",
                                   f"draws_on.{field}[{i}]: unknown id {target}"))
    for i, tag in enumerate(sel.tags):
        if tag not in known_tags:
            line, col = loc.mark(("draws_on", "tags", i))
            out.append(Problem(loc.file, line, col, "Q002", f"没有任何流程带标签 `{tag}`",
                               f"draws_on.tags[{i}]: no procedure has tag {tag}"))
    for i, ref in enumerate(sel.steps):
        proc, _, n = ref.partition("#")
        known = content.procedures.get(proc)
        if known is None or not n.isdigit() or not 1 <= int(n) <= len(known.steps):
            line, col = loc.mark(("draws_on", "steps", i))
            why = (f"找不到流程 `{proc}`" if known is None else
                   f"《{known.title}》没有第 {n} 步（共 {len(known.steps)} 步）" if n.isdigit() else "步骤号要写成数字")
            out.append(Problem(loc.file, line, col, "Q002", f"重点步骤 `{ref}` 不对：{why}；格式是 `流程id#步骤号`",
                               f"draws_on.steps[{i}]: not a step (procedure-id#N)"))
        elif proc not in {p.id for p in select(content, sel.procedures, sel.tags, sel.roles, sel.domains).procedures}:
            line, col = loc.mark(("draws_on", "steps", i))
            out.append(Problem(loc.file, line, col, "Q002", f"重点步骤 `{ref}` 所在的流程不在出题范围里；把 `{proc}` 加进 "
                               "draws_on.procedures", f"draws_on.steps[{i}]: procedure not drawn on"))
    for i, role in enumerate(spec.roles):
        if role not in content.roles:
            line, col = loc.mark(("roles", i))
            out.append(Problem(loc.file, line, col, "Q002", f"找不到岗位 `{role}`", f"roles[{i}]: unknown role {role}"))
    if out:
        return out
    pool = select(content, sel.procedures, sel.tags, sel.roles, sel.domains, sel.scenarios)
    if not pool.procedures and not pool.scenarios:
        line, col = loc.mark(("draws_on",))
        return [Problem(loc.file, line, col, "Q003", "出题范围里没有任何流程或情景题；请检查 draws_on",
                        "draws_on selects no content")]
    asked = [t for t, n in spec.counts().items() if n > 0]
    every = available(pool, spec.seed, asked)
    rules = spec.exclusions()
    for t in asked:
        n, possible = spec.counts()[t], len(every[t])
        left = sum(not any(r.matches(q) for r in rules) for q in every[t])
        if n > possible:
            line, col = loc.mark(("questions", t))
            name = TYPES[t]
            msg = (f"要出 {n} 道「{name}」，但所选内容最多只能出 {possible} 道；"
                   f"请改成不超过 {possible} 的数，或扩大 draws_on 的范围")
            out.append(Problem(loc.file, line, col, "Q001", msg,
                               f"{format_path(('questions', t))}: {n} asked, {possible} possible"))
        elif n > left:
            line, col = loc.mark(("exclude",), key=True)
            out.append(Problem(loc.file, line, col, "Q012",
                               f"exclude 排除了 {possible - left} 道「{TYPES[t]}」，只剩 {left} 道，不够出 {n} 道；"
                               f"请把 questions.{t} 改成不超过 {left} 的数，或从 exclude 里拿掉几条",
                               f"exclude leaves {left} {t} questions, {n} asked"))
    if rules:
        out += _stale_exclusions(loc, rules, every, lambda others: available(pool, spec.seed, others))
    return out


def _stale_exclusions(loc: Located, rules: tuple[Exclusion, ...], every: dict, more_of) -> list[Problem]:
    """A warning at each ``exclude:`` entry that matches no question the selection can make (of any
    type: ``more_of(types)`` makes those of the types ``every`` lacks, only when needed)."""
    out = []
    for i in stale(rules, every, more_of):
        line, col = loc.mark(("exclude", i))
        entry = rules[i].entry
        why = ("这一步没有可出的题，或流程不在出题范围里" if rules[i].kind == "step"
               else "题目的内容改过了（编号跟着变），或写错了" if rules[i].kind == "id" else "没有对得上的题")
        out.append(Problem(loc.file, line, col, "Q011",
                           f"exclude 里的 `{entry}` 对不上任何一道题：{why}；用 playbook quiz --preview 找到现在的编号，"
                           "或删掉这一条", f"exclude[{i}]: matches no question", "warning"))
    return out


def load_specs(quizzes_dir: Path, content: Content, base: Path | None = None) -> list[QuizSpec]:
    """Every spec, checked against the content; raises ContentError listing every problem."""
    specs, problems = [], []
    for path in spec_files(quizzes_dir):
        spec, found = load_spec(path, content, base)
        problems += found
        if spec is not None:
            specs.append(spec)
    if any(p.is_error for p in problems):
        raise ContentError(sorted(set(problems)))
    return specs
