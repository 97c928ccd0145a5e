"""The course manifest (``data/course.yml``): modules, timings, objectives.

>>> from coursekit.course import load_course
>>> course = load_course()
>>> course.modules[0].id
'00'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from coursekit.errors import DataError
from coursekit.models import validate_mapping
from coursekit.paths import data_file, notebooks_dir
from coursekit.validate import pydantic_error, read_yaml

STATUSES = ("available", "planned")
_ID_RE = re.compile(r"^\d{2}$")


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    notebook: str
    status: str
    minutes: int
    prerequisites: tuple[str, ...]
    objectives: tuple[str, ...]
    paragraphs: str = "all"

    @property
    def path(self) -> Path:
        return notebooks_dir() / self.notebook

    @property
    def available(self) -> bool:
        return self.status == "available"


@dataclass(frozen=True)
class Course:
    title: str
    essay_url: str
    modules: tuple[Module, ...] = field(default_factory=tuple)

    def module(self, module_id: str) -> Module:
        for m in self.modules:
            if m.id == module_id:
                return m
        known = ", ".join(m.id for m in self.modules)
        raise KeyError(f"no module {module_id!r} in data/course.yml (modules: {known})")

    @property
    def available(self) -> tuple[Module, ...]:
        return tuple(m for m in self.modules if m.available)


class ModuleModel(BaseModel):
    """One module of data/course.yml."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(pattern=r"^\d{2}$")
    title: str = Field(min_length=1)
    notebook: str
    status: Literal[STATUSES]  # type: ignore[valid-type]
    minutes: int = Field(ge=5, le=600)
    prerequisites: list[str]
    objectives: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1, max_length=6)
    paragraphs: str = "all"

    @model_validator(mode="after")
    def _notebook_named_after_id(self):
        if not self.notebook.endswith(".ipynb") or not self.notebook.startswith(self.id + "_"):
            raise PydanticCustomError(
                "notebook_name", "{nb!r} should be a .ipynb file whose name starts with '{id}_'",
                {"nb": self.notebook, "id": self.id})
        return self


class CourseModel(BaseModel):
    """data/course.yml: the course title, the essay's address and the modules."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    essay_url: str
    modules: list[dict]

    @field_validator("essay_url")
    @classmethod
    def _web(cls, value: str) -> str:
        if not value.strip().lower().startswith(("http://", "https://")):
            raise ValueError(f"{value[:80]!r} is not an http(s) address. "
                             "Fix: give the essay's web address, starting with https://.")
        return value


_MODULE_FIXES = {
    "id": 'write the id as a quoted two-digit string, e.g. "04".',
    "minutes": "give the estimated minutes as a whole number between 5 and 600.",
    "status": "use one of: " + ", ".join(STATUSES) + ".",
    "objectives": "list 1–6 objectives as strings, each with an observable verb.",
    "prerequisites": "list module ids, or [] for none.",
}


def parse_course(raw: object, path: Path) -> Course:
    """Validate the parsed YAML of the manifest."""
    top = validate_mapping(path, raw, CourseModel, expected="a mapping with 'title' and 'modules'",
                           doc="the comments at the top of data/course.yml", where="top level")
    modules: list[Module] = []
    seen: set[str] = set()
    for n, entry in enumerate(top.modules, start=1):
        mid = entry.get("id")
        where = f"module {mid}" if isinstance(mid, str) and _ID_RE.match(mid) else f"module {n}"
        try:
            m = ModuleModel.model_validate(entry)
        except ValidationError as exc:
            error = pydantic_error(path, exc, where=where, doc="the comments at the top of data/course.yml")
            if error.field in _MODULE_FIXES and exc.errors()[0]["type"] != "extra_forbidden":
                error = DataError(path, error.detail, row=where, field=error.field, fix=_MODULE_FIXES[error.field])
            elif error.field is None:
                error = DataError(path, error.detail, row=where, field="notebook",
                                  fix=f"rename it to {mid}_<name>.ipynb.")
            raise error from None
        if m.id in seen:
            raise DataError(path, f"id {m.id!r} appears twice.", row=where, field="id",
                            fix="give each module its own id.")
        seen.add(m.id)
        modules.append(Module(m.id, m.title, m.notebook, m.status, m.minutes, tuple(m.prerequisites),
                              tuple(m.objectives), m.paragraphs))
    for m in modules:
        for p in m.prerequisites:
            if p not in seen:
                raise DataError(path, f"prerequisite {p!r} is not a module id.", row=f"module {m.id}",
                                field="prerequisites", fix="use ids of modules in this file.")
    return Course(top.title, top.essay_url, tuple(modules))


def load_course(path: str | Path | None = None) -> Course:
    """Load and validate the course manifest."""
    p = Path(path) if path else data_file("course.yml")
    return parse_course(read_yaml(p), p)


def markdown_table(course: Course) -> str:
    """The module table of the README (a test keeps the README in step with it)."""
    lines = [
        "| # | Module | Minutes | Essay ¶ | Status |",
        "|---|---|---|---|---|",
    ]
    for m in course.modules:
        name = f"[{m.title}](notebooks/{m.notebook})" if m.available else m.title
        lines.append(f"| {m.id} | {name} | {m.minutes} | {m.paragraphs} | {m.status} |")
    return "\n".join(lines)
