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
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..yamlfile import Locator, load_yaml, read_text
from .validation import sub_locator, validate_model

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
