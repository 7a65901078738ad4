"""How fast is `playbook check`? In-process load_content on 500 / 1,000 / 5,000 generated procedures,
against plain yaml.safe_load (pure Python and libyaml) of the same files.

    python benchmarks/bench_check.py [--sizes 500,1000,5000] [--repeat 3] [--profile]

Prints a table: wall seconds of one run and best-of-N CPU seconds, milliseconds per procedure (linear growth means a flat
column), and check time as a multiple of the plain YAML parse.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import write_corpus  # noqa: E402
from generator.loader import content_files, load_content  # noqa: E402


def _best(fn, repeat: int) -> float:
    """Best-of-N CPU seconds of this process (the machine is shared; wall time is noisy)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


def _plain(files: list[Path], loader: type) -> None:
    for path in files:
        yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="500,1000,5000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="profile check on the largest size")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    c_loader = getattr(yaml, "CSafeLoader", None)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            root = write_corpus(Path(tmp) / f"c{n}" / "content", n)
            files = content_files(root)
            size_mb = sum(p.stat().st_size for p in files) / 1e6
            _content, problems = load_content(root)  # warm-up, and the corpus must be clean
            errors = [p.format() for p in problems if p.is_error]
            if errors:
                print("\n".join(errors[:10]), file=sys.stderr)
                return 1
            started = time.perf_counter()
            load_content(root)
            wall = time.perf_counter() - started
            check = _best(lambda: load_content(root), args.repeat)
            py = _best(lambda: _plain(files, yaml.SafeLoader), args.repeat)
            cy = _best(lambda: _plain(files, c_loader), args.repeat) if c_loader else float("nan")
            rows.append((n, len(files), size_mb, wall, check, check / n * 1000, py, cy, check / py, check / cy))
            if args.profile and n == sizes[-1]:
                prof = cProfile.Profile()
                prof.runcall(load_content, root)
                pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    head = ("procedures", "files", "MB", "check wall s", "check CPU s", "ms/proc", "safe_load s", "CSafeLoader s", "x safe_load",
            "x CSafeLoader")
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    for n, nf, mb, wall, check, per, py, cy, rpy, rcy in rows:
        print(f"{n} | {nf} | {mb:.1f} | {wall:.2f} | {check:.2f} | {per:.3f} | {py:.2f} | {cy:.2f} | {rpy:.2f} | {rcy:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
