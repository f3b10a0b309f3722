"""The map style (``styles/maps.yml``): fonts, sizes, line widths and greys.

Lengths are in points (1/72 inch) unless the name ends in ``_mm``. Colours are
greys so the maps read the same in print, in black and white and on e-ink;
what tells features apart is hatching, dashes and widths, not hue.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..yamlfile import load_yaml, read_text
from .validation import validate_model


class _Style(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Dashes = tuple[float, ...] | None


class Stroke(_Style):
    width: float = Field(ge=0)
    color: str = "#000000"
    dashes: Dashes = None


class Fill(_Style):
    fill: str


class AreaStyle(_Style):
    fill: str | None = None
    hatch: str | None = None
    hatch_color: str = "#000000"
    hatch_width: float = 0.5
    edge: Stroke


class LineStyle(_Style):
    stroke: Stroke
    #: A wider line drawn under the stroke (a white casing keeps dashes legible).
    casing: Stroke | None = None


class KindStyle(_Style):
    font_size: float = Field(gt=0)
    weight: str = "normal"
    style: str = "normal"
    color: str = "#000000"
    upper: bool = False
    #: Halo colour for this kind (e.g. the water grey for sea names); default: ``halo.color``.
    halo: str | None = None
    marker: str | None = None
    marker_size: float = 4.0
    marker_face: str = "#000000"
    marker_edge: str = "#ffffff"
    marker_edge_width: float = 0.5
    #: Name of the symbol in the legend (kinds with a marker only).
    legend: str | None = None


class Halo(_Style):
    width: float = Field(ge=0)
    color: str = "#ffffff"


class LabelRules(_Style):
    gap: float = 2.0
    padding: float = 1.2
    frame_padding: float = 3.0


class LegendStyle(_Style):
    font_size: float = 6.5
    padding: float = 4.0
    background: str = "#ffffff"
    edge: Stroke
    sea_label: str = "Sea, lake"
    border_label: str = "International border"


class ScaleBarStyle(_Style):
    height: float = 2.5
    font_size: float = 6.0
    line_width: float = 0.5


class CreditsStyle(_Style):
    font_size: float = 5.5
    color: str = "#404040"
    gap_mm: float = 1.5


class MapStyle(_Style):
    """Everything the renderer reads from ``styles/maps.yml``."""

    font_family: str = "DejaVu Sans"
    dpi: int = Field(default=300, ge=72, le=1200)
    frame: Stroke
    water: Fill
    land: Fill
    coast: Stroke
    border: Stroke
    highlight: AreaStyle
    area: AreaStyle
    lines: tuple[LineStyle, ...] = Field(min_length=1)
    halo: Halo
    labels: LabelRules = LabelRules()
    kinds: dict[str, KindStyle]
    legend: LegendStyle
    scale_bar: ScaleBarStyle = ScaleBarStyle()
    credits: CreditsStyle = CreditsStyle()


def load_style(path: Path) -> MapStyle:
    """Read and validate the style file (errors carry file and line)."""
    data, locator = load_yaml(read_text(path), path)
    style = validate_model(MapStyle, data, locator, "map style")
    from .gazetteer import KINDS

    missing = [k for k in KINDS if k not in style.kinds]
    unknown = [k for k in style.kinds if k not in KINDS]
    if unknown:
        raise locator.error(f"map style: unknown kind '{unknown[0]}'", ("kinds", unknown[0]),
                            "known kinds: " + ", ".join(KINDS))
    if missing:
        raise locator.error(f"map style: no style for kind '{missing[0]}'", ("kinds",),
                            "give every kind of the gazetteer a style")
    return style
