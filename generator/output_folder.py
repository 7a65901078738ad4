"""A folder of our own output, published all or nothing (``playbook grade``, ``report``, ``quiz``,
``checklist`` and the trainers' pack of ``playbook build``).

A command writes only into a folder that is new or holds its own earlier output, recognised by the
marker file ``.playbook-output.json`` (the command's kind and the relative paths of the files it
wrote). Anything else — a folder with someone's files and no marker, a file, the project itself —
is refused, never emptied. Publishing swaps in only our own files:

    problems = output_folder.refusals(out, "report", content=content)   # before the slow work
    output_folder.publish(out, "report", {"report.html": b"...", "charts/a.svg": b"..."}, content=content)

- every file is written into a temporary folder inside ``out`` first, then each of ours is moved in
  with ``os.replace``; files the marker lists that this run does not write are removed; any other
  file stays untouched. A failure midway puts the previous output back and leaves no temporary
  folder; a run that is killed leaves a marker naming every file that may be ours, and the next
  run tidies up.
- personal data and exams: files 0600, folders 0700, whatever the umask (``private=False`` for
  printables: 0644/0755). ``keep`` keeps earlier files a run does not write (checklists add up;
  a quiz run keeps its preview page); ``nested_in`` takes a spec's folder of a trainers' pack as
  the quiz's own.
- never inside the handbook site (``site_dir`` of the project's mkdocs.yml, real paths) or the
  content folder; ``--out`` through a symlink counts where it leads. Output naming people (grade,
  report) is also kept out of any folder a build made (its ``.playbook-site``), wherever it is.
- the marker's paths are checked (relative, no ``..``): a tampered marker cannot reach outside.

A refusal raises :class:`OutputRefused` (a usage error: the CLI exits 2); a failed write raises
:class:`OutputWriteFailed` with the previous output kept (exit 1).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from .problems import PlaybookError, Problem, display_path

MARKER = ".playbook-output.json"
"""Names a folder as our own output; lists what we wrote there."""
MARKER_FORMAT = 1
TMP_PREFIX = ".playbook-output-tmp-"
"""Temporary folders inside the output folder while publishing."""
PROJECT_SIGNS = (".git", ".hg", ".svn", "mkdocs.yml", "pyproject.toml")
"""Entries that say a folder holds a project, not output: never written into."""
FILE_MODE, DIR_MODE = 0o600, 0o700
"""Modes of private output (personal data, exams); shared printables get 0644/0755."""
SHARED_FILE_MODE, SHARED_DIR_MODE = 0o644, 0o755
_KEPT_OUT = {
    "grade": "输出含个人信息（姓名、成绩）",
    "report": "输出含个人信息（姓名、成绩）",
    "quiz": "试卷、答案和考试题目不能让学员看到，",
    "trainer-pack": "试卷、答案和考试题目不能让学员看到，",
}
"""Why a kind's output must stay out of the site and content folders (the default: the site is
replaced whole by each build and content/ holds only content)."""
PERSONAL_KINDS = ("grade", "report")
"""Kinds whose output names people: also kept out of any site `playbook build` made (its marker)."""
_ABOUT = "playbook 用这个文件认出自己的输出目录，并且只替换 files 里列出的文件；请不要删除或修改它。"


class OutputRefused(PlaybookError):
    """The output folder is not ours to write into (a usage error: exit 2)."""

    exit_code = 2  # EXIT_USAGE


class OutputWriteFailed(PlaybookError):
    """Writing failed midway; the previous output is back in place (exit 1)."""


def _refused(out: Path, code: str, message: str, detail: str) -> OutputRefused:
    return OutputRefused([Problem(display_path(out), 1, 1, code, message, detail)])


# ---------------------------------------------------------------------------------------------
# Where output must never go: the site and the content of the project(s) around us.

class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml may carry tags (``!ENV``, ``!!python/name:``); we only need plain keys."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _find_upward(start: Path, name: str = "mkdocs.yml") -> Path | None:
    for folder in (start, *start.parents):
        if (folder / name).is_file():
            return folder / name
    return None


def _existing_ancestor(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _config_folders(config: Path) -> list[tuple[Path, str]]:
    """(real folder, what it is) for the site, docs and content folders one mkdocs.yml names."""
    base = Path(os.path.realpath(config)).parent
    try:
        data = yaml.load(config.read_text(encoding="utf-8-sig"), Loader=_TolerantLoader)  # noqa: S506 - safe subclass
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None
    data = data if isinstance(data, dict) else {}

    def setting(value: object, default: str | None) -> str | None:
        return value if isinstance(value, str) and value.strip() else default

    named = [(setting(data.get("site_dir"), "site"), "网站目录 (site_dir)"),
             (setting(data.get("docs_dir"), "docs"), "内容目录 (docs_dir)")]
    for plugin in data.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("playbook"), dict):
            named.append((setting(plugin["playbook"].get("content_dir"), None), "内容目录 (content_dir)"))
    return [(Path(os.path.realpath(base / value)), what) for value, what in named if value]


def protected_folders(out: Path, *, content: Path | None = None, config: Path | None = None) -> list[tuple[Path, str]]:
    """Real paths output must stay out of: for the mkdocs.yml given, the one beside or above the
    content folder, the one found from the working folder upward and the one found from ``out``
    upward — each one's ``site_dir`` (default ``site``), ``docs_dir`` and plugin ``content_dir``;
    and the content folder itself."""
    configs: list[Path] = []
    if config is not None and config.is_file():
        configs.append(config)
    starts = [Path.cwd(), _existing_ancestor(Path(os.path.realpath(out)))]
    if content is not None:
        starts.insert(0, _existing_ancestor(Path(os.path.realpath(content))))
    for start in starts:
        found = _find_upward(start)
        if found is not None:
            configs.append(found)
    folders: list[tuple[Path, str]] = []
    seen: set[str] = set()
    for cfg in configs:
        key = os.path.realpath(cfg)
        if key not in seen:
            seen.add(key)
            folders += _config_folders(cfg)
    if content is not None:
        folders.append((Path(os.path.realpath(content)), "内容目录"))
    return folders


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


# ---------------------------------------------------------------------------------------------
# The marker.

def clean_relative(name: object) -> str | None:
    """``name`` as a safe relative POSIX path inside an output folder, or None: no absolute paths,
    no ``..`` / ``.`` / empty parts, no backslashes, not the marker or a temporary folder."""
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        return None
    parts = name.split("/")
    if PurePosixPath(name).is_absolute() or any(p in ("", ".", "..") for p in parts):
        return None
    if parts[0] == MARKER or parts[0].startswith(TMP_PREFIX):
        return None
    return name


@dataclass(frozen=True)
class Marker:
    kind: str
    files: tuple[str, ...]
    pending: str | None = None
    """A temporary folder of a run that did not finish (removed by the next run)."""

    def to_bytes(self) -> bytes:
        data: dict[str, object] = {"playbook_output": MARKER_FORMAT, "kind": self.kind, "about": _ABOUT,
                                   "files": sorted(self.files)}
        if self.pending:
            data["pending"] = self.pending
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_marker(folder: Path, shown: Path) -> Marker | None:
    """The marker of ``folder`` (None when there is none); a damaged or tampered one is refused."""
    path = folder / MARKER
    if not path.exists() and not path.is_symlink():
        return None
    def damaged(why: str) -> OutputRefused:
        return _refused(shown, "O003", f"输出目录里的 {MARKER} 损坏或被改过（{why}）；"
                                       "请换一个新的 --out 目录，或确认里面的文件后把这个目录移走",
                        f"damaged output marker: {why}")
    if path.is_symlink() or not path.is_file():
        raise damaged("不是普通文件")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise damaged(f"读不了：{exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("kind"), str) or not isinstance(data.get("files"), list):
        raise damaged("缺少 kind 或 files")
    files = []
    for name in data["files"]:
        clean = clean_relative(name)
        if clean is None:
            raise damaged(f"路径 {name!r} 不在目录之内")
        files.append(clean)
    pending = data.get("pending")
    if pending is not None and not (isinstance(pending, str) and "/" not in pending and pending.startswith(TMP_PREFIX)
                                    and pending not in (".", "..")):
        raise damaged(f"pending {pending!r} 不对")
    return Marker(data["kind"], tuple(dict.fromkeys(files)), pending)


# ---------------------------------------------------------------------------------------------
# Checking a folder before writing.

@dataclass(frozen=True)
class Target:
    """A folder we may write into: ``real`` (symlinks resolved) and its earlier marker, if any."""

    shown: Path
    real: Path
    kind: str
    marker: Marker | None


def examine(out: Path, kind: str, *, content: Path | None = None, config: Path | None = None,
            unmarked: Unmarked | None = None, nested_in: tuple[str, ...] = ()) -> Target:
    """Decide whether ``out`` may take ``kind``'s output; raises :class:`OutputRefused` if not.

    ``nested_in``: kinds whose output may hold ours as a subfolder (a spec's folder in the trainers'
    pack): an unmarked folder whose every file the parent's marker of such a kind lists is ours."""
    real = Path(os.path.realpath(out))
    shown = Path(out)
    protected = protected_folders(out, content=content, config=config)
    for folder, what in protected:
        if _within(real, folder):
            why = _KEPT_OUT.get(kind, "网站目录每次生成都会整个替换、内容目录只放内容，")
            raise _refused(shown, "O002", f"{why}不能写进手册的{what} {display_path(folder)}/；"
                                          "请换一个目录，例如 results/", f"output inside {folder}")
    site = _built_site(real) if kind in PERSONAL_KINDS else None
    if site is not None:  # a site built elsewhere or deployed, whatever mkdocs.yml is near
        raise _refused(shown, "O002", f"{_KEPT_OUT[kind]}不能写进 playbook build 生成的手册网站 {display_path(site)}/"
                                      f"（那里有 {SITE_MARKER}）；请换一个目录，例如 results/", f"output inside the built site {site}")
    signs = [s for s in PROJECT_SIGNS if os.path.lexists(real / s)] if real.is_dir() else []
    if signs:
        raise _refused(shown, "O001", f"这个目录装着一个项目（有 {'、'.join(signs)}），不能当输出目录；"
                                      "请换一个新目录，例如 results/", "output folder holds a project")
    for folder, what in protected:
        if folder.exists() and _within(folder, real):
            raise _refused(shown, "O001", f"这个目录里面有手册的{what} {display_path(folder)}/，装着项目，不能当输出目录；"
                                          "请换一个新目录，例如 results/", "output folder holds the project")
    if not real.exists():
        if os.path.lexists(out):  # a dangling link: no folder is created behind it
            raise _refused(shown, "O001", "输出位置是一个指向不存在位置的链接；请换一个目录", "dangling symlink")
        return Target(shown, real, kind, None)
    if not real.is_dir():
        raise _refused(shown, "O001", "输出位置是一个文件，不是目录；请换一个目录", "--out is a file")
    marker = read_marker(real, shown)
    if marker is None:
        try:
            entries = sorted(os.listdir(real))
        except OSError as exc:
            raise _refused(shown, "O001", f"输出目录读不了（{exc.strerror}）；请换一个目录", str(exc)) from exc
        adopted = _earlier_output(real, kind, entries, unmarked) or _nested_output(real, kind, nested_in)
        if adopted is not None:
            return Target(shown, real, kind, adopted)
        if entries:
            listed = "、".join(entries[:3]) + ("……" if len(entries) > 3 else "")
            raise _refused(shown, "O001", f"这个目录里已有别的文件（{listed}），不是 playbook {kind} 的输出目录，"
                                          "不会覆盖或清空；请换一个新目录，或把里面的文件移走", f"not empty and no {MARKER}")
    elif marker.kind != kind:
        raise _refused(shown, "O001", f"这是 playbook {marker.kind} 的输出目录，不能写 playbook {kind} 的输出；请换一个目录",
                       f"output of '{marker.kind}', not '{kind}'")
    return Target(shown, real, kind, marker)


