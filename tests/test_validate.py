"""One date parser, one rule for partial dates, in every loader."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from coursekit.errors import DataError, KitError
from coursekit.validate import DateError, parse_date

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("text, start, end, precision", [
    ("2020-08-09", dt.date(2020, 8, 9), dt.date(2020, 8, 9), "day"),
    ("2020-08", dt.date(2020, 8, 1), dt.date(2020, 8, 31), "month"),
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"),
    ("2020", dt.date(2020, 1, 1), dt.date(2020, 12, 31), "year"),
])
def test_a_partial_date_stands_for_its_whole_period(text, start, end, precision):
    d = parse_date(text)
    assert (d.start, d.end, d.precision, d.text) == (start, end, precision, text)


@pytest.mark.parametrize("text", ["2019-02-30", "May 2019", "2020-13", "20201", "", None, "2020-8-1"])
def test_what_is_not_an_iso_date_is_a_kit_error_with_a_fix(text):
    with pytest.raises(DateError) as err:
        parse_date(text)
    assert isinstance(err.value, KitError) and err.value.fix


def test_a_period_runs_from_its_first_date_to_the_end_of_its_last_where_allowed():
    from coursekit.validate import PERIOD, PRECISIONS

    d = parse_date("2020-05/2020-12", PRECISIONS + (PERIOD,))
    assert (d.start, d.end, d.precision) == (dt.date(2020, 5, 1), dt.date(2020, 12, 31), PERIOD)
    with pytest.raises(DateError, match="YYYY-MM-DD"):  # not where a loader did not allow it
        parse_date("2020-05/2020-12")
    for bad in ("2020-12/2020-05", "2020-05/", "2020-05/2020-13"):
        with pytest.raises(DateError) as err:
            parse_date(bad, PRECISIONS + (PERIOD,))
        assert err.value.fix


def test_a_precision_can_be_required():
    with pytest.raises(DateError, match="YYYY-MM-DD"):
        parse_date("2020-08", ("day",))


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(DATA, root / "data")
    return root / "data"


def _set_first_date(path: Path, column: str, value: str) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_a_month_only_date_means_the_same_day_in_every_loader(tmp_path):
    """2020-08 is 1 August 2020 (to 31 August) wherever the kit reads a date from a CSV file."""
    import pandas as pd

    from coursekit.datasets import load_efp_strength
    from coursekit.narratives import load_narratives
    from coursekit.sources import load_sources
    from coursekit.timeline import load_timeline

    data = _copy(tmp_path)
    sources = data / "sources.yml"
    _set_first_date(data / "union_state_timeline.csv", "date", "2020-08")
    _set_first_date(data / "narratives.csv", "date", "2020-08")
    _set_first_date(data / "efp_strength.csv", "published", "2020-08")
    first, last = pd.Timestamp("2020-08-01"), pd.Timestamp("2020-08-31")

    tl = load_timeline(data / "union_state_timeline.csv", sources_path=sources)
    row = tl[tl["date"] == "2020-08"].iloc[0]
    assert (row["when"], row["when_end"], row["precision"]) == (first, last, "month")
    nar = load_narratives(data / "narratives.csv", sources_path=sources)
    row = nar[nar["date"] == "2020-08"].iloc[0]
    assert (row["when"], row["when_end"], row["precision"]) == (first, last, "month")
    strength = load_efp_strength(data / "efp_strength.csv", sources=load_sources(sources))
    row = strength.loc[2]  # the first data row is line 2 of the file
    assert (row["published"], row["published_precision"]) == (first, "month")


def test_a_bad_date_in_a_data_file_names_file_row_and_field(tmp_path):
    from coursekit.timeline import load_timeline

    data = _copy(tmp_path)
    _set_first_date(data / "union_state_timeline.csv", "date", "2020-13")
    with pytest.raises(DataError) as err:
        load_timeline(data / "union_state_timeline.csv", sources_path=data / "sources.yml")
    msg = str(err.value)
    assert "union_state_timeline.csv, line 2, field 'date'" in msg and "Fix:" in msg
