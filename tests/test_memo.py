"""coursekit.memo: a kept value is handed out only for the stamp it was made for, a failed read
keeps nothing, and the oldest slot goes first when the store is full."""

import pytest

from coursekit.memo import Kept, content


def test_a_value_is_made_again_for_another_stamp_and_the_oldest_slot_goes_first():
    made = []

    def make(value):
        return lambda: made.append(value) or value

    kept = Kept(size=2)
    assert kept.get("a", 1, make("a1")) == "a1"
    assert kept.get("a", 1, make("never")) == "a1"
    assert kept.get("a", 2, make("a2")) == "a2"
    kept.get("b", 1, make("b1"))
    kept.get("c", 1, make("c1"))  # full: "a" was kept first and goes
    assert kept.get("b", 1, make("never")) == "b1"
    assert kept.get("a", 2, make("a2 again")) == "a2 again"
    assert made == ["a1", "a2", "b1", "c1", "a2 again"]


def test_a_read_that_fails_keeps_nothing(tmp_path):
    kept = Kept()

    def broken():
        raise ValueError("bad file")

    with pytest.raises(ValueError):
        kept.get("a", 1, broken)
    assert kept.get("a", 1, lambda: "read") == "read"
    f = tmp_path / "f.txt"
    f.write_text("one")
    before = content(f)
    f.write_text("two")
    assert content(f) != before and content(tmp_path / "missing") is None