@dataclass(frozen=True)
class Unmarked:
    """What a command wrote before output folders had a marker (release 2): a folder holding only
    that is taken as its own earlier output, so an upgrade does not refuse results/."""

    files: frozenset[str]
    folders: Mapping[str, str | None]
    """folder -> the suffix of the files in it that are ours, or None for a folder we leave alone
    (another command's output inside ours, such as results/report)."""


def _earlier_output(real: Path, kind: str, entries: list[str], unmarked: Unmarked | None) -> Marker | None:
    """A marker for an unmarked folder that holds only what ``kind`` wrote before markers existed;
    None for any other folder."""
    if unmarked is None:
        return None
    ours: list[str] = []
    for entry in entries:
        path = real / entry
        if entry in unmarked.files and path.is_file() and not path.is_symlink():
            ours.append(entry)
        elif entry in unmarked.folders and path.is_dir() and not path.is_symlink():
            suffix = unmarked.folders[entry]
            if suffix is not None:
                inside = sorted(os.listdir(path))
                if not all(n.endswith(suffix) and (path / n).is_file() and not (path / n).is_symlink() for n in inside):
                    return None
                ours += [f"{entry}/{n}" for n in inside]
        else:
            return None
    if not ours:
        return None
    return Marker(kind, tuple(ours), None)


