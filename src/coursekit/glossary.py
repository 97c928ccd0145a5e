"""The kit's glossary (``data/glossary.yml``): terms in our own words, sourced where they state facts.

``docs/glossary.md`` is generated from it (``coursekit glossary --write``) and the course site
renders it as ``glossary.html``. Notebooks link a term at its first use with
``[term](../docs/glossary.md#anchor)``; :func:`anchor` gives the anchor.

>>> anchor("1:50m"), anchor("Geod.inv"), anchor("enhanced Forward Presence")
('1-50m', 'geod-inv', 'enhanced-forward-presence')
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coursekit.errors import DataError
from coursekit.paths import data_file
from coursekit.validate import raise_pydantic, read_yaml

LINK_PREFIX = "../docs/glossary.md#"  # how a notebook links a term
DOC = "docs/glossary.md"


class TermModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    term: str = Field(min_length=1, max_length=60)
    definition: str = Field(min_length=20, max_length=700)
    sources: list[str] = []


class GlossaryModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_: Literal["coursekit-glossary/1"] = Field(alias="schema")
    terms: list[TermModel] = Field(min_length=1)


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    sources: tuple[str, ...]

    @property
    def anchor(self) -> str:
        return anchor(self.term)


def anchor(term: str) -> str:
    """The anchor of a term: lowercase, runs of anything but letters and digits become one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def load_glossary(path: str | Path | None = None, *, sources_path: str | Path | None = None) -> list[Term]:
    """The glossary, validated: known source ids, no term or anchor twice; sorted A to Z."""
    from coursekit.sources import load_sources

    p = Path(path) if path else data_file("glossary.yml")
    raw = read_yaml(p)
    try:
        model = GlossaryModel.model_validate(raw)
    except ValidationError as exc:
        raise_pydantic(p, exc, raw, list_key="terms", entry="term", id_field="term")
    known = load_sources(sources_path)
    seen: dict[str, str] = {}
    out = []
    for t in model.terms:
        a = anchor(t.term)
        if not a:
            raise DataError(p, "the term has no letters or digits.", row=f"term {t.term}", field="term",
                            fix="write the term in words.")
        if a in seen:
            raise DataError(p, f"the term has the same anchor as {seen[a]!r} ({a}).", row=f"term {t.term}",
                            field="term", fix="merge the two entries or rename one.")
        seen[a] = t.term
        for sid in t.sources:
            if sid not in known:
                raise DataError(p, f"unknown source id {sid!r}.", row=f"term {t.term}", field="sources",
                                fix="add the source to data/sources.yml or correct the id.")
        out.append(Term(t.term, " ".join(t.definition.split()), tuple(t.sources)))
    return sorted(out, key=lambda t: t.term.lower())


def to_markdown(terms: list[Term]) -> str:
    """docs/glossary.md: one heading per term (its anchor is explicit, for JupyterLab and the site)."""
    lines = ["# Glossary", "",
             "Terms used in the modules, in our own words. Facts carry their source ids "
             "(see `data/sources.yml`). Generated from `data/glossary.yml` by "
             "`coursekit glossary --write`: edit the YAML, not this file.", ""]
    for t in terms:
        lines += [f'<a id="{t.anchor}"></a>', "", f"## {t.term}", "", t.definition
                  + (f" [{'; '.join(t.sources)}]" if t.sources else ""), ""]
    return "\n".join(lines)


def to_html(terms: list[Term], known_sources: dict | None = None) -> str:
    """The glossary as an HTML fragment (a definition list with one id per term)."""
    from coursekit.quiz.markup import inline

    rows = []
    for t in terms:
        cite = ""
        if t.sources and known_sources:
            cite = " <span class='ck-cite'>[" + "; ".join(
                f"{html.escape(known_sources[s].publisher)}, {html.escape(known_sources[s].title)}"
                if s in known_sources else html.escape(s) for s in t.sources) + "]</span>"
        rows.append(f"<dt id='{t.anchor}'>{html.escape(t.term)}</dt><dd>{inline(t.definition)}{cite}</dd>")
    return "<dl class='ck-glossary'>" + "".join(rows) + "</dl>"


def doc_path() -> Path:
    from coursekit.paths import root

    return root() / DOC
