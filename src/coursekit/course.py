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

from coursekit.errors import DataError, read_yaml
from coursekit.paths import data_file, notebooks_dir

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


def _need(entry: dict, key: str, kind: type | tuple, path: Path, where: str, fix: str):
    if key not in entry or entry[key] is None:
        raise DataError(path, "is missing.", row=where, field=key, fix=fix)
    value = entry[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise DataError(path, f"{value!r} should be a {name}.", row=where, field=key, fix=fix)
    return value


def parse_course(raw: object, path: Path) -> Course:
    """Validate the parsed YAML of the manifest."""
    if not isinstance(raw, dict):
        raise DataError(path, "the manifest must be a mapping with 'title' and 'modules'.",
                        fix="see the comments at the top of data/course.yml.")
    title = _need(raw, "title", str, path, "top level", "give the course a title.")
    essay_url = _need(raw, "essay_url", str, path, "top level", "give the essay's address.")
    if not essay_url.strip().lower().startswith(("http://", "https://")):
        raise DataError(path, f"essay_url {essay_url[:80]!r} is not an http(s) address.", field="essay_url",
                        fix="give the essay's web address, starting with https://.")
    mods = _need(raw, "modules", list, path, "top level", "list the modules under 'modules:'.")
    modules: list[Module] = []
    seen: set[str] = set()
    for n, entry in enumerate(mods, start=1):
        where = f"module {n}"
        if not isinstance(entry, dict):
            raise DataError(path, "each module must be a mapping.", row=where)
        mid = _need(entry, "id", str, path, where, 'write the id as a quoted two-digit string, e.g. "04".')
        if not _ID_RE.match(mid):
            raise DataError(path, f"{mid!r} is not a two-digit id.", row=where, field="id",
                            fix='write the id as a quoted two-digit string, e.g. "04".')
        where = f"module {mid}"
        if mid in seen:
            raise DataError(path, f"id {mid!r} appears twice.", row=where, field="id",
                            fix="give each module its own id.")
        seen.add(mid)
        mtitle = _need(entry, "title", str, path, where, "give the module a title.")
        nb = _need(entry, "notebook", str, path, where, "name the notebook file, e.g. 04_x.ipynb.")
        if not nb.endswith(".ipynb") or not nb.startswith(mid + "_"):
            raise DataError(path, f"{nb!r} should be a .ipynb file whose name starts with '{mid}_'.",
                            row=where, field="notebook", fix=f"rename it to {mid}_<name>.ipynb.")
        status = _need(entry, "status", str, path, where, "use available or planned.")
        if status not in STATUSES:
            raise DataError(path, f"{status!r} is not a status.", row=where, field="status",
                            fix="use available or planned.")
        minutes = _need(entry, "minutes", int, path, where, "give the estimated minutes as a whole number.")
        if not 5 <= minutes <= 600:
            raise DataError(path, f"{minutes} minutes is out of range.", row=where, field="minutes",
                            fix="give a time between 5 and 600 minutes.")
        prereq = _need(entry, "prerequisites", list, path, where, "list module ids, or [] for none.")
        objectives = _need(entry, "objectives", list, path, where, "list 3–5 learning objectives.")
        if not 1 <= len(objectives) <= 6 or not all(isinstance(o, str) and o for o in objectives):
            raise DataError(path, "needs 1–6 non-empty objectives.", row=where, field="objectives",
                            fix="list the objectives as strings, each with an observable verb.")
        modules.append(Module(mid, mtitle, nb, status, minutes, tuple(str(p) for p in prereq),
                              tuple(objectives), str(entry.get("paragraphs", "all"))))
    for m in modules:
        for p in m.prerequisites:
            if p not in seen:
                raise DataError(path, f"prerequisite {p!r} is not a module id.", row=f"module {m.id}",
                                field="prerequisites", fix="use ids of modules in this file.")
    return Course(title, essay_url, tuple(modules))


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
