"""The kit's look: the colour palette (for every chart, not only maps), map extents and projections.

The palette is Okabe and Ito's, safe for the common forms of colour blindness; charts still never
rely on colour alone (markers differ in shape, areas in hatch). Every module of the kit takes its
colours from here.

>>> from coursekit.maps.style import OKABE_ITO, BLUE
>>> OKABE_ITO["blue"] == BLUE
True
"""

from __future__ import annotations

from coursekit import geo

# --- colours -------------------------------------------------------------------------------

OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermilion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
}
"""Okabe-Ito colours (colour-blind safe), by name."""
ORANGE, SKY_BLUE, GREEN, YELLOW = OKABE_ITO["orange"], OKABE_ITO["sky_blue"], OKABE_ITO["green"], OKABE_ITO["yellow"]
BLUE, VERMILION, PURPLE = OKABE_ITO["blue"], OKABE_ITO["vermilion"], OKABE_ITO["purple"]

GREY = "#999999"
"""Neutral grey for "no data" and "too early to tell" (not an Okabe-Ito colour: it means no category)."""
SEA = "#dceaf4"
LAND = "#e3e3e0"
"""Fill of countries that are neither NATO members (where shown) nor Russia or Belarus."""
BORDER = "#8a8a8a"
ALLY = "#f5e9c8"
"""Fill of NATO members where waves are not shown (forward-presence and Suwałki maps)."""
RUSSIA_BELARUS = "#b0b0b0"
UKRAINE = "#f1e2a0"
"""Fill of Ukraine on the Crimea maps."""
TEXT = "#222222"
SOURCE_GREY = "#444444"
OCCUPIED_EDGE = "#333333"

#: NATO accession waves: (first year, last year, legend text, colour, hatch, hatch colour).
#: ColorBrewer YlGnBu, darker = earlier; the hatches and year labels tell waves apart without colour.
WAVES = (
    (1949, 1949, "1949: the 12 founders", "#0c2c84", "", "#ffffff"),
    (1950, 1989, "1952–1982: Greece, Türkiye, West Germany, Spain", "#225ea8", "///", "#ffffff"),
    (1990, 1999, "1999: Czechia, Hungary, Poland", "#1d91c0", "\\\\\\", "#ffffff"),
    (2000, 2004, "2004: seven, among them the Baltic states", "#41b6c4", "...", "#0c2c84"),
    (2005, 2020, "2009–2020: Albania, Croatia, Montenegro, North Macedonia", "#7fcdbb", "xx", "#225ea8"),
    (2021, 2100, "2023–2024: Finland, Sweden", "#c7e9b4", "---", "#225ea8"),
)

# --- extents (west, south, east, north in degrees) and display projections -----------------

EUROPE = (-25.0, 34.5, 45.5, 71.5)
"""Default extent of Europe-wide maps."""
EAST_FLANK = (12.5, 41.8, 36.0, 60.3)
"""Extent of the forward-presence map: from the Baltic Sea to the Black Sea."""
SUWALKI = (21.4, 53.45, 26.4, 55.2)
"""Extent of the Suwałki gap map."""
BLACK_SEA = (28.0, 42.6, 40.5, 49.6)
"""Extent of the Crimea maps."""
REACH = (18.0, 48.3, 36.5, 58.3)
"""Extent of the within-reach map."""
BELARUS = (22.5, 50.5, 33.5, 57.0)
"""Extent of the Belarus map: Belarus and the edges of its neighbours."""
PROJECTION_EXTENT = (-12.0, 35.0, 40.0, 71.0)
"""Extent of the three panels that compare projections."""


def laea(lon: float, lat: float) -> str:
    """A Lambert azimuthal equal-area projection centred on (lon, lat): the EPSG:3035 recipe, moved."""
    return f"+proj=laea +lat_0={lat:g} +lon_0={lon:g} +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"


METRIC = geo.METRIC
SUWALKI_CRS = laea(24.0, 54.3)
"""Display CRS of the Suwałki map, centred on the gap so that north is up (lengths: EPSG:3035)."""
EAST_FLANK_CRS = laea(24.0, 51.0)
BLACK_SEA_CRS = laea(34.0, 46.0)
BELARUS_CRS = laea(28.0, 53.7)
PROJECTION_CRS = (("EPSG:4326", "longitude and latitude, in degrees"), ("EPSG:3857", "Web Mercator, in metres"),
                  ("EPSG:3035", "ETRS89-LAEA Europe, in metres"))

# --- credits -------------------------------------------------------------------------------

BASEMAP_SOURCES = ("naturalearth-2018-admin0-4-1", "worldatlas-2-0-2")
CRIMEA_SOURCES = ("un-2014-ga-res-68-262", "un-2018-ga-res-73-263")
OCCUPIED_LABEL = "Crimea: Ukraine, occupied by Russia since 2014"
BASEMAP_CREDIT = "Natural Earth 4.1 via world-atlas 2.0.2 (Crimea drawn as Ukraine: UN GA res. 68/262)"
