"""The gazetteer (``source/places.yml``): every place a map may mark or label.

Each place has one name, optional alternative names (a contested place keeps
both: ``on_map: true`` puts the other name in brackets on the map), a kind from
a closed list, and a position. For areas (countries, seas, regions) the
position is where the label goes, not a centroid.
"""

from __future__ import annotations

import difflib
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..yamlfile import load_yaml, read_text
from .validation import validate_model

Kind = Literal[
    "country", "region", "capital", "city", "town", "village",
    "sea", "lake", "river", "mountain", "road", "crossing",
    # Where news happens: an incident (a strike, a blast), a site (a plant, a camp, a
    # mass grave, a base), a checkpoint.
    "incident", "site", "checkpoint",
]
KINDS: tuple[str, ...] = get_args(Kind)
#: The shape of a BCP 47 language tag ("fa", "az-Latn", "hy-AM").
LANG_TAG = r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"
#: Kinds drawn with a symbol at their position; the others are labels only.
POINT_KINDS = frozenset({"capital", "city", "town", "village", "mountain", "crossing",
                         "incident", "site", "checkpoint"})


class AltName(BaseModel):
    """Another name of a place, e.g. the name one side of a conflict uses."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    note: str | None = None
    #: Show this name in brackets after the main name on maps.
    on_map: bool = False
    #: Language of the name (BCP 47, "hy", "fa"): shapes and upper-cases it on maps.
    lang: str | None = Field(default=None, pattern=LANG_TAG)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: object) -> object:
        return {"name": value} if isinstance(value, str) else value


class Place(BaseModel):
    """One entry of the gazetteer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    alt_names: tuple[AltName, ...] = ()
    kind: str
    lat: float
    lon: float
    note: str | None = None
    #: Text used on maps instead of the composed label (e.g. "Nakhchivan (Azerbaijan)").
    map_label: str | None = None
    #: Further spellings to find in the text, as written; and whether inflected forms
    #: count ("inflected", the default) or only the names as written ("exact").
    forms: tuple[str, ...] = ()
    match: Literal["inflected", "exact"] = "inflected"
    #: Language of ``name`` and ``map_label`` (BCP 47: "az", "fa", "ka"). Maps shape the
    #: name for it and upper-case it by its rules (Azerbaijani i is İ).
    lang: str | None = Field(default=None, pattern=LANG_TAG)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS:
            close = difflib.get_close_matches(value, KINDS, n=1, cutoff=0.6)
            guess = f"did you mean '{close[0]}'? " if close else ""
            raise ValueError(f"unknown kind '{value}' ({guess}the kinds are: {', '.join(KINDS)})")
        return value

    @field_validator("lat")
    @classmethod
    def _lat_in_range(cls, value: float) -> float:
        if not -90 <= value <= 90:
            raise ValueError("latitude must be between -90 and 90")
        return value

    @field_validator("lon")
    @classmethod
    def _lon_in_range(cls, value: float) -> float:
        if not -180 <= value <= 180:
            raise ValueError("longitude must be between -180 and 180")
        return value

    @property
    def label(self) -> str:
        """The map label: "Khankendi (Stepanakert)" when another name is shown too."""
        if self.map_label:
            return self.map_label
        return "".join(text for text, _ in self.label_parts())

    def label_parts(self) -> list[tuple[str, str | None]]:
        """The map label as (text, language) pieces: the name, and each other name shown."""
        if self.map_label:
            return [(self.map_label, self.lang)]
        shown = [alt for alt in self.alt_names if alt.on_map]
        if not shown:
            return [(self.name, self.lang)]
        parts: list[tuple[str, str | None]] = [(self.name + " (", self.lang)]
        for i, alt in enumerate(shown):
            parts.append((alt.name, alt.lang))
            parts.append((" / " if i < len(shown) - 1 else ")", self.lang))
        return parts

    @property
    def is_point(self) -> bool:
        return self.kind in POINT_KINDS


class _GazetteerFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    places: list[Place]


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


@dataclass
class Gazetteer:
    """The validated places, found by name or alternative name (case-insensitive)."""

    path: Path
    places: list[Place]
    _index: dict[str, Place] = field(default_factory=dict, repr=False)
    #: Place name -> the line of its entry in the file (for warnings about it).
    lines: dict[str, int] = field(default_factory=dict, repr=False)
    #: Located warnings about the file (coordinates that look swapped, a place far from
    #: all the others), for the build to report.
    warnings: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        for place in self.places:
            for name in (place.name, *(alt.name for alt in place.alt_names)):
                self._index.setdefault(_key(name), place)

    def get(self, name: str) -> Place | None:
        """The place called ``name`` (or with that alternative name), or None."""
        return self._index.get(_key(name))

    def __getitem__(self, name: str) -> Place:
        place = self.get(name)
        if place is None:
            raise KeyError(name)
        return place

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and _key(name) in self._index

    def names(self) -> list[str]:
        """Every name and alternative name, as written."""
        out = []
        for place in self.places:
            out.append(place.name)
            out.extend(alt.name for alt in place.alt_names)
        return out

    def where(self, name: str) -> str:
        """"places.yml:12", the file and line of a place's entry (the file alone if unknown)."""
        line = self.lines.get(name)
        return f"{self.path}:{line}" if line else str(self.path)

    def suggest(self, name: str) -> str | None:
        """A did-you-mean hint for an unknown ``name``."""
        close = difflib.get_close_matches(name, self.names(), n=1, cutoff=0.6)
        return f"did you mean '{close[0]}'?" if close else None


