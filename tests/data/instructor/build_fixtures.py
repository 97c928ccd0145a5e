"""Regenerate the instructor fixtures: the sample notebooks and the submission files.

Run from the repository root: ``.venv/bin/python tests/data/instructor/build_fixtures.py``.
Re-run it when the quiz model's hashing or the fixture banks change (the submissions carry
question and key hashes). Timestamps are fixed, so the output is stable.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from struct import pack
from typing import Any

HERE = Path(__file__).resolve().parent
COURSE = HERE / "course"
SUBS = HERE / "submissions"
KIT = "0.1.0"


# --- notebooks -------------------------------------------------------------------------------


def md(source: str, cid: str | None, tags: Any = ...) -> dict:
    cell: dict[str, Any] = {"cell_type": "markdown", "metadata": {}, "source": source}
    if tags is not ...:
        cell["metadata"]["tags"] = tags
    if cid:
        cell["id"] = cid
    return cell


def code(source: str, cid: str | None, tags: Any = ..., outputs: list | None = None, count: int | None = None) -> dict:
    cell: dict[str, Any] = {"cell_type": "code", "metadata": {}, "source": source,
                            "outputs": outputs or [], "execution_count": count}
    if tags is not ...:
        cell["metadata"]["tags"] = tags
    if cid:
        cell["id"] = cid
    return cell


def stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def notebook(cells: list[dict], minor: int) -> dict:
    return {"cells": cells, "nbformat": 4, "nbformat_minor": minor,
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"},
                         "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}}}}


FIGURE = """import matplotlib.pyplot as plt

from coursekit.figures import show

fig, ax = plt.subplots(figsize=(4, 3))
ax.bar(["north", "south"], [3, 5], color=["#0072B2", "#E69F00"], hatch="//", label="sites")
ax.set_title("Sample sites by area")
ax.legend()
shown = show(fig, alt="Bar chart of sample sites: north 3, south 5.")"""

BARE_FIGURE = """import matplotlib.pyplot as plt

