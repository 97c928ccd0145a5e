"""Loaders for the kit's security datasets, one per file, each checking its schema.

=============================  ========================================================
file (under ``data/``)         loader
=============================  ========================================================
``nato_members.csv``           :func:`load_nato_members`: the 32 Allies and when they joined
``efp_battlegroups.csv``       :func:`load_efp_battlegroups`: NATO's eight battlegroups
``efp_strength.csv``           :func:`load_efp_strength`: troop figures, as published
``military_sites.csv``         :func:`load_military_sites`: Russian facilities in Belarus
``exercises.csv``              :func:`load_exercises`: troop estimates for four exercises
``places.csv``                 :func:`load_places`: points the notebooks put on maps
``exercise_grounds.csv``       :func:`load_exercise_grounds`: ranges used in the four exercises
``suwalki_published.csv``      :func:`load_suwalki_published`: published Suwałki figures
=============================  ========================================================

Every loader takes an optional ``path`` (default: the shipped file), checks each row and
returns a pandas DataFrame with parsed types. Its index is the row's line number in the CSV
file (the header is line 1), so a row can always be traced back to the file; the file's path
is kept in ``df.attrs["path"]``. A bad file raises :class:`~coursekit.errors.DataError`
naming the file, the line, the field and the fix.

Parsed types: dates are ``datetime64`` (a date given only to the month or year is stored as
its first day, and a ``<column>_precision`` column says ``day``, ``month`` or ``year``);
coordinates are floats; counts are nullable integers; ``source`` is a list of source ids
(each resolves in ``data/sources.yml``); semicolon lists such as ``contributing_nations``
are lists of strings.

>>> from coursekit.datasets import load_nato_members
>>> nato = load_nato_members()
>>> len(nato), nato.iloc[-1]["country"]
(32, 'Sweden')
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from coursekit.errors import DataError
from coursekit.schema import CellError, Col, Schema, read_csv
from coursekit.sources import Source, load_sources

__all__ = [
    "FILES",
    "check_points_in_countries",
    "load_efp_battlegroups",
    "load_efp_strength",
    "load_exercises",
    "load_military_sites",
    "load_nato_members",
    "load_places",
]


# --- row checks across columns -------------------------------------------------------------


def _end_not_before_start(row: dict[str, Any]) -> None:
    if row["end"][0] < row["start"][0]:
        raise CellError("end: the exercise ends before it starts.", "check 'start' and 'end'.")


def _range_ordered(row: dict[str, Any]) -> None:
    if row.get("troops_max") is not None and row["troops_max"] < row["troops"]:
        raise CellError("troops_max: is smaller than 'troops'.",
                   "give a range as troops (low) and troops_max (high), or leave troops_max blank.")
    if row.get("troops_max") is not None and row.get("qualifier"):
        raise CellError("qualifier: a range needs no qualifier.",
                   "leave 'qualifier' blank when 'troops_max' gives a range.")


# --- the schemas ---------------------------------------------------------------------------

NATO_MEMBERS = Schema(
    "nato_members.csv",
    (
        Col("country"),
        Col("iso3", "iso3"),
        Col("accession_date", "date", dates=("day",)),
        Col("source", "sources"),
        Col("note", empty_ok=True),
    ),
    key=("iso3",),
)

EFP_BATTLEGROUPS = Schema(
    "efp_battlegroups.csv",
    (
        Col("host"),
        Col("host_iso3", "iso3"),
        Col("base"),
        Col("lat", "lat"),
        Col("lon", "lon"),
        Col("geonames_id", "count", empty_ok=True),
        Col("framework_nation"),
        Col("contributing_nations", "list", empty_ok=True),
        Col("contributors_as_of", "date", empty_ok=True, dates=("day", "month", "year")),
        Col("established", "date", dates=("day", "month")),
        Col("established_basis"),
        Col("source", "sources"),
        Col("location_note"),
        Col("note", empty_ok=True),
    ),
    key=("host_iso3",),
)

FIGURE_KINDS = ("NATO published", "government", "secondary report")
QUALIFIERS = ("about", "more than", "fewer than", "up to")

EFP_STRENGTH = Schema(
    "efp_strength.csv",
    (
        Col("host_iso3", "iso3"),
        Col("published", "date", dates=("day", "month")),
        Col("troops", "count"),
        Col("qualifier", "choice", empty_ok=True, options=QUALIFIERS),
        Col("figure_kind", "choice", options=FIGURE_KINDS),
        Col("source", "sources"),
        Col("note", empty_ok=True),
    ),
)

MILITARY_SITES = Schema(
    "military_sites.csv",
    (
        Col("name"),
        Col("kind"),
        Col("operator"),
        Col("lat", "lat"),
        Col("lon", "lon"),
        Col("geonames_id", "count", empty_ok=True),
        Col("country_iso3", "iso3"),
        Col("since", "date", dates=("day", "month", "year")),
        Col("since_basis"),
        Col("agreement"),
        Col("status"),
        Col("source", "sources"),
        Col("location_note"),
    ),
    key=("name",),
)

ESTIMATE_KINDS = ("official", "independent", "western_official", "ukrainian_official")

EXERCISES = Schema(
    "exercises.csv",
    (
        Col("name"),
        Col("start", "date", dates=("day",)),
        Col("end", "date", dates=("day",)),
        Col("estimate_kind", "choice", options=ESTIMATE_KINDS),
        Col("troops", "count"),
        Col("troops_max", "count", empty_ok=True),
        Col("qualifier", "choice", empty_ok=True, options=QUALIFIERS),
        Col("scope"),
        Col("who"),
        Col("source", "sources"),
        Col("note", empty_ok=True),
    ),
    checks=(_end_not_before_start, _range_ordered),
)

PLACE_KINDS = ("capital", "city", "town", "efp_base")

PLACES = Schema(
    "places.csv",
    (
        Col("name"),
        Col("kind", "choice", options=PLACE_KINDS),
        Col("country_iso3", "iso3"),
        Col("lat", "lat"),
        Col("lon", "lon"),
        Col("geonames_id", "count", empty_ok=True),
        Col("source", "sources"),
        Col("note", empty_ok=True),
    ),
    key=("name",),
)


# --- the loaders ---------------------------------------------------------------------------


def load_nato_members(path: str | Path | None = None, *,
                      sources: dict[str, Source] | None = None) -> pd.DataFrame:
    """NATO's members: ``country``, ``iso3``, ``accession_date``, ``source``, ``note``.

    Rows come in file order (by accession date). Founders carry the signature date,
    1949-04-04; the others the day their instrument of accession was deposited.

    >>> nato = load_nato_members()
    >>> nato.loc[nato.iso3 == "DEU", "accession_date"].dt.year.item()
    1955
    """
    df = read_csv(NATO_MEMBERS, path, sources)
    order = df["accession_date"].is_monotonic_increasing
    if not order:
        line = int(df.index[(df["accession_date"].diff() < pd.Timedelta(0)).to_numpy()][0])
        raise DataError(df.attrs["path"], "is earlier than the row above it.", row=f"line {line}",
                        field="accession_date", fix="keep the rows in order of accession.")
    return df


def load_efp_battlegroups(path: str | Path | None = None, *,
                          sources: dict[str, Source] | None = None) -> pd.DataFrame:
    """NATO's forward-presence battlegroups, one row per host country.

    Columns: ``host``, ``host_iso3``, ``base``, ``lat``, ``lon``, ``geonames_id``,
    ``framework_nation``, ``contributing_nations`` (list, as of ``contributors_as_of``),
    ``established`` (+ ``established_precision``), ``established_basis``, ``source``,
    ``location_note`` (what the point is: usually the town the base is in), ``note``.

    >>> bgs = load_efp_battlegroups()
    >>> sorted(bgs["established"].dt.year.value_counts().items())
    [(2017, 4), (2022, 4)]
    """
    return read_csv(EFP_BATTLEGROUPS, path, sources)


def load_efp_strength(path: str | Path | None = None, *,
                      sources: dict[str, Source] | None = None) -> pd.DataFrame:
    """Published troop figures per battlegroup (long format), never interpolated.

    Columns: ``host_iso3``, ``published`` (+ ``published_precision``), ``troops``,
    ``qualifier`` (``about``, ``more than``, ... or None), ``figure_kind`` (one of
    ``FIGURE_KINDS``), ``source``, ``note``. Where sources disagree both rows are kept.

    >>> s = load_efp_strength()
    >>> int(s.loc[(s.host_iso3 == "LVA") & (s.published == "2022-06-28"), "troops"].item())
    1887
    """
    return read_csv(EFP_STRENGTH, path, sources)


def load_military_sites(path: str | Path | None = None, *,
                        sources: dict[str, Source] | None = None) -> pd.DataFrame:
    """Russian military facilities in Belarus: ``name``, ``kind``, ``operator``, ``lat``,
    ``lon``, ``geonames_id``, ``country_iso3``, ``since`` (+ ``since_precision``),
    ``agreement``, ``status``, ``source``, ``location_note``.
    """
    return read_csv(MILITARY_SITES, path, sources)


def load_exercises(path: str | Path | None = None, *,
                   sources: dict[str, Source] | None = None) -> pd.DataFrame:
    """Troop estimates for Zapad 2017, 2021, 2025 and Allied Resolve 2022, one row per estimate.

    Columns: ``name``, ``start``, ``end``, ``estimate_kind`` (one of ``ESTIMATE_KINDS``),
    ``troops`` (a single figure, or the low end of a range), ``troops_max`` (the high end, or
    <NA>), ``qualifier``, ``scope`` (what the figure counts), ``who``, ``source``, ``note``.
    Compare figures only within the same ``scope``.

    >>> ex = load_exercises()
    >>> int(ex.groupby("name")["estimate_kind"].nunique().loc["Zapad 2017"])
    4
    """
    return read_csv(EXERCISES, path, sources)


def load_places(path: str | Path | None = None, *,
                sources: dict[str, Source] | None = None) -> pd.DataFrame:
    """Places the notebooks name: ``name``, ``kind`` (one of ``PLACE_KINDS``),
    ``country_iso3``, ``lat``, ``lon``, ``geonames_id``, ``source``, ``note``.

    >>> places = load_places()
    >>> places.set_index("name").loc["Vilnius", "country_iso3"]
    'LTU'
    """
    return read_csv(PLACES, path, sources)


FILES: dict[str, Callable[..., pd.DataFrame]] = {
    NATO_MEMBERS.file: load_nato_members,
    EFP_BATTLEGROUPS.file: load_efp_battlegroups,
    EFP_STRENGTH.file: load_efp_strength,
    MILITARY_SITES.file: load_military_sites,
    EXERCISES.file: load_exercises,
    PLACES.file: load_places,
}
"""Each data file and its loader (for the doctor and the tests)."""


# --- points and countries ------------------------------------------------------------------

_ISO3_COLUMNS = ("country_iso3", "host_iso3", "iso3")


def _row_label(index: object) -> str:
    """The row's index as "line N" when it is a line number, else as text."""
    try:
        return f"line {int(index)}"  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(index)


