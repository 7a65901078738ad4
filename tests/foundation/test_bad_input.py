"""Every bad-input class `playbook check` must catch: one fixture case each (see conftest.py).

For each case: the exact file:line:col and code, the exit code, no traceback, nothing written.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ConfigDict

from generator import yamlsafe
from generator.loader import load_content
from generator.validate import validate_located
from generator.yamlsafe import MAX_BYTES, MAX_DEPTH, load_located


def _check_problems(fx, case: str, formatted: list[str]) -> None:
    expected = fx.expected_for(case)
    assert [fx.head_of(line) for line in formatted] == [e.head for e in expected], "\n".join(formatted)
    for line, exp in zip(formatted, expected):
        exp.check(line)
        assert fx.PROBLEM_LINE.match(line), line


def test_case_in_process(fx, case: str, case_dir) -> None:
    root = case_dir(case)
    _content, problems = load_content(root / "content", base=root)
    _check_problems(fx, case, [p.format() for p in problems])


def test_case_cli(fx, case: str, case_dir, cli_in_process) -> None:
    """Every case as `playbook check` prints it (in this process: the same parser, command and output)."""
    _run_case(fx, case, case_dir, cli_in_process, strict=False)


@pytest.mark.parametrize("name", ["yaml-syntax", "gbk", "bom-ok"])
def test_case_in_a_real_process(fx, name: str, case_dir, cli) -> None:
    """A few cases through a real `python -m generator.cli check`, as an author runs it."""
    _run_case(fx, name, case_dir, cli, strict=False)


@pytest.mark.parametrize("name", ["warning-no-phrases", "bom-ok", "unknown-ref"])
def test_strict_turns_warnings_into_failures(fx, name: str, case_dir, cli) -> None:
    _run_case(fx, name, case_dir, cli, strict=True)


def _run_case(fx, case: str, case_dir, cli, strict: bool) -> None:
    root = case_dir(case)
    before = fx.snapshot(root)
    run = cli("check", *(["--strict"] if strict else []), cwd=root)
    assert fx.snapshot(root) == before, "playbook check wrote or touched something"
    assert "Traceback" not in run.err + run.out
    lines = run.err.splitlines()
    problems = [line for line in lines if not fx.SUMMARY_LINE.match(line)]
    _check_problems(fx, case, problems)
    expected = fx.expected_for(case)
    errors = any("error[" in e.head for e in expected)
    warnings = any("warning[" in e.head for e in expected)
    assert run.code == (1 if errors or (strict and warnings) else 0), run
    if expected:
        assert fx.SUMMARY_LINE.match(lines[-1]), lines
    else:
        assert run.err == ""
    assert ("检查通过" in run.out) == (run.code == 0)


def test_every_case_has_a_real_problem_or_is_meant_clean(fx) -> None:
    """A case with an empty expected.txt must be one that is meant to pass."""
    clean = [c for c in fx.CASES if not fx.expected_for(c)]
    assert clean == ["bom-ok"]


def test_base_fixture_is_clean(fx, tmp_path: Path) -> None:
    _content, problems = load_content(fx.BASE / "content", base=fx.BASE)
    assert problems == []
    assert len(_content.procedures) == 1 and len(_content.scenarios) == 1


def test_absurd_size_refused_quickly(fx, tmp_path: Path, cli) -> None:
    root = fx.build_case("bom-ok", tmp_path / "big")
    big = root / "content" / "glossary" / "big.yaml"
    line = "- term: 术语\n  definition: " + "很长的解释" * 40 + "\n"
    big.write_text(line * (MAX_BYTES // len(line.encode()) + 10), encoding="utf-8")
    before = fx.snapshot(root)
    started = time.perf_counter()
    run = cli("check", cwd=root)
    assert time.perf_counter() - started < 10
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.splitlines()[0].startswith("content/glossary/big.yaml:1:1: error[Y009]: ")
    assert fx.snapshot(root) == before


def test_alias_bomb_bounded_time(fx, tmp_path: Path) -> None:
    """Nine levels of nine aliases is 387 million nodes once expanded: refuse before building."""
    root = fx.build_case("alias-bomb", tmp_path / "bomb")
    started = time.perf_counter()
    _loc, problems = load_located(root / "content" / "roles.yaml", "roles.yaml")
    assert time.perf_counter() - started < 1.0
    assert [p.code for p in problems] == ["Y007"]


@pytest.mark.slow
def test_many_items_without_aliases_refused(tmp_path: Path) -> None:
    path = tmp_path / "flat.yaml"
    path.write_text("[" + ", ".join(["x"] * 250_000) + "]\n", encoding="utf-8")
    loc, problems = load_located(path, "flat.yaml")
    assert loc is None and [p.code for p in problems] == ["Y009"]


def test_deep_block_nesting_is_no_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "x\n", encoding="utf-8")
    loc, problems = load_located(path, "deep.yaml")
    assert loc is None and [(p.code, p.line) for p in problems] == [("Y008", 41)]


class _Spec(BaseModel):
    """A quiz-spec-like model with a number field (the content model has none yet)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    seed: int
    title: str


