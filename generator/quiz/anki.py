"""Anki deck (genanki .apkg) for drilling: situation → 规范用语, and timing/number facts.

Note GUIDs come from stable keys (phrase id; procedure id + step + fact), and the model and deck
ids from hashes of fixed names, so importing a rebuilt deck updates notes instead of adding
duplicates. The package is byte-reproducible: the note timestamp is fixed (``SOURCE_DATE_EPOCH``
when set, so a newer build can be marked newer for Anki's "update if newer"), the zip entries
carry a fixed date, and nothing depends on the clock.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from html import escape
from pathlib import Path

from .pool import Pool

FIXED_EPOCH = 1704067200  # 2024-01-01T00:00:00Z
MODEL_NAME = "Playbook 服务手册 · 问答"
_CSS = """.card { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 20px;
  text-align: left; color: #111; background: #fff; line-height: 1.5; }
.ctx { color: #666; font-size: 14px; } .script { font-size: 24px; font-weight: bold; }"""


def stable_id(name: str) -> int:
    """A positive 31-bit id from a name (Anki model / deck ids)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big") % (1 << 31) + (1 << 30)


def timestamp(changed: float | None = None) -> float:
    """SOURCE_DATE_EPOCH if set, else when the content last changed, else a fixed date."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    if value.isdigit():
        return float(value)
    return float(int(changed)) if changed else float(FIXED_EPOCH)


def cards(pool: Pool) -> list[tuple[str, str, str, str]]:
    """(guid key, front html, back html, source) for every phrase and numeric fact of the pool."""
    out = []
    procs = {p.id: p for p in pool.procedures}
    for item in pool.phrases:
        proc = procs.get(item.procedure)
        ctx = f"《{proc.title}》第 {item.step + 1} 步「{proc.steps[item.step].title}」" if proc else ""
        front = f'<div class="situation">情境：{escape(item.when)}</div><div class="ctx">{escape(ctx)}</div>' \
                f"<div>这时怎么说？</div>"
        back = f'<div class="script">{escape(item.text)}</div>'
        if item.avoid:
            back += '<div class="ctx">不要说：' + "；".join(escape(a) for a in item.avoid) + "</div>"
        out.append((f"phrase:{item.key}", front, back, item.source))
    from .families.timing import facts

    for proc, si, n, fact in facts(pool):
        ctx = f"《{proc.title}》第 {si + 1} 步「{proc.steps[si].title}」"
        front = f'<div class="ctx">{escape(ctx)}</div><div>{escape(fact.blanked)}</div>'
        back = f'<div class="script">{escape(fact.shown)}</div><div>{escape(fact.sentence)}</div>'
        out.append((f"fact:{proc.id}:{si + 1}.{n + 1}", front, back, proc.id))
    return out


def deck_bytes(pool: Pool, deck_name: str, deck_key: str, changed: float | None = None) -> bytes:
    """The .apkg as bytes."""
    import genanki

    model = genanki.Model(
        stable_id("playbook-quiz-model-v1"), MODEL_NAME,
        fields=[{"name": "正面"}, {"name": "背面"}, {"name": "出处"}],
        templates=[{"name": "卡片", "qfmt": "{{正面}}",
                    "afmt": '{{FrontSide}}<hr id="answer">{{背面}}<div class="ctx">{{出处}}</div>'}],
        css=_CSS,
    )
    deck = genanki.Deck(stable_id(f"playbook-deck:{deck_key}"), deck_name)
    for key, front, back, source in cards(pool):
        deck.add_note(genanki.Note(model=model, fields=[front, back, escape(source)],
                                   guid=genanki.guid_for("playbook", key), tags=["playbook"]))
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
