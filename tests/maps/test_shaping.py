"""Map words shaped with HarfBuzz and drawn as outlines: Persian joined and right to left,
mixed directions in bidi order, no Mtavruli capitals, no .notdef boxes, and PNG copies
that read as the shaped text does."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import uharfbuzz as hb
from PIL import Image, ImageChops, ImageDraw, ImageFont

from exporter.maps import MapSpec, load_gazetteer, render_map
from exporter.maps.shaping import faces, glyph_path, shape, upper
from exporter.maps.svg import OUTLINE_UNITS

from .conftest import FIXTURES, STYLE, SVG, XLINK, svg_words

SCRIPTS = FIXTURES / "scripts" / "places.yml"
FAMILY = "DejaVu Sans"


@pytest.fixture(scope="module")
def scripts_gazetteer():
    return load_gazetteer(SCRIPTS)


def _spec(places, **extent) -> MapSpec:
    return MapSpec.model_validate({
        "id": "scripts", "title": "Scripts", "size": {"width_mm": 80},
        "extent": extent or {"fit": ["Goris", "Aghdam", "Sheki"], "margin_km": 8},
        "places": places})


@pytest.fixture(scope="module")
def scripts_map(scripts_gazetteer):
    return render_map(_spec(["Aghdam", "Lachin", "Goris", "Khankendi", "Shusha", "Georgia",
                             "Sheki"]), scripts_gazetteer, {}, style_path=STYLE)


def _hb_shape(text: str, path: str):
    """HarfBuzz's own shaping of ``text``, direction and script guessed from the text."""
    font = hb.Font(hb.Face(hb.Blob.from_file_path(path)))
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    return font, buf


def _label_group(svg: bytes, words: str):
    root = ET.fromstring(svg)
    (group,) = [g for g in root.iter(f"{SVG}g")
                if g.get("class") == "label" and g.get("aria-label") == words]
    paths = {p.get("id"): p.get("d") for p in root.iter(f"{SVG}path") if p.get("id")}
    return group, paths


def test_a_persian_label_is_harfbuzz_shaping_right_to_left_and_joined(scripts_map):
    text = "آغدام"
    main = faces(FAMILY).main
    font, buf = _hb_shape(text, main.path)
    assert buf.direction == "rtl"
    expected = [info.codepoint for info in buf.glyph_infos]
    # HarfBuzz gives a right-to-left run left to right on the page: the last letter first.
    assert [info.cluster for info in buf.glyph_infos] == [4, 3, 2, 1, 0]
    # Joined forms, not the letters' isolated glyphs that an unshaped renderer draws.
    isolated = [font.get_nominal_glyph(ord(c)) for c in reversed(text)]
    assert expected != isolated and expected[1:4] != isolated[1:4]

    shaped = shape(text, FAMILY, langs=["fa"] * len(text))
    (line,) = shaped.lines
    assert [g.gid for g in line.glyphs] == expected
    advances = [0]
    for pos in buf.glyph_positions[:-1]:
        advances.append(advances[-1] + pos.x_advance)
    assert [g.x for g in line.glyphs] == advances

    # The map draws those glyphs' outlines in that order, left to right: the label's
    # path is one absolute move per glyph, then that glyph's outline.
    group, paths = _label_group(scripts_map.svg, text)
    data = paths[group.find(f"{SVG}use[@class='ink']").get(f"{XLINK}href")[1:]]
    placed = re.findall(r"M(-?\d+) (-?\d+)([^M]*)", data)
    grid = OUTLINE_UNITS / shaped.upem
    assert [rest for _, _, rest in placed] == [
        re.sub(r"^m-?\d+ ?-?\d+", "", glyph_path(main, gid, grid)) for gid in expected]
    xs = [int(x) for x, _, _ in placed]
    assert xs == sorted(xs)


def _visual(text: str) -> str:
    """The characters of ``text`` in the order its glyphs stand on the page (a ligature's
    characters, as lam-alef's, right to left in right-to-left script)."""
    import unicodedata

    shaped = shape(text, FAMILY)
    (line,) = shaped.lines
    starts = sorted({g.cluster for g in line.glyphs}) + [len(text)]
    out, seen = [], set()
    for glyph in sorted(line.glyphs, key=lambda g: g.x):
        if glyph.cluster in seen:
            continue
        seen.add(glyph.cluster)
        chars = text[glyph.cluster:starts[starts.index(glyph.cluster) + 1]]
        rtl = unicodedata.bidirectional(chars[0]) in ("R", "AL")
        out.append(chars[::-1] if rtl else chars)
    return "".join(out)


