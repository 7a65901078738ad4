"""Careful YAML reading for authors: every surprise becomes a Problem with file:line:col.

PyYAML does the parsing (libyaml when available); this module adds what it does not:
byte-level checks (encoding, BOM, control characters, tab / full-width indentation),
bounded depth and alias expansion, refusal of non-standard tags, duplicate keys,
and a YAML-1.2-like reading of plain scalars so that ``NO`` or ``8:30`` stay text
while the spot is remembered and reported.
"""

from __future__ import annotations

import functools
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .model import KINDS
from .problems import Problem

try:  # libyaml is an order of magnitude faster; the pure-Python loader gives the same marks.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# libyaml 0.2.5 as bundled by PyYAML >= 6.0.3 refuses to nest deeper than 1,000 levels and
# says so in its scanner, which reads flow collections ahead of the events we bound. That
# text is not the author's mistake to decode: such a file is re-read by the pure-Python
# parser, which has no limit of its own, so our own bound (Y008) names the line.
_LIBYAML_DEPTH_LIMIT = "exceeded maximum nesting depth"

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000
MAX_REPORTS_PER_CHECK = 5

Path_ = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_SAFE_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}
# Invisible characters; NEL and the Unicode line/paragraph separators also end a line for YAML but
# not in an editor, so every line number after them would be off.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029\ufffe\uffff]")
_FULLWIDTH_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_\-]*)[ \t\u3000]*：")
# A whole line "  - title：…" / "title：…" (checked when the parser gives up, to name the real culprit).
_FULLWIDTH_LINE = re.compile(r"^[ ]*(?:-[ ]+)*([A-Za-z_][A-Za-z0-9_\-]*)[ \t\u3000]*：")
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_CONTROL_NAMES = {"\x00": "NUL", "\x7f": "DEL", "\x1b": "ESC", "\x0c": "换页符 FF", "\x0b": "垂直制表符 VT",
                  "\x85": "换行符 NEL", "\u2028": "行分隔符 U+2028", "\u2029": "段落分隔符 U+2029"}


@functools.cache
def field_names() -> frozenset[str]:
    """Every field name of the content model. `word：…` is a key typo only for these words:
    a point such as ``SA：服务顾问`` is ordinary text and must not be flagged."""
    from pydantic import BaseModel

    names: set[str] = set()
    seen: set[type] = set()
    todo: list[Any] = [m for m, _ in KINDS.values()]
    while todo:
        tp = todo.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp in seen:
                continue
            seen.add(tp)
            names.update(tp.model_fields)
            todo.extend(f.annotation for f in tp.model_fields.values())
        else:
            todo.extend(a for a in typing.get_args(tp) if not isinstance(a, (str, int)))
    return frozenset(names)


