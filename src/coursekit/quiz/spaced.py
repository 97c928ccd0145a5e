"""Spaced review: questions from earlier modules come back when they are due.

A question of an earlier (formative) module comes back when a graded answer of the learner's to it

- was **wrong** (not full marks), first of all when given with high confidence (80% or more),
  even if a later try got it right (a right answer seconds after the feedback is not yet
  learnt), or
- was **right but unsure** (given with a confidence of 60% or less).

It is due 1 day after the learner's last answer to it, then 3 days after the last review answered
right (and sure), then 7 days after the next; a review answered wrong (or unsure) starts the
intervals again, and after three good reviews it rests. A new wrong answer puts it back at the
start; a new right and sure answer to a question that was only unsure takes it out. Boosters of
module 05's techniques come back 7 and 28 days after the learner first answered in module 05. All
times come from the store's timestamps; the clock is ``now`` (injectable for tests).

Review answers are stored with ``kind="review"``: they never replace the graded answer and are
never graded (see :mod:`coursekit.quiz.store`).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

INTERVALS = (dt.timedelta(days=1), dt.timedelta(days=3), dt.timedelta(days=7))
LOW = 0.6  # right with this confidence or less: unsure
HIGH = 0.8  # wrong with this confidence or more: a confident error, reviewed first
BOOSTER_MODULE = "05"
BOOSTER_AFTER = (dt.timedelta(days=7), dt.timedelta(days=28))
BOOSTER_QUESTIONS = ("technique-cases", "disorder-types", "sift-order", "lateral")
MAX_PER_SESSION = 6  # a short session; the rest stay due


@dataclass(frozen=True)
class Due:
    module: str
    question_id: str
    reason: str  # "confident-error", "missed", "unsure", "booster"
    since: dt.datetime  # the answer or review the interval counts from
    due_at: dt.datetime
    origin: dt.datetime | None = None  # the answer that brought the question into review

    def describe(self) -> str:
        day = (self.origin or self.since).strftime("%d %b")
        return {
            "confident-error": f"Module {self.module}: on {day} you answered this wrongly although you were sure.",
            "missed": f"Module {self.module}: you missed this on {day}.",
            "unsure": f"Module {self.module}: you got this right on {day} but were unsure.",
            "booster": f"Module {self.module}: a booster of the techniques, "
                       f"{(self.due_at - self.since).days} days on.",
        }[self.reason]


_ORDER = {"confident-error": 0, "missed": 1, "unsure": 2, "booster": 3}


def _ts(text: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(text)
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _right(e) -> bool:
    return e.score is not None and e.max_score > 0 and abs(e.score - e.max_score) < 1e-9


def _good(e) -> bool:
    return _right(e) and not (e.confidence is not None and e.confidence <= LOW)


def due(events: list, module: str, now: dt.datetime, questions: dict[tuple[str, str], str] | None = None) -> list[Due]:
    """What is due for review at the start of ``module`` at time ``now``, most urgent first.

    ``events`` are the learner's events (all kinds); ``questions`` maps (module, question) to the
    question's current digest: only questions still in a formative bank, unchanged, are brought back
    (default: every question the events name).
    """
    now = now if now.tzinfo else now.replace(tzinfo=dt.UTC)
    state: dict[tuple[str, str], list] = {}  # key -> [reason, level, since, origin]
    for e in events:
        key = (e.module, e.question_id)
        if e.module >= module or (questions is not None and questions.get(key) != e.question_hash):
            continue
        if e.kind == "answer" and e.score is not None:
            st = state.get(key)
            if not _right(e):  # a miss (again): reviews start over from here
                sure = e.confidence is not None and e.confidence >= HIGH
                keep = st is not None and st[0] == "confident-error"
                state[key] = ["confident-error" if sure or keep else "missed", 0, _ts(e.ts), _ts(e.ts)]
            elif st is not None and st[0] == "unsure" and not (e.confidence is not None and e.confidence <= LOW):
                del state[key]  # right, and sure this time
            elif st is not None:  # right after a miss, e.g. a second try: still comes back, from now
                st[2] = _ts(e.ts)
                if e.confidence is not None and e.confidence <= LOW:
                    st[1] = 0
            elif e.confidence is not None and e.confidence <= LOW:
                state[key] = ["unsure", 0, _ts(e.ts), _ts(e.ts)]
        elif e.kind == "review" and key in state:
            st = state[key]
            st[1] = st[1] + 1 if _good(e) else 0
            st[2] = _ts(e.ts)
    out: list[Due] = []
    for key, (reason, level, since, origin) in state.items():
        if level >= len(INTERVALS):
            continue  # learnt: three good reviews in a row
        due_at = since + INTERVALS[level]
        if now >= due_at:
            out.append(Due(key[0], key[1], reason, since, due_at, origin))
    out += _boosters(events, module, now, questions, {(d.module, d.question_id) for d in out})
    out.sort(key=lambda d: (_ORDER[d.reason], d.due_at, d.module, d.question_id))
    return out


def _boosters(events, module, now, questions, taken) -> list[Due]:
    if module <= BOOSTER_MODULE:
        return []
    first = min((_ts(e.ts) for e in events if e.module == BOOSTER_MODULE and e.kind == "answer"), default=None)
    if first is None:
        return []
    reviewed = [_ts(e.ts) for e in events if e.module == BOOSTER_MODULE and e.kind == "review"]
    for after in BOOSTER_AFTER:
        due_at = first + after
        if now < due_at:
            return []
        if any(t >= due_at for t in reviewed):
            continue  # this booster was done
        return [Due(BOOSTER_MODULE, q, "booster", first, due_at) for q in BOOSTER_QUESTIONS
                if (BOOSTER_MODULE, q) not in taken
                and (questions is None or (BOOSTER_MODULE, q) in questions)]
    return []


def formative_questions(modules: Collection[str] | None = None) -> dict[tuple[str, str], str]:
    """(module, question) -> digest for every graded question a quiz widget shows, in the formative
    banks of this course copy (a question drawn from a pool or as a variant is matched by its own
    digest, so only the version the learner answered comes back). ``modules``: only these banks
    (a review needs only the modules the learner has answered in; none loads no bank)."""
    from coursekit.errors import DataError
    from coursekit.quiz.bank import bank_paths, load_bank
    from coursekit.quiz.pools import every_question
    from coursekit.quiz.types import get as get_type

    out = {}
    for path in bank_paths():
        if modules is not None and path.stem not in modules:
            continue
        try:
            bank = load_bank(path, keys=False)
        except (DataError, OSError):
            continue
        if bank.mode != "formative":
            continue
        for q in every_question(bank):
            if q.graded and get_type(q.type).shown_in_quiz:  # code exercises are answered in code cells
                out[(bank.module, q.id)] = q.digest()
    return out


def static_html(module: str) -> str:
    return ("<div class='coursekit-quiz-static'><p><strong>Review from earlier modules.</strong> When you run "
            "this notebook in Jupyter, questions you missed in earlier modules, or answered right but unsure, "
            "come back here 1 day, 3 days and a week later, with the same feedback"
            + (", and module 05's techniques come back after one and four weeks" if module > BOOSTER_MODULE
               else "") + ". Review answers are not graded.</p></div>")


class ReviewView:
    """What ``quiz.review("NN")`` shows: the due questions, each answered as a review."""

    def __init__(self, module: str, store=None, now: dt.datetime | None = None) -> None:
        import ipywidgets as w

        from coursekit.quiz.bank import bank_path, load_bank
        from coursekit.quiz.store import ProgressStore, StoreError, current_learner
        from coursekit.quiz.widgets import QuestionWidget

        self.module = module
        self.store = store or ProgressStore()
        now = now or dt.datetime.now(dt.UTC)
        parts: list = []
        try:
            events = self.store.events(current_learner())
        except StoreError as exc:
            events, parts = [], [w.HTML(f"<p role='alert'>Your earlier answers could not be read: "
                                        f"{html.escape(str(exc))}</p>")]
        answered = {e.module for e in events if e.module < module}  # only these banks can have due questions
        self.due = due(events, module, now, formative_questions(answered))
        shown, self.widgets = self.due[:MAX_PER_SESSION], []
        banks: dict[str, Any] = {}
        for d in shown:
            bank = banks.get(d.module) or banks.setdefault(d.module, load_bank(bank_path(d.module)))
            wdg = QuestionWidget(bank.question(d.question_id), bank.key(d.question_id), module=d.module,
                                 store=self.store, restore=False, kind="review")
            self.widgets.append(wdg)
            parts += [w.HTML(f"<p class='ck-review-why'>{html.escape(d.describe())}</p>"), wdg]
        if shown:
            more = len(self.due) - len(shown)
            head = (f"<h3>Review: {len(shown)} question(s) from earlier modules</h3><p>Answer them again; the "
                    "feedback is the same as before and nothing here is graded."
                    + (f" {more} more wait for the next session." if more > 0 else "") + "</p>")
        else:
            head = ("<h3>Review</h3><p>Nothing from earlier modules is due for review now. Questions you miss "
                    "(or get right but unsure) come back after 1 day, 3 days and a week.</p>")
        delayed = _delayed_note(events, now)
        self.box = w.VBox([w.HTML(head + delayed), *parts])

    def _repr_mimebundle_(self, **kwargs: Any):
        bundle = self.box._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/html"] = static_html(self.module)
        data["text/plain"] = f"Review: {len(self.due)} question(s) due from earlier modules."
        return bundle


def _delayed_note(events, now: dt.datetime) -> str:
    """A pointer to the delayed discernment check, four weeks after the post check."""
    from coursekit.quiz.discern import DELAYED_AFTER

    post = [_ts(e.ts) for e in events if e.kind == "discernment" and e.question_id.startswith("dc-post-")]
    done = any(e.kind == "discernment" and e.question_id.startswith("dc-delayed-") for e in events)
    if post and not done and now >= min(post) + DELAYED_AFTER:
        return ("<p><strong>The delayed check is due.</strong> Four weeks after the course, run "
                "<code>quiz.discernment(\"delayed\")</code> to see what stayed with you.</p>")
    return ""


def show(module: str, store=None, now: dt.datetime | None = None) -> ReviewView:
    return ReviewView(module, store, now)
