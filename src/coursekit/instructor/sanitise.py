"""Safe HTML for the course site: Markdown inside ``<details>`` rendered, then sanitised.

Notebook Markdown reaches the static site through nbconvert; a disclosure (``<details>``) must
be pre-rendered as one HTML block, and that block is built from text an author (or an attacker
who edits a notebook) wrote. Only an allow-list of tags and attributes survives, links must be
http(s), and everything else is escaped.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_DETAILS = re.compile(r"(<details[^>]*>\s*<summary>.*?</summary>)(.*?)(</details>)", re.S)
SAFE_TAGS = {"p", "ul", "ol", "li", "strong", "em", "b", "i", "code", "pre", "br", "hr", "blockquote", "a",
             "kbd", "sup", "sub", "del", "s", "table", "thead", "tbody", "tr", "th", "td", "h1", "h2", "h3",
             "h4", "h5", "h6", "span", "div", "details", "summary"}
_VOID = {"br", "hr"}
_CLASS = re.compile(r"^[\w -]{1,80}$")
_ALIGN = re.compile(r"^text-align:\s*(left|right|center);?$")


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an http(s) address, a relative path or an anchor; else None (javascript:, data:, ...)."""
    if not url:
        return None
    cleaned = "".join(ch for ch in url if ch.isprintable() and not ch.isspace())
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    if scheme and scheme.group(1).lower() not in ("http", "https", "mailto"):
        return None
    return url.strip()


class _Sanitiser(HTMLParser):
    """Rebuild HTML keeping only SAFE_TAGS and harmless attributes; everything else becomes text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        kept = []
        for name, value in attrs:
            name = name.lower()
            if tag == "a" and name == "href" and safe_href(value):
                kept.append(f' href="{html.escape(safe_href(value) or "", quote=True)}"')
            elif name == "class" and value and _CLASS.match(value):
                kept.append(f' class="{html.escape(value, quote=True)}"')
            elif name == "style" and tag in ("th", "td") and value and _ALIGN.match(value.strip()):
                kept.append(f' style="{html.escape(value.strip(), quote=True)}"')
            elif name == "open" and tag == "details":
                kept.append(" open")
        return "".join(kept)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SAFE_TAGS:
            self.out.append(f"<{tag}{self._attrs(tag, attrs)}>")
        else:
            self.out.append(html.escape(self.get_starttag_text() or f"<{tag}>"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SAFE_TAGS:
            self.out.append(f"<{tag}{self._attrs(tag, attrs)}/>" if tag in _VOID else
                            f"<{tag}{self._attrs(tag, attrs)}></{tag}>")
        else:
            self.out.append(html.escape(self.get_starttag_text() or f"<{tag}/>"))

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>" if tag in SAFE_TAGS and tag not in _VOID else html.escape(f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        pass  # comments dropped

    def handle_decl(self, decl: str) -> None:
        pass

    def unknown_decl(self, data: str) -> None:
        pass

    def handle_pi(self, data: str) -> None:
        pass


def sanitise_html(text: str) -> str:
    """HTML with only harmless tags and attributes kept (no script, no event handler, no javascript: link)."""
    parser = _Sanitiser()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)


def expand_details(source: str) -> str:
    """Render the Markdown inside ``<details>`` blocks to HTML, as one block with no blank lines.

    JupyterLab renders Markdown between ``<details>`` and ``</details>``; nbconvert's renderer
    ends the HTML block at the first blank line, which leaves the "hidden" answer outside the
    disclosure, visible to everyone. Pre-rendering keeps it inside. Raw HTML in the block is
    kept only as far as :func:`sanitise_html` allows (lists, emphasis, http(s) links, ...).
    """
    import mistune

    md = mistune.create_markdown(escape=False, plugins=["strikethrough", "table"])

    def repl(m: re.Match) -> str:
        inner = md(m.group(2).strip())
        block = sanitise_html(m.group(1) + "\n" + inner + m.group(3))
        return "\n".join(line for line in block.splitlines() if line.strip())

    return _DETAILS.sub(repl, source)
