"""Every output file of one quiz, rendered in memory first (then written all at once)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .assemble import Quiz

FORMATS = ("pdf", "html", "json", "moodle", "gift", "anki", "sheet", "xlsx", "txt", "wesurvey")


def quiz_json_bytes(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# The files each format writes per paper version (anki writes one deck for the whole quiz).
PER_VERSION = {
    "pdf": ("paper-{v}.pdf", "key-{v}.pdf"), "html": ("paper-{v}.html", "key-{v}.html"), "json": ("quiz-{v}.json",),
    "moodle": ("moodle-{v}.xml",), "gift": ("gift-{v}.txt",), "sheet": ("sheet-{v}.pdf", "sheet-{v}.json"),
    "xlsx": ("tiku-{v}.xlsx",), "txt": ("tiku-{v}.txt",), "wesurvey": ("wesurvey-{v}.txt",),
}


def file_names(stem: str, labels: list[str], formats=FORMATS) -> list[str]:
    names = [name.format(v=v) for v in labels for fmt in FORMATS if fmt in formats for name in PER_VERSION.get(fmt, ())]
    if "anki" in formats:
        names.append(f"{stem}.apkg")
    return names + ["coverage.html", "coverage.json"]


def render(quiz: Quiz, formats=FORMATS, timings: dict[str, float] | None = None, roster=None,
           blank_sheets: int | None = None) -> dict[str, bytes]:
    """file name -> bytes for the requested formats, plus the coverage report.

    ``roster`` (trainees) makes one personalised answer sheet each; otherwise ``blank_sheets``
    numbered sheets per version."""
    import time

    from . import anki, gift, moodle, paper
    from .coverage import coverage, coverage_html

    files: dict[str, bytes] = {}

    def timed(fmt: str, fn):
        t0 = time.perf_counter()
        value = fn()
        if timings is not None:
            timings[fmt] = timings.get(fmt, 0.0) + time.perf_counter() - t0
        return value

    for i, v in enumerate(quiz.labels):
        data = quiz.to_json(i)
        need_html = "html" in formats or "pdf" in formats
        if need_html:
            p_html, k_html = timed("html", lambda: (paper.paper_html(data), paper.key_html(data)))
            if "html" in formats:
                files[f"paper-{v}.html"] = p_html.encode("utf-8")
                files[f"key-{v}.html"] = k_html.encode("utf-8")
            if "pdf" in formats:
                files[f"paper-{v}.pdf"] = timed("pdf", lambda: paper.pdf(p_html))
                files[f"key-{v}.pdf"] = timed("pdf", lambda: paper.pdf(k_html))
        if "json" in formats:
            files[f"quiz-{v}.json"] = timed("json", lambda: quiz_json_bytes(data))
        if "moodle" in formats:
            files[f"moodle-{v}.xml"] = timed("moodle", lambda: moodle.moodle_xml(data))
        if "gift" in formats:
            files[f"gift-{v}.txt"] = timed("gift", lambda: gift.gift(data))
        if {"xlsx", "txt", "wesurvey"} & set(formats):
            files.update(timed("bank", lambda: bank_files(quiz, data, formats)))
    if "sheet" in formats:
        from ..sheet.outputs import BLANK_SHEETS, sheet_files

        versions = [quiz.to_json(i) for i in range(len(quiz.labels))]
        files.update(timed("sheet", lambda: sheet_files(
            versions, spec_file=quiz.spec.path or f"{quiz.spec.stem}.yaml", roster=roster,
            blank=BLANK_SHEETS if blank_sheets is None else blank_sheets)))
    if "anki" in formats:
        files[f"{quiz.spec.stem}.apkg"] = timed(
            "anki", lambda: anki.deck_bytes(quiz.pool, f"Playbook::{quiz.spec.title}", quiz.spec.stem, quiz.changed,
                                            reverse=quiz.spec.anki.reverse, type_in=quiz.spec.anki.type_in))
    cov = timed("coverage", lambda: coverage(quiz))
    files["coverage.json"] = quiz_json_bytes(cov)
    files["coverage.html"] = coverage_html(cov).encode("utf-8")
    return dict(sorted(files.items()))


def bank_files(quiz: Quiz, data: dict, formats=FORMATS) -> dict[str, bytes]:
    """The 题库 exports of one version (Excel, text, 腾讯问卷) among ``formats``."""
    from .bank import topics
    from .text_bank import text_bank
    from .wesurvey import wesurvey
    from .xlsx_bank import xlsx_bank

    v, names = data["version"], topics(quiz)
    makers = {"xlsx": (f"tiku-{v}.xlsx", xlsx_bank), "txt": (f"tiku-{v}.txt", text_bank),
              "wesurvey": (f"wesurvey-{v}.txt", wesurvey)}
    return {name: make(data, names) for fmt, (name, make) in makers.items() if fmt in formats}


def write(files: dict[str, bytes], out: Path) -> list[Path]:
    """Write every file through a temporary name and an atomic rename."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        target = out / name
        fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(target)
    return written
