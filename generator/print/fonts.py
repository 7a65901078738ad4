"""The fonts Typst lays out with: Debian's fonts-noto-cjk (real Regular and Bold files, never a
synthesised bold), found the way the rest of the print layer finds them (fontconfig), plus the fonts
built into Typst for the odd symbol the CJK fonts lack. System fonts are otherwise ignored, so a
document looks the same wherever the same font files are installed."""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from pathlib import Path

FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC")
"""What templates ask for (``set text(font: ...)``)."""
PATTERNS = ("Noto Sans CJK SC", "Noto Sans CJK SC:bold", "Noto Serif CJK SC", "Noto Serif CJK SC:bold")
FALLBACK_DIRS = ("/usr/share/fonts/opentype/noto",)
"""Where Debian's fonts-noto-cjk puts them, should fontconfig be missing."""


def _fc_match(pattern: str) -> str | None:
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True,
                             timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


@lru_cache(maxsize=1)
def font_dirs() -> tuple[str, ...]:
    """The folders holding the CJK font files fontconfig resolves (Typst takes folders)."""
    dirs = []
    for pattern in PATTERNS:
        found = _fc_match(pattern)
        if found and "CJK" in Path(found).name:
            dirs.append(str(Path(found).parent))
    dirs += [d for d in FALLBACK_DIRS if Path(d).is_dir()]
    return tuple(dict.fromkeys(dirs))


def file_identity(path: str) -> str:
    """A file as cache keys know it: path, size and modification time (``missing`` if absent)."""
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}:missing"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


@lru_cache(maxsize=1)
def font_identities() -> str:
    """The CJK font files in those folders (path, size, mtime), one a line: replacing or updating the
    Noto CJK fonts changes every print cache key. No font is loaded for it (a build whose PDFs all
    come from the cache never starts Typst). Computed once per process."""
    files = sorted(str(p) for d in font_dirs() for p in Path(d).iterdir() if "CJK" in p.name and p.is_file())
    return "\n".join(file_identity(f) for f in files) or "no CJK fonts"
