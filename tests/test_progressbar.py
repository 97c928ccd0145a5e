"""Long commands show i/n and the elapsed time."""

from __future__ import annotations

import io
import sys

from coursekit.progressbar import track


def test_tqdm_shows_count_and_elapsed(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    assert list(track(range(7), "building the site", enabled=True)) == list(range(7))
    text = err.getvalue()
    assert "building the site: 7/7" in text and "elapsed 00:00" in text


def test_without_tqdm_a_plain_counter_with_elapsed(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as in an environment without tqdm
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    assert list(track(iter(["a", "b", "c"]), "grading", total=3, enabled=True)) == ["a", "b", "c"]
    assert "grading: 3/3 (elapsed 0 s)" in err.getvalue()


def test_quiet_when_not_on_a_terminal(monkeypatch):
    err = io.StringIO()  # not a tty: logs and captured output stay clean unless asked
    monkeypatch.setattr(sys, "stderr", err)
    assert list(track([1, 2], "release")) == [1, 2]
    assert err.getvalue() == ""
