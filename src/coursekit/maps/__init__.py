"""Map recipes for the region: every map comes with a title, a legend, a source line and alt text.

Each recipe returns a :class:`~coursekit.figures.KitFigure`: the matplotlib figure with its alt
text (the map's key numbers, for screen readers), the ids of its sources (for the notebook's
Sources section) and a note on its data. :func:`coursekit.figures.show` displays it.

Maps are drawn in ETRS89-LAEA (``geo.METRIC``, EPSG:3035), an equal-area projection for
Europe, inside a frame that follows the chosen meridians and parallels. Nothing relies on colour
alone: accession waves carry year labels and hatches, markers differ in shape, occupied territory
is hatched and labelled. Colours come from colour-blind-safe palettes (Okabe-Ito, ColorBrewer
YlGnBu).

One job per file:

- ``style``: the kit's palette, map extents and projections;
- ``toolkit``: frames, layout, labels, legends, colouring countries, adding points;
- ``region``: the maps of module 03 (base map, NATO enlargement, Crimea, projections);
- ``presence``: the maps of module 04 (forward presence, Suwałki gap, within reach, sites in Belarus);
- ``charts``: the two charts of module 04 that are not maps.

>>> from coursekit import maps
>>> fig = maps.suwalki_map()                     # doctest: +SKIP
>>> fig.alt[:27]                                 # doctest: +SKIP
'Map of the Suwałki gap on t'
"""

from coursekit.geo import measures
from coursekit.maps.charts import efp_strength_chart, exercise_estimates_chart
from coursekit.maps.presence import belarus_military_map, forward_presence_map, suwalki_map, within_reach_map
from coursekit.maps.region import base_map, crimea_map, nato_enlargement_map, projection_panels
from coursekit.maps.style import (
    ALLY,
    BASEMAP_CREDIT,
    BASEMAP_SOURCES,
    BELARUS,
    BELARUS_CRS,
    BLACK_SEA,
    BLACK_SEA_CRS,
    BLUE,
    BORDER,
    CRIMEA_SOURCES,
    EAST_FLANK,
    EAST_FLANK_CRS,
    EUROPE,
    GREEN,
    LAND,
    OCCUPIED_LABEL,
    OKABE_ITO,
    ORANGE,
    PROJECTION_CRS,
    PURPLE,
    REACH,
    RUSSIA_BELARUS,
    SEA,
    SKY_BLUE,
    SOURCE_GREY,
    SUWALKI,
    SUWALKI_CRS,
    TEXT,
    VERMILION,
    WAVES,
    YELLOW,
)
from coursekit.maps.toolkit import add_points, colour_countries

__all__ = [
    "base_map", "add_points", "nato_enlargement_map", "forward_presence_map", "suwalki_map", "measures",
    "crimea_map", "projection_panels", "efp_strength_chart", "exercise_estimates_chart",
    "within_reach_map", "belarus_military_map", "colour_countries",
    "ALLY", "BASEMAP_CREDIT", "BASEMAP_SOURCES", "BELARUS", "BELARUS_CRS", "BLACK_SEA", "BLACK_SEA_CRS", "BLUE",
    "BORDER", "CRIMEA_SOURCES", "EAST_FLANK", "EAST_FLANK_CRS", "EUROPE", "GREEN", "LAND", "OCCUPIED_LABEL",
    "OKABE_ITO", "ORANGE", "PROJECTION_CRS", "PURPLE", "REACH", "RUSSIA_BELARUS", "SEA", "SKY_BLUE", "SOURCE_GREY",
    "SUWALKI", "SUWALKI_CRS", "TEXT", "VERMILION", "WAVES", "YELLOW",
]
