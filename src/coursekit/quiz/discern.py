"""The discernment check: can a learner tell real claims about the region from false ones?

Items live in ``data/discernment.yml`` (validated here, every source resolving in
``data/sources.yml``): as many real as false claims per form, two parallel forms, ``A`` taken
before the course (module 00) and again as the delayed check, ``B`` after it (module 08).

Scored as the MIST reports its scores (Maertens et al. 2024), with counts over the form's items:

- **discernment** (V): claims judged rightly, real and false together;
- **real-news detection** (r): real claims judged real; **false-news detection** (f): false
  claims judged false;
- **response bias**: claims judged real minus real claims in the form; below 0 leans to
  *distrust* (calling real news false), above 0 to *naïvety* (believing false news). The MIST's
  distrust d = max(0, judged false - false items) and naïvety n = max(0, judged real - real items);
- and, as signal detection theory states them, sensitivity d' = z(H) - z(FA) and criterion
  c = -(z(H) + z(FA)) / 2, with "real" as the signal, H the share of real claims judged real, FA
  the share of false claims judged real, both with the log-linear correction ((k + 0.5) / (n + 1))
  so that 0 and 1 stay finite. c above 0: a leaning to answer "false".

>>> claim, why = "A claim about the region.", "Why it is real or false."
>>> items = [Item(id=f"r{i}", form="A", real=True, claim=claim, why=why, sources=["s"]) for i in range(2)]
>>> items += [Item(id=f"f{i}", form="A", real=False, claim=claim, why=why, sources=["s"]) for i in range(2)]
>>> s = score(items, {"r0": "real", "r1": "false", "f0": "false", "f1": "false"})
>>> (s.discernment, s.real_detected, s.false_detected, s.bias, s.distrust, s.naivety)
(3, 1, 2, -1, 1, 0)
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coursekit.errors import DataError

SCHEMA = "coursekit-discernment/1"
PHASES = {"pre": ("A", "00"), "post": ("B", "08"), "delayed": ("A", "08")}  # phase -> (form, module)
DELAYED_AFTER = dt.timedelta(days=28)  # the delayed check is offered four weeks after the post check
ANSWERS = ("real", "false")


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    form: Literal["A", "B"]
    real: bool
    claim: str = Field(min_length=10)
    why: str = Field(min_length=10)
    sources: list[str] = Field(min_length=1)
    from_: str | None = Field(default=None, alias="from")


class CheckFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_: Literal["coursekit-discernment/1"] = Field(alias="schema")
    forms: dict[Literal["A", "B"], str]
    items: list[Item]


def load_items(path: str | Path | None = None, *, check_sources: bool = True) -> list[Item]:
    """The items of ``data/discernment.yml``, validated (a :class:`DataError` says where and the fix)."""
    from coursekit.paths import data_file
    from coursekit.sources import require_ids
    from coursekit.validate import pydantic_error, read_yaml

    path = Path(path) if path else data_file("discernment.yml")
    raw = read_yaml(path)
    try:
        doc = CheckFile.model_validate(raw)
    except ValidationError as exc:
        raise pydantic_error(path, exc) from None
    seen: set[str] = set()
    for n, item in enumerate(doc.items, start=1):
        where = f"item {n} ({item.id})"
        if item.id in seen:
            raise DataError(path, f"the id {item.id!r} is used twice.", row=where, field="id",
                            fix="give each item its own id.")
        seen.add(item.id)
        if check_sources:
            require_ids(item.sources, path=path, row=where, field="sources")
    for form in doc.forms:
        real = sum(1 for i in doc.items if i.form == form and i.real)
        false = sum(1 for i in doc.items if i.form == form and not i.real)
        if real != false or real == 0:
            raise DataError(path, f"form {form} has {real} real and {false} false items.", field="items",
                            fix="give each form as many real claims as false ones (at least one of each).")
    return list(doc.items)


def form_items(form: str, items: list[Item] | None = None) -> list[Item]:
    return [i for i in (items if items is not None else load_items()) if i.form == form]


@dataclass(frozen=True)
class Scores:
    """A learner's scores on one form; counts over the answered items (see the module's docstring)."""

    n_real: int
    n_false: int
    answered: int
    discernment: int
    real_detected: int
    false_detected: int
    judged_real: int
    bias: int
    distrust: int
    naivety: int
    d_prime: float
    criterion: float

    @property
    def total(self) -> int:
        return self.n_real + self.n_false

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    def as_row(self) -> dict[str, Any]:
        return {"items": self.total, "answered": self.answered, "discernment": self.discernment,
                "real_detected": self.real_detected, "false_detected": self.false_detected,
                "response_bias": self.bias, "distrust": self.distrust, "naivety": self.naivety,
                "d_prime": round(self.d_prime, 3), "criterion": round(self.criterion, 3)}


def _z(p: float) -> float:
    return NormalDist().inv_cdf(p)


def score(items: list[Item], answers: dict[str, str]) -> Scores:
    """Score ``answers`` (item id -> ``"real"`` or ``"false"``) on ``items``; unknown ids are ignored."""
    real = [i for i in items if i.real]
    false = [i for i in items if not i.real]
    r = sum(1 for i in real if answers.get(i.id) == "real")
    f = sum(1 for i in false if answers.get(i.id) == "false")
    judged_real = sum(1 for i in items if answers.get(i.id) == "real")
    judged_false = sum(1 for i in items if answers.get(i.id) == "false")
    hits = (r + 0.5) / (len(real) + 1)
    fas = (sum(1 for i in false if answers.get(i.id) == "real") + 0.5) / (len(false) + 1)
    return Scores(len(real), len(false), judged_real + judged_false, r + f, r, f, judged_real,
                  judged_real - len(real), max(0, judged_false - len(false)), max(0, judged_real - len(real)),
                  _z(hits) - _z(fas), -(_z(hits) + _z(fas)) / 2)


def meaning(s: Scores) -> str:
    """What a learner's scores mean, in plain words."""
    lines = [f"You judged {s.discernment} of {s.total} claims rightly: {s.real_detected} of {s.n_real} real "
             f"claims as real and {s.false_detected} of {s.n_false} false claims as false."]
    if not s.complete:
        lines.append(f"({s.total - s.answered} claim(s) not answered yet: the scores count only what you answered.)")
    if s.bias < 0:
        lines.append(f"You called {-s.bias} more claim(s) false than the check holds: a leaning to distrust. "
                     "Doubting everything catches false stories but throws away real news with them.")
    elif s.bias > 0:
        lines.append(f"You called {s.bias} more claim(s) real than the check holds: a leaning to believe "
                     "(naïvety). Slow down on claims that fit what you expect.")
    else:
        lines.append("You called as many claims real as the check holds: no leaning either way.")
    lines.append("What counts is discernment, telling real from false, not suspicion: a course that made you "
                 "reject everything would raise false-news detection and lower real-news detection.")
    return " ".join(lines)