def _spec(tmp_path: Path, text: str):
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    loc, problems = load_located(path, "quizzes/spec.yaml")
    assert problems == [] and loc is not None
    return validate_located(loc, _Spec, many=False)


def test_date_where_a_number_is_expected(tmp_path: Path) -> None:
    value, problems = _spec(tmp_path, "title: 新员工测验\nseed: 2024-06-01\n")
    assert value is None
    assert [p.format().split("]: ")[0] for p in problems] == ["quizzes/spec.yaml:2:7: error[S006"]
    assert "`2024-06-01`" in problems[0].message and "整数" in problems[0].message
    assert "datetime" not in problems[0].format()


def test_quoted_number_is_named_as_quoted_text(tmp_path: Path) -> None:
    value, problems = _spec(tmp_path, "title: 新员工测验\nseed: \"42\"\n")
    assert value is None and [(p.code, p.line, p.col) for p in problems] == [("S002", 2, 7)]
    assert '"42"' in problems[0].message


def test_number_field_accepts_a_number(tmp_path: Path) -> None:
    value, problems = _spec(tmp_path, "title: 新员工测验\nseed: 2024\n")
    assert problems == [] and value.seed == 2024


def test_typo_in_number_model_suggests_field(tmp_path: Path) -> None:
    _value, problems = _spec(tmp_path, "title: 新员工测验\nsede: 1\n")
    assert [(p.code, p.line) for p in problems] == [("S001", 1), ("S003", 2)]
    assert "`seed`" in problems[1].message


def test_fullwidth_colon_in_ordinary_text_is_fine(fx, tmp_path: Path) -> None:
    """`SA：服务顾问` in a point is text, not a key typo: only field names are flagged."""
    root = fx.build_case("bom-ok", tmp_path / "sa")
    proc = root / "content" / "procedures" / "greet.yaml"
    proc.write_text(proc.read_text(encoding="utf-8").replace("- 客户进门时起身", "- SA：服务顾问起身问好"),
                    encoding="utf-8")
    content, problems = load_content(root / "content", base=root)
    assert problems == []
    assert content.procedures["greet"].steps[0].points == ["SA：服务顾问起身问好"]


def test_one_bad_item_does_not_hide_other_problems(fx, tmp_path: Path) -> None:
    """A broken phrase must not silence the duplicate id next to it, nor unrelated unknown ids."""
    root = fx.build_case("bom-ok", tmp_path / "mixed")
    (root / "content" / "phrases" / "more.yaml").write_text(
        "- id: hello\n  text: 又一个\n  when: 重复\n  source: t\n"
        "- id: broken\n  text: 坏的\n  source: t\n", encoding="utf-8")
    proc = root / "content" / "procedures" / "greet.yaml"
    proc.write_text(proc.read_text(encoding="utf-8").replace("phrases: [hello]", "phrases: [hello, broken, nope]"),
                    encoding="utf-8")
    _content, problems = load_content(root / "content", base=root)
    got = [(p.file, p.line, p.code) for p in problems]
    assert got == [("content/phrases/more.yaml", 1, "R001"), ("content/phrases/more.yaml", 5, "S001"),
                   ("content/procedures/greet.yaml", 10, "R003")], got
    assert "`nope`" in problems[-1].message


class _LibyamlWithDepthLimit(yaml.SafeLoader):
    """The event stream of a libyaml that enforces its own 1,000-level limit (PyYAML >= 6.0.3):
    its scanner reads a flow collection ahead and fails before the first event arrives."""

    def check_event(self, *choices):  # noqa: ANN001 - PyYAML's signature
        raise yaml.scanner.ScannerError("while increasing flow level", None, "exceeded maximum nesting depth",
                                        yaml.Mark("<unicode string>", 0, 2, 1009, None, None))


@pytest.mark.parametrize("loader", [yaml.SafeLoader, _LibyamlWithDepthLimit], ids=["no-limit", "libyaml-limit"])
def test_deep_flow_nesting_is_y008_whatever_libyaml_does(monkeypatch, loader, tmp_path: Path) -> None:
    """Both behaviours of the parser end in our Y008 at the bracket that crossed MAX_DEPTH."""
    monkeypatch.setattr(yamlsafe, "_Loader", loader)
    path = tmp_path / "roles.yaml"
    path.write_text("- id: greeter\n  name: 接待员\n  aliases: " + "[" * 1200 + "\n", encoding="utf-8")
    loc, problems = load_located(path, "roles.yaml")
    assert loc is None
    # Two levels (the list and its mapping) are open before the first bracket at column 12.
    assert [p.format() for p in problems] == [
        f"roles.yaml:3:{12 + MAX_DEPTH - 2}: error[Y008]: 嵌套层次太深（超过 {MAX_DEPTH} 层），内容文件不需要这么深"
        f" (nesting deeper than {MAX_DEPTH} levels)"]


