"""``exporter watch``: build, then rebuild on every save, in one long-lived process.

What makes a rebuild quick is what a fresh ``exporter build`` pays every time and a
watcher pays once: starting Python, importing the libraries, starting the PDF worker
and loading WeasyPrint into it, and starting Java for EPUBCheck. The worker and the
validator (``publish.validator``) stay warm between rebuilds; the text is parsed,
linked and written as EPUB and DOCX here while the worker lays out the PDF, and each
EPUB passes EPUBCheck before it replaces the last one, as in ``exporter build``.

Changes are found by polling: the source folders and the styles are a few dozen
files, and a scan of the sample's 11 costs 0.43 ms even on a busy machine (measured),
so a scan every 0.05 s costs under 1% of a core and adds 0.05-0.1 s to a rebuild (one
interval to see the change, one to see that the files have stopped changing: an
editor may save in two writes). A file-system notification library (watchfiles)
would save those few hundredths of a second at the price of a dependency.

A bad save is reported in one line and nothing is written: the last good editions
stay as they are. Ctrl-C (or SIGTERM) ends the worker and the validator and exits 130.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from ..adapters import DEFAULT_FORMATS, adapter, file_name
from ..errors import ExporterError
from ..house.styles import STYLES_DIR, HouseStyle, house_style
from ..publish.checks import VALIDATED, refuse_invalid
from ..publish.folder import open_folder, write_atomically
from ..slug import slugify
from . import freshness
from .build import Edition, find_sources
from .executors import forking, process_pool, validator_beside
from .render import context, for_worker, in_order, needs, prepare, producers, render_one, warm_up

#: Seconds between two scans of the watched files, and of quiet before a rebuild.
INTERVAL = 0.05

Snapshot = dict[Path, tuple[int, int]]


@dataclass(frozen=True)
class Round:
    """One rebuild of one source: what was written, or the error that stopped it."""

    source: Path
    seconds: float
    editions: tuple[Edition, ...] = ()
    error: str | None = None
    warnings: tuple[str, ...] = ()
    #: The source's last round ended in an error, this one did not.
    fixed: bool = False
    #: What the downloads page, catalogue, manifest and checksums became ("" when not
    #: refreshed: nothing was written).
    downloads: str = ""

    def line(self) -> str:
        """The one line the watcher prints for this rebuild."""
        stamp = time.strftime("%H:%M:%S")
        if self.error is None and not self.editions:
            if self.fixed:  # reverted to what was built: nothing to do, but say so
                return f"{stamp} {self.source.name}: fixed; its editions are up to date"
            return f"{stamp} editions up to date"
        if self.error is not None:
            # Several mistakes are several lines: the note goes on the first.
            first, _, rest = str(self.error).partition("\n")
            return (f"{stamp} {self.source.name}: error: {first} "
                    "(the last good editions are kept)" + (f"\n{rest}" if rest else ""))
        formats = ", ".join(e.format for e in self.editions)
        # The time the rebuild waited for EPUBCheck is part of its time: said, not hidden.
        checks = [e.check_seconds for e in self.editions if e.check_seconds is not None]
        check = f", EPUBCheck {sum(checks):.2f} s" if checks else ""
        fixed = "fixed, " if self.fixed else ""
        downloads = f"; {self.downloads}" if self.downloads else ""
        return (f"{stamp} {self.source.name}: {fixed}rebuilt {formats} in "
                f"{self.seconds:.2f} s{check}{downloads}")


def snapshot(paths: Sequence[Path]) -> Snapshot:
    """(mtime, size) of every file a build of ``paths`` reads: each source's folder
    (hidden files and folders left out, as ``freshness`` does) and the styles."""
    folders = {p if p.is_dir() else p.parent for p in paths} | {STYLES_DIR}
    seen: Snapshot = {}
    for folder in sorted(folders):
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                if name.startswith("."):
                    continue
                path = Path(dirpath) / name
                with contextlib.suppress(OSError):  # removed meanwhile
                    st = path.stat()
                    seen[path] = (st.st_mtime_ns, st.st_size)
    return seen


def _project_formats(sources: Sequence[Path]) -> Sequence[str]:
    """The project file's ``formats`` for these sources, else the three editions."""
    try:
        found = find_sources(sources)
    except ExporterError:
        return DEFAULT_FORMATS  # reported by the first round
    return house_style(found[0]).formats or DEFAULT_FORMATS


