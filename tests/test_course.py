import pytest
import yaml

from coursekit.course import load_course, markdown_table, parse_course
from coursekit.errors import DataError
from tests.conftest import REPO


def test_manifest_lists_the_outline_modules():
    course = load_course()
    assert [m.id for m in course.modules] == [f"{i:02d}" for i in range(9)]
    assert course.module("00").available
    for m in course.modules:
        assert 3 <= len(m.objectives) <= 5, m.id
        assert m.path.is_file() == m.available, f"{m.id}: status does not match the notebook"


def _broken(mutate):
    raw = yaml.safe_load((REPO / "data" / "course.yml").read_text(encoding="utf-8"))
    mutate(raw)
    return raw


@pytest.mark.parametrize(
    ("mutate", "where", "field"),
    [
        (lambda r: r["modules"][2].pop("minutes"), "module 02", "minutes"),
        (lambda r: r["modules"][3].update(minutes="an hour"), "module 03", "minutes"),
        (lambda r: r["modules"][1].update(status="done"), "module 01", "status"),
        (lambda r: r["modules"][4].update(prerequisites=["99"]), "module 04", "prerequisites"),
        (lambda r: r["modules"][5].update(notebook="x.ipynb"), "module 05", "notebook"),
        (lambda r: r["modules"][6].update(id="6"), "module 7", "id"),
    ],
)
def test_broken_manifest_names_module_and_field(mutate, where, field):
    with pytest.raises(DataError) as err:
        parse_course(_broken(mutate), REPO / "data" / "course.yml")
    msg = str(err.value)
    assert "course.yml" in msg and where in msg and f"field '{field}'" in msg and "Fix:" in msg


def test_readme_module_table_matches_manifest():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- modules:start -->")[1].split("<!-- modules:end -->")[0]
    assert block.strip() == markdown_table(load_course()).strip(), (
        "README's module table is out of date: replace it with `coursekit list --markdown`"
    )


def test_every_kit_error_is_caught_once_by_the_command_line(tmp_path, capsys):
    """The CLI reports any KitError (data, instructor, site, grading) as one line with its fix."""
    from coursekit.cli import main
    from coursekit.errors import DataError, KitError
    from coursekit.instructor.common import InstructorError
    from coursekit.instructor.site import SiteError

    for cls in (DataError, InstructorError, SiteError):
        assert issubclass(cls, KitError)
    # an instructor error raised deep in `release` reaches the user as "error: ... Fix: ..."
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    assert main(["release", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Fix:" in err and "Traceback" not in err
    assert (tmp_path / "out" / "keep.txt").read_text() == "mine"


def test_the_essay_address_must_be_a_web_address():
    def bad(r):
        r["essay_url"] = "javascript:alert(1)"

    with pytest.raises(DataError) as err:
        parse_course(_broken(bad), REPO / "data" / "course.yml")
    assert "top level, field 'essay_url'" in str(err.value)
