"""A checked code exercise: the student's own object, inspected and compared with a key.

The student answers in code (``check("03/nato-join", members)``, see :mod:`coursekit.exercises`).
What is stored is not the object but what was observed of it: a small JSON *snapshot* (its
kind, row count, columns, CRS, geometry types, the column values and measures the key asks
about), a digest of that snapshot, and which checks passed when the student ran it. Scoring
re-runs every check of the **current** key against the stored snapshot, so ``coursekit grade``
re-checks a stored result without the student's kernel, and a corrected key regrades everyone.

Key (``correct:``) is a mapping of checks, all optional, run in this order::

    kind: GeoDataFrame            # GeoDataFrame, GeoSeries, DataFrame, Series, Axes or number
    crs: EPSG:3035                # the object's CRS
    rows: 30                      # the exact number of rows
    columns: [iso3, accession_date]   # columns that must be present
    geom_types: [Polygon, MultiPolygon]   # every geometry is one of these
    includes: {column: name, values: [Vilnius, Riga]}   # these values appear in the column
    exactly: {column: name, values: [Vilnius, Riga]}    # the column holds these values, no others
    area_km2: {value: 207600, rel: 0.02}    # total area, measured in EPSG:3035
    within_box: [-30, 30, 60, 75]           # every shape lies in this box of degrees (west, south, east, north)
    value: {value: 276, abs: 3}             # a number answer
    layers: 3                     # Axes: at least this many drawn layers
    title: true                   # Axes: a non-empty title
    legend: true                  # Axes: a legend or a colour bar
    source_line: true             # Axes: a text in the figure (or show()'s caption) that begins with "Source"
    answers:                      # dict: labels the student typed, one check (and point share) per entry
      A: fact                                           # one accepted label (case and spaces ignored)
      C: {accept: [value, recommendation], look: "Does it say what should be done?",
          labels: [fact, prediction, value]}   # the labels the exercise offers: others are named as not one of them

``feedback:`` may name any check: its text is added to that check's message when it fails,
to say what to look at. Partial credit is the share of checks passed.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from typing import Any

from coursekit.quiz.model import Key, Part, Question, Result, invalid
from coursekit.quiz.types import BadAnswer, KeyProblem, QuestionType, register

KINDS = ("GeoDataFrame", "GeoSeries", "DataFrame", "Series", "Axes", "number", "dict")
_GEOMETRY_CHECKS = ("crs", "geom_types", "area_km2", "within_box")
CHECKS = ("kind", "crs", "rows", "columns", "geom_types", "includes", "exactly", "area_km2", "within_box", "value",
          "layers", "title", "legend", "source_line", "answers")
_FIX = "see the format in src/coursekit/quiz/types/code.py (or data/quizzes/README.md)."


def snapshot_digest(observed: dict[str, Any]) -> str:
    """The sha256 of a snapshot's canonical JSON (stored beside it)."""
    text = json.dumps(observed, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _tol(spec: dict[str, Any]) -> float:
    target = float(spec["value"])
    if "abs" in spec:
        return float(spec["abs"])
    return abs(target) * float(spec.get("rel", 0.0))


def _near(obs: Any, spec: dict[str, Any]) -> tuple[bool, str]:
    """(ok, "too high"/"too low"/"") for a number against {value, abs|rel}."""
    if not isinstance(obs, int | float) or isinstance(obs, bool) or not math.isfinite(obs):
        return False, "missing"
    target = float(spec["value"])
    if abs(obs - target) <= _tol(spec) + 1e-9:
        return True, ""
    return False, "too high" if obs > target else "too low"


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _words(values: list[Any], limit: int = 6) -> str:
    shown = [str(v) for v in values[:limit]]
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return ", ".join(shown) + more


def run_checks(spec: dict[str, Any], observed: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """Every check of ``spec`` against a snapshot: (check id, passed, message saying what to look at).

    Messages name what the student can see (their object's kind, CRS, columns, row count, and
    whether a number is too high or too low) without giving away the answer.
    """
    out: list[tuple[str, bool, str]] = []
    kind = observed.get("kind")
    if "unreadable" in observed:  # inspecting it failed: every check fails, the first says why
        return [(name, False, f"the checker could not read {_a(str(kind))} like this one "
                              f"({observed['unreadable']}): look at the line that made it." if i == 0 else
                 "not checked (see above).") for i, name in enumerate(n for n in CHECKS if n in spec)]
    if "panels" in observed:  # a figure of several maps: which one is the answer?
        return [(name, False, f"this figure has {observed['panels']} panels with a drawing: pass the axes of the "
                              "one to check (the `ax` you drew it on, or `fig.axes[1]` for the second)."
                 if i == 0 else "not checked (see above).") for i, name in enumerate(n for n in CHECKS if n in spec)]
    no_geometry = ("it has no geometry column: give `geometry=` (e.g. the points of gpd.points_from_xy) when "
                   "you build the GeoDataFrame.")
    foreign = "kind" in spec and kind not in KINDS  # a function, a string, None: nothing else to look at
    for name in CHECKS:
        if name not in spec:
            continue
        if foreign and name != "kind":
            out.append((name, False, f"not checked: pass {_a(spec['kind'])} first."))
            continue
        if name in _GEOMETRY_CHECKS and kind in KINDS and kind not in ("GeoDataFrame", "GeoSeries"):
            out.append((name, False, f"not checked: {_a(str(kind))} has no geometry (and no CRS)."))
            continue
        want = spec[name]
        if name == "kind":
            ok = kind == want
            msg = (f"it is {_a(want)}." if ok else
                   f"it is {_a(kind or 'value the checker cannot read')}, not {_a(want)}: look at what the last "
                   "step of your code returns (assign that result to a name and pass that name).")
        elif name == "crs":
            got = observed.get("crs")
            ok = got == want
            msg = (f"its CRS is {want}." if ok else no_geometry if observed.get("no_geometry") else
                   f"its CRS is {got or 'not set'}, not {want}: look at `.crs`; `.to_crs()` returns a new "
                   "table, so assign its result (or set the CRS when you build the table).")
        elif name == "rows":
            got = observed.get("rows")
            ok = got == want
            if ok:
                msg = f"it has the right number of rows ({got})."
            elif not isinstance(got, int):
                msg = "the checker could not count its rows."
            else:
                msg = (f"it has {got} rows, {'too many' if got > want else 'too few'}: look at the step that "
                       "chooses the rows (a filter, a join, a dissolve).")
        elif name == "columns":
            have = set(observed.get("columns") or [])
            missing = [c for c in want if c not in have]
            ok = not missing
            msg = ("it has the columns asked for." if ok else
                   f"column(s) {', '.join(f'`{c}`' for c in missing)} missing: look at `.columns` (a column "
                   "of the index does not count)." + _renamed(missing, have))
        elif name == "geom_types":
            got = observed.get("geom_types") or []
            stray = [g for g in got if g not in want]
            ok = bool(got) and not stray
            msg = (f"its geometries are {_words(got)}." if ok else no_geometry if observed.get("no_geometry") else
                   f"its geometries are {_words(got) or 'missing'}; expected {' or '.join(want)}: look at "
                   "`.geom_type` and at which geometry column the table uses.")
        elif name in ("includes", "exactly"):
            column = want["column"]
            got = (observed.get("values") or {}).get(column)
            if got is None:
                ok, msg = False, (f"it has no column `{column}` to read: look at `.columns` (and at "
                                  "`.reset_index()` if the column went into the index)."
                                  + _renamed([column], set(observed.get("columns") or [])))
            else:
                missing = [v for v in want["values"] if str(v) not in got]
                extra = [v for v in got if v not in {str(x) for x in want["values"]}] if name == "exactly" else []
                ok = not missing and not extra
                if ok:
                    msg = f"`{column}` holds the values asked for."
                else:
                    bits = []
                    if missing:
                        bits.append(f"{len(missing)} expected value(s) missing")
                    if extra:
                        bits.append(f"{len(extra)} value(s) that should not be there ({_words(extra, 3)})")
                    msg = f"in `{column}`, {' and '.join(bits)}: look at the step that chooses the rows."
        elif name == "area_km2":
            got = observed.get("area_km2")
            ok, how = _near(got, want)
            msg = (f"its area is right ({got:,.0f} km²)." if ok else
                   "the checker could not measure its area: is its CRS set, and does it say what the "
                   "coordinates are?" if how == "missing" else
                   f"its area, {got:,.0f} km², is {how}: look at which shapes you kept and at the CRS and "
                   "units of the step that made them.")
        elif name == "within_box":
            got = observed.get("bounds_4326")
            ok = isinstance(got, list) and len(got) == 4 and (want[0] <= got[0] and want[1] <= got[1]
                                                               and got[2] <= want[2] and got[3] <= want[3])
            msg = ("its shapes lie where they should." if ok else
                   "the checker could not find where its shapes lie: is its CRS set?" if not isinstance(got, list)
                   else f"its shapes reach from {got[0]:g}° to {got[2]:g}° east and from {got[1]:g}° to "
                        f"{got[3]:g}° north, outside the region: look at which column gives x (the longitude, "
                        "east–west) and which y (the latitude, north–south), and at the CRS you declared.")
        elif name == "value":
            got = observed.get("value")
            ok, how = _near(got, want)
            msg = (f"{got:g} is right." if ok else
                   "it is a Series holding one value, not a number: take the number out with `.item()` "
                   "(or `.iloc[0]`)." if how == "missing" and kind == "Series" and observed.get("rows") == 1 else
                   "the answer is not a number: pass a number (e.g. a float), not a table or a string."
                   if how == "missing" else
                   f"{got:g} is {how}: look at the CRS you measured in (degrees are not a length) and "
                   "at the unit (metres or kilometres).")
        elif name == "layers":
            got = observed.get("layers") or 0
            elsewhere = observed.get("layers_elsewhere") or 0
            ok = got >= want and not elsewhere
            if ok:
                msg = f"it draws {got} layers on the map."
            elif elsewhere:
                msg = (f"{elsewhere} layer{'s lie' if elsewhere > 1 else ' lies'} far off the map: draw every "
                       "layer in the same CRS (a layer in degrees lands near 0, 0 on a map in metres)."
                       + (f" On the map: {got} layer(s), fewer than {want}." if got < want else ""))
            else:
                msg = (f"it draws {got} layer(s) on the map, fewer than {want}: pass the same `ax=` to every "
                       "`.plot()` so the layers land on one map.")
        elif name == "title":
            ok = bool((observed.get("title") or "").strip())
            msg = "it has a title." if ok else "it has no title: set one with `ax.set_title(...)`."
        elif name == "legend":
            ok = bool(observed.get("legend"))
            msg = ("it has a legend." if ok else
                   "it has no legend: give each layer a `label=` and call `ax.legend()`, or plot a column "
                   "with `legend=True` on this map (with `ax=ax`, or the legend goes to a new figure).")
        elif name == "answers":
            if not isinstance(observed.get("answers"), dict):
                what = _PLAIN_KINDS.get(str(kind), _a(str(kind)))
                out.append(("answers", False, f"it is {what}, not a dictionary of answers: pass the dictionary "
                                              "the exercise cell gives you, with each \"?\" replaced."))
                continue
            given = observed["answers"]
            offered = {label for r in want.values() for label in _accepts(r)[0]}  # any entry's right label
            for entry, rule in want.items():
                accept, look = _accepts(rule)
                labels = rule.get("labels", []) if isinstance(rule, dict) else []
                got = given.get(entry)
                got = None if got is None else canonical_label(got)
                ok = got in accept
                if ok:
                    msg = f"{entry}: {got!r} matches the kit's reading."
                elif got is None:
                    msg = (f"{entry}: your dictionary has no entry {entry!r}: keep the keys as the exercise cell "
                           "gives them.")
                elif got in ("", "?"):
                    msg = f"{entry}: no answer yet: replace the \"?\" with your label."
                elif labels and got not in offered | {canonical_label(x) for x in labels}:
                    msg = f"{entry}: {got!r} {NOT_A_LABEL}: write just one of {_either(labels)}."
                else:
                    msg = f"{entry}: {got!r} is not the kit's reading." + (f" Look again: {look}" if look else "")
                out.append((f"answers:{entry}", ok, msg))
            continue
        else:  # source_line
            ok = bool(observed.get("source_line"))
            msg = ("it names its source." if ok else
                   "it names no source: add a line that begins with \"Source\", such as "
                   "`fig.text(0.01, 0.01, \"Source: ...\", fontsize=8)`.")
        out.append((name, ok, msg))
    return out


def _renamed(missing: list[str], have: set[str]) -> str:
    """A hint when a join renamed a column both tables had (``name`` became ``name_left``)."""
    found = [f"`{c}_left`" for c in missing if f"{c}_left" in have]
    if not found:
        return ""
    return (f" It has {', '.join(found)}: a spatial join renames the columns both tables have; keep only "
            "the geometry of the right table (or rename its columns) before the join.")


_PLAIN_KINDS = {"str": "a piece of text", "NoneType": "None", "list": "a list", "tuple": "a tuple"}


def _either(labels: list[str]) -> str:
    return ", ".join(labels[:-1]) + f" or {labels[-1]}" if len(labels) > 1 else labels[0]


def canonical_label(value: Any) -> str:
    """A typed label in canonical form: case, spaces, hyphens and underscores ignored, and so are
    a full stop or quotes around it and a leading article ("A fact." is "fact")."""
    text = " ".join(str(value).strip().lower().replace("_", " ").replace("-", " ").split()).strip(" .,;:!'\"")
    for article in ("a ", "an ", "the "):
        if text.startswith(article):
            return text[len(article):]
    return text


NOT_A_LABEL = "is not one of this exercise's labels"
"""How an answer that offers no label of the exercise is named: it is not checked (nor saved)."""


def _accepts(rule: Any) -> tuple[set[str], str]:
    if isinstance(rule, dict):
        return {canonical_label(x) for x in rule["accept"]}, rule.get("look", "")
    if isinstance(rule, list):
        return {canonical_label(x) for x in rule}, ""
    return {canonical_label(rule)}, ""


def full_snapshot(spec: dict[str, Any]) -> dict[str, Any]:
    """A snapshot that passes every check of ``spec``."""
    obs: dict[str, Any] = {}
    for name, want in spec.items():
        if name in ("kind", "crs", "rows", "layers"):
            obs[name] = want
        elif name == "columns":
            obs["columns"] = list(want)
        elif name == "geom_types":
            obs["geom_types"] = list(want)[:1]
        elif name in ("includes", "exactly"):
            obs.setdefault("values", {})[want["column"]] = sorted(str(v) for v in want["values"])
        elif name in ("area_km2", "value"):
            obs[name] = float(want["value"])
        elif name == "within_box":
            obs["bounds_4326"] = [float(v) for v in want]
        elif name == "title":
            obs["title"] = "A title"
        elif name == "legend":
            obs["legend"] = True
        elif name == "source_line":
            obs["source_line"] = "Source: the kit"
        elif name == "answers":
            obs["answers"] = {entry: sorted(_accepts(rule)[0])[0] for entry, rule in want.items()}
    return obs


@register
class CodeCheck(QuestionType):
    """A code exercise answered by ``coursekit.exercises.check``; partial credit per check."""

    name = "code_check"
    label = "code exercise"
    empty_message = ("This exercise is answered in code: run check(\"<module>/<exercise id>\", your_object) "
                     "in the notebook's exercise cell.")
    shown_in_quiz = False

    def check_key(self, q: Question, correct: Any, tolerance: dict | None) -> None:
        if not isinstance(correct, dict) or not correct:
            raise KeyProblem("correct", "a code exercise's key is a mapping of checks.", _FIX)
        for name, want in correct.items():
            where = f"correct.{name}"
            if name not in CHECKS:
                raise KeyProblem(where, f"unknown check {name!r}.", f"use one of {', '.join(CHECKS)}.")
            if name == "kind" and want not in KINDS:
                raise KeyProblem(where, f"{want!r} is not a kind the checker knows.", f"use one of {', '.join(KINDS)}.")
            if name == "crs" and not (isinstance(want, str) and want.startswith("EPSG:")):
                raise KeyProblem(where, f"{want!r} is not a CRS code.", "write it as e.g. EPSG:3035.")
            if name in ("rows", "layers") and (isinstance(want, bool) or not isinstance(want, int) or want < 0):
                raise KeyProblem(where, f"{want!r} is not a count.", "write a whole number.")
            if name in ("columns", "geom_types") and (not isinstance(want, list) or not want
                                                      or not all(isinstance(x, str) for x in want)):
                raise KeyProblem(where, "should be a list of names.", "write e.g. [iso3, name].")
            if name in ("includes", "exactly") and (not isinstance(want, dict) or set(want) != {"column", "values"}
                                                    or not isinstance(want["values"], list) or not want["values"]):
                raise KeyProblem(where, "should say a column and its values.", "write {column: name, values: [...]}.")
            if name in ("area_km2", "value"):
                ok = (isinstance(want, dict) and "value" in want and len(set(want) - {"value"}) == 1
                      and set(want) - {"value"} <= {"abs", "rel"}
                      and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                              for v in want.values()))
                if not ok or _tol(want) < 0:
                    raise KeyProblem(where, "should be a number with one tolerance.",
                                     "write {value: 276, abs: 3} or {value: 207600, rel: 0.02}.")
            if name == "answers":
                ok = isinstance(want, dict) and bool(want) and all(
                    isinstance(r, str) or (isinstance(r, list) and r and all(isinstance(x, str) for x in r))
                    or (isinstance(r, dict) and set(r) <= {"accept", "look", "labels"}
                        and isinstance(r.get("accept"), list) and r["accept"] and isinstance(r.get("labels", []), list)
                        and all(isinstance(x, str) for x in [*r["accept"], *r.get("labels", [])]))
                    for r in want.values())
                if not ok:
                    raise KeyProblem(where, "should map each entry to its accepted label(s).",
                                     "write e.g. {A: fact, C: {accept: [value], look: \"...\"}}.")
            if name == "within_box" and not (
                    isinstance(want, list) and len(want) == 4
                    and all(isinstance(v, int | float) and not isinstance(v, bool) for v in want)
                    and -180 <= want[0] < want[2] <= 180 and -90 <= want[1] < want[3] <= 90):
                raise KeyProblem(where, "should be a box of degrees.", "write [west, south, east, north], "
                                 "e.g. [-30, 30, 60, 75].")
            if name in ("title", "legend", "source_line") and want is not True:
                raise KeyProblem(where, "is a yes-only check.", f"write '{name}: true' or leave it out.")

    def feedback_ids(self, q: Question) -> list[str]:
        return list(CHECKS)

    def normalise(self, q: Question, answer: Any) -> dict[str, Any]:
        if not isinstance(answer, dict) or not isinstance(answer.get("observed"), dict):
            raise BadAnswer(self.empty_message)
        if answer.get("digest") != snapshot_digest(answer["observed"]):
            raise BadAnswer("The recorded result does not match its digest (it was changed after the check): "
                            "run check() on your object again.")
        return answer

    def score(self, q: Question, key: Key | None, answer: dict[str, Any]) -> Result:
        checks = run_checks(key.correct, answer["observed"])
        slips = [msg for _, ok, msg in checks if not ok and NOT_A_LABEL in msg]
        if slips:  # a label the exercise does not offer is a typing slip, not a wrong reading: as a quiz's bad input
            return invalid(q, " ".join(slips))
        parts = tuple(Part(name, ok, msg + (f" {key.feedback[name]}" if not ok and name in key.feedback
                                            and not msg.startswith("not checked") else ""))
                      for name, ok, msg in checks)
        passed = sum(p.ok for p in parts)
        if passed == len(parts):
            message = f"All {len(parts)} checks passed."
        else:
            message = (f"{passed} of {len(parts)} checks passed. Look at: "
                       + "; ".join(p.message for p in parts if not p.ok))
        return Result(round(q.points * passed / len(parts), 4), q.points, message, parts, key.explanation)

    def full_marks(self, q: Question, key: Key) -> Any:
        observed = full_snapshot(key.correct)
        return {"observed": observed, "digest": snapshot_digest(observed)}

    def choices_html(self, q: Question) -> str:
        return ("<p>Answer this exercise in code: run <code>check(\"…\", your_object)</code> in its cell of "
                "the notebook; the checker says what to look at.</p>")

    def answer_html(self, q: Question, key: Key) -> str:
        items = "".join(f"<li>{html.escape(msg)}</li>" for _n, _ok, msg in run_checks(key.correct,
                                                                                     full_snapshot(key.correct)))
        return f"<p><strong>A right answer:</strong></p><ul>{items}</ul>"

    def answer_label(self, q: Question, answer: Any) -> str:
        observed = answer.get("observed", {}) if isinstance(answer, dict) else {}
        failed = answer.get("failed") if isinstance(answer, dict) else None
        bits = [str(observed.get("kind", "?"))]
        for name in ("rows", "crs"):
            if name in observed:
                bits.append(f"{name}={observed[name]}")
        if failed:
            bits.append("failed: " + ", ".join(map(str, failed)))
        return "; ".join(bits)
