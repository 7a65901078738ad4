"""Per-file validation: located YAML data + a model class -> objects or author-facing problems."""

from __future__ import annotations

import difflib
import functools
import re
import typing
import unicodedata
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from .model import SLUG_PATTERN
from .problems import Problem
from .yamlsafe import Located, Path_, format_path

_TYPE_NAMES = {
    "string_type": ("文字", "a string"),
    "int_type": ("整数", "an integer"),
    "int_parsing": ("整数", "an integer"),
    "int_from_float": ("整数", "an integer"),
    "float_type": ("数字", "a number"),
    "bool_type": (" true 或 false", "true or false"),
    "list_type": ("列表（每项另起一行，以 - 开头）", "a list"),
    "model_type": ("映射（“键: 值”的写法）", "a mapping"),
    "dict_type": ("映射（“键: 值”的写法）", "a mapping"),
    "model_attributes_type": ("映射（“键: 值”的写法）", "a mapping"),
}
_DISCRIMINATOR_TAGS = {"ref", "inline"}
_NUMBER_ERRORS = ("int_type", "int_parsing", "int_from_float", "float_type")


@functools.cache
def _adapter(model: type[BaseModel], many: bool) -> TypeAdapter[Any]:
    """Built once per model: constructing a TypeAdapter costs far more than validating a file."""
    return TypeAdapter(list[model] if many else model)  # type: ignore[valid-type]


def validate_located(loc: Located, model: type[BaseModel], many: bool) -> tuple[Any, list[Problem]]:
    """Validate one file. Returns (object or list of objects, problems); object is None on error."""
    value, problems = _validate(loc, loc.data, (), model, many)
    return (None if problems else value), problems


def validate_items(loc: Located, model: type[BaseModel]) -> tuple[list[tuple[int, Any]], list[Problem]]:
    """Validate a list file item by item, so one bad item does not hide the good ones.

    Returns ([(index, object)] for the valid items, problems for the file).
    """
    if not isinstance(loc.data, list):
        value, problems = validate_located(loc, model, True)
        return ([] if value is None else list(enumerate(value))), problems
    good: list[tuple[int, Any]] = []
    problems: list[Problem] = []
    for i, item in enumerate(loc.data):
        value, item_problems = _validate(loc, item, (i,), model, False)
        problems += item_problems
        if not item_problems:
            good.append((i, value))
    return good, problems