# --- the learner's answers --------------------------------------------------------------------


def question_id(phase: str, item: Item) -> str:
    return f"dc-{phase}-{item.id}"


def answers_from_events(events, phase: str, items: list[Item]) -> tuple[dict[str, str], dict[str, float | None]]:
    """The first answer (and its confidence) to each item of ``phase``: later changes do not count."""
    by_qid = {question_id(phase, i): i.id for i in items}
    answers: dict[str, str] = {}
    confidence: dict[str, float | None] = {}
    for e in events:
        kind = e["kind"] if isinstance(e, dict) else e.kind
        qid = e["question_id"] if isinstance(e, dict) else e.question_id
        answer = e["answer"] if isinstance(e, dict) else e.answer
        if kind != "discernment" or qid not in by_qid or by_qid[qid] in answers or answer not in ANSWERS:
            continue
        answers[by_qid[qid]] = answer
        confidence[by_qid[qid]] = e.get("confidence") if isinstance(e, dict) else e.confidence
    return answers, confidence


def _question(phase: str, item: Item):
    from coursekit.quiz.model import Option, Question
    from coursekit.quiz.types.choice import SingleChoice

    return Question(id=question_id(phase, item), type=SingleChoice.name,  # answered through the registry
                    prompt=f"Real or false? {item.claim}",
                    options=(Option("real", "Real"), Option("false", "False")))


