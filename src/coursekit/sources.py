"""The bibliography (``data/sources.yml``): load, validate, cite.

Every fact in the kit's data and notebooks carries source ids that resolve here.

>>> from coursekit.sources import cite
>>> cite("nato-2016-warsaw-communique")  # doctest: +SKIP
'NATO, "Warsaw Summit Communiqué", 2016-07-09. https://www.nato.int/...'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from coursekit.errors import DataError
from coursekit.models import iso_text
from coursekit.paths import data_file
from coursekit.validate import pydantic_error, read_yaml

KINDS = {
    "primary": "primary source",
    "research": "research",
    "news": "news report",
    "advocacy": "advocacy or opinion",
    "party_statement": "statement of a party to the conflict",
    "reference": "reference work",
}
REQUIRED = ("id", "publisher", "title", "date", "url", "kind", "accessed")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Source:
    id: str
    publisher: str
    title: str
    date: str | None
    url: str
    kind: str
    accessed: str
    author: str | None = None
    via: str | None = None
    note: str | None = None

    def citation(self) -> str:
        """One-line citation: who, title, date, kind, address."""
        who = f"{self.author} ({self.publisher})" if self.author else self.publisher
        date = self.date or "undated"
        text = f'{who}, "{self.title}", {date}. {self.url}'
        if self.via:
            text += f" (read via {self.via})"
        return text + f" [{KINDS[self.kind]}; accessed {self.accessed}]"

    def markdown(self) -> str:
        who = f"{self.author} ({self.publisher})" if self.author else self.publisher
        date = self.date or "undated"
        text = f"**[{self.id}]** {who}, [{self.title}]({self.url}), {date}. *{KINDS[self.kind]}*"
        if self.via:
            text += f"; read via [a copy]({self.via})"
        if self.note:
            text += f". {self.note}"
        return text


def _date(value: Any) -> str | None:
    return None if value is None else iso_text(value)


class SourceModel(BaseModel):
    """One entry of the bibliography (validated; see data/README.md)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    publisher: str = Field(min_length=1)
    title: str = Field(min_length=1)
    date: str | None
    url: str
    kind: Literal[tuple(KINDS)]  # type: ignore[valid-type]
    accessed: str
    author: str | None = None
    via: str | None = None
    note: str | None = None

    @field_validator("date", "accessed", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> str | None:
        return _date(value)

    @field_validator("accessed")
    @classmethod
    def _required(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("the date you read the source is missing. Fix: write it as \"YYYY-MM-DD\".")
        return value

    @field_validator("url", "via")
    @classmethod
    def _web(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not a web address. Fix: give the full http(s) address of the original.")
        return value


def parse_sources(entries: Any, path: Path) -> dict[str, Source]:
    """Validate the parsed YAML list of sources; return them by id."""
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise DataError(path, "the file must be a YAML list of sources.",
                        fix="start each entry with '- id: ...'.")
    out: dict[str, Source] = {}
    for n, entry in enumerate(entries, start=1):
        where = f"entry {n}"
        if not isinstance(entry, dict):
            raise DataError(path, "each entry must be a mapping.", row=where, fix="see data/README.md.")
        if entry.get("id"):
            where = f"entry {n} (id {entry['id']})"
        missing = [f for f in REQUIRED if f not in entry]
        if missing:
            raise DataError(path, "is missing.", row=where, field=missing[0],
                            fix=f"add '{missing[0]}:' to the entry (see data/README.md).")
        try:
            model = SourceModel.model_validate(entry)
        except ValidationError as exc:
            raise pydantic_error(path, exc, where=where) from None
        if model.id in out:
            raise DataError(path, f"id {model.id!r} is used twice.", row=where, field="id",
                            fix="reuse the existing entry or rename this one.")
        out[model.id] = Source(**model.model_dump())
    return out


@lru_cache(maxsize=8)
def _load(path: Path, mtime: float) -> dict[str, Source]:
    return parse_sources(read_yaml(path), path)


def load_sources(path: str | Path | None = None) -> dict[str, Source]:
    """All sources of the bibliography, by id (validated)."""
    p = Path(path) if path else data_file("sources.yml")
    if not p.is_file():
        raise DataError(p, "the bibliography is missing.",
                        fix="restore it with `git checkout -- data/sources.yml`.")
    return _load(p.resolve(), p.stat().st_mtime)


def split_ids(value: object) -> list[str]:
    """Source ids from a list or a space/semicolon/comma separated string."""
    if value is None:
        return []
    if isinstance(value, str):
        return [s for s in re.split(r"[\s;,]+", value.strip()) if s]
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def require_ids(
    ids: object,
    *,
    path: str | Path,
    row: int | str | None = None,
    field: str = "source",
    known: dict[str, Source] | None = None,
    allow_empty: bool = False,
) -> list[str]:
    """Check that every id resolves in the bibliography; return the ids as a list."""
    known = load_sources() if known is None else known
    out = split_ids(ids)
    if not out and not allow_empty:
        raise DataError(path, "no source id given.", row=row, field=field,
                        fix="add the id of a source in data/sources.yml.")
    for sid in out:
        if sid not in known:
            raise DataError(path, f"unknown source id {sid!r}.", row=row, field=field,
                            fix="add the source to data/sources.yml or correct the id.")
    return out


def cite(source_id: str) -> str:
    """A one-line citation of a source by id."""
    sources = load_sources()
    if source_id not in sources:
        raise KeyError(f"unknown source id {source_id!r}: add it to data/sources.yml")
    return sources[source_id].citation()


CITATION = re.compile(r"\[([a-z0-9][a-z0-9-]*-[a-z0-9-]+(?:;\s*[a-z0-9][a-z0-9-]*-[a-z0-9-]+)*)\](?!\()")
"""A citation in a notebook's Markdown: ``[source-id]`` or ``[one-id; other-id]`` (not a link)."""

#: Modules whose ``load_<name>()`` loads a dataset by name, in the order they are searched.
DATASET_MODULES = ("coursekit.datasets", "coursekit.claims", "coursekit.timeline", "coursekit.narratives",
                   "coursekit.elections", "coursekit.scorecard", "coursekit.essay")


def cited_in_notebook(module: str | Path) -> list[str]:
    """The source ids a module cites, in order: the essay (every module reads it), then the ids in
    its notebook's Markdown (``[id]`` or ``[id; other-id]``) and in its quiz bank.

    ``module`` is a module id (``"04"``) or a notebook's path.
    """
    import json

    from coursekit.essay import SOURCE_ID as ESSAY_ID

    if isinstance(module, Path) or str(module).endswith(".ipynb"):
        path, module_id = Path(module), Path(module).name[:2]
    else:
        from coursekit.course import load_course

        path, module_id = load_course().module(str(module)).path, str(module)
    if not path.is_file():
        raise DataError(path, "the notebook is missing.", fix="restore it from git or pass the notebook's path.")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    ids = [ESSAY_ID] + [sid for c in cells if c["cell_type"] == "markdown"
           for m in CITATION.finditer("".join(c["source"])) for sid in re.split(r";\s*", m.group(1))]
    bank = data_file(f"quizzes/{module_id}.yml")
    if bank.is_file():
        ids += _sources_fields(read_yaml(bank))
    return list(dict.fromkeys(ids))


def _sources_fields(node: object) -> list[str]:
    """Every id under a ``sources`` key of a parsed YAML tree (quiz banks cite per question)."""
    if isinstance(node, dict):
        out = split_ids(node["sources"]) if "sources" in node else []
        return out + [i for k, v in node.items() if k != "sources" for i in _sources_fields(v)]
    if isinstance(node, list):
        return [i for item in node for i in _sources_fields(item)]
    return []


def _is_source_field(name: object) -> bool:
    return name in ("source", "sources") or str(name).endswith(("_source", "_sources"))


def dataset_ids(data: object) -> list[str]:
    """The source ids of a dataset, in order, each once.

    ``data`` is a table's name (``"efp_battlegroups"`` is loaded with the kit's
    ``load_efp_battlegroups()``, searched in ``DATASET_MODULES``), a DataFrame (its rows: every
    column named ``source``, ``sources`` or ending in ``_source(s)``) or a list of records with
    such attributes (e.g. the essay's dating clues).
    """
    import importlib

    if isinstance(data, str):
        for name in DATASET_MODULES:
            loader = getattr(importlib.import_module(name), f"load_{data}", None)
            if loader is not None:
                data = loader()
                break
        else:
            raise KeyError(f"no dataset {data!r}: name a table the kit loads, e.g. 'efp_battlegroups' "
                           "for load_efp_battlegroups().")
    if hasattr(data, "columns"):
        cells = [cell for c in data.columns if _is_source_field(c) for cell in data[c]]
    else:
        cells = [getattr(rec, f) for rec in data for f in getattr(rec, "__dataclass_fields__", vars(rec))
                 if _is_source_field(f)]
    if not cells and len(data):
        raise ValueError("the dataset has no source field (source, sources or *_source).")
    return list(dict.fromkeys(i for cell in cells for i in split_ids(cell)))


def render_sources(ids: Iterable[str] = (), heading: str = "Sources", *, notebook: str | Path | None = None,
                   figures: Iterable[object] = (), datasets: Iterable[object] = ()):
    """A notebook's Sources section as Markdown (displayed in Jupyter, a str elsewhere).

    The entries are the union, each once and sorted by id, of the ``ids`` given, the ids cited in
    the ``notebook`` (a module id such as ``"04"``: its Markdown and its quiz bank, see
    :func:`cited_in_notebook`), the sources of the ``figures`` (kit figures, e.g.
    ``coursekit.figures.shown()``) and of the ``datasets`` (names or tables, see
    :func:`dataset_ids`).

    >>> render_sources(notebook="04", figures=shown(), datasets=["efp_battlegroups"])  # doctest: +SKIP
    """
    sources = load_sources()
    every = list(split_ids(list(ids)))
    if notebook is not None:
        every += cited_in_notebook(notebook)
    every += [i for fig in figures for i in getattr(fig, "sources", ())]
    every += [i for data in datasets for i in dataset_ids(data)]
    unique = list(dict.fromkeys(every))
    missing = [i for i in unique if i not in sources]
    if missing:
        raise KeyError(f"unknown source ids {missing}: add them to data/sources.yml")
    lines = [f"## {heading}", ""]
    lines += [f"- {sources[i].markdown()}" for i in sorted(unique)]
    text = "\n".join(lines)
    try:
        from IPython.display import Markdown
    except ImportError:  # pragma: no cover - IPython is a dependency
        return text
    return Markdown(text)