def _validate(loc: Located, data: Any, prefix: Path_, model: type[BaseModel], many: bool) -> tuple[Any, list[Problem]]:
    surprises = {path: kind for path, kind in loc.surprises.items() if path[:len(prefix)] == prefix}
    errors: dict[Path_, list[Any]] = {}
    value = None
    try:
        value = _adapter(model, many).validate_python(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            path = prefix + tuple(p for p in err["loc"] if p not in _DISCRIMINATOR_TAGS)
            ctx = err.get("ctx") or {}
            if isinstance(ctx.get("field"), str):
                path = path + (ctx["field"],)
            errors.setdefault(path, []).append(err)
    problems: list[Problem] = []
    for path, kind in sorted(surprises.items(), key=lambda kv: loc.marks.get(kv[0], (0, 0))):
        problems.append(_surprise_problem(loc, path, kind, errors.get(path, [])))
    seen: set[tuple[Path_, str]] = set()
    for path, errs in errors.items():
        for err in errs:
            if _suppressed(loc, path) or (path, err["type"]) in seen:
                continue
            seen.add((path, err["type"]))
            problems.append(_translate(loc, model, many, path, err, len(prefix)))
    return value, problems


def _suppressed(loc: Located, path: Path_) -> bool:
    """An earlier, more precise problem (full-width colon, surprise) already covers this spot."""
    for i in range(len(path), -1, -1):
        if path[:i] in loc.flagged or (i == len(path) and path in loc.surprises):
            return True
    return False


def _surprise_problem(loc: Located, path: Path_, kind: str, errors: list[Any]) -> Problem:
    raw = loc.raw.get(path, "")
    line, col = loc.mark(path)
    where = format_path(path)
    wants_number = [e["type"] for e in errors if e["type"] in _NUMBER_ERRORS]
    if kind == "date" and wants_number:
        loc.flagged.add(path)
        zh, en = _TYPE_NAMES[wants_number[0]]
        return Problem(loc.file, line, col, "S006", f"`{raw}` 会被 YAML 读成日期，这里应填{zh}（只写数字，例如 42）",
                       f"{where}: {en} expected, got a date")
    if kind == "bool":
        msg = (f"`{raw}` 在 YAML 里会被读成布尔值（是/否），不是文字；如果是文字请加引号写成 \"{raw}\"，"
               f"如果是开关请写 true 或 false")
        detail = f"{where}: plain {raw} is a YAML 1.1 boolean"
    elif kind == "date":
        msg = f"`{raw}` 会被 YAML 读成日期；文字请加引号写成 \"{raw}\"，数字字段请只写数字"
        detail = f"{where}: plain {raw} is a YAML date"
    else:
        msg = f"`{raw}` 会被 YAML 读成数字（YAML 1.1 把 `时:分`、`1_000` 这类写法当成数字）；时间、编号等文字请加引号写成 \"{raw}\""
        detail = f"{where}: plain {raw} is a YAML 1.1 number"
    loc.flagged.add(path)
    return Problem(loc.file, line, col, "S004", msg, detail)


def _translate(loc: Located, model: type[BaseModel], many: bool, path: Path_, err: Any, skip: int = 0) -> Problem:
    kind = err["type"]
    where = format_path(path)
    field = path[-1] if path else ""
    value = err.get("input")
    shown = loc.shown(path, value)
    line, col = loc.mark(path)
    if kind == "missing":
        line, col = loc.mark(path[:-1])
        label = "步骤缺少标题" if field == "title" and len(path) >= 2 and path[-3:-2] == ("steps",) else None
        msg = label or f"缺少必填字段 `{field}`"
        return Problem(loc.file, line, col, "S001", msg, f"{where} is required")
    if kind == "extra_forbidden":
        line, col = loc.mark(path, key=True)
        allowed = _allowed_keys(model, many, path[skip:-1])
        close = difflib.get_close_matches(str(field), allowed, n=1, cutoff=0.6)
        hint = f"，是不是想写 `{close[0]}`？" if close else f"；可用的字段：{', '.join(allowed)}"
        detail = f"{where} is not allowed" + (f"; did you mean {close[0]}?" if close else "")
        return Problem(loc.file, line, col, "S003", f"未知字段 `{field}`{hint}", detail)
    if kind in _TYPE_NAMES:
        zh, en = _TYPE_NAMES[kind]
        if value is None:
            return Problem(loc.file, line, col, "S009", f"`{field or '这里'}` 是空的，应为{zh}",
                           f"{where} is empty, expected {en}")
        got = "列表" if isinstance(value, list) else "映射" if isinstance(value, dict) else f"`{shown}`"
        if path in loc.quoted and not isinstance(value, (list, dict)) and kind != "string_type":
            got = f"加了引号的文字 \"{shown}\"（{zh}不要加引号）"
        if kind in ("model_type", "dict_type") and isinstance(value, str) and "：" in value:
            return Problem(loc.file, line, col, "Y004",
                           f"`{shown}` 里的全角冒号“：”不会被当成键；请改成半角冒号加空格", f"{where}: full-width colon")
        if kind in ("int_type", "int_parsing") and isinstance(value, str) and _looks_like_date(value):
            return Problem(loc.file, line, col, "S006", f"`{shown}` 是日期的写法，这里应为{zh}", f"{where}: {en} expected, got a date")
        return Problem(loc.file, line, col, "S002", f"应为{zh}，这里写的是 {got}", f"{where} must be {en}")
    if kind == "string_pattern_mismatch":
        return _bad_slug(loc.file, line, col, shown, value, where)
    if kind == "string_too_long":
        return Problem(loc.file, line, col, "S007", f"`{shown}` 太长（最多 {err['ctx']['max_length']} 个字符）",
                       f"{where} is too long")
    if kind == "string_too_short":
        return Problem(loc.file, line, col, "S009", f"`{field}` 不能是空文字", f"{where} must not be empty")
    if kind == "too_short":
        need = err.get("ctx", {}).get("min_length", 1)
        return Problem(loc.file, line, col, "S009", f"`{field}` 至少要有 {need} 项", f"{where} needs at least {need} items")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return Problem(loc.file, line, col, "S002", f"`{shown}` 不是允许的值；只能是 {expected}",
                       f"{where} must be one of {expected}")
    if kind == "C002":
        return _several_correct(loc, path, err)
    if kind in ("C001", "C003", "C004", "C005", "C006"):
        return Problem(loc.file, line, col, kind, err["msg"], f"{where}")
    if kind == "union_tag_invalid" or kind == "union_tag_not_found":
        return Problem(loc.file, line, col, "S002", f"应为用语 id 或 {{text: …}}，这里写的是 `{shown}`",
                       f"{where} must be a phrase id or an inline phrase")
    return Problem(loc.file, line, col, "S002", f"内容不合要求：{err['msg']}", f"{where}: {kind}")


def slug_for(value: Any) -> str | None:
    """The id an author meant when they typed full-width letters or capitals (``ｆａｒｅｗｅｌｌ``,
    ``Greet``), or None when folding does not give a valid id."""
    if not isinstance(value, str):
        return None
    folded = unicodedata.normalize("NFKC", value).lower()
    return folded if folded != value and re.fullmatch(SLUG_PATTERN, folded) else None


def _bad_slug(file: str, line: int, col: int, shown: str, value: Any, where: str) -> Problem:
    meant = slug_for(value)
    if meant is None:
        return Problem(file, line, col, "S007",
                       f"id `{shown}` 不合规：只能用小写英文字母、数字和连字符（例如 shouloubu-jiedai）",
                       f"{where} must match [a-z0-9-]")
    if unicodedata.normalize("NFKC", value) != value:
        return Problem(file, line, col, "S007",
                       f"id `{shown}` 用了全角字母或数字；id 只能用半角的小写英文字母、数字和连字符，请改成 `{meant}`",
                       f"{where} has full-width characters; use {meant}")
    return Problem(file, line, col, "S007", f"id `{shown}` 有大写字母；id 只能用小写，请改成 `{meant}`",
                   f"{where} must be lowercase; use {meant}")


def _several_correct(loc: Located, path: Path_, err: Any) -> Problem:
    """C002 points at the second `correct: true` (the first may well be the right one) and names
    the line of every one of them."""
    options = _data_at(loc.data, path)
    right = [i for i, o in enumerate(options if isinstance(options, list) else [])
             if isinstance(o, dict) and o.get("correct") is True]
    if len(right) < 2:  # cannot happen for data pydantic read; keep the plain message
        line, col = loc.mark(path)
        return Problem(loc.file, line, col, "C002", err["msg"], format_path(path))
    marks = [loc.mark(path + (i, "correct"), key=True) for i in right]
    lines = "、".join(f"第 {ln} 行" for ln, _ in marks[:-1]) + f"和第 {marks[-1][0]} 行"
    line, col = marks[1]
    where = ", ".join(format_path(path + (i, "correct")) for i in right)
    return Problem(loc.file, line, col, "C002",
                   f"有 {len(right)} 个正确选项（{lines}都写了 correct: true）；情景题只能有一个，"
                   "请只留正确的那一个", f"{len(right)} options are correct: {where}")


def _data_at(data: Any, path: Path_) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _looks_like_date(value: str) -> bool:
    return bool(re.match(r"^\d{4}-\d{1,2}-\d{1,2}", value))


def _allowed_keys(model: type[BaseModel], many: bool, path: Path_) -> list[str]:
    """Field names of the model found at ``path`` (for 'did you mean' hints)."""
    current: Any = model
    parts = list(path[1:] if many else path)
    for part in parts:
        current = _unwrap(current)
        if isinstance(part, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(tp: Any) -> Any:
    """list[X] / Annotated[X, …] / Union[str, X] -> the model class X if there is one."""
    for _ in range(6):
        origin = typing.get_origin(tp)
        if origin is None:
            return tp
        args = [a for a in typing.get_args(tp) if not isinstance(a, (str, int))]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if models:
            return models[0]
        nested = [a for a in args if typing.get_origin(a) is not None]
        tp = nested[-1] if nested else args[0]
    return tp
