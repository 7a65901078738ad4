"""The command-line contract: exit codes, help in two languages, every subcommand wired to its function."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from generator.cli import HANDLERS, handler, main

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"\b[A-Za-z]{3,}(?: [A-Za-z]{2,}){2,}")  # three English words in a row


@pytest.mark.parametrize("name", [None, *sorted(HANDLERS)])
def test_help_is_chinese_and_english(name: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"] if name is None else [name, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert CJK.search(out), out
    assert ENGLISH.search(out), out
    if name:
        assert f"playbook {name}" in out


@pytest.mark.parametrize("argv", [[], ["nonsense"], ["check", "--bogus"], ["check", "--content"],
                                  ["quiz"], ["checklist", "--size", "a3"], ["import"],
                                  ["grade", "scan.pdf"], ["report"], ["quiz", "q.yaml", "--sheets", "0"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_usage_error_real_process(cli, tmp_path) -> None:
    run = cli("check", "--no-such-option", cwd=tmp_path)
    assert run.code == 2
    assert "用法错误" in run.err and "usage error" in run.err
    assert "Traceback" not in run.err
    assert list(tmp_path.iterdir()) == []


def test_check_missing_content_dir_is_reported(cli, tmp_path) -> None:
    run = cli("check", "--content", "nowhere", cwd=tmp_path)
    assert run.code == 1
    assert re.match(r"^nowhere:1:1: error\[K002\]: ", run.err), run.err
    assert "Traceback" not in run.err


def test_check_passes_on_clean_content_and_says_so(fx, cli) -> None:
    run = cli("check", cwd=fx.BASE)
    assert (run.code, run.err) == (0, "")
    assert "检查通过" in run.out and "check passed" in run.out


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_every_subcommand_has_its_function(name: str) -> None:
    assert callable(handler(name))


_LOADED = """
import importlib, sys
for target in sys.argv[1:]:
    importlib.import_module(target.split(":")[0])
print(" ".join(sorted(lib for lib in ("openpyxl", "matplotlib", "cv2") if lib in sys.modules)))
"""


def test_commands_start_without_the_spreadsheet_and_chart_libraries() -> None:
    """openpyxl (0.35 s to import, with numpy), matplotlib (0.6 s) and OpenCV are loaded where an
    XLSX is written, a chart drawn or a scan read: `playbook serve` starts, and `check`, `quiz
    --format json` or a refused `report` answer, without waiting for them."""
    run = subprocess.run([sys.executable, "-c", _LOADED, *HANDLERS.values()], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "", f"imported by the commands: {run.stdout.strip()}"
