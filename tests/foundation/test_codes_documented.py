"""Every problem code the core can report is explained in the author guide, with its fix."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "content" / "pages" / "author-guide.md"
ANY_CODE_LITERAL = re.compile(r"""["']([A-Z]\d{3})["']""")


def _codes_in_source() -> set[str]:
    codes: set[str] = set()
    for path in sorted((REPO / "generator").rglob("*.py")):
        codes.update(ANY_CODE_LITERAL.findall(path.read_text(encoding="utf-8")))
    return codes


def _documented() -> dict[str, str]:
    """code -> the heading or table row that explains it."""
    found: dict[str, str] = {}
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        row = re.match(r"^\|\s*`?([A-Z]\d{3})`?\s*\|(.+)\|\s*$", line)
        head = re.match(r"^#+\s.*\b([A-Z]\d{3})\b", line)
        if row:
            cells = [c.strip() for c in row.group(2).split("|")]
            assert all(cells) and len(cells) >= 2, f"{row.group(1)} needs a meaning and a fix: {line}"
            found[row.group(1)] = line
        elif head:
            found[head.group(1)] = line
    return found


def test_every_code_is_documented() -> None:
    codes = _codes_in_source()
    assert {"Y001", "S003", "R003", "C001", "W001"} <= codes  # the scan itself works
    missing = sorted(codes - set(_documented()))
    assert missing == [], f"add these codes to {GUIDE.relative_to(REPO)}: {missing}"


def test_documented_codes_exist() -> None:
    """No stale rows for letters the core owns (other commands document their own letters)."""
    codes = _codes_in_source()
    core_letters = {c[0] for c in codes}
    stale = sorted(c for c in _documented() if c[0] in core_letters and c not in codes)
    assert stale == []


def test_guide_covers_the_pitfalls_and_set_up() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for needle in ("playbook check", "playbook serve", "yaml.schemas", "redhat.vscode-yaml", "Tab", "全角空格",
                   "：", '"8:30"', "NO", "GBK", "--strict"):
        assert needle in text, needle