@pytest.mark.parametrize("text", ["آغدام (Aghdam 2)", "Aghdam (آغدام) 12", "لاچین 12 km",
                                  "Route M-12 آغدام - لاچین"])
def test_mixed_directions_come_out_in_bidi_order(text):
    from bidi import get_display  # the Rust implementation of UAX #9, as a second opinion

    # get_display mirrors brackets in right-to-left runs; glyph clusters name the
    # characters as written (HarfBuzz mirrors the glyph).
    def unbracket(s):
        return s.translate(str.maketrans("()", "||"))

    assert unbracket(_visual(text)) == unbracket(get_display(text))


def test_bidi_levels_agree_with_python_bidis_rust_implementation():
    """Random mixes of Persian, Hebrew, Latin, digits, brackets and punctuation: the
    characters in the order of their glyphs (our UAX #9 levels, N0 included, then L2
    on runs) read as the Rust implementation reorders them."""
    import random

    from bidi import get_display

    pieces = ["آغدام", "Aghdam", "(", ")", "12", " ", "-", "[", "]", "ع", "x", "،",
              "3.5", "%", "«", "»", "לא"]
    rng = random.Random(7)
    flat = str.maketrans("()[]«»", "||||||")
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 7))).strip()
        if text:
            assert _visual(text).translate(flat) == get_display(text).translate(flat), text


def test_a_latin_name_inside_a_persian_label_reads_left_to_right(scripts_map):
    visual = _visual("لاچین (Lachin)")
    assert "Lachin" in visual  # not "nihcaL"
    assert visual.index("Lachin") < visual.index("ل")  # and it stands left of the Persian
    group, _ = _label_group(scripts_map.svg, "لاچین (Lachin)")
    assert group.find(f"{SVG}use[@class='halo']") is not None


def _ink(image: Image.Image) -> Image.Image:
    """Black-on-white ``image`` as a mask of its ink, cropped to it."""
    mask = image.convert("L").point(lambda v: 255 if v < 128 else 0)
    return mask.crop(mask.getbbox())


def _overlap(a: Image.Image, b: Image.Image) -> float:
    """Intersection over union of two ink masks, ``b`` scaled to ``a``'s box."""
    a, b = a.convert("1"), b.resize(a.size).convert("1")
    both = ImageChops.logical_and(a, b).histogram()[255]
    either = ImageChops.logical_or(a, b).histogram()[255]
    return both / either


def test_the_png_copy_of_a_persian_label_reads_as_the_shaped_text(scripts_gazetteer):
    from exporter.maps.raster import draw

    text = "لاچین آغدام"
    places = [p.model_copy(update={"map_label": text}) if p.name == "Aghdam" else p
              for p in scripts_gazetteer.places]
    gaz = type(scripts_gazetteer)(path=SCRIPTS, places=places)
    rm = render_map(_spec(["Aghdam"], fit=["Aghdam"], margin_km=5), gaz, {},
                    style_path=STYLE)
    assert rm.labels["Aghdam"] == text
    # The label's ink alone: the print PNG against the same map with its fill left out.
    bare = re.sub(rf'(<g class="label"[^>]*aria-label="{text}".*? class="ink") '
                  r'fill="#[0-9a-fA-F]{6}"'.encode(), rb'\1 fill="none"', rm.svg)
    assert bare != rm.svg
    size = rm.png_size_px
    with Image.open(__import__("io").BytesIO(rm.png)) as png:
        drawn = png.convert("L")
    without = draw(bare, size).convert("L")
    ink = ImageChops.difference(drawn, without).point(lambda v: 0 if v > 64 else 255)
    label = _ink(ink)

    font = ImageFont.truetype(faces(FAMILY).main.path, 200,
                              layout_engine=ImageFont.Layout.RAQM)
    basic = ImageFont.truetype(faces(FAMILY).main.path, 200,
                               layout_engine=ImageFont.Layout.BASIC)

    def pillow(typeface) -> Image.Image:
        canvas = Image.new("L", (2400, 400), 255)
        ImageDraw.Draw(canvas).text((50, 50), text, font=typeface, fill=0)
        return _ink(canvas)

    shaped, unshaped = pillow(font), pillow(basic)  # raqm shapes; basic draws as <text> did
    assert _overlap(label, shaped) > 0.7  # 0.84 measured; anti-aliasing at 7.5 pt
    assert _overlap(label, unshaped) < 0.4