def format_path(path: Path_) -> str:
    """('steps', 2, 'title') -> 'steps[2].title'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(文件顶层)"


@dataclass
class Located:
    """A YAML document as plain Python data plus where each piece was written."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    raw: dict[Path_, str] = field(default_factory=dict)
    surprises: dict[Path_, str] = field(default_factory=dict)
    flagged: set[Path_] = field(default_factory=set)
    quoted: set[Path_] = field(default_factory=set)

    def mark(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Closest known position for ``path`` (walks up to the nearest ancestor)."""
        table = self.key_marks if key else self.marks
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if key and p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), (1, 1))

    def shown(self, path: Path_, value: Any) -> str:
        """What the author typed at ``path``, for quoting in a message."""
        if path in self.raw:
            return _clip(self.raw[path])
        if isinstance(value, (dict, list)):
            return "映射" if isinstance(value, dict) else "列表"
        return _clip(str(value))


def _clip(text: str, limit: int = 60) -> str:
    """Quote at most ``limit`` characters of what the author wrote."""
    return text if len(text) <= limit else text[:limit] + "…"


def read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """Bytes -> text, refusing what an editor would not show correctly."""
    def problem(code: str, msg: str, detail: str, line: int = 1, col: int = 1) -> Problem:
        return Problem(shown, line, col, code, msg, detail)

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [problem("Y009", f"文件太大（{size // 1024} KB，上限 {MAX_BYTES // 1024} KB），请拆成几个文件",
                                  f"file is larger than {MAX_BYTES} bytes")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [problem("Y015", f"无法读取文件：{exc.strerror or exc}", "file cannot be read")]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [problem("Y011", "文件是 UTF-16 编码，请另存为 UTF-8", "file is UTF-16, not UTF-8")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 BOM is harmless: accept it
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start:exc.start].decode("utf-8", errors="replace")) + 1  # characters, not bytes
        guess = _guess_encoding(data)
        return None, [problem("Y011", f"文件不是 UTF-8 编码（看起来是 {guess}），请在编辑器里另存为 UTF-8",
                              f"file is not valid UTF-8; looks like {guess}", line, col)]
    problems = []
    if not _CONTROL.search(text):  # the common case: one scan of the whole text
        return text, []
    for lineno, line_text in enumerate(text.split("\n"), start=1):
        for m in list(_CONTROL.finditer(line_text))[:MAX_REPORTS_PER_CHECK]:
            name = _CONTROL_NAMES.get(m.group(), f"U+{ord(m.group()):04X}")
            problems.append(problem("Y010", f"文件里有看不见的控制字符 {name}，请删除",
                                    f"control character {name} is not allowed", lineno, m.start() + 1))
    if problems:
        return None, problems
    return text, []


def _guess_encoding(data: bytes) -> str:
    for codec, name in (("gbk", "GBK"), ("gb18030", "GB18030"), ("big5", "Big5"), ("shift_jis", "Shift_JIS")):
        try:
            data.decode(codec)
            return name
        except UnicodeDecodeError:
            continue
    return "一种无法识别的编码"


def _indentation_problems(text: str, shown: str) -> list[Problem]:
    if "\t" not in text and "\u3000" not in text:  # the common case
        return []
    problems = []
    in_block_scalar_indent = -1
    for lineno, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" \t\u3000")
        indent = len(line) - len(stripped)
        if in_block_scalar_indent >= 0:
            if not stripped or indent > in_block_scalar_indent and "\t" not in line[:indent]:
                continue
            in_block_scalar_indent = -1
        if not stripped or stripped.startswith("#"):
            continue
        lead = line[:indent]
        # Also look behind sequence dashes: "-　文本" with a full-width space is a trap.
        m = re.match(r"^[ \t\u3000]*(?:-[ \t\u3000]+)*", line)
        prefix = m.group() if m else lead
        if "\t" in lead:
            col = lead.index("\t") + 1
            problems.append(Problem(shown, lineno, col, "Y002", "用 Tab 缩进了；YAML 只认半角空格，请把 Tab 换成空格",
                                    "tab used for indentation"))
        elif "\u3000" in prefix:
            col = prefix.index("\u3000") + 1
            problems.append(Problem(shown, lineno, col, "Y003", "用全角空格“　”缩进了；请换成半角空格",
                                    "full-width space U+3000 used for indentation"))
        if re.search(r"[|>][+-]?\d*\s*(#.*)?$", stripped) and not stripped.startswith(("'", '"')):
            in_block_scalar_indent = indent
    return problems


_UNCLOSED = {
    "while scanning a quoted scalar": "引号",
    "while parsing a flow sequence": "方括号“[”",
    "while parsing a flow mapping": "花括号“{”",
}


def _syntax_problem(exc: yaml.YAMLError, shown: str, text: str = "") -> Problem:
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    mark = problem_mark or context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    what = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    detail = f"{context}, {what}" if context else str(what)
    thing = _UNCLOSED.get(str(context))
    if thing and context_mark is not None and problem_mark is not None and problem_mark.line > context_mark.line:
        # The parser noticed later; the author's mistake is where the quote or bracket opened.
        return Problem(shown, context_mark.line + 1, context_mark.column + 1, "Y001",
                       f"YAML 语法错误：这里开始的{thing}没有闭合（读到第 {problem_mark.line + 1} 行还没找到结尾）",
                       detail)
    hint = _syntax_hint(what)
    if str(what).startswith("mapping values are not allowed") and _indented_under_text(text, line):
        hint = ("这一行比上一行缩进得多，YAML 把它当成了上一行文字的接续；请把缩进和上一行对齐"
                "（文字里本来就有半角冒号“: ”时，请给整段文字加引号）")
    return Problem(shown, line, col, "Y001", f"YAML 语法错误：{hint}", detail)


def _indented_under_text(text: str, line: int) -> bool:
    """Whether line (1-based) is indented deeper than the line above it, and that line is a key with
    a value already (``title: 前台``): then ``  oops: x`` below it reads as a continuation of that value."""
    lines = text.split("\n")
    if not 1 < line <= len(lines):
        return False
    above = next((x for x in reversed(lines[:line - 1]) if x.strip() and not x.lstrip().startswith("#")), "")
    here = lines[line - 1]
    depth = len(here) - len(here.lstrip(" "))
    return depth > len(above) - len(above.lstrip(" ")) and re.match(r"^\s*(- )?[^\s:#][^:]*:\s+\S", above) is not None


def _syntax_hint(what: str) -> str:
    hints = {
        "mapping values are not allowed": "这里不能出现冒号；文字里有半角冒号“: ”时请给整段文字加引号",
        "could not find expected ':'": "缺少冒号，或缩进没有对齐",
        "did not find expected key": "缩进没有对齐，或者上一行缺少冒号",
        "did not find expected '-' indicator": "列表项缩进没有对齐，每项应以同样缩进的 - 开头",
        "found character that cannot start any token": "这里有 YAML 不允许开头的字符（如 Tab、@ 或 `），请加引号",
        "found undefined alias": "用了没有定义的别名 *…",
        "found unexpected end of stream": "文件在引号或括号还没闭合时就结束了",
        "found unknown escape character": "双引号里的反斜杠 \\ 后面跟了不认识的字符；用单引号或写成 \\\\",
        "expected <block end>": "缩进没有对齐",
    }
    for needle, hint in hints.items():
        if needle in str(what):
            return hint
    return "请检查这一行的缩进、冒号和引号"


def load_located(path: Path, shown: str, keys: frozenset[str] | None = None) -> tuple[Located | None, list[Problem]]:
    """Read one YAML file. Returns (None, problems) when nothing usable could be read.

    ``keys`` are the field names a `word：` typo is checked against (default: the content model's).
    One pass over the parser's event stream builds the data: depth, alias expansion and item
    count are bounded as they grow (no recursion, nothing built twice).
    """
    keys = field_names() if keys is None else keys
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [Problem(shown, 1, 1, "Y012", "文件是空的；请写入内容或删除这个文件", "file is empty")]
    problems = _indentation_problems(text, shown)
    if problems:
        return None, problems
    builder = _EventBuilder(Located(shown, None), keys)
    try:
        try:
            refused = builder.run(text, _Loader)
        except yaml.YAMLError as exc:
            if _LIBYAML_DEPTH_LIMIT not in str(getattr(exc, "problem", "")) or _Loader is yaml.SafeLoader:
                raise
            builder = _EventBuilder(Located(shown, None), keys)
            refused = builder.run(text, yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return None, _blame_fullwidth_colon(text, shown, keys, [_syntax_problem(exc, shown, text)])
    if refused:
        return None, [refused]
    if not builder.has_root:
        return None, [Problem(shown, 1, 1, "Y012", "文件里只有注释，没有内容", "file holds only comments")]
    if builder.loc.data is None and builder.loc.raw.get(()) == "" and () not in builder.loc.quoted:
        return None, [Problem(shown, 1, 1, "Y012", "文件里没有内容", "file holds no data")]
    return builder.loc, builder.problems


def _blame_fullwidth_colon(text: str, shown: str, keys: frozenset[str], problems: list[Problem]) -> list[Problem]:
    """`title：迎接` on its own line is read as text, and the parser trips on a later line.

    When that happens, name the line with the full-width colon instead of the later one.
    """
    last = max((p.line for p in problems if p.code == "Y001"), default=0)
    found = []
    for lineno, line in enumerate(text.split("\n")[:last], start=1):
        m = _FULLWIDTH_LINE.match(line)
        if m and m.group(1) in keys:
            found.append(Problem(shown, lineno, m.start(1) + 1, "Y004",
                                 f"`{m.group(1)}：` 用了全角冒号“：”，YAML 不会把它当成键；请改成半角冒号加空格：`{m.group(1)}: `",
                                 f"full-width colon after {m.group(1)}; use ': '"))
    return found or problems


class _Refused(Exception):
    pass


_RESOLVER = yaml.resolver.Resolver()
_NO_KEY = object()
_KIND_OF_TAG = {_TAG + "bool": "bool", _TAG + "int": "number", _TAG + "float": "number",
                _TAG + "timestamp": "date", _TAG + "null": "null"}


class _Frame:
    """An open sequence or mapping while events stream in."""

    __slots__ = ("value", "path", "anchor", "start", "is_map", "key", "first_seen", "skip_value")

    def __init__(self, value: Any, path: Path_, anchor: str | None, start: int):
        self.value = value
        self.path = path
        self.anchor = anchor
        self.start = start
        self.is_map = isinstance(value, dict)
        self.key: Any = _NO_KEY
        self.first_seen: dict[str, int] = {}
        self.skip_value = False


class _EventBuilder:
    """Plain data from the parser's events, recording marks, raw text and surprises by path."""

    def __init__(self, loc: Located, keys: frozenset[str]):
        self.loc = loc
        self.keys = keys
        self.problems: list[Problem] = []
        self.count = 0
        self.aliased = False
        self.has_root = False
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.anchor_marks: dict[str, Any] = {}  # where each anchor was defined
        self.expanded: set[str] = set()  # anchors whose aliases were expanded
        self.open_anchors: set[str] = set()
        self.skipping = 0  # depth inside a refused subtree (unsafe tag, complex key)

    def _problem(self, mark: Any, code: str, msg: str, detail: str) -> Problem:
        return Problem(self.loc.file, mark.line + 1, mark.column + 1, code, msg, detail)

    def run(self, text: str, loader_class: type) -> Problem | None:
        """Consume the whole stream; returns a refusal (depth, size, bomb, documents) or None."""
        try:
            self._consume(loader_class(text))
        except _Refused as exc:
            return exc.args[0]
        return None

    def _consume(self, loader: Any) -> None:
        try:
            docs = 0
            scalar, alias, seq_start, map_start = yaml.ScalarEvent, yaml.AliasEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent
            ends = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
            while loader.check_event():
                event = loader.get_event()
                kind = type(event)
                if self.skipping:
                    if kind is seq_start or kind is map_start:
                        self.skipping += 1
                    elif kind in ends:
                        self.skipping -= 1
                    continue
                if kind is scalar:
                    self._scalar(event)
                elif kind is seq_start or kind is map_start:
                    self._start(event, kind is map_start)
                elif kind in ends:
                    self._end()
                elif kind is alias:
                    self._alias(event)
                elif kind is yaml.DocumentStartEvent:
                    docs += 1
                    if docs > 1:
                        raise _Refused(self._problem(
                            event.start_mark, "Y013", "一个文件里只能有一个 YAML 文档（去掉多余的 ---，或拆成两个文件）",
                            "more than one YAML document in the file"))
        finally:
            loader.dispose()

    # -- where the next value goes -------------------------------------------------------
    def _slot(self, mark: Any) -> tuple[Path_, bool]:
        """Path of the value about to arrive, and whether it is a mapping key."""
        if not self.stack:
            return (), False
        top = self.stack[-1]
        if not top.is_map:
            return top.path + (len(top.value),), False
        if top.key is _NO_KEY:
            return top.path, True
        return top.path + (top.key,), False

    def _emit(self, value: Any) -> None:
        if not self.stack:
            self.loc.data = value
            self.has_root = True
            return
        top = self.stack[-1]
        if not top.is_map:
            top.value.append(value)
        else:
            if not top.skip_value:
                top.value[top.key] = value
            top.key = _NO_KEY
            top.skip_value = False

    def _skip_value_slot(self) -> bool:
        """True when the mapping value about to arrive was refused already (its key was bad)."""
        top = self.stack[-1] if self.stack else None
        return bool(top and top.is_map and top.key is not _NO_KEY and top.skip_value)

    def _count(self, n: int, mark: Any) -> None:
        self.count += n
        if self.count > MAX_NODES:
            if self.aliased:
                raise _Refused(self._alias_bomb(mark))
            raise _Refused(self._problem(mark, "Y009", f"文件里的条目太多（超过 {MAX_NODES} 个），请拆成几个文件",
                                         f"more than {MAX_NODES} nodes"))

    def _alias_bomb(self, crossed: Any) -> Problem:
        """Reported at the bomb's first anchor, where the author starts reading, not at the alias where
        the count happened to cross the limit. The bomb's anchors are those whose aliases were
        expanded and those of the collections still open around the crossing (they hold the copies)."""
        involved = self.expanded | {f.anchor for f in self.stack if f.anchor}
        name = min(involved, key=lambda a: (self.anchor_marks[a].line, self.anchor_marks[a].column))
        mark = self.anchor_marks[name]
        return self._problem(
            mark, "Y007",
            f"别名（&锚点 / *别名）展开后超过 {MAX_NODES} 个节点，拒绝读取：从这里的锚点 &{name} 开始，"
            f"别名一层套一层地重复；请把内容直接写出来",
            f"alias expansion too large (alias bomb): limit crossed at line {crossed.line + 1}")

    # -- events ----------------------------------------------------------------------------
    def _start(self, event: Any, is_map: bool) -> None:
        mark = event.start_mark
        self._count(1, mark)
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused(self._problem(mark, "Y008", f"嵌套层次太深（超过 {MAX_DEPTH} 层），内容文件不需要这么深",
                                         f"nesting deeper than {MAX_DEPTH} levels"))
        path, is_key = self._slot(mark)
        if is_key:
            self.problems.append(self._problem(mark, "Y014", "键必须是简单的文字", "mapping key must be a scalar"))
            self.skipping = 1
            top = self.stack[-1]
            top.key, top.skip_value = None, True
            return
        if self._skip_value_slot():
            self.skipping = 1
            self._emit(None)
            return
        tag = event.tag
        if tag not in (None, "!") and tag not in _SAFE_TAGS:
            self._unsafe_tag(mark, tag, path)
            self.skipping = 1
            self._emit(None)
            return
        self.loc.marks[path] = (mark.line + 1, mark.column + 1)
        if event.anchor:
            self.open_anchors.add(event.anchor)
            self.anchor_marks[event.anchor] = mark
        self.stack.append(_Frame({} if is_map else [], path, event.anchor, self.count))

    def _end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor:
            self.open_anchors.discard(frame.anchor)
            self.anchors[frame.anchor] = (frame.value, self.count - frame.start + 1)
        self._emit(frame.value)

    def _alias(self, event: Any) -> None:
        mark = event.start_mark
        path, is_key = self._slot(mark)
        if is_key:
            self.problems.append(self._problem(mark, "Y014", "键必须是简单的文字（不能用别名）", "alias used as a key"))
            top = self.stack[-1]
            top.key, top.skip_value = None, True
            return
        if event.anchor not in self.anchors:
            if event.anchor in self.open_anchors:
                raise _Refused(self._problem(mark, "Y007", "别名引用了它自己（递归别名），拒绝读取", "recursive alias"))
            raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", mark)
        value, size = self.anchors[event.anchor]
        self.aliased = True
        self.expanded.add(event.anchor)
        self._count(size, mark)
        self.loc.marks.setdefault(path, (mark.line + 1, mark.column + 1))
        self._emit(value)

    def _unsafe_tag(self, mark: Any, tag: str, path: Path_) -> None:
        self.loc.flagged.add(path)
        self.problems.append(self._problem(
            mark, "Y006", f"不允许的 YAML 标签 `{tag.replace(_TAG, '!!')}`；内容文件只能写普通文字、数字、列表和映射",
            f"unsafe or unknown tag {tag}"))

    def _scalar(self, event: Any) -> None:
        mark = event.start_mark
        self._count(1, mark)
        path, is_key = self._slot(mark)
        if is_key:
            self._key(event)
            return
        if self._skip_value_slot():
            self._emit(None)
            return
        value = self._scalar_value(event, path)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
            self.anchor_marks[event.anchor] = mark
        self._emit(value)

    def _key(self, event: Any) -> None:
        top = self.stack[-1]
        mark = event.start_mark
        key = event.value
        plain = not event.style
        if event.tag not in (None, "!") and event.tag not in _SAFE_TAGS:
            self._unsafe_tag(mark, event.tag, top.path + (key,))
            top.key, top.skip_value = key, True
            return
        if plain and key == "<<":
            self.problems.append(self._problem(mark, "Y006", "不支持合并键 `<<`；请把内容直接写出来",
                                               "merge keys are not supported"))
            top.key, top.skip_value = key, True
            return
        if plain:
            self._check_fullwidth_colon(event, top.path + (key,), any_word=True)
        if key in top.first_seen:
            self.problems.append(self._problem(
                mark, "Y005",
                f"键 `{key}` 在这个映射里重复了（第一次在第 {top.first_seen[key]} 行）；YAML 只会保留最后一个，请删掉或合并",
                f"duplicate key {key}"))
            self.loc.flagged.add(top.path + (key,))
            top.key, top.skip_value = key, True
            return
        top.first_seen[key] = mark.line + 1
        self.loc.key_marks[top.path + (key,)] = (mark.line + 1, mark.column + 1)
        top.key = key

    def _check_fullwidth_colon(self, event: Any, path: Path_, any_word: bool = False) -> None:
        if "：" not in event.value:
            return
        m = _FULLWIDTH_KEY.match(event.value)
        if m and (any_word or m.group(1) in self.keys):
            self.loc.flagged.add(path)
            self.problems.append(self._problem(
                event.start_mark, "Y004",
                f"`{m.group(1)}：` 用了全角冒号“：”，YAML 不会把它当成键；请改成半角冒号加空格：`{m.group(1)}: `",
                f"full-width colon after {m.group(1)}; use ': '"))

    def _scalar_value(self, event: Any, path: Path_) -> Any:
        mark = event.start_mark
        raw = event.value
        loc = self.loc
        loc.marks[path] = (mark.line + 1, mark.column + 1)
        loc.raw[path] = raw
        tag, style = event.tag, event.style
        if tag not in (None, "!") and tag not in _SAFE_TAGS:
            self._unsafe_tag(mark, tag, path)
            return None
        if style in ("'", '"'):
            loc.quoted.add(path)
        if tag not in (None, "!"):  # an explicit safe tag: the author asked for this type
            if tag == _TAG + "str":
                return raw
            try:
                return yaml.SafeLoader("").construct_object(yaml.ScalarNode(tag, raw, mark, mark), deep=True)
            except (yaml.YAMLError, ValueError):
                return raw
        if style:  # quoted or block scalar: the author meant text
            return raw
        self._check_fullwidth_colon(event, path)
        # Plain scalar: read it the YAML 1.2 way, and remember where YAML 1.1 would surprise.
        if raw in _NULLS:
            return None
        if raw in _BOOLS:
            return _BOOLS[raw]
        if _INT.match(raw):
            return int(raw)
        if _FLOAT.match(raw):
            return float(raw)
        kind = _KIND_OF_TAG.get(_RESOLVER.resolve(yaml.ScalarNode, raw, (True, False)))
        if kind:
            loc.surprises[path] = kind
        return raw
