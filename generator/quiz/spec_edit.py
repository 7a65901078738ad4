"""Adding entries to a spec's ``exclude:`` in place: a text edit of that block only.

Everything else in the file (comments, key order, quoting, blank lines) stays byte for byte. The
block's place comes from the YAML parser's marks; a block list gets the new items after its last one,
a flow list (``exclude: [a, b]``) or an empty ``exclude:`` becomes a block list, and a spec without
the key gets one at its end. The old file is kept as ``SPEC.yaml.bak`` and the new one written
atomically (``print.publish.write_atomic``), so an interrupted edit never leaves half a spec.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..print.publish import write_atomic
from ..problems import ContentError, Problem, display_path, printable
from ..yamlsafe import load_located

HEADER = "# 不出的题（playbook quiz --preview 勾选、--write-exclude 或 playbook report --retire 写入；可以手改）"
COMMENT_CHARS = 40
"""How much of a question's prompt (or a reason) goes into the comment after its id."""


@dataclass(frozen=True)
class Entry:
    """One line to add: the id or pattern, and a short comment for the trainer reading the spec."""

    value: str
    comment: str = ""


def add_excludes(path: Path, entries: list[Entry]) -> list[str]:
    """Add the entries the spec does not exclude yet; returns what was added (nothing written when empty).
    Raises ContentError when the spec cannot be read or its ``exclude`` is not a list."""
    shown = display_path(path)
    loc, problems = load_located(path, shown)
    if loc is None or any(p.is_error for p in problems):
        raise ContentError(problems)
    if not isinstance(loc.data, dict):
        raise ContentError([Problem(shown, 1, 1, "Q013", "测验规格的顶层应该是键值（title: …）", "spec is not a mapping")])
    current = loc.data.get("exclude")
    if current is not None and not (isinstance(current, list) and all(isinstance(x, str) for x in current)):
        line, col = loc.mark(("exclude",))
        raise ContentError([Problem(shown, line, col, "Q013", "exclude 应该是一列题目编号（每行 `- 编号`），这里不是；"
                                    "请先改好再写入", "exclude is not a list of ids")])
    have = set(current or [])
    new: list[Entry] = []
    for e in entries:
        if e.value and e.value not in have:
            have.add(e.value)
            new.append(e)
    if not new:
        return []
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    edited = with_excludes(text, new)
    write_atomic(path.with_name(path.name + ".bak"), raw)
    write_atomic(path, edited.encode("utf-8"))
    return [e.value for e in new]


def with_excludes(text: str, new: list[Entry]) -> str:
    """``text`` with ``new`` appended to its exclude list (the block found by the parser's marks)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    found = next(((k, v) for k, v in (root.value if isinstance(root, yaml.MappingNode) else [])
                  if isinstance(k, yaml.ScalarNode) and k.value == "exclude"), None)
    if found is None:  # no exclude yet: a new block at the end
        tail = "" if not text or text.endswith(("\n", "\r")) else newline
        block = [HEADER, "exclude:"] + [item_line("  - ", e) for e in new]
        return text + tail + newline + newline.join(block) + newline
    key, node = found
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        end = last.end_mark.line - (1 if last.end_mark.column == 0 and last.end_mark.line > last.start_mark.line else 0)
        item_start = lines[last.start_mark.line][:last.start_mark.column]
        dash = item_start if re.fullmatch(r"[ ]*-[ ]+", item_start) else " " * key.start_mark.column + "  - "
        added = "".join(item_line(dash, e) + newline for e in new)
        if not lines[end].endswith(("\n", "\r")):
            lines[end] += newline
        return "".join(lines[:end + 1]) + added + "".join(lines[end + 1:])
    # a flow list, or nothing / null after the key: the value becomes a block list under the key
    old = [x.value for x in node.value] if isinstance(node, yaml.SequenceNode) else []
    start, stop = _offset(lines, node.start_mark), _offset(lines, node.end_mark)
    text = text[:start].rstrip(" ") + (" " if text[stop:stop + 1] not in ("", "\n", "\r") else "") + text[stop:]
    lines = text.splitlines(keepends=True)
    at = node.start_mark.line  # the text before the value is unchanged: the value's line holds the key now
    indent = " " * key.start_mark.column + "  - "
    items = [Entry(v) for v in old] + new
    if not lines[at].endswith(("\n", "\r")):
        lines[at] += newline
    return "".join(lines[:at + 1]) + "".join(item_line(indent, e) + newline for e in items) + "".join(lines[at + 1:])


def _offset(lines: list[str], mark) -> int:
    return sum(len(x) for x in lines[:mark.line]) + mark.column


def item_line(dash: str, entry: Entry) -> str:
    """``  - next_step:…:3f9a1c  # 「…」之后的下一步是什么？`` (quoted when plain YAML would read it otherwise)."""
    line = dash + scalar(entry.value)
    note = comment(entry.comment)
    return f"{line}  # {note}" if note else line


def scalar(value: str) -> str:
    """The value as YAML reads it back: plain when that is exact, else double-quoted."""
    try:
        plain = yaml.safe_load(f"- {value}  # x") == [value] and value == value.strip()
    except yaml.YAMLError:
        plain = False
    return value if plain else json.dumps(value, ensure_ascii=False)


def comment(text: str) -> str:
    """One short line of text for a YAML comment."""
    text = printable(" ".join(text.split()))
    return text if len(text) <= COMMENT_CHARS else text[:COMMENT_CHARS - 1] + "…"


def read_entries(args: list[str]) -> list[str] | str:
    """``--write-exclude`` arguments as entries: each is an id or pattern, or a file holding the block the
    preview page wrote (``exclude:`` and its items) or one entry a line. An error message instead when
    a file cannot be read or nothing is given."""
    out: list[str] = []
    for arg in args:
        path = Path(arg)
        if not path.is_file():
            out.append(arg.strip())
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            return f"读不了 {printable(arg)}：{exc}"
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict):
            data = data.get("exclude")
        if isinstance(data, list) and all(isinstance(x, str) for x in data):
            out += [x.strip() for x in data]
        else:
            out += [line.split("  #", 1)[0].strip().removeprefix("- ").strip().strip("'\"")
                    for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    out = list(dict.fromkeys(e for e in out if e))
    return out or "--write-exclude 后面没有题目编号"
