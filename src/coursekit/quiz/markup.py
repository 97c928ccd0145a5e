"""Markdown to safe HTML for quiz text (raw HTML in the text is escaped)."""

from __future__ import annotations

import functools


def md(text: str | None) -> str:
    """Markdown to HTML; raw HTML in ``text`` is escaped, never passed through."""
    if not text:
        return ""
    return _markdown()(text).strip()


@functools.cache
def _markdown():
    """One parser for every text (making one took longer than most texts take to convert)."""
    import mistune

    return mistune.create_markdown(escape=True, plugins=["strikethrough"])


def inline(text: str | None) -> str:
    """Like :func:`md`, without the wrapping ``<p>`` of a one-paragraph text."""
    out = md(text)
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return out
