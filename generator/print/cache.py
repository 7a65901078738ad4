"""The print cache: laid-out PDFs (and a few other outputs worth keeping between builds: a quiz's
files, what the last commits changed for 最近更新) under a key that names exactly what they are made
from, so a rebuild after a one-line edit lays out only what that line touches.

Each entry carries the SHA-256 of its bytes, checked on every read: a truncated or damaged entry is
made again, never served. Location: ``$PLAYBOOK_CACHE`` (a folder), else
``$XDG_CACHE_HOME/playbook/printables`` (``~/.cache/…``); ``PLAYBOOK_CACHE=off`` turns it off.

The cache is pruned (:func:`prune_cache`): a process that wrote entries trims the folder once when it
exits — entries unused for ``PLAYBOOK_CACHE_MAX_DAYS`` (60) go, then the least recently used ones
while it is over ``PLAYBOOK_CACHE_MAX_MB`` (500). Serving an entry marks it used (its mtime).
Personal data (trainee names, scores) is never put here.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from .publish import write_atomic

_MAGIC = b"PLAYBOOK-PDF1"


@dataclass(frozen=True)
class Printed:
    """A PDF and its page count; ``cached`` tells whether it came from the cache."""

    data: bytes
    pages: int
    cached: bool = False


def cache_dir() -> Path | None:
    """Where PDFs are kept, or None when ``PLAYBOOK_CACHE=off``."""
    setting = os.environ.get("PLAYBOOK_CACHE", "").strip()
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "playbook" / "printables"


def _entry(directory: Path, key: str) -> Path:
    return directory / key[:2] / f"{key}.pdf"


def _verified(path: Path, magic: bytes) -> tuple[bytes, bytes] | None:
    """(data, the header's last field) of an entry whose header and SHA-256 match, else None
    (missing, truncated, damaged). An entry is ``<magic> <sha256 of data> <field>\\n<data>``."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head, sep, data = raw.partition(b"\n")
    fields = head.split(b" ")
    if not sep or len(fields) != 3 or fields[0] != magic or hashlib.sha256(data).hexdigest().encode() != fields[1]:
        return None
    return data, fields[2]


def _read_entry(path: Path) -> Printed | None:
    """A verified PDF entry (its field: the page count), or None: the caller renders it again."""
    entry = _verified(path, _MAGIC)
    if entry is None or not entry[1].isdigit():
        return None
    return Printed(entry[0], int(entry[1]), cached=True)


def _write_entry(path: Path, printed: Printed) -> None:
    head = b" ".join([_MAGIC, hashlib.sha256(printed.data).hexdigest().encode(), str(printed.pages).encode()])
    try:  # a cache never fails a build
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, head + b"\n" + printed.data)
    except OSError:
        return
    _wrote(path.parent.parent, len(printed.data))


def _take(path: Path | None) -> Printed | None:
    """The verified entry at path, marked used; a stale or damaged one is dropped (rendered again)."""
    if path is None:
        return None
    hit = _read_entry(path)
    if hit is not None:
        touch(path)
        return hit
    if path.exists():
        try:
            path.unlink()
        except OSError:
            pass
    return None


def cache_get(key: str) -> Printed | None:
    """The verified PDF entry under ``key`` (a SHA-256 hex digest of what the PDF is made from),
    marked used; None when the cache is off or has no whole entry."""
    directory = cache_dir()
    if directory is None or not _KEY.match(key):
        return None
    return _take(_entry(directory, key))


def cache_put(key: str, printed: Printed) -> None:
    """Keep a PDF under ``key`` (see :func:`cache_get`); a cache that cannot be written is skipped."""
    directory = cache_dir()
    if directory is not None and _KEY.match(key):
        _write_entry(_entry(directory, key), printed)


# Other entries than PDFs (a quiz's outputs): bytes under a name in a folder of the cache, with the
# same SHA-256 check on read, the same atomic writes and the same pruning.

_BLOB_MAGIC = b"PLAYBOOK-BLOB1"
BLOB_FOLDERS = ("quiz", "history")
"""The folders such entries may live in (pruning looks there too)."""
_KEY = re.compile(r"^[0-9a-f]{64}$")


GENERATOR_DIR = Path(__file__).resolve().parents[1]