def _nested_output(real: Path, kind: str, nested_in: tuple[str, ...]) -> Marker | None:
    """A marker for an unmarked folder inside the output of a ``nested_in`` kind whose marker lists
    every file in it; None for any other folder."""
    if not nested_in or real.parent == real:
        return None
    try:
        parent = read_marker(real.parent, real.parent)
    except OutputRefused:
        return None
    if parent is None or parent.kind not in nested_in:
        return None
    listed = set(parent.files)
    ours = []
    for folder, dirs, names in os.walk(real):
        rel = Path(folder).relative_to(real)
        if any((Path(folder) / d).is_symlink() for d in dirs):
            return None
        for name in names:
            inner = (rel / name).as_posix()
            if f"{real.name}/{inner}" not in listed or (Path(folder) / name).is_symlink():
                return None
            ours.append(inner)
    return Marker(kind, tuple(sorted(ours))) if ours else None


def _built_site(real: Path) -> Path | None:
    """The nearest folder at or above ``real`` that `playbook build` made (it holds the site marker)."""
    for folder in (real, *real.parents):
        if (folder / SITE_MARKER).is_file():
            return folder
    return None


def refusals(out: Path, kind: str, *, content: Path | None = None, config: Path | None = None,
             unmarked: Unmarked | None = None, nested_in: tuple[str, ...] = ()) -> list[Problem]:
    """The problems that would refuse ``out`` (empty when it may be written): checked before slow work."""
    try:
        examine(out, kind, content=content, config=config, unmarked=unmarked, nested_in=nested_in)
    except OutputRefused as exc:
        return exc.problems
    return []


