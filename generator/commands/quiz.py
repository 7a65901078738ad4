"""`playbook quiz SPEC.yaml`: papers, answer keys, JSON, Moodle XML, GIFT, Anki deck and coverage;
``--preview`` writes the page of every candidate question instead, ``--write-exclude`` edits the spec."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import output_folder
from ..exports.formats import file_names, parse_formats
from ..exports.pack import PACK_KIND
from ..exports.preview import PREVIEW, preview_html
from ..exports.quiz_files import render
from ..loader import load_or_raise
from ..problems import ContentError, Problem, display_path, print_problems
from ..quiz.assemble import build_quiz
from ..quiz.candidates import candidates
from ..quiz.practice import shown_as_practice
from ..quiz.question import LETTERS
from ..quiz.spec import MAX_VERSIONS, load_spec
from ..quiz.spec_edit import Entry, add_excludes, read_entries
from ..results.roster import read_roster

KIND = "quiz"


def publish_quiz(files: dict[str, bytes], out: Path, stem: str, content: Path | None, *, preview: bool) -> list[Path]:
    """Write a quiz's files into ``out`` all or nothing, as our own output: a folder that is new, ours
    from an earlier run (its marker, the files the last release wrote, or a spec's folder in the
    trainers' pack) or empty; anything else is refused (O001/O002, exit 2), never overwritten.

    A quiz run replaces its earlier files (papers of another seed never stay beside new sheets) but
    keeps the preview page; the preview adds its page and keeps everything else. Private (0600),
    since papers and keys are as confidential as results."""
    output_folder.publish(out, KIND, files, content=content, unmarked=_earlier(stem), nested_in=(PACK_KIND,),
                          keep=(lambda name: True) if preview else (lambda name: name == PREVIEW))
    return [out / name for name in files]


def _earlier(stem: str) -> output_folder.Unmarked:
    """What `playbook quiz` wrote before output folders had a marker."""
    return output_folder.Unmarked(frozenset([*file_names(stem, list(LETTERS[:MAX_VERSIONS])), PREVIEW]), {})


def _check_out(out: Path, stem: str, content: Path | None) -> None:
    """Refuse a folder that is not ours before the slow work (publishing checks again)."""
    problems = output_folder.refusals(out, KIND, content=content, unmarked=_earlier(stem), nested_in=(PACK_KIND,))
    if problems:
        raise output_folder.OutputRefused(problems)


def run(args: argparse.Namespace) -> int:
    formats = parse_formats(args.format)
    if isinstance(formats, str):
        print(f"playbook quiz: 用法错误 (usage error): {formats}", file=sys.stderr)
        return 2
    if args.versions is not None and not 1 <= args.versions <= MAX_VERSIONS:
        print(f"playbook quiz: 用法错误 (usage error): --versions 应在 1 到 {MAX_VERSIONS} 之间", file=sys.stderr)
        return 2
    if args.seed is not None and args.seed < 0:
        print("playbook quiz: 用法错误 (usage error): --seed 不能是负数", file=sys.stderr)
        return 2
    if args.sheets is not None and not 1 <= args.sheets <= 500:
        print("playbook quiz: 用法错误 (usage error): --sheets 应在 1 到 500 之间", file=sys.stderr)
        return 2
    spec_path: Path = args.spec
    if not spec_path.is_file():
        raise ContentError([Problem(display_path(spec_path), 1, 1, "Q009", "找不到测验规格文件",
                                    "quiz spec file not found")])
    out = args.out if args.out is not None else Path("trainer-pack") / spec_path.stem
    if getattr(args, "preview", False) or not getattr(args, "write_exclude", None):
        _check_out(out, spec_path.stem, args.content)  # a folder not ours is refused before the slow work
    roster = None
    if args.roster is not None:
        roster, roster_problems = read_roster(args.roster)
        if any(p.is_error for p in roster_problems):
            raise ContentError(roster_problems)
    content, warnings = load_or_raise(args.content)
    spec, problems = load_spec(spec_path, content)
    if spec is None:
        raise ContentError(problems)
    wanted = getattr(args, "write_exclude", None)
    if wanted:
        entries = read_entries(wanted)
        if isinstance(entries, str):
            print(f"playbook quiz: 用法错误 (usage error): {entries}", file=sys.stderr)
            return 2
        cands = candidates(content, spec, args.seed)
        refused = cands.refusal(entries, spec)
        if refused:
            print(f"playbook quiz: 用法错误 (usage error): {refused}；没有写入", file=sys.stderr)
            return 2
        prompts = {q.id: q.prompt for qs in cands.every.values() for q in qs}
        added = add_excludes(spec_path, [Entry(e, prompts.get(e, "")) for e in entries])
        print(f"已把 {len(added)} 条写进 {display_path(spec_path)} 的 exclude（原文件备份为 "
              f"{display_path(spec_path)}.bak）(added {len(added)} exclusions)" if added else
              f"{display_path(spec_path)} 已经排除了这些题，没有改动 (nothing to add)")
        spec, problems = load_spec(spec_path, content)
        if spec is None:
            raise ContentError(problems)
        if not getattr(args, "preview", False):
            print_problems([p for p in problems if not p.is_error])
            return 0
    if getattr(args, "preview", False):
        print_problems([p for p in problems if not p.is_error])
        cands = candidates(content, spec, args.seed)
        page = preview_html(cands, spec, display_path(spec_path))
        written = publish_quiz({PREVIEW: page.encode("utf-8")}, out, spec.stem, args.content, preview=True)
        total = sum(len(qs) for qs in cands.every.values())
        print(f"题目预览：「{spec.title}」能抽的题 {total} 道 → {written[0]} (wrote 1 file)")
        return 0

    warnings = [p for p in problems if not p.is_error]
    quiz = build_quiz(content, spec, seed=args.seed, versions=args.versions)
    # The coverage report lists this quiz's questions the handbook also shows as practice. The site's
    # practice avoids the specs' own papers; papers of another --seed or --versions may meet it.
    shared = shown_as_practice(content, spec_path.parent, [q for paper in quiz.papers for q in paper])
    if shared and (args.seed is not None or args.versions is not None):
        places = sorted({w for ws in shared.values() for w in ws})
        shown = "、".join(places[:3]) + (f" 等 {len(places)} 处" if len(places) > 3 else "")
        warnings.append(Problem(
            display_path(spec_path), 1, 1, "Q010",
            f"用 --seed/--versions 出的这几套试卷有 {len(shared)} 道题也出现在手册网站的练习里（{shown}）：网站的练习只避开"
            "规格本身的试卷；要考这些题，请用规格里的 seed 和 versions，或看覆盖情况报告里是哪几道",
            f"{len(shared)} questions of these papers are shown as practice in the site", severity="warning"))
    print_problems(warnings)
    files = render(quiz, formats, roster=roster, blank_sheets=args.sheets, shared=shared)
    written = publish_quiz(files, out, spec.stem, args.content, preview=False)
    print(f"已生成「{spec.title}」{len(quiz.papers)} 套（{'、'.join(quiz.labels)}），每套 {len(quiz.papers[0])} 题，"
          f"{len(written)} 个文件 → {out} (wrote {len(written)} files)")
    return 0