def code_identity() -> str:
    """What a cached result computed by Playbook depends on besides its input: the generator's own
    source and templates (its version with them), the installed packages and Python. Read afresh
    each time (about 10 ms): a template edited under a running ``playbook serve`` counts."""
    digest = hashlib.sha256()
    for path in sorted(GENERATOR_DIR.rglob("*")):
        if "__pycache__" in path.parts or path.suffix == ".pyc" or not path.is_file():
            continue
        digest.update(f"\x00{path.relative_to(GENERATOR_DIR).as_posix()}\x00".encode())
        digest.update(path.read_bytes())
    installed = set()
    for folder in sys.path:
        try:
            installed.update(n for n in os.listdir(folder or ".") if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return "\n".join([f"generator={__version__}:{digest.hexdigest()}", *sorted(installed), f"python={sys.version}"])


def _blob(folder: str, key: str) -> Path | None:
    directory = cache_dir()
    if directory is None:
        return None
    if folder not in BLOB_FOLDERS or not _KEY.match(key):
        raise ValueError(f"not a cache entry name: {folder}/{key}")
    return directory / folder / f"{key}.bundle"


def read_blob(folder: str, key: str) -> bytes | None:
    """A verified entry, or None (off, missing, truncated, damaged: a damaged one is removed).
    Serving it marks it used."""
    path = _blob(folder, key)
    if path is None:
        return None
    entry = _verified(path, _BLOB_MAGIC)
    if entry is not None and entry[1] == str(len(entry[0])).encode():
        touch(path)
        return entry[0]
    drop_blob(folder, key)
    return None


def write_blob(folder: str, key: str, data: bytes) -> None:
    """Keep bytes under ``folder/key`` (all or nothing; a cache that cannot be written is skipped)."""
    path = _blob(folder, key)
    if path is None:
        return
    head = b" ".join([_BLOB_MAGIC, hashlib.sha256(data).hexdigest().encode(), str(len(data)).encode()])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, head + b"\n" + data)
    except OSError:
        return
    _wrote(path.parent.parent, len(data))


def drop_blob(folder: str, key: str) -> None:
    """Remove an entry that must not be served again."""
    path = _blob(folder, key)
    if path is not None:
        try:
            path.unlink()
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------
# Pruning: every edit adds entries, so the cache is trimmed to a size cap (least recently used
# entries go first) and forgets entries nobody has used for a long time.

DEFAULT_MAX_MB = 500
"""Size cap of the cache folder (``PLAYBOOK_CACHE_MAX_MB``)."""
DEFAULT_MAX_DAYS = 60
"""Entries unused for longer are removed (``PLAYBOOK_CACHE_MAX_DAYS``)."""
LOW_WATER = 0.9
"""Over the cap, pruning goes down to this share of it, so the next builds do not prune again."""
PRUNE_EVERY = 0.1
"""A long process (``playbook serve``) also prunes after writing this share of the cap."""
ORPHAN_SECONDS = 24 * 3600
"""A writer's temporary file this old is left over from a crash (a live one is seconds old)."""

_ENTRY_NAME = re.compile(r"^[0-9a-f]{64}\.(?:pdf|png|sha256|bundle)$")
_TEMP_NAME = re.compile(r"^\..+\.part$")  # write_atomic's temporary files
# sheet-layers/ (.png + .sha256) held the answer sheets' ring pictures before they were laid out by
# Typst: still recognised, so old entries age out instead of staying forever.
_SUBFOLDER = re.compile("|".join([r"^[0-9a-f]{2}$", r"^sheet-layers$", *(f"^{re.escape(f)}$" for f in BLOB_FOLDERS)]))
_LOCK_NAME = ".prune.lock"
_STAMP_NAME = ".pruned"


@dataclass(frozen=True)
class Pruned:
    """What one pruning pass did; ``skipped`` when another process was pruning the same folder."""

    removed: int = 0
    freed: int = 0
    kept: int = 0
    skipped: bool = False


def _setting(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, "").strip() or default)
    except ValueError:
        return float(default)
    return value if 0 <= value < 1e12 else float(default)  # not negative, NaN or infinite


def cache_limits() -> tuple[int, float]:
    """(size cap in bytes, longest time unused in seconds) from the environment; a value that is not
    a number falls back to the default rather than failing a build."""
    return (int(_setting("PLAYBOOK_CACHE_MAX_MB", DEFAULT_MAX_MB) * 1024 * 1024),
            _setting("PLAYBOOK_CACHE_MAX_DAYS", DEFAULT_MAX_DAYS) * 86400)


def touch(path: Path) -> None:
    """Mark an entry as just used (its mtime), so least-recently-used pruning works even where the
    file system does not keep access times (noatime)."""
    try:
        os.utime(path)
    except OSError:
        pass  # pruned meanwhile, or a read-only cache: only the order of pruning suffers


