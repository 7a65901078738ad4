"""Inputs a trainer may have edited by hand, read through a schema: results.json (`playbook grade`),
corrections.json (saved from review.html), and the quiz folder's quiz-<v>.json / sheet-<v>.json
(`playbook quiz`).

Nothing here raises for bad input: every surprise is a :class:`Problem` at ``file:line:col``, with the
field path (``sheets[3].responses[0].chosen``) in its detail and a Chinese message saying what to
fix. A bad sheet or decision is left out and the rest is still read; a bad quiz file is refused
whole (half a quiz cannot grade anything). Files are size-capped before they are parsed, numbers
too big for any field and NaN/Infinity are refused, and names that become file names (the quiz's
spec id) are validated slugs (``SLUG_PATTERN`` of the content model).
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from json.decoder import scanstring
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from ..model import SLUG_PATTERN, Slug
from ..problems import Problem, display_path
from ..quiz.question import COVER_KINDS, TYPES
from ..quiz.scoring import Response, Sheet, Trainee, is_correct, quiz_fingerprint
from ..yamlsafe import Path_, format_path
from .tables import trainee_key

MAX_RESULTS_BYTES = 32 * 1024 * 1024
"""A results.json larger than this is refused before it is parsed (a real one for 1,000 trainees is ~5 MB)."""
MAX_CORRECTIONS_BYTES = 4 * 1024 * 1024
MAX_QUIZ_BYTES = 4 * 1024 * 1024
"""quiz-<v>.json and sheet-<v>.json (a 100-question quiz is ~100 KB)."""
MAX_PROBLEMS_PER_FILE = 25
"""After this many, one line says how many more there are."""
MAX_OPTIONS = 26
"""Options are lettered A–Z on papers, sheets and reports."""
MAX_QUESTIONS = 500
MAX_DECISIONS = 100_000
MAX_NUMBER_DIGITS = 30

CORRECTIONS_FORMAT = "playbook-corrections/1"
LAYOUT_FORMAT = "playbook-answer-sheet/1"

# --- field types -----------------------------------------------------------------------------------

_NO_CONTROL = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$"
"""One line of text: no control characters (they break XLSX cells, one-line problems and HTML)."""
_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]*$"
"""Text that may span lines (prompts, options, explanations): tab and line breaks allowed."""
OPTIONAL_SLUG_PATTERN = f"^$|{SLUG_PATTERN}"


def _line(max_length: int, min_length: int = 0) -> Any:
    return Annotated[str, StringConstraints(pattern=_NO_CONTROL, min_length=min_length, max_length=max_length)]


def _text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[str, StringConstraints(pattern=_TEXT, min_length=min_length, max_length=max_length)]


SpecId = Slug
"""The spec's file stem in quizzes/: it names report files (charts/<spec>-….svg) and the re-drill spec."""
OptionalSpecId = Annotated[str, StringConstraints(pattern=OPTIONAL_SLUG_PATTERN, max_length=64)]
Version = Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
Fingerprint = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]*$", max_length=64)]
Index = Annotated[int, Field(ge=0, lt=MAX_OPTIONS)]
Chosen = Annotated[list[Index], Field(max_length=MAX_OPTIONS)]
FlagIn = Literal["blank", "multiple", "unclear"] | None
QuestionId = _line(300, 1)
Serial = _line(300, 1)
Mm = Annotated[float, Field(ge=-50, le=500)]
Box = Annotated[list[Mm], Field(min_length=4, max_length=4)]
Point = Annotated[list[Mm], Field(min_length=2, max_length=2)]
Small = Annotated[int, Field(ge=0, le=1000)]


