"""Item analysis for ``coursekit grade``: how well each question separates learners, and which
misconceptions the class's wrong answers reveal.

**Discrimination** is the corrected item-total correlation: for each graded question, the Pearson
correlation between a learner's score on it (as a share of its points, so 0 or 1 for most types,
a fraction where the type gives partial credit) and the same learner's points on the *other*
graded questions of the same module. With a right/wrong item it is the point-biserial
correlation. Chosen over the upper-lower 27 % groups because a class of 20 leaves only 5
learners in each group and the method discards the middle 46 %; the correlation uses every
learner who answered, takes partial credit as it is, and leaves the item out of the total so that
a short bank (7 or 8 questions) does not inflate it by correlating the item with itself. Read it
as: about 0.3 or more separates well; near 0 says nothing about who knows the module; below 0
(learners who do well elsewhere get this one wrong) points at a flawed key or a misleading
question. It is blank when fewer than :data:`MIN_LEARNERS` learners answered or when either side
does not vary (everyone right).

**Misconceptions**: a distractor may name a misconception (``misconception:`` on the option in
the bank, or ``misconceptions:`` in the key for an assessed bank), an entry of the instructor
guide's *Misconceptions the quizzes detect* section. A learner holds it when their latest
answer picks that option. The report gives, per misconception and question, how many learners
hold it, their share of those who answered and of the class, and a link to the guide's entry.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coursekit.quiz import types as qtypes
from coursekit.quiz.model import Key, Question

if TYPE_CHECKING:  # pragma: no cover
    from coursekit.instructor.grade import Keys

GUIDE = "docs/instructor-guide.md"
MIN_LEARNERS = 3
_ANCHOR = re.compile(r'<a\s+id="([a-z0-9][a-z0-9_-]*)"\s*>\s*</a>')


def misconception_map(q: Question, key: Key | None) -> dict[str, str]:
    """Option id -> misconception id, from the bank's options and (overriding them) the key."""
    out = {o.id: o.misconception for o in q.options if o.misconception}
    if key is not None:
        out.update(key.misconceptions)
    return out


def held(q: Question, key: Key | None, answer: Any) -> list[str]:
    """The misconceptions a learner's answer reveals (the tagged options it picks), sorted."""
    tags = misconception_map(q, key)
    if not tags:
        return []
    qtype = qtypes.get(q.type)
    try:
        picked = qtype.chosen_options(q, qtype.normalise(q, answer))
    except (qtypes.BadAnswer, TypeError, ValueError, KeyError):
        return []
    return sorted({tags[o] for o in picked if o in tags})


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r of two equally long lists; None when there are fewer than two pairs or either does not vary."""
    n = len(xs)
    if n < 2 or n != len(ys):
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum([(x - mx) ** 2 for x in xs])
    syy = sum([(y - my) ** 2 for y in ys])
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = sum([(x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)])
    return sxy / math.sqrt(sxx * syy)


def discrimination(item: dict[str, float], totals: dict[str, float], points: float) -> tuple[float | None, int]:
    """Corrected item-total correlation and the number of learners it rests on.

    ``item``: learner -> points on this question (only learners who answered it); ``totals``:
    learner -> points on every graded question of the module (this one included).
    """
    learners = sorted(item)
    if len(learners) < MIN_LEARNERS or points <= 0:
        return None, len(learners)
    xs = [item[lr] / points for lr in learners]
    rest = [totals.get(lr, 0.0) - item[lr] for lr in learners]
    return correlation(xs, rest), len(learners)


def guide_anchors(path: str | Path) -> dict[str, str]:
    """Misconception id -> its title, for every ``<a id="..."></a>`` anchor in the instructor guide.

    The title is the bold text after the anchor (``**...**``, which may wrap onto the next line);
    without one, the rest of the anchor's line (Markdown emphasis removed).
    """
    text = Path(path).read_text(encoding="utf-8")
    out = {}
    for m in _ANCHOR.finditer(text):
        rest = text[m.end():]
        bold = re.match(r"\*\*(.+?)\*\*", rest, re.S)
        title = " ".join(bold.group(1).split()) if bold else rest.split("\n", 1)[0]
        out[m.group(1)] = re.sub(r"[*_`]", "", title).strip(" .:-") or m.group(1)
    return out


def guide_link(misconception: str) -> str:
    return f"{GUIDE}#{misconception}"


@dataclass
class ItemAnalysis:
    """What :func:`analyse` found: discrimination per question and misconceptions held."""

    class_size: int
    discrimination: dict[tuple[str, str], tuple[float | None, int]] = field(default_factory=dict)
    #: (module, question) -> misconception -> learners holding it
    holding: dict[tuple[str, str], dict[str, set[str]]] = field(default_factory=dict)
    answered: dict[tuple[str, str], int] = field(default_factory=dict)

    def misconception_rows(self, keys: Keys, titles: dict[str, str]) -> list[list[str]]:
        """The rows of misconceptions.csv: one per question and misconception named in the banks."""
        rows = []
        for (mid, qid), q in sorted(keys.listed.items()):
            tags = misconception_map(q, report_key(keys, mid, qid))
            for option, misc in sorted(tags.items(), key=lambda x: (x[1], x[0])):
                learners = self.holding.get((mid, qid), {}).get(misc, set())
                answered = self.answered.get((mid, qid), 0)
                rows.append([misc, titles.get(misc, ""), mid, qid, option, str(len(learners)), str(answered),
                             _share(len(learners), answered), str(self.class_size),
                             _share(len(learners), self.class_size), guide_link(misc)])
        return rows

    def question_summary(self, qkey: tuple[str, str]) -> str:
        """``id n/answered``, one per misconception held, for questions.csv."""
        answered = self.answered.get(qkey, 0)
        return "; ".join(f"{m} {len(who)}/{answered}" for m, who in sorted(self.holding.get(qkey, {}).items())
                         if who)


def report_key(keys: Keys, module: str, qid: str) -> Key | None:
    """The key of a bank question; for a template, its first variant's (misconceptions are shared)."""
    bank = keys.banks[module]
    variants = bank.variants.get(qid)
    return bank.key(variants[0].id if variants else qid)


