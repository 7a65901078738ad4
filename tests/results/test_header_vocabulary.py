"""Rosters and response tables read the same headers for the same field (one vocabulary)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.results.roster import read_roster
from generator.results.tables import HEADERS, header_role


@pytest.mark.parametrize(("header", "role"), [("学员姓名", "name"), ("員工姓名", "name"), ("Full name", "name"),
                                              ("学号", "id"), ("工號", "id"), ("ID number", "id"),
                                              ("機構", "store"), ("Department", "store"), ("崗位", "role"),
                                              ("A/B 卷", "version"), ("成绩", None)])
def test_a_header_means_one_field_wherever_it_is_read(header: str, role: str | None) -> None:
    assert header_role(header) == role


def test_a_roster_takes_every_header_a_response_table_takes(tmp_path: Path) -> None:
    roster = tmp_path / "名单.csv"
    roster.write_text("学员姓名,学号,机构,职位\n张伟,1001,一店,置业顾问\n", encoding="utf-8")
    trainees, problems = read_roster(roster)
    assert not problems
    [t] = trainees
    assert (t.name, t.id, t.store, t.role) == ("张伟", "1001", "一店", "置业顾问")


def test_a_roster_without_a_name_column_names_the_column_it_needs(tmp_path: Path) -> None:
    roster = tmp_path / "名单.csv"
    roster.write_text("学号\n1001\n", encoding="utf-8")
    _, problems = read_roster(roster)
    assert [p.code for p in problems] == ["G010"] and f"「{HEADERS['name'][0]}」" in problems[0].message
