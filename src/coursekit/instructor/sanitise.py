"""Safe HTML for the course site: Markdown inside ``<details>`` rendered, then sanitised; page checks.

Notebook Markdown reaches the static site through nbconvert; a disclosure (``<details>``) must
be pre-rendered as one HTML block, and that block is built from text an author (or an attacker
who edits a notebook) wrote. Only an allow-list of tags and attributes survives, links must be
http(s), and everything else is escaped.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
NO_ALT_PROBLEM = "an image has no alt text"

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


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        remote = re.compile(r"^\s*(https?:)?//", re.I)
        if tag == "script":
            self._in_script = True
            if remote.match(a.get("src", "")):
                self.problems.append(f"a script loads from {a['src']}")
        if tag == "link" and remote.match(a.get("href", "")) and "stylesheet" in a.get("rel", "").lower():
            self.problems.append(f"a style sheet loads from {a['href']}")
        if tag == "img":
            if not a.get("alt", "").strip():
                self.problems.append(f"{NO_ALT_PROBLEM} ({a.get('src', '')[:60]})")
            if remote.match(a.get("src", "")):
                self.problems.append(f"an image loads from {a['src']}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and re.search(r"""(import\s*\(|from\s+)\s*["']https?:""", data):
            self.problems.append("a script imports code from the network")


def check_page(text: str) -> list[str]:
    """What in a page would need the network, breaks widgets, or lacks alt text (empty = fine)."""
    scan = _Scan()
    scan.feed(text)
    problems = scan.problems
    if re.search(r"""@import\s+(url\()?\s*["']?https?:""", text, re.I):
        problems.append("a style imports from the network")
    for needle in (WIDGET_VIEW, WIDGET_STATE, "Error displaying widget"):
        if needle in text:
            problems.append(f"the page contains {needle!r}")
    if re.search(r"<details[^>]*>\s*<summary>.*?</summary>\s*</details>", text, re.S):
        problems.append("a <details> disclosure is empty: its answer is shown outside it")
    return problems
