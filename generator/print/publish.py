"""Writing output so that nobody ever sees half of it: a file all or nothing, a folder swapped in
whole."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


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
