"""The command-line contract: exit codes, help in two languages, commands not built yet."""

from __future__ import annotations

import importlib.util
import re

import pytest

from generator.cli import HANDLERS, main

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"\b[A-Za-z]{3,}(?: [A-Za-z]{2,}){2,}")  # three English words in a row
# Arguments that get each subcommand past argparse (so we reach its handler).
MINIMAL_ARGS = {
    "check": [], "schema": [], "build": [], "serve": [],
    "quiz": ["quizzes/x.yaml"], "checklist": [], "import": ["sop.txt"],
    "grade": ["scan.pdf", "--quiz", "quizzes/out"], "report": ["results/results.json"],
    "booklet": [], "changes": [],
}


def _built(name: str) -> bool:
    module = HANDLERS[name].split(":")[0]
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def test_every_handler_has_minimal_args() -> None:
    assert set(MINIMAL_ARGS) == set(HANDLERS)


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


@pytest.mark.parametrize("name", sorted(n for n in HANDLERS if not _built(n)) or ["(all built)"])
def test_not_built_yet_says_so_and_exits_2(name: str, capsys: pytest.CaptureFixture[str], tmp_path, monkeypatch) -> None:
    if name == "(all built)":
        pytest.skip("every subcommand has its module now")
    monkeypatch.chdir(tmp_path)
    assert main([name, *MINIMAL_ARGS[name]]) == 2
    err = capsys.readouterr().err
    assert "尚未实现" in err and "not implemented" in err
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


def test_not_built_mechanism(monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The 'not implemented' path itself, whatever is built today: a missing module means exit 2."""
    import generator.cli as cli_module

    monkeypatch.setitem(cli_module.HANDLERS, "quiz", "generator.not_built_yet_xyz.command:run")
    assert main(["quiz", "spec.yaml"]) == 2
    err = capsys.readouterr().err
    assert "尚未实现" in err and "not implemented" in err and "Traceback" not in err
