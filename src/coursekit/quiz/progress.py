"""Progress per module, from the store and the course manifest; the hand-in export."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursekit.quiz.pools import every_question, for_learner
from coursekit.quiz.store import Event, ProgressStore, current_learner


@dataclass
class Export:
    """What a hand-in export wrote and what it kept on the learner's machine."""

    out: Path
    doc: dict[str, Any]
    reflections: bool  # reflections included
    private: list[Event] = field(default_factory=list)  # answers to reflections, held back
    unknown: list[Event] = field(default_factory=list)  # questions no bank here describes, held back
    texts: list[str] = field(default_factory=list)  # hand-in texts included, as "module/question"

    def message(self) -> str:
        n = len(self.doc["events"])
        line = f"Saved {n} answers by {self.doc['learner']} to {self.out}"
        if self.doc.get("attachments"):
            line += " with your figure"
        if self.reflections:
            line += ", your reflections included (you asked for them)."
        else:
            qs = sorted({f"{e.module}/{e.question_id}" for e in self.private})
            handed = f" and your hand-in texts ({', '.join(self.texts)})" if self.texts else ""
            line += (f": graded answers{handed}; your reflections are not "
                     "included" + (f" ({len(self.private)} answer(s) to {', '.join(qs)} stay on this computer)"
                                   if qs else "") + ".")
        if self.unknown:
            qs = sorted({f"{e.module}/{e.question_id}" for e in self.unknown})
            line += (f" {len(self.unknown)} answer(s) to questions this course copy does not have "
                     f"({', '.join(qs[:5])}{', ...' if len(qs) > 5 else ''}) were left out as well; run the "
                     "export from the course folder (or set COURSEKIT_ROOT) to include them.")
        return line


def _hand_in_questions(modules: set[str], texts: set[tuple[str, str]] | None = None) -> dict[tuple[str, str], bool]:
    """(module, question) -> handed in by default, for every bank that can be loaded here; ``texts``
    gets the written answers among them that are handed in (``hand_in: true``, the capstone brief)."""
    from coursekit.errors import DataError
    from coursekit.quiz.bank import bank_path, load_bank

    out: dict[tuple[str, str], bool] = {}
    for module in sorted(modules):
        try:
            bank = load_bank(bank_path(module), keys=False, known_sources=_Any())
        except (DataError, FileNotFoundError, OSError):
            continue
        for q in every_question(bank):  # each variant of a template is answered under its own id
            out[(module, q.id)] = q.graded or q.hand_in
            if texts is not None and q.hand_in and not q.graded:
                texts.add((module, q.id))
    return out


class _Any:
    def __contains__(self, item: object) -> bool:
        return True


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_FIGURE_BYTES = 5_000_000  # a kit figure is a few hundred kB


def figure_attachment(figure: Any, alt: str | None = None, *, module: str = "08",
                      name: str = "figure.png") -> dict[str, Any]:
    """A figure as an export attachment: a PNG in base64, with its alt text.

    ``figure`` is a matplotlib figure (rendered as :func:`coursekit.figures.show` renders it),
    a :class:`coursekit.figures.Figure`, PNG bytes, or the path of a PNG file. ``alt`` defaults
    to the figure's own alt text (``fig.coursekit_alt``).
    """
    import base64

    alt = alt or getattr(figure, "coursekit_alt", None) or getattr(figure, "alt", None)
    if isinstance(figure, bytes | bytearray):
        png = bytes(figure)
    elif isinstance(figure, str | Path):
        png = Path(figure).read_bytes()
    elif hasattr(figure, "png") and isinstance(figure.png, bytes):
        png = figure.png
    elif hasattr(figure, "savefig"):
        import io

        buf = io.BytesIO()
        figure.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
        png = buf.getvalue()
    else:
        raise TypeError("figure should be a matplotlib figure, a coursekit Figure, PNG bytes or a PNG file")
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("the figure is not a PNG image: save it with format='png'")
    if len(png) > MAX_FIGURE_BYTES:
        raise ValueError(f"the figure is {len(png):,} bytes; save it smaller (at most {MAX_FIGURE_BYTES:,})")
    if not alt or not str(alt).strip():
        raise ValueError("the figure needs alt text: pass alt='what the figure shows'")
    return {"module": module, "name": name, "media_type": "image/png", "alt": " ".join(str(alt).split()),
            "data": base64.b64encode(png).decode("ascii")}


