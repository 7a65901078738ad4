"""The export formats of a quiz, declared once: the `--format` names, what each is (the CLI's help
and the docs), the files it writes and from what it is made. Light on purpose (no renderer is
imported here), so the CLI can list them without loading Typst or openpyxl; the renderers are bound
to these names in :mod:`.quiz_files` (which refuses to load when one is missing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Format:
    name: str
    label: str  # what it is, in Chinese, for the CLI help and the docs
    files: tuple[str, ...]  # file names; {v} = the version letter, {stem} = the spec's file stem
    scope: Literal["version", "sheets", "quiz"]
    """version: made from one version's quiz JSON; sheets: from every version at once (a roster
    alternates A, B, … between neighbours); quiz: one file from the whole quiz."""


EXPORTS: tuple[Format, ...] = (
    Format("pdf", "试卷和答案 PDF", ("paper-{v}.pdf", "key-{v}.pdf"), "version"),
    Format("html", "试卷和答案网页", ("paper-{v}.html", "key-{v}.html"), "version"),
    Format("json", "测验 JSON（批改和报告读它）", ("quiz-{v}.json",), "version"),
    Format("moodle", "Moodle XML 题库", ("moodle-{v}.xml",), "version"),
    Format("gift", "Moodle GIFT 文本", ("gift-{v}.txt",), "version"),
    Format("anki", "Anki 卡组", ("{stem}.apkg",), "quiz"),
    Format("sheet", "可扫描批改的答题卡及其布局", ("sheet-{v}.pdf", "sheet-{v}.json"), "sheets"),
    Format("xlsx", "Excel 题库", ("tiku-{v}.xlsx",), "version"),
    Format("txt", "文本题库（七巧学院/企业微信）", ("tiku-{v}.txt",), "version"),
    Format("wesurvey", "腾讯问卷考试文本", ("wesurvey-{v}.txt",), "version"),
)

FORMATS: tuple[str, ...] = tuple(f.name for f in EXPORTS)
BY_NAME: dict[str, Format] = {f.name: f for f in EXPORTS}
ALWAYS = ("coverage.html", "coverage.json")
"""Written with every format: which content the quiz covers (for the trainer)."""


def format_help() -> str:
    """`pdf`（试卷和答案 PDF）、`html`（…）… for the CLI's `--format` help."""
    return "；".join(f"{f.name} = {f.label}" for f in EXPORTS)


def parse_formats(text: str) -> list[str] | str:
    """['pdf', 'json'] (in registry order) or an error message."""
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in BY_NAME]
    if unknown or not wanted:
        return f"未知的格式 {', '.join(unknown) or '(空)'}；可用：{','.join(FORMATS)} (unknown format)"
    return [f for f in FORMATS if f in wanted]


def version_names(v: str, formats=FORMATS) -> list[str]:
    """The files of one version in the given formats (neither the deck nor the coverage report)."""
    return [name.format(v=v) for f in EXPORTS if f.name in formats and f.scope != "quiz" for name in f.files]


def file_names(stem: str, labels: list[str], formats=FORMATS) -> list[str]:
    """Every file `playbook quiz` writes for these formats."""
    names = [name for v in labels for name in version_names(v, formats)]
    names += [name.format(stem=stem) for f in EXPORTS if f.name in formats and f.scope == "quiz" for name in f.files]
    return names + list(ALWAYS)
