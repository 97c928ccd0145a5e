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
import os
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
    if hasattr(obj, "columns"):
        if column in obj.columns:
            return obj[column]
    elif isinstance(getattr(obj, "name", None), str) and obj.name == column:  # a Series named so
        return obj
    index = getattr(obj, "index", None)
    if index is not None and column in (index.names or []):
        return index.get_level_values(column)
    return None


def _axes_facts(ax: Any) -> dict[str, Any]:
    fig = ax.figure
    from coursekit.figures import caption_of

    texts = [t.get_text() for t in (*ax.texts, *fig.texts, *([ax.xaxis.label] if ax.axison else []))]
    texts.append(caption_of(fig) or "")  # a caption is shown under the figure
    title = " ".join(x for x in (ax.get_title("left"), ax.get_title(), ax.get_title("right"),
                                 fig._suptitle.get_text() if fig._suptitle else "") if x.strip())
    colorbar = any(getattr(other, "_colorbar", None) is not None for other in fig.axes if other is not ax)
    drawn = _layers_on_the_map(ax)
    return {"layers": len(drawn) - drawn.count(False),
            "layers_elsewhere": drawn.count(False),
            "title": title,
            "legend": any(legend is not None and any(t.get_text().strip() for t in legend.get_texts())
                          for legend in (ax.get_legend(), *fig.legends)) or colorbar,
            "source_line": next((t for t in texts if t.strip().lower().startswith("source")), "")}


def _layers_on_the_map(ax: Any) -> list[bool]:
    """For each layer drawn on ``ax`` (collections, lines, images): whether it lies on the map.

    A layer drawn in another CRS, degrees beside metres, lands thousands of kilometres away, near
    (0, 0). The map is the largest layer's extent, grown by every layer that lies within a quarter
    of the map's size of it (so the countries of a categorical plot, one collection each, join it
    one after another); what never comes that close lies off the map.
    """
    from matplotlib.transforms import Bbox

    boxes = []
    for layer in (*ax.collections, *ax.lines, *ax.images):
        try:
            if hasattr(layer, "get_datalim"):
                box = layer.get_datalim(ax.transData)
            elif hasattr(layer, "get_xydata"):
                box = Bbox.null()
                box.update_from_data_xy(layer.get_xydata(), ignore=True)
            else:
                x0, x1, y0, y1 = layer.get_extent()
                box = Bbox.from_extents(x0, y0, x1, y1)
        except Exception:  # noqa: BLE001 - a layer the checker cannot measure counts as on the map
            box = None
        boxes.append(box if box is not None and all(math.isfinite(v) for v in box.extents) else None)
    sized = [b for b in boxes if b is not None]
    if not sized:
        return [True] * len(boxes)
    main = max(sized, key=lambda b: (b.width * b.height, b.width + b.height))
    on = {id(main)}
    grown = True
    while grown:
        grown = False
        pad = 0.25 * max(main.width, main.height)
        for b in sized:
            if id(b) not in on and math.hypot(max(0.0, b.x0 - main.x1, main.x0 - b.x1),
                                              max(0.0, b.y0 - main.y1, main.y0 - b.y1)) <= pad:
                main, grown = Bbox.union([main, b]), True
                on.add(id(b))
    return [b is None or id(b) in on for b in boxes]


def _panels(fig: Any) -> list:
    """The axes of a figure that hold a drawing (not a colour bar or an empty panel); all of its
    axes when none does."""
    axes = [ax for ax in fig.axes if getattr(ax, "_colorbar", None) is None]
    drawn = [ax for ax in axes if ax.collections or ax.patches or ax.lines or ax.images]
    return drawn or axes or list(fig.axes)


def inspect(obj: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """What the checks of ``spec`` need to know about ``obj``, as plain JSON data."""
    kind = _kind(obj)
    panels = None
    if kind == "Figure" and spec.get("kind") == "Axes" and getattr(obj, "axes", None):
        panels = _panels(obj)
        obj, kind = panels[0], "Axes"
    observed: dict[str, Any] = {"kind": kind}
    if panels is not None and len(panels) > 1:  # which one is the answer: the student says
        observed["panels"] = len(panels)
        return observed
    if kind in ("GeoDataFrame", "GeoSeries", "DataFrame", "Series"):
        observed["rows"] = int(len(obj))
        if hasattr(obj, "columns"):
            observed["columns"] = [str(c) for c in obj.columns]
    if kind in ("GeoDataFrame", "GeoSeries"):
        try:
            crs, types = obj.crs, obj.geom_type
        except AttributeError:  # a GeoDataFrame without a geometry column
            crs, types = None, None
            observed["no_geometry"] = True
        observed["crs"] = _crs_name(crs)
        observed["geom_types"] = [] if types is None else sorted({str(g) for g in types.dropna()})
        if crs is not None and ("area_km2" in spec or "within_box" in spec):
            _measure(obj, spec, observed)
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


def _measure(obj: Any, spec: dict[str, Any], observed: dict[str, Any]) -> None:
    """Area (in EPSG:3035) and extent (in degrees) of the shapes, where the key asks; nothing
    when they cannot be measured (coordinates that are not in the declared CRS)."""
    try:
        if "area_km2" in spec:
            area = float(obj.to_crs(3035).area.sum()) / 1e6
            if math.isfinite(area):
                observed["area_km2"] = round(area, 1)
        if "within_box" in spec:
            bounds = [float(v) for v in obj.to_crs(4326).total_bounds]
            if all(math.isfinite(v) for v in bounds):
                observed["bounds_4326"] = [round(v, 3) for v in bounds]
    except Exception:  # noqa: BLE001 - pyproj refuses impossible coordinates: the check says so
        pass


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
    try:
        observed = inspect(obj, key.correct)
    except Exception as exc:  # noqa: BLE001 - a wrong answer gets feedback, never a traceback
        observed = {"kind": _kind(obj), "unreadable": f"{type(exc).__name__}: {str(exc)[:200]}"}
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


#: Set to 1 (``make test`` does, for the notebooks) and a worked answer's check (``save=False``)
#: that does not pass raises: a key changed without its worked answer fails the notebook's cell.
WORKED_ANSWERS_MUST_PASS = "COURSEKIT_WORKED_ANSWERS_MUST_PASS"


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
    if typed and all(v is None for v in typed.values()):
        print(f"Exercise {target}: not checked: your dictionary has none of the entries "
              f"{', '.join(map(repr, typed))}. Keep the keys as the exercise cell gives them and replace each "
              "\"?\" with your answer.")
        return
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
    if not save and os.environ.get(WORKED_ANSWERS_MUST_PASS) == "1" and not result.correct:
        failed = ", ".join(p.label for p in result.parts if not p.ok) or str(result.error)
        raise KitError(f"the worked answer fails its own check ({failed}).", where=f"exercise {target}",
                       fix="make the worked answer and its key in data/quizzes/keys/ agree.")