# ---------------------------------------------------------------------------------------------
# Publishing.

def _private_dir(path: Path, mode: int = DIR_MODE) -> None:
    os.mkdir(path, mode)
    os.chmod(path, mode)  # umask independent


def _make_dirs(path: Path, made: list[Path], mode: int = DIR_MODE) -> None:
    """``path`` and its missing parents (``mode``); each created folder appended to ``made``."""
    missing = []
    while not os.path.lexists(path):
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        _private_dir(folder, mode)
        made.append(folder)


def _write_file(path: Path, data: bytes, mode: int = FILE_MODE) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _real_parents(root: Path, name: str) -> bool:
    """Every folder between ``root`` and ``name`` is a real folder (not a link) or missing."""
    folder = root
    for part in name.split("/")[:-1]:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            return False
    return True


def _check_paths(target: Target, names: Iterable[str]) -> None:
    for name in names:
        where = target.real / name
        if not _real_parents(target.real, name) or (where.is_dir() and not where.is_symlink()):
            raise _refused(target.shown, "O001", f"输出目录里的 {name} 被一个同名的目录、文件或链接挡住了；"
                                                 "请把它移走，或换一个目录", f"path in the way: {name}")


def _tidy(target: Target) -> None:
    """A temporary folder an interrupted run named in the marker."""
    if target.marker and target.marker.pending:
        leftover = target.real / target.marker.pending
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def publish(out: Path, kind: str, files: Mapping[str, bytes], *, content: Path | None = None,
            config: Path | None = None, unmarked: Unmarked | None = None, nested_in: tuple[str, ...] = (),
            keep: Callable[[str], bool] | None = None, private: bool = True) -> Path:
    """Write ``files`` (relative POSIX path -> bytes) into ``out`` as ``kind``'s output, all or
    nothing. Returns the real folder. Raises :class:`OutputRefused` or :class:`OutputWriteFailed`.

    Files of the earlier output this run does not write are removed, except those ``keep`` accepts
    (they stay, still ours). ``private`` False writes 0644 files in 0755 folders (printables)."""
    names = []
    for name in files:
        clean = clean_relative(name)
        if clean is None:
            raise ValueError(f"not a relative path inside the output folder: {name!r}")
        names.append(clean)
    target = examine(out, kind, content=content, config=config, unmarked=unmarked, nested_in=nested_in)
    file_mode, dir_mode = (FILE_MODE, DIR_MODE) if private else (SHARED_FILE_MODE, SHARED_DIR_MODE)
    old = target.marker
    previous = old.files if old else ()
    kept_too = [n for n in previous if n not in files and keep is not None and keep(n)]
    stale = [n for n in previous if n not in files and n not in kept_too and _real_parents(target.real, n)]
    _check_paths(target, names)
    made: list[Path] = []   # folders this run created, for the way back
    moved: list[tuple[Path, Path | None]] = []  # (path in out, its earlier file kept in the stage) in order
    stage: Path | None = None
    try:
        _make_dirs(target.real, made, dir_mode)
        os.chmod(target.real, dir_mode)
        _tidy(target)
        stage = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=target.real))
        os.chmod(stage, DIR_MODE)
        new, kept = stage / "new", stage / "old"
        _private_dir(new)
        _private_dir(kept)
        for name in names:
            _make_dirs((new / name).parent, [], dir_mode)
            _write_file(new / name, files[name], file_mode)
        _write_file(new / MARKER, Marker(kind, tuple([*names, *kept_too])).to_bytes(), file_mode)
        # While swapping, the marker names everything that may be ours and the stage to remove.
        _write_file(stage / MARKER, Marker(kind, tuple(dict.fromkeys([*previous, *names])), stage.name).to_bytes(),
                    file_mode)
        _swap(stage / MARKER, target.real / MARKER, kept, MARKER, moved)
        for name in names:
            _make_dirs((target.real / name).parent, made, dir_mode)
            _swap(new / name, target.real / name, kept, name, moved)
        for name in stale:
            _swap(None, target.real / name, kept, name, moved)
        os.replace(new / MARKER, target.real / MARKER)
    except BaseException as exc:
        _roll_back(moved)
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        for folder in reversed(made):  # only the ones this run created, and only when empty again
            try:
                os.rmdir(folder)
            except OSError:
                pass
        if isinstance(exc, OSError):
            why = exc.strerror or str(exc)
            raise OutputWriteFailed([Problem(display_path(out), 1, 1, "O004",
                                             f"输出没写成（{why}），原来的输出保持不变；请检查权限和磁盘空间，或换一个目录",
                                             f"{type(exc).__name__}: {exc}")]) from exc
        raise
    shutil.rmtree(stage, ignore_errors=True)
    _remove_empty_parents(target.real, stale)
    return target.real