def _scan(directory: Path) -> tuple[list[tuple[float, int, list[Path]]], list[tuple[float, Path]]]:
    """Entries as (last used, bytes, files) — an entry's files share a name stem (a sheet layer is a
    .png and its .sha256) — and writers' temporary files as (mtime, path). Only names the cache
    itself writes count, so a PLAYBOOK_CACHE pointed at a folder with other files never loses them."""
    used: dict[Path, float] = {}
    sizes: dict[Path, int] = {}
    files: dict[Path, list[Path]] = {}
    temps: list[tuple[float, Path]] = []
    try:
        folders = [Path(e.path) for e in os.scandir(directory) if _SUBFOLDER.match(e.name)
                   and e.is_dir(follow_symlinks=False)]
    except OSError:
        return [], []
    for folder in sorted(folders):
        try:
            listing = list(os.scandir(folder))
        except OSError:
            continue
        for item in listing:
            try:
                if not item.is_file(follow_symlinks=False):
                    continue
                st = item.stat(follow_symlinks=False)
            except OSError:
                continue  # removed meanwhile
            if _TEMP_NAME.match(item.name):
                temps.append((st.st_mtime, Path(item.path)))
            elif _ENTRY_NAME.match(item.name):
                stem = folder / item.name.split(".", 1)[0]
                used[stem] = max(used.get(stem, 0.0), st.st_mtime, st.st_atime)
                sizes[stem] = sizes.get(stem, 0) + st.st_size
                files.setdefault(stem, []).append(Path(item.path))
    return [(used[k], sizes[k], sorted(files[k])) for k in sorted(used)], temps


def _remove(paths: list[Path]) -> tuple[int, bool]:
    """Bytes freed, and whether every file is gone (removed here or by another pass meanwhile)."""
    freed, gone = 0, True
    for path in paths:
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            gone = False  # not ours to remove (permissions): kept, and still counted
            continue
        freed += size
    return freed, gone


def prune_cache(max_bytes: int | None = None, max_age: float | None = None, *, directory: Path | None = None,
                now: float | None = None) -> Pruned:
    """Trim the cache (default: :func:`cache_dir`): remove entries unused for ``max_age`` seconds,
    then, while it is over ``max_bytes``, the least recently used ones until it is under LOW_WATER
    of the cap. A writer's temporary file is left alone unless it is a day old (a crashed writer's);
    entries are renamed into place whole, so nothing half-written is ever removed or served. One
    process prunes a folder at a time (another asking meanwhile skips). Never raises."""
    directory = cache_dir() if directory is None else directory
    if directory is None or not directory.is_dir():
        return Pruned()
    limit, age = cache_limits()
    limit = limit if max_bytes is None else max_bytes
    age = age if max_age is None else max_age
    try:
        lock = open(directory / _LOCK_NAME, "a+b")  # held for the whole pass
    except OSError:
        return Pruned(skipped=True)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - no flock (Windows): removals tolerate a concurrent pass
            pass
        else:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return Pruned(skipped=True)
        started = time.time()
        result = _prune(directory, limit, age, started if now is None else now)
        try:  # when this pass looked: writes before it are covered (see _prune_at_exit)
            (directory / _STAMP_NAME).touch()
            os.utime(directory / _STAMP_NAME, (started, started))
        except OSError:
            pass
        return result
    except Exception:  # a cache never fails a build
        return Pruned()
    finally:
        lock.close()


def _prune(directory: Path, limit: int, age: float, now: float) -> Pruned:
    entries, temps = _scan(directory)
    removed = freed = 0
    for mtime, path in temps:
        if now - mtime > ORPHAN_SECONDS:
            freed += _remove([path])[0]
    live = []
    for entry in sorted(entries, key=lambda e: (e[0], str(e[2][0]))):  # least recently used first
        if now - entry[0] > age:
            size, gone = _remove(entry[2])
            freed += size
            if gone:
                removed += 1
                continue
        live.append(entry)
    total = sum(size for _used, size, _files in live)
    if total > limit:
        goal = limit * LOW_WATER
        for _used, size, files in live:
            if total <= goal:
                break
            gone_bytes, gone = _remove(files)
            freed += gone_bytes
            if gone:
                removed += 1
                total -= size
    return Pruned(removed, freed, total)


# Per cache folder, in this process: bytes written since the last pruning pass, and when last written.
_written: dict[Path, list[float]] = {}


def _wrote(directory: Path, size: int) -> None:
    """Count a write into the cache. A process that wrote prunes once when it exits (unless another
    process pruned after its last write), and meanwhile after every PRUNE_EVERY of the cap (a long
    ``playbook serve``): about one scan of the folder per build, never one per write."""
    if not _written:
        atexit.register(_prune_at_exit)
    state = _written.setdefault(directory, [0, 0.0])
    state[0] += size
    state[1] = time.time()
    if state[0] >= max(cache_limits()[0] * PRUNE_EVERY, 1):
        state[0] = 0
        prune_cache(directory=directory)


def _prune_at_exit() -> None:
    for directory, (since, last) in sorted(_written.items()):
        if not since:
            continue
        _written[directory] = [0, last]
        try:
            if (directory / _STAMP_NAME).stat().st_mtime > last:
                continue  # another process's pass began after this one's last write
        except OSError:
            pass
        prune_cache(directory=directory)
