"""Reading and tidying source lines: encodings, web clutter, duplicates, Traditional -> Simplified."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Line:
    """One source line (a .txt line, or a .docx paragraph) with where it came from."""

    no: int
    text: str
    heading: int = 0
    """docx heading level (1 = Heading 1); 0 for ordinary paragraphs and all .txt lines."""
    list_key: str = ""
    """docx list level key (same key = same outline level); empty when not a Word list item."""
    list_no: int = 0


@dataclass
class Cleaned:
    lines: list[Line]
    clutter: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    traditional: bool = False
    converted: int = 0
    encoding: str = "utf-8"


# ---- reading -------------------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used; never raises (undecodable bytes become U+FFFD, later dropped)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace"), "utf-8 (有无法识别的字节 / undecodable bytes)"


def read_text(path: Path) -> tuple[list[Line], str]:
    text, encoding = decode(path.read_bytes())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [Line(i, t) for i, t in enumerate(text.split("\n"), start=1)], encoding


# ---- tidying -------------------------------------------------------------------------------------

_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd\ufffe\uffff\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
# spaces next to CJK punctuation are layout residue ("仪容、 仪表", "(1 ) 询问")
_PUNCT_SPACE = re.compile(r"\s*([，、。；：！？,;:!?）)」”])\s*")
_OPEN_SPACE = re.compile(r"([（(「“])\s+")


_MARKDOWN = re.compile(r"^#{1,6}\s+|\*\*|__")


def tidy(text: str) -> str:
    text = _INVISIBLE.sub("", text)
    text = _MARKDOWN.sub("", text.strip())
    text = _SPACES.sub(" ", text)
    text = _PUNCT_SPACE.sub(r"\1", text)
    text = _OPEN_SPACE.sub(r"\1", text)
    return text.strip()


_CLUTTER = [re.compile(p) for p in (
    r"文档库\s*最新最全的文档下载",
    r"^当前位置[:：]",
    r"^-?\s*(?:格式|大小|文档页数|页数|下载积分|上传时间|上传者|浏览次数|下载次数|文档格式)\s*[:：]",
    r"\.(?:jpe?g|png|gif|bmp|webp|svg)\)?\]?$",
    r"^!\[[^\]]*\]\([^)]*\)$",
    r"^(?:相关文档|本文目录一览|猜你喜欢|热门推荐|推荐阅读|相关推荐|展开全文|阅读全文|收起)$",
    r"^文章TAG[:：]",
    r"^(?:上一篇|下一篇)",
    r"^https?://\S+$",
    r"^(?:第\s*\d+\s*页|\d+\s*/\s*\d+)$",
)]
_HAS_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def is_clutter(text: str) -> bool:
    """Web-page residue: download banners, image file names, file metadata, navigation links."""
    if not _HAS_WORD.search(text):
        return True
    return any(p.search(text) for p in _CLUTTER)


# ---- Traditional -> Simplified -------------------------------------------------------------------

_converter = None


def _t2s():
    global _converter
    if _converter is None:
        from opencc import OpenCC

        _converter = OpenCC("t2s")
    return _converter


@functools.cache
def traditional_only() -> frozenset[str]:
    """Characters that exist only in Traditional writing (OpenCC's t2s table, minus the ones such as
    著 or 乾 that are also correct Simplified and so prove nothing)."""
    import opencc

    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for row in table.read_text(encoding="utf-8").splitlines():
        key, _, values = row.partition("\t")
        if len(key) == 1 and key not in values.split():
            chars.add(key)
    return frozenset(chars)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def looks_traditional(lines: list[Line]) -> bool:
    """True when a noticeable share of the Chinese characters are Traditional-only."""
    trad = traditional_only()
    cjk = changed = 0
    for line in lines:
        cjk += len(_CJK.findall(line.text))
        changed += sum(ch in trad for ch in line.text)
    return changed >= 3 and changed / max(cjk, 1) > 0.03


def to_simplified(lines: list[Line]) -> int:
    """Convert, in place, the lines that contain Traditional characters; returns how many changed.

    One OpenCC call for all of them (it is much faster on one long text than on many short ones);
    Simplified lines in a mixed document are left exactly as written.
    """
    trad = traditional_only()
    todo = [line for line in lines if any(ch in trad for ch in line.text)]
    if not todo:
        return 0
    converted = _t2s().convert("\n".join(line.text for line in todo)).split("\n")
    if len(converted) != len(todo):  # never expected; stay correct if it happens
        converted = [_t2s().convert(line.text) for line in todo]
    for line, text in zip(todo, converted):
        line.text = text
    return len(todo)


# ---- duplicates ----------------------------------------------------------------------------------

_LEAD_LABEL = re.compile(r"^(?:导读|摘要|简介|内容提要|内容简介)\s*[:：]\s*")
_WS = re.compile(r"\s+")
CONTAINED_MIN = 20  # a long line whose text reappears just below is a teaser / page header
WINDOW = 60


def drop_duplicates(lines: list[Line]) -> tuple[list[Line], list[int]]:
    """Drop teasers (导读 …) that the text right below repeats (other repeats: outline.dedupe)."""
    compacts = [_WS.sub("", line.text) for line in lines]
    starts, pos = [], 0
    for c in compacts:
        starts.append(pos)
        pos += len(c)
    joined = "".join(compacts)
    kept: list[Line] = []
    dropped: list[int] = []
    for i, (line, c) in enumerate(zip(lines, compacts)):
        label = _LEAD_LABEL.match(c)
        if label and len(c) - label.end() >= CONTAINED_MIN and i + 1 < len(lines):
            end_idx = min(len(lines), i + 1 + WINDOW)
            end = starts[end_idx] if end_idx < len(lines) else len(joined)
            if joined.find(c[label.end():], starts[i] + len(c), end) != -1:
                dropped.append(line.no)
                continue
        kept.append(line)
    return kept, dropped


def clean(lines: list[Line], encoding: str = "utf-8") -> Cleaned:
    """Tidy every line, convert Traditional, drop clutter and duplicates (numbers kept for the report)."""
    out = Cleaned(lines=[], encoding=encoding)
    tidied = [Line(l.no, tidy(l.text), l.heading, l.list_key, l.list_no) for l in lines]
    tidied = [l for l in tidied if l.text]
    out.traditional = looks_traditional(tidied)
    if out.traditional:
        out.converted = to_simplified(tidied)
    useful: list[Line] = []
    for line in tidied:
        if is_clutter(line.text):
            out.clutter.append(line.no)
        else:
            useful.append(line)
    out.lines, out.duplicates = drop_duplicates(useful)
    return out