def _swap(new: Path | None, path: Path, kept: Path, name: str, moved: list[tuple[Path, Path | None]]) -> None:
    """Move the file at ``path`` (if any) into ``kept``, then ``new`` (if any) into ``path``."""
    backup = None
    if os.path.lexists(path):
        if path.is_dir() and not path.is_symlink():
            if new is None:
                return  # a folder where our file was: not ours any more, left alone
            raise IsADirectoryError(21, "同名的目录挡住了输出文件", str(path))
        backup = kept / name
        _make_dirs(backup.parent, [])
        os.replace(path, backup)
    moved.append((path, backup))
    if new is not None:
        os.replace(new, path)


def _roll_back(moved: list[tuple[Path, Path | None]]) -> None:
    """Undo the swaps in reverse: our new files out, the earlier ones back."""
    for path, backup in reversed(moved):
        try:
            if backup is not None:
                os.replace(backup, path)
            elif os.path.lexists(path):
                os.unlink(path)
        except OSError:
            pass


def _remove_empty_parents(root: Path, removed: Iterable[str]) -> None:
    """Folders that held only our files we no longer write (e.g. ``charts/``), if now empty."""
    folders = {p for name in removed for p in PurePosixPath(name).parents if str(p) != "."}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        try:
            os.rmdir(root / folder)
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------
# The handbook site: replaced whole by `playbook build`, so it must be new, empty or our own site.

SITE_MARKER = ".playbook-site"
"""Written into every site `playbook build` makes: the folder may be replaced by the next build."""
SITE_MARKER_TEXT = "playbook build 生成的手册网站；下次生成时整个目录会被替换。请不要把自己的文件放在这里。\n"
_EARLIER_SITE = ("assets/javascripts/playbook.js", "search/search_index.json")
"""What a site of an earlier release (before the marker) always holds."""


def check_site_folder(site: Path) -> None:
    """Refuse (O005, exit 2) a site folder (a real path) a build would replace that is not new, empty
    or a site this tool built: a build swaps the whole folder, so someone's files there would be lost."""
    shown = Path(display_path(site))
    if not site.exists():
        return
    if not site.is_dir():
        raise _refused(shown, "O005", "网站目录位置是一个文件，不是 playbook build 生成的网站；请换一个目录",
                       "site dir is a file")
    signs = [name for name in PROJECT_SIGNS if (site / name).exists()]
    if signs:
        raise _refused(shown, "O005", f"网站目录装着一个项目（有 {'、'.join(signs)}），生成网站会整个替换它；请换一个目录",
                       "site dir holds a project")
    try:
        entries = sorted(e.name for e in site.iterdir())
    except OSError as exc:
        raise _refused(shown, "O005", f"网站目录读不了（{exc.strerror}）；请换一个目录", str(exc)) from exc
    if not entries or (site / SITE_MARKER).is_file() or all((site / f).is_file() for f in _EARLIER_SITE):
        return
    listed = "、".join(entries[:3]) + ("……" if len(entries) > 3 else "")
    raise _refused(shown, "O005", f"网站目录里已有别的文件（{listed}），不是 playbook build 生成的网站；生成网站会整个"
                   "替换这个目录，所以不会写进去；请换一个新目录，或先把要留的文件移走", "site dir holds other files")
