"""Shared fixtures: the sample built once per session, and helpers to run the CLI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "source"
SAMPLE = SOURCE_DIR / "azerbaijan-operation-nagorno-karabakh.md"
SEED = ROOT.parent / "shared" / "seeds" / "000_5a0348a23b76aaed.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_configure(config):
    """One cache for the whole session, in a temporary folder: the tests never read or
    fill the user's cache (``exporter.cache``), and every test starts as a fresh clone
    would; what one test computed, the others reuse (tests that need a cold or a
    private cache set ``EXPORTER_CACHE_DIR`` themselves). With pytest-xdist the workers
    share the controller's (writes to the cache are atomic)."""
    if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("EXPORTER_TEST_CACHE"):
        os.environ["EXPORTER_CACHE_DIR"] = os.environ["EXPORTER_TEST_CACHE"]
        return
    folder = tempfile.mkdtemp(prefix="exporter-test-cache-")
    os.environ["EXPORTER_TEST_CACHE"] = folder  # for the workers xdist starts
    config._exporter_cache = folder
    os.environ["EXPORTER_CACHE_DIR"] = folder


#: The test files that take longest, first: with ./test.sh's three processes (a file to
#: each, in this order) none is left with a long file at the end while the others wait.
LONGEST_FIRST = ("test_distribution.py", "test_project.py", "test_cluster.py",
                 "test_i18n_editions.py", "test_scripts.py", "test_accessibility.py",
                 "test_hostile_input.py", "test_package.py", "test_properties.py",
                 "test_watch.py", "test_import.py", "test_speedups.py", "test_folder.py")


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: else as found


