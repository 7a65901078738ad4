"""Every output file of one quiz, rendered in memory first (then written all at once).

``playbook build`` goes through :func:`spec_outputs`, which reuses what did not change between builds
from the print cache (``print_cache.read_blob``; pruned with the PDFs). Two kinds of entries:

- a spec's whole set of files, keyed by the spec (as parsed), the content as loaded (every model),
  when the content last changed (the Anki deck's note time), ``SOURCE_DATE_EPOCH`` and the recipe
  (the generator's own files, installed packages, Python, zlib, fonts): a rebuild with nothing
  changed neither assembles nor renders the quiz;
- one version's files (paper, key, JSON, Moodle, GIFT, 题库, answer sheet), keyed by that version's
  quiz JSON and the 知识点 of its questions plus the recipe: after an edit the quiz is assembled
  again, but versions whose questions came out the same are not rendered again.

An entry is checked on read (SHA-256, then the exact list of files expected): a damaged or
mismatched entry is made again, never served. The files are the bytes :func:`render` makes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ..dates import content_changed
from ..print import cache as print_cache
from ..print import fonts
from ..problems import ContentError
from ..quiz.assemble import Quiz, build_quiz, label
from ..quiz.bank import topics
from ..quiz.candidates import candidates
from ..quiz.coverage import coverage, coverage_html
from ..quiz.practice import overlap
from ..quiz.spec import load_spec, spec_files
from ..sheet.sheet_files import BLANK_SHEETS, sheet_files
from ..timings import Timed, timer
from . import anki, gift, moodle, paper
from .formats import EXPORTS, FORMATS, file_names, version_names
from .preview import PREVIEW, preview_html
from .text_bank import text_bank
from .wesurvey import wesurvey
from .xlsx_bank import xlsx_bank

if TYPE_CHECKING:  # pragma: no cover
    from ..content import Content
    from ..quiz.spec import QuizSpec

def quiz_json_bytes(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


TOPIC_FORMATS = ("xlsx", "txt", "wesurvey")
"""The banks that name each question's 知识点 (computed over the whole quiz)."""

# The renderer of every format of the registry (:mod:`.formats`). A "version" renderer takes one
# version's quiz JSON and the 知识点 names of its questions; "sheets" takes every version's JSON with
# the spec file, roster and number of blank sheets; "quiz" takes the assembled quiz.
VERSION_RENDERERS: dict[str, Callable[[dict, dict[str, str]], tuple[bytes, ...]]] = {
    "pdf": lambda data, _names: (paper.paper_pdf(data), paper.key_pdf(data)),
    "html": lambda data, _names: (paper.paper_html(data).encode("utf-8"), paper.key_html(data).encode("utf-8")),
    "json": lambda data, _names: (quiz_json_bytes(data),),
    "moodle": lambda data, _names: (moodle.moodle_xml(data),),
    "gift": lambda data, _names: (gift.gift(data),),
    "xlsx": lambda data, names: (xlsx_bank(data, names),),
    "txt": lambda data, names: (text_bank(data, names),),
    "wesurvey": lambda data, names: (wesurvey(data, names),),
}
QUIZ_RENDERERS: dict[str, Callable[[Quiz], tuple[bytes, ...]]] = {
    "anki": lambda quiz: (anki.deck_bytes(quiz.pool, f"Playbook::{quiz.spec.title}", quiz.spec.stem, quiz.changed,
                                          reverse=quiz.spec.anki.reverse, type_in=quiz.spec.anki.type_in),),
}
_bound = {"version": set(VERSION_RENDERERS), "quiz": set(QUIZ_RENDERERS), "sheets": {"sheet"}}
if any(set(_bound[scope]) != {f.name for f in EXPORTS if f.scope == scope} for scope in _bound):
    raise ImportError("exports.formats and the renderers in exports.quiz_files disagree: bind every format once")


def render(quiz: Quiz, formats=FORMATS, timings: dict[str, float] | None = None, roster=None,
           blank_sheets: int | None = None, shared: dict[str, list[str]] | None = None) -> dict[str, bytes]:
    """file name -> bytes for the requested formats, plus the coverage report.

    ``roster`` (trainees) makes one personalised answer sheet each; otherwise ``blank_sheets``
    numbered sheets per version. ``shared``: exam question id -> where the handbook shows it as
    practice (``practice.overlap``), listed in the coverage report."""

    timed = timer(timings)
    files: dict[str, bytes] = {}
    names = topics(quiz) if any(f in formats for f in TOPIC_FORMATS) else {}
    for i in range(len(quiz.labels)):
        files.update(version_files(quiz.to_json(i), formats, names, timed))
    if "sheet" in formats:
        versions = [quiz.to_json(i) for i in range(len(quiz.labels))]
        files.update(timed("sheet", lambda: sheet_files(
            versions, spec_file=_spec_file(quiz.spec), roster=roster,
            blank=BLANK_SHEETS if blank_sheets is None else blank_sheets)))
    files.update(quiz_files(quiz, formats, timed, shared))
    return dict(sorted(files.items()))


