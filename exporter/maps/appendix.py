"""The map enrichment: draw the declared maps, link first mentions, append the appendix.

The appendix holds each map as a numbered figure (SVG for print, PNG for e-readers
and Word, alt text generated from the map's content) and a gazetteer table of every
place shown. The first mention of a mapped place in the text links to its map; where
the glossary already linked that word, a small "map N" link follows instead, so
links are never nested.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import panflute as pf

from ..document import BROWSER_SVG, Document, Resource
from ..glossary.linking import Linker, Matcher
from ..house.styles import STYLES_DIR
from ..i18n import words
from ..yamlfile import Locator
from .gazetteer import Gazetteer, Place, load_gazetteer
from .render import RenderedMap

PLACES_FILE = "places.yml"

#: Places that give a map its context; linking every country or sea would be noise.
_CONTEXT_KINDS = frozenset({"country", "sea", "lake"})


def _kind_name(_, kind: str) -> str:
    # Spelled out so that the catalogue's extraction finds every kind.
    names = {"country": _("country"), "region": _("region"), "capital": _("capital"),
             "city": _("city"), "town": _("town"), "village": _("village"),
             "sea": _("sea"), "lake": _("lake"), "river": _("river"),
             "mountain": _("mountain"), "road": _("road"), "crossing": _("crossing"),
             "incident": _("incident"), "site": _("site"), "checkpoint": _("checkpoint")}
    return names.get(kind, kind)


@dataclass(frozen=True)
class _Target:
    """A mapped place as the linker sees a glossary entry: names, slug, and its map."""

    names: tuple[str, ...]
    slug: str
    map_id: str
    number: int
    #: The map's title, for the link's accessible name ("see Map 2: ...").
    title: str = ""
    #: The gazetteer's ``forms:`` and ``match:`` for the place (see ``glossary.forms``).
    forms: tuple[str, ...] = ()
    match: str = "inflected"


class _MapLinker(Linker):
    """Links the first mention of each mapped place to the first map that shows it."""

    #: The edition's words (``i18n.Words``): the marker and its accessible name.
    words = None

    def _occurrence(self, entry, inlines, text, start, end):
        if entry.slug in self._here:
            return inlines
        self._here.add(entry.slug)
        return [pf.Link(*inlines, url=f"#map-{entry.map_id}", classes=["mapref"],
                        title=self._name(entry))]

    def _inlines(self, items):
        # Glossary links are not looked into (links never nest); a mapped place that the
        # glossary already linked gets a small "map N" link right after it instead.
        out, segment = [], []
        for item in items:
            if isinstance(item, pf.Link) and "glossref" in item.classes:
                out += super()._inlines(segment)
                segment = []
                out.append(item)
                out += self._marker(item)
            else:
                segment.append(item)
        return out + super()._inlines(segment)

    def _marker(self, link: pf.Link) -> list[pf.Inline]:
        found = self.matcher.find(pf.stringify(link))
        if not found or found[0][2].slug in self._here:
            return []
        target = found[0][2]
        self._here.add(target.slug)
        # The space keeps "map 2" a word of its own when the text is copied or read
        # aloud ("Baku map 1", not "Bakumap 1"); the accessible name says where it leads.
        name = self._name(target)
        _ = self.words
        # TRANSLATORS: the marker after a place's first mention in the text, linking
        # to the map that shows it ("Khankendi map 1").
        marker = _("map {number}", number=_.number(target.number))
        return [pf.Superscript(pf.Space(), pf.Link(pf.Str(marker.replace(" ", "\u00a0")),
                                                   url=f"#map-{target.map_id}",
                                                   classes=["mapref", "mapref-marker"],
                                                   title=name,
                                                   attributes={"aria-label": name}))]

    def _name(self, target: _Target) -> str:
        _ = self.words
        return _("see Map {number}: {title}", number=_.number(target.number),
                 title=_.isolate(target.title))


def _coordinates(place: Place, _) -> str:
    # TRANSLATORS: the letters of the compass points in coordinates ("40.29° N").
    ns = _("N") if place.lat >= 0 else _("S")
    ew = _("E") if place.lon >= 0 else _("W")
    lat, lon = (_.number(abs(v), places=2) for v in (place.lat, place.lon))
    return _("{lat}\u00b0\u00a0{ns}, {lon}\u00b0\u00a0{ew}", lat=lat, ns=ns, lon=lon, ew=ew)


def _cell(text: str) -> pf.TableCell:
    return pf.TableCell(pf.Plain(*_text(text)))


def _gazetteer_table(gaz: Gazetteer, maps: list[RenderedMap], _) -> pf.Table:
    from ..glossary.appendix import collation_order

    on_maps: dict[str, list[int]] = {}
    for number, rendered in enumerate(maps, 1):
        for name in rendered.places:
            on_maps.setdefault(gaz[name].name, []).append(number)
    names = list(on_maps)
    rows = []
    for i in collation_order(names, _.tag):  # the language's alphabet
        place = gaz[names[i]]
        # TRANSLATORS: the separator between groups of a list ("pages 3, 5; 9, 12").
        others = _("; ").join(a.name + (f" ({a.note})" if a.note else "")
                              for a in place.alt_names)
        coords = _coordinates(place, _) if place.is_point else ""
        rows.append(pf.TableRow(_cell(place.name), _cell(others),
                                _cell(_kind_name(_, place.kind)), _cell(coords),
                                _cell(_(", ").join(map(_.number, on_maps[names[i]])))))
    head = pf.TableHead(pf.TableRow(*(_cell(text) for text in (
        _("Place"), _("Other names"), _("Kind"), _("Coordinates"), _("Maps")))))
    return pf.Table(pf.TableBody(*rows), head=head,
                    colspec=[("AlignLeft", w) for w in (0.2, 0.36, 0.12, 0.22, 0.1)],
                    caption=pf.Caption())


def _figure(number: int, rendered: RenderedMap, url: str, _) -> pf.Figure:
    short = _("Map {number}. {title}", number=_.number(number), title=rendered.title)
    # TRANSLATORS: the end of a sentence (Armenian: ։).
    caption = short + _(".")
    if rendered.caption:
        caption += " " + " ".join(rendered.caption.split())
    image = pf.Image(*_text(rendered.alt), url=url, title="")
    # The map's credits, once: as text in its caption (no edition draws them in the image).
    credit = pf.Span(*_text(" ".join(rendered.credits.split())), classes=["map-credit"])
    content = [pf.Plain(image)]
    if rendered.key:
        # The key as text beside the map, for screens: the small-screen drawing has none
        # (its extent, places and layers are the printed map's, so its key is this one);
        # the printed map carries its own, and print.css and the DOCX leave this out.
        rows = _("; ").join(rendered.key) + _(".")
        across = _("The map is about {km} km across.", km=_round_km(rendered.across_km, _))
        content.append(pf.Div(pf.Para(pf.Strong(*_text(_("Key:"))), pf.Space(),
                                      *_text(rows), pf.Space(), *_text(across)),
                              classes=["map-key"]))
    return pf.Figure(*content,
                     caption=pf.Caption(pf.Plain(*_text(caption), pf.Space(), credit)),
                     identifier=f"map-{rendered.id}", classes=["map"],
                     attributes={"short-title": short})


def _round_km(km: float, _) -> str:
    """A distance as a reader would say it: two significant figures, in the language's
    digits and separators."""
    return _.number(round(float(f"{km:.2g}")) if km >= 10 else float(f"{km:.1g}"))


def _text(text: str) -> list[pf.Inline]:
    out: list[pf.Inline] = []
    for word in text.split():
        if out:
            out.append(pf.Space())
        out.append(pf.Str(word))
    return out


def _naming_map(map_id: str, warning: str) -> str:
    """``warning`` naming its map once (the renderer may already have named it)."""
    prefix = f"map '{map_id}': "
    return warning if warning.startswith(prefix) else prefix + warning


def prefetch(source: Path, style_path: Path = STYLES_DIR / "maps.yml") -> None:
    """Draw the maps ``source`` declares into the cache, so that its build finds them ready.

    Meant for a second process while the body is parsed and linked. Any problem is left
    for the build itself to report, with its file and line.
    """
    from .. import cache
    from ..read.source import load_metadata
    from ..yamlfile import read_text
    from .layers import load_layers
    from .render import render_map

    folder = cache.cache_dir()
    try:
        meta = load_metadata(read_text(source), source)[0]
        if folder is None or not meta.maps:
            return
        root = source.parent.resolve()
        from ..paths import inside

        if not inside(root / PLACES_FILE, root):
            return  # refused by the build, with the reason
        gaz = load_gazetteer(root / PLACES_FILE)
        for spec in meta.maps:
            for screen in (False, True):
                render_map(spec, gaz, load_layers(root, spec.layer_names()),
                           style_path=style_path, cache_dir=folder / "maps", screen=screen,
                           lang=meta.lang)
    except Exception:  # noqa: BLE001 (the build reports it properly)
        return


def _screen_png(spec, gaz: Gazetteer, layers: dict, style_path: Path,
                cache_dir: Path | None, lang: str = "en") -> bytes:
    """The e-reader PNG of the small-screen drawing of ``spec`` (see ``render_map``)."""
    from .render import render_map

    return render_map(spec, gaz, layers, style_path=style_path, cache_dir=cache_dir,
                      screen=True, lang=lang).ereader_png


def _browser_svg(spec, gaz: Gazetteer, layers: dict, style_path: Path,
                 cache_dir: Path | None, lang: str = "en") -> bytes:
    """The small-screen drawing of ``spec`` with its words as ``<text>`` (a browser
    shapes them itself: the words stay text a reader can select, search and enlarge)."""
    from .render import render_map

    return render_map(spec, gaz, layers, style_path=style_path, cache_dir=cache_dir,
                      screen=True, outlines=False, lang=lang).svg


def check_maps(doc: Document, locator: Locator,
               located: list[tuple[Locator, tuple]] | None = None) -> list[Exception]:
    """Every mistake in ``doc``'s map declarations (gazetteer, ids, layers, places), as
    ``add_maps`` would find them one at a time, without drawing anything: for reporting
    them with the other mistakes of a source that will not be built."""
    from ..errors import SourceError
    from ..paths import refuse_outside
    from .checks import spec_checks
    from .layers import load_layers

    specs = doc.meta.maps
    if not specs:
        return []
    places = doc.root / PLACES_FILE
    if not places.is_file():
        return [locator.error(f"maps are declared but {PLACES_FILE} is missing", ("maps",),
                              f"add a gazetteer at {places}")]
    try:
        refuse_outside(places, doc.root, "gazetteer")
        gaz = load_gazetteer(places)
    except SourceError as exc:
        return [exc]
    found: list[Exception] = []
    seen: set[str] = set()
    for i, spec in enumerate(specs):
        if spec.id in seen:
            found.append(locator.error(f"map id '{spec.id}' is used twice", ("maps", i, "id"),
                                       "give each map its own id"))
        seen.add(spec.id)
        where_loc, at = located[i] if located else (locator, ("maps", i))
        refs = {name: (*at, *where) for name, where in spec.layer_refs().items()}
        try:
            layers = load_layers(doc.root, spec.layer_names(), where_loc, refs)
            spec_checks(spec, gaz, layers, where_loc, at)
        except SourceError as exc:
            found.append(exc)
    return found


def add_maps(doc: Document, locator: Locator,
             located: list[tuple[Locator, tuple]] | None = None) -> list[RenderedMap]:
    """Draw ``doc``'s maps, add them as resources, link mentions, append the appendix.

    ``located`` gives, for each map, the locator and YAML path it was declared at (a
    collection's maps come from its articles); default: ``locator`` at ``maps: i``.
    """
    from .. import cache
    from .layers import load_layers
    from .render import render_map
    from .checks import spec_checks

    specs = doc.meta.maps
    if not specs:
        return []
    places = doc.root / PLACES_FILE
    if not places.is_file():
        raise locator.error(f"maps are declared but {PLACES_FILE} is missing", ("maps",),
                            f"add a gazetteer at {places}")
    from ..paths import refuse_outside

    refuse_outside(places, doc.root, "gazetteer")
    gaz = load_gazetteer(places)
    doc.warnings += [w for w in gaz.warnings if w not in doc.warnings]
    style_path = doc.house.file("maps.yml") if doc.house else STYLES_DIR / "maps.yml"
    seen: set[str] = set()
    rendered: list[RenderedMap] = []
    screens, browsers = [], []
    folder = cache.cache_dir()
    for i, spec in enumerate(specs):
        if spec.id in seen:
            raise locator.error(f"map id '{spec.id}' is used twice", ("maps", i, "id"),
                                "give each map its own id")
        seen.add(spec.id)
        where_loc, at = located[i] if located else (locator, ("maps", i))
        refs = {name: (*at, *where) for name, where in spec.layer_refs().items()}
        layers = load_layers(doc.root, spec.layer_names(), where_loc, refs)
        spec_checks(spec, gaz, layers, where_loc, at)
        result = render_map(spec, gaz, layers, style_path=style_path,
                            cache_dir=folder / "maps" if folder else None, lang=doc.meta.lang)
        doc.warnings += [f"{doc.source}: {_naming_map(spec.id, w)}" for w in result.warnings]
        rendered.append(result)
        # The small-screen version, drawn when the EPUB asks for it (a picklable call:
        # the document may go to another process).
        screens.append(partial(_screen_png, spec, gaz, layers, style_path,
                               folder / "maps" if folder else None, doc.meta.lang))
        browsers.append(partial(_browser_svg, spec, gaz, layers, style_path,
                                folder / "maps" if folder else None, doc.meta.lang))

    shown = dict.fromkeys(name for result in rendered for name in result.places)
    doc.places += tuple({"name": gaz[name].name, "kind": gaz[name].kind, "lat": gaz[name].lat,
                         "lon": gaz[name].lon, "point": gaz[name].is_point} for name in shown)
    _ = words(doc.meta.lang)
    targets = []
    for number, result in enumerate(rendered, 1):
        for name in result.places:
            place = gaz[name]
            if place.kind in _CONTEXT_KINDS:
                continue
            targets.append(_Target(names=(place.name, *(a.name for a in place.alt_names)),
                                   slug=place.name, map_id=result.id, number=number,
                                   title=result.title, forms=place.forms, match=place.match))
    unique = list({t.slug: t for t in reversed(targets)}.values())[::-1]  # first map wins
    linker = _MapLinker(Matcher(unique, doc.meta.lang), "first")
    linker.words = _
    linker.run(doc.ast)

    figures = []
    for number, (result, screen, browser) in enumerate(zip(rendered, screens, browsers), 1):
        url = doc.add_resource(Resource(
            key=f"map-{result.id}",
            # The PNG copies are made when an adapter first asks for them (see RenderedMap).
            # E-readers get the small-screen drawing (larger labels, key as text).
            # The web edition's drawing (labels as <text>) likewise, when it asks.
            variants={"image/svg+xml": result.svg, "image/png": result.rasters.print_png,
                      BROWSER_SVG: browser},
            alt=result.alt, width_mm=result.width_mm, height_mm=result.height_mm,
            ereader_png=screen))
        figures.append(_figure(number, result, url, _))
    appendix = pf.Div(
        pf.Header(*_text(_("Maps")), level=1, identifier="maps", classes=["appendix"],
                  attributes=_.marked),
        *figures,
        pf.Header(*_text(_("Gazetteer")), level=2, identifier="gazetteer", attributes=_.marked),
        _gazetteer_table(gaz, rendered, _),
        identifier="maps-section", classes=["maps", "appendix"],
        attributes={"title": _("Maps"), "epub-type": "appendix"},
    )
    doc.ast.content.append(appendix)
    return rendered