def test_other_libyaml_errors_are_still_syntax_errors(tmp_path: Path) -> None:
    path = tmp_path / "roles.yaml"
    path.write_text("- id: greeter\n  name: [接待员\n", encoding="utf-8")
    _loc, problems = load_located(path, "roles.yaml")
    assert [p.code for p in problems] == ["Y001"]


@pytest.mark.parametrize("text, where, says", [
    ("id: zz\ntitle: 前台\n  oops: x\n", "3:7", "这一行比上一行缩进得多"),  # mis-indented key under a value
    ("id: zz\ntitle: 时间: 10点\n", "2:10", "这里不能出现冒号"),  # a colon inside unquoted text
])
def test_a_stray_colon_is_told_apart_from_a_mis_indented_line(tmp_path: Path, text: str, where: str,
                                                              says: str) -> None:
    path = tmp_path / "zz.yaml"
    path.write_text(text, encoding="utf-8")
    _loc, problems = load_located(path, "zz.yaml")
    assert [p.code for p in problems] == ["Y001"]
    assert problems[0].format().startswith(f"zz.yaml:{where}: error[Y001]: YAML 语法错误：{says}")


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_are_reported_at_the_editor_line(tmp_path: Path, char: str) -> None:
    """YAML ends a line at U+2028 / U+2029 / NEL, an editor does not: refuse them where they are."""
    path = tmp_path / "roles.yaml"
    path.write_text(f"- id: greeter\n  name: 接{char}待员\n  description: x\n", encoding="utf-8")
    loc, problems = load_located(path, "roles.yaml")
    assert loc is None and [(p.code, p.line, p.col) for p in problems] == [("Y010", 2, 10)]


def test_three_correct_options_point_at_the_second_and_name_every_line(fx, tmp_path: Path) -> None:
    root = fx.build_case("bom-ok", tmp_path / "three")
    (root / "content" / "scenarios" / "basic.yaml").write_text(
        "- id: busy-desk\n  title: 前台忙\n  situation: 客户进门时你正在接电话。\n  question: 你应该怎么做？\n  options:\n"
        "    - text: 点头示意\n      correct: true\n    - text: 继续打电话\n      correct: true\n"
        "    - text: 挂断电话\n      correct: true\n  source: test\n", encoding="utf-8")
    _content, problems = load_content(root / "content", base=root)
    assert [(p.line, p.col, p.code) for p in problems] == [(9, 7, "C002")], [p.format() for p in problems]
    assert "3 个正确选项" in problems[0].message
    assert all(f"第 {n} 行" in problems[0].message for n in (7, 9, 11))


def test_classic_alias_bomb_is_reported_at_its_first_anchor(tmp_path: Path) -> None:
    """Billion laughs: the first anchor is where the bomb starts, whatever alias crosses the limit."""
    lines = ["lol: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = tmp_path / "roles.yaml"
    path.write_text("# a comment first\n" + "\n".join(lines) + "\n", encoding="utf-8")
    _loc, problems = load_located(path, "roles.yaml")
    assert [(p.line, p.col, p.code) for p in problems] == [(2, 6, "Y007")], [p.format() for p in problems]
    assert "&a0" in problems[0].message


@pytest.mark.parametrize("ids, expected", [
    (["Greet", "GREET"], ["`GREET` ", "`Greet`", "大小写"]),  # neither is valid: the first one written is named
    (["ｇｒｅｅｔ", "greet"], ["`ｇｒｅｅｔ`", "`greet`", "全角半角"]),
])
def test_ids_that_differ_only_in_case_or_width_name_each_other(fx, tmp_path: Path, ids, expected) -> None:
    root = fx.build_case("bom-ok", tmp_path / "twins")
    roles = root / "content" / "roles.yaml"
    roles.write_text("".join(f"- id: {i}\n  name: 角色{n}\n" for n, i in enumerate(ids)), encoding="utf-8")
    (root / "content" / "procedures" / "greet.yaml").unlink()
    _content, problems = load_content(root / "content", base=root)
    twins = [p for p in problems if p.code == "S007"]
    assert len(twins) == 1 + (ids[1] != ids[1].lower()), [p.format() for p in problems]
    named = twins[-1]
    assert all(e in named.message for e in expected), named.format()
    assert "content/roles.yaml:" in named.message