def version_files(data: dict, formats=FORMATS, topic_names: dict[str, str] | None = None,
                  timed: Timed | None = None) -> dict[str, bytes]:
    """The files of one version made from its quiz JSON alone (all but the answer sheet)."""

    timed = timed or timer(None)
    files: dict[str, bytes] = {}
    for f in EXPORTS:
        if f.name in formats and f.scope == "version":
            made = timed(f.name, lambda f=f: VERSION_RENDERERS[f.name](data, topic_names or {}))
            files.update(zip((name.format(v=data["version"]) for name in f.files), made, strict=True))
    return files


def quiz_files(quiz: Quiz, formats=FORMATS, timed: Timed | None = None,
               shared: dict[str, list[str]] | None = None) -> dict[str, bytes]:
    """The files made from the whole quiz: the Anki deck and the coverage report."""

    timed = timed or timer(None)
    files: dict[str, bytes] = {}
    for f in EXPORTS:
        if f.name in formats and f.scope == "quiz":
            made = timed(f.name, lambda f=f: QUIZ_RENDERERS[f.name](quiz))
            files.update(zip((name.format(stem=quiz.spec.stem) for name in f.files), made, strict=True))
    cov = timed("coverage", lambda: coverage(quiz, shared))
    files["coverage.json"] = quiz_json_bytes(cov)
    files["coverage.html"] = coverage_html(cov).encode("utf-8")
    return files


def _spec_file(spec: QuizSpec) -> str:
    return spec.path or f"{spec.stem}.yaml"


# ---------------------------------------------------------------------------------------------
# `playbook build`: reuse between builds.

CACHE_FOLDER = "quiz"
CACHE_FORMAT = "playbook-quiz-outputs-2"
"""Bumped when a bundle's layout or a key's recipe changes."""


def spec_outputs(content: Content, quizzes_dir: Path) -> dict[str, tuple[str, dict[str, bytes]]]:
    """Every spec, every format: spec stem -> (title, file name -> bytes), as ``playbook quiz``
    writes them, with ``playbook quiz --preview``'s page; what did not change since an earlier build
    comes from the cache (see the module docstring). Specs are checked against the content first
    (ContentError listing every problem)."""

    paths = spec_files(quizzes_dir)
    shared = overlap(content, quizzes_dir) if paths else {}
    reuse = print_cache.cache_dir() is not None
    made: dict[Path, tuple[str, dict[str, bytes]] | None] = {p: None for p in paths}
    state = _Reuse(content, shared) if reuse and paths else None
    if state is not None:
        for path in paths:
            made[path] = _reused_spec(path, state, _pack_spec_file(quizzes_dir, path))
    missing = [p for p in paths if made[p] is None]
    loaded, problems = [], []
    for path in missing:
        spec, found = load_spec(path, content)
        problems += found
        loaded.append((path, spec))
    if any(p.is_error for p in problems):
        raise ContentError(sorted(set(problems)))
    for path, spec in loaded:
        if spec is not None:
            made[path] = (spec.title, site_files(content, spec, state, shared, _pack_spec_file(quizzes_dir, path)))
    return {path.stem: got for path, got in made.items() if got is not None}


def _pack_spec_file(quizzes_dir: Path, path: Path) -> str:
    """The spec as the pack's preview names it (``quizzes/x.yaml``): the same wherever the build ran."""
    return f"{quizzes_dir.name}/{path.name}"


def site_files(content: Content, spec: QuizSpec, state: _Reuse | None = None,
               shared: dict[str, list[str]] | None = None, spec_file: str | None = None) -> dict[str, bytes]:
    """Every file of one spec (all formats, blank answer sheets) as :func:`render` makes them, and
    the page previewing every question the spec can draw;
    with ``state`` (the cache is on), versions whose quiz JSON is unchanged are reused, and the
    whole set is kept for the next build."""

    quiz = build_quiz(content, spec)
    names = topics(quiz)
    files: dict[str, bytes] = {}
    for i in range(len(quiz.labels)):
        data = quiz.to_json(i)
        mine = {q["id"]: names.get(q["id"], "") for q in data["questions"]}
        expected = version_names(data["version"])
        key = state.version_key(data, mine, BLANK_SHEETS) if state is not None else None
        hit = _read(key, expected) if key is not None else None
        if hit is None:
            hit = version_files(data, FORMATS, mine)
            hit.update(sheet_files([data], spec_file=_spec_file(spec), blank=BLANK_SHEETS))
            if key is not None:
                _store(key, hit, expected)
        files.update(hit)
    files.update(quiz_files(quiz, FORMATS, shared=shared))
    spec_file = spec_file or _spec_file(spec)
    files[PREVIEW] = preview_html(candidates(content, spec, None), spec, spec_file).encode("utf-8")
    files = dict(sorted(files.items()))
    if state is not None:
        _store(state.spec_key(spec, quiz.changed, spec_file), files, pack_names(spec.stem, quiz.labels))
    return files


