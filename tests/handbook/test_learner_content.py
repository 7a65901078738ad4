"""入职路径 in content: the model, its checks (file:line:col: error[CODE]) and the default path."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handbook_support import CONTENT, write_small_content  # noqa: E402

from generator.handbook.path import role_path_stages  # noqa: E402
from generator.loader import load_content  # noqa: E402

ROLES = """\
- id: receptionist
  name: 前台接待员
  path:
    - title: 第一天
      procedures: [front-desk, front-dsk]
      phrases: [greet]
    - title: 第一周
    - title: 第一天
      procedures: [front-desk]
      phrases: [greet, nobody-says-this]
"""


def test_path_problems_name_file_line_and_column(tmp_path: Path, cli) -> None:
    root = write_small_content(tmp_path / "content")
    (root / "roles.yaml").write_text(ROLES, encoding="utf-8")
    run = cli("check", "--content", str(root), cwd=tmp_path)
    assert run.code == 1
    lines = [line for line in run.err.splitlines() if "error[" in line]
    assert "content/roles.yaml:5:32: error[R003]: 找不到流程 `front-dsk`；相近的有：front-desk" in lines[0], lines
    wanted = [
        "content/roles.yaml:5:32: error[R003]",
        "content/roles.yaml:7:7: error[L001]",   # 第一周 lists nothing
        "content/roles.yaml:8:14: error[L002]",  # a second 第一天
        "content/roles.yaml:9:20: error[L002]",  # front-desk again
        "content/roles.yaml:10:17: error[L002]",  # greet again
        "content/roles.yaml:10:24: error[R003]",  # unknown phrase
    ]
    assert [line.split(": ", 2)[0] + ": " + line.split(": ", 2)[1] for line in lines] == wanted, lines
    assert "第 4 行已经写过" in lines[2] and "“第一周”是空的" in lines[1]


def test_shipped_paths_are_valid_and_written_for_several_roles() -> None:
    content, problems = load_content(CONTENT)
    assert not [p for p in problems if p.is_error]
    written = [r for r in content.roles.values() if r.path]
    assert len(written) >= 2
    for role in written:
        stages = role_path_stages(content, role.id)
        assert [s.title for s in stages] == [s.title for s in role.path]
        assert all(pid in content.procedures for s in stages for pid in s.procedures)


def test_default_path_comes_from_the_roles_procedures(tmp_path: Path) -> None:
    content, problems = load_content(write_small_content(tmp_path / "content"))
    assert not problems
    stages = role_path_stages(content, "receptionist")
    assert [pid for s in stages for pid in s.procedures] == ["front-desk"]
    assert [ph for s in stages for ph in s.phrases] == ["greet"]
    assert all(s.procedures or s.phrases for s in stages)
