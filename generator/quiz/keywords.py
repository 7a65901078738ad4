"""Key words of a 规范用语 for cloze questions when the author did not mark ``blanks``."""

from __future__ import annotations

import re

from ..segmentation import jieba_ready

_STOP = {"您好", "你好", "我们", "您的", "我的", "这个", "那个", "一下", "什么", "可以", "如果", "因为", "所以",
         "还是", "或者", "然后", "已经", "没有", "不是", "就是", "一个", "先生", "女士", "小姐", "某某", "某某某"}
_PUNCT = re.compile(r"[\s,.!?;:，。！？；：、（）()“”\"'‘’…—\-《》<>【】\[\]]+")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_cache: dict[str, tuple[str, ...]] = {}


def segments(text: str) -> list[str]:
    """Pieces of text between punctuation."""
    return [s for s in _PUNCT.split(text) if s]


def words(text: str) -> tuple[str, ...]:
    """Chinese words of 2–4 characters, most telling (longest) first, stop words left out."""
    if text in _cache:
        return _cache[text]
    found: list[tuple[int, int, str]] = []
    for pos, w in enumerate(jieba_ready().lcut(text, HMM=False)):
        if 2 <= len(w) <= 4 and _CJK.match(w) and w not in _STOP and "某" not in w:
            found.append((-len(w), pos, w))
    out = tuple(dict.fromkeys(w for _, _, w in sorted(found)))
    _cache[text] = out
    return out


def blank_words(text: str, blanks: tuple[str, ...]) -> tuple[str, ...]:
    """The words to blank in a phrase: the author's ``blanks``, else the first key word."""
    if blanks:
        return blanks
    ws = words(text)
    return ws[:1]
