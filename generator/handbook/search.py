"""Two small repairs to Material's Chinese search, so a typed word finds the page that has it.

1. Index side: Material segments only runs of Han characters, so `4S店` is indexed as `4S` + `店`.
   ``segmenter`` returns a drop-in for its ``SearchIndex._segment_chinese`` that keeps our
   domain words that mix Latin letters or digits with Han (4S店, A类客户) as one term.
2. Query side: the search worker splits a typed Han run into the longest words it finds in the
   index, but its loop stops one character short (``j < query.length``), so a whole word is
   never tried: 三件套 is searched as 三 + 件 + 套. ``patch_search_worker`` fixes that bound in the
   built worker (the one-character change Material's code needs).
3. Size: ``compact_search_index`` rewrites the index as UTF-8 rather than ASCII escapes.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.playbook")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Material's minified worker: for(let o=s+1;o<t.length;o++)t.slice(s,o)in e
_DOUBLE_ZWSP = re.compile("\u200b{2,}")
_WORKER_LOOP = re.compile(r"for\(let (\w+)=(\w+)\+1;\1<(\w+)\.length;\1\+\+\)\3\.slice\(\2,\1\)in ")
_PATCHED_LOOP = re.compile(r"for\(let (\w+)=(\w+)\+1;\1<=(\w+)\.length;\1\+\+\)\3\.slice\(\2,\1\)in ")
WORKER_CHANGED = ("playbook: Material's search worker no longer has the loop generator/handbook/search.py patches "
                  "(_WORKER_LOOP); typed Chinese words such as 三件套 would not be found. Update the pattern for this "
                  "Material release.")


def mixed_words(words: Iterable[str]) -> list[str]:
    """Domain words with Han and non-Han characters (Material would split them), longest first."""
    mixed = {w for w in words if _HAN.search(w) and not all(_HAN.match(ch) for ch in w)}
    return sorted(mixed, key=lambda w: (-len(w), w))


def segmenter(words: Iterable[str], cut: Callable[[str], Iterable[str]]) -> Callable[[str], str]:
    """Material's ``_segment_chinese`` (Han runs cut by jieba, joined and surrounded by U+200B),
    except that the given mixed words stay whole, and each distinct run is cut once."""
    from backrefs import bre  # what Material itself uses, for \\p{script: Han}

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
    """Let the worker try a whole typed word (fix its off-by-one). True if a worker was patched."""
    patched = found = False
    for worker in sorted((site_dir / "assets" / "javascripts" / "workers").glob("search.*.js")):
        code = worker.read_text(encoding="utf-8")
        fixed, n = _WORKER_LOOP.subn(lambda m: m.group(0).replace(f"{m.group(1)}<", f"{m.group(1)}<=", 1), code)
        if n == 1:
            worker.write_text(fixed, encoding="utf-8")
            patched = found = True
        elif _PATCHED_LOOP.search(code):  # a dirty rebuild kept the worker patched earlier
            found = True
    if not found:
        log.warning(WORKER_CHANGED)  # strict builds (CI) fail here on a Material upgrade
    return patched


def compact_search_index(site_dir: Path) -> None:
    """Material writes the index with every Chinese character as a 6-byte \\uXXXX escape; write it
    as UTF-8 (3 bytes) without spaces, so a phone downloads about half as much."""
    path = site_dir / "search" / "search_index.json"
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
