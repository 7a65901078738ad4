"""A set of PDFs laid out together — the site's checklists, counter cards, role checklist sets, role
booklets and read-and-sign sheets — while MkDocs renders the pages.

:meth:`PrintBatch.start` takes what the print cache has at once and starts one thread laying out the
rest (Typst releases the GIL, so it runs on the second core beside MkDocs); :meth:`PrintBatch.finish`
lays out, in the calling thread too, what the thread has not reached, then puts each folder
(``checklists/``, ``booklets/``) in place whole. A batch whose PDFs all come from the cache starts
no thread and loads no font.

    batch = PrintBatch.start(jobs)     # before MkDocs renders the pages
    ...
    paths = batch.finish(site_dir)     # after; or batch.close() when the build failed
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .cache import Printed
from .documents import TypstDocument, cached_document, print_document
from .publish import publish_folder


@dataclass(frozen=True)
class PrintJob:
    """One PDF: the folder it goes in, its file name, the document it is laid out from."""

    folder: str
    name: str
    document: TypstDocument


class PrintBatch:
    """PDFs being made; see the module docstring."""

    def __init__(self, jobs: Sequence[PrintJob]) -> None:
        self.jobs = list(jobs)
        self.done: dict[int, Printed] = {}
        self._todo: deque[int] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def start(cls, jobs: Sequence[PrintJob]) -> PrintBatch:
        batch = cls(jobs)
        for i, job in enumerate(batch.jobs):
            hit = cached_document(job.document)
            if hit is None:
                batch._todo.append(i)
            else:
                batch.done[i] = hit
        # largest first for the thread (a 30-page booklet must not start last and finish alone); the
        # JSON's length stands for the pages. collect() takes from the other end.
        batch._todo = deque(sorted(batch._todo, key=lambda i: -len(batch.jobs[i].document.data)))
        if batch._todo:
            batch._thread = threading.Thread(target=batch._work, name="playbook-print", daemon=True)
            batch._thread.start()
        return batch

    def _next(self, smallest: bool) -> int | None:
        with self._lock:
            if not self._todo or self._stop.is_set():
                return None
            return self._todo.pop() if smallest else self._todo.popleft()

    def _work(self, smallest: bool = False) -> None:
        """Lay out jobs until none is left (run by the batch's thread, and by :meth:`collect`
        taking the smallest)."""
        while (i := self._next(smallest)) is not None:
            try:
                self.done[i] = print_document(self.jobs[i].document)
            except BaseException as exc:  # re-raised by collect() in the build's thread
                self._error = self._error or exc
                self._stop.set()

    def collect(self) -> list[Printed]:
        """Every PDF, in job order: this thread helps with what is left, then waits for the other."""
        try:
            self._work(smallest=True)
            if self._thread is not None:
                self._thread.join()
            if self._error is not None:
                raise self._error
        finally:
            self.close()
        return [self.done[i] for i in range(len(self.jobs))]

    def finish(self, site_dir: Path) -> list[Path]:
        """:meth:`collect`, then replace each folder of ``site_dir`` the jobs name, whole. Returns the
        files written."""
        printed = self.collect()
        written = []
        site_dir = Path(site_dir)
        for folder in dict.fromkeys(job.folder for job in self.jobs):
            target = site_dir / folder
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
            try:
                for i, job in enumerate(self.jobs):
                    if job.folder == folder:
                        (staging / job.name).write_bytes(printed[i].data)
                        written.append(target / job.name)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            publish_folder(staging, target)
        return sorted(written)

    def close(self) -> None:
        """Stop laying out (a failed build must not wait for PDFs it will not publish)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
            self._thread = None


def make(jobs: Sequence[PrintJob], site_dir: Path) -> list[Path]:
    """Start and finish in one go (outside a site build)."""
    return PrintBatch.start(jobs).finish(site_dir)
