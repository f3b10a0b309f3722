"""Words about a map, made from what it shows: alt text and the credits line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .basemap import CREDIT
from .projection import NAME as PROJECTION

if TYPE_CHECKING:
    from .gazetteer import Gazetteer, Place
    from .layers import Layer
    from .spec import MapSpec

DISCLAIMER = "Borders and outlines are approximate and imply no position on their status."


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _of(title: str) -> str:
    first, _, rest = title.partition(" ")
    if first in ("The", "A", "An") and rest:
        return f"{first.lower()} {rest}"
    return title


def layer_label(layer: Layer) -> str:
    """The layer's title, saying "approximate" when its provenance says so."""
    title = layer.title
    if not layer.provenance.approximate or "approximate" in title.lower():
        return title
    if title.endswith(")"):  # "X (former oblast)" -> "X (former oblast, approximate)"
        return f"{title[:-1]}, approximate)"
    return f"{title} (approximate)"


def alt_text(spec: MapSpec, gaz: Gazetteer, layers: dict[str, Layer],
             shown: list[Place] | None = None) -> str:
    """'Map of the South Caucasus showing Armenia, ...; places marked: ...; highlighted: ...'."""
    places = shown if shown is not None else [gaz[ref.name] for ref in spec.places]

    def of_kind(*kinds: str) -> list[str]:
        return [p.label for p in places if p.kind in kinds]

    parts = []
    countries = of_kind("country")
    head = f"Map of {_of(spec.title)}"
    if countries:
        head += f" showing {_join(countries)}"
    parts.append(head)
    for title, kinds in (("seas and lakes", ("sea", "lake")), ("rivers", ("river",)),
                         ("regions", ("region",)),
                         ("places marked", ("capital", "city", "town", "village")),
                         ("also marked", ("incident", "site", "checkpoint", "mountain", "crossing")), ("roads labelled", ("road",))):
        names = of_kind(*kinds)
        if names:
            parts.append(f"{title}: {_join(names)}")
    highlighted = [layer_label(layers[n]) for n in spec.highlight]
    if highlighted:
        parts.append(f"highlighted: {_join(highlighted)}")
    drawn = [layer_label(layers[n]) for n in spec.layers if n not in spec.highlight]
    if drawn:
        parts.append(f"also drawn: {_join(drawn)}")
    return "; ".join(parts) + "."


def credits(spec: MapSpec, layers: dict[str, Layer]) -> str:
    """Data sources of the map, one sentence each."""
    by_source: dict[str, list[Layer]] = {}
    for name in spec.drawn_layers():
        layer = layers[name]
        by_source.setdefault(layer.provenance.source, []).append(layer)
    sentences = [f"Sources: {CREDIT}."]
    for source, group in by_source.items():
        licences = sorted({layer.provenance.licence for layer in group})
        approximate = all(layer.provenance.approximate for layer in group)
        titles = _join([layer.title for layer in group])
        sentences.append(f"{titles}: {source} ({', '.join(licences)})"
                         + ("; approximate." if approximate else "."))
    sentences.append(f"{PROJECTION}.")
    sentences.append(DISCLAIMER)
    return " ".join(sentences)
