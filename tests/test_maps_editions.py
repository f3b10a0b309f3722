"""The map appendix in every edition: every map with caption and alt text, the gazetteer,
in-text place links that resolve, and bad map inputs refused."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from conftest import SAMPLE, run_cli

from exporter.read.source import load_document

SLUG = "azerbaijan-operation-nagorno-karabakh"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


@pytest.fixture(scope="module")
def specs():
    return load_document(SAMPLE)[0].meta.maps


def _epub(sample_dist):
    return zipfile.ZipFile(sample_dist / f"{SLUG}.epub")


def test_epub_has_every_map_with_caption_alt_and_list_of_maps(sample_dist, specs):
    with _epub(sample_dist) as z:
        maps = etree.fromstring(z.read("EPUB/maps-section.xhtml"))
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        article = etree.fromstring(z.read("EPUB/article.xhtml"))
        figures = maps.xpath("//x:figure", namespaces=NS)
        assert [f.get("id") for f in figures] == [f"map-{s.id}" for s in specs]
        for number, (figure, spec) in enumerate(zip(figures, specs), 1):
            caption = " ".join(figure.xpath("string(x:figcaption)", namespaces=NS).split())
            assert caption.startswith(f"Map {number}. {spec.title}.")
            (img,) = figure.xpath(".//x:img", namespaces=NS)
            assert img.get("alt").startswith("Map of")
            data = z.read("EPUB/" + img.get("src"))
            with Image.open(io.BytesIO(data)) as image:
                assert image.width <= 1264  # sized for a 6-inch e-reader
            assert len(data) < 150_000
        loi = nav.xpath("//x:nav[@epub:type='loi']//x:a/@href", namespaces=NS)
        assert loi == [f"maps-section.xhtml#map-{s.id}" for s in specs]
        assert nav.xpath("//x:nav[@epub:type='landmarks']//x:a[@epub:type='loi']", namespaces=NS)
        # The gazetteer lists each place once.
        places = maps.xpath("//x:table//x:tbody/x:tr/x:td[1]", namespaces=NS)
        names = [p.xpath("string()") for p in places]
        assert len(names) == len(set(names)) and "Khankendi" in names
        # In-text links to maps resolve to figures.
        refs = article.xpath("//x:a[contains(@class, 'mapref')]/@href", namespaces=NS)
        assert refs
        ids = {f"maps-section.xhtml#{f.get('id')}" for f in figures}
        assert set(refs) <= ids
        # Links never nest.
        assert not article.xpath("//x:a//x:a", namespaces=NS)


def test_pdf_has_maps_as_vectors_with_captions(sample_dist, specs):
    reader = PdfReader(sample_dist / f"{SLUG}.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for number, spec in enumerate(specs, 1):
        assert f"Map {number}. {spec.title}" in text
    # The maps are vectors, their words shaped glyph outlines (no renderer of SVG text
    # shapes Arabic script); the words are the Figure's alternative text, in the tagged
    # PDF's structure tree, where assistive technology reads them.
    alts = _figure_alts(sample_dist / f"{SLUG}.pdf")
    assert len([a for a in alts if a.startswith("Map of")]) == len(specs)
    maps = " ".join(alts)
    assert "Khankendi (Stepanakert)" in maps and "Lachin Corridor" in maps
    images = sum(len(page.images) for page in reader.pages)
    assert images == 0, "maps must be vectors in the PDF"
    destinations = reader.named_destinations
    for spec in specs:
        assert f"map-{spec.id}" in destinations
    links = [str(annot.get_object().get("/Dest", "")) for page in reader.pages
             for annot in page.get("/Annots", []) or []]
    assert any("map-" in link for link in links)


def _figure_alts(path) -> list[str]:
    """The /Alt of every Figure in a tagged PDF's structure tree, in order."""
    import pikepdf

    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for item in node:
                walk(item)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                found.append(str(node.Alt))
            if "/K" in node:
                walk(node.K)

    with pikepdf.open(path) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return found


def test_pdf_prints_one_map_per_page_and_the_gazetteer_on_a_page_of_its_own(sample_dist, specs):
    pages = [" ".join(page.extract_text().split())
             for page in PdfReader(sample_dist / f"{SLUG}.pdf").pages]
    caption_pages = [next(i for i, text in enumerate(pages) if f"Map {n}. {spec.title}" in text)
                     for n, spec in enumerate(specs, 1)]
    assert len(set(caption_pages)) == len(specs)
    (gazetteer,) = [i for i, text in enumerate(pages) if "Gazetteer Place Other names" in text]
    assert gazetteer not in caption_pages
    assert gazetteer > max(caption_pages)


def test_docx_has_png_maps_with_descriptions_and_caption_style(sample_dist, specs):
    path = sample_dist / f"{SLUG}.docx"
    document = docx.Document(path)
    captions = [p.text for p in document.paragraphs if p.style.name.lower() == "caption"]
    for number, spec in enumerate(specs, 1):
        assert any(c.startswith(f"Map {number}. {spec.title}") for c in captions)
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        descriptions = body.xpath("//wp:docPr/@descr", namespaces=NS)
        assert len([d for d in descriptions if d.startswith("Map of")]) == len(specs)
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == len(specs) and all(n.endswith(".png") for n in media)
        for name in media:
            with Image.open(io.BytesIO(z.read(name))) as image:
                extent_px = image.width
            assert extent_px == round(160 / 25.4 * 300)  # 300 dpi at the printed width
    bookmarks = set(body.xpath("//w:bookmarkStart/@w:name", namespaces=NS))
    anchors = set(body.xpath("//w:hyperlink/@w:anchor", namespaces=NS))
    map_anchors = {a for a in anchors if a.startswith("map-")}
    assert map_anchors and map_anchors <= bookmarks


