"""A pandoc user's document builds as it is: warnings with lines, valid editions."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import editions, run_cli
from pandoc_user import write_pandoc_user_document


@pytest.fixture(scope="module")
def pandoc_user(tmp_path_factory) -> tuple[Path, Path, str]:
    """The pandoc user's document built once: (source, output folder, stderr)."""
    folder = tmp_path_factory.mktemp("pandoc-user")
    source = write_pandoc_user_document(folder / "src")
    out = folder / "dist"
    result = run_cli("build", source, "--out", out)
    assert result.returncode == 0, result.stderr
    return source, out, result.stderr


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning:")]


def test_it_builds_with_located_warnings_and_no_edits(pandoc_user):
    source, _, stderr = pandoc_user
    warnings = _warnings(stderr)
    expected = [
        (6, "relative link 'previous.html'"), (7, "relative link '/reports/'"),
        (7, "relative link 'contact.md#desk'"), (7, "relative link '()'"),
        (12, "link to '#nowhere'"), (18, "TeX '\\begin{tabular}"), (23, "TeX '\\cite{smith2023}'"),
        (34, "'#casualties' is used twice"), (40, "'#footnotes' is taken by the edition"),
    ]
    for line, fragment in expected:
        assert any(f"{source}:{line}: " in w and fragment in w for w in warnings), \
            (line, fragment, warnings)
    lines = [int(m.group(1)) for w in warnings if (m := re.search(r"\.md:(\d+): ", w))]
    assert lines == sorted(lines), "warnings are in the order of their lines"
    assert all(len(w) > 20 for w in warnings) and "Traceback" not in stderr


