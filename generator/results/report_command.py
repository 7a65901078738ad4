"""`playbook report RESULTS... [--out DIR] [--redrill]`: scores, item analysis, weakest steps.

Reads only the results files named and the content/quiz specs; writes only into ``--out``
(default results/report, git-ignored: it holds names and scores) through a temporary folder and one
rename, and with ``--redrill`` one spec into the quizzes folder. Never into the site.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from ..problems import ContentError, Problem, display_path
from .model import Sheet, from_dict, quiz_fingerprint


def load_results(paths: list[Path]) -> tuple[list[Sheet], list[Problem]]:
    sheets: list[Sheet] = []
    problems: list[Problem] = []
    for path in paths:
        shown = display_path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            why = "找不到这个文件" if isinstance(exc, FileNotFoundError) else "读不了这个文件"
            problems.append(Problem(shown, 1, 1, "T101", f"{why}；请给出 playbook grade 写的 results.json",
                                    "cannot read results file"))
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(Problem(shown, exc.lineno, exc.colno, "T101", "不是有效的 JSON；请给出 playbook grade 写的 results.json",
                                    exc.msg))
            continue
        try:
            if not isinstance(data, dict) or not isinstance(data.get("sheets"), list):
                raise KeyError("sheets")
            got = from_dict(data).sheets
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(Problem(shown, 1, 1, "T101", "这不是 playbook grade 写的成绩文件（缺少 sheets、responses 等内容）",
                                    f"unexpected structure: {exc}"))
            continue
        if not got:
            problems.append(Problem(shown, 1, 1, "T102", "成绩文件里一份答卷也没有", "no sheets"))
        sheets += got
    return sheets, problems


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def check_out(out: Path, content: Path) -> list[Problem]:
    """The output folder: writable, and never the site or the content (personal data)."""
    shown = display_path(out)
    for forbidden in (Path("site"), content, Path("docs")):
        if _inside(out, forbidden):
            return [Problem(shown, 1, 1, "T103", f"报告含个人信息，不能写进 {display_path(forbidden)}/；请换一个目录，例如 results/report",
                            "report output inside the site or content")]
    if out.exists() and not out.is_dir():
        return [Problem(shown, 1, 1, "T103", "输出位置是一个文件，不是目录；请换一个目录", "--out is a file")]
    return []


def quizzes_for(sheets: list[Sheet], content, quizzes_dir: Path, results: list[Path]) -> tuple[dict, dict, list[Problem]]:
    """spec -> version -> the quiz JSON the sheets were graded against (by fingerprint), rebuilt from
    its spec or read from a quiz-<version>.json beside a results file; and spec -> QuizSpec."""
    from ..quiz.assemble import build_quiz
    from ..quiz.spec import load_spec

    wanted: dict[str, dict[str, str]] = {}
    for s in sheets:
        wanted.setdefault(s.quiz, {}).setdefault(s.version, s.fingerprint)
    found: dict[str, dict[str, dict]] = {}
    specs = {}
    problems: list[Problem] = []
    candidates: list[dict] = []
    for r in results:
        for p in sorted(r.parent.glob("quiz-*.json")):
            try:
                candidates.append(json.loads(p.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
    for stem, versions in sorted(wanted.items()):
        spec_path = quizzes_dir / f"{stem}.yaml"
        if content is not None and stem and spec_path.is_file():
            spec, _ = load_spec(spec_path, content)
            if spec is not None:
                specs[stem] = spec
                need = max(ord(v) - ord("A") + 1 for v in versions if len(v) == 1 and v.isalpha()) if any(
                    len(v) == 1 and v.isalpha() for v in versions) else spec.versions
                quiz = build_quiz(content, spec, versions=max(need, spec.versions))
                for i, label in enumerate(quiz.labels):
                    data = quiz.to_json(i)
                    if label in versions and quiz_fingerprint(data) == versions[label]:
                        found.setdefault(stem, {})[label] = data
        for data in candidates:
            v = data.get("version")
            if data.get("spec") == stem and v in versions and v not in found.get(stem, {}):
                if quiz_fingerprint(data) == versions[v]:
                    found.setdefault(stem, {})[v] = data
        missing = sorted(set(versions) - set(found.get(stem, {})))
        if missing:
            problems.append(Problem(display_path(spec_path), 1, 1, "T104",
                                    f"找不到出「{stem}」{'、'.join(missing)} 卷时的试卷（规格或内容改过）；这些卷的题目文字和选项分析从略",
                                    "quiz not found or changed since grading", "warning"))
    return found, specs, problems


def write_tree(files: dict[str, bytes], out: Path) -> None:
    """Everything into a temporary folder beside ``out``, then swapped in with renames: a failure
    leaves the previous report as it was."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        for name, data in files.items():
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        os.chmod(tmp, 0o755)
        if out.exists():
            old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old."))
            os.replace(out, old / "report")
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def run(args: argparse.Namespace) -> int:
    from ..cli import print_problems
    from ..loader import load_or_raise
    from . import report

    sheets, problems = load_results(list(args.results))
    problems += check_out(args.out, args.content)
    if any(p.is_error for p in problems):
        raise ContentError(problems)
    if not sheets:
        raise ContentError([Problem(display_path(args.results[0]), 1, 1, "T102", "成绩文件里一份答卷也没有", "no sheets")])
    content = None
    if args.content.is_dir():
        content, _warnings = load_or_raise(args.content)
    found, specs, more = quizzes_for(sheets, content, args.quizzes, list(args.results))
    problems += more
    data = report.analyse(sheets, found, content)
    drills: list[tuple[Path, bytes]] = []
    if args.redrill:  # checked before anything is written
        from .redrill import prepare_redrill

        if content is None:
            raise ContentError([Problem(display_path(args.content), 1, 1, "T105", "出复习测验需要内容目录（--content）",
                                        "content directory missing")])
        drills = [prepare_redrill(t, specs.get(t["spec"]), content, args.quizzes) for t in data["tests"]]
    files = report.render(data)
    write_tree(files, args.out)
    print_problems(problems)
    for t in data["tests"]:
        weakest = t["weakest_steps"][0]["label"] if t["weakest_steps"] else "—"
        print(f"「{t['title']}」{t['n']} 份答卷，平均 {t['describe']['mean']:.1f} 分，及格 {t['pass_rate'] * 100:.0f}%；"
              f"最薄弱的步骤：{weakest}")
    print(f"报告 → {args.out}（report.html、report.pdf、trainees.pdf、report.xlsx；含个人信息，勿放进网站）"
          f" (wrote {len(files)} files)")
    if drills:
        from ..quiz.outputs import write

        for path, blob in drills:
            write({path.name: blob}, path.parent)
            print(f"复习测验规格 → {display_path(path)}；出卷：playbook quiz {display_path(path)}")
    sys.stdout.flush()
    return 0