class Watcher:
    """Rebuilds sources into ``out`` with a warm PDF worker, as long as it is open."""

    def __init__(self, sources: Sequence[Path], formats: Sequence[str] | None, out: Path,
                 *, jobs: int | None = None, allow_remote: bool = False,
                 debug: bool = False) -> None:
        self.sources = list(sources)
        self.formats = list(dict.fromkeys(formats or _project_formats(self.sources)))
        for name in self.formats:
            adapter(name)  # unknown names fail here
        self.out = out
        self.allow_remote = allow_remote
        self.debug = debug
        self.layouts = [f for f in self.formats if adapter(f).LAYS_OUT_PAGES]
        jobs = max(1, jobs or os.cpu_count() or 1)
        self.use_worker = jobs > 1 and bool(self.layouts)
        self.pool: ProcessPoolExecutor | None = None
        self.validator = None  # the warm EPUBCheck (publish.validator), while running
        self._stack: contextlib.ExitStack | None = None
        self._failed: set[Path] = set()  # sources whose last round was an error

    @contextlib.contextmanager
    def running(self) -> Iterator[Watcher]:
        """Start the PDF worker (loading WeasyPrint) and the validator (starting Java);
        end them however the watch ends."""
        with contextlib.ExitStack() as stack:
            self._stack = stack
            self.validator = stack.enter_context(validator_beside(self.formats))
            if self.use_worker:
                self.pool = stack.enter_context(process_pool(1))
                self._warm()
            yield self

    def _warm(self) -> None:
        with forking():  # the first submit forks the worker
            for fmt in self.layouts:
                self.pool.submit(warm_up, fmt)

    def _warm_validator(self):
        """The validator, started again if it was warm and has ended since (a watch
        runs for hours: one killed from outside must not leave every later EPUB to a
        cold Java); the new one is ended with the watch, as the first."""
        if self.validator is not None and self.validator.lost and self._stack is not None:
            self.validator = self._stack.enter_context(validator_beside(self.formats))
        return self.validator

    def rebuild(self) -> list[Round]:
        """Rebuild every edition whose inputs changed; a round per source rebuilt."""
        rounds = []
        try:
            sources = find_sources(self.sources)
        except ExporterError as exc:  # a source removed, say
            return [Round(self.sources[0] if self.sources else Path("source"), 0.0,
                          error=str(exc))]
        for source in sources:
            slug = slugify(source.stem)
            stale = {}
            house = house_style(source)
            for fmt in self.formats:
                target = self.out / file_name(fmt, slug)
                digest = freshness.input_digest(source, fmt, house,
                                                shaped_by=(fmt, *producers(fmt)))
                if freshness.is_fresh(target, digest) is None:
                    stale[fmt] = (target, digest)
            if not stale and source in self._failed:
                self._failed.discard(source)
                rounds.append(Round(source, 0.0, fixed=True))
            if stale:
                result = self._build(source, stale, house)
                if result.error is None and source in self._failed:
                    result = dataclasses.replace(result, fixed=True)
                (self._failed.add if result.error else self._failed.discard)(source)
                rounds.append(result)
        return rounds

    def _build(self, source: Path, stale: dict[str, tuple[Path, str]],
               house: HouseStyle | None = None) -> Round:
        start = time.perf_counter()
        try:
            doc = prepare(source, self.allow_remote, house=house)
            ctx = context(doc)
            remote = [f for f in stale if f in self.layouts and self.pool is not None]
            futures = [self.pool.submit(render_one, for_worker(ctx, f), f) for f in remote]
            # Formats that take the layout's page breaks (the EPUB) follow it.
            rendered = [render_one(ctx, f) for f in in_order(stale)
                        if f not in remote and not needs(f)]
            for future in futures:
                rendered.append(future.result())
                ctx.extras.update(rendered[-1].extras)
            rendered += [render_one(ctx, f) for f in in_order(stale)
                         if f not in remote and needs(f)]
        except ExporterError as exc:
            return Round(source, time.perf_counter() - start, error=str(exc))
        except BrokenProcessPool:
            # Killed from outside (out of memory, say): lay out here from now on.
            self.pool = None
            return Round(source, time.perf_counter() - start,
                         error="the PDF worker stopped; PDFs are laid out in this "
                               "process from now on (save again to rebuild)")
        except Exception as exc:  # a bug: say so, keep watching (--debug: traceback, stop)
            if self.debug:
                raise
            return Round(source, time.perf_counter() - start,
                         error=f"internal error: {type(exc).__name__}: {exc} "
                               "(run with --debug for the traceback)")
        editions = []
        try:
            # As the build does: an EPUB that fails EPUBCheck replaces nothing.
            validator = self._warm_validator()
            verdicts = {item.format: refuse_invalid(
                item.format, item.data, file_name(item.format, doc.slug), validator)
                for item in rendered if item.format in VALIDATED}
        except ExporterError as exc:
            return Round(source, time.perf_counter() - start, error=str(exc))
        try:
            # One transaction with the downloads page, catalogue, manifest, checksums,
            # signature and bundle: all new, or (an error, Ctrl-C) all as they were.
            with open_folder(self.out):
                for item in sorted(rendered, key=lambda r: self.formats.index(r.format)):
                    target, digest = stale[item.format]
                    write_atomically(target, item.data)
                    freshness.record(target, digest, item.data, pages=item.pages,
                                     words=item.words, format=item.format, slug=doc.slug,
                                     media_type=adapter(item.format).MEDIA_TYPE)
                    checked = verdicts.get(item.format)
                    editions.append(Edition(item.format, target, len(item.data),
                                            item.seconds, item.pages, item.words,
                                            check_seconds=checked.seconds if checked else None,
                                            check_source=checked.source if checked else ""))
                downloads = self._publish(source, doc, house, editions)
        except ExporterError as exc:  # the output folder: full, or not writable
            return Round(source, time.perf_counter() - start, error=str(exc))
        return Round(source, time.perf_counter() - start, tuple(editions),
                     warnings=tuple(doc.warnings), downloads=downloads)

    def _publish(self, source: Path, doc, house: HouseStyle | None,
                 editions: list[Edition]) -> str:
        """The downloads page, catalogue, manifest and checksums brought up to date with
        the editions just written, as a build does (so ``verify`` passes at any moment
        between two saves); what was done, in a few words."""
        from ..publish import articles
        from ..publish.downloads import publish

        article = articles.article_of(doc)
        articles.save(self.out, article,
                      freshness.input_digest(source, "article", house or HouseStyle()))
        listed = [dataclasses.replace(ed, slug=doc.slug, article=article,
                                      media_type=adapter(ed.format).MEDIA_TYPE)
                  for ed in editions]
        published = publish(self.out, listed)
        said = ["downloads page updated"] if published.written else []
        return "; ".join(said + list(published.notes))  # e.g. an old signature removed


