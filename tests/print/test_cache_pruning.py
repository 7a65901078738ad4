"""The print cache is pruned: kept under a size cap by dropping the least recently used entries,
rid of entries unused for a long time, without touching a writer's temporary file, files that are
not its own, or anything when the cache is off; pruning never fails a build."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.print import cache as print_cache
from generator.print import documents
from tests.conftest import bound_by_permissions

REPO = Path(__file__).resolve().parents[2]
DAY = 86400
KB = 1024


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv("PLAYBOOK_CACHE", str(folder))
    monkeypatch.delenv("PLAYBOOK_CACHE_MAX_MB", raising=False)
    monkeypatch.delenv("PLAYBOOK_CACHE_MAX_DAYS", raising=False)
    return folder


def _entry(cache: Path, name: str, size: int, age_days: float, folder: str | None = None,
           suffixes: tuple[str, ...] = (".pdf",)) -> list[Path]:
    """A real entry file (or a sheet layer's .png + .sha256 pair) last used ``age_days`` ago."""
    key = hashlib.sha256(name.encode()).hexdigest()
    where = cache / (folder or key[:2])
    where.mkdir(parents=True, exist_ok=True)
    stamp = time.time() - age_days * DAY
    paths = []
    for suffix in suffixes:
        path = where / f"{key}{suffix}"
        path.write_bytes(b"x" * (size // len(suffixes)))
        os.utime(path, (stamp, stamp))
        paths.append(path)
    return paths


def _size(cache: Path) -> int:
    return sum(p.stat().st_size for p in cache.rglob("*") if p.is_file() and not p.name.startswith("."))


def test_a_cache_over_the_cap_keeps_the_most_recently_used(cache: Path) -> None:
    # 20 entries of 10 KB, entry i last used i days ago; the cap is 100 KB.
    entries = [_entry(cache, f"e{i}", 10 * KB, age_days=i + 0.5)[0] for i in range(20)]
    result = print_cache.prune_cache(max_bytes=100 * KB)
    assert _size(cache) <= 100 * KB and result.kept == _size(cache)
    kept = [p.exists() for p in entries]
    assert kept == sorted(kept, reverse=True)  # everything kept is newer than everything removed
    assert kept[:9] == [True] * 9 and not any(kept[10:])  # down to 90% of the cap
    assert result.removed == 20 - sum(kept)
    assert print_cache.prune_cache(max_bytes=100 * KB).removed == 0  # under the cap: nothing more


def test_the_cap_comes_from_the_environment(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entries = [_entry(cache, f"e{i}", 100 * KB, age_days=i + 0.5)[0] for i in range(12)]
    monkeypatch.setenv("PLAYBOOK_CACHE_MAX_MB", "0.5")
    print_cache.prune_cache()
    assert _size(cache) <= 512 * KB and [p.exists() for p in entries] == [True] * 4 + [False] * 8
    monkeypatch.setenv("PLAYBOOK_CACHE_MAX_MB", "lots")  # not a number: the default, no failure
    assert print_cache.cache_limits() == (print_cache.DEFAULT_MAX_MB * 1024 * 1024, print_cache.DEFAULT_MAX_DAYS * DAY)


def test_an_entry_unused_for_long_goes(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _entry(cache, "old", KB, age_days=61)[0]
    recent = _entry(cache, "recent", KB, age_days=59)[0]
    layer = _entry(cache, "layer", 2 * KB, age_days=90, folder="sheet-layers", suffixes=(".png", ".sha256"))
    quiz = _entry(cache, "quiz", KB, age_days=61, folder="quiz", suffixes=(".bundle",))[0]
    result = print_cache.prune_cache()
    assert not old.exists() and recent.exists() and not quiz.exists()
    assert not any(p.exists() for p in layer)  # a sheet layer goes with its checksum
    assert result.removed == 3
    monkeypatch.setenv("PLAYBOOK_CACHE_MAX_DAYS", "30")
    print_cache.prune_cache()
    assert not recent.exists()


DOCUMENT = documents.TypstDocument.of("checklist.typ", {
    "size": "a4", "title": "接车检查", "weekdays": [], "checklists": [{
        "id": "x", "title": "接车检查", "kind": "检查表", "summary": "", "role_line": "", "domain": "", "date": "",
        "digest": "", "running": "接车检查", "daily": False, "must": [], "never": [], "notes": [], "steps": []}]})


def test_an_entry_served_recently_survives(cache: Path) -> None:
    assert not documents.print_document(DOCUMENT).cached
    [served] = cache.rglob("*.pdf")
    long_ago = time.time() - 70 * DAY
    os.utime(served, (long_ago, long_ago))
    # Newer entries that were not used since; then the old entry is served from the cache.
    others = [_entry(cache, f"e{i}", served.stat().st_size, age_days=10 + i)[0] for i in range(3)]
    assert documents.print_document(DOCUMENT).cached
    print_cache.prune_cache(max_bytes=served.stat().st_size * 3)
    assert served.exists()  # served just now: the most recently used, neither too old nor evicted
    assert [p.exists() for p in others] == [True, False, False]


def test_a_writers_temporary_file_is_left_alone(cache: Path) -> None:
    entry = _entry(cache, "done", KB, age_days=1)[0]
    key = hashlib.sha256(b"being written").hexdigest()
    writing = entry.parent / f".{key}.pdf-k2j4.part"  # write_atomic's temporary name, still being written
    writing.write_bytes(b"%PDF half")
    crashed = entry.parent / f".{key}.pdf-zz91.part"  # left two days ago by a writer that crashed
    crashed.write_bytes(b"%PDF half")
    os.utime(crashed, (time.time() - 2 * DAY,) * 2)
    print_cache.prune_cache(max_bytes=0)
    assert not entry.exists() and writing.read_bytes() == b"%PDF half" and not crashed.exists()


def test_files_that_are_not_entries_are_never_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "shared"  # PLAYBOOK_CACHE pointed at a folder that holds other files
    monkeypatch.setenv("PLAYBOOK_CACHE", str(folder))
    (folder / "ab").mkdir(parents=True)
    mine = _entry(folder, "mine", KB, age_days=100)[0]
    notes = [folder / "notes.pdf", folder / "ab" / "report.pdf", folder / "ab" / ("0" * 64 + ".docx")]
    for path in notes:
        path.write_bytes(b"keep me")
        os.utime(path, (time.time() - 100 * DAY,) * 2)
    print_cache.prune_cache(max_bytes=0)
    assert not mine.exists() and all(p.exists() for p in notes)


def test_off_does_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    default = tmp_path / "xdg" / "playbook" / "printables"
    default.mkdir(parents=True)
    entry = _entry(default, "old", KB, age_days=100)[0]
    monkeypatch.setenv("PLAYBOOK_CACHE", "off")
    assert print_cache.prune_cache(max_bytes=0) == print_cache.Pruned()
    assert entry.exists() and sorted(p.name for p in default.iterdir()) == [entry.parent.name]


def test_another_process_pruning_means_skip_not_fail(cache: Path) -> None:
    import fcntl

    entry = _entry(cache, "old", KB, age_days=100)[0]
    with open(cache / ".prune.lock", "a+b") as held:  # another process is in the middle of a pass
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert print_cache.prune_cache(max_bytes=0).skipped
        assert entry.exists()
    assert print_cache.prune_cache(max_bytes=0).removed == 1 and not entry.exists()


def test_concurrent_passes_do_not_fail(cache: Path) -> None:
    """Passes racing over the same entries (the lock bypassed) each tolerate the others' removals."""
    for i in range(300):
        _entry(cache, f"e{i}", KB, age_days=i / 100)
    code = ("import time; from generator.print import cache as print_cache; "
            "print_cache._prune(print_cache.cache_dir(), 100 * 1024, 60 * 86400, time.time())")
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=dict(os.environ)) for _ in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    assert _size(cache) <= 100 * KB


@pytest.mark.skipif(os.name != "posix", reason="folder permissions as POSIX has them")
def test_an_entry_that_cannot_be_removed_does_not_fail(cache: Path) -> None:
    """A pass (a process that permissions bind, even as root) cannot remove an entry in a read-only
    folder: it removes the others, reports them, and does not fail."""
    stuck = _entry(cache, "stuck", KB, age_days=100)[0]
    free = _entry(cache, "free", KB, age_days=100)[0]
    assert stuck.parent != free.parent
    stuck.parent.chmod(0o555)
    code = "from generator.print import cache as c; print(c.prune_cache(max_bytes=0).removed)"
    try:
        run = subprocess.run(bound_by_permissions([sys.executable, "-c", code]), cwd=REPO, env=dict(os.environ),
                             capture_output=True, text=True, timeout=120)
    finally:
        stuck.parent.chmod(0o755)
    assert run.returncode == 0, run.stderr
    assert stuck.exists() and not free.exists() and run.stdout.split() == ["1"]


def test_a_process_that_wrote_prunes_once_when_it_exits(cache: Path) -> None:
    """Writing does not scan the folder; the process prunes when it ends (here: tiny cap)."""
    olds = [_entry(cache, f"old{i}", 20 * KB, age_days=5 + i)[0] for i in range(10)]
    code = ("from generator.print import cache as print_cache\n"
            "for i in range(3):\n"
            "    key = print_cache.hashlib.sha256(str(i).encode()).hexdigest()\n"
            "    entry = print_cache._entry(print_cache.cache_dir(), key)\n"
            "    print_cache._write_entry(entry, print_cache.Printed(b'%PDF' * 256, 1))\n"
            "assert len(list(print_cache.cache_dir().rglob('*.pdf'))) == 13  # nothing pruned while writing\n")
    env = dict(os.environ, PLAYBOOK_CACHE_MAX_MB="0.1")  # 100 KB; a pass every 10 KB written
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert _size(cache) <= 100 * KB
    written = [p for p in cache.rglob("*.pdf") if p not in olds]
    assert len(written) == 3  # the newest entries are the ones kept
    assert [p.exists() for p in olds] == [True] * 4 + [False] * 6


def test_other_entries_are_checked_on_read_and_pruned_with_the_pdfs(cache: Path, monkeypatch) -> None:
    key = hashlib.sha256(b"a quiz").hexdigest()
    print_cache.write_blob("quiz", key, b"files")
    [path] = (cache / "quiz").iterdir()
    assert print_cache.read_blob("quiz", key) == b"files"
    path.write_bytes(path.read_bytes()[:-1] + b"S")  # same length, other bytes
    assert print_cache.read_blob("quiz", key) is None and not path.exists()  # never served, removed
    print_cache.write_blob("quiz", key, b"files")
    os.utime(path, (time.time() - 100 * DAY,) * 2)
    assert print_cache.prune_cache().removed == 1 and not path.exists()
    with pytest.raises(ValueError):
        print_cache.read_blob("../elsewhere", key)
    monkeypatch.setenv("PLAYBOOK_CACHE", "off")
    print_cache.write_blob("quiz", key, b"files")
    assert print_cache.read_blob("quiz", key) is None and not path.exists()
