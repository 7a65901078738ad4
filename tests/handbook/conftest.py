"""Session fixtures: one real build of the shipped content per worker, served on 127.0.0.1."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handbook_support import build_shipped_handbook, serve_dir  # noqa: E402
from search_support import SearchBox  # noqa: E402

from tests.conftest import made_once  # noqa: E402


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`mkdocs build --strict` of the shipped content with the repo's mkdocs.yml, made once per run
    for both test workers (tests only read it).

    Only change: `printables: never`, because checklist PDFs and quiz papers have their own tests
    and take minutes; the self-check quizzes and quiz pages are built as in production.
    """
    def build(root: Path) -> None:
        run = build_shipped_handbook(root)
        if run.returncode != 0:
            pytest.fail(f"mkdocs build --strict of the shipped content failed:\n{run.stdout}\n{run.stderr}")

    return made_once(tmp_path_factory, "handbook", build) / "site"


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_dir(built_site) as url:
        yield url



@pytest.fixture(scope="module")
def box(site_url: str, browser) -> Iterator[SearchBox]:
    """The served home page's search box, ready (the index loaded), asked one query after another;
    one per test module."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    yield SearchBox(page, site_url + "index.html")
    page.close()
