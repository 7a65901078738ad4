"""Grade a stack of scanned answer sheets: each page found, identified by its QR, read, scored.

A page that is not one of this quiz's sheets (another document, another quiz, sheets printed
from content that has changed since, a serial scanned twice, a second sheet of the same 工号) is
reported with file and page; the rest of the stack is still graded. A 工号 the roster does not have is
said (a warning) and its id grid goes to review.html with the unclear ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..problems import Problem, display_path
from ..quiz.scoring import Sheet, Trainee, score_sheet, zeros_apart
from . import read, scan
from .layout import parse_qr


@dataclass(frozen=True)
class Crop:
    """A piece of a straightened scan for review.html (PNG bytes)."""

    png: bytes


@dataclass
class GradedPage:
    sheet: Sheet
    crops: dict[str, Crop] = field(default_factory=dict)
    """question id (or "@trainee") -> the picture a person needs to decide."""
    staff_id_unclear: bool = False


@dataclass(frozen=True)
class QuizSet:
    """What --quiz DIR holds: per version, the quiz and its sheet layout."""

    quizzes: dict[str, dict]
    layouts: dict[str, dict]

    @property
    def spec(self) -> str:
        return next(iter(self.quizzes.values())).get("spec") or ""


def _crop(sheet_pixels: np.ndarray, box_mm: Sequence[float], margin: float = 2.0) -> Crop:
    import cv2

    k = scan.PX_PER_MM
    x, y, w, h = box_mm
    top, left = max(0, int((y - margin) * k)), max(0, int((x - margin) * k))
    piece = sheet_pixels[top:int((y + h + margin) * k), left:int((x + w + margin) * k)]
    ok, data = cv2.imencode(".png", piece)
    assert ok
    return Crop(data.tobytes())


def grade_page(page: scan.ScanPage, quizzes: QuizSet, roster: dict[str, Trainee]) -> GradedPage | Problem:
    def problem(code: str, message: str, detail: str) -> Problem:
        return Problem(page.file, page.page, 1, code, f"{page.where}：{message}", detail)

    markers = scan.find_markers(page.pixels)
    try:
        straight = scan.straighten(page.pixels, markers)
    except scan.ScanError as exc:
        return problem("G001", f"不是答题卡，或四角的定位黑块看不全（{exc}）", "not one of our answer sheets")
    text = scan.read_qr(straight)
    if text is None:
        return problem("G002", "二维码读不出来（被涂写、折叠或太模糊）；请重新扫描这一页", "QR code unreadable")
    qr = parse_qr(text)
    if qr is None:
        return problem("G003", "二维码不是 Playbook 答题卡的", "QR code is not a Playbook answer sheet")
    if qr["quiz"] != quizzes.spec or qr["version"] not in quizzes.quizzes:
        return problem("G003", f"这是另一份测验的答题卡（{qr['quiz']} {qr['version']} 卷），不属于 --quiz 给出的测验",
                       "sheet of another quiz")
    quiz, layout = quizzes.quizzes[qr["version"]], quizzes.layouts[qr["version"]]
    if qr["fingerprint"] != layout["fingerprint"] or str(quiz.get("seed")) != qr["seed"]:
        return problem("G004", "这张答题卡是按旧版内容印的（题目或答案已经变了），不能按现在的答案批改；"
                               "请用当时生成的测验目录批改", "sheet printed for an older version of the quiz")
    dark = scan.darkness(straight)
    answers = read.read_sheet(dark, layout)
    crops: dict[str, Crop] = {}
    staff_id, unclear = qr["staff_id"], False
    if not staff_id and layout.get("id_grid"):
        staff_id, certain = read.read_staff_id(dark, layout["id_grid"])
        unclear = not certain or (bool(roster) and staff_id not in roster)  # a person checks it in review.html
        if unclear:
            crops["@trainee"] = _crop(straight, layout["id_grid"]["box_mm"])
    trainee = roster.get(staff_id) or Trainee(id=staff_id)
    sheet = score_sheet(quiz, {a.question: a.chosen for a in answers}, {a.question: a.flag for a in answers},
                        serial=qr["serial"], trainee=trainee, source=page.where)
    boxes = {q["id"]: q["box_mm"] for q in layout["questions"]}
    for r in sheet.responses:
        if r.flag:
            crops[r.question] = _crop(straight, boxes[r.question])
    if crops:
        crops["@name"] = _crop(straight, layout["name_box"]["box_mm"], margin=1.0)
    return GradedPage(sheet, crops, unclear)


def grade_scans(paths: Sequence[Path], quizzes: QuizSet, roster: dict[str, Trainee]) -> tuple[list[GradedPage], list[Problem]]:
    graded: list[GradedPage] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], str] = {}
    people: dict[str, str] = {}  # 工号 -> the page its sheet was on (one quiz per grade run)
    for path in paths:
        shown = display_path(path)
        try:
            for page in scan.pages(path, shown):
                if isinstance(page, scan.Unreadable):  # this page (or file) only; the rest still graded
                    problems.append(Problem(page.file, page.page, 1, "G013" if page.too_big else "G008",
                                            f"{page.where}：{page.reason}",
                                            "beyond the size limits for a scan" if page.too_big
                                            else "cannot read this file or page"))
                    continue
                result = grade_page(page, quizzes, roster)
                if isinstance(result, Problem):
                    problems.append(result)
                    continue
                key = (result.sheet.version, result.sheet.serial)
                if key in seen:
                    problems.append(Problem(page.file, page.page, 1, "G005",
                                            f"{page.where}：序号 {key[1]}（{key[0]} 卷）的答题卡已经在{seen[key]}扫描过，这一页没有计入",
                                            "the same sheet was scanned twice"))
                    continue
                seen[key] = page.where
                person = result.sheet.trainee.id.strip()
                if person and person in people:  # another sheet of the same person: counted once
                    problems.append(Problem(page.file, page.page, 1, "T005",
                                            f"{page.where}：工号 {person} 的答卷在{people[person]}已经有了；同一个人同一次测验"
                                            "只能计一次，这一页没有计入（如果是工号涂错了，请在答题卡上改正后和这一批一起重新批改）",
                                            f"staff id {person} already graded on {people[person]}"))
                    continue
                if person:
                    people[person] = page.where
                if person and roster and person not in roster:
                    stripped = [i for i in roster if zeros_apart(i, person)]
                    hint = (f"（名单里有 {stripped[0]}：名单多半是 Excel 把工号当成数字，去掉或加上了前面的 0；"
                            "把名单的工号列设成“文本”后照原样填写）" if stripped else "")
                    problems.append(Problem(page.file, page.page, 1, "T012",
                                            f"{page.where}：名单里没有工号 {person}{hint}；请核对答题卡上涂的工号，"
                                            "涂错了就在 review.html 里改正后用 --corrections 重新批改",
                                            "staff id not on the roster", "warning"))
                graded.append(result)
        except scan.ScanError as exc:
            problems.append(Problem(shown, 1, 1, "G008", f"{shown}：{exc}", "cannot read this file"))
        except OSError as exc:
            problems.append(Problem(shown, 1, 1, "G008", f"{shown}：读不了这个文件（{exc.strerror or exc}）",
                                    "cannot read this file"))
    return graded, problems
