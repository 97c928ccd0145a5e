import datetime as dt

import pytest

from coursekit.errors import DataError
from coursekit.essay import Clue, dating_window, load_dating


def test_shipped_clues_date_the_essay_to_spring_2019():
    earliest, latest = dating_window(load_dating())
    assert earliest == dt.date(2019, 4, 19) and latest == dt.date(2019, 5, 17)


def test_contradictory_clues_are_reported():
    clues = [Clue("a", 1, dt.date(2020, 1, 1), "after", ("s",)),
             Clue("b", 1, dt.date(2019, 1, 1), "before", ("s",))]
    with pytest.raises(ValueError, match="contradict"):
        dating_window(clues)


def test_bad_row_names_line_and_field(tmp_path):
    path = tmp_path / "essay_dating.csv"
    path.write_text("evidence,paragraph,date,bound,source\n"
                    "x,4,2019-02-21,after,upnorth-2019-sannikov-essay\n"
                    "y,4,21 Feb 2019,after,upnorth-2019-sannikov-essay\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_dating(path)
    assert "line 3, field 'date'" in str(err.value)
