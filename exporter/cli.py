"""The ``exporter`` command: commands only parse arguments, call one function, print."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .adapters import ADAPTERS
from .errors import EXIT_FAILURE, ExporterError

app = typer.Typer(
    help="Export one canonical Markdown source to EPUB, PDF and DOCX editions, "
         "with a glossary and a map appendix.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state = {"debug": False, "color": True, "quiet": False, "verbose": False}


def _secho(message: str, **style) -> None:
    """``typer.secho``, without colour under ``NO_COLOR`` or ``--no-color``."""
    if not _state["color"]:
        typer.echo(message, err=style.get("err", False))
        return
    typer.secho(message, **style)


#: The formats ``--format`` accepts: the adapter registry's names.
Format = enum.Enum("Format", {name: name for name in ADAPTERS}, type=str)

#: The arguments ``build`` and ``watch`` share.
Sources = Annotated[Optional[list[Path]], typer.Argument(  # noqa: UP007
    help="Markdown files or folders (default: source/).", show_default=False)]
Formats = Annotated[Optional[list[Format]], typer.Option(  # noqa: UP007
    "--format", "-f", help="Format to build; repeat for several (default: epub, pdf, docx, html).",
    case_sensitive=False)]
Out = Annotated[Path, typer.Option("--out", "-o", help="Output folder.")]


def _command(function=None, *, name: str | None = None):
    """``app.command``, with the docstring's paragraphs unwrapped: the help then wraps to
    the terminal's width instead of breaking where the source's lines end. ``name``: the
    command's name where it is not the function's (``import``)."""
    import inspect

    def register(function):
        paragraphs = inspect.cleandoc(function.__doc__ or "").split("\n\n")
        return app.command(name, help="\n\n".join(" ".join(p.split()) for p in paragraphs)
                           )(function)

    return register(function) if function is not None else register


def _fail(exc: BaseException) -> None:
    """Print one line for a user's error, a short note for a bug; exit non-zero."""
    if _state["debug"]:
        raise exc
    if isinstance(exc, KeyboardInterrupt):
        raise exc  # reported by exporter.__main__, wherever it arrives
    if isinstance(exc, ExporterError):
        _secho(f"error: {exc}", err=True, fg="red")
        raise typer.Exit(exc.exit_code)
    if isinstance(exc, RecursionError):
        # A safety net: ``limits`` refuses such sources before parsing them.
        _secho("error: the source is nested too deeply to process (simplify its lists, "
                    "quotes or brackets)", err=True, fg="red")
        raise typer.Exit(2)
    _secho(f"internal error: {type(exc).__name__}: {exc} "
                "(run with --debug for the traceback)", err=True, fg="red")
    raise typer.Exit(EXIT_FAILURE)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"exporter {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[Optional[bool], typer.Option(  # noqa: UP007 (typer needs Optional)
        "--version", "-V", callback=_version, is_eager=True,
        help="Print the version and exit.")] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print only warnings and errors.")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Print each step as a line (for logs) besides the summary.")]
        = False,
    no_color: Annotated[bool, typer.Option(
        "--no-color", help="No colour in the output (as the NO_COLOR variable does).")]
        = False,
) -> None:
    """Global options."""
    import os

    _state["debug"] = debug
    _state["quiet"] = quiet
    _state["verbose"] = verbose and not quiet
    if no_color:
        os.environ["NO_COLOR"] = "1"  # rich's consoles read it too
    _state["color"] = not os.environ.get("NO_COLOR")