def results_html(items: list[Item], answers: dict[str, str], s: Scores) -> str:
    from coursekit.quiz.markup import inline
    from coursekit.sources import load_sources

    known = load_sources()
    rows = []
    for i in items:
        given = answers.get(i.id, "not answered")
        right = given == ("real" if i.real else "false")
        cites = "; ".join(f"<a href='{html.escape(known[x].url or '')}'>{html.escape(known[x].publisher)}</a>"
                          for x in i.sources if x in known)
        rows.append(f"<li><strong>{'Real' if i.real else 'False'}</strong> (you: {html.escape(given)}, "
                    f"{'right' if right else 'not right'}): {inline(i.claim)} <em>{inline(i.why)}</em> "
                    f"Sources: {cites}</li>")
    return (f"<div class='ck-result'><p><strong>Your result.</strong> {html.escape(meaning(s))}</p>"
            f"<ol>{''.join(rows)}</ol></div>")


class CheckView:
    """One form of the check: a claim per widget, no feedback until every claim is judged."""

    def __init__(self, phase: str, store=None) -> None:
        import ipywidgets as w

        from coursekit.quiz.model import Key
        from coursekit.quiz.store import ProgressStore
        from coursekit.quiz.widgets import QuestionWidget, SummaryWidget

        if phase not in PHASES:
            raise ValueError(f"phase {phase!r}: use one of {', '.join(PHASES)}")
        self.phase = phase
        self.form, self.module = PHASES[phase]
        self.items = form_items(self.form)
        self.store = store or ProgressStore()
        done, _ = answers_from_events(self.store.events(module=self.module, kind="discernment"), phase, self.items)
        self.summary = SummaryWidget()
        self.widgets = []
        for item in self.items:
            q = _question(phase, item)
            wdg = QuestionWidget(q, Key(correct="real" if item.real else "false"), module=self.module,
                                 store=self.store, restore=False, kind="discernment",
                                 on_result=lambda _w: self._update())
            wdg.final = True
            wdg.submit = _recorder(wdg)  # type: ignore[method-assign]
            if item.id in done:
                wdg.value, wdg.locked = done[item.id], True
                wdg.result = True
                wdg.feedback_html = _RECORDED
            self.widgets.append(wdg)
        intro = w.HTML(f"<h3>Real or false? A check of {len(self.items)} claims ({phase})</h3>"
                       "<p>Half of these claims about the region are real and half are false. Judge each one "
                       "without looking it up, and say how sure you are if you like. Your first answer "
                       "counts; your result and the sources appear when you have judged them all. There is "
                       "no grade: the check measures what the course changes.</p>")
        self.box = w.VBox([intro, *self.widgets, self.summary])
        self._update()

    def _update(self) -> None:
        answers, _ = answers_from_events(self.store.events(module=self.module, kind="discernment"),
                                         self.phase, self.items)
        if len(answers) < len(self.items):
            self.summary.summary_html = f"{len(answers)} of {len(self.items)} claims judged."
            return
        self.summary.summary_html = results_html(self.items, answers, score(self.items, answers))

    def _repr_mimebundle_(self, **kwargs: Any):
        bundle = self.box._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/html"] = static_html(self.phase)
        data["text/plain"] = f"Discernment check ({self.phase}): {len(self.items)} claims; run in Jupyter to answer."
        return bundle


_RECORDED = ("<div class='ck-result'><span class='ck-status'>• Recorded.</span> The answers appear when you "
             "have judged every claim.</div>")


def _recorder(wdg):
    from coursekit.quiz.model import check

    def submit():
        if wdg.locked:
            return wdg.result
        result = check(wdg._q, wdg._key, wdg.value)
        if result.error:
            wdg.feedback_html = f"<div class='ck-result'>{html.escape(result.message)}</div>"
            return result
        wdg._record(result)
        wdg.result = result
        wdg.locked = True
        wdg.feedback_html = _RECORDED
        if wdg._on_result:
            wdg._on_result(wdg)
        return result

    return submit


def static_html(phase: str) -> str:
    """The check as text, for the static site: the claims, never which are real."""
    form, _ = PHASES[phase]
    items = form_items(form)
    claims = "".join(f"<li>{html.escape(i.claim)} <em>(real or false?)</em></li>" for i in items)
    return (f"<div class='coursekit-quiz-static'><p><strong>Real or false? A check of {len(items)} claims "
            f"({phase}).</strong> Half are real, half false. Run this notebook in Jupyter to answer; your result "
            f"and the sources appear when you have judged every claim.</p><ol>{claims}</ol></div>")


def show(phase: str, store=None) -> CheckView:
    """``quiz.discernment("pre")`` in module 00, ``"post"`` in module 08, ``"delayed"`` four weeks later."""
    return CheckView(phase, store)

