"""Geographic layers: GeoJSON files under ``<source>/maps/``, validated.

A layer file is a GeoJSON ``FeatureCollection`` (or a single ``Feature``) whose
geometries are all areas (Polygon, MultiPolygon) or all lines (LineString,
MultiLineString). Two foreign members say what it is and where it comes from::

    "title": "Lachin Corridor road",
    "provenance": {"source": "...", "licence": "...", "approximate": true}

Errors name the file and, where the JSON allows, the line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import SecurityError, SourceError
from ..yamlfile import Locator, load_yaml
from .validation import sub_locator, validate_model

#: Folder under the source root that holds the layers.
LAYER_DIR = "maps"
SUFFIXES = (".geojson", ".json")

AREA_TYPES = {"Polygon", "MultiPolygon"}
LINE_TYPES = {"LineString", "MultiLineString"}


class Provenance(BaseModel):
    """Where a layer comes from; every layer must say."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=1)
    licence: str = Field(min_length=1)
    approximate: bool
    note: str | None = None


@dataclass(frozen=True)
class Layer:
    """One validated layer: its geometries in lon/lat and what the legend calls it."""

    name: str
    path: Path
    title: str
    kind: str  # "area" or "line"
    #: Each geometry as a list of parts; each part a list of rings (areas) or one line.
    parts: tuple[tuple[tuple[tuple[float, float], ...], ...], ...]
    provenance: Provenance
    digest: str


class _Located:
    """Lines of a JSON file's nodes, computed only when an error needs one."""

    def __init__(self, text: str, path: Path) -> None:
        self.text, self.path = text, path
        self._locator: Locator | None = None

    @property
    def locator(self) -> Locator:
        if self._locator is None:
            try:  # JSON is YAML: the YAML composer knows every node's line.
                _, self._locator = load_yaml(self.text, self.path)
            except SourceError:
                self._locator = Locator(file=self.path, lines={})
        return self._locator

    def error(self, message: str, loc: tuple = (), hint: str | None = None) -> SourceError:
        return self.locator.error(message, loc, hint)


def _reference_error(cls: type[SourceError], message: str, file: Path,
                     hint: str | None = None) -> SourceError:
    """An error in the *name* of a layer, which the caller may locate in its own file."""
    exc = cls(message, file=file, hint=hint)
    exc.reference = True  # type: ignore[attr-defined]
    return exc


def resolve_layer_path(root: Path, name: str) -> Path:
    """The file of layer ``name`` under ``root/maps``; refuses anything outside it."""
    folder = (root / LAYER_DIR).resolve()
    if not name or Path(name).is_absolute() or "\\" in name:
        raise _reference_error(SecurityError,
                               f"layer '{name}' must be a file name under {LAYER_DIR}/",
                               root / LAYER_DIR)
    path = (folder / name).resolve()
    if not path.is_relative_to(folder):
        raise _reference_error(SecurityError,
                               f"layer '{name}' is outside the source folder's {LAYER_DIR}/",
                               root / LAYER_DIR, "layers must live in the source folder")
    if path.suffix.lower() not in SUFFIXES:
        raise _reference_error(SourceError, f"layer '{name}' is not a GeoJSON file", path,
                               "name it *.geojson")
    return path


def load_layers(root: Path, names: Iterable[str], locator: Locator | None = None,
                locs: Mapping[str, tuple] | None = None) -> dict[str, Layer]:
    """Load and validate the layers ``names`` (file names under ``root/maps``).

    With ``locator`` and ``locs`` (name -> where the name is written, e.g.
    ``("maps", 0, "layers", 1)``), a name that is missing or points outside
    the folder is reported at the line that names it.
    """
    layers = {}
    for name in dict.fromkeys(names):
        try:
            layers[name] = load_layer(root, name)
        except SourceError as exc:
            if not (getattr(exc, "reference", False) and locator and locs and name in locs):
                raise
            moved = type(exc)(exc.message, file=locator.file, line=locator.line(locs[name]),
                              hint=exc.hint)
            raise moved from None
    return layers


def load_layer(root: Path, name: str) -> Layer:
    """Load one layer file; see :func:`load_layers`."""
    path = resolve_layer_path(root, name)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _reference_error(SourceError, f"layer '{name}' not found",
                               root / LAYER_DIR / name,
                               f"put the GeoJSON file in {root / LAYER_DIR}") from None
    except (IsADirectoryError, PermissionError) as exc:
        raise SourceError(f"layer '{name}' cannot be read ({exc.strerror})", file=path) from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise SourceError("not valid UTF-8", file=path,
                          line=raw[: exc.start].count(b"\n") + 1) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"malformed GeoJSON: {exc.msg} (column {exc.colno})", file=path,
                          line=exc.lineno, hint="check commas, brackets and quotes") from None
    where = _Located(text, path)
    title, provenance, geometries = _read_top(data, where, name)
    parts, kinds = [], set()
    for loc, geometry in geometries:
        kind, geom_parts = _read_geometry(geometry, loc, where)
        kinds.add(kind)
        parts.extend(geom_parts)
    if not parts:
        raise where.error(f"layer '{name}' has no geometry", (), "add at least one feature")
    if len(kinds) > 1:
        raise where.error("a layer holds areas or lines, not both", (),
                          "split it into two files")
    return Layer(name=name, path=path, title=title, kind=kinds.pop(), parts=tuple(parts),
                 provenance=provenance, digest=hashlib.sha256(raw).hexdigest())


