"""Load content/ into a validated model: per-file checks first, then cross-file checks."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .content import Content, Origin
from .fairness import length_giveaway
from .model import KINDS, Domain, Phrase, Procedure, Role, Scenario, Term
from .problems import ContentError, Problem, display_path
from .validate import slug_for, validate_items, validate_located
from .yamlsafe import format_path, load_located

YAML_SUFFIXES = (".yaml", ".yml")


def kind_of(path: Path, root: Path) -> str | None:
    """content/procedures/x.yaml -> 'procedures'; content/roles.yaml -> 'roles'."""
    rel = path.relative_to(root)
    first = rel.parts[0]
    if len(rel.parts) > 1 and first in KINDS:
        return first
    stem = path.stem
    if len(rel.parts) == 1 and stem in KINDS:
        return stem
    return None


def content_files(root: Path) -> list[Path]:
    """Every YAML file under root, sorted so results never depend on directory order."""
    files = [p for p in root.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()]
    # All start with root, so their full paths sort as their paths under root do.
    return sorted(files, key=lambda p: p.as_posix())


@dataclass(frozen=True)
class _FileRead:
    """What one content file contributes before the cross-file checks."""

    problems: list[Problem]
    spots: list[_IdSpot]
    items: list[tuple[Any, str, tuple[int, int], dict]]
    maybe: frozenset[str] = frozenset()
    """ids that may exist in this file although it failed (no "unknown id" error for them)."""
    unreadable: bool = False
    """A many-item file that could not be read at all."""


# Parsing and validating one file is most of a load; `playbook serve` and `playbook build` load the
# same files again and again, so each file's result is kept (models are frozen, so sharing them between
# loads is safe). Keyed by the name the file is shown under, its kind and its bytes: the 最近更新 page
# loads the content of many git revisions, each unpacked into a folder of its own, and parses each
# version of a file once. Bounded: cleared when full.
_READS: dict[tuple[str, str, bytes], _FileRead] = {}
_READS_MAX = 5_000


def _read_file(path: Path, shown: str, kind: str) -> _FileRead:
    try:
        data = path.read_bytes()
    except OSError:
        return _parse_file(path, shown, kind)
    key = (shown, kind, data)
    read = _READS.get(key)
    if read is None:
        read = _parse_file(path, shown, kind)
        if len(_READS) >= _READS_MAX:
            _READS.clear()
        _READS[key] = read
    return read


def _parse_file(path: Path, shown: str, kind: str) -> _FileRead:
    loc, problems = load_located(path, shown)
    model, many = KINDS[kind]
    if loc is None:
        # procedures/<id>.yaml by convention: the id of a single-item file is its name
        return _FileRead(problems, [], [], frozenset() if many else frozenset({path.stem.lower()}), unreadable=many)
    spots = _id_spots(loc)
    maybe: set[str] = set()
    if problems:  # the data is unreliable (duplicate key, bad tag): check it, keep nothing
        _remember_ids(maybe, loc.data)
        return _FileRead(problems + validate_located(loc, model, many)[1], spots, [], frozenset(maybe))
    if many:
        good, schema_problems = validate_items(loc, model)
    else:
        value, schema_problems = validate_located(loc, model, many)
        good = [] if value is None else [(None, value)]
    if schema_problems:
        _remember_ids(maybe, loc.data)
    items = []
    for i, item in good:
        prefix = () if i is None else (i,)
        items.append((item, shown, loc.mark(prefix), {"loc": loc, "prefix": prefix}))
    return _FileRead(problems + schema_problems, spots, items, frozenset(maybe))


def load_content(root: Path, base: Path | None = None) -> tuple[Content, list[Problem]]:
    """Read and check everything; never raises for bad content, returns problems instead."""
    content = Content(root=root)
    problems: list[Problem] = []
    if not root.is_dir():
        return content, [Problem(str(root), 1, 1, "K002", f"内容目录 `{root}` 不存在", "content directory not found")]
    items: dict[str, list[tuple[Any, str, tuple[int, int], dict]]] = {k: [] for k in KINDS}
    # ids that may exist in files or items that failed: no "unknown id" error for these.
    maybe: dict[str, set[str]] = {k: set() for k in KINDS}
    unreadable: set[str] = set()
    spots: list[_IdSpot] = []
    files = content_files(root)
    content.files = files
    if not files:
        problems.append(Problem(display_path(root, base), 1, 1, "K003", "内容目录里没有任何 YAML 文件",
                                "no content files found", "warning"))
    for path in files:
        shown = display_path(path, base)
        kind = kind_of(path, root)
        if kind is None:
            problems.append(Problem(
                shown, 1, 1, "K001",
                "不知道这个文件是什么内容：请放进 procedures/、phrases/、scenarios/、glossary/ 目录，"
                "或命名为 roles.yaml、domains.yaml、glossary.yaml",
                "unknown content location"))
            continue
        read = _read_file(path, shown, kind)
        problems += read.problems
        spots += read.spots
        if read.unreadable:
            unreadable.add(kind)
        maybe[kind] |= read.maybe
        items[kind] += read.items
    problems += _cross_checks(content, items, maybe, unreadable)
    problems = _name_twins(problems, spots)
    return content, sorted(set(problems))


@dataclass(frozen=True)
class _IdSpot:
    """An ``id:`` as written, valid or not, and where (for ids that differ only in case or width)."""

    raw: str
    file: str
    line: int
    col: int
    path: tuple

    @property
    def folded(self) -> str:
        return slug_for(self.raw) or self.raw


def _id_spots(loc) -> list[_IdSpot]:
    out = []
    many = isinstance(loc.data, list)
    for i, item in enumerate(loc.data if many else [loc.data]):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            path = ((i,) if many else ()) + ("id",)
            line, col = loc.mark(path)
            out.append(_IdSpot(item["id"], loc.file, line, col, path))
    return out


def _name_twins(problems: list[Problem], spots: list[_IdSpot]) -> list[Problem]:
    """An id refused for capitals or full-width letters (S007) whose meant id is already taken:
    say so, with the other id's file:line, instead of suggesting the taken id."""
    by_place = {(p.file, p.line, p.col): i for i, p in enumerate(problems) if p.code == "S007"}
    if not by_place:
        return problems
    first: dict[str, _IdSpot] = {}
    for spot in sorted(spots, key=lambda s: (slug_for(s.raw) is not None, s.file, s.line, s.col)):
        first.setdefault(spot.folded, spot)
    out = list(problems)
    for spot in spots:
        other = first.get(spot.folded)
        i = by_place.get((spot.file, spot.line, spot.col))
        if i is None or other is None or other is spot or slug_for(spot.raw) is None:
            continue
        how = _how_they_differ(spot.raw, other.raw)
        where = f"{other.file}:{other.line}:{other.col}"
        out[i] = replace(out[i], message=(
            f"id `{spot.raw}` 和 {where} 的 `{other.raw}` 只差{how}；id 不分大小写和全角半角，在全部内容里必须唯一："
            f"是同一项内容就删掉一份，不是就换一个 id"),
            detail=f"{format_path(spot.path)} differs from {other.raw} at {where} only in {_how_en(how)}")
    return out


