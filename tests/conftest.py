"""Shared fixtures: the repository, its shipped content, and running the real CLI."""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main as cli_main
from generator.quiz.drawable import capacity
from generator.quiz.pool import select

# Every test, and every CLI subprocess a test starts, keeps printed PDFs in one private cache folder
# for the whole run, never in the user's ~/.cache (tests about the cache point PLAYBOOK_CACHE at their
# own tmp_path). The process that makes it (pytest, or xdist's controller) removes it at exit; the
# xdist workers inherit its name, so a PDF one worker laid out is not laid out again by the other.
_RUN_CACHE = "PLAYBOOK_TEST_PRINT_CACHE"
if _RUN_CACHE not in os.environ:
    os.environ[_RUN_CACHE] = tempfile.mkdtemp(prefix="playbook-test-print-cache-")
    atexit.register(shutil.rmtree, os.environ[_RUN_CACHE], True)
os.environ["PLAYBOOK_CACHE"] = os.environ[_RUN_CACHE]

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
SEEDS = REPO / "tests" / "seeds"  # the five real SOP source documents, verbatim (see content/SOURCES.md)


@dataclass
class Run:
    code: int
    out: str
    err: str


def bound_by_permissions(command: list[str]) -> list[str]:
    """``command`` run so that file permissions bind it as they bind a user. As root (CI runs as
    root) it goes through util-linux's setpriv without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH:
    a folder without write permission then refuses it for real, instead of the test skipping."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 600, bound: bool = False) -> Run:
    """Run `playbook ...` in a real subprocess, as a user would (``bound``: one whom file
    permissions bind, even when the tests run as root)."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    command = [sys.executable, "-m", "generator.cli", *args]
    proc = subprocess.run(bound_by_permissions(command) if bound else command, cwd=cwd or REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)


CHROMIUM = "/usr/bin/chromium-headless-shell"
"""Debian's headless build of Chromium (the same Blink, V8 and network stack as the desktop browser;
what Playwright itself runs for headless tests). Measured here: a new page costs 0.14 CPU-s in it
against 1.2-1.5 CPU-s in the desktop build, /usr/bin/chromium."""
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


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder ``make`` fills once per test run, shared by the xdist workers: the first to ask makes
    it while the others wait on a lock, then all of them read it. Only for what tests never change
    (a built site); a make that fails leaves nothing behind, and the next asker tries again."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # popen-gwN's parent: this run's folder, the same for every worker
    folder = base / f"made-once-{name}"
    with open(base / f"made-once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".made").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                make(folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            (folder / ".made").touch()
    return folder


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def cli(request: pytest.FixtureRequest) -> Callable[..., Run]:
    """`playbook ...` in a real process (:func:`run_cli`), or, for a test module that sets
    ``CLI_IN_PROCESS = True``, through :func:`generator.cli.main` in this one (``cli_in_process``)."""
    if getattr(request.module, "CLI_IN_PROCESS", False):
        return request.getfixturevalue("cli_in_process")
    return run_cli


@pytest.fixture
def cli_in_process(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """`playbook ...` through ``generator.cli.main`` in this process: the same parser, command,
    messages and exit code as :func:`run_cli` without starting Python (0.5–1 s a run), for a test
    that runs the CLI over many cases. A few of those cases still run as a real subprocess."""
    def run(*args: str, cwd: Path | None = None) -> Run:
        monkeypatch.chdir(cwd or REPO)  # where run_cli runs too
        capsys.readouterr()
        code = cli_main(list(args))
        out = capsys.readouterr()
        return Run(code, out.out, out.err)
    return run


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The seed documents folder (tests/seeds); the one place tests get it from."""
    return SEEDS


def copy_content(dest: Path) -> Path:
    """A private copy of the shipped content (so a test can break it)."""
    target = dest / "content"
    shutil.copytree(CONTENT, target)
    return target


TINY_PROC = "after-sales-process-keys"  # three steps: a spec on it alone takes every question it has
TINY_TITLE = "小测验·售后三要点"


def quizzes_with_a_tiny_spec(folder: Path, content, versions: int) -> Path:
    """The shipped specs and one (``tiny-drill.yaml``) that asks every question TINY_PROC can make:
    the site's practice then has to reuse exam questions, which must be reported, not hidden."""
    for spec in (REPO / "quizzes").glob("*.yaml"):
        shutil.copy(spec, folder / spec.name)
    cap = {t: n for t, n in capacity(select(content, [TINY_PROC]), 1).items() if n}
    assert 1 <= sum(cap.values()) <= 6, cap
    counts = "".join(f"  {t}: {n}\n" for t, n in cap.items())
    (folder / "tiny-drill.yaml").write_text(
        f"title: {TINY_TITLE}\ndraws_on:\n  procedures: [{TINY_PROC}]\nquestions:\n{counts}"
        f"seed: 1\nversions: {versions}\nvariation: shuffle\n", encoding="utf-8")
    return folder


QUICK_LIMIT = 1.5
"""Seconds a test not marked ``slow`` may take on an idle machine (the ``slow`` marker in pyproject.toml)."""


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Name the unmarked tests that took twice the limit (a margin for a busy machine): they belong to
    the slow set, or `pytest -m "not slow"` stops being the quick loop it is for."""
    over = sorted({(round(rep.duration, 1), rep.nodeid) for rep in terminalreporter.stats.get("passed", [])
                   if rep.when == "call" and "slow" not in rep.keywords and rep.duration > 2 * QUICK_LIMIT},
                  reverse=True)
    if over:
        terminalreporter.write_sep("-", f"not marked slow, over {2 * QUICK_LIMIT:g} s: mark them @pytest.mark.slow")
        for seconds, nodeid in over:
            terminalreporter.write_line(f"{seconds:6.1f}s {nodeid}")