def check_points_in_countries(df: pd.DataFrame, *, iso3: str | None = None,
                              path: str | Path | None = None, scale: str = "10m") -> None:
    """Check that every point (``lon``, ``lat``) lies in the country its row names.

    ``iso3`` is the column with the country code (default: the first of ``country_iso3``,
    ``host_iso3``, ``iso3`` present). Uses :func:`coursekit.geo.country_at` on the shipped
    basemap (1:10m in the Suwałki zoom area, 1:50m elsewhere). Raises ``DataError`` naming the
    file, the row (the DataFrame's index: the CSV line for a loaded file) and the fix.

    >>> check_points_in_countries(load_places())   # passes silently
    """
    from coursekit.geo import country_at

    where = path if path is not None else df.attrs.get("path", "the table")
    column = iso3 or next((c for c in _ISO3_COLUMNS if c in df.columns), None)
    if column is None or column not in df.columns:
        raise DataError(where, "no country column.", field=iso3 or "country_iso3",
                        fix="name the column with iso3=... (e.g. 'host_iso3').")
    for field in ("lon", "lat"):
        if field not in df.columns:
            raise DataError(where, "the column is missing.", field=field,
                            fix="give the point's coordinates in decimal degrees.")
    for line, row in df.iterrows():
        found = country_at(float(row["lon"]), float(row["lat"]), scale=scale)
        if found != row[column]:
            label = next((str(row[c]) for c in ("name", "base", "host", "country") if c in row),
                         "the point")
            here = "in no country on the basemap (sea or off the map)" if found is None \
                else f"in {found}"
            raise DataError(
                where,
                f"{label} at lat {row['lat']}, lon {row['lon']} lies {here}, not in "
                f"{row[column]}.",
                row=_row_label(line),
                field="lat/lon",
                fix="check the coordinates against the place's gazetteer entry (and that lat "
                    f"and lon are not swapped), or correct '{column}'.",
            )


