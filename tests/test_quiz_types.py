"""The question-type registry: one place per type, and an unknown type is an error everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursekit.instructor.grade import answer_label
from coursekit.instructor.quiz_html import answer_html, question_html
from coursekit.quiz import types as qtypes
from coursekit.quiz.model import Key, Option, Question, check
from coursekit.quiz.widgets import static_html

SRC = Path(__file__).resolve().parents[1] / "src" / "coursekit"
WIDGET_JS = SRC / "quiz" / "widget.js"
ABSTRACT = sorted(qtypes.QuestionType.__abstractmethods__)


def _renderers() -> set[str]:
    table = re.search(r"export const RENDERERS = \{(.*?)\};", WIDGET_JS.read_text(), re.S).group(1)
    return set(re.findall(r"^\s*(\w+):", table, re.M))


def test_every_registered_type_has_every_piece():
    assert set(qtypes.names()) >= {"single_choice", "multiple_select", "true_false", "numeric",
                                   "ordering", "categorise", "text"}
    renderers = _renderers()
    for name, qtype in qtypes.REGISTRY.items():
        assert qtype.name == name and qtype.label.strip()
        for method in ABSTRACT:
            impl = getattr(type(qtype), method)
            assert impl is not getattr(qtypes.QuestionType, method), f"{name} lacks {method}"
        assert name in renderers, f"widget.js has no renderer for {name}"
    assert renderers == set(qtypes.names()), "widget.js renders a type the registry does not know"


def test_a_type_missing_a_piece_cannot_be_registered():
    class Half(qtypes.QuestionType):
        name = "half"
        label = "half"

        def normalise(self, q, answer):
            return answer

    with pytest.raises(TypeError, match="abstract"):
        qtypes.register(Half)
    assert "half" not in qtypes.REGISTRY


def test_type_names_appear_only_in_the_registry_and_widget_js():
    allowed = {SRC / "quiz" / "types", WIDGET_JS}
    distinctive = [n for n in qtypes.names() if "_" in n] + ["categorise", "ordering"]
    branch = re.compile(r"\.type\s*(==|!=|in\b)|type\s*==\s*['\"]")
    offenders = []
    for path in SRC.rglob("*"):
        if path.suffix not in (".py", ".js") or any(path == a or a in path.parents for a in allowed):
            continue
        text = path.read_text(encoding="utf-8")
        for name in distinctive:
            if re.search(rf"['\"]{name}['\"]", text):
                offenders.append(f"{path.relative_to(SRC)} names {name}")
        if path.parent.name not in ("quiz", "instructor"):  # elsewhere .type is a claim's or a cell's type
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if branch.search(line) and "cell_type" not in line and "output_type" not in line \
                    and "geom_type" not in line and 'df["type"]' not in line:
                offenders.append(f"{path.relative_to(SRC)}:{n} branches on a type: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_an_unknown_type_is_a_clear_error_everywhere():
    q = Question(id="q1", type="essay", prompt="Discuss.")
    key = Key(correct="x", explanation="because")
    calls = [lambda: check(q, key, "an answer"), lambda: q.graded, lambda: static_html(q),
             lambda: answer_html(q, key), lambda: question_html(q, key, "formative", {})]
    for call in calls:
        with pytest.raises(qtypes.QuestionTypeError) as err:
            call()
        assert "'essay'" in str(err.value) and "Fix:" in str(err.value)
        assert "single_choice" in str(err.value)


def test_grade_labels_a_malformed_answer_instead_of_failing():
    q = Question(id="q", type="categorise", prompt="p", items=(Option("a", "A"), Option("b", "B")),
                 categories=(Option("x", "X"), Option("y", "Y")))
    assert answer_label(q, {"b": "y", "a": "x"}) == "a=x; b=y"
    assert answer_label(q, 5) == "5"


def test_a_new_type_needs_only_a_registry_entry():
    """A toy type registered in a test is checked, validated, rendered and labelled by the kit."""

    class YesNo(qtypes.QuestionType):
        name = "yes_no_test"
        label = "yes or no"

        def check_key(self, q, correct, tolerance):
            if correct not in ("yes", "no"):
                raise qtypes.KeyProblem("correct", "yes or no", "write yes or no.")

        def feedback_ids(self, q):
            return ["yes", "no"]

        def normalise(self, q, answer):
            if answer not in ("yes", "no"):
                raise qtypes.BadAnswer("Answer yes or no.")
            return answer

        def score(self, q, key, answer):
            from coursekit.quiz.model import Result

            ok = answer == key.correct
            return Result(q.points if ok else 0.0, q.points, "ok" if ok else "no", (), key.explanation)

        def full_marks(self, q, key):
            return key.correct

        def choices_html(self, q):
            return "<p>Yes or no?</p>"

        def answer_html(self, q, key):
            return f"<p><strong>Answer:</strong> {key.correct}</p>"

        def answer_label(self, q, answer):
            return answer.upper()

    qtypes.register(YesNo)
    try:
        q = Question(id="q", type="yes_no_test", prompt="Is it?")
        key = Key(correct="yes", explanation="It is.")
        assert check(q, key, "yes").status == "Correct"
        assert check(q, key, "maybe").error == "Answer yes or no."
        assert check(q, key, "").error == qtypes.QuestionType.empty_message
        assert "Yes or no?" in static_html(q)
        assert "<strong>Answer:</strong> yes" in question_html(q, key, "formative", {})
        assert answer_label(q, "no") == "NO"
    finally:
        del qtypes.REGISTRY["yes_no_test"]


def test_a_number_typed_with_a_decimal_comma_or_its_unit_is_read_as_the_student_means_it():
    """06 asks for the CEC's 2020 figure (80.10 %) and 07 for a Brier score (0.64): "80,1" was read
    as 801 ("Lower - just above 80%") and "0,64" as 64; "80.1%" was refused."""
    from coursekit.quiz.bank import bank_path, load_bank

    for module, qid, typed in (("06", "official-2020", ["80,1", "80.1%", "80,1 %", " 80.10 "]),
                               ("07", "brier", ["0,64", "0.64", ".64"])):
        bank = load_bank(bank_path(module), keys=True)
        q, key = bank.question(qid), bank.key(qid)
        for answer in typed:
            assert check(q, key, answer).correct, (module, qid, answer)
    bank = load_bank(bank_path("06"), keys=True)
    q, key = bank.question("official-2020"), bank.key("official-2020")
    assert check(q, key, "1,200").correct is False  # thousands stay thousands
    assert "is not a number" in check(q, key, "80,1,2").message