def test_all_four_editions_pass_exporter_check(pandoc_user):
    _, out, _ = pandoc_user
    result = run_cli("check", out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok ") == 4


def _epub_text(out: Path) -> str:
    with zipfile.ZipFile(out / "field-notes.epub") as z:
        return "".join(z.read(n).decode() for n in sorted(z.namelist())
                       if n.endswith(".xhtml") and "nav" not in n and "cover" not in n)


def test_the_epub_keeps_the_raw_table_the_headings_and_the_link_text(pandoc_user):
    import lxml.etree as etree

    _, out, _ = pandoc_user
    text = _epub_text(out)
    table = re.search(r'<table id="casualties">.*?</table>', text, re.S).group(0)
    root = etree.fromstring(table)
    rows = [["".join(c.itertext()).strip() for c in row] for row in root.iter("tr")]
    assert rows == [["Date", "Figure"], ["19 September", "operation begins"],
                    ["20 September", "ceasefire"]]
    assert 'id="casualties-1"' in text
    assert re.search(r'<h2 id="footnotes-1"[^>]*>Footnotes</h2>', text)
    assert text.count('id="footnotes"') == 1  # the notes' own section
    assert "previous report" in text and "previous.html" not in text
    assert "\\cite" not in text and "tabular" not in text
    assert "a missing section" in text and "#nowhere" not in text


def test_the_pdf_has_the_text_but_not_the_tex(pandoc_user):
    _, out, _ = pandoc_user
    text = subprocess.run(["pdftotext", str(out / "field-notes.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Field Notes on the Lachin Corridor" in text and "A. Reporter" in text
    assert "ceasefire" in text and "\\cite" not in text and "tabular" not in text


def test_strict_turns_the_warnings_into_errors_and_writes_nothing(tmp_path):
    source = write_pandoc_user_document(tmp_path / "src")
    out = tmp_path / "dist"
    out.mkdir()
    (out / "field-notes.epub").write_bytes(b"previous")
    result = run_cli("build", source, "--out", out, "--strict")
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) >= 9 and all("[--strict]" in e for e in errors)
    assert f"{source}:6: relative link" in errors[0] or f"{source}:1:" in errors[0]
    assert [p.name for p in editions(out)] == ["field-notes.epub"]
    assert (out / "field-notes.epub").read_bytes() == b"previous"


def test_every_error_of_a_source_is_reported_in_one_run_at_its_own_line(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    body = ("Intro [ok](https://example.org).\n\n" + "Filler paragraph.\n\n" * 5
            + "![first](missing-one.png)\n\nA [bad](file:///etc/passwd) link.\n\n"
            + "Filler.\n\n" * 3 + "![again](missing-one.png)\n\nSee [here](elsewhere.html).\n")
    source = folder / "doc.md"
    source.write_text("---\ntitle: T\ndate: 2023-09-19\nlang: en\n---\n" + body, "utf-8")
    result = run_cli("build", source, "--out", tmp_path / "dist")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"error: {source}:18: image 'missing-one.png' does not exist")
    assert lines[1].startswith(f"error: {source}:20: link target 'file:///etc/passwd'")
    assert lines[2].startswith(f"error: {source}:28: image 'missing-one.png' does not exist")
    assert lines[3].startswith(f"warning: {source}:30: relative link 'elsewhere.html'")
    assert lines[4] == f"3 errors, 1 warning in {source}"
    assert not (tmp_path / "dist").exists()


def test_relative_links_follow_base_url(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    source = folder / "doc.md"
    source.write_text("---\ntitle: T\ndate: 2023-09-19\nlang: en\n"
                      "base_url: https://example.org/reports/2023\n---\n"
                      "See [before](previous.html) and [top](/index.html).\n", "utf-8")
    result = run_cli("build", source, "--out", tmp_path / "dist", "--format", "epub")
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    with zipfile.ZipFile(tmp_path / "dist" / "doc.epub") as z:
        text = z.read("EPUB/article.xhtml").decode()
    assert 'href="https://example.org/reports/2023/previous.html"' in text
    assert 'href="https://example.org/index.html"' in text


def test_an_epub_that_fails_epubcheck_is_an_error_and_the_previous_stays(tmp_path, monkeypatch):
    import io

    from exporter.run import build as build_module
    from exporter.adapters import epub
    from exporter.errors import BuildError

    folder = tmp_path / "src"
    folder.mkdir()
    source = folder / "doc.md"
    source.write_text("---\ntitle: T\ndate: 2023-09-19\nlang: en\n---\nText.\n", "utf-8")
    out = tmp_path / "dist"
    out.mkdir()
    for ext in ("epub", "docx"):
        (out / f"doc.{ext}").write_bytes(b"previous")
    render = epub.render

    def broken(doc, ctx):
        data = render(doc, ctx)
        source_zip, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(target, "w") as z:
            for info in source_zip.infolist():
                content = source_zip.read(info)
                if info.filename == "EPUB/article.xhtml":
                    content = content.replace(b"</body>", b'<a href="#nowhere">x</a></body>')
                z.writestr(info, content)
        return target.getvalue()

    monkeypatch.setattr(epub, "render", broken)
    with pytest.raises(BuildError, match="the EPUB fails EPUBCheck: RSC-012") as failed:
        build_module.build([source], ["epub", "docx"], out, jobs=1)
    assert failed.value.exit_code == 1
    assert {p.name: p.read_bytes() for p in editions(out)} == {
        "doc.epub": b"previous", "doc.docx": b"previous"}


def test_images_at_natural_size_resized_for_ereaders_and_print(pandoc_user):
    import io

    from PIL import Image

    from exporter.read.images import EREADER_PIXELS, PRINT_WIDTH_PX

    _, out, _ = pandoc_user
    text = _epub_text(out)
    assert re.search(r'<img src="images/img-small-png.png" width="250"', text)
    with zipfile.ZipFile(out / "field-notes.epub") as z:
        sizes = {n: Image.open(io.BytesIO(z.read(n))).size for n in z.namelist()
                 if n.startswith("EPUB/images/img-")}
    assert sizes["EPUB/images/img-small-png.png"] == (250, 160)
    large = sizes["EPUB/images/img-large-png.png"]
    assert large[0] * large[1] <= EREADER_PIXELS and abs(large[0] / large[1] - 4 / 3) < 0.01
    with zipfile.ZipFile(out / "field-notes.docx") as z:
        widths = sorted(Image.open(io.BytesIO(z.read(n))).width for n in z.namelist()
                        if n.startswith("word/media/"))
        document = z.read("word/document.xml").decode()
    assert widths == [250, 900, PRINT_WIDTH_PX]
    descriptions = re.findall(r'<pic:cNvPr descr="([^"]*)"', document)
    assert descriptions == ["A small sketch map, 250 pixels wide",
                            "A large photograph, 4000 by 3000 pixels",
                            "A medium image, 900 pixels wide"]
    assert "data:image" not in document and len(document) < 200_000


def test_a_decompression_bomb_is_refused_before_it_is_decoded(tmp_path):
    from PIL import Image

    folder = tmp_path / "src"
    folder.mkdir()
    Image.new("1", (10_000, 10_000)).save(folder / "bomb.png")  # 100 MP, a few kB
    source = folder / "doc.md"
    source.write_text("---\ntitle: T\ndate: 2023-09-19\nlang: en\n---\nText.\n\n"
                      "![A bomb](bomb.png)\n", "utf-8")
    result = run_cli("build", source, "--out", tmp_path / "dist")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {source}:8: image 'bomb.png' is 10000x10000 pixels (100 megapixels); "
        "the limit is 50 megapixels (save it at a few megapixels)")


# --- ordinary pandoc Markdown that once ended in "internal error" (issue 28) -------------

#: Bodies that pandoc reads without complaint; each once crashed a build.
ORDINARY = {
    "ends-in-caption": "Para.\n\n: caption line\n",          # was KeyError 'title'
    "just-an-emoji-name": ":smile:\n",                         # idem
    "ends-in-definition": "Text.\n\nTerm\n:   Its definition.\n",
    "empty-sub-and-superscript": "a ~~ b and x ^^ y\n",        # was IndexError
    "lone-quote-mark": "Text.\n\n>\n",                         # idem
    "empty-heading": "Text.\n\n#\n\nMore text.\n",             # EPUBCheck failed on the nav
    "names-in-emphasis": "*Nikol Pashinyan* met **Ilham Aliyev** in ~~Brussels~~.\n",
    "svg-image": "Text.\n\n![A blue box](box.svg)\n",          # DOCX: KeyError image/png
}
BOX = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 '
       '100"><rect x="10" y="10" width="180" height="80" fill="#369"/></svg>')


@pytest.fixture(scope="module")
def ordinary(tmp_path_factory) -> tuple[Path, "subprocess.CompletedProcess"]:
    base = tmp_path_factory.mktemp("ordinary")
    source = base / "source"
    source.mkdir()
    for name, body in ORDINARY.items():
        (source / f"{name}.md").write_text(
            f"---\ntitle: {name}\ndate: 2023-09-19\nlang: en\n---\n\n{body}", "utf-8")
    (source / "box.svg").write_text(BOX, "utf-8")
    return base / "dist", run_cli("build", source, "--out", base / "dist")


def test_ordinary_pandoc_markdown_builds_in_every_format(ordinary):
    out, result = ordinary
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr
    for name in ORDINARY:
        for ext in ("epub", "pdf", "docx"):
            assert (out / f"{name}.{ext}").is_file(), (name, ext)
    # The empty heading is left out, and said where.
    assert re.search(r"empty-heading\.md:9: an empty heading was left out", result.stderr)
    with zipfile.ZipFile(out / "svg-image.docx") as docx:
        assert [n for n in docx.namelist() if n.startswith("word/media/")
                and n.endswith(".png")]


def test_names_inside_emphasis_are_kept_whole_in_print(ordinary):
    """Names are never hyphenated in print (``span.name``), inside emphasis, strong and
    struck-out text too (these were skipped)."""
    from exporter.run.render import prepare
    from exporter.typeset.html import render_html

    out, _result = ordinary
    rendered = render_html(prepare(out.parent / "source" / "names-in-emphasis.md"))
    article = next(p.html for p in rendered.parts if p.id == "article")
    for name in ("Pashinyan", "Aliyev", "Brussels"):
        assert re.search(rf'<span class="name">{name}</span>', article), (name, article)
    assert '<em>Nikol <span class="name">Pashinyan</span></em>' in article  # 5 letters: too
    assert '<del><span class="name">Brussels</span></del>' in article      # short to break