class _In(BaseModel):
    """Strict: "90" is not 90 and 1 is not true. Unknown keys are ignored (newer writers may add some)."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class _Exact(_In):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class TraineeIn(_In):
    name: _line(100) = ""
    id: _line(64) = ""
    store: _line(100) = ""
    role: _line(100) = ""


class ResponseIn(_In):
    question: QuestionId
    chosen: Chosen
    flag: FlagIn = None
    correct: bool


class SheetIn(_In):
    quiz: SpecId
    version: Version
    serial: Serial
    trainee: TraineeIn | None = None
    responses: Annotated[list[ResponseIn], Field(max_length=MAX_QUESTIONS)]
    score: Annotated[float, Field(ge=0, le=100)]
    passed: bool
    source: _line(500) = ""
    title: _line(200) = ""
    fingerprint: Fingerprint = ""


class _DecisionKey(_Exact):
    quiz: OptionalSpecId
    version: Version
    serial: Serial


class AnswerDecisionIn(_DecisionKey):
    question: QuestionId
    chosen: Chosen


class TraineeDecisionIn(_DecisionKey):
    trainee_id: _line(64, 1)


class CoverIn(_In):
    kind: Literal[COVER_KINDS]  # type: ignore[valid-type]
    id: _line(300, 1)
    step: Annotated[int, Field(ge=-1, lt=1000)] = -1


class QuestionIn(_In):
    id: QuestionId
    type: Literal[tuple(TYPES)]  # type: ignore[valid-type]
    prompt: _text(5000, 1)
    options: Annotated[list[_text(1000, 1)], Field(min_length=2, max_length=MAX_OPTIONS)]
    answer: Annotated[int, Field(ge=0, lt=MAX_OPTIONS)] | Annotated[list[Index], Field(max_length=MAX_OPTIONS)]
    explanation: _text(10000) = ""
    source: _line(300) = ""
    covers: Annotated[list[CoverIn], Field(max_length=100)] = []


class QuizIn(_In):
    title: _line(200, 1)
    version: Version
    seed: int | None = None
    questions: Annotated[list[QuestionIn], Field(min_length=1, max_length=MAX_QUESTIONS)]
    spec: OptionalSpecId = ""
    pass_mark: Annotated[float, Field(ge=0, le=100)] = 60
    time_limit: Annotated[int, Field(ge=0, le=10000)] | None = None
    audience: _line(500) = ""
    variation: _line(40) = ""


class BubbleIn(_In):
    center_mm: Point
    radius_mm: Annotated[float, Field(gt=0.2, le=20)]
    option: Small | None = None
    item: Small | None = None
    position: Small | None = None
    digit: Small | None = None
    value: Small | None = None


class BoxIn(_In):
    box_mm: Box


class IdGridIn(_In):
    digits: Annotated[int, Field(ge=1, le=20)]
    box_mm: Box
    bubbles: Annotated[list[BubbleIn], Field(max_length=200)]


class LayoutQuestionIn(_In):
    id: QuestionId
    number: Small
    kind: Literal["choice", "ordering"]
    box_mm: Box
    bubbles: Annotated[list[BubbleIn], Field(min_length=1, max_length=MAX_OPTIONS * MAX_OPTIONS)]


class LayoutIn(_In):
    format: Literal["playbook-answer-sheet/1"]
    quiz: OptionalSpecId
    title: _line(200) = ""
    version: Version
    seed: int | None = None
    fingerprint: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]+$", max_length=64)]
    name_box: BoxIn
    id_grid: IdGridIn | None = None
    questions: Annotated[list[LayoutQuestionIn], Field(min_length=1, max_length=MAX_QUESTIONS)]


_ADAPTERS: dict[type, TypeAdapter] = {}


def _adapter(model: type) -> TypeAdapter:
    if model not in _ADAPTERS:
        _ADAPTERS[model] = TypeAdapter(model)
    return _ADAPTERS[model]


# --- reading JSON with places -----------------------------------------------------------------------


class _Odd:
    """A number no field can hold (NaN, Infinity, 10**40): kept as this marker so one sheet is left out,
    not the whole file, and reported where it was written."""

    def __init__(self, raw: str):
        self.raw = raw

    def __repr__(self) -> str:
        return self.raw


def _parse_int(raw: str) -> int | _Odd:
    return _Odd(raw) if len(raw.lstrip("-")) > MAX_NUMBER_DIGITS else int(raw)


def _parse_float(raw: str) -> float | _Odd:
    value = float(raw)
    return value if math.isfinite(value) else _Odd(raw)


_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null|NaN|-?Infinity")


def _scan(text: str) -> tuple[dict[Path_, int], list[tuple[Path_, int]]]:
    """Offsets of every value in JSON ``text`` that already parsed (an object member's: its key), and
    the repeated keys. Iterative: no depth limit of its own."""
    where: dict[Path_, int] = {}
    repeated: list[tuple[Path_, int]] = []
    stack: list[list[Any]] = []  # [is_object, path, index, keys seen]
    path: Path_ = ()
    i = _WS.match(text, 0).end()  # type: ignore[union-attr]
    state = "value"
    while True:
        if state == "value":
            where.setdefault(path, i)
            c = text[i]
            if c in "{[":
                j = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
                if text[j] in "}]":
                    i, state = j + 1, "after"
                elif c == "{":
                    stack.append([True, path, 0, set()])
                    i, state = j, "key"
                else:
                    stack.append([False, path, 0, None])
                    i, path = j, path + (0,)
            elif c == '"':
                i = scanstring(text, i + 1)[1]
                state = "after"
            else:
                m = _SCALAR.match(text, i)
                i = m.end() if m else i + 1
                state = "after"
        elif state == "key":
            frame = stack[-1]
            at = i
            key, i = scanstring(text, i + 1)
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]  # past the colon
            path = frame[1] + (key,)
            if key in frame[3]:
                repeated.append((path, at))
            else:
                frame[3].add(key)
                where.setdefault(path, at)
            state = "value"
        else:
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if not stack or i >= len(text):
                break
            frame = stack[-1]
            if text[i] == ",":
                i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
                if frame[0]:
                    state = "key"
                else:
                    frame[2] += 1
                    path, state = frame[1] + (frame[2],), "value"
            else:
                stack.pop()
                i += 1
    return where, repeated


_JSON_HINTS = {
    "Expecting value": "这里缺少一个值（多了一个逗号，或文件不完整）",
    "Expecting property name enclosed in double quotes": "这里应是加双引号的字段名（多了一个逗号？）",
    "Expecting ',' delimiter": "这里缺少逗号，或括号没有闭合（文件不完整？）",
    "Expecting ':' delimiter": "字段名后面缺少冒号",
    "Unterminated string starting at": "这里开始的引号没有闭合（文件不完整？）",
    "Invalid control character at": "文字里有控制字符（换行、Tab 等）；请删除，或写成 \\n",
    "Extra data": "JSON 已经结束，后面还有多余的内容",
    "Invalid \\escape": "反斜杠 \\ 后面的转义不对；要写反斜杠本身请写成 \\\\",
    "Invalid \\uXXXX escape": "\\u 后面应是 4 位十六进制数",
}


@dataclass
class _Doc:
    """One JSON file: its data, and (computed only when a problem needs it) where each value is."""

    shown: str
    text: str
    data: Any
    code: str
    odd: bool = False
    repeated_keys: bool = False
    _where: dict[Path_, int] | None = None
    _repeated: list[tuple[Path_, int]] = field(default_factory=list)
    _lines: list[int] | None = None

    def _scanned(self) -> dict[Path_, int]:
        if self._where is None:
            self._where, self._repeated = _scan(self.text)
        return self._where

    def position(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = [m.start() for m in re.finditer("\n", self.text)]
        line = bisect_left(self._lines, offset) + 1
        start = self._lines[line - 2] + 1 if line > 1 else 0
        return line, offset - start + 1

    def at(self, path: Path_) -> tuple[int, int]:
        """Line and column of ``path``, or of its nearest ancestor that is written in the file."""
        where = self._scanned()
        p = tuple(path)
        while p and p not in where:
            p = p[:-1]
        return self.position(where.get(p, 0)) if p else (1, 1)

    def repeated(self) -> list[tuple[Path_, int]]:
        self._scanned()
        return self._repeated


def _load(path: Path, code: str, limit: int, what: str) -> tuple[_Doc | None, list[Problem]]:
    """Bytes -> JSON data, with every way of failing a one-line problem: missing, too big, not UTF-8,
    not JSON (at the line and column), nested too deep."""
    shown = display_path(path)

    def fail(message: str, detail: str, line: int = 1, col: int = 1) -> tuple[None, list[Problem]]:
        return None, [Problem(shown, line, col, code, message, detail)]

    try:
        if not path.is_file():
            if path.exists():
                return fail(f"这不是一个文件；请给出 {what}", "not a file")
            return fail(f"找不到这个文件；请给出 {what}", "file not found")
        size = path.stat().st_size
        if size > limit:
            return fail(f"文件太大（{size / 1024 / 1024:.1f} MB，上限 {limit // 1024 // 1024} MB），不像是 {what}；"
                        "请检查是不是选错了文件", f"file larger than {limit} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        return fail(f"读不了这个文件（{exc.strerror or exc}）；请给出 {what}", "cannot read file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return fail("文件是 UTF-16 编码；请另存为 UTF-8", "file is UTF-16, not UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8", errors="replace")) + 1
        return fail("文件不是 UTF-8 编码；请用编辑器另存为 UTF-8", "file is not valid UTF-8", line, col)
    if not text.strip():
        return fail(f"文件是空的；请给出 {what}", "file is empty")
    doc = _Doc(shown, text, None, code)

    def odd(raw_number: str) -> _Odd:
        doc.odd = True
        return _Odd(raw_number)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) != len(items):
            doc.repeated_keys = True
        return out

    def parse_int(raw_number: str) -> int | _Odd:
        value = _parse_int(raw_number)
        return odd(raw_number) if isinstance(value, _Odd) else value

    def parse_float(raw_number: str) -> float | _Odd:
        value = _parse_float(raw_number)
        return odd(raw_number) if isinstance(value, _Odd) else value

    try:
        doc.data = json.loads(text, parse_int=parse_int, parse_float=parse_float, parse_constant=odd,
                              object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        hint = next((h for needle, h in _JSON_HINTS.items() if exc.msg.startswith(needle)), "请检查这里的括号、逗号和引号")
        if exc.pos >= len(text.rstrip()):
            hint += "；文件在这里就结束了，可能没有保存完整"
        return fail(f"不是有效的 JSON：{hint}", exc.msg, exc.lineno, exc.colno)
    except RecursionError:
        return fail(f"括号嵌套太深，不像是 {what}", "nested too deeply")
    except ValueError as exc:  # anything else the decoder refuses
        return fail(f"不是有效的 JSON；请给出 {what}", str(exc))
    return doc, []


# --- problems at fields -----------------------------------------------------------------------------

_WHAT = {
    "sheets": "答卷列表 [...]",
    "quiz": "测验规格的编号（quizzes/ 里规格文件名去掉 .yaml：小写字母、数字和连字符，如 new-hire-sales-office）",
    "spec": "测验规格的编号（小写字母、数字和连字符，如 new-hire-sales-office）",
    "version": "卷号：一个大写字母，如 \"A\"",
    "serial": "答题卡序号：加双引号的文字，如 \"001\"",
    "trainee": "学员信息 {\"name\": …, \"id\": …, \"store\": …, \"role\": …}",
    "name": "姓名（一行文字）",
    "id": "编号（一行文字）",
    "store": "门店（一行文字）",
    "role": "岗位（一行文字）",
    "responses": "作答列表 [...]",
    "question": "题目编号（quiz-<卷>.json 里那道题的 id）",
    "chosen": "选中的选项序号列表：从 0 数起的整数（A=0、B=1…），如 [1]；排序题按顺序写全部选项，如 [2, 0, 1]；没答写 []",
    "flag": "标记：null、\"blank\"、\"multiple\" 或 \"unclear\"",
    "correct": "是否答对：true 或 false",
    "score": "得分：0 到 100 的数字（不加引号）",
    "passed": "是否及格：true 或 false",
    "source": "来源（一行文字）",
    "title": "标题（一行文字）",
    "fingerprint": "试卷指纹：playbook grade 写的十六进制串",
    "format": "文件格式标记",
    "decisions": "更正列表 [...]",
    "trainee_id": "工号（一行文字）",
    "type": "题型：" + "、".join(TYPES),
    "prompt": "题干文字",
    "options": f"选项列表：2 到 {MAX_OPTIONS} 个文字",
    "answer": "答案：正确选项的序号（从 0 数起）；排序题是全部选项序号的正确顺序，如 [2, 0, 1]",
    "explanation": "解析文字",
    "questions": "题目列表 [...]",
    "seed": "随机种子：整数",
    "pass_mark": "及格线：0 到 100 的数字",
    "time_limit": "考试时间（分钟）：整数",
    "center_mm": "位置 [x, y]（毫米）",
    "radius_mm": "半径（毫米）",
    "box_mm": "方框 [x, y, 宽, 高]（毫米）",
    "kind": "\"choice\" 或 \"ordering\"",
}
_ITEMS = {"sheets": "第 {} 张答卷", "responses": "第 {} 个作答", "decisions": "第 {} 条更正", "questions": "第 {} 题"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _where(path: Path_) -> str:
    """sheets[3].responses[0].chosen[1] -> 第 4 张答卷第 1 个作答的 `chosen` 第 2 项."""
    out = ""
    i = 0
    while i < len(path):
        part = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else None
        if isinstance(part, str) and part in _ITEMS and isinstance(nxt, int):
            out += _ITEMS[part].format(nxt + 1)
            i += 2
            continue
        if isinstance(part, str):
            out += (" 的 " if out.endswith("`") else "的 " if out else "") + f"`{part}`"
        else:
            out += f" 第 {part + 1} 项"
        i += 1
    return out or "文件最外层"


def _show(value: Any, limit: int = 40) -> str:
    if isinstance(value, _Odd):
        return value.raw
    if isinstance(value, dict):
        return "{…}" if value else "{}"
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _real_path(data: Any, loc: tuple) -> tuple[Path_, Any, bool]:
    """pydantic's loc -> the path in the data (union tags such as ``int`` or ``literal[...]`` are left
    out), the value there, and whether it was found."""
    out: list[str | int] = []
    here = data
    found = True
    for part in loc:
        if isinstance(here, dict) and isinstance(part, str) and part in here:
            here = here[part]
        elif isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here):
            here = here[part]
        elif isinstance(here, dict) and isinstance(part, str) and part.isidentifier():
            out.append(part)
            found = False
            break
        else:
            continue
        out.append(part)
    return tuple(out), here, found


def _explain(err: dict, path: Path_, value: Any) -> str:
    """One pydantic error as a Chinese sentence (without the place)."""
    kind = err["type"]
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    what = _WHAT.get(key, "")
    ctx = err.get("ctx") or {}
    if isinstance(value, _Odd):
        return f"数字 {value.raw} 太大或不是有限的数；{'应是' + what if what else '请改成合理的数'}"
    if kind == "missing":
        return "缺少这一项；请补上" + (f"：{what}" if what else "")
    if kind == "extra_forbidden":
        return f"不认识的字段 `{key}`（拼错了？）；请删除或改正"
    if kind == "string_unicode":
        return "含有无效的字符（孤立的 \\ud800–\\udfff 转义）；请删除"
    if kind == "string_pattern_mismatch" and isinstance(value, str) and _CONTROL.search(value):
        ch = _CONTROL.search(value).group()  # type: ignore[union-attr]
        return f"含有看不见的控制字符 U+{ord(ch):04X}（换行、Tab 等）；请删除，写成一行"
    if kind == "string_too_long":
        return f"太长（{len(value) if isinstance(value, str) else '?'} 个字，最多 {ctx.get('max_length')} 个字）；请缩短"
    if kind == "string_too_short":
        return "不能为空；请填写" + (what or "")
    if kind == "too_long":
        return f"项数太多（最多 {ctx.get('max_length')} 项）；这不像是 playbook 写的文件"
    if kind == "too_short":
        return f"项数太少（至少 {ctx.get('min_length')} 项）" + (f"；应是{what}" if what else "")
    if kind in ("greater_than_equal", "greater_than", "less_than", "less_than_equal"):
        bound = {"greater_than_equal": f"不能小于 {ctx.get('ge')}", "greater_than": f"应大于 {ctx.get('gt')}",
                 "less_than": f"应小于 {ctx.get('lt')}", "less_than_equal": f"不能大于 {ctx.get('le')}"}[kind]
        if key in ("chosen", "answer") and kind == "less_than":
            return f"是 {_show(value)}，超出范围：选项最多 {MAX_OPTIONS} 个（A–Z，序号 0 到 {MAX_OPTIONS - 1}）"
        return f"是 {_show(value)}，{bound}" + (f"；应是{what}" if what else "")
    return f"应是{what or _type_name(kind)}，这里是 {_show(value)}"


def _type_name(kind: str) -> str:
    return {"string_type": "文字（加双引号）", "int_type": "整数（不加引号）", "float_type": "数字（不加引号）",
            "bool_type": "true 或 false", "list_type": "列表 [...]", "dict_type": "对象 {...}",
            "model_type": "对象 {...}", "model_attributes_type": "对象 {...}", "literal_error": "规定的几个值之一",
            "string_pattern_mismatch": "规定格式的文字", "none_required": "null"}.get(kind, "正确的类型")


class _Issues:
    """The problems of one file: at most one per field, at most MAX_PROBLEMS_PER_FILE shown."""

    def __init__(self, doc: _Doc):
        self.doc = doc
        self.items: list[tuple[Path_, Problem]] = []
        self.paths: set[Path_] = set()

    def add(self, path: Path_, message: str, detail: str, severity: str = "error", offset: int | None = None) -> None:
        if path in self.paths:
            return
        self.paths.add(path)
        line, col = self.doc.position(offset) if offset is not None else self.doc.at(path)
        where = _where(path)
        self.items.append((path, Problem(self.doc.shown, line, col, self.doc.code, f"{where}：{message}",
                                         f"{format_path(path)}: {detail}", severity)))  # type: ignore[arg-type]

    def validate(self, model: type, value: Any, prefix: Path_) -> Any | None:
        """The model, or None with the reasons added."""
        try:
            return _adapter(model).validate_python(value)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                path, here, _found = _real_path(value, tuple(err["loc"]))
                self.add(prefix + path, _explain(err, prefix + path, here), err["msg"])
            return None

    def oddities(self) -> None:
        """Numbers no field takes, and keys written twice (JSON keeps the last one without a word)."""
        if self.doc.odd:
            for path, value in _walk(self.doc.data):
                if isinstance(value, _Odd):
                    self.add(path, _explain({"type": "odd"}, path, value), f"number {value.raw} refused")
        if self.doc.repeated_keys:
            for path, offset in self.doc.repeated():
                self.add(path, f"`{path[-1]}` 写了两次，JSON 只会保留后一个；请删掉多余的一个",
                         f"duplicate key {path[-1]}", offset=offset)

    def errors_under(self, prefix: Path_) -> bool:
        n = len(prefix)
        return any(p.is_error and path[:n] == prefix for path, p in self.items)

    def errors_outside(self, prefix: Path_) -> bool:
        """Errors not inside one of the ``items`` entries of the list at ``prefix``."""
        n = len(prefix)
        return any(p.is_error and not (path[:n] == prefix and len(path) > n and isinstance(path[n], int))
                   for path, p in self.items)

    def problems(self) -> list[Problem]:
        found = sorted((p for _, p in self.items), key=lambda p: (p.line, p.col))
        if len(found) > MAX_PROBLEMS_PER_FILE:
            rest = found[MAX_PROBLEMS_PER_FILE:]
            errors = sum(p.is_error for p in rest)
            found = found[:MAX_PROBLEMS_PER_FILE] + [Problem(
                rest[0].file, rest[0].line, rest[0].col, self.doc.code,
                f"这个文件还有 {len(rest)} 处问题没有列出；请先改正上面的，再运行一次",
                f"{len(rest)} more problems", "error" if errors else "warning")]
        return found


def _walk(data: Any) -> list[tuple[Path_, Any]]:
    out: list[tuple[Path_, Any]] = []
    todo: list[tuple[Path_, Any]] = [((), data)]
    while todo:
        path, value = todo.pop()
        out.append((path, value))
        if isinstance(value, dict):
            todo += [(path + (k,), v) for k, v in value.items()]
        elif isinstance(value, list):
            todo += [(path + (i,), v) for i, v in enumerate(value)]
    return out


# --- where a sheet was read from --------------------------------------------------------------------


@dataclass(frozen=True)
class _Origin:
    doc: _Doc
    path: Path_


def origin_of(sheet: Sheet) -> _Origin | None:
    return getattr(sheet, "_inputs_origin", None)


def _remember(sheet: Sheet, doc: _Doc, path: Path_) -> Sheet:
    # Sheet is a frozen dataclass shared by everyone; where it was read from is ours alone and is not
    # one of its fields (asdict, replace and == do not see it).
    object.__setattr__(sheet, "_inputs_origin", _Origin(doc, path))
    return sheet


def _sheet_problem(sheet: Sheet, path: Path_, message: str, detail: str, severity: str = "error",
                   code: str | None = None) -> Problem:
    origin = origin_of(sheet)
    if origin is None:
        where = sheet.source or f"{sheet.version} 卷 序号 {sheet.serial}"
        return Problem(where, 1, 1, code or "T101", message, f"{format_path(path)}: {detail}",
                       severity)  # type: ignore[arg-type]
    line, col = origin.doc.at(origin.path + path)
    full = origin.path + path
    return Problem(origin.doc.shown, line, col, code or origin.doc.code, f"{_where(full)}：{message}",
                   f"{format_path(full)}: {detail}", severity)  # type: ignore[arg-type]


def _place(sheet: Sheet) -> str:
    """Where a sheet was read from, for a message: ``results.json 第 12 行``."""
    origin = origin_of(sheet)
    if origin is None:
        return sheet.source or f"{sheet.version} 卷 序号 {sheet.serial}"
    return f"{origin.doc.shown} 第 {origin.doc.at(origin.path)[0]} 行"


def duplicate_sheets(sheets: list[Sheet]) -> list[Problem]:
    """A person (the same 工号, or name when there is none) with two sheets of one test among the
    results given — a results file given twice under two names, two gradings of one class, a hand
    edit: an error (T005) at the second, since which one counts is the trainer's call, never ours.
    Sheets naming nobody are not compared."""
    problems: list[Problem] = []
    first: dict[tuple[str, str], Sheet] = {}
    for s in sheets:
        if not (s.trainee.id.strip() or s.trainee.name.strip()):
            continue
        key = trainee_key(s.quiz, s.trainee)
        if key not in first:
            first[key] = s
            continue
        who = "、".join(x for x in (s.trainee.name, s.trainee.id and f"工号 {s.trainee.id}") if x)
        problems.append(_sheet_problem(
            s, ("trainee",), f"「{who}」在{_place(first[key])}已经有一份「{s.quiz}」的答卷；同一个人同一次测验只能计一次，"
                             "不知道该算哪一份：请只给一份成绩文件，或删掉多余的一张答卷", "the same trainee twice", code="T005"))
    return problems


# --- results.json -------------------------------------------------------------------------------------

RESULTS_WHAT = "playbook grade 写的 results.json"


def read_results(path: Path) -> tuple[list[Sheet], list[Problem]]:
    """The sheets of one results.json; a sheet with a bad field is left out (and reported), the rest
    are read. A file with no sheet at all gives no problem here (the caller says what that means)."""
    doc, problems = _load(path, "T101", MAX_RESULTS_BYTES, RESULTS_WHAT)
    if doc is None:
        return [], problems
    issues = _Issues(doc)
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("sheets"), list):
        if isinstance(data, dict) and "sheets" in data:
            issues.add(("sheets",), f"应是答卷列表 [...]，这里是 {_show(data['sheets'])}", "sheets must be a list")
        else:
            issues.add((), "这不是 playbook grade 写的成绩文件：最外层应是 {\"sheets\": [...]}",
                       "missing sheets list")
        return [], issues.problems()
    issues.oddities()
    models: list[tuple[int, SheetIn]] = []
    for i, raw in enumerate(data["sheets"]):
        model = issues.validate(SheetIn, raw, ("sheets", i))
        if model is not None:
            _check_sheet(model, ("sheets", i), issues)
            models.append((i, model))
    if issues.errors_outside(("sheets",)):
        return [], issues.problems()
    sheets = [_remember(_to_sheet(m), doc, ("sheets", i)) for i, m in models if not issues.errors_under(("sheets", i))]
    return sheets, issues.problems()


def _check_sheet(s: SheetIn, where: Path_, issues: _Issues) -> None:
    seen: dict[str, int] = {}
    for j, r in enumerate(s.responses):
        if r.question in seen:
            issues.add(where + ("responses", j, "question"),
                       f"题目 {r.question} 在这张答卷里出现了两次（第 {seen[r.question] + 1} 个作答也是它）；请删掉一个",
                       "duplicate question in one sheet")
        seen.setdefault(r.question, j)
        if r.correct and r.flag is not None:
            issues.add(where + ("responses", j, "correct"),
                       f"标记为 {r.flag}（待复核或未作答）的作答不能算答对；请改成 false，或用 corrections.json 更正后重新批改",
                       "a flagged response cannot be correct")
    right = sum(r.correct for r in s.responses)
    expected = round(100.0 * right / len(s.responses), 1) if s.responses else 0.0
    if abs(expected - s.score) > 0.05:
        issues.add(where + ("score",), f"得分 {s.score:g} 和各题对错不符（{len(s.responses)} 题答对 {right} 题，应是 "
                                       f"{expected:g}），不知道哪个对；请用 playbook grade 重新批改",
                   f"score {s.score} != {expected} from the responses")


def _to_sheet(s: SheetIn) -> Sheet:
    t = s.trainee or TraineeIn()
    return Sheet(s.quiz, s.version, s.serial, Trainee(t.name, t.id, t.store, t.role),
                 [Response(r.question, list(r.chosen), r.flag, r.correct) for r in s.responses],
                 float(s.score), s.passed, s.source, s.title, s.fingerprint)


def check_sheets(sheets: list[Sheet], quizzes: dict[str, dict[str, dict]]) -> list[Problem]:
    """Sheets read from results.json against the quizzes they were graded with (spec -> version ->
    quiz JSON), when known: chosen indexes within the question's options, an ordering answer a full
    order, ``correct`` what the answer key says. Errors at the field: the report is not made on
    answers that disagree with their own quiz."""
    problems: list[Problem] = []
    for s in sheets:
        quiz = quizzes.get(s.quiz, {}).get(s.version)
        if quiz is None:
            continue
        by_id = {q["id"]: q for q in quiz["questions"]}
        for j, r in enumerate(s.responses):
            q = by_id.get(r.question)
            if q is None:
                problems.append(_sheet_problem(s, ("responses", j, "question"),
                                               f"题目 {r.question} 不在 {s.quiz} 的 {s.version} 卷里；成绩文件和试卷对不上，请用 playbook grade 重新批改",
                                               "question not in the quiz"))
                continue
            n = len(q["options"])
            # An ordering answer may be incomplete or repeat a letter: that is what the trainee wrote
            # (grade warns T010 and counts it wrong), so only the range and `correct` are checked.
            wrong = [c for c in r.chosen if c >= n]
            if wrong:
                problems.append(_sheet_problem(
                    s, ("responses", j, "chosen"),
                    f"选项序号 {wrong[0]} 超出范围：这道题只有 {n} 个选项（序号 0 到 {n - 1}）；请用 playbook grade 重新批改",
                    f"index {wrong[0]} out of range 0..{n - 1}"))
            elif r.flag is None and r.correct != is_correct(q, r.chosen):
                problems.append(_sheet_problem(
                    s, ("responses", j, "correct"),
                    f"correct 写的是 {str(r.correct).lower()}，但按试卷答案应是 {str(not r.correct).lower()}；请用 playbook grade 重新批改",
                    "correct disagrees with the answer key"))
    return problems


# --- corrections.json ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """One decision of a person from review.html: an answer (``question`` + ``chosen``) or a 工号."""

    quiz: str
    version: str
    serial: str
    question: str | None = None
    chosen: tuple[int, ...] | None = None
    trainee_id: str | None = None
    file: str = ""
    line: int = 1
    col: int = 1
    path: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return self.quiz, self.version, self.serial

    def problem(self, message: str, detail: str, severity: str = "error") -> Problem:
        m = re.fullmatch(r"decisions\[(\d+)\]", self.path)
        where = f"第 {int(m.group(1)) + 1} 条更正：" if m else ""
        return Problem(self.file, self.line, self.col, "G006", where + message,
                       f"{self.path}: {detail}" if self.path else detail, severity)  # type: ignore[arg-type]


CORRECTIONS_WHAT = "复核页（review.html）保存的 corrections.json"


def read_corrections(path: Path) -> tuple[list[Decision], list[Problem]]:
    """The decisions of a corrections.json; a bad one is reported at its line and left out."""
    doc, problems = _load(path, "G006", MAX_CORRECTIONS_BYTES, CORRECTIONS_WHAT)
    if doc is None:
        return [], problems
    issues = _Issues(doc)
    data = doc.data
    if not isinstance(data, dict):
        issues.add((), f"这不是更正文件：最外层应是 {{\"format\": \"{CORRECTIONS_FORMAT}\", \"decisions\": [...]}}",
                   "not a corrections file")
        return [], issues.problems()
    if data.get("format") != CORRECTIONS_FORMAT:
        issues.add(("format",) if "format" in data else (),
                   f"这不是复核页保存的更正文件（format 应是 \"{CORRECTIONS_FORMAT}\"）；请用 review.html 的“保存更正”",
                   "not a corrections file")
        return [], issues.problems()
    decisions = data.get("decisions")
    if not isinstance(decisions, list):
        issues.add(("decisions",) if "decisions" in data else (),
                   f"应是更正列表 [...]，这里是 {_show(decisions)}" if "decisions" in data else "缺少 `decisions`：更正列表 [...]",
                   "decisions must be a list")
        return [], issues.problems()
    if len(decisions) > MAX_DECISIONS:
        issues.add(("decisions",), f"更正太多（{len(decisions)} 条，上限 {MAX_DECISIONS}）", "too many decisions")
        return [], issues.problems()
    issues.oddities()
    out: list[Decision] = []
    for i, raw in enumerate(decisions):
        where = ("decisions", i)
        model = TraineeDecisionIn if isinstance(raw, dict) and "trainee_id" in raw else AnswerDecisionIn
        m = issues.validate(model, raw, where)
        if m is None or issues.errors_under(where):
            continue
        line, col = doc.at(where)
        if isinstance(m, TraineeDecisionIn):
            out.append(Decision(m.quiz, m.version, m.serial, trainee_id=m.trainee_id.strip(), file=doc.shown,
                                line=line, col=col, path=format_path(where)))
        else:
            out.append(Decision(m.quiz, m.version, m.serial, question=m.question, chosen=tuple(m.chosen),
                                file=doc.shown, line=line, col=col, path=format_path(where)))
    if issues.errors_outside(("decisions",)):
        return [], issues.problems()
    return out, issues.problems()


def decision_from_dict(raw: Any, shown: str, n: int) -> tuple[Decision | None, list[Problem]]:
    """A decision given as a plain dict (not read from a file): validated the same way; ``n`` counts from 1."""
    model = TraineeDecisionIn if isinstance(raw, dict) and "trainee_id" in raw else AnswerDecisionIn
    try:
        m = _adapter(model).validate_python(raw)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        path, here, _ = _real_path(raw, tuple(err["loc"]))
        full = ("decisions", n - 1) + path
        return None, [Problem(shown, n, 1, "G006", f"{_where(full)}：{_explain(err, full, here)}",
                              f"{format_path(full)}: {err['msg']}")]
    where = f"decisions[{n - 1}]"
    if isinstance(m, TraineeDecisionIn):
        return Decision(m.quiz, m.version, m.serial, trainee_id=m.trainee_id.strip(), file=shown, line=n,
                        path=where), []
    return Decision(m.quiz, m.version, m.serial, question=m.question, chosen=tuple(m.chosen), file=shown, line=n,
                    path=where), []


def check_decision(d: Decision, quiz: dict) -> str | None:
    """Why the answer decision ``d`` cannot be applied to a sheet of ``quiz`` (Chinese), or None."""
    q = next((x for x in quiz["questions"] if x["id"] == d.question), None)
    if q is None:
        return f"题目 {d.question} 不在这张答题卡的 {d.version} 卷里"
    n = len(q["options"])
    chosen = list(d.chosen or ())
    wrong = [c for c in chosen if c >= n]
    if wrong:
        return f"选项序号 {wrong[0]} 超出范围：这道题只有 {n} 个选项（序号 0 到 {n - 1}，即 A 到 {chr(ord('A') + n - 1)}）"
    if isinstance(q["answer"], list):
        if chosen and sorted(chosen) != list(range(n)):
            return f"排序题的顺序应把 {n} 个选项（A 到 {chr(ord('A') + n - 1)}）各写一次，这里是 {_letters(chosen)}"
    elif len(set(chosen)) != len(chosen):
        return f"同一个选项写了两次（{_letters(chosen)}）"
    return None


def _letters(chosen: list[int]) -> str:
    return "".join(chr(ord("A") + c) for c in chosen) or "（空）"


# --- the quiz folder: quiz-<v>.json and sheet-<v>.json -----------------------------------------------

QUIZ_WHAT = "playbook quiz --format json 写的 quiz-<卷>.json"
LAYOUT_WHAT = "playbook quiz --format sheet 写的 sheet-<卷>.json"


def read_quiz_json(path: Path, code: str = "G007") -> tuple[dict | None, list[Problem]]:
    """A quiz-<version>.json, checked field by field: the dict as written (its fingerprint unchanged),
    or None and the problems. Answers are an option index, or for an ordering question an order of
    all its options."""
    quiz, _doc, problems = _read_quiz(path, code)
    return quiz, problems


def _read_quiz(path: Path, code: str) -> tuple[dict | None, _Doc | None, list[Problem]]:
    doc, problems = _load(path, code, MAX_QUIZ_BYTES, QUIZ_WHAT)
    if doc is None:
        return None, None, problems
    issues = _Issues(doc)
    issues.oddities()
    model = issues.validate(QuizIn, doc.data, ())
    if model is not None:
        ids: dict[str, int] = {}
        for k, q in enumerate(model.questions):
            at = ("questions", k)
            if q.id in ids:
                issues.add(at + ("id",), f"题目编号 {q.id} 和第 {ids[q.id] + 1} 题重复了", "duplicate question id")
            ids.setdefault(q.id, k)
            n = len(q.options)
            if len(set(q.options)) != n:
                issues.add(at + ("options",), "有两个选项一模一样；每个选项要不同", "duplicate options")
            if q.type == "ordering":
                if not isinstance(q.answer, list) or sorted(q.answer) != list(range(n)):
                    issues.add(at + ("answer",), f"排序题的答案应是全部 {n} 个选项序号（0 到 {n - 1}）的正确顺序，各一次",
                               "ordering answer must be a permutation of the options")
            elif not isinstance(q.answer, int) or q.answer >= n:
                issues.add(at + ("answer",), f"答案应是一个选项序号（0 到 {n - 1}），这里是 {_show(q.answer)}",
                           "answer must be one option index")
    problems = issues.problems()
    if any(p.is_error for p in problems):
        return None, doc, problems
    return doc.data, doc, problems


def _read_layout(path: Path, code: str) -> tuple[dict | None, _Doc | None, list[Problem]]:
    doc, problems = _load(path, code, MAX_QUIZ_BYTES, LAYOUT_WHAT)
    if doc is None:
        return None, None, problems
    issues = _Issues(doc)
    issues.oddities()
    model = issues.validate(LayoutIn, doc.data, ())
    if model is not None and model.id_grid is not None:
        for k, b in enumerate(model.id_grid.bubbles):
            if b.digit is None or b.value is None or b.digit >= model.id_grid.digits or b.value > 9:
                issues.add(("id_grid", "bubbles", k), "工号涂点应有 digit（第几位）和 value（0–9）",
                           "id bubble needs digit < digits and value 0..9")
    problems = issues.problems()
    if any(p.is_error for p in problems):
        return None, doc, problems
    return doc.data, doc, problems


def _check_layout(layout: dict, doc: _Doc, quiz: dict) -> list[Problem]:
    """The layout against the quiz of its version: same quiz, same questions, bubbles for real options."""
    issues = _Issues(doc)
    if layout["fingerprint"] != quiz_fingerprint(quiz) or layout["quiz"] != (quiz.get("spec") or ""):
        issues.add(("fingerprint",), f"答题卡布局和 quiz-{quiz['version']}.json 对不上（其中一个被改过，或来自另一次出卷）；"
                                     "请用同一次 playbook quiz 输出的两个文件", "layout fingerprint does not match the quiz")
        return issues.problems()
    by_id = {q["id"]: q for q in quiz["questions"]}
    placed = [q["id"] for q in layout["questions"]]
    if sorted(placed) != sorted(by_id):
        issues.add(("questions",), f"答题卡上的题目和 quiz-{quiz['version']}.json 的题目对不上；请用同一次 playbook quiz 输出的文件",
                   "layout questions differ from the quiz")
        return issues.problems()
    for k, lq in enumerate(layout["questions"]):
        q = by_id[lq["id"]]
        n = len(q["options"])
        ordering = isinstance(q["answer"], list)
        if (lq["kind"] == "ordering") != ordering:
            issues.add(("questions", k, "kind"), f"题型和 quiz-{quiz['version']}.json 对不上", "kind differs from the quiz")
            continue
        for b, bubble in enumerate(lq["bubbles"]):
            if ordering:
                ok = bubble.get("item") is not None and bubble.get("position") is not None and \
                    bubble["item"] < n and 1 <= bubble["position"] <= n
            else:
                ok = bubble.get("option") is not None and bubble["option"] < n
            if not ok:
                issues.add(("questions", k, "bubbles", b),
                           f"涂点对应的选项超出这道题的 {n} 个选项；请用 playbook quiz 重新生成答题卡布局",
                           "bubble for an option the question does not have")
                break
    return issues.problems()


def read_quiz_folder(folder: Path, code: str = "G007") -> tuple[dict[str, dict], dict[str, dict], list[Problem]]:
    """quiz-<v>.json and sheet-<v>.json of every version in a `playbook quiz` output folder, each
    checked, and checked against each other: one spec, one file per version, each layout made from
    its version's quiz. Returns (version -> quiz, version -> layout, problems)."""
    problems: list[Problem] = []
    quizzes: dict[str, dict] = {}
    quiz_files: dict[str, Path] = {}
    for path in sorted(folder.glob("quiz-*.json")):
        quiz, more = read_quiz_json(path, code)
        problems += more
        if quiz is None:
            continue
        v = quiz["version"]
        if v in quizzes:
            problems.append(Problem(display_path(path), 1, 1, code,
                                    f"{quiz_files[v].name} 也是 {v} 卷；同一卷只能有一个测验文件，请删掉多余的一个",
                                    f"version {v} twice"))
            continue
        quizzes[v], quiz_files[v] = quiz, path
    specs = sorted({q.get("spec") or "" for q in quizzes.values()})
    if len(specs) > 1:
        problems.append(Problem(display_path(folder), 1, 1, code,
                                f"测验目录里混了不同测验的文件（{'、'.join(s or '（无）' for s in specs)}）；"
                                "请给一次 playbook quiz 的输出目录", "quiz files of different specs"))
    layouts: dict[str, dict] = {}
    for path in sorted(folder.glob("sheet-*.json")):
        layout, doc, more = _read_layout(path, code)
        problems += more
        if layout is None or doc is None:
            continue
        v = layout["version"]
        if v in layouts:
            problems.append(Problem(display_path(path), 1, 1, code, f"{v} 卷的答题卡布局文件有两个；请删掉多余的一个",
                                    f"layout of version {v} twice"))
            continue
        if v not in quizzes:
            if v not in {p.stem.removeprefix("quiz-") for p in folder.glob("quiz-*.json")}:
                problems.append(Problem(display_path(path), 1, 1, code,
                                        f"有 {v} 卷的答题卡布局，但没有 quiz-{v}.json；请用同一次 playbook quiz 输出的全部文件",
                                        f"no quiz for layout version {v}"))
            continue
        more = _check_layout(layout, doc, quizzes[v])
        problems += more
        if not any(p.is_error for p in more):
            layouts[v] = layout
    if layouts and not any(p.is_error for p in problems):
        missing = sorted(set(quizzes) - set(layouts))
        if missing:
            problems.append(Problem(display_path(folder), 1, 1, code,
                                    f"有 quiz-{missing[0]}.json 但没有 sheet-{missing[0]}.json；请用同一次 playbook quiz 输出的全部文件",
                                    f"no layout for version {missing[0]}"))
    return quizzes, layouts, problems
