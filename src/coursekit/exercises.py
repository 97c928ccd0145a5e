"""Checked code exercises: ``check("03/nato-join", members)`` inspects the student's own object.

In a notebook::

    from coursekit.exercises import check
    check("03/nato-join", members)

``check`` looks at the object (its kind, CRS, row count, columns, geometry types, the column
values and measures the exercise asks about, or for a map: its layers, title, legend and source
line), prints which checks passed and, for each that did not, what to look at; then records the
result in the progress store like a quiz answer, so it is exported with the student's progress
and re-checked by ``coursekit grade``. The output is plain text: screen readers read it as it
is, it needs no widget, and it survives in a saved notebook.

The exercises and their keys live in the module's quiz bank (``data/quizzes/NN.yml``, type
``code_check``, see :mod:`coursekit.quiz.types.code`). What is stored is a *snapshot* of what
was observed, never the object itself, with a digest; grading re-runs the current key's checks
on that snapshot.

Why not otter-grader. otter-grader (``grader.check("q1")``) is the well-kept tool for checked
notebook exercises, and we weighed it first. It fits a different workflow: its tests are
Python files that travel with the student's copy (hidden tests are added by ``otter assign``,
which rewrites notebooks into its own format); its results live in its own log (``.OTTER_LOG``,
pickled with dill), not in the kit's progress store; and its grading re-executes every
submitted notebook, by default in Docker containers, where ``coursekit grade`` re-checks stored
answers offline in seconds. It would also bring about twenty dependencies (jupytext,
nbconvert with webpdf, python-on-whales, ipylab, dill, ...) into every student environment
and Binder image. The kit already has what otter would replace: a key format validated with
the banks, a hashed append-only store, an export and a grader. So a check is one more question
type in that registry, and this module only turns a live object into a JSON snapshot.
Nothing heavy is imported until ``check`` runs.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from coursekit.errors import KitError

__all__ = ["check", "evaluate", "inspect", "exercise_ids"]

MAX_VALUES = 500  # column values kept in a snapshot


class ExerciseError(KitError):
    """An exercise id the kit does not know."""


def _bank_and_question(target: str):
    from coursekit.quiz.bank import bank_path, load_bank
    from coursekit.quiz.types import get as get_type

    module, _, qid = str(target).partition("/")
    ids = []
    try:
        bank = load_bank(bank_path(module))
    except KitError:
        bank = None
    if bank is not None:
        ids = [q.id for q in bank.questions if not get_type(q.type).shown_in_quiz]
        if qid in ids:
            return bank, bank.question(qid)
    raise ExerciseError(
        f"there is no code exercise {target!r}.", where="check()",
        fix=(f"use one of {', '.join(f'{module}/{i}' for i in ids)}." if ids else
             "write the module and the exercise id, e.g. check(\"03/read-countries\", countries)."))


def exercise_ids(module: str) -> list[str]:
    """The ids of a module's code exercises, e.g. ``["03/read-countries", ...]``."""
    from coursekit.quiz.bank import bank_path, load_bank
    from coursekit.quiz.types import get as get_type

    bank = load_bank(bank_path(module))
    return [f"{module}/{q.id}" for q in bank.questions if not get_type(q.type).shown_in_quiz]


# --- looking at an object ----------------------------------------------------------------------


def _kind(obj: Any) -> str:
    names = [c.__name__ for c in type(obj).__mro__]
    for kind in ("GeoDataFrame", "GeoSeries", "DataFrame", "Series", "Axes"):
        if kind in names:
            return kind
    if "Figure" in names:
        return "Figure"
    if isinstance(obj, numbers.Real) and not isinstance(obj, bool):
        return "number"
    if isinstance(obj, dict):
        return "dict"
    return type(obj).__name__


def _plain(value: Any) -> str:
    """A column value as text: dates as YYYY-MM-DD, whole floats without ".0"."""
    if hasattr(value, "isoformat") and hasattr(value, "hour"):
        return value.isoformat()[:10] if (value.hour, value.minute, value.second) == (0, 0, 0) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _crs_name(crs: Any) -> str | None:
    if crs is None:
        return None
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


def _column(obj: Any, column: str):
    if hasattr(obj, "columns") and column in obj.columns:
        return obj[column]
    index = getattr(obj, "index", None)
    if index is not None and column in (index.names or []):
        return index.get_level_values(column)
    if getattr(obj, "name", None) == column and not hasattr(obj, "columns"):
        return obj
    return None


def _axes_facts(ax: Any) -> dict[str, Any]:
    fig = ax.figure
    texts = [t.get_text() for t in (*ax.texts, *fig.texts)]
    title = " ".join(x for x in (ax.get_title("left"), ax.get_title(), ax.get_title("right"),
                                 fig._suptitle.get_text() if fig._suptitle else "") if x.strip())
    colorbar = any(getattr(other, "_colorbar", None) is not None for other in fig.axes if other is not ax)
    return {"layers": len(ax.collections) + len(ax.lines) + len(ax.images),
            "title": title,
            "legend": ax.get_legend() is not None or colorbar,
            "source_line": next((t for t in texts if t.strip().lower().startswith("source")), "")}


