"""Map declarations: what one map shows (front-matter ``maps:``, one item each).

Example::

    - id: detail
      title: Nagorno-Karabakh and the Lachin Corridor
      caption: The roads into Khankendi (Stepanakert).
      extent: {fit: [Goris, nagorno-karabakh.geojson], margin_km: 15}  # or [w, s, e, n]
      places: [Khankendi, Lachin, {name: Armenia, label_at: [39.45, 46.2]}]
      layers: [lachin-corridor.geojson]
      highlight: [nagorno-karabakh.geojson]
      size: {width_mm: 160}
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..yamlfile import Locator, load_yaml, read_text
from .validation import sub_locator, validate_model

if TYPE_CHECKING:
    from .gazetteer import Gazetteer
    from .layers import Layer

#: Text width of an A4 page with 25 mm margins.
DEFAULT_WIDTH_MM = 160.0
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def is_layer_name(name: str) -> bool:
    """True for a layer file name (``x.geojson``), False for a place name."""
    return name.lower().endswith((".geojson", ".json"))


class Extent(_Strict):
    """Either a box in degrees, or the places (and layers) the map must show plus a margin."""

    bbox: tuple[float, float, float, float] | None = None
    fit: tuple[str, ...] | None = Field(default=None, min_length=1)
    margin_km: float = Field(default=20.0, ge=0, le=5000)

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, value: Any) -> Any:
        return {"bbox": value} if isinstance(value, (list, tuple)) else value

    @field_validator("bbox")
    @classmethod
    def _bbox_in_range(cls, box: tuple[float, float, float, float] | None):
        if box is None:
            return box
        west, south, east, north = box
        if not (-180 <= west < east <= 180):
            raise ValueError("bbox is [west, south, east, north]: need -180 <= west < east <= 180")
        if not (-90 <= south < north <= 90):
            raise ValueError("bbox is [west, south, east, north]: need -90 <= south < north <= 90")
        return box

    def fit_places(self) -> list[str]:
        return [n for n in self.fit or () if not is_layer_name(n)]

    def fit_layers(self) -> list[str]:
        return [n for n in self.fit or () if is_layer_name(n)]

    @model_validator(mode="after")
    def _one_of(self) -> Extent:
        if (self.bbox is None) == (self.fit is None):
            raise ValueError("give either a bbox [west, south, east, north] or fit: [places]")
        return self


class PlaceRef(_Strict):
    """A place to mark; ``label_at`` [lat, lon] moves an area's label for this map."""

    name: str = Field(min_length=1)
    label_at: tuple[float, float] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

    @field_validator("label_at")
    @classmethod
    def _in_range(cls, value: tuple[float, float] | None):
        if value is not None and not (-90 <= value[0] <= 90 and -180 <= value[1] <= 180):
            raise ValueError("label_at is [latitude, longitude] in degrees")
        return value


class Size(_Strict):
    """Printed size; the height defaults to what the extent needs."""

    width_mm: float = Field(default=DEFAULT_WIDTH_MM, ge=40, le=400)
    height_mm: float | None = Field(default=None, ge=30, le=400)


class MapSpec(_Strict):
    """One map declaration."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    caption: str = ""
    extent: Extent
    places: tuple[PlaceRef, ...] = ()
    layers: tuple[str, ...] = ()
    highlight: tuple[str, ...] = ()
    size: Size = Size()

    def drawn_layers(self) -> list[str]:
        """The layers the map draws (highlighted ones first), in drawing order."""
        return list(dict.fromkeys([*self.highlight, *self.layers]))

    def layer_names(self) -> list[str]:
        """Every layer the map needs: those it draws and those its extent fits."""
        return list(dict.fromkeys([*self.drawn_layers(), *self.extent.fit_layers()]))

    def layer_refs(self) -> dict[str, tuple]:
        """Layer name -> where it is written in this declaration (for error lines)."""
        refs: dict[str, tuple] = {}
        for key in ("highlight", "layers"):
            for i, name in enumerate(getattr(self, key)):
                refs.setdefault(name, (key, i))
        for i, name in enumerate(self.extent.fit or ()):
            if is_layer_name(name):
                refs.setdefault(name, ("extent", "fit", i))
        return refs


def spec_checks(spec: MapSpec, gaz: Gazetteer, layers: dict[str, Layer],
                locator: Locator, loc: tuple = ()) -> None:
    """Refuse unknown places and layers, places outside a bbox and layers that lie
    outside the map or far from its places; ``loc`` is where ``spec`` sits in
    ``locator``'s file."""
    names = [("places", i, p.name) for i, p in enumerate(spec.places)]
    names += [("extent", "fit", i, n) for i, n in enumerate(spec.extent.fit or ())
              if not is_layer_name(n)]
    for *where, name in names:
        if name not in gaz:
            raise locator.error(f"map '{spec.id}': unknown place '{name}'", (*loc, *where),
                                gaz.suggest(name) or f"add it to {gaz.path.name}")
    seen: dict[str, int] = {}
    for i, ref in enumerate(spec.places):
        if ref.label_at is not None and gaz[ref.name].is_point:
            raise locator.error(
                f"map '{spec.id}': label_at moves the label of an area; "
                f"'{ref.name}' is a {gaz[ref.name].kind} with a symbol",
                (*loc, "places", i, "label_at"), "remove label_at")
        key = gaz[ref.name].name
        if key in seen:
            raise locator.error(f"map '{spec.id}': place '{ref.name}' is listed twice",
                                (*loc, "places", i),
                                f"it is the same place as item {seen[key] + 1} of places")
        seen[key] = i
    for name, where in spec.layer_refs().items():
        if name not in layers:
            raise locator.error(f"map '{spec.id}': unknown layer '{name}'", (*loc, *where),
                                "name a GeoJSON file under maps/")
    for i, name in enumerate(spec.highlight):
        if layers[name].kind != "area":
            raise locator.error(
                f"map '{spec.id}': only areas can be highlighted; '{name}' holds lines",
                (*loc, "highlight", i), "list it under layers: instead")
    from .bounds import check_layer_bounds

    check_layer_bounds(spec, gaz, layers, locator, loc)
    if spec.extent.bbox:
        west, south, east, north = spec.extent.bbox
        for i, ref in enumerate(spec.places):
            lat, lon = ref.label_at or (gaz[ref.name].lat, gaz[ref.name].lon)
            if not (west <= lon <= east and south <= lat <= north):
                raise locator.error(
                    f"map '{spec.id}': place '{ref.name}' lies outside the extent",
                    (*loc, "places", i), "widen the bbox, or give label_at for an area")


def load_specs(path: Path) -> list[MapSpec]:
    """Read a YAML list of map declarations (``source/maps/sample-maps.yml``)."""
    specs, _ = load_specs_located(path)
    return specs


def load_specs_located(path: Path) -> tuple[list[MapSpec], Locator]:
    """Like :func:`load_specs`, also returning the locator (item ``i`` sits at ``(i,)``)."""
    data, locator = load_yaml(read_text(path), path)
    if not isinstance(data, list):
        raise locator.error("expected a list of map declarations", (), "start items with '- id:'")
    specs = []
    for i, item in enumerate(data):
        specs.append(validate_model(MapSpec, item, sub_locator(locator, (i,)), f"map {i + 1}"))
    ids = [s.id for s in specs]
    for i, spec_id in enumerate(ids):
        if spec_id in ids[:i]:
            raise locator.error(f"map id '{spec_id}' is used twice", (i, "id"),
                                "give each map its own id")
    return specs, locator
