"""A quiz bank as readable, static HTML (for the course site).

Formative questions show their answer, explanation and sources behind a
``<details><summary>Show answer</summary>`` disclosure. Assessed questions never show an
answer: their key is not even loaded.
"""

from __future__ import annotations

import html

from coursekit.quiz import types as qtypes
from coursekit.quiz.bank import Bank
from coursekit.quiz.markup import inline as _inline
from coursekit.quiz.markup import md as _md
from coursekit.quiz.model import Key, Question
from coursekit.quiz.pools import base_id, describe

CSS = """
.ck-quiz{border:1px solid #888;border-radius:6px;padding:0.6em 1em;margin:0.5em 0}
.ck-quiz ol.ck-questions>li{margin:0.8em 0}
.ck-quiz details{margin:0.4em 0;padding:0.3em 0.6em;background:#f4f6f8;border-left:3px solid #0072B2}
.ck-quiz summary{cursor:pointer;font-weight:600}
.ck-quiz .ck-assessed{font-style:italic}
"""


def answer_html(q: Question, key: Key) -> str:
    """The key's answer in words."""
    return qtypes.get(q.type).answer_html(q, key)


def _sources(q: Question, known: dict) -> str:
    if not q.sources:
        return ""
    parts = []
    for sid in q.sources:
        s = known.get(sid)
        if s is None:
            parts.append(html.escape(sid))
        elif not str(s.url).lower().startswith(("http://", "https://")):
            parts.append(f"{html.escape(s.publisher)}, {html.escape(s.title)}")  # only http(s) links
        else:
            parts.append(f'{html.escape(s.publisher)}, <a href="{html.escape(s.url, quote=True)}">'
                         f"{html.escape(s.title)}</a>")
    return "<p><strong>Sources:</strong> " + "; ".join(parts) + "</p>"


def question_html(q: Question, key: Key | None, mode: str, known_sources: dict, note: str = "") -> str:
    """One question; the answer only for a formative question with a key. ``note``: its variants or pool."""
    if q.judgement:
        points = "Your judgement (recorded, not scored)"
    else:
        points = (f"{q.points:g} point" + ("" if q.points == 1 else "s")) if q.graded else "Reflection"
    note_html = f"<p class='ck-variants'><em>{html.escape(note)}</em></p>" if note else ""
    body = f"{note_html}<div class='ck-prompt'>{_md(q.prompt)}</div>{qtypes.get(q.type).choices_html(q)}"
    if mode == "assessed":
        if q.graded:
            body += ("<p class='ck-assessed'>Assessed question: answer it in Jupyter; your answer is "
                     "recorded for your instructor.</p>")
    elif key is not None and q.graded:
        why = f"<p><strong>Why:</strong> {_inline(key.explanation)}</p>" if key.explanation else ""
        body += (f"<details class='ck-answer'><summary>Show answer</summary>{answer_html(q, key)}{why}"
                 f"{_sources(q, known_sources)}</details>")
    elif key is not None and key.view is not None and mode != "assessed":
        why = f"<p><strong>Why:</strong> {_inline(key.explanation)}</p>" if key.explanation else ""
        view = answer_html(q, Key(correct=key.view)).replace("<strong>Answer:</strong>",
                                                             "<strong>The kit's call:</strong>")
        body += (f"<details class='ck-answer'><summary>Compare with the kit's call</summary>{view}{why}"
                 f"{_sources(q, known_sources)}</details>")
    elif key is not None and key.explanation:
        body += (f"<details class='ck-answer'><summary>Show guidance</summary><p>{_inline(key.explanation)}</p>"
                 f"{_sources(q, known_sources)}</details>")
    return f"<li class='ck-q' id='q-{html.escape(q.id, quote=True)}'><p><strong>{points}</strong></p>{body}</li>"


def bank_html(bank: Bank, questions: list[Question] | None = None, known_sources: dict | None = None) -> str:
    """A bank (or some of its questions) as one HTML section. Assessed banks never show keys."""
    questions = list(bank.questions) if questions is None else questions
    keys = bank.keys if bank.mode == "formative" else None
    notes = {q.id: describe(bank, q) for q in questions}
    # a template shows its first variant (and says how many there are); pools show every alternative
    questions = [bank.variants[q.id][0] if q.id in bank.variants else q for q in questions]
    note = ("Assessed quiz: answers are recorded in Jupyter and graded by your instructor."
            if bank.mode == "assessed" else
            "Practice quiz: answer in Jupyter for instant feedback, or think first, then open each answer.")
    items = "".join(question_html(q, (keys or {}).get(q.id), bank.mode, known_sources or {},
                                  notes.get(base_id(q.id), "")) for q in questions)
    title = html.escape(bank.title)
    return (f"<style>{CSS}</style><section class='ck-quiz' aria-label='Quiz: {title}'>"
            f"<h3>Check your understanding: {title}</h3><p>{note}</p><ol class='ck-questions'>{items}</ol></section>")