def _share(n: int, of: int) -> str:
    return f"{round(n / of, 3):g}" if of else ""


def analyse(outcomes: list[tuple[str, Any]], keys: Keys) -> ItemAnalysis:
    """Discrimination and misconceptions over the graded files (``(learner, Outcome)`` pairs).

    A learner's points on a module are the file's own (``outcome.points``: the same scores added
    in the same order as its answers). The class's answers are counted as arrays (numpy): a
    class of 10,000 holds over half a million of them.
    """
    import numpy as np

    result = ItemAnalysis(class_size=len(outcomes))
    entries = keys.entries
    for learner, outcome in outcomes:
        for qkey, misc in getattr(outcome, "misconceptions", []):
            result.holding.setdefault(qkey, {}).setdefault(misc, set()).add(learner)
    questions: dict[tuple[str, str], int] = {}  # scored question -> its number, in the order of the entries
    entry_q = np.array([-1 if score is None else questions.setdefault(qkey, len(questions))
                        for qkey, score, _correct, _wrong in entries] or [-1], dtype=np.int64)
    entry_score = np.array([0.0 if score is None else score for _q, score, _c, _w in entries] or [0.0])
    lens = np.fromiter((len(o.answers) for _lr, o in outcomes), dtype=np.int64, count=len(outcomes))
    flat = (np.concatenate([np.asarray(o.answers, dtype=np.int64) for _lr, o in outcomes])
            if len(outcomes) else np.zeros(0, dtype=np.int64))
    counts = np.bincount(flat, minlength=len(entries))
    for idx in np.flatnonzero(counts).tolist():
        qkey = entries[idx][0]
        result.answered[qkey] = result.answered.get(qkey, 0) + int(counts[idx])
    who = np.repeat(np.arange(len(outcomes)), lens)  # the learner of each answer
    q_of = entry_q[flat] if len(flat) else flat
    scored = q_of >= 0
    who, q_of, points_of = who[scored], q_of[scored], entry_score[flat[scored]]
    order = np.argsort(q_of, kind="stable")
    bounds = np.searchsorted(q_of[order], np.arange(len(questions) + 1))
    names = [learner for learner, _o in outcomes]
    rank = np.empty(len(names), dtype=np.int64)  # each learner's place in name order
    rank[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    for qkey, q in questions.items():
        rows = order[bounds[q]:bounds[q + 1]]
        if not len(rows):
            continue
        module = qkey[0]
        learners = who[rows]
        learners = learners[np.argsort(rank[learners], kind="stable")]  # name order, as discrimination()
        got = points_of[rows][np.argsort(rank[who[rows]], kind="stable")]
        module_points = [outcomes[i][1].points[module] for i in learners.tolist()]
        totals = np.array([0.0 if t is None else t for t in module_points])
        result.discrimination[qkey] = _discrimination(got, totals, keys.listed[qkey].points)
    return result


def _discrimination(got: Any, totals: Any, points: float) -> tuple[float | None, int]:
    """:func:`discrimination` over arrays: points on the question and on the module, in learner order."""
    n = len(got)
    if n < MIN_LEARNERS or points <= 0:
        return None, n
    xs, rest = got / points, totals - got
    dx, dy = xs - xs.mean(), rest - rest.mean()
    sxx, syy = float(dx @ dx), float(dy @ dy)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None, n
    return float(dx @ dy) / math.sqrt(sxx * syy), n


def check_guide(bank: Any, anchors: dict[str, str]) -> None:
    """A DataError when a bank or its key names a misconception the instructor guide does not define."""
    from coursekit.errors import DataError

    for q in bank.questions:
        variants = bank.variants.get(q.id)
        key = bank.key(variants[0].id if variants else q.id)  # variants share the template's misconceptions
        for option, misc in sorted(misconception_map(q, key).items()):
            if misc not in anchors:
                raise DataError(bank.path, f"misconception {misc!r} (option {option}) has no entry in {GUIDE}.",
                                row=f"question {q.id}", field="misconception",
                                fix=f'add an entry starting <a id="{misc}"></a> to the guide\'s "Misconceptions '
                                    'the quizzes detect" section, or correct the id.')