# --- exercise grounds ----------------------------------------------------------------------

EXERCISE_GROUNDS = Schema(
    "exercise_grounds.csv",
    (
        Col("name"),
        Col("lat", "lat"),
        Col("lon", "lon"),
        Col("geonames_id", "count", empty_ok=True),
        Col("country_iso3", "iso3"),
        Col("exercises", "list"),
        Col("location_note"),
        Col("source", "sources"),
    ),
    key=("name",),
)


def _check_exercise_names(df: pd.DataFrame, known: list[str], exercises_file: str) -> None:
    """Every name in ``exercises`` is an exercise of ``data/exercises.csv``, none twice a row."""
    for line, names in df["exercises"].items():
        for name in names:
            if name not in known:
                raise DataError(df.attrs["path"], f"unknown exercise {name!r}.", row=_row_label(line),
                                field="exercises",
                                fix=f"use names from the 'name' column of {exercises_file} ("
                                    + ", ".join(repr(k) for k in known) + "), separated by semicolons.")
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise DataError(df.attrs["path"], f"{twice[0]!r} is listed twice.", row=_row_label(line),
                            field="exercises", fix="name each exercise once.")


def load_exercise_grounds(path: str | Path | None = None, *,
                          sources: dict[str, Source] | None = None) -> pd.DataFrame:
    """Training grounds in Belarus used in the joint exercises of ``exercises.csv``, as points.

    Columns: ``name``, ``lat``, ``lon``, ``geonames_id``, ``country_iso3``, ``exercises`` (list of
    names from the ``name`` column of ``data/exercises.csv``), ``location_note`` (what the point
    is: the town the range lies in or near, not the range itself), ``source``. Every exercise named
    must exist in ``data/exercises.csv``; :func:`check_points_in_countries` checks the points.

    >>> grounds = load_exercise_grounds()
    >>> sorted(grounds.loc[grounds.exercises.map(lambda e: "Zapad 2025" in e), "name"])
    ['Borisovsky training ground']
    """
    known = load_sources() if sources is None else sources
    df = read_csv(EXERCISE_GROUNDS, path, known)
    exercises = load_exercises(sources=known)
    _check_exercise_names(df, list(dict.fromkeys(exercises["name"])),
                          f"data/{Path(exercises.attrs['path']).name}")
    return df


