"""The package stays readable: one job per file, none over 500 lines."""

from __future__ import annotations

from tests.conftest import REPO

MAX_LINES = 500


def test_no_module_in_the_package_is_over_500_lines():
    long = {str(p.relative_to(REPO)): n for p in sorted((REPO / "src" / "coursekit").rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, (f"over {MAX_LINES} lines: {long}. Fix: split the module by job (see how grade.py "
                      "hands reading to instructor/reading.py and files to instructor/files.py).")
