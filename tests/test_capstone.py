"""The capstone hand-in: the export carries the figure, the word limits agree, briefs swap anonymously."""

import base64
import csv
import json
import re

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from coursekit.quiz.bank import bank_path, load_bank  # noqa: E402
from coursekit.quiz.progress import PNG_SIGNATURE, export_submission, save_attachments  # noqa: E402
from coursekit.quiz.store import ProgressStore  # noqa: E402
from tests.conftest import REPO  # noqa: E402


def _store(tmp_path, learner, brief="word " * 260):
    store = ProgressStore(tmp_path / f"{learner}.sqlite")
    store.append(module="08", question_id="brief", question_hash="h", key_hash=None, mode="formative",
                 answer=brief, score=None, max_score=0.0, learner=learner)
    return store


def _figure():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1])
    fig.coursekit_alt = "A rising line from 0 to 1."
    return fig


def test_the_capstone_export_contains_the_figure(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_LEARNER", "ada")
    store = _store(tmp_path, "ada")
    fig = _figure()
    out = tmp_path / "ada.json"
    result = export_submission(store, out, figure=fig)
    plt.close(fig)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [e["question_id"] for e in doc["events"]] == ["brief"]
    (attachment,) = doc["attachments"]
    assert attachment["media_type"] == "image/png" and attachment["alt"] == "A rising line from 0 to 1."
    assert base64.b64decode(attachment["data"]).startswith(PNG_SIGNATURE)
    assert "with your figure" in result.message()
    (png,) = save_attachments(out, tmp_path / "figures")
    assert png.read_bytes().startswith(PNG_SIGNATURE) and png.parent == tmp_path / "figures"


def test_an_export_without_a_figure_has_no_attachments(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_LEARNER", "ada")
    out = tmp_path / "ada.json"
    export_submission(_store(tmp_path, "ada"), out)
    assert "attachments" not in json.loads(out.read_text(encoding="utf-8"))


def test_a_figure_without_alt_text_or_not_a_png_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_LEARNER", "ada")
    with pytest.raises(ValueError, match="alt text"):
        export_submission(_store(tmp_path, "ada"), tmp_path / "x.json", figure=PNG_SIGNATURE + b"rest")
    with pytest.raises(ValueError, match="not a PNG"):
        export_submission(_store(tmp_path, "ada"), tmp_path / "x.json", figure=b"GIF89a", alt="x")


def _words(markdown):
    text = re.sub(r"\]\([^)]*\)", "]", markdown)
    text = re.sub(r"\[[a-z0-9;\- ]+\]", "", text)
    return len(re.sub(r"[\[\]>*]", "", text).split())


def test_word_limits_agree_and_the_model_brief_meets_them():
    nb = json.loads((REPO / "notebooks" / "08_capstone.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) for c in nb["cells"]]
    assignment = next(c for c in cells if c.startswith("## 1.") and "the assignment" in c.lower())
    assert "250–400 words" in assignment
    q = load_bank(bank_path("08")).question("brief")
    assert (q.min_words, q.max_words) == (250, 400) and "250–400" in q.prompt
    guide = (REPO / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    assert "250–400 words" in guide and "150 words" not in guide
    example = next(c for c in cells if c.startswith("## 2. A worked example")).split("\n", 1)[1]
    assert 250 <= _words(example) <= 400


def test_the_checklist_has_no_unlabelled_checkboxes():
    nb = json.loads((REPO / "notebooks" / "08_capstone.ipynb").read_text(encoding="utf-8"))
    assert not any("- [ ]" in "".join(c["source"]) for c in nb["cells"])


def test_briefs_shuffle_keeps_authors_anonymous(tmp_path, monkeypatch):
    from coursekit.instructor.briefs import shuffle

    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("ada", "brahim", "chen"):
        monkeypatch.setenv("COURSEKIT_LEARNER", name)
        fig = _figure()
        export_submission(_store(tmp_path, name, f"Brief by the author {name} " + "word " * 250),
                          subs / f"{name}.json", figure=fig)
        plt.close(fig)
    (subs / "junk.json").write_text("{not json", encoding="utf-8")
    out = tmp_path / "swap"
    result = shuffle([subs], out, seed=1)
    assert len(result.codes) == 3 and any("junk.json" in s for s in result.skipped)
    briefs = sorted(out.glob("brief-*.md"))
    assert len(briefs) == 3 and len(list(out.glob("brief-*.png"))) == 3
    for path in briefs:
        text = path.read_text(encoding="utf-8")
        # the learner's name is not in the file name or the header
        assert not any(n in path.name for n in ("ada", "brahim", "chen"))
        assert text.splitlines()[0].startswith("# Brief ")
    with open(out / "assignments.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(out / "key-PRIVATE.csv", encoding="utf-8") as fh:
        key = {r["brief"]: r["author"] for r in csv.DictReader(fh)}
    assert {r["reviewer"] for r in rows} == {"ada", "brahim", "chen"}
    assert all(key[r["reviews_brief"]] != r["reviewer"] for r in rows)  # nobody reviews their own
    assert sorted(key.values()) == ["ada", "brahim", "chen"]


def _brief_widget(tmp_path):
    from coursekit.quiz.widgets import QuestionWidget

    bank = load_bank(bank_path("08"))
    store = ProgressStore(tmp_path / "me.sqlite")
    return QuestionWidget(bank.question("brief"), bank.key("brief"), module="08", store=store), store


def test_a_brief_over_400_words_is_not_submitted_and_keeps_its_text(tmp_path):
    w, store = _brief_widget(tmp_path)
    text = "word " * 430
    w.value = text
    result = w.submit()
    assert result.error and "430 words" in result.error and "Cut 30 words" in result.error
    assert "kept" in result.error  # says the text is safe
    assert w.value == text and not w.locked  # nothing lost, still editable
    assert not store.latest(module="08")  # nothing saved
    assert "Cut 30 words" in w.feedback_html
    w.value = "word " * 400  # at the limit: accepted and saved
    assert w.submit().error is None and w.locked


def test_a_brief_under_250_words_gets_a_clear_notice(tmp_path):
    w, _ = _brief_widget(tmp_path)
    w.value = "word " * 200
    result = w.submit()
    assert result.error and "at least 250 words" in result.error and "50 more" in result.error
    assert w.question["min_words"] == 250 and w.question["max_words"] == 400  # what the live count shows


def test_a_bank_whose_max_words_is_below_min_words_is_refused(tmp_path):
    import yaml

    from coursekit.errors import DataError

    src = bank_path("08")
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    brief = next(q for q in data["questions"] if q["id"] == "brief")
    brief["max_words"] = 200
    path = tmp_path / src.name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "keys").mkdir()
    with pytest.raises(DataError, match="max_words"):
        load_bank(path)