def _read_top(data: Any, where: _Located, name: str):
    if not isinstance(data, dict):
        raise where.error("GeoJSON must be an object with \"type\": \"FeatureCollection\"")
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise where.error("a FeatureCollection needs a \"features\" list", ("type",))
        geometries = []
        for i, feature in enumerate(features):
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise where.error("each feature must be {\"type\": \"Feature\", ...}",
                                  ("features", i))
            geometries.append((("features", i, "geometry"), feature.get("geometry")))
    elif kind == "Feature":
        geometries = [(("geometry",), data.get("geometry"))]
    else:
        raise where.error(f"unsupported GeoJSON type {kind!r}", ("type",),
                          "use a FeatureCollection of Polygon or LineString features")
    if "provenance" not in data:
        raise where.error("the layer does not say where it comes from", (),
                          'add "provenance": {"source": ..., "licence": ..., '
                          '"approximate": true|false}')
    try:
        provenance = Provenance.model_validate(data["provenance"])
    except ValidationError:  # validate again, now with lines, for the message
        validate_model(Provenance, data["provenance"],
                       sub_locator(where.locator, ("provenance",)), "provenance")
        raise
    title = data.get("title", Path(name).stem.replace("-", " ").capitalize())
    if not isinstance(title, str) or not title.strip():
        raise where.error("\"title\" must be a non-empty string", ("title",))
    return title, provenance, geometries


def _read_geometry(geometry: Any, loc: tuple, where: _Located):
    if not isinstance(geometry, dict) or "coordinates" not in geometry:
        raise where.error("each feature needs a geometry with \"coordinates\"", loc)
    gtype = geometry.get("type")
    coords = geometry["coordinates"]
    cloc = (*loc, "coordinates")
    if gtype == "Polygon":
        return "area", [_polygon(coords, cloc, where)]
    if gtype == "MultiPolygon":
        _need_list(coords, cloc, where, "a list of polygons")
        return "area", [_polygon(p, (*cloc, i), where) for i, p in enumerate(coords)]
    if gtype == "LineString":
        return "line", [(_line(coords, cloc, where, 2),)]
    if gtype == "MultiLineString":
        _need_list(coords, cloc, where, "a list of lines")
        return "line", [(_line(p, (*cloc, i), where, 2),) for i, p in enumerate(coords)]
    raise where.error(
        f"wrong geometry type {gtype!r}", (*loc, "type"),
        "a layer takes Polygon, MultiPolygon, LineString or MultiLineString",
    )


def _need_list(value: Any, loc: tuple, where: _Located, what: str) -> None:
    if not isinstance(value, list) or not value:
        raise where.error(f"coordinates must be {what}", loc)


def _polygon(rings: Any, loc: tuple, where: _Located):
    _need_list(rings, loc, where, "a list of rings")
    out = []
    for i, ring in enumerate(rings):
        points = _line(ring, (*loc, i), where, 4)
        if points[0] != points[-1]:
            raise where.error("a polygon ring must end where it starts", (*loc, i),
                              "repeat the first position at the end")
        out.append(points)
    return tuple(out)


def _line(points: Any, loc: tuple, where: _Located, minimum: int):
    _need_list(points, loc, where, "a list of [longitude, latitude] positions")
    if len(points) < minimum:
        raise where.error(f"needs at least {minimum} positions, got {len(points)}", loc)
    return tuple(_position(p, (*loc, i), where) for i, p in enumerate(points))


def _position(value: Any, loc: tuple, where: _Located) -> tuple[float, float]:
    if (not isinstance(value, list) or len(value) not in (2, 3)
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise where.error(f"a position must be [longitude, latitude], got {value!r}", loc)
    lon, lat = float(value[0]), float(value[1])
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        swapped = -180 <= lat <= 180 and -90 <= lon <= 90
        raise where.error(
            f"position {value!r} is outside the earth (longitude -180..180, latitude -90..90)"
            + ("; coordinates look like [lat, lon]; GeoJSON is [lon, lat]" if swapped else ""),
            loc, "swap the two numbers of each position" if swapped else None,
        )
    return lon, lat
