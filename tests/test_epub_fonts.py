"""Issue 12, point 1, the EPUB side: the book face embedded as static fonts, subset to
the edition's text, declared in the manifest and loaded by the stylesheet."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import lxml.etree as etree
import pytest
from fontTools.ttLib import TTFont

from exporter.typeset import ebook_fonts
from exporter.house import fonts
from exporter.run.freshness import input_digest
from exporter.house.styles import HouseStyle

from conftest import SAMPLE, run_cli

OPF = "{http://www.idpf.org/2007/opf}"
XHTML = "{http://www.w3.org/1999/xhtml}"
STYLES = {"Literata-Regular.ttf": ("Regular", 400), "Literata-Italic.ttf": ("Italic", 400),
          "Literata-Bold.ttf": ("Bold", 700), "Literata-BoldItalic.ttf": ("Bold Italic", 700)}


def _epub(folder: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(folder / f"{SAMPLE.stem}.epub")


def _manifest(epub: zipfile.ZipFile) -> dict[str, str]:
    opf = etree.fromstring(epub.read("EPUB/content.opf"))
    return {item.get("href"): item.get("media-type") for item in opf.iter(f"{OPF}item")}


def _fonts(epub: zipfile.ZipFile) -> dict[str, TTFont]:
    return {name.rsplit("/", 1)[-1]: TTFont(io.BytesIO(epub.read(name)))
            for name in epub.namelist() if name.endswith(".ttf")}


def _drawn_text(epub: zipfile.ZipFile) -> set[str]:
    """Every character of the edition's XHTML documents that a reader draws."""
    chars: set[str] = set()
    for name in epub.namelist():
        if name.endswith(".xhtml"):
            body = etree.fromstring(epub.read(name)).find(f"{XHTML}body")
            chars.update("".join(body.itertext()))
    return {c for c in chars if not c.isspace()}


def test_the_fonts_are_in_the_manifest_as_font_ttf_and_loaded_by_the_stylesheet(sample_dist):
    with _epub(sample_dist) as epub:
        manifest = _manifest(epub)
        css = epub.read("EPUB/style/epub.css").decode("utf-8")
        names = set(epub.namelist())
    fonts_listed = {href: kind for href, kind in manifest.items() if href.startswith("fonts/")}
    assert fonts_listed == {f"fonts/{name}": "font/ttf" for name in STYLES}
    assert all(f"EPUB/{href}" in names for href in fonts_listed)
    rules = re.findall(r"@font-face\s*\{([^}]*)\}", css)
    declared = set()
    for rule in rules:
        src = re.search(r'url\("\.\./(fonts/[^"]+)"\)', rule).group(1)
        style, weight = STYLES[src.rsplit("/", 1)[-1]]
        assert '"Literata"' in rule
        assert f"font-weight: {weight}" in rule
        assert ("font-style: italic" in rule) == ("Italic" in style)
        declared.add(src)
    assert declared == set(fonts_listed), "every embedded font is loaded, no other"
    body = re.search(r"(?m)^body \{[^}]*\}", css).group(0)
    assert re.search(r'font-family: "Literata", [^;]*serif;', body), body
    # The OFL travels with the fonts: the licence text in the stylesheet that loads them.
    assert "SIL OPEN FONT LICENSE Version 1.1" in css
    assert "Copyright 2017 The Literata Project Authors" in css


def test_the_fonts_are_static_subsets_that_cover_the_text(sample_dist):
    variable = {style: TTFont(path) for style, path in fonts.book_files().items()}
    with _epub(sample_dist) as epub:
        embedded = _fonts(epub)
        drawn = _drawn_text(epub)
    assert set(embedded) == set(STYLES)
    for name, font in embedded.items():
        style, weight = STYLES[name]
        source = variable["italic" if "Italic" in style else "normal"]
        assert "fvar" not in font and "gvar" not in font, f"{name} is still variable"
        # Subset: a tenth of the glyphs or fewer (the sample needs about 160 of ~1780).
        assert font["maxp"].numGlyphs < source["maxp"].numGlyphs / 10, name
        have = set(font.getBestCmap())
        wanted = {ord(c) for c in drawn} & set(source.getBestCmap())
        assert wanted <= have, f"{name} lacks {sorted(chr(c) for c in wanted - have)}"
        assert font["OS/2"].usWeightClass == weight
        assert font["name"].getDebugName(1) == "Literata"
        assert font["name"].getDebugName(2) == style
        # The copyright and licence notice stay in the font (OFL condition 2).
        assert "Literata Project Authors" in font["name"].getDebugName(0)
        assert "Open Font License" in font["name"].getDebugName(13)
        assert "kern" in {r.FeatureTag for r in font["GPOS"].table.FeatureList.FeatureRecord}


