"""Orchestration: which editions are stale, build them, write them atomically.

Everything the user can get wrong is found before the first byte is written; each
edition is written to a temporary file beside its target and moved into place only
when complete, so a failed build never leaves a half-written or missing edition.
Editions whose inputs are unchanged are skipped (see ``freshness``). The work itself
is one source through ``render`` at a time, run by an ``executors.Executor``: local
processes, or a Dask cluster.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..adapters import DEFAULT_FORMATS, adapter, file_name
from ..errors import BuildError, SourceError, UsageError
from ..house.styles import SAMPLE_DIR, HouseStyle, house_style
from ..publish.checks import VALIDATED, foreseen, refuse_invalid, remember_inputs
from ..publish.folder import signals_held, write_atomically
from .executors import Executor, LocalProcesses, Progress, validator_beside
from .render import Built, build_source, prepare, producers

#: The default when no SOURCE is given: ``source/`` in the working folder, else the
#: sample that comes with the exporter (package data: ``exporter/data/sample``).
DEFAULT_SOURCE_DIR = Path("source")
SAMPLE_SOURCE_DIR = SAMPLE_DIR


@dataclass(frozen=True)
class Edition:
    """One edition and what the summary shows about it."""

    format: str
    path: Path
    size: int
    seconds: float
    pages: int | None = None
    words: int | None = None
    skipped: bool = False
    #: The article's slug, the edition's media type, and what the downloads page and
    #: catalogue say about the article (``publish.articles.Article``).
    slug: str = ""
    media_type: str = ""
    article: object = None
    #: For an edition that must pass a validator (the EPUB: EPUBCheck): the seconds
    #: the build waited for its verdict, where the verdict came from ("cached",
    #: "warm": the validator started beside the build, "java": a subprocess), and what
    #: the warm validator cost beside the build (a sentence for the summary).
    check_seconds: float | None = None
    check_source: str = ""
    check_note: str = ""


@dataclass
class BuildTimes:
    """Where a build's wall time went, for its summary: the phases one after another
    (they add up to the build's wall time), and the work inside the second, summed over
    the processes that did it (reading runs beside the editions' rendering)."""

    planning: float = 0.0     # sources found, inputs hashed, fresh editions skipped
    work: float = 0.0         # reading, rendering, checking and writing the stale editions
    articles: float = 0.0     # the downloads page's facts of the articles not rebuilt
    reading: float = 0.0      # in ``work``: reading, enriching, article facts
    rendering: float = 0.0    # in ``work``: the editions, each format's adapter
    checking: float = 0.0     # in ``work``: waiting for EPUBCheck's verdicts
    processes: int = 1


def find_sources(paths: Sequence[Path]) -> list[Path]:
    """Markdown sources named on the command line; a folder means every ``*.md`` in it."""
    from ..read.collection import SUFFIX as COLLECTION_SUFFIX

    found: list[Path] = []
    default = DEFAULT_SOURCE_DIR if DEFAULT_SOURCE_DIR.is_dir() else SAMPLE_SOURCE_DIR
    for path in paths or [default]:
        if path.is_dir():
            found.extend(sorted(p for p in path.glob("*.md") if p.is_file()))
            found.extend(sorted(p for p in path.glob(f"*{COLLECTION_SUFFIX}") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError("source not found", hint=f"no file or folder at '{path}'",
                             file=path)
    if not found:
        raise UsageError("no Markdown sources (*.md) found",
                         file=paths[0] if paths else DEFAULT_SOURCE_DIR)
    from ..paths import refuse_outside

    for source in found:  # a link out of its folder is not the project's to publish
        refuse_outside(source, source.parent, "source")
    return found


def build(sources: Sequence[Path], formats: Sequence[str] | None, out_dir: Path,
          progress: Progress | None = None, jobs: int | None = None,
          force: bool = False, allow_remote: bool = False,
          warn: Callable[[str], None] | None = None,
          styles: Path | None = None, paper: str | None = None,
          scheduler: str | None = None, notice: Callable[[str], None] | None = None,
          strict: bool = False, times: BuildTimes | None = None,
          counted: Callable[[int, int], None] | None = None,
          publish: Callable[[list[Edition]], object] | None = None) -> list[Edition]:
    """Build every source in every format into ``out_dir``; return the editions.

    ``allow_remote`` lets http(s) images be fetched; ``warn`` receives located warnings;
    ``styles`` is a folder of house-style overrides (default: ``styles/`` beside the
    sources' folder, see ``styles.house_style``); ``paper`` (``--paper``) sets the paper
    of the paged editions over the front-matter's and the theme's. With ``scheduler`` (a
    Dask scheduler's address) the sources are built on that cluster; ``notice`` receives
    what the user should see of it (the dashboard's address). ``strict`` makes warnings
    errors. ``counted`` receives (sources done, sources to build) before the work and
    after each source's editions are written (a progress bar's count). ``publish`` (``publish.downloads.publish`` with the build's options) is
    given the editions once they are written, also when some sources failed on a
    cluster (their errors are raised after it).

    The folder is written by one writer at a time, in one transaction
    (``publish.folder.open_folder``): the editions and what ``publish`` writes beside
    them are all new when the build ends, or all as they were if it stops early
    (an error, Ctrl-C, SIGTERM). A second build into the same folder waits for the lock.
    One exception: a build stopped (Ctrl-C, SIGTERM) after some sources' editions were
    written, as on a cluster, publishes those and keeps them; a second Ctrl-C while it
    does so puts everything back.
    """
    from ..publish.folder import open_folder

    state: dict = {}
    interrupted = None
    with open_folder(out_dir, notice=notice):
        try:
            editions, failed = _build(sources, formats, out_dir, progress, jobs, force,
                                      allow_remote, warn, styles, paper, scheduler, notice,
                                      strict, times, state, counted)
        except KeyboardInterrupt as exc:
            written = _written(state)
            if publish is None or not written:
                raise
            sources = len({ed.slug for ed in written})
            (notice or (lambda _m: None))(
                f"interrupted: publishing the editions of the {sources} sources already "
                "built (Ctrl-C again to undo them)")
            publish(written)
            interrupted = exc
        else:
            if publish is not None:
                publish(editions)
    if interrupted is not None:
        raise interrupted  # after the commit: what was built is kept and listed
    if failed is not None:
        raise failed  # after the commit: the other sources' editions are published
    return editions


def _written(state: dict) -> list[Edition]:
    """The editions of the sources written before a build was stopped, with their
    articles (as ``_build`` returns them)."""
    results = state.get("results") or {}
    editions, wanted = state.get("editions", {}), state.get("wanted", {})
    return [dataclasses.replace(editions[source, fmt], slug=slug,
                                article=results[source].article,
                                media_type=adapter(fmt).MEDIA_TYPE)
            for source, slug in state.get("sources", [])
            if source in results and all((source, f) in editions for f in wanted[source])
            for fmt in wanted[source]]


def _build(sources, formats, out_dir, progress, jobs, force, allow_remote, warn, styles,
           paper, scheduler, notice, strict, times, state: dict,
           counted=None) -> tuple[list[Edition], BuildError | None]:
    """``build``'s work inside the folder's transaction: the editions, and the error of
    the sources that failed on a cluster (None when none did)."""
    import time

    from . import freshness
    from ..read.collection import source_slug

    times = times if times is not None else BuildTimes()
    started = time.perf_counter()
    asked = list(dict.fromkeys(formats or ()))
    for name in asked:
        adapter(name)  # unknown names fail here, before any work
    paths = find_sources(sources)
    slugs = [source_slug(p) for p in paths]
    duplicate = next((s for s in slugs if slugs.count(s) > 1), None)
    if duplicate:
        raise SourceError(f"two sources would both be written as '{duplicate}'",
                          hint="rename one of them")
    editions: dict[tuple[Path, str], Edition] = {}
    todo: dict[Path, list[str]] = {}
    digests: dict[tuple[Path, str], str] = {}
    if paper is not None:
        from dataclasses import replace

        from ..house.paper import paper as known_paper

        paper = known_paper(paper).name  # an unknown paper fails here, before any work
    houses = {source: house_style(source, styles) for source in paths}
    if paper is not None:
        houses = {source: replace(house, paper=paper) for source, house in houses.items()}
    # --format, else the project file's formats, else the three editions.
    wanted = {source: asked or list(houses[source].formats or DEFAULT_FORMATS)
              for source in paths}
    for source, slug in zip(paths, slugs):
        for fmt in wanted[source]:
            target = out_dir / file_name(fmt, slug)
            digest = digests[source, fmt] = freshness.input_digest(
                source, fmt, houses[source], shaped_by=(fmt, *producers(fmt)))
            known = None if force else freshness.is_fresh(target, digest)
            if known is not None:
                editions[source, fmt] = Edition(fmt, target, target.stat().st_size, 0.0,
                                                known.get("pages"), known.get("words"),
                                                skipped=True)
            else:
                todo.setdefault(source, []).append(fmt)
    results: dict[Path, Built] = {}
    validator = None  # the build's warm EPUBCheck, started below
    state.update(editions=editions, results=results, wanted=wanted,
                 sources=list(zip(paths, slugs)))

    def write(source: Path, built: Built) -> None:
        times.reading += built.read_seconds
        times.rendering += sum(item.seconds for item in built.rendered)
        for warning in built.warnings:
            (warn or (lambda _w: None))(warning)
        # Editions that must pass a validator (the EPUB: EPUBCheck) are checked before
        # any edition of their source is replaced: one that fails leaves them in place.
        verdicts = {}
        for item in built.rendered:
            if item.format in VALIDATED:
                name = f"{built.slug}.{adapter(item.format).EXTENSION}"
                if progress:
                    progress(f"checking {name}")
                verdicts[item.format] = refuse_invalid(item.format, item.data, name,
                                                       validator)
                remember_inputs(item.format, digests[source, item.format], item.data)
                times.checking += verdicts[item.format].seconds
        with signals_held():  # a source's editions are written together (milliseconds)
            _write_all(source, built, verdicts)
        if counted and scheduler:  # the cluster's results come as they are done
            counted(len(results), len(todo))

    def _write_all(source: Path, built: Built, verdicts: dict) -> None:
        for item in built.rendered:
            target = out_dir / file_name(item.format, built.slug)
            # An edition rendered again to the same bytes (a print style that moved no
            # page break, for the EPUB) is left as it was.
            same = target.is_file() and target.stat().st_size == len(item.data) \
                and target.read_bytes() == item.data
            if not same:
                write_atomically(target, item.data)
            freshness.record(target, digests[source, item.format], item.data,
                             pages=item.pages, words=item.words, format=item.format,
                             slug=built.slug, media_type=adapter(item.format).MEDIA_TYPE)
            checked = verdicts.get(item.format)
            editions[source, item.format] = Edition(
                item.format, target, len(item.data), item.seconds, item.pages, item.words,
                skipped=same, check_seconds=checked.seconds if checked else None,
                check_source=checked.source if checked else "")
        results[source] = built  # all its editions written (before the signals come)

    times.planning = time.perf_counter() - started
    failed = None
    if todo:
        if counted:
            counted(0, len(todo))
        started = time.perf_counter()
        if scheduler:
            from .cluster.dask_runner import DaskCluster

            # The cluster runs ``build_source`` by name: it imports nothing of the build.
            executor: Executor = DaskCluster(scheduler, notice, task=build_source)
        else:
            executor = LocalProcesses(max(1, jobs or os.cpu_count() or 1), counted)
            times.processes = executor.jobs
        # The validator starts before the editions are rendered and warms up meanwhile
        # (on the cluster's path too: the client checks what the workers send back).
        # Only for editions whose verdict is not known already: an EPUB built again
        # from inputs already built and checked (--force, another folder) needs no JVM.
        unforeseen = [fmt for source, formats_ in todo.items() for fmt in formats_
                      if not foreseen(fmt, digests[source, fmt])]
        with validator_beside(unforeseen) as validator:
            failures = executor.run(todo, houses, allow_remote, write, progress, strict)
        times.work = time.perf_counter() - started
        note = _validator_note(validator)  # its whole cost, now that it has ended
        for key, edition in editions.items():
            if note and edition.check_seconds is not None:
                editions[key] = dataclasses.replace(edition, check_note=note)
        if failures:
            failed = BuildError(
                f"{len(failures)} of {len(todo)} sources failed:\n"
                + "\n".join(f"  {error}" for error in failures),
                hint="the other editions were written; fix these and build again")
    started = time.perf_counter()
    built = [(source, slug) for source, slug in zip(paths, slugs)
             if all((source, fmt) in editions for fmt in wanted[source])]
    articles = _articles([s for s, _ in built], [s for _, s in built], results, out_dir,
                         allow_remote, houses)
    times.articles = time.perf_counter() - started
    return [dataclasses.replace(editions[source, fmt], slug=slug, article=articles[source],
                                media_type=adapter(fmt).MEDIA_TYPE)
            for source, slug in built for fmt in wanted[source]], failed


def _validator_note(validator) -> str:
    """What the warm validator cost beside the build, for the summary ("" without one)."""
    stats = getattr(validator, "stats", None)
    if stats is None or stats.ready_after is None:
        return ""
    return (f"EPUBCheck ran in a Java VM started beside the build: ready after "
            f"{stats.ready_after:.1f} s, {stats.cpu:.1f} s of CPU in all")


def _articles(paths: Sequence[Path], slugs: Sequence[str], results: dict[Path, Built],
              out_dir: Path, allow_remote: bool,
              houses: dict[Path, HouseStyle]) -> dict[Path, object]:
    """Each source's article facts for the downloads page: from this build, else kept
    from an earlier one, else (an output folder from before they were kept) prepared."""
    from . import freshness
    from ..publish import articles

    found = {}
    for source, slug in zip(paths, slugs):
        digest = freshness.input_digest(source, "article", houses[source])
        built = results.get(source)
        article = None if built is not None else articles.load(out_dir, slug, digest)
        if article is None:
            article = (built.article if built is not None
                       else articles.article_of(prepare(source, allow_remote,
                                                        house=houses[source])))
            articles.save(out_dir, article, digest)
        found[source] = article
    return found
