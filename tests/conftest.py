"""Shared fixtures: the repository, its shipped content, and running the real CLI."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# Every test, and every CLI subprocess a test starts, keeps printed PDFs in a private cache folder,
# never in the user's ~/.cache (tests about the cache point PLAYBOOK_CACHE at their own tmp_path).
_PRINT_CACHE = tempfile.mkdtemp(prefix="playbook-test-print-cache-")
os.environ["PLAYBOOK_CACHE"] = _PRINT_CACHE
atexit.register(shutil.rmtree, _PRINT_CACHE, True)

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
SEEDS = REPO / "tests" / "seeds"  # the five real SOP source documents, verbatim (see content/SOURCES.md)


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 600) -> Run:
    """Run `playbook ...` in a real subprocess, as a user would."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd or REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test worker, shared by every browser test.

    Playwright's sync API allows one running instance per thread: a second `sync_playwright()`
    while a session fixture holds the first fails, so all browser tests go through this one.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The seed documents folder (tests/seeds); the one place tests get it from."""
    return SEEDS


def copy_content(dest: Path) -> Path:
    """A private copy of the shipped content (so a test can break it)."""
    import shutil

    target = dest / "content"
    shutil.copytree(CONTENT, target)
    return target