def load_gazetteer(path: Path) -> Gazetteer:
    """Read and validate ``places.yml``; any mistake is a ``SourceError`` with file and line."""
    text = read_text(path)
    data, locator = load_yaml(text, path)
    if data is None:
        raise locator.error("the gazetteer is empty", (), "add a 'places:' list")
    parsed = validate_model(_GazetteerFile, data, locator, "gazetteer")
    seen: dict[str, tuple[str, int | None]] = {}
    lines: dict[str, int] = {}
    for i, place in enumerate(parsed.places):
        line = locator.line(("places", i))
        if line:
            lines.setdefault(place.name, line)
        names = [((i, "name"), place.name)]
        names += [((i, "alt_names", j), alt.name) for j, alt in enumerate(place.alt_names)]
        for loc, name in names:
            key = _key(name)
            line = locator.line(("places", *loc))
            if key in seen:
                first, first_line = seen[key]
                raise locator.error(
                    f"gazetteer: the name '{name}' is given twice "
                    f"(first for '{first}' on line {first_line})",
                    ("places", *loc),
                    "each name and alternative name may belong to one place only",
                )
            seen[key] = (place.name, line)
    gaz = Gazetteer(path=path, places=parsed.places, lines=lines)
    gaz.warnings = position_warnings(gaz)
    return gaz


#: A place is "far" when its nearest neighbour is further than FAR_KM, and further than
#: FAR_FACTOR times the widest gap between any other place and its nearest neighbour
#: (so a gazetteer of capitals across the world raises nothing).
FAR_KM, FAR_FACTOR = 300.0, 2.5
#: Kilometres in a degree of latitude, a little less than anywhere on the sphere of
#: ``_km`` (111.19 km), so that a search bounded by it never stops too soon.
KM_PER_DEGREE = 111.0


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    import math

    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def position_warnings(gaz: Gazetteer) -> list[str]:
    """Places whose coordinates are probably wrong, each with its line: latitude and
    longitude swapped (swapped back, the place lies among the others), or a place far
    from all the others (a typing mistake in a degree). A gazetteer of places spread
    over the world raises none: "far" is measured against how the others are spread."""
    points = [(p, (p.lat, p.lon)) for p in gaz.places
              if p.is_point and p.lat is not None and p.lon is not None]
    if len(points) < 3:
        return []

    import bisect

    # Sorted by latitude, the nearest place is looked for outwards from the point's
    # latitude, and the search stops where the difference in latitude alone is further
    # than the nearest found (a degree of latitude is at least KM_PER_DEGREE anywhere):
    # a scan of every pair would cost n² for n places.
    by_lat = sorted(points, key=lambda item: item[1][0])
    lats = [point[0] for _, point in by_lat]

    def nearest(point: tuple[float, float], skip: Place) -> float:
        best = math.inf
        start = bisect.bisect_left(lats, point[0])
        for step in (-1, 1):
            i = start if step > 0 else start - 1
            while 0 <= i < len(by_lat):
                place, other = by_lat[i]
                if abs(other[0] - point[0]) * KM_PER_DEGREE > best:
                    break
                if place is not skip:
                    best = min(best, _km(point, other))
                i += step
        return best

    gaps = {id(place): nearest(point, place) for place, point in points}
    # The widest gap of the others: the widest of all, or the second widest for its owner.
    widest = sorted(gaps.items(), key=lambda item: item[1], reverse=True)[:2]
    warnings = []
    for place, (lat, lon) in points:
        gap = gaps[id(place)]
        other_max = widest[1][1] if widest[0][0] == id(place) else widest[0][1]
        if gap <= max(FAR_KM, FAR_FACTOR * other_max):
            continue
        where = gaz.where(place.name)
        if -90 <= lon <= 90 and nearest((lon, lat), place) <= min(gap / 4, FAR_KM):
            warnings.append(
                f"{where}: '{place.name}' is {gap:,.0f} km from every other place, and "
                f"among them with latitude and longitude swapped (lat: {lon}, lon: {lat}); "
                "check the order: lat is north-south, lon east-west")
        else:
            warnings.append(
                f"{where}: '{place.name}' is {gap:,.0f} km from every other place; check "
                "its lat and lon")
    return warnings