def test_other_scripts_are_embedded_and_the_bytes_do_not_depend_on_the_cache(tmp_path,
                                                                            monkeypatch):
    chars = ebook_fonts.characters(["Ереван, Αθήνα, Bakı: “ﬁne”"])
    monkeypatch.setenv("EXPORTER_CACHE_DIR", "off")
    uncached = ebook_fonts.faces(chars)
    monkeypatch.setenv("EXPORTER_CACHE_DIR", str(tmp_path / "cache"))
    ebook_fonts._variable_subset.cache_clear()
    filled = ebook_fonts.faces(chars)
    served = ebook_fonts.faces(chars)
    assert any((tmp_path / "cache" / "fonts").rglob("*"))
    assert [f.data for f in uncached] == [f.data for f in filled] == [f.data for f in served]
    for face in uncached:
        cmap = TTFont(io.BytesIO(face.data)).getBestCmap()
        assert all(ord(c) in cmap for c in "ЕреванΑθήναı“”"), face.file_name


def test_a_house_style_without_the_book_face_embeds_no_font(tmp_path):
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "epub.css").write_text("body { font-family: serif; }\n", "utf-8")
    out = tmp_path / "out"
    result = run_cli("build", SAMPLE, "--format", "epub", "--styles", styles, "--out", out)
    assert result.returncode == 0, result.stderr  # EPUBCheck ran in the build: still clean
    with _epub(out) as epub:
        assert not [n for n in epub.namelist() if n.endswith(".ttf")]
        assert "font/ttf" not in set(_manifest(epub).values())
        assert "@font-face" not in epub.read("EPUB/style/epub.css").decode("utf-8")


def test_two_builds_give_the_same_epub(tmp_path, sample_dist):
    out = tmp_path / "again"
    result = run_cli("build", SAMPLE, "--format", "epub", "--format", "pdf", "--out", out)
    assert result.returncode == 0, result.stderr
    name = f"{SAMPLE.stem}.epub"
    assert (out / name).read_bytes() == (sample_dist / name).read_bytes()


@pytest.mark.parametrize("fmt, rebuilt", [("epub", True), ("pdf", True), ("docx", False)])
def test_a_new_book_face_rebuilds_the_editions_set_in_it(monkeypatch, fmt, rebuilt):
    style = HouseStyle()
    before = input_digest(SAMPLE, fmt, style)
    monkeypatch.setattr(fonts, "identity", lambda: "another font")
    assert (input_digest(SAMPLE, fmt, style) != before) == rebuilt


def test_armenian_and_georgian_get_the_fallback_face_embedded(tmp_path, source_copy):
    # The region's own scripts, which Literata lacks: Stepanakert in Armenian,
    # Tbilisi in Georgian.
    source = source_copy / SAMPLE.name
    head, _, body = source.read_text("utf-8").partition("\n---\n")
    source.write_text(head + "\n---\n\nThe city's Armenian name is Ստեփանակերտ; "
                      "Tbilisi is თბილისი in Georgian.\n" + body, "utf-8")
    out = tmp_path / "out"
    result = run_cli("build", source, "--format", "epub", "--out", out)
    assert result.returncode == 0, result.stderr  # EPUBCheck ran in the build: still clean
    with _epub(out) as epub:
        manifest = _manifest(epub)
        fallbacks = {n: f for n, f in _fonts(epub).items() if n.startswith("DejaVuSerif")}
        css = epub.read("EPUB/style/epub.css").decode("utf-8")
    assert fallbacks, "no fallback font embedded"
    assert manifest[f"fonts/{next(iter(fallbacks))}"] == "font/ttf"
    assert '@font-face { font-family: "DejaVu Serif"' in css and "Bitstream" in css
    regular = fallbacks["DejaVuSerif.ttf"].getBestCmap()
    assert all(ord(c) in regular for c in "Ստեփանակերտთბილისი")
    assert ord("a") not in regular  # only what the book face lacks
    # The sample itself (Latin only) embeds no fallback.
    assert not ebook_fonts.fallback_faces(ebook_fonts.characters(["Khankendi, Baku"]))


def test_subsetting_the_script_faces_prints_nothing(monkeypatch, caplog):
    """DejaVu carries FontForge's FFTM table; on a cold cache fontTools printed "FFTM NOT
    subset; don't know how to subset; dropped" once for each face (issue 26)."""
    import logging

    monkeypatch.setenv("EXPORTER_CACHE_DIR", "off")
    with caplog.at_level(logging.WARNING):
        faces = ebook_fonts.fallback_faces("Երևան, თბილისი")
    assert faces, "DejaVu Serif draws Armenian and Georgian"
    assert [r.getMessage() for r in caplog.records] == []