def test_georgian_country_names_keep_their_case_and_others_are_upper_cased(scripts_map):
    assert scripts_map.labels["Georgia"] == "საქართველო"  # no Mtavruli (ᲡᲐᲥᲐᲠᲗᲕᲔᲚᲝ)
    assert scripts_map.labels["Sheki"] == "ŞƏKİ"  # Azerbaijani: i is İ
    assert not scripts_map.warnings
    can_draw = faces(FAMILY, "bold").covers
    assert not can_draw("Ს")  # the premise: DejaVu has no Mtavruli
    assert upper("Şəki", None, can_draw) == "ŞƏKI"
    assert upper("istanbul", "tr", can_draw) == "İSTANBUL"
    assert upper("Tbilisi თბილისი", "ka", can_draw) == "TBILISI თბილისი"


def test_a_character_the_font_lacks_is_reported_and_not_drawn(tmp_path):
    (tmp_path / "places.yml").write_text(
        "places:\n"
        "  - {name: Goris, kind: town, lat: 39.5111, lon: 46.3389}\n"
        "  - name: Tokyo\n"
        "    map_label: Tokyo 東京\n"
        "    kind: town\n"
        "    lat: 39.60\n"
        "    lon: 46.40\n", "utf-8")
    gaz = load_gazetteer(tmp_path / "places.yml")
    spec = _spec(["Goris", "Tokyo"], fit=["Goris", "Tokyo"], margin_km=6)
    rm = render_map(spec, gaz, {}, style_path=STYLE)
    (warning,) = [w for w in rm.warnings if "no glyph" in w]
    assert "'Tokyo'" in warning and "U+6771" in warning and "U+4EAC" in warning
    assert f"{tmp_path / 'places.yml'}:3" in warning  # the place's entry
    group, paths = _label_group(rm.svg, "Tokyo 東京")
    data = paths[group.find(f"{SVG}use[@class='ink']").get(f"{XLINK}href")[1:]]
    assert data.count("M") == len("Tokyo")  # the two ideographs are left out...
    notdef = glyph_path(faces(FAMILY).main, 0, OUTLINE_UNITS / faces(FAMILY).upem)
    assert notdef and re.sub(r"^m-?\d+ ?-?\d+", "", notdef) not in data  # ...no boxes
    # Written as <text> (for a browser), the label leaves them out too.
    text = render_map(spec, gaz, {}, style_path=STYLE, outlines=False)
    assert "Tokyo" in [w.strip() for w in svg_words(text.svg)]
    assert "東" not in text.svg.decode().split("</title>", 1)[1]


def test_labels_can_be_written_as_text_for_browsers(scripts_gazetteer, scripts_map):
    rm = render_map(_spec(["Aghdam", "Lachin", "Goris"]), scripts_gazetteer, {},
                    style_path=STYLE, outlines=False)
    root = ET.fromstring(rm.svg)
    texts = {t.text: t for t in root.iter(f"{SVG}text") if t.get("class") != "halo"}
    assert {"آغدام", "لاچین (Lachin)", "Գորիս"} <= set(texts)
    assert b"<use" not in rm.svg
    # The browser is told the Persian labels run right to left.
    rtl = [g for g in root.iter(f"{SVG}g") if g.get("direction") == "rtl"]
    assert len(rtl) == 2
    assert rm.svg != scripts_map.svg


