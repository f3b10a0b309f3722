"""``render_map``: one map declaration in, SVG + alt text out (PNG copies on demand), cached."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SourceError
from . import cache
from .describe import alt_text, credits
from .raster import MapRasters

if TYPE_CHECKING:
    from .gazetteer import Gazetteer
    from .layers import Layer
    from .spec import MapSpec

#: How many maps this process has actually drawn (tests use it to see the cache work).
draw_count = 0

#: Width of the small-screen version: shown 540 px wide (a 6-inch e-reader), every
#: label of 6.5 pt or more is at least 15 px high (6.75 px a millimetre).
SCREEN_WIDTH_MM = 80.0


@dataclass(frozen=True)
class RenderedMap:
    """A drawn map and the words that go with it."""

    id: str
    title: str
    caption: str
    alt: str
    svg: bytes
    #: The PNG copies, made from the SVG when first asked for.
    rasters: MapRasters
    width_mm: float
    height_mm: float
    png_size_px: tuple[int, int]
    #: Gazetteer names of the places shown, in declaration order.
    places: tuple[str, ...]
    #: Place name -> the label text printed on the map.
    labels: dict[str, str]
    credits: str
    from_cache: bool = False
    scale_km: float = 0.0
    warnings: tuple[str, ...] = field(default=())
    #: The key's rows as words, and the map's width in km (set as text on screens).
    key: tuple[str, ...] = field(default=())
    across_km: float = 0.0
    #: Drawn for small screens (``screen=True``): no key inside, fewer labels.
    screen: bool = False

    @property
    def png(self) -> bytes:
        """The PNG at print resolution (made now if need be)."""
        return self.rasters.print_png()

    @property
    def ereader_png(self) -> bytes:
        """The PNG for e-ink screens: drawn at e-reader width, 16 greys."""
        return self.rasters.ereader_png()


def _referenced(spec: MapSpec, gaz: Gazetteer) -> list[dict]:
    names = [ref.name for ref in spec.places] + spec.extent.fit_places()
    return [gaz[name].model_dump(mode="json") for name in names]


def screen_spec(spec: MapSpec) -> MapSpec:
    """``spec`` at the width of the small-screen version (its height follows)."""
    return spec.model_copy(update={"size": spec.size.model_copy(
        update={"width_mm": SCREEN_WIDTH_MM, "height_mm": None})})


def render_map(spec: MapSpec, gaz: Gazetteer, layers: dict[str, Layer], *,
               style_path: Path, cache_dir: Path | None = None,
               screen: bool = False, outlines: bool = True, lang: str = "en") -> RenderedMap:
    """Draw ``spec`` (or take it from ``cache_dir`` when nothing it depends on changed).

    ``layers`` must hold every layer the spec names (see ``spec_checks``). ``screen``:
    the version for small screens (``SCREEN_WIDTH_MM`` wide, key as text).
    ``outlines``: words as shaped glyph outlines (the PDF and the PNG copies); False
    writes ``<text>`` for a browser to shape (its PNG copies would not be shaped).
    ``lang``: the article's language, of the key, the alt text and the credits.
    """
    from ..i18n import catalogue_digest, words

    _ = words(lang)
    if screen:
        spec = screen_spec(spec)
    global draw_count
    try:
        style_bytes = style_path.read_bytes()
    except OSError:
        raise SourceError("map style file not found", file=style_path,
                          hint="styles/maps.yml holds the map fonts, lines and greys") from None
    from .style import load_style

    style = load_style(style_path)
    used = {name: layers[name] for name in spec.layer_names()}
    text = credits(spec, used, _)
    key = cache.cache_key({
        "spec": spec.model_dump(mode="json"),
        "places": _referenced(spec, gaz),
        "layers": {name: layer.digest for name, layer in used.items()},
        "style": hashlib.sha256(style_bytes).hexdigest(),
        "screen": screen,
        "outlines": outlines,
        "words": [_.tag, catalogue_digest(_.language)],
    }, style.font_family)
    if cache_dir is not None:
        hit = cache.read_entry(cache_dir, key)
        if hit is not None:
            meta, svg = hit
            return _result(spec, meta, svg, cache_dir / key, from_cache=True, screen=screen)

    from .draw import draw_map

    drawing = draw_map(spec, gaz, used, style, title=spec.title, screen=screen,
                       outlines=outlines, words=_)
    draw_count += 1
    shown = [gaz[name] for name in drawing.shown]
    meta = {
        "alt": alt_text(spec, gaz, used, [p for p in shown if p.name in drawing.labels], _),
        "credits": text,
        "width_mm": drawing.width_mm,
        "height_mm": drawing.height_mm,
        "png_size_px": list(drawing.png_size_px),
        "dpi": style.dpi,
        "places": drawing.shown,
        "labels": drawing.labels,
        "scale_km": drawing.scale_km,
        "warnings": drawing.warnings,
        "key": drawing.key,
        "across_km": drawing.across_km,
    }
    if cache_dir is not None:
        cache.write_entry(cache_dir, key, meta, drawing.svg)
    folder = cache_dir / key if cache_dir is not None else None
    return _result(spec, meta, drawing.svg, folder, from_cache=False, screen=screen)


def _result(spec: MapSpec, meta: dict, svg: bytes, folder: Path | None,
            from_cache: bool, screen: bool = False) -> RenderedMap:
    rasters = MapRasters(svg, tuple(meta["png_size_px"]), meta["dpi"], folder)
    return RenderedMap(
        id=spec.id, title=spec.title, caption=spec.caption, alt=meta["alt"], svg=svg,
        rasters=rasters,
        width_mm=meta["width_mm"], height_mm=meta["height_mm"],
        png_size_px=tuple(meta["png_size_px"]), places=tuple(meta["places"]),
        labels=dict(meta["labels"]), credits=meta["credits"], from_cache=from_cache,
        scale_km=meta["scale_km"], warnings=tuple(meta["warnings"]),
        key=tuple(meta.get("key", ())), across_km=meta.get("across_km", 0.0), screen=screen,
    )
