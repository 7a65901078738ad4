"""What changed in the procedures, at the level staff care about: a step added, removed or renamed,
a phrase reworded, a time limit changed. Computed by comparing the content model of two git
revisions (each loaded and validated like the working tree), never by a text diff.

- ``compare(old, new)``: the changes between two loaded contents, per procedure.
- ``history(content)``: the last few revisions that touched content/, newest first (the 最近更新 page).
  What the commits changed is kept in the print cache under their ids (a commit id names its whole
  history), so a build loads the content at earlier revisions only when a commit is new.
- ``changed_since(content, since)``: the procedure ids that changed since a revision or a date
  (read-and-sign sheets mark these 需重新确认).
- ``run``: ``playbook changes [--since REV|DATE]``.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import io
import json
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .content import Content
from .loader import load_content
from .model import InlinePhrase, Procedure, Step
from .print import cache as print_cache
from .problems import PlaybookError, Problem

CLI = "命令行"
HISTORY = 8
"""Revisions the 最近更新 page goes back (each is one content load)."""
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Change:
    kind: str
    """procedure-added, procedure-removed, title, step-added, step-removed, step-renamed, steps-reordered,
    phrase-reworded, phrase-added, phrase-removed, timing, must, never, points, summary, notes."""
    text: str
    """What an employee reads (Chinese)."""


@dataclass(frozen=True)
class ProcedureChanges:
    id: str
    title: str
    changes: tuple[Change, ...]
    removed: bool = False


@dataclass(frozen=True)
class Revision:
    """One step back in history: the procedures a commit (or the uncommitted work) changed."""

    rev: str
    """Short commit id, or "" for uncommitted changes."""
    date: datetime | None
    procedures: tuple[ProcedureChanges, ...]

    @property
    def day(self) -> str:
        return self.date.date().isoformat() if self.date else "未提交"


# --- comparing two content models -------------------------------------------------------------

def _phrase_texts(content: Content, step: Step) -> list[str]:
    out = []
    for use in step.phrases:
        if isinstance(use, InlinePhrase):
            out.append(use.text)
        elif use in content.phrases:
            out.append(content.phrases[use].text)
    return out


def _q(text: str) -> str:
    return f"「{text}」"


def _list_changes(old: list[str], new: list[str], kind: str, what: str, where: str) -> list[Change]:
    """Item changes of one list: reworded (replaced one for one), added, removed."""
    out = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = old[a0:a1], new[b0:b1]
        paired = min(len(olds), len(news)) if op == "replace" else 0
        for o, n in zip(olds[:paired], news[:paired]):
            verb = "改写" if kind.startswith("phrase") else "改为"
            out.append(Change(kind if not kind.startswith("phrase") else "phrase-reworded",
                              f"{where}{what}{verb}：{_q(n)}（原为{_q(o)}）"))
        for o in olds[paired:]:
            out.append(Change("phrase-removed" if kind.startswith("phrase") else kind, f"{where}删除{what}：{_q(o)}"))
        for n in news[paired:]:
            out.append(Change("phrase-added" if kind.startswith("phrase") else kind, f"{where}新增{what}：{_q(n)}"))
    return out


def _match_steps(old: list[Step], new: list[Step]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """(old index, new index) pairs of the same step (same title, else a close renamed one), and
    the old steps removed and the new steps added."""
    pairs: list[tuple[int, int]] = []
    free_new = list(range(len(new)))
    free_old = []
    for i, s in enumerate(old):
        j = next((j for j in free_new if new[j].title == s.title), None)
        if j is None:
            free_old.append(i)
        else:
            pairs.append((i, j))
            free_new.remove(j)
    removed = []
    for i in free_old:
        scored = [(difflib.SequenceMatcher(a=old[i].title, b=new[j].title).ratio(), j) for j in free_new]
        best = max(scored, default=(0.0, -1))
        # a renamed step: a close title, or the only step that changed at the same position
        if best[0] >= 0.5 or (len(free_old) == len(free_new) and i in free_new and i == best[1]):
            pairs.append((i, best[1]))
            free_new.remove(best[1])
        else:
            removed.append(i)
    return sorted(pairs), removed, free_new


def compare_procedure(old_c: Content, old: Procedure, new_c: Content, new: Procedure) -> list[Change]:
    changes: list[Change] = []
    if old.title != new.title:
        changes.append(Change("title", f"流程改名：{_q(old.title)} → {_q(new.title)}"))
    if old.summary != new.summary:
        changes.append(Change("summary", "流程说明有改动"))
    pairs, removed, added = _match_steps(list(old.steps), list(new.steps))
    for i in removed:
        changes.append(Change("step-removed", f"删除步骤：{_q(old.steps[i].title)}"))
    for j in added:
        changes.append(Change("step-added", f"新增第 {j + 1} 步：{_q(new.steps[j].title)}"))
    if [j for _, j in pairs] != sorted(j for _, j in pairs):
        changes.append(Change("steps-reordered", "步骤顺序有调整"))
    for i, j in pairs:
        a, b = old.steps[i], new.steps[j]
        where = f"第 {j + 1} 步{_q(b.title)}"
        if a.title != b.title:
            changes.append(Change("step-renamed", f"第 {j + 1} 步改名：{_q(a.title)} → {_q(b.title)}"))
        changes += _list_changes(_phrase_texts(old_c, a), _phrase_texts(new_c, b), "phrase", "规范用语", where)
        changes += _list_changes(list(a.timing), list(b.timing), "timing", "时限", where)
        changes += _list_changes(list(a.must), list(b.must), "must", "必须做到", where)
        changes += _list_changes(list(a.never), list(b.never), "never", "严禁", where)
        if list(a.points) != list(b.points):
            changes.append(Change("points", f"{where}的做法有改动"))
    changes += _list_changes(list(old.must), list(new.must), "must", "必须做到", "整个流程")
    changes += _list_changes(list(old.never), list(new.never), "never", "严禁", "整个流程")
    if list(old.notes) != list(new.notes):
        changes.append(Change("notes", "注意事项有改动"))
    return changes


def compare(old: Content | None, new: Content) -> list[ProcedureChanges]:
    """Every procedure that changed from ``old`` to ``new`` (None: nothing before), in content order,
    removed procedures last."""
    old_procs = old.procedures if old is not None else {}
    out = []
    for pid, proc in new.procedures.items():
        if pid not in old_procs:
            out.append(ProcedureChanges(pid, proc.title, (Change("procedure-added", "新增流程"),)))
            continue
        assert old is not None
        found = compare_procedure(old, old_procs[pid], new, proc)
        if found:
            out.append(ProcedureChanges(pid, proc.title, tuple(found)))
    for pid, proc in old_procs.items():
        if pid not in new.procedures:
            out.append(ProcedureChanges(pid, proc.title, (Change("procedure-removed", "流程已删除"),), removed=True))
    return out


# --- git ---------------------------------------------------------------------------------------

def _git(root: Path, *args: str, binary: bool = False) -> str | bytes | None:
    try:
        proc = subprocess.run(["git", "-c", "core.quotepath=false", "-C", str(root), *args],
                              capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout if binary else proc.stdout.decode("utf-8", "replace")


def in_git(root: Path) -> bool:
    out = _git(root, "rev-parse", "--is-inside-work-tree")
    return isinstance(out, str) and out.strip() == "true" and _git(root, "rev-parse", "--verify", "-q", "HEAD") is not None


_LOADED: dict[str, Content] = {}


def content_at(root: Path, rev: str) -> Content:
    """The content directory as it was at a revision, loaded and validated (empty if it did not
    exist yet). Items that were invalid then are left out; cached by the directory's tree id."""
    prefix = _git(root, "rev-parse", "--show-prefix")
    prefix = prefix.strip() if isinstance(prefix, str) else ""
    tree = _git(root, "rev-parse", "--verify", "-q", f"{rev}:{prefix}")
    if not isinstance(tree, str) or not tree.strip():
        return Content(root=root)
    key = tree.strip()
    if key in _LOADED:
        return _LOADED[key]
    top = _git(root, "rev-parse", "--show-toplevel")  # archive a tree from the top: in a subfolder
    data = _git(Path(top.strip()) if isinstance(top, str) else root, "archive", "--format=tar", key, binary=True)
    with tempfile.TemporaryDirectory(prefix="playbook-rev-") as tmp:
        if isinstance(data, bytes):
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                tar.extractall(tmp, filter="data")
        loaded, _problems = load_content(Path(tmp), base=Path(tmp))
    loaded.root = root
    if len(_LOADED) > 32:
        _LOADED.clear()
    _LOADED[key] = loaded
    return loaded