def test_right_to_left_labels_avoid_each_other_as_left_to_right_ones_do(scripts_gazetteer):
    """Crowded Persian and Armenian labels: each drawn label's ink lies apart from the
    others' (rasterised one by one, so the boxes are the drawn shapes, not the placer's)."""
    from exporter.maps.raster import draw

    rm = render_map(_spec(["Aghdam", "Lachin", "Goris", "Khankendi", "Shusha"],
                          fit=["Khankendi", "Shusha"], margin_km=12),
                    scripts_gazetteer, {}, style_path=STYLE)
    assert len(rm.labels) == 5 and not rm.warnings
    svg = rm.svg.decode()
    groups = re.findall(r'<g class="label".*', svg)
    assert len([g for g in groups if 'aria-label="' in g]) >= 5
    boxes = {}
    w, h = rm.png_size_px
    size = (w // 2, h // 2)
    for group in groups:
        name = re.search(r'aria-label="([^"]*)"', group).group(1)
        if name not in rm.labels.values():
            continue  # the key's words
        only = svg
        for other in groups:
            if other is not group:
                only = only.replace(other, "", 1)
        with_label = draw(only.encode(), size).convert("L")
        bare = draw(only.replace(group, "", 1).encode(), size).convert("L")
        boxes[name] = ImageChops.difference(with_label, bare).point(
            lambda v: 255 if v > 32 else 0).getbbox()
    assert len(boxes) == 5
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            ba, bb = boxes[a], boxes[b]
            apart = ba[2] <= bb[0] or bb[2] <= ba[0] or ba[3] <= bb[1] or bb[3] <= ba[1]
            assert apart, (a, b, ba, bb)


def test_outlines_are_harfbuzz_outlines_in_compact_path_data():
    main = faces(FAMILY).main
    font = hb.Font(hb.Face(hb.Blob.from_file_path(main.path)))

    class Recorder:
        def __init__(self):
            self.ops = []

        def moveTo(self, p):  # noqa: N802
            self.ops.append(("M", (round(p[0]), round(p[1]))))

        def lineTo(self, p):  # noqa: N802
            self.ops.append(("L", (round(p[0]), round(p[1]))))

        def qCurveTo(self, *p):  # noqa: N802
            self.ops.append(("Q", *[(round(x), round(y)) for x, y in p]))

        def curveTo(self, *p):  # noqa: N802
            self.ops.append(("C", *[(round(x), round(y)) for x, y in p]))

        def closePath(self):  # noqa: N802
            self.ops.append(("Z",))

    def absolute(d: str):
        """Relative SVG path data (as written) back to absolute points."""
        sizes = {"m": 2, "l": 2, "h": 1, "v": 1, "q": 4, "c": 6, "z": 0}
        tokens = re.findall(r"[a-z]|-?\d+", d)
        out, at, start, i = [], (0, 0), (0, 0), 0
        while i < len(tokens):
            cmd = tokens[i]
            values = [int(v) for v in tokens[i + 1:i + 1 + sizes[cmd]]]
            i += 1 + sizes[cmd]
            if cmd == "z":
                out.append(("Z",))
                at = start
                continue
            if cmd in "hv":
                at = (at[0] + values[0], at[1]) if cmd == "h" else (at[0], at[1] + values[0])
                out.append(("L", at))
                continue
            points = [(at[0] + values[j], at[1] + values[j + 1]) for j in range(0, len(values), 2)]
            at = points[-1]
            if cmd == "m":
                start = at
            out.append((cmd.upper(), *points))
        return out

    glyphs = {font.get_nominal_glyph(ord(c)) for c in "Ag@آگ"}
    glyphs |= {g.gid for g in shape("لاچین", FAMILY).lines[0].glyphs}
    for gid in glyphs:
        pen = Recorder()
        font.draw_glyph_with_pen(gid, pen)
        assert absolute(glyph_path(main, gid)) == pen.ops, gid


def test_same_bytes_and_a_new_cache_entry_when_the_drawing_changes(scripts_gazetteer,
                                                                   scripts_map, tmp_path):
    spec = _spec(["Aghdam", "Lachin", "Goris", "Khankendi", "Shusha", "Georgia", "Sheki"])
    again = render_map(spec, scripts_gazetteer, {}, style_path=STYLE)
    assert again.svg == scripts_map.svg and again.png == scripts_map.png
    first = render_map(spec, scripts_gazetteer, {}, style_path=STYLE, cache_dir=tmp_path)
    as_text = render_map(spec, scripts_gazetteer, {}, style_path=STYLE, cache_dir=tmp_path,
                         outlines=False)
    assert not first.from_cache and not as_text.from_cache
    assert render_map(spec, scripts_gazetteer, {}, style_path=STYLE,
                      cache_dir=tmp_path).from_cache
