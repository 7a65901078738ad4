"""Anki deck (genanki .apkg) for drilling 规范用语 and timing/number facts.

Cards:

- 情境 → 规范用语 for every phrase, and the sentence with its number blanked → the number for every
  timing/number fact (note type "问答": 正面, 背面, 出处);
- as deck options (both on by default), for every phrase a reverse card 用语 → 情境 (``reverse``) and
  a card where the phrase is typed in word for word (``type_in``). These are the two cards of a second
  note per phrase (note type "规范用语练习"); each card appears only when its flag field (``反向``,
  ``输入``) is filled, so the note type is the same whatever the options and turning an option on
  later adds the cards to notes already imported. With both options off there is no such note.

The 出处 field names the procedure and step (《售楼处客户接待》第 4 步「…」), shown above the question.
All text is HTML-escaped into the fields.

Note GUIDs come from stable keys (phrase id; procedure id + step + fact), and the note type and
deck ids from hashes of fixed names, so importing a rebuilt deck updates notes instead of adding
duplicates. The "问答" note type keeps the id, fields and card name it had in 0.1.0, so decks
imported then are updated in place (Anki takes the newer templates of a note type whose fields and
cards are unchanged). The package is byte-reproducible: the note timestamp is fixed
(``SOURCE_DATE_EPOCH`` when set, so a newer build can be marked newer for Anki's "update if
newer"), the zip entries carry a fixed date, and nothing depends on the clock.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..quiz.families.timing import facts
from ..quiz.pool import Pool

FIXED_EPOCH = 1704067200  # 2024-01-01T00:00:00Z
MODEL_NAME = "Playbook 服务手册 · 问答"
DRILL_MODEL_NAME = "Playbook 服务手册 · 规范用语练习"
FIELDS = ("正面", "背面", "出处")
DRILL_FIELDS = ("规范用语", "情境", "出处", "反向", "输入")
FLAG = "1"  # the value of a filled option field

_CSS = """.card { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 20px;
  text-align: left; color: #111; background: #fff; line-height: 1.5; }
.ctx { color: #666; font-size: 14px; } .script { font-size: 24px; font-weight: bold; }
.avoid { color: #666; font-size: 16px; } .avoid ul { margin: 0.2em 0; padding-left: 1.5em; }"""

_CTX = '<div class="ctx">{{出处}}</div>'
_TEMPLATES = [
    {"name": "卡片", "qfmt": _CTX + "{{正面}}", "afmt": '{{FrontSide}}<hr id="answer">{{背面}}'},
]
_SITUATION = '<div class="situation">情境：{{情境}}</div>'
_DRILL_TEMPLATES = [
    {"name": "用语 → 情境",
     "qfmt": '{{#反向}}<div class="script">{{规范用语}}</div><div>什么情境下这样说？</div>{{/反向}}',
     "afmt": '{{FrontSide}}<hr id="answer">' + _SITUATION + _CTX},
    {"name": "打出用语",
     "qfmt": "{{#输入}}" + _CTX + _SITUATION + "<div>请一字不差地打出规范用语：</div>{{type:规范用语}}{{/输入}}",
     "afmt": '{{FrontSide}}<hr id="answer">{{type:规范用语}}'},
]


@dataclass(frozen=True)
class NoteSpec:
    """One note of the deck: its note type ("qa" or "drill"), GUID key and field values (HTML)."""

    model: str
    key: str
    fields: tuple[str, ...]


def stable_id(name: str) -> int:
    """A positive 31-bit id from a name (Anki model / deck ids)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big") % (1 << 31) + (1 << 30)


def timestamp(changed: float | None = None) -> float:
    """SOURCE_DATE_EPOCH if set, else when the content last changed, else a fixed date."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    if value.isdigit():
        return float(value)
    return float(int(changed)) if changed else float(FIXED_EPOCH)


def avoid_html(avoid: tuple[str, ...] | list[str]) -> str:
    """The wrong wordings as a list, each verbatim (they end in their own 。 or ？)."""
    if not avoid:
        return ""
    return "<ul>" + "".join(f"<li>{escape(a)}</li>" for a in avoid) + "</ul>"


def notes(pool: Pool, reverse: bool = True, type_in: bool = True) -> list[NoteSpec]:
    """Every phrase and numeric fact of the pool as notes, in content order."""
    out = []
    procs = {p.id: p for p in pool.procedures}
    for item in pool.phrases:
        proc = procs.get(item.procedure)
        where = escape(pool.step_ref(proc, item.step)) if proc else ""
        front = f'<div class="situation">情境：{escape(item.when)}</div><div>这时怎么说？</div>'
        back = f'<div class="script">{escape(item.text)}</div>'
        if item.avoid:
            back += f'<div class="avoid">不要说：{avoid_html(item.avoid)}</div>'
        out.append(NoteSpec("qa", f"phrase:{item.key}", (front, back, where)))
        if reverse or type_in:
            out.append(NoteSpec("drill", f"phrase-drill:{item.key}", (
                escape(item.text), escape(item.when), where, FLAG if reverse else "", FLAG if type_in else "")))
    for proc, si, n, fact in facts(pool):
        front = f"<div>{escape(fact.blanked)}</div>"
        back = f'<div class="script">{escape(fact.shown)}</div><div>{escape(fact.sentence)}</div>'
        out.append(NoteSpec("qa", f"fact:{proc.id}:{si + 1}.{n + 1}", (front, back, escape(pool.step_ref(proc, si)))))
    return out


def deck_bytes(pool: Pool, deck_name: str, deck_key: str, changed: float | None = None,
               reverse: bool = True, type_in: bool = True) -> bytes:
    """The .apkg as bytes. Deck options: ``reverse`` adds the card 用语 → 情境 and ``type_in`` a card
    where the phrase is typed in, for every 规范用语."""
    import genanki

    models = {
        "qa": genanki.Model(stable_id("playbook-quiz-model-v1"), MODEL_NAME, fields=[{"name": f} for f in FIELDS],
                            templates=[dict(t) for t in _TEMPLATES], css=_CSS),
        "drill": genanki.Model(stable_id("playbook-phrase-drill-model-v1"), DRILL_MODEL_NAME,
                               fields=[{"name": f} for f in DRILL_FIELDS],
                               templates=[dict(t) for t in _DRILL_TEMPLATES], css=_CSS),
    }
    deck = genanki.Deck(stable_id(f"playbook-deck:{deck_key}"), deck_name)
    for note in notes(pool, reverse, type_in):
        deck.add_note(genanki.Note(model=models[note.model], fields=list(note.fields),
                                   guid=genanki.guid_for("playbook", note.key), tags=["playbook"]))
    package = genanki.Package(deck)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "deck.apkg"
        package.write_to_file(str(raw), timestamp=timestamp(changed))
        return _normalise_zip(raw.read_bytes())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry dates and order (genanki stamps entries with the clock)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()
