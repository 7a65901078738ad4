"""Property-based: mangled YAML never makes `playbook check` raise; problems are always well formed."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.loader import load_content
from generator.problems import Problem

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = FIXTURES / "_base" / "content"
TARGETS = ["procedures/greet.yaml", "scenarios/basic.yaml", "roles.yaml"]
CODE = re.compile(r"^[A-Z]\d{3}$")
# Pieces authors (and editors) really produce, plus the classic YAML traps.
PIECES = ["：", ":", ": ", "\t", "\u3000", "\x00", "\x1b", '"', "'", "&a ", "*a", "&a [x, *a]", "[" * 60, "{" * 60,
          "]", "}", "- ", "\n", "\n  ", "#", "|", ">-", "%YAML 1.1\n", "@", "`", "\ufeff", "\r", "---\n", "...\n",
          "!!python/object:os.system ", "!tag ", "<<: *a\n", "? ", "NO", "off", "8:30", "2024-06-01", "~", "null",
          "title：", "- title：x", "id: Greet", "\\", "\u2028", "\ud7ff", "\U0001f600", "强"]

mutation = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 10_000), st.sampled_from(PIECES)),
    st.tuples(st.just("insert"), st.integers(0, 10_000), st.text(max_size=4)),
    st.tuples(st.just("delete"), st.integers(0, 10_000), st.integers(1, 12)),
    st.tuples(st.just("replace"), st.integers(0, 10_000), st.sampled_from(PIECES)),
    st.tuples(st.just("bytes"), st.integers(0, 10_000), st.binary(min_size=1, max_size=3)),
)


def mutate(data: bytes, ops: list[tuple]) -> bytes:
    for op, pos, arg in ops:
        pos = pos % (len(data) + 1)
        if op == "insert":
            data = data[:pos] + arg.encode("utf-8", "surrogatepass") + data[pos:]
        elif op == "delete":
            data = data[:pos] + data[pos + arg:]
        elif op == "replace":
            data = data[:pos] + arg.encode("utf-8", "surrogatepass") + data[pos + 1:]
        else:
            data = data[:pos] + arg + data[pos:]
    return data


def assert_well_formed(problems: list[Problem], root: Path, target: str, text: bytes) -> None:
    lines = text.count(b"\n") + text.count(b"\r") + 2
    for p in problems:
        assert isinstance(p, Problem)
        assert CODE.match(p.code), p
        assert p.severity in ("error", "warning")
        assert p.line >= 1 and p.col >= 1, p
        assert p.message.strip() and "\n" not in p.format() and "\r" not in p.format(), p
        assert "Traceback" not in p.format()
        assert (root.parent / p.file).exists() or p.file == str(root), p
        if p.file == f"content/{target}":
            assert p.line <= lines, (p, lines)
    assert problems == sorted(problems)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(TARGETS), ops=st.lists(mutation, min_size=1, max_size=6))
def test_mutated_yaml_never_crashes_check(tmp_path: Path, target: str, ops: list[tuple]) -> None:
    root = tmp_path / "content"
    if not root.exists():
        shutil.copytree(BASE, root)
    original = (BASE / target).read_bytes()
    data = mutate(original, ops)
    (root / target).write_bytes(data)
    try:
        _content, problems = load_content(root, base=tmp_path)
    finally:
        (root / target).write_bytes(original)
    assert_well_formed(problems, root, target, data)
    if data != original:  # a change is either harmless or reported; never silently half-loaded
        assert all(p.file.startswith("content/") for p in problems)


@pytest.mark.slow
def test_a_few_mutations_through_the_real_cli(tmp_path: Path, cli, fx) -> None:
    rng = random.Random(2024)
    line = re.compile(fx.PROBLEM_LINE.pattern)
    for i in range(4):
        root = tmp_path / f"run{i}"
        shutil.copytree(BASE, root / "content")
        target = TARGETS[i % len(TARGETS)]
        ops = [(rng.choice(["insert", "replace"]), rng.randrange(400), rng.choice(PIECES)) for _ in range(3)]
        (root / "content" / target).write_bytes(mutate((BASE / target).read_bytes(), ops))
        before = fx.snapshot(root)
        run = cli("check", cwd=root)
        assert run.code in (0, 1), run
        assert "Traceback" not in run.err + run.out
        for out_line in run.err.splitlines():
            assert line.match(out_line) or fx.SUMMARY_LINE.match(out_line), out_line
        assert fx.snapshot(root) == before
