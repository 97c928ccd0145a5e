"""Small helpers the question types share."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from coursekit.quiz.markup import inline

if TYPE_CHECKING:  # pragma: no cover
    from coursekit.quiz.model import Question


def ids(q: Question, pool: str) -> list[str]:
    return [o.id for o in getattr(q, pool)]


def label(q: Question, oid: Any, pool: str = "options") -> str:
    """The text of entry ``oid`` of a pool (options, items, categories), or the id itself."""
    for o in getattr(q, pool):
        if o.id == oid:
            return o.text
    return str(oid)


def label_html(q: Question, oid: Any, pool: str = "options") -> str:
    for o in getattr(q, pool):
        if o.id == oid:
            return inline(o.text)
    return html.escape(str(oid))


def bullets(q: Question, pool: str, tag: str = "ul") -> str:
    return f"<{tag}>" + "".join(f"<li>{inline(o.text)}</li>" for o in getattr(q, pool)) + f"</{tag}>"


def answer_list(q: Question, ids_in_order, pool: str = "options", tag: str = "ul") -> str:
    """The key's answer as an HTML list of the labels of ``ids_in_order``."""
    rows = "".join(f"<li>{label_html(q, x, pool)}</li>" for x in ids_in_order)
    return f"<p><strong>Answer:</strong></p><{tag}>{rows}</{tag}>"
