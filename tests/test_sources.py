import pytest

from coursekit.errors import DataError
from coursekit.sources import cite, load_sources, parse_sources, render_sources, require_ids
from tests.conftest import REPO

GOOD = {
    "id": "x-2020-a", "publisher": "P", "title": "T", "date": "2020-01-02",
    "url": "https://example.org/a", "kind": "news", "accessed": "2026-11-27",
}


def test_shipped_bibliography_is_valid_and_cites():
    sources = load_sources()
    assert "upnorth-2019-sannikov-essay" in sources
    text = cite("upnorth-2019-sannikov-essay")
    assert "Sannikov" in text and "https://upnorth.eu/" in text and "advocacy" in text


@pytest.mark.parametrize(
    ("change", "field"),
    [({"kind": "blog"}, "kind"), ({"date": "12/2020"}, "date"), ({"url": "example.org"}, "url"),
     ({"title": ""}, "title"), ({"id": "Bad Id"}, "id")],
)
def test_bad_entry_is_named(change, field):
    entry = {**GOOD, **change}
    with pytest.raises(DataError) as err:
        parse_sources([GOOD | {"id": "ok-1"}, entry], REPO / "data" / "sources.yml")
    msg = str(err.value)
    assert "sources.yml" in msg and "entry 2" in msg and f"field '{field}'" in msg


def test_duplicate_ids_rejected():
    with pytest.raises(DataError, match="used twice"):
        parse_sources([GOOD, GOOD], REPO / "data" / "sources.yml")


def test_unknown_id_names_file_row_and_field():
    with pytest.raises(DataError) as err:
        require_ids("upnorth-2019-sannikov-essay no-such-source", path="data/x.csv", row=7)
    assert "data/x.csv, row 7, field 'source'" in str(err.value)
    assert "no-such-source" in str(err.value)


def test_render_sources_lists_each_once_and_rejects_unknown():
    md = render_sources(["upnorth-2019-sannikov-essay", "upnorth-2019-sannikov-essay"]).data
    assert md.count("upnorth-2019-sannikov-essay") == 1
    with pytest.raises(KeyError):
        render_sources(["nope"])


def test_a_notebooks_sources_come_from_its_text_its_figures_and_its_data(tmp_path):
    import json

    import pandas as pd

    from coursekit.figures import KitFigure
    from coursekit.sources import cited_in_notebook, dataset_ids

    nb = tmp_path / "99_test.ipynb"
    nb.write_text(json.dumps({"cells": [
        {"cell_type": "markdown", "source": ["NATO decided it [nato-2016-warsaw-communique; iiss-2017-02-efp].\n",
                                             "A [link](https://example.org) is not a citation."]},
        {"cell_type": "code", "source": ["x = '[not-a-citation-2020]'"]},
    ]}), encoding="utf-8")
    cited = cited_in_notebook(nb)
    assert cited == ["upnorth-2019-sannikov-essay", "nato-2016-warsaw-communique", "iiss-2017-02-efp"]

    table = pd.DataFrame({"source": [["lsm-2022-06-28-battlegroups"]], "verdict_sources": [["iiss-2017-02-efp"]]})
    assert dataset_ids(table) == ["lsm-2022-06-28-battlegroups", "iiss-2017-02-efp"]
    assert "lsm-2022-06-28-battlegroups" in dataset_ids("efp_strength")
    with pytest.raises(KeyError, match="efp_battlegroups"):
        dataset_ids("no_such_table")

    fig = KitFigure(object(), "A chart.", ("geonames-cities500",))
    md = render_sources(notebook=nb, figures=[fig], datasets=[table]).data
    listed = [line.split("**[")[1].split("]**")[0] for line in md.splitlines() if line.startswith("- ")]
    assert listed == sorted({*cited, "geonames-cities500", "lsm-2022-06-28-battlegroups"})


def test_every_module_lists_the_quiz_sources_of_its_bank():
    from coursekit.sources import cited_in_notebook

    cited = cited_in_notebook("01")
    assert "bloomberg-2019-04-24-putin-belarus-2024" in cited      # cited only in the quiz of 01
