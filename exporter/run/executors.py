"""Where stale sources are built: ``LocalProcesses`` on this machine (the Dask cluster's
executor is ``cluster.dask_runner.DaskCluster``).

Work is spread over ``jobs`` processes: with several sources, one source per task;
with one source, its PDF (the slowest layout) runs beside the other formats, and its
maps are drawn in a third process while the text is read.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..adapters import RenderContext, adapter
from ..errors import ExporterError
from ..house.styles import HouseStyle
from .render import Built, build_source, context, for_worker, needs, prepare, render_one, warm_up

#: What a build reports its steps to (the CLI's progress line).
Progress = Callable[[str], None]


#: Workers are forked: they start at once and inherit what the parent has prepared.
_START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else None


_HELD = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def forking() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while child processes are forked.

    A signal that arrives meanwhile is recorded and raised again once the children are
    started and registered, so the build stops cleanly and ends them all; raised in the
    middle of a fork, it could leave a worker that nobody ends. The children start with
    both signals blocked and take them once they have their own handlers
    (``_child_signals``).
    """
    import threading

    if (threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "pthread_sigmask")):
        yield
        return
    caught: list[int] = []
    handlers = {signum: signal.signal(signum, lambda n, _f: caught.append(n))
                for signum in _HELD}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        if caught:
            signal.raise_signal(caught[0])


def _child_signals() -> None:
    """In a child process: SIGTERM ends it at once and Ctrl-C is the parent's to handle;
    then take the signals held since the fork."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)


@contextlib.contextmanager
def process_pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers are ended, not waited for, when the build stops
    early (an error, Ctrl-C, SIGTERM): a page layout can take many seconds."""
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_child_signals,
                               mp_context=multiprocessing.get_context(_START_METHOD))
    try:
        yield pool
    except BaseException:
        # ProcessPoolExecutor has no public way to stop running tasks before 3.14.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


@contextlib.contextmanager
def validator_beside(formats) -> Iterator[object | None]:
    """The warm validator of a build that will write editions in ``formats``
    (``publish.validator.Validator``, or None: the checks then run in a subprocess),
    started now so that it warms up while the editions are rendered, and ended however
    the build ends (an error, Ctrl-C, SIGTERM)."""
    from ..publish.checks import start_validator

    with contextlib.ExitStack() as stack:
        # Started with the signals held, and its ending registered before they are
        # taken again: a Ctrl-C at that moment cannot leave the child running.
        with forking():
            validator = start_validator(formats)
            if validator is not None:
                stack.callback(validator.close)
        yield validator


def _draw_maps(source: Path, map_style: Path) -> None:
    _child_signals()
    from ..maps.appendix import prefetch

    prefetch(source, map_style)


def _draw_maps_beside(source: Path, house: HouseStyle) -> Callable[[], None]:
    """Start drawing ``source``'s maps into the cache in another process; return a waiter.
    When the build stops early, the child is ended with SIGTERM (it is a daemon)."""
    process = multiprocessing.get_context(_START_METHOD).Process(
        target=_draw_maps, args=(source, house.file("maps.yml")), daemon=True)
    with forking():
        process.start()
    return process.join


