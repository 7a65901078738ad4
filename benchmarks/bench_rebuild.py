"""Benchmark: `playbook build` of the shipped content, cold and after a one-line edit, against the
handbook-only build of the same content.

    python benchmarks/bench_rebuild.py

Copies content/ to a temporary folder and builds it with the real CLI (a subprocess, as a user
runs it) into a temporary site, with a fresh print cache (PLAYBOOK_CACHE pointed at a temporary
folder): first the handbook alone (the same mkdocs.yml with ``printables: never``: no PDF, no quiz
file), then the full build three times: cold (empty cache), again with nothing changed, and after
changing one line of one procedure. Prints wall-clock seconds for each, how many PDFs were laid
out versus reused from the cache, how many quiz output sets were made rather than reused, and the
ratios to the handbook-only build the print layer is judged by (issue 23: cold full build <= 3x,
one-line edit <= 1.5x). Figures, not a timed test: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _build(content: Path, site: Path, cache: Path, config: Path = REPO / "mkdocs.yml") -> tuple[float, str]:
    env = dict(os.environ, PLAYBOOK_CACHE=str(cache), NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore")
    t0 = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--content", str(content),
                          "--site-dir", str(site), "--pack-dir", str(site.parent / f"{site.name}-pack"),
                          "--config", str(config)], cwd=REPO, env=env,
                         capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if run.returncode != 0:
        sys.exit(f"build failed ({run.returncode}):\n{run.stderr}")
    return elapsed, run.stdout.strip()


def _handbook_only_config(root: Path) -> Path:
    """The project's mkdocs.yml with ``printables: never`` (paths made absolute): the handbook alone."""
    data = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    data["theme"]["custom_dir"] = str(REPO / data["theme"]["custom_dir"])
    data["plugins"] = [{"playbook": {"printables": "never", "quizzes_dir": str(REPO / "quizzes")}}
                       if p == "playbook" else p for p in data["plugins"]]
    path = root / "mkdocs-handbook-only.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _entries(cache: Path) -> set[str]:
    return {p.name for p in cache.rglob("*.pdf")}


def _quiz_entries(cache: Path) -> set[str]:
    """Quiz outputs kept for reuse: a spec's whole set of files, or one version's."""
    return {p.name for p in cache.rglob("quiz/*.bundle")}


def _one_line_edit(content: Path) -> str:
    """Change one point of the first procedure (sorted by file name); returns the file edited."""
    path = sorted((content / "procedures").glob("*.yaml"))[0]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.lstrip().startswith("- ") and "steps" not in line and len(line.strip()) > 6:
            lines[i] = line.rstrip("\n") + "（已核对）\n"
            break
    path.write_text("".join(lines), encoding="utf-8")
    return path.name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as tmp:
        root = Path(tmp)
        content = root / "content"
        shutil.copytree(REPO / "content", content)
        cache, site = root / "cache", root / "site"
        procedures = len(list((content / "procedures").glob("*.yaml")))
        print(f"shipped content: {procedures} procedures; print cache: {cache}")

        handbook, _ = _build(content, root / "site-handbook", root / "cache-handbook", _handbook_only_config(root))
        print(f"handbook only (printables: never) {handbook:6.1f} s")

        cold, summary = _build(content, site, cache)
        made, quiz_made = _entries(cache), _quiz_entries(cache)
        print(f"cold build (empty cache)      {cold:6.1f} s  {len(made)} PDFs rendered, "
              f"{len(quiz_made)} quiz sets/versions made   [{summary}]")

        warm, _ = _build(content, site, cache)
        again, quiz_again = _entries(cache) - made, _quiz_entries(cache) - quiz_made
        print(f"rebuild, nothing changed      {warm:6.1f} s  {len(again)} PDFs rendered, "
              f"{len(quiz_again)} quiz sets/versions made")

        edited = _one_line_edit(content)
        before, quiz_before = _entries(cache), _quiz_entries(cache)
        edit, _ = _build(content, site, cache)
        touched, quiz_touched = _entries(cache) - before, _quiz_entries(cache) - quiz_before
        print(f"rebuild, one line in {edited}  {edit:6.1f} s  {len(touched)} PDFs rendered, "
              f"{len(before & _entries(cache))} in cache; {len(quiz_touched)} quiz sets/versions made")
        print(f"cold full build / handbook only: {cold / handbook:.2f}x (goal <= 3x: "
              f"{'met' if cold <= 3 * handbook else 'not met'})")
        print(f"one-line edit / handbook only:   {edit / handbook:.2f}x (goal <= 1.5x: "
              f"{'met' if edit <= 1.5 * handbook else 'not met'})")


if __name__ == "__main__":
    main()
