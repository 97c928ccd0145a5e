"""The glossary: validated, sourced, generated docs in step, and every notebook link lands on a term."""

import json
import re

import pytest
import yaml

from coursekit.errors import DataError
from coursekit.glossary import LINK_PREFIX, anchor, doc_path, load_glossary, to_markdown
from tests.conftest import REPO

REQUIRED = ["framework nation", "exclave", "Vienna Document", "Donbas", "1:50m", "apophasis", "Geod.inv",
            "enhanced Forward Presence", "Union State", "ODIHR", "lateral reading", "SIFT"]
LINK = re.compile(re.escape(LINK_PREFIX) + r"([A-Za-z0-9-]+)")


def test_the_glossary_covers_the_terms_students_met_unexplained():
    terms = {t.term for t in load_glossary()}
    assert set(REQUIRED) <= terms


def test_docs_glossary_is_generated_from_the_yaml():
    assert doc_path().read_text(encoding="utf-8") == to_markdown(load_glossary()), \
        "run: coursekit glossary --write"


def _notebook_links():
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                for m in LINK.finditer("".join(cell["source"])):
                    yield path.name, m.group(1)


def test_every_notebook_link_lands_on_a_term_anchor():
    doc = doc_path().read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', doc))
    assert anchors == {t.anchor for t in load_glossary()}
    links = list(_notebook_links())
    assert links
    for name, target in links:
        assert target in anchors, f"{name} links to #{target}, which the glossary does not have"


def test_each_required_term_is_linked_in_some_notebook():
    linked = {target for _, target in _notebook_links()}
    assert {anchor(t) for t in REQUIRED} <= linked


def test_the_site_points_glossary_links_at_its_page():
    from coursekit.instructor.site import glossary_html, glossary_links

    page = glossary_links(f'<a href="{LINK_PREFIX}sift">SIFT</a>')
    assert 'href="glossary.html#sift"' in page
    html = glossary_html("Course")
    for t in load_glossary():
        assert f"id='{t.anchor}'" in html


@pytest.mark.parametrize("edit,field", [
    (lambda d: d["terms"][0].update(sources=["no-such-source"]), "sources"),
    (lambda d: d["terms"].append(dict(d["terms"][0])), "term"),
    (lambda d: d["terms"][0].update(colour="red"), "colour"),
])
def test_a_broken_glossary_names_the_term_and_field(tmp_path, edit, field):
    data = yaml.safe_load((REPO / "data" / "glossary.yml").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "glossary.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_glossary(path)
    assert field in str(err.value) and "glossary.yml" in str(err.value)
