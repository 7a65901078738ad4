"""The package's layers run one way and the build never loads the results code (pyproject's
import-linter contracts): the real tree keeps both, and planted imports break each, so the checks can fail."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).parent / "lint-imports"


def _lint(project: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(project))
    return subprocess.run([str(LINT), "--no-cache", "--no-logo", str(project / "pyproject.toml")], cwd=project,
                          env=env, capture_output=True, text=True, timeout=300)


def _copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "generator", project / "generator", ignore=shutil.ignore_patterns("templates", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


def test_the_layers_are_kept(tmp_path: Path) -> None:
    run = _lint(_copy(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 kept, 0 broken" in run.stdout


def test_an_import_from_the_core_up_to_a_command_breaks_them(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    model = project / "generator" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\n\ndef _up():\n    from . import plugin  # hidden in a function\n",
                     encoding="utf-8")
    run = _lint(project)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "BROKEN" in run.stdout and "generator.model -> generator.plugin" in run.stdout


def test_a_build_module_reaching_the_results_breaks_them(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    pages = project / "generator" / "handbook" / "pages.py"
    pages.write_text(pages.read_text(encoding="utf-8") + "\n\nfrom ..results import stats  # noqa: E402\n", encoding="utf-8")
    run = _lint(project)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "The handbook build never reads results" in run.stdout and "generator.results.stats" in run.stdout


def _hidden_imports(source: str) -> list[str]:
    """Imports of our own code (relative, or of ``generator``) inside a function body: each hides a
    dependency from a reader (and once hid cycles). Type-only imports under TYPE_CHECKING are fine."""
    found = []
    for func in ast.walk(ast.parse(source)):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("generator")):
                found.append(f"{func.name}:{node.lineno}: from {'.' * node.level}{node.module or ''}")
            elif isinstance(node, ast.Import) and any(a.name.startswith("generator") for a in node.names):
                found.append(f"{func.name}:{node.lineno}: import {node.names[0].name}")
    return found


def test_no_import_of_our_own_code_hides_in_a_function() -> None:
    """Imports sit at module top; only the CLI entry point defers loading a command (by name,
    through importlib). A planted function-level import is caught, so the check can fail."""
    hidden = {path.relative_to(ROOT).as_posix(): found for path in sorted((ROOT / "generator").rglob("*.py"))
              if (found := _hidden_imports(path.read_text(encoding="utf-8")))}
    assert hidden == {}
    assert _hidden_imports("def f():\n    from .spec import QuizSpec\n") == ["f:2: from .spec"]
    assert _hidden_imports("def f():\n    import generator.cli\n") == ["f:2: import generator.cli"]
    assert _hidden_imports("def f():\n    import json\n    from yaml import safe_load\n") == []
