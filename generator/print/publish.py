"""Writing output so that nobody ever sees half of it: a file all or nothing, a folder swapped in
whole."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pypdfium2

AUTHOR = "Playbook 服务手册"
"""The author every PDF we lay out names (``templates/print/common.typ``): how a file we may
replace is told from someone else's."""
_LARGEST_OURS = 512 * 1024 * 1024


def write_atomic(target: Path, data: bytes) -> None:
    """Write a file all or nothing: a temporary file beside it, renamed over it when complete."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def made_by_us(path: Path) -> bool:
    """True when ``path`` is a regular file holding a PDF we laid out (its author is :data:`AUTHOR`):
    a command that writes one named file replaces only such a file, never someone's document."""
    path = Path(path)
    if path.is_symlink() or not path.is_file() or path.stat().st_size > _LARGEST_OURS:
        return False
    try:
        with open(path, "rb") as fh:
            if fh.read(5) != b"%PDF-":
                return False
        doc = pypdfium2.PdfDocument(str(path))
        try:
            return doc.get_metadata_dict().get("Author") == AUTHOR
        finally:
            doc.close()
    except (OSError, pypdfium2.PdfiumError):
        return False


def publish_folder(staging: Path, out_dir: Path) -> None:
    """Put a fully rendered staging folder in place of ``out_dir`` in one rename, so a site never
    shows half a set of PDFs; the old folder is moved aside first and removed afterwards."""
    staging.chmod(0o755)  # mkdtemp makes it private; it becomes a published site folder
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-old-", dir=out_dir.absolute().parent))
        os.replace(out_dir, old / out_dir.name)
    os.replace(staging, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
