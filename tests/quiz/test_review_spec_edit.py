"""Adding to a spec's `exclude:` as a text edit: only that block changes, whatever form it had."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.problems import ContentError
from generator.quiz.spec_edit import Entry, add_excludes, read_entries, with_excludes

NEW = [Entry("next_step:p:abc123", "「甲」之后\n的下一步是什么？"), Entry("p#3"), Entry("*:p:*", "通配"), Entry("a b #c")]
FORMS = {
    "no key": "title: x\n# 题数\nquestions:\n  rule: 1\n",
    "no key, no final newline": "title: x\nseed: 1",
    "block list": "title: x\nexclude:\n  - a  # 为什么\n  - \"b\"\n\n# 下一段\nseed: 1\n",
    "block list at the key's indent": "exclude:\n- a\nseed: 1\n",
    "block list ending the file": "title: x\nexclude:\n  - a",
    "flow list": "title: x\nexclude: [a, \"b\"]  # 原注释\nseed: 1\n",
    "empty": "title: x\nexclude:\nseed: 1\n",
    "empty flow list": "title: x\nexclude: []\n",
    "null, CRLF": "exclude: ~ # 留着\r\nseed: 1\r\n",
}


@pytest.mark.parametrize("form", FORMS)
def test_only_the_exclude_block_changes(form: str) -> None:
    text = FORMS[form]
    out = with_excludes(text, NEW)
    old, new = yaml.safe_load(text) or {}, yaml.safe_load(out)
    assert new["exclude"] == (old.get("exclude") or []) + [e.value for e in NEW]
    assert {k: v for k, v in new.items() if k != "exclude"} == {k: v for k, v in old.items() if k != "exclude"}
    kept = [line for line in text.splitlines() if "exclude" not in line]
    assert [line for line in out.splitlines() if line in kept] == kept  # every other line, in order
    if "\r\n" in text:
        assert "\n" not in out.replace("\r\n", "")  # the file's line ends
    else:
        assert "\r" not in out
    assert "  # 「甲」之后 的下一步是什么？" in out  # the comment is one line
    assert '"*:p:*"' in out and "- p#3" in out  # quoted only where YAML would read it otherwise


def test_the_flow_list_keeps_its_comment() -> None:
    out = with_excludes(FORMS["flow list"], [Entry("c")])
    assert out.splitlines()[1] == "exclude:   # 原注释"
    assert out.splitlines()[2:5] == ["  - a", "  - b", "  - c"]


def test_the_file_is_backed_up_and_nothing_is_written_twice(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(FORMS["block list"], encoding="utf-8")
    assert add_excludes(path, [Entry("a"), Entry("c", "新的")]) == ["c"]
    assert (tmp_path / "s.yaml.bak").read_text(encoding="utf-8") == FORMS["block list"]
    after = path.read_text(encoding="utf-8")
    assert add_excludes(path, [Entry("c")]) == [] and path.read_text(encoding="utf-8") == after
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_an_exclude_that_is_not_a_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("title: x\nexclude: next_step:p:abc123\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        add_excludes(path, [Entry("c")])
    (p,) = err.value.problems
    assert (p.code, p.line, p.col) == ("Q013", 2, 10)
    assert path.read_text(encoding="utf-8") == "title: x\nexclude: next_step:p:abc123\n"
    assert not (tmp_path / "s.yaml.bak").exists()


def test_entries_come_from_arguments_or_the_copied_block(tmp_path: Path) -> None:
    block = tmp_path / "block.txt"
    block.write_text("exclude:\n  - next_step:p:abc123  # 注释\n  - 'p#3'\n", encoding="utf-8")
    lines = tmp_path / "ids.txt"
    lines.write_text("# 要排除的\nrule:p:000001\n\nrule:p:000002  # 太容易\n", encoding="utf-8")
    assert read_entries([str(block), "cloze:q:1a2b3c", str(lines), "p#3"]) == [
        "next_step:p:abc123", "p#3", "cloze:q:1a2b3c", "rule:p:000001", "rule:p:000002"]
    assert isinstance(read_entries([" "]), str)