def pytest_unconfigure(config):
    folder = getattr(config, "_exporter_cache", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def bench_generate():
    """The benchmark's input generators (``bench/generate.py``), loaded as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``exporter`` as a user would, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "exporter", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd or ROOT, env=env,
                          timeout=timeout)


#: Runs the CLI with an audit hook that logs every file the process opens.
_AUDITED_CLI = (
    "import sys\n"
    "log = open(sys.argv.pop(1), 'w')\n"
    "def hook(event, args):\n"
    "    if event == 'open' and isinstance(args[0], (str, bytes)):\n"
    "        log.write(str(args[0]) + '\\n'); log.flush()\n"
    "sys.addaudithook(hook)\n"
    "sys.argv = ['exporter', *sys.argv[1:]]\n"
    "from exporter.__main__ import main\n"
    "main()\n"
)


def run_audited(log: Path, *args: str) -> tuple[subprocess.CompletedProcess, str]:
    """Run ``exporter`` like ``run_cli``; also return the paths of every file it opened."""
    result = subprocess.run([sys.executable, "-c", _AUDITED_CLI, str(log), *map(str, args)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    return result, log.read_text("utf-8") if log.exists() else ""


def article_paragraphs() -> list[str]:
    """The article's paragraphs as the Markdown source has them (front-matter removed)."""
    text = SAMPLE.read_text("utf-8")
    body = text.split("\n---\n", 1)[1]
    return [p.strip() for p in body.split("\n\n") if p.strip()]


def squash(text: str) -> str:
    """Text reduced to letters and digits, so typography and line breaks do not matter."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\W_]+", "", text).lower()


def assert_in_order(paragraphs: list[str], text: str) -> None:
    """Every paragraph appears in ``text``, in order (the "map N" links added to it aside)."""
    haystack = squash(re.sub(r"map\s+\d+", "", text))
    pos = 0
    for para in paragraphs:
        needle = squash(para)
        found = haystack.find(needle, pos)
        assert found >= 0, f"paragraph missing or out of order: {para[:70]!r}"
        pos = found + len(needle)


#: What editions are called; beside them a build writes its downloads page, catalogue,
#: manifest and checksums (tests/test_distribution.py).
EDITION_SUFFIXES = (".epub", ".pdf", ".docx", ".html")


def editions(folder: Path) -> list[Path]:
    """The edition files in an output folder (not the build records, not the downloads
    page, catalogue, manifest and checksums beside them)."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                  and p.suffix in EDITION_SUFFIXES and p.name != "index.html")


def built(tmp_path_factory, source: Path, name: str, *options: str,
          check=None) -> Path:
    """``source`` built through the CLI (with ``options``) into a fresh folder called
    after ``name``; ``check(result)`` may look at the build's output. The tests only read
    such folders: with several test processes (./test.sh's pytest-xdist) the first that
    asks builds it, under a lock, and the others share it."""
    import fcntl

    def build(out: Path) -> None:
        result = run_cli("build", source, "--out", out, *options)
        assert result.returncode == 0, result.stderr
        if check is not None:
            check(result)

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        out = tmp_path_factory.mktemp(name)
        build(out)
        return out
    shared = tmp_path_factory.getbasetemp().parent / "shared-builds"  # all workers'
    shared.mkdir(exist_ok=True)
    out, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            build(out)
            done.touch()
    return out


#: Words the exporter writes in English: none may be left in another language's edition.
ENGLISH = ("Glossary", "Gazetteer", "Contents", "Landmarks", "Map ", "map ", "Key:", "City",
           "Town", "International border", "Sources:", "Corrections", "Edition ", "Title page",
           "Back to the text", "Used on page", "Other names", "Coordinates", "approximate",
           "projection", "This publication", "back to")


def english_left(epub: Path) -> list[str]:
    """The exporter's English words (``ENGLISH``) found in ``epub`` outside elements
    marked ``lang="en"``: in text, alt, aria-label and title, the package's metadata too
    (not its vocabulary values, such as tableOfContents)."""
    import zipfile

    from lxml import etree

    texts = []
    with zipfile.ZipFile(epub) as archive:
        for name in archive.namelist():
            if not name.endswith((".xhtml", ".opf", ".ncx")):
                continue
            root = etree.fromstring(archive.read(name))
            for element in root.iter():
                if not isinstance(element.tag, str):
                    continue
                marked = element.xpath("ancestor-or-self::*[@lang][1]/@lang")
                if marked and marked[0] == "en":
                    continue
                if name.endswith(".opf") and element.get("property", "").startswith(
                        "schema:") and element.get("property") != "schema:accessibilitySummary":
                    continue
                texts += [element.text or "", element.tail or ""]
                texts += [element.get(a) or "" for a in ("alt", "aria-label", "title")]
    words = " ".join(texts)
    return [w for w in ENGLISH if w in words]


def read_member(archive: Path, member: str) -> bytes:
    """One file of a zip archive (an EPUB, a DOCX)."""
    import zipfile

    with zipfile.ZipFile(archive) as opened:
        return opened.read(member)


def pdf_pages_text(pdf: Path) -> list[str]:
    """Each page's text, as pdftotext reads it."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        count = len(doc.pages)
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for n in range(1, count + 1)]


@pytest.fixture(scope="session")
def sample_dist(tmp_path_factory) -> Path:
    """The sample built once, through the CLI, into a fresh folder."""
    return built(tmp_path_factory, SAMPLE, "dist")


@pytest.fixture(scope="session")
def translated_dist(tmp_path_factory) -> Path:
    """One story in English, Russian and Persian, and an English article beside it
    (``tests/fixtures/translations``), built once through the CLI."""
    return built(tmp_path_factory, FIXTURES / "translations", "translated")


#: The articles written for issue 22 in the languages of the region, one folder each
#: (tests/fixtures/scripts/<language>), and the slug they share.
SCRIPT_LANGUAGES = ("fa", "ar", "hy", "ka", "ru", "az")
SCRIPT_SLUG = "azerbaijan-operation"


@pytest.fixture(scope="session", params=SCRIPT_LANGUAGES)
def language(request, tmp_path_factory) -> tuple[str, Path]:
    """(language, output folder): one of the six articles of tests/fixtures/scripts built
    once, through the CLI, as EPUB, PDF, DOCX and HTML."""
    def no_warning(result) -> None:
        assert "warning" not in result.stderr.lower(), result.stderr  # every term found

    out = built(tmp_path_factory, FIXTURES / "scripts" / request.param,
                f"lang-{request.param}", "--format", "epub", "--format", "pdf",
                "--format", "docx", "--format", "html", check=no_warning)
    return request.param, out


#: The sample collection and the articles only it uses (the other sample articles).
COLLECTION = SOURCE_DIR / "nagorno-karabakh-2020-2023.collection.yml"
OTHER_ARTICLES = ("second-karabakh-war-2020.md", "karabakh-exodus-2023.md")


@pytest.fixture
def source_copy(tmp_path) -> Path:
    """A copy of the sample source folder with its one article (not the other sample
    articles and the collection, see ``collection_copy``) that a test may break."""
    target = tmp_path / "source"
    shutil.copytree(SOURCE_DIR, target,
                    ignore=shutil.ignore_patterns(COLLECTION.name, *OTHER_ARTICLES))
    return target


@pytest.fixture
def collection_copy(tmp_path) -> Path:
    """A copy of the whole sample source folder: three articles and their collection."""
    target = tmp_path / "source"
    shutil.copytree(SOURCE_DIR, target)
    return target


@pytest.fixture(scope="session")
def brought_in(tmp_path_factory):
    """Issue 29, built once: a Word, a LibreOffice and a Google Docs document made for
    the tests (tests/import_documents.py) imported through the CLI (with the options that
    settle their comments and tracked changes), beside the scholarly articles
    (tests/fixtures/scholarly: citations, cross-references, math); one build of all five
    into EPUB, PDF and DOCX, one ``exporter check``."""
    from types import SimpleNamespace

    import import_documents as made

    root = tmp_path_factory.mktemp("brought-in")
    source = root / "source"
    shutil.copytree(FIXTURES / "scholarly", source)
    documents = {}
    for kind, make in (("docx", made.make_docx), ("odt", made.make_odt),
                       ("zip", made.make_google_docs_zip)):
        folder = root / kind
        folder.mkdir()
        documents[kind] = make(folder)
    reports, articles = {}, {}
    for kind, document in documents.items():
        options = ["--comments", "drop"] + (["--track-changes", "accept"] if kind != "zip" else [])
        result = run_cli("import", document, "--to", source, *options)
        assert result.returncode == 0, result.stderr
        reports[kind] = result.stdout + result.stderr
        articles[kind] = Path(re.search(r"-> (\S+\.md)", result.stdout)[1])
    out = root / "dist"
    built = run_cli("build", source, "--out", out)
    assert built.returncode == 0, built.stderr
    return SimpleNamespace(source=source, documents=documents, reports=reports,
                           articles=articles, out=out, built=built,
                           checked=run_cli("check", out))


def bad_breaks(pdf: Path) -> dict[str, list[str]]:
    """What a typesetter would reject in the lines pdftotext reads from ``pdf`` (a
    hyphenated line ends in U+2010, the character WeasyPrint draws where it splits a
    word): "names", capitalised words split at a line end ("Cor-/ridor"); "stubs", a
    line holding one word that ends a word hyphenated on the line before ("repor-/ted.");
    "runs", more than two hyphenated lines in a row."""
    found: dict[str, list[str]] = {"names": [], "stubs": [], "runs": []}
    for number, text in enumerate(pdf_pages_text(pdf), 1):
        lines = [line.strip() for line in text.splitlines()]
        run = 0
        for i, line in enumerate(lines):
            hyphenated = line.endswith("\u2010")
            run = run + 1 if hyphenated else 0
            if run > 2:
                found["runs"].append(f"p{number}: {line}")
            if not hyphenated or i + 1 >= len(lines):
                continue
            word, rest = line.split()[-1], lines[i + 1].split()
            if word[:1].isupper():
                found["names"].append(f"p{number}: {word}{rest[0] if rest else ''}")
            if len(rest) == 1:
                found["stubs"].append(f"p{number}: {word} / {rest[0]}")
    return found


def over_hyphenated(pdf: Path) -> list[str]:
    """The pages of ``pdf`` with more than one line in ten hyphenated (pdftotext's lines,
    the running head and folio counted; a page of fewer than ten lines may have one), as
    "pN: H of L lines"; and the hyphenated lines in all, as a last entry "all: H of L"
    when more than one in ten."""
    found = []
    total = hyphenated = 0
    for number, text in enumerate(pdf_pages_text(pdf), 1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        count = sum(line.endswith("\u2010") for line in lines)
        total, hyphenated = total + len(lines), hyphenated + count
        if count > max(len(lines), 10) // 10:
            found.append(f"p{number}: {count} of {len(lines)} lines")
    if hyphenated * 10 > total:
        found.append(f"all: {hyphenated} of {total}")
    return found


def stranded_headings(pdf: Path) -> list[str]:
    """Headings left at the foot of a page: in the PDF's structure tree, a heading (H1-H6)
    whose next element in reading order (a paragraph, list, table or figure) starts on a
    later page."""
    import pikepdf

    found = []
    with pikepdf.open(pdf) as doc:
        pages = {page.obj.objgen: n for n, page in enumerate(doc.pages, 1)}
        order: list[tuple[str, int, str]] = []

        def walk(item) -> None:
            if isinstance(item, pikepdf.Array):
                for kid in item:
                    walk(kid)
            elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
                kind = str(item.S)[1:]
                page = pages.get(item.Pg.objgen, 0) if "/Pg" in item else 0
                if kind in ("H1", "H2", "H3", "H4", "H5", "H6", "P", "L", "Table", "Figure"):
                    order.append((kind, page, kind))
                    if kind != "L" and kind != "Table":
                        return
                if "/K" in item:
                    walk(item.K)

        walk(doc.Root.StructTreeRoot.K)
    for (kind, page, _k), (after, next_page, _n) in zip(order, order[1:]):
        if kind.startswith("H") and not after.startswith("H") and next_page > page:
            found.append(f"{kind} on page {page}, its text on page {next_page}")
    return found