plt.plot([1, 2, 3], [2, 1, 3])
plt.show()"""


def sample_notebook() -> dict:
    return notebook([
        md("# 01 · Sample practice module\n\n![A single grey pixel](images/pixel.png)", "c-title"),
        code("x = 2\nprint(x)", "c-print", outputs=[stream("2\n")], count=3),
        md("**Try it:** set `answer` to twenty times `x`, plus two.", "c-try"),
        code("answer = None", "c-exercise", count=4),
        code("answer = x * 21  # SOLUTION-CODE-MARK\nprint(answer)", "c-sol-code", tags=["solution"],
             outputs=[stream("42\n")], count=5),
        md("The worked answer: SOLUTION-TEXT-MARK.", "c-sol-md", tags=["Solution", "extra"]),
        md("A cell with empty metadata (no tags key).", "c-notags"),
        code('print("kept")', "c-tagstring", tags="solution-notes"),
        code("y = 1", "c-tagnull", tags=None),
        md("General notes about solutions (tagged `solutions`, so it stays).", "c-solutions", tags=["solutions"]),
        code("guess = 0", "c-exercise2"),
        code("guess = 42  # SOLUTION-SECOND-MARK", "c-sol2", tags=["solution"]),
        code('from coursekit import quiz\n\nquiz.show("01")', "c-quiz"),
        code(FIGURE, "c-figure"),
    ], minor=5)


def assessed_notebook() -> dict:
    return notebook([
        md("# 02 · Sample assessed module", None),
        code('from coursekit import quiz\n\nquiz.show("02")', None),
        md("Reasoning for the instructor: SOLUTION-ASSESSED-MARK.", None, tags=["solution"]),
        code(BARE_FIGURE, None),
    ], minor=4)


def pixel_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = zlib.compress(b"\x00\x80")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def write_notebooks() -> None:
    nb_dir = COURSE / "notebooks"
    for name, nb in (("01_sample.ipynb", sample_notebook()), ("02_assessed.ipynb", assessed_notebook()),
                     ("scratch.ipynb", notebook([md("A draft that is not a module.", None)], minor=4))):
        (nb_dir / name).write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    (nb_dir / "images").mkdir(exist_ok=True)
    (nb_dir / "images" / "pixel.png").write_bytes(pixel_png())


# --- submissions -----------------------------------------------------------------------------


def load_banks():
    from coursekit.quiz.bank import load_bank
    from coursekit.sources import load_sources

    known = load_sources(COURSE / "data" / "sources.yml")
    return {m: load_bank(COURSE / "data" / "quizzes" / f"{m}.yml", keys=True, known_sources=known)
            for m in ("01", "02")}


def export(learner: str, answers: list[tuple[str, str, Any]], exported_at: str, *, kit: str = KIT,
           stale: set[tuple[str, str]] = frozenset()) -> dict:
    """A submission like ProgressStore.export writes, with scores as the widgets record them."""
    from dataclasses import replace

    from coursekit.quiz.model import check

    banks = load_banks()
    events = []
    for n, (module, qid, answer) in enumerate(answers, start=1):
        bank = banks[module]
        q = bank.question(qid)
        key = bank.key(qid) if bank.mode == "formative" else None
        result = check(q, key, answer)
        assert not result.error, (learner, qid, result.error)
        shown = replace(q, prompt=q.prompt + " (earlier wording)") if (module, qid) in stale else q
        events.append({"id": n, "ts": f"2026-11-20T10:{n:02d}:00.000+00:00", "learner": learner,
                       "module": module, "question_id": qid, "question_hash": shown.digest(),
                       "key_hash": key.digest() if key else None, "mode": bank.mode, "answer": answer,
                       "score": result.score if bank.mode == "formative" else None,
                       "max_score": q.points, "kit_version": kit})
    latest = {f"{e['module']}/{e['question_id']}": e["id"] for e in events}
    return {"schema": "coursekit-submission/1", "kit_version": kit, "learner": learner,
            "exported_at": exported_at, "events": events, "latest": latest}


ANA = [("01", "q-choice", "a"), ("01", "q-choice", "b"), ("01", "q-multi", ["a", "c"]), ("01", "q-num", 80),
       ("01", "q-reflect", "I noticed three things."), ("02", "a-tf", False), ("02", "a-order", ["z", "x", "y"]),
       ("02", "a-cat", {"i1": "fact", "i2": "fact"}), ("02", "a-num", 4300)]
BEN = [("01", "q-choice", "c"), ("01", "q-multi", ["a", "b", "c"]), ("01", "q-num", "62"),
       ("02", "a-tf", True), ("02", "a-order", ["x", "y", "z"]), ("02", "a-cat", {"i1": "fact", "i2": "value"})]
BEN_OLD = [("01", "q-choice", "b"), ("02", "a-tf", False)]
EVE = [("02", "a-tf", False), ("02", "a-order", ["z", "x", "y"])]
FAY = [("01", "q-choice", "b")]
CARA = [("01", "q-choice", "a"), ("02", "a-tf", False)]
DAN = [("01", "q-num", 65)]


def write_submissions() -> None:
    SUBS.mkdir(exist_ok=True)
    for old in SUBS.glob("*"):
        old.unlink()
    files: dict[str, Any] = {
        "good_ana.json": export("ana", ANA, "2026-11-20T12:00:00+00:00"),
        "good_ben.json": export("ben", BEN, "2026-11-21T12:00:00+00:00"),
        "dup_ben_earlier.json": export("ben", BEN_OLD, "2026-11-20T12:00:00+00:00"),
        "stale_eve.json": export("eve", EVE, "2026-11-20T12:00:00+00:00", stale={("02", "a-tf")}),
        "minor_version_fay.json": export("fay", FAY, "2026-11-20T12:00:00+00:00", kit="0.2.0"),
    }
    cara = export("cara", CARA, "2026-11-20T12:00:00+00:00")
    cara["events"][0]["score"] = 1.0  # a wrong answer given full marks by hand
    files["tampered_score_cara.json"] = cara
    dan = export("dan", DAN, "2026-11-20T12:00:00+00:00")
    dan["events"][0]["score"] = 5.0  # more than the question's maximum
    files["tampered_over_max_dan.json"] = dan
    gus = export("gus", FAY, "2026-11-20T12:00:00+00:00")
    del gus["events"][0]["score"]
    files["malformed_missing_field_gus.json"] = gus
    hal = export("hal", FAY, "2026-11-20T12:00:00+00:00")
    hal["schema"] = "coursekit-submission/9"
    files["schema_hal.json"] = hal
    for name, doc in files.items():
        (SUBS / name).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    good = json.dumps(export("ivy", FAY, "2026-11-20T12:00:00+00:00"), indent=1)
    (SUBS / "malformed_truncated_ivy.json").write_text(good[: len(good) // 2], encoding="utf-8")
    (SUBS / "readme.txt").write_text("Not a submission: the grader reads only *.json in folders.\n",
                                     encoding="utf-8")


if __name__ == "__main__":
    write_notebooks()
    write_submissions()
    print("wrote", *sorted(p.relative_to(HERE).as_posix() for p in HERE.rglob("*") if p.is_file()), sep="\n  ")
