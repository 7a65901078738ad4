"""Outline numbering: find the markers (一、 (一) 1、 1. 1) (1) ① 第一步 a …), even when glued to the
text, and build the heading / item tree the extractor reads.

Numbering styles get their outline level from the order they appear in (like reStructuredText
headings): an item of a style already open is a sibling there, a new style opens a level below.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .clean import Line

_CN_NUM = "一二三四五六七八九十"
_CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)} | {"两": 2}


def cn_to_int(s: str) -> int:
    """一 -> 1, 十二 -> 12, 二十 -> 20, 二十三 -> 23; digits pass through."""
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_VALUE.get(tens, 1) if tens else 1) * 10 + (_CN_VALUE.get(ones, 0) if ones else 0)
    return _CN_VALUE.get(s, 0)


@dataclass
class Item:
    """One outline unit: a numbered item, a heading, or a plain paragraph ("body")."""

    nos: list[int]
    text: str
    style: str = ""
    """numbering style (``cn-dun`` for 一、, ``ar-paren`` for (1) …); ``heading``; "" for body text."""
    num: int = 0
    heading: int = 0
    marker: str = ""

    @property
    def no(self) -> int:
        return self.nos[0]


@dataclass
class Node:
    item: Item | None
    children: list[Node] = field(default_factory=list)

    @property
    def style(self) -> str:
        return self.item.style if self.item else "root"

    def structural(self) -> list[Node]:
        """Children that are numbered items or headings (candidates for steps)."""
        return [c for c in self.children if c.style]

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


HEADING_CLASS = frozenset({"heading", "section", "cn-dun", "cn-paren"})
# The usual Chinese outline order: 第一篇 > 一、 > (一) > 第一步 > 1、/1. > 1)/(1) > ① > a.
# A style never nests under one ranked below it ("一、" after "(1)" closes that list).
RANK = {"section": 1, "cn-dun": 2, "cn-paren": 3, "step": 3, "ar-dun": 4, "ar-dot": 4, "ar-comma": 4,
        "ar-bare": 4, "ar-rparen": 5, "ar-paren": 5, "circled": 6, "latin": 7}
WEAK = frozenset({"ar-bare", "latin", "ar-comma"})
"""Styles too easily confused with ordinary text: accepted only when they continue a sequence."""

_CN = f"[{_CN_NUM}]{{1,3}}"
_NOT_UNIT = "(?![年月日天号时点分秒个次台辆人元万千百米岁倍周级成折期届位名件套款种项条楼层])"
_CJK_NEXT = r"(?=[\u4e00-\u9fff])"

# (style, regex); group 1 is the number. Order matters: the first that matches wins.
_MARKERS: list[tuple[str, re.Pattern[str]]] = [(s, re.compile(p)) for s, p in (
    ("step", rf"第\s*({_CN}|\d{{1,2}})\s*步\s*[:：、.．,，]?\s*"),
    ("section", rf"第\s*({_CN}|\d{{1,2}})\s*(?:章|节|篇|部分)\s*[:：、.．]?\s*"),
    ("cn-paren", rf"[(（]\s*({_CN})\s*[)）]\s*[、.．:：]?\s*"),
    ("ar-paren", r"[(（]\s*(\d{1,2})\s*[)）]\s*[、.．:：]?\s*"),
    ("ar-paren", r"([\u2474-\u2487])\s*"),  # ⑴ … ⒇
    ("cn-dun", rf"({_CN})\s*[、.．]\s*"),
    ("ar-dun", r"(\d{1,2})\s*、\s*"),
    ("ar-dot", r"(\d{1,2})\s*[.．](?!\d)\s*"),
    ("ar-dot", r"([\u2488-\u249b])\s*"),  # ⒈ … ⒛
    ("ar-rparen", r"(\d{1,2})\s*[)）]\s*"),
    ("circled", r"([\u2460-\u2473])\s*"),  # ① … ⑳
    ("ar-comma", rf"(\d{{1,2}})\s*[,，:：](?!\d){_CJK_NEXT}"),
    ("ar-bare", rf"(\d{{1,2}}){_NOT_UNIT}{_CJK_NEXT}"),
    ("latin", rf"([A-Za-z])(?:\s*[.、)）]\s*|{_CJK_NEXT})(?=[\u4e00-\u9fff])"),
)]


def _number(style: str, raw: str) -> int:
    if len(raw) == 1 and "\u2460" <= raw <= "\u2473":
        return ord(raw) - 0x245F
    if len(raw) == 1 and "\u2474" <= raw <= "\u2487":
        return ord(raw) - 0x2473
    if len(raw) == 1 and "\u2488" <= raw <= "\u249b":
        return ord(raw) - 0x2487
    if style == "latin":
        return ord(raw.lower()) - 96
    return cn_to_int(raw)


@dataclass
class _Marker:
    style: str
    num: int
    start: int
    end: int


def _match_marker(text: str, pos: int) -> _Marker | None:
    for style, rx in _MARKERS:
        m = rx.match(text, pos)
        if m and m.end() < len(text):
            return _Marker(style, _number(style, m.group(1)), pos, m.end())
    return None


# A marker inside a line may follow sentence-ending punctuation or a space.
_BOUNDARY = re.compile(r"[。；;！!？?：:）)」”\s]\s*")
_SENTENCE_END = re.compile(r"[。；;！!？?：:，,]")
_QUOTES = re.compile(r"“[^“”]*”|「[^「」]*」|『[^『』]*』")
# "一、客户接待管理1、客户推开…" / "… 篇31、 接待准备": a list glued to a short heading.
_GLUED_ONE = re.compile(r"1\s*[、.．]\s*(?=[^\d\s])")
_SENTENCE_PUNCT = re.compile(r"[。，,；;！!？?]")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")


def _heading_like(text: str, max_len: int = 30) -> bool:
    return (2 <= len(text) <= max_len and bool(_HAS_CJK.search(text))
            and not _SENTENCE_PUNCT.search(text) and text[0] not in "“\"「『")


class Tokenizer:
    """Splits lines into items; remembers the last number of each style to validate sequences."""

    def __init__(self) -> None:
        self.last: dict[str, int] = defaultdict(int)

    def _in_sequence(self, m: _Marker) -> bool:
        return m.num == 1 or m.num == self.last[m.style] + 1

    def _accept(self, m: _Marker) -> None:
        self.last[m.style] = m.num

    def split(self, line: Line) -> list[Item]:
        text = line.text
        cuts: list[tuple[int, _Marker | None]] = []
        cursor = 0
        m = _match_marker(text, 0)
        if m and (m.style not in WEAK or self._in_sequence(m)):
            self._accept(m)
            cuts.append((0, m))
            cursor = m.end
        else:
            cuts.append((0, None))
        # a heading with its list glued on: only in the first clause, only a list starting at 1
        first_stop = _SENTENCE_END.search(text, cursor)
        limit = first_stop.start() if first_stop else len(text)
        g = _GLUED_ONE.search(text, cursor, limit)
        if g and g.start() - cursor >= 4 and _heading_like(text[cursor:g.start()], 40):
            gm = _match_marker(text, g.start())
            if gm and gm.style in ("ar-dun", "ar-dot") and gm.num == 1:
                self._accept(gm)
                cuts.append((g.start(), gm))
                cursor = gm.end
        quotes = [(q.start(), q.end()) for q in _QUOTES.finditer(text)] if ("“" in text or "「" in text) else []
        for b in _BOUNDARY.finditer(text, cursor):
            p = b.end()
            if p >= len(text) or p <= cursor:
                continue
            if any(s < p < e for s, e in quotes):
                continue
            mm = _match_marker(text, p)
            if mm and mm.style != "ar-comma" and self._in_sequence(mm):
                self._accept(mm)
                cuts.append((p, mm))
                cursor = mm.end
        items: list[Item] = []
        for i, (start, mk) in enumerate(cuts):
            end = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
            body_start = mk.end if mk else start
            piece = text[body_start:end].strip()
            if not piece:
                continue
            if mk:
                items.append(Item([line.no], piece, mk.style, mk.num, marker=text[mk.start:mk.end].strip()))
            else:
                items.append(Item([line.no], piece))
        return items


_WS = re.compile(r"\s+")
DUP_MIN = 8
DUP_LONG = 30


def dedupe(items: list[Item]) -> tuple[list[Item], list[Item]]:
    """A passage repeated later (a page pasted twice, a summary repeating the list) is kept once.

    A long paragraph counts on its own; a short one only inside a run of repeats, because short
    lines such as "关键词:消除客户的疑虑。" legitimately recur in different procedures.
    """
    seen: set[str] = set()
    repeat: list[bool] = []
    for it in items:
        key = _WS.sub("", it.text)
        repeat.append(len(key) >= DUP_MIN and key in seen and it.style != "heading")
        seen.add(key)
    kept: list[Item] = []
    dropped: list[Item] = []
    for i, it in enumerate(items):
        long = len(it.text) >= DUP_LONG
        in_run = (i > 0 and repeat[i - 1]) or (i + 1 < len(items) and repeat[i + 1])
        echo = bool(kept) and _WS.sub("", kept[-1].text) == _WS.sub("", it.text)
        if repeat[i] and (long or in_run or echo):
            dropped.append(it)
        else:
            kept.append(it)
    return kept, dropped


def tokenize(lines: list[Line]) -> list[Item]:
    tok = Tokenizer()
    counters: dict[str, int] = {}
    items: list[Item] = []
    for line in lines:
        if line.heading:
            counters.clear()
            items.append(Item([line.no], line.text, "heading", heading=line.heading))
        elif line.list_key:
            items.append(Item([line.no], line.text, f"docx:{line.list_key}", line.list_no or 1))
        else:
            items.extend(tok.split(line))
    return items


_TERMINAL = tuple("。！？!?；;：:…」”\"）)")


def build_tree(items: list[Item], promoted_level: int = 1) -> Node:
    """Nest items by numbering style; unnumbered short lines that introduce a list become headings."""
    root = Node(None)
    stack: list[Node] = [root]
    # index of the next numbered item after i (for "does the open list continue?" look-ahead)
    nxt: list[int] = [-1] * len(items)
    following = -1
    for i in range(len(items) - 1, -1, -1):
        nxt[i] = following
        if items[i].style and items[i].style != "heading":
            following = i

    def find(style: str) -> int:
        for j in range(len(stack) - 1, 0, -1):
            if stack[j].style == style:
                return j
        return -1

    def continues_open_list(k: int) -> bool:
        if k < 0:
            return False
        j = find(items[k].style)
        return j > 0 and stack[j].item is not None and items[k].num == stack[j].item.num + 1

    def push_heading(node: Node) -> None:
        level = node.item.heading if node.item else 1
        while len(stack) > 1 and not (stack[-1].style == "heading" and stack[-1].item.heading < level):
            stack.pop()
        stack[-1].children.append(node)
        stack.append(node)

    for i, it in enumerate(items):
        node = Node(it)
        if it.style == "heading":
            push_heading(node)
            continue
        if it.style:
            j = find(it.style)
            rank = RANK.get(it.style, 0)
            if j < 0 or (it.num == 1 and j != len(stack) - 1 and RANK.get(stack[-1].style, 0) <= rank):
                while rank and len(stack) > 1 and RANK.get(stack[-1].style, 0) > rank:
                    stack.pop()
            else:
                del stack[j:]
            stack[-1].children.append(node)
            stack.append(node)
            continue
        nxt_item = items[i + 1] if i + 1 < len(items) else None
        if nxt_item is not None and _is_heading(it, nxt_item, stack[-1]) and not continues_open_list(nxt[i]):
            it.style, it.heading = "heading", promoted_level
            it.text = it.text.rstrip(":：").strip()
            push_heading(node)
            continue
        top = stack[-1]
        prev = top.children[-1] if top.children else None
        if (prev is not None and not prev.style and prev.item and not prev.item.text.endswith(_TERMINAL)
                and prev.item.nos[-1] + 1 == it.no):
            prev.item.text += it.text  # a sentence wrapped onto the next line
            prev.item.nos.append(it.no)
            continue
        top.children.append(node)
    return root


def _is_heading(it: Item, nxt: Item, top: Node) -> bool:
    text = it.text
    if text.endswith((":", "：")):
        # "工作流程:" introducing a new list is a heading; "…遵循以下原则:" right under a
        # numbered title (that has no items yet) is that title's introduction.
        short = text.rstrip(":：")
        return (_heading_like(short, 20) and nxt.style not in ("", "heading") and nxt.num == 1
                and (top.item is None or bool(top.structural())))
    if not _heading_like(text):
        return False
    if nxt.style == "heading" or not nxt.style:
        return True
    return nxt.num == 1 or nxt.style in HEADING_CLASS
