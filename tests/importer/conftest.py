"""Importer test helpers, handed to tests as the `imp` fixture (modules cannot import each other
under --import-mode=importlib)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


def seed(seeds: Path, prefix: str) -> Path:
    (path,) = sorted(seeds.glob(f"{prefix}_*.txt"))
    return path


def load_dir(out: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """(procedures by title, phrases by id) as written to disk; a repeated title keeps its
    first occurrence in the source (files say where they start: "原文第 N 行起")."""
    procs: dict[str, dict] = {}
    firsts: dict[str, int] = {}
    for f in sorted((out / "procedures").glob("*.yaml")):
        text = f.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        line = int(text.split("原文第 ", 1)[1].split(" ", 1)[0])
        if data["title"] not in procs or line < firsts[data["title"]]:
            procs[data["title"]], firsts[data["title"]] = data, line
        procs.setdefault(data["title"] + f"@{line}", data)
    phrases = {}
    for f in sorted((out / "phrases").glob("*.yaml")) if (out / "phrases").is_dir() else []:
        for p in yaml.safe_load(f.read_text(encoding="utf-8")):
            phrases[p["id"]] = p
    return procs, phrases


def step_phrases(step: dict, phrases: dict[str, dict]) -> list[str]:
    return [phrases[p]["text"] if isinstance(p, str) else p["text"] for p in step.get("phrases", [])]


@pytest.fixture(scope="session")
def imp(seeds: Path) -> SimpleNamespace:
    return SimpleNamespace(REPO=REPO, SEEDS=seeds, seed=lambda prefix: seed(seeds, prefix), load_dir=load_dir,
                           step_phrases=step_phrases)
