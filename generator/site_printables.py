"""The site's PDFs — checklists, counter cards, role checklist sets, role booklets and read-and-sign
sheets — laid out while MkDocs renders the pages.

``playbook build`` starts them as soon as the content is loaded (:meth:`SitePrintables.start`): the
PDFs the print cache has are taken at once, and one pool of worker processes starts laying out the
others, largest first (so a 30-page booklet does not start last and finish alone), while the build
process goes on with MkDocs. After MkDocs wrote the pages, :meth:`SitePrintables.finish` lays out
what no worker has started yet, smallest first, collects the rest and puts each folder
(``checklists/``, ``booklets/``) in place whole. A worker loads WeasyPrint
(~1.1 s) once for every PDF it lays out; a build whose PDFs all come from the cache starts none.
Jobs already on Typst (``PrintJob.document``: the per-procedure checklists) never go to a worker:
the build process lays each out in milliseconds.

    printables = SitePrintables.start(jobs, processes=2)   # before MkDocs renders the pages
    ...
    paths = printables.finish(site_dir)                     # after; or printables.close() on failure
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from . import printing


@dataclass(frozen=True)
class PrintJob:
    """One PDF of the site: the folder it goes in, its file name, and what it is laid out from:
    a Typst document (:class:`generator.print.TypstDocument`) when ``document`` is set, else HTML
    for WeasyPrint (the documents not yet ported to Typst)."""

    folder: str
    name: str
    html: str
    base_url: str
    document: Any = None


def render_pdf(html: str, base_url: str) -> printing.Printed:
    """Lay out one HTML PDF (through the print cache, which the worker fills for the next build)."""
    return printing.print_pdf(html, base_url)


def render_job(job: PrintJob) -> printing.Printed:
    """Lay out one job here: Typst documents (milliseconds each, in this process) or HTML."""
    if job.document is not None:
        from .print import print_document

        return print_document(job.document)
    return render_pdf(job.html, job.base_url)


def cached_job(job: PrintJob) -> printing.Printed | None:
    if job.document is not None:
        from .print import cached_document

        return cached_document(job.document)
    return printing.cached_pdf(job.html, job.base_url)


class SitePrintables:
    """A set of PDFs being made; see the module docstring."""

    def __init__(self, jobs: Sequence[PrintJob], done: dict[int, printing.Printed], todo: list[int],
                 pool: ProcessPoolExecutor | None) -> None:
        self.jobs = list(jobs)
        self.done = done
        """Index of a job -> its PDF, for the PDFs already made (from the cache, or collected)."""
        self.todo = todo
        self._pool = pool
        self._futures: dict[int, Future[printing.Printed]] = (
            {i: pool.submit(render_pdf, self.jobs[i].html, self.jobs[i].base_url) for i in todo
             if self.jobs[i].document is None} if pool else {})

    @classmethod
    def start(cls, jobs: Sequence[PrintJob], processes: int = 1) -> SitePrintables:
        """Take what the cache has; start ``processes`` workers for the WeasyPrint rest (none for fewer
        than two such PDFs: starting one costs more than laying out one PDF here). Typst documents
        are laid out in this process: each takes milliseconds, less than starting a worker."""
        done: dict[int, printing.Printed] = {}
        todo: list[int] = []
        for i, job in enumerate(jobs):
            hit = cached_job(job)
            if hit is None:
                todo.append(i)
            else:
                done[i] = hit
        todo.sort(key=lambda i: -len(jobs[i].html))  # the HTML's length stands for the PDF's pages
        pool = None
        weasy = sum(jobs[i].document is None for i in todo)
        if processes > 1 and weasy >= 2:
            # spawn, not fork: WeasyPrint's Pango/fontconfig state should not be copied into children.
            pool = ProcessPoolExecutor(max_workers=min(processes, weasy), mp_context=get_context("spawn"))
        return cls(jobs, done, todo, pool)

    def collect(self) -> list[printing.Printed]:
        """Lay out here what no worker has started, wait for the others; the PDFs in job order."""
        try:
            for i in reversed(self.todo):  # smallest first: the workers took the largest
                future = self._futures.get(i)
                if future is None or future.cancel():  # not started by a worker: this process lays it out
                    self.done[i] = render_job(self.jobs[i])
            for i in self.todo:
                if i not in self.done:
                    self.done[i] = self._futures[i].result()
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
            printing.publish_folder(staging, target)
        return sorted(written)

    def close(self) -> None:
        """Stop the workers (a failed build must not wait for PDFs it will not publish)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def make(jobs: Sequence[PrintJob], site_dir: Path, processes: int = 1) -> list[Path]:
    """Start and finish in one go (outside a site build)."""
    return SitePrintables.start(jobs, processes).finish(site_dir)
