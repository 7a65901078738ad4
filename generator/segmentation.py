"""jieba, ready to cut Chinese text, with its dictionary loaded four times faster than it loads itself.

jieba keeps its prefix dictionary (about 500 000 entries) in a marshal cache and reads it with
``marshal.load`` on an open file, which calls the file once per entry: 1.4 s at the start of every
process that cuts a word (`playbook quiz`, `build`, `serve`). Reading the cache's bytes at once and
``marshal.loads`` them gives the same dictionary in 0.35 s. Only jieba's own default-dictionary
cache is read this way; without one (the first run on a machine), or when it is unreadable, jieba
builds and writes it as usual.
"""

from __future__ import annotations

import logging
import marshal
import tempfile
from pathlib import Path

import jieba


def jieba_ready() -> jieba.Tokenizer:
    """jieba's default tokenizer, initialised and quiet (it logs its loading at INFO)."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.dt
    if not tokenizer.initialized and tokenizer.dictionary == jieba.DEFAULT_DICT and not tokenizer.cache_file:
        cache = Path(tokenizer.tmp_dir or tempfile.gettempdir()) / "jieba.cache"
        with tokenizer.lock:
            try:
                freq, total = marshal.loads(cache.read_bytes())
            except (OSError, ValueError, EOFError, TypeError):
                pass  # jieba rebuilds it below
            else:
                if isinstance(freq, dict) and isinstance(total, int) and freq:
                    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
    tokenizer.check_initialized()
    return tokenizer