def save_attachments(submission: str | Path, folder: str | Path) -> list[Path]:
    """Write the PNG attachments of a submission file into ``folder``; returns the files written.

    Only PNG data is written, under a name made of the learner and a counter (never a name
    taken from the file), so a hostile file cannot write elsewhere.
    """
    import base64
    import binascii
    import json
    import re

    path = Path(submission)
    if path.stat().st_size > 20_000_000:
        raise ValueError(f"{path}: larger than any export of the kit")
    doc = json.loads(path.read_text(encoding="utf-8"))
    attachments = doc.get("attachments") if isinstance(doc, dict) else None
    if not isinstance(attachments, list):
        return []
    learner = re.sub(r"[^A-Za-z0-9_-]+", "-", str(doc.get("learner", "learner")))[:40].strip("-") or "learner"
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for n, item in enumerate(attachments, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("data"), str) or len(item["data"]) > 8_000_000:
            continue
        try:
            png = base64.b64decode(item["data"], validate=True)
        except (binascii.Error, ValueError):
            continue
        if not png.startswith(PNG_SIGNATURE):
            continue
        target = folder / f"{learner}-{n}.png"
        target.write_bytes(png)
        written.append(target)
    return written


def export_submission(store: ProgressStore, out: str | Path, learner: str | None = None, *,
                      include_reflections: bool = False, figure: Any = None, alt: str | None = None) -> Export:
    """Write the hand-in file: graded answers and hand-in texts; reflections only when asked.

    A reflection is a text question without ``hand_in: true`` in its bank. Answers to
    questions no bank of this course copy describes are left out too (they could be
    reflections), and the message says so. Answers to the discernment check (real or false?
    on the kit's own claims; no text of the learner's) are handed in: the class pre/post report
    needs them.
    """
    learner = learner or current_learner()
    events = store.events(learner)
    if not events:
        _no_answers_under(store, learner)
    attachments = [figure_attachment(figure, alt)] if figure is not None else None
    if include_reflections:
        doc = store.export(out, learner, attachments=attachments)
        return Export(Path(out), doc, True)
    hand_in_texts: set[tuple[str, str]] = set()
    kinds = _hand_in_questions({e.module for e in events}, hand_in_texts)
    private = [e for e in events if e.kind != "discernment" and kinds.get((e.module, e.question_id)) is False]
    unknown = [e for e in events if e.kind != "discernment" and (e.module, e.question_id) not in kinds]
    doc = store.export(out, learner, keep=lambda e: e.kind == "discernment"
                       or kinds.get((e.module, e.question_id)) is True, attachments=attachments)
    texts = sorted({f"{e.module}/{e.question_id}" for e in events if (e.module, e.question_id) in hand_in_texts})
    return Export(Path(out), doc, False, private, unknown, texts)


def _no_answers_under(store: ProgressStore, learner: str) -> None:
    """Refuse to write an empty hand-in when this computer holds answers under other names: the
    learner would be graded 0 (a ``--learner`` or ``COURSEKIT_LEARNER`` other than the name the
    answers were saved under). Nothing is written or lost."""
    from coursekit.quiz.store import StoreError

    others = store._read("SELECT learner, COUNT(*) FROM events GROUP BY learner ORDER BY learner", [])
    if others:
        names = ", ".join(f"{name} ({n} answer{'s' if n != 1 else ''})" for name, n in others[:5])
        raise StoreError(f"no answers are saved under the name {learner!r}, so the hand-in would be empty; "
                         f"this computer has answers by {names}.", store.path,
                         f"export under the name you answered with (`coursekit progress export --out FILE "
                         f"--learner {others[0][0]}`), or set COURSEKIT_LEARNER to that name.")


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
        graded = {q.id: q for q in for_learner(bank, learner) if q.graded}  # their alternatives and variants
        events = [e for (mod, _), e in latest.items() if mod == m.id]
        answered = [e for e in events if e.question_id in graded]
        if bank.mode == "assessed":
            score = "recorded"
        else:
            got = sum(e.score or 0 for e in answered)
            score = f"{round(got, 2):g}/{round(bank.max_points, 2):g}"
        last = max((e.ts for e in events), default="-")
        rows.append((m.id, m.title, f"{len(answered)}/{len(graded)}", score, last[:16].replace("T", " ")))
    return {"learner": learner, "rows": rows}
