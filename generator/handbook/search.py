"""Repairs to Material's Chinese search, so what staff type finds the page they mean.

1. Index side: Material segments only runs of Han characters, so `4S店` is indexed as `4S` + `店`.
   ``segmenter`` returns a drop-in for its ``SearchIndex._segment_chinese`` that keeps our
   domain words that mix Latin letters or digits with Han (4S店, A类客户) as one term, and
   ``fine_cut`` cuts the long words jieba keeps whole (节日期间, 满意度) into the dictionary words
   inside them, so a query for 节日 or 满意 finds them (tags are not cut: they stay whole).
2. Query side: ``patch_search_worker`` puts generator/templates/handbook/search-query.js in front
   of the built worker and calls it where Material segments a typed Han run: the run is cut into
   the fewest words the index knows, stop words (怎么, 什么 …) are dropped, Latin is split from Han,
   synonyms (glossary aliases) are added, and only a single leftover character gets a wildcard.
3. Scoring: a word in a title or a tag counts 100 times one in the text (``FIELD_BOOSTS``; Material's
   1,000 and 1,000,000 let a common word in a title or a tag drown everything), a word of a
   procedure's aliases 50 times (an ``aliases`` field of its page's entry), and pages that list
   procedures (roles, domains, scenarios …) weigh less than a procedure (``HUB_BOOST``).
4. Size: ``compact_search_index`` rewrites the index as UTF-8 rather than ASCII escapes, with the
   query settings (stop words, synonyms) the worker reads at set-up.
5. Cost of a page view: Material's worker builds the lunr index at set-up, on every page a reader
   opens (about 0.4 CPU-s on a desktop, seconds on a phone), though most views never search;
   ``patch_search_worker`` makes it build at the first query with words instead.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from backrefs import bre  # what Material itself uses, for \p{script: Han}

log = logging.getLogger("mkdocs.plugins.playbook")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_CHAR = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$")
_HAN_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{3,}$")
_DOUBLE_ZWSP = re.compile("\u200b{2,}")
QUERY_JS = Path(__file__).resolve().parent.parent / "templates" / "handbook" / "search-query.js"
_MARK = "/* playbook: search query segmentation"
# Material's minified worker:
# e=e.replace(new RegExp("\\p{sc=Han}+","gu"),s=>[...fe(s,this.index.invertedIndex)].join("* "))
_WORKER_CALL = re.compile(
    r'(\w+)=\1\.replace\((?:new RegExp\("\\\\p\{sc=Han\}\+","gu"\)|/\\p\{sc=Han\}\+/gu),(\w+)=>'
    r'\[\.\.\.\w+\(\2,this\.index\.invertedIndex\)\]\.join\("\* "\)\)')
_PATCHED_CALL = re.compile(r"(\w+)=playbookSearchQuery\(\1,this\.index\.invertedIndex\)")
WORKER_CHANGED = ("playbook: Material's search worker no longer has the Chinese query segmentation "
                  "generator/handbook/search.py replaces (_WORKER_CALL); typed Chinese such as 三件套 or "
                  "客户投诉怎么处理 would not be found well. Update the pattern for this Material release.")
# Material's minified worker, at set-up (message type 0): case 0:return yield Ie(t.data.config),de=new U(t.data),{type:1}
_WORKER_SETUP = re.compile(r"(case 0:return yield \w+\((\w+)\.data\.config\),)(\w+)=new (\w+)\(\2\.data\)(,\{type:1\})")
_PATCHED_SETUP = re.compile(r"case 0:return yield \w+\((\w+)\.data\.config\),\w+=playbookLazyIndex\(\(\)=>new \w+\(\1\.data\)\)")
WORKER_SETUP_CHANGED = ("playbook: Material's search worker no longer builds its index where "
                        "generator/handbook/search.py defers it (_WORKER_SETUP); every page view would build "
                        "the whole search index again, a reader's phone paying seconds for it. Update the "
                        "pattern for this Material release.")
FIELD_BOOSTS = {"title": 100.0, "tags": 100.0, "aliases": 50.0}
"""Weight of a match in a title or a tag, and in a procedure's alias (what staff also call it: a
second title, in their words), against one in the text (1), unless mkdocs.yml sets it."""
HUB_BOOST = 0.3
"""Weight of a page that lists procedures (roles, domains, scenarios …) relative to a procedure."""


def mixed_words(words: Iterable[str]) -> list[str]:
    """Domain words with Han and non-Han characters (Material would split them), longest first."""
    mixed = {w for w in words if _HAN.search(w) and not all(_HAN.match(ch) for ch in w)}
    return sorted(mixed, key=lambda w: (-len(w), w))


def cheapest_cut(word: str, cost: Callable[[str], tuple[int, ...] | None], whole: bool = True,
                 ) -> tuple[list[str], tuple[int, ...]] | None:
    """``word`` cut into the pieces whose summed ``cost`` (a tuple per piece, compared in order; None:
    not a piece) is least, with that sum; None when no cut exists. ``whole`` False: the word itself
    is not one of its pieces. The first of equal cuts (shortest first piece) wins."""
    n = len(word)
    best: list[tuple[tuple[int, ...], int] | None] = [((), -1)] + [None] * n  # (sum, start of last piece)
    for i in range(n):
        if best[i] is None:
            continue
        total = best[i][0]  # type: ignore[index]
        for j in range(i + 1, n + 1 if whole or i else n):
            piece = cost(word[i:j])
            if piece is None:
                continue
            new = tuple(a + b for a, b in zip(total, piece, strict=True)) if total else piece
            if best[j] is None or new < best[j][0]:  # type: ignore[index]
                best[j] = (new, i)
    if best[n] is None:
        return None
    pieces: list[str] = []
    at = n
    while at > 0:
        start = best[at][1]  # type: ignore[index]
        pieces.insert(0, word[start:at])
        at = start
    return pieces, best[n][0]  # type: ignore[index]


def fine_cut(cut: Callable[[str], Iterable[str]], freq: Mapping[str, int],
             keep: Iterable[str] = ()) -> Callable[[str], list[str]]:
    """``cut`` (jieba), with every Han word of 3+ characters cut again into the dictionary words
    (``freq``: jieba's) inside it: fewest single characters left, then fewest pieces, until no
    piece has a shorter dictionary word in it (节日期间 -> 节日 期间, 客户满意度 -> 客户 满意 度).
    A word of ``keep`` (the domain words) is cut only into words, never down to a character:
    五项确认 -> 五项 确认, but 三件套 stays whole."""
    domain = frozenset(keep)

    @cache
    def split(word: str) -> tuple[str, ...]:
        if not _HAN_WORD.match(word):
            return (word,)
        # (single characters, pieces): a character always; a longer piece if jieba knows it
        found = cheapest_cut(word, lambda p: (1, 1) if len(p) == 1 else (0, 1) if freq.get(p, 0) > 0 else None,
                             whole=False)
        if found is None:
            return (word,)
        pieces, (singles, _count) = found
        if singles == len(word) or (singles and word in domain):  # keep it whole
            return (word,)
        return tuple(p for piece in pieces for p in split(piece))

    def fine(text: str) -> list[str]:
        return [p for word in cut(text) for p in split(word)]

    return fine


def segmenter(words: Iterable[str], cut: Callable[[str], Iterable[str]]) -> Callable[[str], str]:
    """Material's ``_segment_chinese`` (Han runs cut by ``cut``, joined and surrounded by U+200B),
    except that the given mixed words stay whole, and each distinct run is cut once."""
    keep = mixed_words(words)
    han = bre.compile(r"\p{script: Han}+", bre.UNICODE)
    alternatives = [bre.escape(w) for w in keep] + [r"\p{script: Han}+"]
    expr = bre.compile("(" + "|".join(alternatives) + ")", bre.UNICODE | bre.IGNORECASE)
    kept = {w.lower() for w in keep}
    # A run of Han characters is cut the same way wherever it appears, and runs recur a lot
    # (labels, step titles, clauses between punctuation: 43% of the runs of the shipped content).
    cuts: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        value = match.group(0)
        if value.lower() in kept:
            return "\u200b" + value + "\u200b"
        done = cuts.get(value)
        if done is None:
            done = cuts[value] = "\u200b" + "\u200b".join(cut(value)) + "\u200b"
        return done

    def segment(data: str) -> str:
        # Most texts hold none of the mixed words; then Material's plain Han pattern is enough
        # (several times faster than the alternation with IGNORECASE).
        lowered = data.lower()
        pattern = expr if any(w in lowered for w in kept) else han
        return _DOUBLE_ZWSP.sub("\u200b", pattern.sub(replace, data)).strip("\u200b")

    return segment


def patch_search_worker(site_dir: Path) -> bool:
    """Put our query segmentation in front of the built worker, call it where Material cuts a typed
    Han run, and build the index at the first query rather than at set-up. True if a worker was
    patched; a warning (a strict build fails) for each change that no longer fits Material's worker."""
    patched = query_found = setup_found = False
    for worker in sorted((site_dir / "assets" / "javascripts" / "workers").glob("search.*.js")):
        code = worker.read_text(encoding="utf-8")
        kept = code.startswith(_MARK) and _PATCHED_CALL.search(code)  # a dirty rebuild kept it
        if not kept:
            code, n = _WORKER_CALL.subn(lambda m: f"{m.group(1)}=playbookSearchQuery({m.group(1)},"
                                                  "this.index.invertedIndex)", code)
            if n != 1:
                continue
            code = QUERY_JS.read_text(encoding="utf-8") + "\n" + code
        code, lazy = _WORKER_SETUP.subn(lambda m: f"{m.group(1)}{m.group(3)}=playbookLazyIndex("
                                                  f"()=>new {m.group(4)}({m.group(2)}.data)){m.group(5)}", code)
        if lazy or not kept:
            worker.write_text(code, encoding="utf-8")
            patched = True
        query_found = True
        setup_found = setup_found or bool(_PATCHED_SETUP.search(code))
    if not query_found:
        log.warning(WORKER_CHANGED)  # strict builds (CI) fail here on a Material upgrade
    elif not setup_found:
        log.warning(WORKER_SETUP_CHANGED)
    return patched


def alias_words(alias: str, words: Iterable[str]) -> list[str]:
    """``alias`` cut into the fewest of ``words`` (the terms of the page's text, where the
    "也叫：…" line has it segmented as the index does), or whole if they do not cover it."""
    known = {w.lower() for w in words if w}
    word = alias.lower()
    found = cheapest_cut(word, lambda p: (1,) if p in known else None)
    return found[0] if found is not None else [word]


def _add_aliases(data: dict[str, Any], aliases: Mapping[str, Iterable[str]]) -> None:
    """A procedure's aliases as the ``aliases`` field of its page's first entry (a second title,
    ``FIELD_BOOSTS``; never shown: Material shows title, text and tags): each word once, only
    the words its title lacks (修车接待 adds 修车 to 汽车维修前台接待流程) and no single character
    (的, or 卖 of 卖车 that jieba leaves apart), so an alias brings the page the words staff say
    without counting its title twice."""
    separator = re.compile(data["config"].get("separator") or r"[\s\u200b]+")
    for doc in data["docs"]:
        location = doc.get("location", "")
        page = location.removesuffix("/").removesuffix(".html")  # procedures/x.html or procedures/x/
        page_aliases = None if "#" in location else aliases.get(page)
        if page_aliases:
            title = {w.lower() for w in separator.split(doc.get("title", ""))}
            words = separator.split(doc.get("text", ""))
            pieces = dict.fromkeys(p for alias in page_aliases for p in alias_words(alias, words))
            added = [p for p in pieces if p not in title and not _HAN_CHAR.match(p)]
            if added:
                doc["aliases"] = "\u200b".join(added)


def compact_search_index(site_dir: Path, settings: Mapping[str, Any] | None = None,
                         aliases: Mapping[str, list[str]] | None = None) -> None:
    """Material writes the index with every Chinese character as a 6-byte \\uXXXX escape; write it
    as UTF-8 (3 bytes) without spaces, so a phone downloads about half as much. ``settings`` (stop
    words, synonym groups: ``searchwords.query_settings``) go in its config for the worker; the
    procedures' ``aliases`` (by page, ``searchwords.page_aliases``) go in their pages' entries."""
    path = site_dir / "search" / "search_index.json"
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        _add_aliases(data, aliases or {})
        if settings is not None:
            data["config"]["playbook"] = dict(settings)
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
