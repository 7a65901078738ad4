"""jieba_ready loads jieba's own dictionary cache, so words are cut exactly as jieba cuts them; with no
cache, or a damaged one, jieba builds it as usual. Each case runs in a fresh process with its own
temp folder (where jieba keeps the cache), so the machine's cache is never touched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # jieba builds its dictionary twice: ~8 s

REPO = Path(__file__).resolve().parents[2]

_DIGEST = """
import sys
import jieba
from generator.segmentation import jieba_ready
if sys.argv[1] == "ours":
    tokenizer = jieba_ready()
else:
    jieba.setLogLevel(60)
    jieba.initialize()
    tokenizer = jieba.dt
print(len(tokenizer.FREQ), tokenizer.total, hash(frozenset(tokenizer.FREQ.items())), "/".join(tokenizer.lcut("客户到店先递上三件套再做五项确认", HMM=False)))
"""


def _digest(how: str, tmp: Path) -> str:
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONHASHSEED="0")
    run = subprocess.run([sys.executable, "-c", _DIGEST, how], env=env, cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_the_dictionary_is_jiebas_own_with_no_cache_a_cache_and_a_damaged_cache(tmp_path: Path) -> None:
    cache = tmp_path / "jieba.cache"
    first = _digest("ours", tmp_path)  # no cache yet: jieba builds the dictionary and writes it
    assert cache.is_file()
    assert _digest("ours", tmp_path) == first  # read from the cache, at once
    assert _digest("jieba", tmp_path) == first  # what jieba itself loads from it
    whole = cache.stat().st_size
    cache.write_bytes(cache.read_bytes()[: whole // 2])
    assert _digest("ours", tmp_path) == first  # a cut-off cache: jieba rebuilds it
    assert cache.stat().st_size == whole