def watch(sources: Sequence[Path], formats: Sequence[str] | None, out: Path, *,
          report: Callable[[Round], None], jobs: int | None = None,
          allow_remote: bool = False, interval: float = INTERVAL,
          debug: bool = False, serve: int | None = None,
          serving: Callable[[str], None] | None = None) -> None:
    """Build, then rebuild after every change, until interrupted. With ``serve`` (a
    port; 0: any free one), the output folder is also served on 127.0.0.1, its pages
    reloaded after each rebuild (``preview``); ``serving`` is told the address."""
    watcher = Watcher(sources, formats, out, jobs=jobs, allow_remote=allow_remote,
                      debug=debug)
    paths = [p.resolve() for p in (sources or [])] or [
        find_sources([])[0].parent.resolve()]
    with contextlib.ExitStack() as stack:
        if serve is not None:
            from .preview import Preview

            preview = stack.enter_context(Preview(out, serve))
            if serving is not None:
                serving(preview.url)
            told = report

            def report(result: Round) -> None:  # noqa: F811 (the pages are told too)
                told(result)
                if result.error is not None or result.editions or result.fixed:
                    preview.rounds.tell(result.line() if result.error is not None else None)

        stack.enter_context(watcher.running())
        _watch(watcher, paths, report, interval)


def _watch(watcher: Watcher, paths: list[Path], report: Callable[[Round], None],
           interval: float) -> None:
    """Build once, then rebuild after every change (the loop of ``watch``)."""
    seen = snapshot(paths)
    results = watcher.rebuild()
    for result in results:
        report(result)
    if not results:
        report(Round(paths[0], 0.0))  # "up to date": the watcher is ready
    while True:
        time.sleep(interval)
        now = snapshot(paths)
        if now == seen:
            continue
        while True:  # wait for the files to settle
            time.sleep(interval)
            settled = snapshot(paths)
            if settled == now:
                break
            now = settled
        seen = now
        for result in watcher.rebuild():
            report(result)