def _problem(code: str, message: str, detail: str) -> PlaybookError:
    return PlaybookError([Problem(CLI, 1, 1, code, message, detail)])


def resolve(root: Path, since: str) -> tuple[str | None, str]:
    """(commit id or None for "before the first commit", how to name it) of --since REV|DATE."""
    if not in_git(root):
        raise _problem("H004", f"内容目录 `{root}` 不在 git 仓库里（或还没有提交），无法比较版本；请先 `git init` 并提交",
                       "content is not in a git repository with commits")
    if _DATE.match(since):
        try:
            datetime.fromisoformat(since)
        except ValueError as exc:
            raise _problem("H003", f"日期 `{since}` 不存在；请写 YYYY-MM-DD，例如 2024-05-01",
                           "invalid date") from exc
        out = _git(root, "rev-list", "-1", f"--before={since}T00:00:00", "HEAD")
        commit = out.strip() if isinstance(out, str) else ""
        return (commit or None), since
    out = _git(root, "rev-parse", "--verify", "-q", f"{since}^{{commit}}")
    if not isinstance(out, str) or not out.strip():
        raise _problem("H003", f"找不到 git 版本 `{since}`；请写提交号、标签、分支名（如 HEAD~3）或日期 YYYY-MM-DD",
                       "unknown revision")
    return out.strip(), since


