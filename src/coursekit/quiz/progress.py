"""Progress per module, from the store and the course manifest."""

from __future__ import annotations

from coursekit.quiz.store import ProgressStore, current_learner


def summary_rows(store: ProgressStore, learner: str | None = None) -> dict:
    """One row per module: answered questions, score so far, time of the last answer."""
    from coursekit.course import load_course
    from coursekit.quiz.bank import bank_path, load_bank

    learner = learner or current_learner()
    latest = store.latest(learner)
    rows = []
    for m in load_course().modules:
        path = bank_path(m.id)
        if not path.is_file():
            continue
        bank = load_bank(path, keys=False)
        graded = {q.id: q for q in bank.questions if q.graded}
        events = [e for (mod, _), e in latest.items() if mod == m.id]
        answered = [e for e in events if e.question_id in graded]
        if bank.mode == "assessed":
            score = "recorded"
        else:
            got = sum(e.score or 0 for e in answered)
            score = f"{got:g}/{bank.max_points:g}"
        last = max((e.ts for e in events), default="-")
        rows.append((m.id, m.title, f"{len(answered)}/{len(graded)}", score, last[:16].replace("T", " ")))
    return {"learner": learner, "rows": rows}
