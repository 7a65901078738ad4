"""Installable and offline over http(s): a web app manifest and a service worker written into the
built site. The worker precaches every page, the search index and the assets search and pages use
(PDFs and decks are kept when opened); its cache is named after the precached files' bytes, so a
new build replaces it whole. learner.js registers it only over http(s): opened from disk the site
works as before."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

SERVICE_WORKER = "sw.js"
MANIFEST = "manifest.webmanifest"
ICON = "assets/images/playbook-icon.svg"
WORKER_SOURCE = Path(__file__).resolve().parents[1] / "templates" / "offline" / "sw.js"

PRECACHED = frozenset({".html", ".css", ".js", ".json", ".svg", ".png", ".ico", ".jpg", ".jpeg", ".gif",
                       ".webp", ".woff", ".woff2", ".webmanifest"})
"""What a page needs to open and search; PDFs, decks, sitemaps and source maps are not precached."""
SKIPPED = frozenset({SERVICE_WORKER, "search/search_index.js"})
"""The worker itself, and the index copy only pages opened from disk read (Material's offline plugin)."""


LUNR = "assets/javascripts/lunr/"
"""Material's lunr language support: one file per language (~1 MB in all), of which its search
worker loads only those of the index's languages."""
SEARCH_INDEX = "search/search_index.json"


def search_scripts(languages: list[str]) -> set[str]:
    """The files under LUNR that Material's search worker loads for ``languages`` (its
    setupSearchLanguages): for any language but English the stemmer support and lunr.<lang>, a
    segmenter for Japanese (tinyseg) and Hindi or Thai (wordcut), lunr.multi for several languages."""
    files: set[str] = set()
    for lang in languages:
        if lang == "ja":
            files.add(LUNR + "tinyseg.js")
        elif lang in ("hi", "th"):
            files.add(LUNR + "wordcut.js")
        if lang != "en":
            files.add(f"{LUNR}min/lunr.{lang}.min.js")
    if len(languages) > 1:
        files.add(LUNR + "min/lunr.multi.min.js")
    if files:
        files.add(LUNR + "min/lunr.stemmer.support.min.js")
    return files


def _search_languages(site_dir: Path) -> list[str] | None:
    """The languages of the built search index (its config.lang), or None when there is none to read."""
    try:
        lang = json.loads((site_dir / SEARCH_INDEX).read_text(encoding="utf-8"))["config"]["lang"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return [str(x) for x in lang] if isinstance(lang, list) else None


def precache_list(site_dir: Path) -> list[str]:
    """Site paths to precache, sorted: of Material's lunr language files only those search loads
    (all of them when the index's languages cannot be read)."""
    languages = _search_languages(site_dir)
    needed = search_scripts(languages) if languages is not None else None
    paths = (p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*")
             if p.is_file() and p.suffix.lower() in PRECACHED)
    return sorted(path for path in paths if path not in SKIPPED
                  and (needed is None or not path.startswith(LUNR) or path in needed))


def cache_name(site_dir: Path, paths: list[str]) -> str:
    """``playbook-`` and a digest of the precached paths and bytes: the same build, the same name."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.encode() + b"\0" + hashlib.sha256((site_dir / path).read_bytes()).digest())
    return "playbook-" + digest.hexdigest()[:16]


def manifest(name: str, description: str) -> dict:
    return {"name": name, "short_name": name, "description": description, "lang": "zh-CN",
            "start_url": "./index.html", "scope": "./", "display": "standalone",
            "background_color": "#ffffff", "theme_color": "#00796b",
            "icons": [{"src": ICON, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}]}


def write_offline(site_dir: Path, name: str, description: str = "") -> str:
    """Write the manifest and the service worker into a built site; returns the cache name."""
    (site_dir / MANIFEST).write_text(json.dumps(manifest(name, description), ensure_ascii=False, indent=1) + "\n",
                                     encoding="utf-8")
    paths = precache_list(site_dir)
    cache = cache_name(site_dir, paths)
    data = f"var CACHE = {json.dumps(cache)};\nvar PRECACHE = {json.dumps(paths, ensure_ascii=False)};\n"
    (site_dir / SERVICE_WORKER).write_text(data + WORKER_SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    return cache