def changes_since(content: Content, since: str) -> list[ProcedureChanges]:
    """What changed from a revision (or the last commit before a date) to the working content."""
    commit, _ = resolve(content.root, since)
    old = content_at(content.root, commit) if commit else None
    return compare(old, content)


def changed_since(content: Content, since: str) -> set[str]:
    return {p.id for p in changes_since(content, since) if not p.removed}


def history(content: Content, limit: int = HISTORY) -> list[Revision] | None:
    """The last ``limit`` commits that changed content/ (and uncommitted changes first), newest
    first, each with the procedures it changed. None when the content is not in git."""
    root = content.root
    if not root.is_dir() or not in_git(root):
        return None
    log = _git(root, "log", f"-n{limit}", "--format=%H %cI", "--", ".")
    commits = [line.split(" ", 1) for line in (log or "").splitlines() if isinstance(log, str) and " " in line]
    revisions = []
    if commits:
        now = compare(content_at(root, "HEAD"), content)
        if now:
            revisions.append(Revision("", None, tuple(now)))
    return revisions + _committed(root, commits)


_HISTORY_FORMAT = "playbook-history-1"
"""Bumped when a history entry's layout changes."""


def _committed(root: Path, commits: list[list[str]]) -> list[Revision]:
    """What each of ``commits`` (id, date; newest first) changed, from the print cache when these
    commits were seen before with this code, else loaded and compared (then kept)."""
    prefix = _git(root, "rev-parse", "--show-prefix")
    key = hashlib.sha256("\n\x00".join([_HISTORY_FORMAT, print_cache.code_identity(),
                                         prefix if isinstance(prefix, str) else "",
                                         *(" ".join(c) for c in commits)]).encode("utf-8")).hexdigest()
    kept = print_cache.read_blob("history", key)
    if kept is not None:
        try:
            return [_revision(item) for item in json.loads(kept)]
        except (ValueError, KeyError, TypeError):
            print_cache.drop_blob("history", key)
    revisions = []
    for n, (commit, when) in enumerate(commits):
        before = content_at(root, commits[n + 1][0]) if n + 1 < len(commits) else content_at(root, f"{commit}^")
        found = compare(before if before.procedures or n + 1 < len(commits) else None, content_at(root, commit))
        if found:
            revisions.append(Revision(commit[:7], datetime.fromisoformat(when), tuple(found)))
    print_cache.write_blob("history", key, json.dumps([dataclasses.asdict(r) for r in revisions], default=str,
                                                      ensure_ascii=False).encode("utf-8"))
    return revisions


def _revision(item: dict) -> Revision:
    """A Revision back from its cached JSON (``dataclasses.asdict``, the date as ISO text)."""
    return Revision(item["rev"], datetime.fromisoformat(item["date"]) if item["date"] else None, tuple(
        ProcedureChanges(p["id"], p["title"], tuple(Change(c["kind"], c["text"]) for c in p["changes"]), p["removed"])
        for p in item["procedures"]))


# --- playbook changes --------------------------------------------------------------------------

def format_changes(items: list[ProcedureChanges]) -> list[str]:
    lines = []
    for p in items:
        lines.append(f"  {p.title}（{p.id}）")
        lines += [f"    - {c.text}" for c in p.changes]
    return lines