@_command
def build(
    sources: Sources = None,
    formats: Formats = None,
    out: Out = Path("dist"),
    jobs: Annotated[Optional[int], typer.Option(  # noqa: UP007
        "--jobs", "-j", min=1, help="Processes to use (default: number of cores).",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Rebuild editions even if their inputs are unchanged.")] = False,
    allow_remote: Annotated[bool, typer.Option(
        "--allow-remote", help="Fetch http(s) images named in the source (off: refused).")
    ] = False,
    styles: Annotated[Optional[Path], typer.Option(  # noqa: UP007
        "--styles", help="Folder of house-style files (print.css, epub.css, maps.yml, "
        "reference.docx) that replace the built-in ones (default: styles/ beside the "
        "source folder).", show_default=False)] = None,
    check_editions: Annotated[bool, typer.Option(
        "--check", help="Run 'exporter check' on new editions; the results go in the "
                        "manifest, and a failed check fails the build.")] = False,
    sign: Annotated[Optional[Path], typer.Option(  # noqa: UP007
        "--sign", metavar="KEY", help="Sign manifest.json with this Ed25519 private key "
        "(PEM); writes manifest.json.sig and manifest.pub.pem.", show_default=False)] = None,
    bundle: Annotated[bool, typer.Option(
        "--bundle", help="Also write <name>-offline.zip: page, catalogue, editions, "
                         "checksums.")] = False,
    scheduler: Annotated[Optional[str], typer.Option(  # noqa: UP007
        "--scheduler", envvar="EXPORTER_SCHEDULER", metavar="ADDRESS",
        help="Build on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:PORT); "
             "needs the 'dask' extra.", show_default=False)] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Treat warnings as errors (exit 2), as Sphinx's -W does.")] = False,
    paper: Annotated[Optional[str], typer.Option(  # noqa: UP007
        "--paper", help="Paper of the PDF, print and booklet editions: A4, A5, B5, Letter, "
        "Legal or 6x9in (over the front-matter's print: paper and the theme's).",
        show_default=False)] = None,
) -> None:
    """Build the editions of each SOURCE into the output folder (default: EPUB, PDF and
    DOCX; --format print and --format booklet make the print-shop PDF and the booklet)."""
    from rich.console import Console

    import time

    from .run.build import BuildTimes, build as run_build
    from .publish.downloads import publish

    console = Console(stderr=True)
    times = BuildTimes()
    startup = _process_age()
    if not sources and not Path("source").is_dir() and not _state["quiet"]:
        from .run.build import SAMPLE_SOURCE_DIR

        console.print(f"note: no source/ folder here: building the exporter's bundled sample "
                      f"({SAMPLE_SOURCE_DIR}) into {out}/; start a project of your own with "
                      "'exporter init'", highlight=False, markup=False, soft_wrap=True)
    from rich.markup import escape  # a warning's own brackets are text, not markup

    try:
        with _BuildProgress(console) as status:
            def publish_editions(built):  # in the build's transaction on the folder
                started = time.perf_counter()
                published.append(publish(out, built, check=check_editions, sign_key=sign,
                                         bundle=bundle,
                                         progress=lambda msg: _progress(status, console, msg)))
                published.append(time.perf_counter() - started)

            published: list = []
            editions = run_build(sources or [], [f.value for f in formats or []], out,
                                 progress=lambda msg: _progress(status, console, msg), jobs=jobs,
                                 force=force, allow_remote=allow_remote, styles=styles,
                                 paper=paper, strict=strict,
                                 warn=lambda w: console.print(f"[yellow]warning:[/] {escape(w)}",
                                                              highlight=False, markup=True,
                                                              soft_wrap=True),
                                 scheduler=scheduler,
                                 notice=lambda m: console.print(m, highlight=False,
                                                                markup=False), times=times,
                                 counted=status.count, publish=publish_editions)
            published, downloads = published
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 (reported by _fail)
        _fail(exc)
    if not _state["quiet"]:
        _summary(editions)
    _published(out, published)
    if not _state["quiet"]:
        _account(times, startup, downloads, remote=scheduler is not None)


def _progress(status, console, message: str) -> None:
    """A step of the build: the spinner's text, and with --verbose a line of its own."""
    status.update(message)
    if _state["verbose"]:
        console.print(message, highlight=False, markup=False)


class _BuildProgress:
    """What a terminal shows while a build runs: a spinner and the current step; with two
    or more sources to build, a bar, "done/total sources" and the time left (from the
    sources done so far). Nothing when the output is not a terminal or with --quiet."""

    def __init__(self, console) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn

        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                 _sources_column(), console=console, transient=True,
                                 disable=_state["quiet"] or not console.is_terminal)
        self.task = self.progress.add_task("building...", total=None)

    def __enter__(self) -> "_BuildProgress":
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def update(self, message: str) -> None:
        self.progress.update(self.task, description=message)

    def count(self, done: int, total: int) -> None:
        self.progress.update(self.task, completed=done, total=total)


def _sources_column():
    from rich.progress import BarColumn, ProgressColumn
    from rich.table import Table
    from rich.text import Text

    class SourcesColumn(ProgressColumn):
        """Bar, count and time left, shown only for two or more sources. The time left
        is the time per source so far times the sources still to build (rich's own
        estimate needs more samples than a build of a few sources gives)."""

        def __init__(self) -> None:
            super().__init__()
            self.bar = BarColumn(bar_width=24)

        def render(self, task):
            if task.total is None or task.total < 2:
                return Text("")
            done, total = int(task.completed), int(task.total)
            left = "time left unknown"
            if 0 < done < total and task.elapsed:
                seconds = round(task.elapsed / done * (total - done))
                left = f"about {seconds // 60}:{seconds % 60:02d} left"
            elif done >= total:
                left = "done"
            grid = Table.grid(padding=(0, 1))
            grid.add_row(self.bar.render(task), Text(f"{done}/{total} sources"),
                         Text(left, style="progress.remaining"))
            return grid

    return SourcesColumn()


def _process_age() -> float | None:
    """Seconds since this process started (Linux: /proc), or None where unknown."""
    import os

    try:
        with open("/proc/self/stat", "rb") as f:
            started = int(f.read().rsplit(b")", 1)[1].split()[19])
        with open("/proc/uptime", "rb") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - started / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def _account(times, startup: float | None, downloads: float, remote: bool) -> None:
    """One line on where the wall time went (the phases add up to it) and the CPU time
    of this process, its workers and its Java VM (all of them, once they have ended)."""
    import resource

    wall = _process_age()
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    phases = []
    if startup is not None:
        phases.append(f"{startup:.1f} s starting")
    phases.append(f"{times.planning:.1f} s finding what changed")
    if times.work:
        inside = [f"reading {times.reading:.1f} s", f"editions {times.rendering:.1f} s"]
        if times.checking:
            inside.append(f"waiting for EPUBCheck {times.checking:.1f} s")
        where = "on the cluster" if remote else f"in {times.processes} processes"
        phases.append(f"{times.work:.1f} s building ({', '.join(inside)}; {where})")
    if times.articles >= 0.05:
        phases.append(f"{times.articles:.1f} s article facts")
    phases.append(f"{downloads:.1f} s downloads page")
    line = "time: " + ", ".join(phases)
    if wall is not None:
        shown = (startup or 0.0) + times.planning + times.work + times.articles + downloads
        rest = wall - shown
        if rest >= 0.05:
            line += f", {rest:.1f} s the rest"
        line += f" = {wall:.1f} s wall"
    line += (f"; CPU {own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime:.1f} s "
             f"(this process {own.ru_utime + own.ru_stime:.1f} s, its workers and Java "
             f"{kids.ru_utime + kids.ru_stime:.1f} s" + (", the cluster's not counted)"
                                                          if remote else ")"))
    typer.echo(line)


@_command
def watch(
    sources: Sources = None,
    formats: Formats = None,
    out: Out = Path("dist"),
    allow_remote: Annotated[bool, typer.Option(
        "--allow-remote", help="Fetch http(s) images named in the source (off: refused).")
    ] = False,
    serve: Annotated[bool, typer.Option(
        "--serve", help="Also serve the output folder on 127.0.0.1 (this machine only); "
                        "open pages reload after each rebuild and show its errors.")
    ] = False,
    port: Annotated[int, typer.Option(
        "--port", help="The preview's port with --serve (0: any free one).", min=0, max=65535)
    ] = 8000,
) -> None:
    """Build, then rebuild on every save (one line each); Ctrl-C stops."""
    from .run.watch import watch as run_watch

    def report(result) -> None:
        for warning in result.warnings:
            _secho(f"warning: {warning}", err=True, fg="yellow")
        if result.error is not None:
            _secho(result.line(), err=True, fg="red")
        else:
            typer.echo(result.line())

    where = ", ".join(str(s) for s in sources) if sources else "source/"
    typer.echo(f"watching {where}; editions in {out}/ (Ctrl-C to stop)")
    try:
        run_watch(sources or [], [f.value for f in formats or []], out, report=report,
                  allow_remote=allow_remote, debug=_state["debug"],
                  serve=port if serve else None,
                  serving=lambda url: typer.echo(f"preview at {url} (this machine only; "
                                                 "pages reload after each rebuild)"))
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 (reported by _fail)
        _fail(exc)


def _summary(editions) -> None:
    from rich.console import Console
    from rich.table import Table

    folders = sorted({str(ed.path.parent) for ed in editions})
    table = Table(title="Editions in " + ", ".join(folders))
    # "seconds" is the rendering; "check" the time the build then waited for the
    # edition's validator (EPUBCheck) before the edition could replace the last one.
    # "seconds" stays the last column, where scripts reading the table look for it.
    checked = any(ed.check_seconds is not None for ed in editions)
    columns = ("format", "file", "size", "pages / words") + (
        ("check",) if checked else ()) + ("seconds",)
    for column in columns:
        table.add_column(column, justify="right" if column in ("size", "seconds", "check")
                         else "left", overflow="fold")
    for ed in editions:
        extent = f"{ed.pages} pages" if ed.pages is not None else f"{ed.words} words"
        seconds = "unchanged" if ed.skipped else f"{ed.seconds:.2f}"
        row = [ed.format, ed.path.name, f"{ed.size / 1024:.1f} KiB", extent]
        if checked:
            row.append("" if ed.check_seconds is None else
                       f"{ed.check_seconds:.2f} {_CHECKED_BY.get(ed.check_source, '')}")
        table.add_row(*row, seconds)
    console = Console()
    console.print(table)
    for note in dict.fromkeys(ed.check_note for ed in editions if ed.check_note):
        console.print(note, highlight=False, markup=False)


#: How the check column says where a verdict came from (``run.build.Edition``).
_CHECKED_BY = {"warm": "(warm Java)", "java": "(java -jar)", "cached": "(cached)"}


def _published(out: Path, published) -> None:
    """One line on the downloads files: what was written, what was left as it was."""
    def names(items: list[str]) -> str:
        shown = [i for i in items if "/" not in i]
        rest = len(items) - len(shown)
        return ", ".join(shown) + (f" and {rest} more" if rest else "")

    if _state["quiet"]:
        pass
    elif published.written:
        typer.echo(f"downloads in {out}: wrote {names(published.written)}")
    else:
        typer.echo(f"downloads in {out}: unchanged (index.html, catalog.xml, feed.xml, "
                   "manifest.json, SHA256SUMS)")
    for note in published.notes:
        _secho(f"note: {note}", err=True, fg="yellow")
    for finding in published.findings:
        typer.echo(finding, err=True)
    if published.failed_checks:
        _secho("error: 'exporter check' failed for " + ", ".join(published.failed_checks)
                    + f" (the findings are in {out / 'manifest.json'})", err=True, fg="red")
        raise typer.Exit(EXIT_FAILURE)


@_command
def verify(
    folder: Annotated[Path, typer.Argument(help="Output folder with manifest.json.")],
    key: Annotated[Optional[Path], typer.Option(  # noqa: UP007
        "--key", help="The publisher's Ed25519 public key (PEM) to check the signature "
                      "with (default: manifest.pub.pem in the folder).",
        show_default=False)] = None,
) -> None:
    """Check every file in FOLDER against manifest.json: sizes, SHA-256, SHA256SUMS and
    the signature. Each file is reported; any mismatch fails."""
    from .publish.verify import verify as run_verify

    try:
        results = run_verify(folder, key)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001
        _fail(exc)
    for result in results:
        typer.echo(str(result))
    failed = [r for r in results if not r.ok]
    if failed:
        _secho(f"error: {len(failed)} of {len(results)} checks failed: "
                    + ", ".join(r.path for r in failed), err=True, fg="red")
        raise typer.Exit(EXIT_FAILURE)
    typer.echo(f"verified: {len(results)} checks passed in {folder}")


@_command
def check(
    files: Annotated[list[Path], typer.Argument(
        help="Editions to validate; a folder means every edition in it.")],
) -> None:
    """Validate editions: EPUBCheck for EPUB; fonts, text, metadata for PDF; styles for
    DOCX; HTML5 syntax, language, text alternatives and news metadata for HTML."""
    import contextlib

    from .publish.checks import check as run_check, worth_a_warm_validator
    from .run.executors import validator_beside

    failed = False
    try:
        paths = _editions_in(files)
        with contextlib.ExitStack() as stack:
            # Several EPUBs to check: one Java, warmed once, checks them all.
            validator = (stack.enter_context(validator_beside(["epub"]))
                         if worth_a_warm_validator(paths) else None)
            for path in paths:
                findings = run_check(path, validator)
                errors = [f for f in findings if f.level in ("error", "fatal")]
                for finding in findings:
                    typer.echo(str(finding), err=True)
                failed = failed or bool(findings)
                status = "FAIL" if findings else "ok"
                warnings = len(findings) - len(errors)
                typer.echo(f"{status:4} {path} ({_count(len(errors), 'error')}, "
                           f"{_count(warnings, 'warning')})")
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001
        _fail(exc)
    if failed:
        raise typer.Exit(EXIT_FAILURE)


def _count(n: int, noun: str) -> str:
    """"1 error", "2 errors"."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _editions_in(paths: list[Path]) -> list[Path]:
    """``paths`` with each folder replaced by the editions in it."""
    from .adapters import ADAPTERS, adapter
    from .errors import UsageError

    suffixes = {"." + adapter(name).EXTENSION for name in ADAPTERS}
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        # Not the downloads page beside them (index.html): it is no edition.
        inside = sorted(p for p in path.iterdir() if p.suffix in suffixes and p.is_file()
                        and p.name != "index.html")
        if not inside:
            raise UsageError("no editions in this folder", file=path,
                             hint=f"build them first with 'exporter build --out {path}'")
        found += inside
    return found


@_command
def glossary(
    sources: Annotated[Optional[list[Path]], typer.Argument(  # noqa: UP007
        help="Markdown files or folders (default: source/).", show_default=False)] = None,
) -> None:
    """List each glossary term with where it occurs; warn about entries never used."""
    from .run.build import find_sources
    from .read.collection import article_files, is_collection
    from .glossary import glossary_report
    from .house.styles import house_style
    from .read.source import load_document

    try:
        found = find_sources(sources or [])
        # A collection's glossary is its articles' entries: report each article.
        articles = [a for s in found for a in (article_files(s) if is_collection(s) else [s])]
        seen = {}
        for article in articles:
            seen.setdefault(article.resolve(), article)
        for source in seen.values():
            doc, locator = load_document(source, defaults=house_style(source).defaults)
            report = glossary_report(doc.ast, doc.root, doc.meta.glossary, locator,
                                     doc.meta.lang)
            _secho(f"{source}: {len(report.used)} terms used, "
                        f"{len(report.unused)} unused", bold=True)
            for line in report.lines():
                typer.echo(line)
            for warning in report.warnings + report.unused_warnings():
                _secho(f"warning: {warning}", err=True, fg="yellow")
    except BrokenPipeError:
        raise
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001
        _fail(exc)


@_command
def init(
    folder: Annotated[Path, typer.Argument(
        help="New (or empty) folder for the project.")] = Path("."),
) -> None:
    """Start a project: source/ with an example article, glossary, places and a map
    layer; an empty styles/ folder; exporter.yml; a README. Never overwrites a file."""
    from .house.project import init_project

    try:
        written = init_project(folder)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001
        _fail(exc)
    typer.echo(f"made a project in {folder} ({len(written)} files)")
    go = "" if folder.resolve() == Path.cwd() else f"cd {folder} && "
    typer.echo(f"next: {go}exporter build && exporter check dist")


@_command
def new(
    title: Annotated[str, typer.Argument(help="The article's headline.")],
    source: Annotated[Path, typer.Option(
        "--source", help="Folder of the articles.")] = Path("source"),
) -> None:
    """Add an article to the source folder: today's date, every front-matter key, a file
    name from the title. Never overwrites a file."""
    from .house.project import new_article

    try:
        path = new_article(title, source)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001
        _fail(exc)
    typer.echo(f"wrote {path}")


class TrackChanges(str, enum.Enum):
    accept = "accept"
    reject = "reject"


class Comments(str, enum.Enum):
    drop = "drop"


@_command(name="import")
def import_(
    document: Annotated[Path, typer.Argument(
        help="A .docx, .odt, .html, a Google Docs 'Web page' .zip, or .md written for "
             "other tools.", show_default=False)],
    to: Annotated[Path, typer.Option("--to", help="Source folder to write into.")] = Path(
        "source"),
    track_changes: Annotated[Optional[TrackChanges], typer.Option(  # noqa: UP007
        "--track-changes", help="Accept or reject the document's tracked changes "
                                "(without it, a document with changes is refused).",
        case_sensitive=False)] = None,
    comments: Annotated[Optional[Comments], typer.Option(  # noqa: UP007
        "--comments", help="'drop': leave the document's comments out (without it, a "
                           "document with comments is refused).", case_sensitive=False)] = None,
) -> None:
    """Make an article of the source folder from a Word, LibreOffice, HTML or Google Docs
    document: Markdown, front-matter, pictures; report what could not be carried over."""
    from .importing.convert import import_document

    try:
        done = import_document(document, to,
                               track_changes=track_changes.value if track_changes else None,
                               comments=comments.value if comments else None)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001
        _fail(exc)
    pictures = f", {_count(len(done.pictures), 'picture')} in {to / 'images'}" \
        if done.pictures else ""
    typer.echo(f"imported {document} -> {done.article}{pictures}")
    for line in done.settled:
        typer.echo(f"  {line}")
    for finding in done.findings:
        _secho(f"warning: {document}: {finding}", err=True, fg="yellow")
    if done.guessed:
        _secho(f"check the front-matter of {done.article}: guessed " + "; ".join(done.guessed),
               err=True, fg="yellow")
    typer.echo(f"next: exporter build {done.article}")


def run() -> None:
    """Run the CLI (``exporter.__main__`` sets up signal handling first)."""
    try:
        app()
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        sys.exit(0)


if __name__ == "__main__":
    run()