def _how_they_differ(a: str, b: str) -> str:
    width = unicodedata.normalize("NFKC", a) != a or unicodedata.normalize("NFKC", b) != b
    case = unicodedata.normalize("NFKC", a) != unicodedata.normalize("NFKC", b)
    return "大小写和全角半角" if width and case else "全角半角" if width else "大小写"


def _how_en(how: str) -> str:
    return {"大小写": "case", "全角半角": "width", "大小写和全角半角": "case and width"}[how]


def _remember_ids(ids: set[str], data: Any) -> None:
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            ids.add(item["id"].lower())


def _cross_checks(content: Content, items: dict[str, list], maybe: dict[str, set[str]],
                  unreadable: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    registries = {
        "procedures": content.procedures, "phrases": content.phrases, "scenarios": content.scenarios,
        "roles": content.roles, "domains": content.domains,
    }
    seen_lower: dict[str, tuple[str, str, tuple[int, int]]] = {}
    for kind, registry in registries.items():
        for item, shown, (line, col), _ in sorted(items[kind], key=lambda t: (t[1], t[2])):
            key = item.id.lower()
            if key in seen_lower:
                first_kind, first_file, (fl, _fc) = seen_lower[key]
                problems.append(Problem(
                    shown, line, col, "R001",
                    f"id `{item.id}` 重复了：{first_file}:{fl} 已经用过；id 在全部内容里必须唯一",
                    f"duplicate id {item.id}"))
                continue
            seen_lower[key] = (kind, shown, (line, col))
            registry[item.id] = item
            content.origins[(kind, item.id)] = Origin(shown, line, col)
    words: dict[str, tuple[Term, str, int]] = {}  # a term or alias -> the term that explains it, where
    for term, shown, (line, col), extra in items["glossary"]:
        first = words.get(term.term.strip())
        if first is not None and first[0].term == term.term:
            problems.append(Problem(shown, line, col, "R001", f"术语 `{term.term}` 重复了：{first[1]}:{first[2]} 已经有了",
                                    f"duplicate glossary term {term.term}"))
            continue
        content.glossary.append(term)
        for i, word in enumerate([term.term, *term.aliases]):
            word = word.strip()
            if word not in words:
                words[word] = (term, shown, line)
                continue
            owner, f, fl = words[word]
            at = (line, col) if i == 0 else extra["loc"].mark(extra["prefix"] + ("aliases", i - 1))
            what = "术语" if word == owner.term else f"术语 `{owner.term}` 的别名"
            problems.append(Problem(
                shown, *at, "R001",
                f"“{word}”在 {f}:{fl} 已经是{what}：一个词只能有一种解释（提示框和搜索都会把它当成那个术语）；"
                "删掉这一处，或把两个术语合成一个",
                f"glossary word {word} given twice"))
    content.glossary.sort(key=lambda t: t.term)
    # Roles and domains keep the author's order (they are menus); everything else sorts by id.
    for kind, reg in registries.items():
        if kind in ("roles", "domains"):
            continue
        ordered = dict(sorted(reg.items()))
        reg.clear()
        reg.update(ordered)

    def ref(kind: str, target: str, entry: tuple, path: tuple, label: str) -> None:
        if target in registries[kind] or target.lower() in maybe[kind] or kind in unreadable:
            return
        loc = entry[3]["loc"]
        full = entry[3]["prefix"] + path
        line, col = loc.mark(full)
        close = difflib.get_close_matches(target, list(registries[kind]), n=3, cutoff=0.6)
        close += [k for k in registries[kind] if k.startswith(target.split("-")[0]) and k not in close]
        close = close[:3]
        hint = f"；相近的有：{', '.join(close)}" if close else ""
        problems.append(Problem(entry[1], line, col, "R003", f"找不到{label} `{target}`{hint}",
                                f"{format_path(full)}: unknown {kind[:-1]} id {target}"))

    for entry in items["procedures"]:
        proc: Procedure = entry[0]
        ref("domains", proc.domain, entry, ("domain",), "业务领域")
        for i, r in enumerate(proc.roles):
            ref("roles", r, entry, ("roles", i), "岗位")
        for i, r in enumerate(proc.related):
            ref("procedures", r, entry, ("related", i), "流程")
        has_phrase = False
        for si, step in enumerate(proc.steps):
            for pi, use in enumerate(step.phrases):
                has_phrase = True
                if isinstance(use, str):
                    ref("phrases", use, entry, ("steps", si, "phrases", pi), "规范用语")
        if not has_phrase and proc.kind == "flow" and proc.customer_facing:
            line, col = entry[2]
            problems.append(Problem(entry[1], line, col, "W001", "这个流程没有任何规范用语；新员工最需要的就是该怎么说（原则、规定类清单请写 kind: rules；内部管理流程请写 customer_facing: false）",
                                    "procedure has no phrases", "warning"))
        _source_warning(problems, proc.source, entry)
    for entry in items["phrases"]:
        for i, r in enumerate(entry[0].roles):
            ref("roles", r, entry, ("roles", i), "岗位")
        _source_warning(problems, entry[0].source, entry)
    for entry in items["scenarios"]:
        sc: Scenario = entry[0]
        for i, p in enumerate(sc.procedures):
            ref("procedures", p, entry, ("procedures", i), "流程")
        for i, r in enumerate(sc.roles):
            ref("roles", r, entry, ("roles", i), "岗位")
        right = next(i for i, o in enumerate(sc.options) if o.correct)
        if length_giveaway([o.text for o in sc.options], right):
            line, col = entry[3]["loc"].mark(entry[3]["prefix"] + ("options", right))
            problems.append(Problem(entry[1], line, col, "W004",
                                    "正确选项比其他选项长得多（或短得多），一眼就能猜出，测验不会用这道题；"
                                    "请把错误选项写得同样具体，或把正确选项写得更简短",
                                    f"options[{right}] gives the answer away by length", "warning"))
        for i, opt in enumerate(sc.options):
            if not opt.why.strip():
                loc = entry[3]["loc"]
                line, col = loc.mark(entry[3]["prefix"] + ("options", i))
                problems.append(Problem(entry[1], line, col, "W002", "选项没有写 why：测验解析需要说明为什么对或错",
                                        f"options[{i}].why is empty", "warning"))
        _source_warning(problems, sc.source, entry)
    for entry in items["roles"]:
        problems += _path_problems(entry, ref)
    return problems


def _path_problems(entry: tuple, ref: Any) -> list[Problem]:
    """A role's 入职路径: every id known (``ref`` reports R003), no empty stage (L001), nothing
    twice (L002: a stage title, or a procedure or phrase already in an earlier place of the path)."""
    role: Role = entry[0]
    loc, prefix = entry[3]["loc"], entry[3]["prefix"]
    problems: list[Problem] = []
    seen: dict[tuple[str, str], tuple[int, ...]] = {}

    def twice(key: tuple[str, str], path: tuple, what: str) -> None:
        if key not in seen:
            seen[key] = path
            return
        line, col = loc.mark(prefix + path)
        first, _ = loc.mark(prefix + seen[key])
        problems.append(Problem(entry[1], line, col, "L002",
                                f"入职路径里{what} `{key[1]}` 重复了：第 {first} 行已经写过；每项只写一次",
                                f"{format_path(path)} repeats {key[1]}"))

    for si, stage in enumerate(role.path):
        twice(("title", stage.title), ("path", si, "title"), "阶段")
        if not stage.procedures and not stage.phrases:
            line, col = loc.mark(prefix + ("path", si))
            problems.append(Problem(entry[1], line, col, "L001",
                                    f"入职路径的阶段“{stage.title}”是空的：请写上要读的流程（procedures）或要背熟的规范用语（phrases）",
                                    f"path[{si}] lists no procedures and no phrases"))
        for kind, ids, label in (("procedures", stage.procedures, "流程"), ("phrases", stage.phrases, "规范用语")):
            for i, target in enumerate(ids):
                ref(kind, target, entry, ("path", si, kind, i), label)
                twice((kind, target), ("path", si, kind, i), label)
    return problems


def _source_warning(problems: list[Problem], source: str, entry: tuple) -> None:
    if not source.strip():
        line, col = entry[2]
        problems.append(Problem(entry[1], line, col, "W003", "没有写 source（来源文档）", "source is empty", "warning"))


def load_or_raise(root: Path, strict: bool = False, base: Path | None = None) -> tuple[Content, list[Problem]]:
    """For builders: raise ContentError when there is anything to fix, else return content + warnings."""
    content, problems = load_content(root, base)
    if any(p.is_error or strict for p in problems):
        raise ContentError(problems)
    return content, problems


# Kept for type-checkers and readers: the item classes content exposes.
__all__ = ["Content", "Origin", "load_content", "load_or_raise", "kind_of", "content_files",
           "Procedure", "Phrase", "Scenario", "Term", "Role", "Domain"]
