"""Chinese search in Material's search plugin, set up for one build: our domain words as jieba's user
dictionary, the segmenter the index cuts with, field and hub boosts, and the worker and index
rewritten after the build (handbook/search.py holds the pieces; this wires them into MkDocs)."""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jieba

from ..content import Content
from ..segmentation import jieba_ready
from .search import FIELD_BOOSTS, HUB_BOOST, compact_search_index, fine_cut, patch_search_worker, segmenter
from .searchwords import domain_words, jieba_userdict, page_aliases, query_settings

_JIEBA_BASE: tuple[dict[str, int], int] | None = None


def _material_search(config: Any) -> Any:
    return config.plugins.get("material/search") or config.plugins.get("search")


def _pristine_jieba() -> None:
    """jieba's dictionary as it was before any user dictionary was loaded into this process.

    Loading a user dictionary only ever adds words and grows the total frequency, which changes
    how every text is cut; `playbook serve` loads ours on each rebuild, so without this its search
    index would drift away from what a fresh `playbook build` writes."""
    global _JIEBA_BASE
    jieba_ready()
    if _JIEBA_BASE is None:
        _JIEBA_BASE = (dict(jieba.dt.FREQ), jieba.dt.total)
    else:
        jieba.dt.FREQ, jieba.dt.total = dict(_JIEBA_BASE[0]), _JIEBA_BASE[1]


class SearchSetup:
    """What search needs from the content, kept from the plugin's on_config to its on_post_build."""

    def __init__(self) -> None:
        self.words: tuple[str, ...] = ()
        """The domain words search segments with (what every page's search entries depend on)."""
        self.settings: dict[str, Any] = {}
        """Stop words and synonym groups the search worker applies to a typed query."""
        self.aliases: dict[str, list[str]] = {}
        """Each procedure's aliases by page: extra words of its search entry."""
        self.hubs: frozenset[str] = frozenset()
        """Generated pages that list procedures (every one but the procedure pages): they weigh
        less in search than the procedure a query names."""
        self._dict_path: str | None = None

    def configure(self, config: Any, content: Content, hubs: Iterable[str]) -> None:
        """on_config: hand jieba our words through Material's ``jieba_dict_user`` and add our
        fields' boosts (no-op without Material's search plugin)."""
        search = _material_search(config)
        if search is None or not hasattr(search.config, "jieba_dict_user"):
            return
        _pristine_jieba()
        self.words = tuple(domain_words(content))
        self.settings = query_settings(content)
        self.aliases = page_aliases(content)
        self.hubs = frozenset(hubs)
        if isinstance(search.config.fields, dict):
            for name, boost in FIELD_BOOSTS.items():
                search.config.fields.setdefault(name, {"boost": boost})
        fd, path = tempfile.mkstemp(prefix="playbook-jieba-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(jieba_userdict(self.words))
        self.cleanup()
        self._dict_path = path
        search.config.jieba_dict_user = path

    def segment(self, config: Any) -> None:
        """on_pre_build (after Material's on_config made the index): cut Chinese our way."""
        index = getattr(_material_search(config), "search_index", None)
        if index is not None and hasattr(index, "_segment_chinese"):
            # Without HMM: a word jieba does not know is cut into its characters everywhere, as a
            # query is, instead of being guessed differently in different sentences.
            cut = functools.partial(jieba.cut, HMM=False)
            index._segment_chinese = segmenter(self.words, fine_cut(cut, jieba.dt.FREQ, self.words))

    def weigh(self, page: Any) -> None:
        """on_page_context: a page listing procedures weighs less (Material's ``search: boost``)."""
        if page.file.src_uri in self.hubs and isinstance(page.meta.get("search", {}), dict):
            page.meta.setdefault("search", {}).setdefault("boost", HUB_BOOST)

    def finish(self, site_dir: Path) -> None:
        """on_post_build: our query handling in the worker, the index made compact."""
        self.cleanup()
        patch_search_worker(site_dir)
        compact_search_index(site_dir, self.settings, self.aliases)

    def cleanup(self) -> None:
        """Remove the user dictionary file (after a build, or a failed one)."""
        if self._dict_path and os.path.exists(self._dict_path):
            os.unlink(self._dict_path)
        self._dict_path = None