def inspect(obj: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """What the checks of ``spec`` need to know about ``obj``, as plain JSON data."""
    kind = _kind(obj)
    if kind == "Figure" and spec.get("kind") == "Axes" and getattr(obj, "axes", None):
        obj, kind = obj.axes[0], "Axes"
    observed: dict[str, Any] = {"kind": kind}
    if kind in ("GeoDataFrame", "GeoSeries", "DataFrame", "Series"):
        observed["rows"] = int(len(obj))
        if hasattr(obj, "columns"):
            observed["columns"] = [str(c) for c in obj.columns]
    if kind in ("GeoDataFrame", "GeoSeries"):
        observed["crs"] = _crs_name(obj.crs)
        observed["geom_types"] = sorted({str(g) for g in obj.geom_type.dropna()})
        if "area_km2" in spec and obj.crs is not None:
            observed["area_km2"] = round(float(obj.to_crs(3035).area.sum()) / 1e6, 1)
    for name in ("includes", "exactly"):
        if name in spec:
            column = spec[name]["column"]
            values = _column(obj, column) if kind != "Axes" else None
            seen = None if values is None else sorted({_plain(v) for v in values if v == v})[:MAX_VALUES]
            observed.setdefault("values", {})[column] = seen
    if kind == "dict" and "answers" in spec:
        from coursekit.quiz.types.code import canonical_label

        observed["answers"] = {str(entry): (canonical_label(obj[entry]) if entry in obj else None)
                               for entry in spec["answers"]}
    if kind == "number":
        value = float(obj)
        observed["value"] = round(value, 6) if math.isfinite(value) else None
    if kind == "Axes":
        observed.update(_axes_facts(obj))
    return observed


# --- checking ---------------------------------------------------------------------------------


def evaluate(target: str, obj: Any):
    """Check ``obj`` against exercise ``target`` without recording: (bank, question, answer, result)."""
    from coursekit.quiz.model import check as check_answer
    from coursekit.quiz.types.code import run_checks, snapshot_digest

    bank, q = _bank_and_question(target)
    key = bank.key(q.id)
    if key is None:  # a release without this module's key: the basic facts only, recorded
        observed = inspect(obj, {})
        answer = {"observed": observed, "digest": snapshot_digest(observed)}
        return bank, q, answer, check_answer(q, None, answer)
    observed = inspect(obj, key.correct)
    answer = {"observed": observed, "digest": snapshot_digest(observed)}
    if bank.mode == "assessed":  # recorded for the instructor, no feedback (as in the quiz widget)
        return bank, q, answer, check_answer(q, None, answer)
    results = run_checks(key.correct, observed)
    answer["passed"] = [n for n, ok, _ in results if ok]
    answer["failed"] = [n for n, ok, _ in results if not ok]
    return bank, q, answer, check_answer(q, key, answer)


def feedback_text(target: str, result, *, hint: str | None = None, saved: str = "") -> str:
    """The feedback as plain text (what ``check`` prints)."""
    lines = []
    if result.error:
        lines.append(f"Exercise {target}: not checked. {result.message}")
    elif result.score is None:
        lines.append(f"Exercise {target}: recorded. {result.message}")
    else:
        passed = sum(p.ok for p in result.parts)
        lines.append(f"Exercise {target}: {result.status}: {passed} of {len(result.parts)} checks passed "
                     f"({result.score:.2g} of {result.max:g} point{'s' if result.max != 1 else ''}).")
        for p in result.parts:
            lines.append(f"  {'✓ passed' if p.ok else '✗ not yet'}: {p.message}")
        if result.correct:
            if result.explanation:
                lines.append(f"Why it matters: {result.explanation}")
        else:
            lines.append("Change your code where a line says \"not yet\", run the cell again, then check again."
                         + (f" Hint: {hint}" if hint else ""))
    if saved:
        lines.append(saved)
    return "\n".join(lines)


def check(target: str, obj: Any, *, save: bool = True, store=None) -> None:
    """Check your object for exercise ``target`` (e.g. ``"03/nato-join"``), print feedback, record it.

    The result is saved with your progress (``coursekit progress export`` hands it in);
    run ``check`` again after changing your code: the latest result counts. The worked answers
    call it with ``save=False``, so running them never counts as your answer.
    """
    from coursekit.quiz.store import ProgressStore

    if obj is Ellipsis:
        _bank_and_question(target)  # an unknown id is still an error
        print(f"Exercise {target}: not checked yet. Replace the `...` with your code, then run the cell again.")
        return
    bank, q, answer, result = evaluate(target, obj)
    typed = answer["observed"].get("answers")
    if typed is not None and all(v in (None, "", "?") for v in typed.values()):
        print(f"Exercise {target}: not checked yet. Replace each \"?\" with your answer, then run the cell again.")
        return
    saved = "" if save else "Not saved: this is the worked answer's check, not yours."
    if save and not result.error:
        key = bank.key(q.id)
        store = store or ProgressStore()
        try:
            store.append(module=bank.module, question_id=q.id, question_hash=q.digest(),
                         key_hash=key.digest() if key and bank.mode == "formative" else None,
                         mode=bank.mode, answer=answer,
                         score=result.score if bank.mode == "formative" else None, max_score=q.points)
            saved = "Saved with your progress." + (f" {store.notice}" if store.notice else "")
        except Exception as exc:  # noqa: BLE001 - feedback must still reach the student
            saved = (f"Not saved ({exc}): your feedback above still stands; tell your instructor, or check "
                     "that your home folder is writable (coursekit doctor).")
    print(feedback_text(target, result, hint=q.hint, saved=saved))
