"""Question ids: a readable prefix (the type and the content it is about) and a short hash of the
text the question is made from, e.g. ``next_step:sales-office-reception:3f9a1c``.

An id stays the same while that text is unchanged, whatever the seed, the paper version, or where
the step sits in its procedure (a step inserted before it moves nothing); it changes when the text
changes, so an ``exclude:`` entry naming the old question goes stale and ``playbook check`` says so.
Ids are what the trainer sees on keys, the preview and coverage.html, and what results match on.
"""

from __future__ import annotations

import hashlib

from .question import norm

HASH_CHARS = 6
"""Hex digits of the content hash: 16.7 million values per type and content id, while one
procedure makes a few dozen questions of a type."""


def question_id(qtype: str, about: str, *source: str) -> str:
    """``<type>:<content id>:<hash of the source texts>``; texts are compared as ``norm`` reads them
    (spaces and full-width/ASCII punctuation do not count), in the order given."""
    text = "\x1f".join(norm(s) for s in source)
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()[:HASH_CHARS]
    return f"{qtype}:{about}:{digest}"


def parts(qid: str) -> tuple[str, str, str]:
    """(type, content id, hash) of an id made by :func:`question_id` ("" for a missing part)."""
    qtype, _, rest = qid.partition(":")
    about, _, digest = rest.rpartition(":")
    if not about:  # only two parts: type and content id
        about, digest = digest, ""
    return qtype, about, digest