def _render_all(todo: dict[Path, list[str]], jobs: int, progress: Progress | None,
                allow_remote: bool, houses: dict[Path, HouseStyle],
                strict: bool = False,
                counted: Callable[[int, int], None] | None = None) -> dict[Path, Built]:
    """Render every (source, formats) in ``todo``, in ``jobs`` processes; ``counted``
    receives (sources rendered, sources) as they finish."""
    say = progress or (lambda _msg: None)
    count = counted or (lambda _done, _total: None)
    results: dict[Path, Built] = {}
    if jobs <= 1:
        for n, (source, formats) in enumerate(todo.items(), start=1):
            say(f"building {source.name}: {', '.join(formats)}")
            results[source] = build_source(source, formats, allow_remote, houses[source],
                                           strict)
            count(n, len(todo))
        return results
    if len(todo) >= jobs:
        with process_pool(jobs) as pool:
            with forking():  # the first submit forks the workers
                futures = {source: pool.submit(build_source, source, formats, allow_remote,
                                                houses[source], strict)
                           for source, formats in todo.items()}
            for n, (source, future) in enumerate(futures.items(), start=1):
                results[source] = future.result()
                say(f"built {n}/{len(futures)}: {source.name}")
                count(n, len(futures))
        return results
    # Few sources: page layout (the slowest step) runs in a worker beside the other
    # formats. The worker starts first, loading its layout engine while the text is
    # parsed and linked here and the maps are drawn in a third process.
    layouts = [fmt for fmt in dict.fromkeys(f for fs in todo.values() for f in fs)
               if adapter(fmt).LAYS_OUT_PAGES]
    with process_pool(jobs - 1) as pool:
        with forking():  # the first submit forks the workers
            for fmt in layouts:
                for _ in range(min(jobs - 1, len(todo))):
                    pool.submit(warm_up, fmt)
        remote: dict[Path, list[Future]] = {}
        prepared: dict[Path, RenderContext] = {}
        read_seconds: dict[Path, float] = {}
        for source, formats in todo.items():
            say(f"reading {source.name}")
            house = houses[source]
            started = time.perf_counter()
            ctx = context(prepare(source, allow_remote,
                                  maps_ready=_draw_maps_beside(source, house), house=house,
                                  strict=strict))
            read_seconds[source] = time.perf_counter() - started
            ctx.jobs = jobs  # a book's chapters are laid out in as many processes
            remote[source] = [pool.submit(render_one, for_worker(ctx, fmt), fmt)
                              for fmt in formats if fmt in layouts]
            prepared[source] = ctx
        for source, formats in todo.items():
            ctx = prepared[source]
            local = []
            # Formats that take the layout's products (the EPUB's page numbers) wait for it.
            waiting = [fmt for fmt in formats if fmt not in layouts
                       and set(needs(fmt)) & {k for f in formats if f in layouts
                                                for k in getattr(adapter(f), "PRODUCES", ())}]
            for fmt in formats:
                if fmt not in layouts and fmt not in waiting:
                    say(f"building {source.name}: {fmt}")
                    local.append(render_one(ctx, fmt))
            for future in remote[source]:
                say(f"laying out {source.name}")
                local.append(future.result())
                ctx.extras.update(local[-1].extras)
            for fmt in waiting:
                say(f"building {source.name}: {fmt}")
                local.append(render_one(ctx, fmt))
            order = {fmt: i for i, fmt in enumerate(formats)}
            from ..publish.articles import article_of

            started = time.perf_counter()
            article = article_of(ctx.doc)
            results[source] = Built(ctx.doc.slug, sorted(local, key=lambda r: order[r.format]),
                                    ctx.doc.warnings, article,
                                    read_seconds[source] + time.perf_counter() - started)
            count(len(results), len(todo))
    return results


class Executor(Protocol):
    """Where the stale sources are built: local processes, or a Dask cluster."""

    def run(self, todo: dict[Path, list[str]], houses: dict[Path, HouseStyle],
            allow_remote: bool, write: Callable[[Path, Built], None],
            progress: Progress | None, strict: bool = False) -> list[ExporterError]:
        """Build ``todo`` (source -> formats), handing each result to ``write``; return
        the errors of the sources that failed and were not allowed to stop the build."""
        ...


@dataclass(frozen=True)
class LocalProcesses:
    """The default: ``jobs`` processes on this machine; the first error stops the build
    before anything is written."""

    jobs: int
    #: Receives (sources rendered, sources to build): a progress bar's count.
    counted: Callable[[int, int], None] | None = None

    def run(self, todo, houses, allow_remote, write, progress,
            strict: bool = False) -> list[ExporterError]:
        for source, built in _render_all(todo, self.jobs, progress, allow_remote,
                                         houses, strict, self.counted).items():
            write(source, built)
        return []