FILES[EXERCISE_GROUNDS.file] = load_exercise_grounds
__all__ += ["load_exercise_grounds"]


# --- published figures for the Suwałki measures --------------------------------------------

SUWALKI_MEASURES = ("gap", "border", "vilnius")
"""The kit's Suwałki measures (the first word of ``coursekit.geo.measures()``'s keys)."""

SUWALKI_PUBLISHED = Schema(
    "suwalki_published.csv",
    (
        Col("measure", "choice", options=SUWALKI_MEASURES),
        Col("figure"),
        Col("who"),
        Col("source", "sources"),
    ),
)


def load_suwalki_published(path: str | Path | None = None, *,
                           sources: dict[str, Source] | None = None) -> pd.DataFrame:
    """Figures others published for the kit's three Suwałki measures, to set beside them.

    Columns: ``measure`` (``gap``, ``border`` or ``vilnius``, as in the keys of
    :func:`coursekit.geo.measures`), ``figure`` (what was published, in the kit's words),
    ``who`` (who published it, and when), ``source``.

    >>> published = load_suwalki_published()
    >>> published.loc[published.measure == "border", "who"].iloc[0]
    'Polish Border Guard'
    """
    return read_csv(SUWALKI_PUBLISHED, path, sources)


FILES[SUWALKI_PUBLISHED.file] = load_suwalki_published
__all__ += ["load_suwalki_published"]
