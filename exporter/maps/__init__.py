"""Maps: gazetteer, GeoJSON layers, map declarations, and rendering to SVG + PNG.

Takes the front-matter's ``maps:``, ``places.yml`` and the GeoJSON layers; gives each map
drawn (SVG, PNG copies, alt text) and, through ``appendix``, the document's map appendix.

A pure library: nothing here reads the article or writes editions. Typical use::

    gaz = load_gazetteer(root / "places.yml")
    layers = load_layers(root, spec.layer_names())
    spec_checks(spec, gaz, layers, locator, ("maps", 0))
    rendered = render_map(spec, gaz, layers, style_path=..., cache_dir=...)

Importing this package is cheap: pyproj, shapely and the rasteriser load only
when a map is drawn.
"""

from .cache import CODE_VERSION
from .gazetteer import KINDS, Gazetteer, Place, load_gazetteer
from .layers import Layer, load_layers
from .render import RenderedMap, render_map
from .checks import spec_checks
from .spec import MapSpec, load_specs

__all__ = [
    "CODE_VERSION", "KINDS", "Gazetteer", "Layer", "MapSpec", "Place", "RenderedMap",
    "load_gazetteer", "load_layers", "load_specs", "render_map", "spec_checks",
]