def _with_front_matter(source_copy, old: str, new: str):
    article = (source_copy / SAMPLE.name)
    text = article.read_text("utf-8")
    assert old in text
    article.write_text(text.replace(old, new, 1), "utf-8")
    return article


BAD_MAPS = [
    ("unknown-place", "      - Goris\n", "      - Gorris\n", ["unknown place 'Gorris'", "Goris"]),
    ("unknown-layer", "  layers: [lachin-corridor.geojson, aghdam-road.geojson]",
     "  layers: [lachin-corridor.geojson, nowhere.geojson]", ["nowhere.geojson"]),
    ("unknown-key", "    title: The South Caucasus\n",
     "    title: The South Caucasus\n    colour: red\n", ["unknown key", "colour"]),
    ("bad-extent", "extent: [38.6, 37.6, 51.6, 44.2]", "extent: [38.6, 37.6, 51.6]", ["extent"]),
]


@pytest.mark.parametrize("name,old,new,fragments", BAD_MAPS, ids=[b[0] for b in BAD_MAPS])
def test_bad_map_declarations_stop_the_build(tmp_path, source_copy, name, old, new, fragments):
    _with_front_matter(source_copy, old, new)
    out = tmp_path / "dist"
    result = run_cli("build", source_copy, "--out", out)
    assert result.returncode == 2, result.stderr
    assert re.search(r"\.md:\d+:", result.stderr), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


BAD_DATA = [
    ("places.yml", "lat: 39.8", "lat: 139.8", ["places.yml:", "lat"]),
    ("places.yml", "kind: town", "kind: hamlet", ["places.yml:", "hamlet"]),
    ("maps/aghdam-road.geojson", '"coordinates"', '"coordinatez"', ["aghdam-road.geojson"]),
    ("maps/aghdam-road.geojson", "[", "{", ["aghdam-road.geojson:", "malformed GeoJSON"]),
]


@pytest.mark.parametrize("file,old,new,fragments", BAD_DATA, ids=[f"{b[0]}:{b[2]}" for b in BAD_DATA])
def test_bad_gazetteer_and_layers_stop_the_build(tmp_path, source_copy, file, old, new, fragments):
    path = source_copy / file
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    out = tmp_path / "dist"
    result = run_cli("build", source_copy, "--out", out)
    assert result.returncode == 2, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_an_unchanged_map_is_not_drawn_again(tmp_path, source_copy, monkeypatch):
    from exporter.run.render import prepare
    from exporter.maps import render

    monkeypatch.setenv("EXPORTER_CACHE_DIR", str(tmp_path / "cache"))
    article = (source_copy / SAMPLE.name)
    before = render.draw_count
    prepare(article)
    drawn = render.draw_count - before
    assert drawn == 2
    prepare(article)
    assert render.draw_count - before == drawn, "the cache did not prevent a second drawing"
    # A changed layer draws the map that uses it again, and only that one.
    layer = source_copy / "maps" / "aghdam-road.geojson"
    layer.write_text(layer.read_text("utf-8").replace("Aghdam road", "Aghdam-Askeran road", 1),
                     "utf-8")
    prepare(article)
    assert render.draw_count - before == drawn + 1


# --- gazetteer coordinates checked like the layers' (issue 26) ----------------------------

def _gazetteer(tmp_path, places: list[tuple[str, float, float]]):
    from exporter.maps.gazetteer import load_gazetteer

    lines = ["places:"]
    for name, lat, lon in places:
        lines += [f"  - name: {name}", "    kind: town", f"    lat: {lat}", f"    lon: {lon}"]
    path = tmp_path / "places.yml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return load_gazetteer(path)


REGION = [("Khankendi", 39.8153, 46.7519), ("Lachin", 39.6383, 46.5461),
          ("Goris", 39.5111, 46.3389), ("Aghdam", 39.9933, 46.9292)]


def test_a_place_with_latitude_and_longitude_swapped_is_a_located_warning(tmp_path):
    swapped = REGION[:3] + [("Yevlakh", 47.1436, 40.6356)]  # lat and lon exchanged
    gaz = _gazetteer(tmp_path, swapped)
    assert len(gaz.warnings) == 1
    warning = gaz.warnings[0]
    assert warning.startswith(f"{tmp_path / 'places.yml'}:14: 'Yevlakh' is ")
    assert "latitude and longitude swapped" in warning


def test_a_place_far_from_all_others_is_a_located_warning(tmp_path):
    typo = REGION[:3] + [("Aghdam", 49.9933, 46.9292)]  # 39 typed as 49
    gaz = _gazetteer(tmp_path, typo)
    assert len(gaz.warnings) == 1 and "'Aghdam' is 1,1" in gaz.warnings[0]
    assert "swapped" not in gaz.warnings[0]


def test_places_spread_over_the_world_raise_nothing(tmp_path):
    world = [("Baku", 40.4093, 49.8671), ("Moscow", 55.7558, 37.6173),
             ("Washington", 38.9072, -77.0369), ("Canberra", -35.2809, 149.13),
             ("Nairobi", -1.2921, 36.8219)]
    assert _gazetteer(tmp_path, world).warnings == []
    assert _gazetteer(tmp_path, REGION).warnings == []