def pack_names(stem: str, labels: list[str]) -> list[str]:
    """A spec's files in the trainers' pack: what `playbook quiz` writes, and the question preview."""
    return [*file_names(stem, labels), PREVIEW]


class _Reuse:
    """What every key shares in one build: the recipe, the content as loaded and when it last changed."""

    def __init__(self, content: Content, shared: dict[str, list[str]] | None = None) -> None:
        self.shared = json.dumps(shared or {}, ensure_ascii=False, sort_keys=True)
        """The exam questions the site also shows as practice: in every coverage report."""
        self.recipe = recipe()
        self.fingerprint = content_fingerprint(content)
        when = content_changed(content.root, content.files)  # exactly as the quiz's assembly asks
        self.changed = when.timestamp() if when else None

    def version_key(self, data: dict, topic_names: dict[str, str], blank_sheets: int) -> str:
        return _key("version", self.recipe, json.dumps([data, topic_names, blank_sheets], ensure_ascii=False,
                                                      sort_keys=True))

    def spec_key(self, spec: QuizSpec, changed: float | None, spec_file: str) -> str:
        return _key("spec", self.recipe, self.fingerprint, f"changed={changed!r}", f"file={spec_file}",
                    f"SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}", f"stem={spec.stem}",
                    spec.model_dump_json(), f"shared={self.shared}")


def _reused_spec(path: Path, state: _Reuse, spec_file: str) -> tuple[str, dict[str, bytes]] | None:
    """The title and files of a spec kept by an earlier build with the same inputs, or None. The
    spec is only parsed here: an entry exists only for a spec that was checked against this same
    content."""

    spec, problems = load_spec(path, None)
    if spec is None or any(p.is_error for p in problems):
        return None  # the full check reports it
    labels = [label(i) for i in range(spec.versions)]
    files = _read(state.spec_key(spec, state.changed, spec_file), pack_names(spec.stem, labels))
    return None if files is None else (spec.title, files)


def content_fingerprint(content: Content) -> str:
    """A SHA-256 of the content as loaded: every model in it (procedures, phrases, scenarios, terms,
    roles, domains), with ids, order and every field. Quizzes draw distractors from anywhere in it.
    Where items were written (file, line) is left out: no output shows it."""
    digest = hashlib.sha256()
    for f in dataclasses.fields(content):
        value = getattr(content, f.name)
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for item_id, item in items:
            if isinstance(item, BaseModel):
                digest.update(f"\x00{f.name}\x00{item_id}\x00".encode())
                digest.update(item.model_dump_json().encode("utf-8"))
    return digest.hexdigest()


def recipe() -> str:
    """What every output depends on besides its spec and content: Playbook's code
    (``print_cache.code_identity``), zlib (the xlsx and apkg zips) and the fonts."""
    return "\n".join([CACHE_FORMAT, print_cache.code_identity(), f"zlib={zlib.ZLIB_RUNTIME_VERSION}",
                      fonts.font_identities()])


def _key(kind: str, *parts: str) -> str:
    return hashlib.sha256("\n\x00".join([CACHE_FORMAT, kind, *parts]).encode("utf-8")).hexdigest()


def bundle(files: dict[str, bytes]) -> bytes:
    """Several files as one cache entry: a JSON line of [name, size] pairs, then the bytes."""
    head = json.dumps([[name, len(data)] for name, data in files.items()], ensure_ascii=False)
    return head.encode("utf-8") + b"\n" + b"".join(files.values())


def unbundle(raw: bytes) -> dict[str, bytes] | None:
    """The files of a bundle, or None when it does not parse or the sizes do not add up."""
    head, sep, body = raw.partition(b"\n")
    try:
        index = json.loads(head.decode("utf-8")) if sep else None
        sizes = [(str(name), int(size)) for name, size in index]  # type: ignore[union-attr]
    except (ValueError, TypeError):
        return None
    if any(size < 0 for _name, size in sizes) or sum(size for _name, size in sizes) != len(body):
        return None
    files, at = {}, 0
    for name, size in sizes:
        files[name] = body[at:at + size]
        at += size
    return files


def _read(key: str, expected: list[str]) -> dict[str, bytes] | None:
    raw = print_cache.read_blob(CACHE_FOLDER, key)
    files = unbundle(raw) if raw is not None else None
    if files is None or sorted(files) != sorted(expected):
        if raw is not None:
            print_cache.drop_blob(CACHE_FOLDER, key)
        return None
    return files


def _store(key: str, files: dict[str, bytes], expected: list[str]) -> None:
    if sorted(files) == sorted(expected):  # never keep an incomplete set
        print_cache.write_blob(CACHE_FOLDER, key, bundle(files))
