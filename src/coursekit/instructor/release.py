"""``coursekit release``: a student copy of the course.

What the release holds (and why):

- ``notebooks/``: the notebook of every released module, with each run of cells tagged
  ``solution`` replaced by one markdown cell that says where to work, every code cell's
  outputs and execution count cleared and saved widget state dropped; every other cell is
  kept as it was. Images under notebooks/ (``.png``, ``.jpg``, ``.gif``, ``.svg``, ``.webp``)
  are copied; every other file there (drafts, modules not released, ``answers-04.yml``) is
  held back.

The summary lists every file held back, with the reason.
- ``data/``: by allow-list. A file ships only if ``data/manifest.yml`` names it (when there
  is a manifest), and under ``quizzes/`` only the bank ``NN.yml`` of each released module, the
  key ``keys/NN.yml`` of each released formative bank and ``README.md``: stray copies
  (``keys/04.yml~``, ``04.yml.bak``, ``keys/old/04.yml``, ``keys-backup/04.yml``) stay out, and
  so does any file anywhere that holds an answer key by its content. Keys of formative banks
  are copied: their feedback is the point of a formative quiz. This is obscurity, not
  security: anyone can read a formative key file. ``data/course.yml`` marks modules left out
  as planned, and ``data/manifest.yml`` is rewritten for the files that ship, so ``coursekit
  doctor`` passes on the release.
- ``README.md`` for students, the licence files, and a ``.coursekit-release`` marker.
- Not ``src/``: students install the kit (``pip install``); it finds the course folder
  from the working directory or ``COURSEKIT_ROOT``.

The output is deterministic (re-running gives byte-identical files) and never relies on
cell ids, which editors add, drop or regenerate.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursekit.course import Module, parse_course
from coursekit.errors import DataError
from coursekit.instructor.common import (
    guard_out_dir,
    is_solution,
    is_solution_pointer,
    key_module,
    load_course_at,
    reset_dir,
    resolve_root,
    select_modules,
)
from coursekit.progressbar import track

MARKER = ".coursekit-release"
PLACEHOLDER_TAG = "your-turn"
PLACEHOLDER_TEXT = (
    "**✏️ Your turn.** The worked answer is not included in this copy of the course. "
    "Work in the exercise's code cell above this note: fill in what it leaves open (`...`, `\"?\"` or a "
    "comment), run it, and note what you find. "
    "Need more room? Select this cell and press `B` to add a cell below it.\n"
)
_SKIP_PARTS = {".ipynb_checkpoints", "__pycache__"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
_BANK_NAME = re.compile(r"^\d{2}\.yml$")
_MODULE_ID_LINE = re.compile(r"""^\s*-\s*id:\s*["']?(\d{2})["']?\s*(#.*)?$""")
_STATUS_LINE = re.compile(r"^(\s*status:\s*)available\b")


@dataclass
class NotebookReport:
    """What the release changed in one notebook."""

    name: str
    cells_in: int
    cells_out: int
    solutions_removed: list[int] = field(default_factory=list)  # 0-based cell indices in the source
    placeholders: int = 0
    outputs_cleared: int = 0


@dataclass
class ReleaseReport:
    """What a release wrote and what it held back."""

    out: Path
    modules: list[str]
    notebooks: list[NotebookReport] = field(default_factory=list)
    keys_withheld: list[str] = field(default_factory=list)  # assessed keys
    keys_copied: list[str] = field(default_factory=list)  # formative keys
    left_out: list[str] = field(default_factory=list)  # every other file held back, with the reason
    files: int = 0

    def summary(self) -> str:
        lines = [f"Student release in {self.out} (modules {', '.join(self.modules) or 'none'}):"]
        for nb in self.notebooks:
            removed = len(nb.solutions_removed)
            where = f" (cells {', '.join(str(i + 1) for i in nb.solutions_removed)}, counting from 1)" \
                if removed else ""
            lines.append(f"  {nb.name}: {removed} solution cell(s) removed{where}, {nb.placeholders} "
                         f"'your turn' cell(s) added, outputs cleared in {nb.outputs_cleared} cell(s); "
                         f"{nb.cells_in} -> {nb.cells_out} cells")
        lines.append("  assessed keys withheld: " + (", ".join(self.keys_withheld) or "none"))
        lines.append("  formative keys copied (readable by students): " + (", ".join(self.keys_copied) or "none"))
        if self.left_out:
            lines.append(f"  also held back ({len(self.left_out)}):")
            lines += [f"    {x}" for x in self.left_out]
        lines.append(f"  {self.files} files written")
        return "\n".join(lines)


# --- notebooks -----------------------------------------------------------------------------


def _placeholder(cell_ids: set[str] | None, n: int) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": "markdown", "metadata": {"tags": [PLACEHOLDER_TAG]},
                            "source": PLACEHOLDER_TEXT.splitlines(keepends=True)}
    if cell_ids is not None:
        base = f"your-turn-{n}"
        cid, k = base, 1
        while cid in cell_ids:
            cid, k = f"{base}-{k}", k + 1
        cell_ids.add(cid)
        cell["id"] = cid
    return cell


def _clear_code_cell(cell: dict[str, Any]) -> bool:
    """Clear outputs and the execution count; True if there was anything to clear."""
    had = bool(cell.get("outputs")) or cell.get("execution_count") is not None
    cell["outputs"] = []
    cell["execution_count"] = None
    meta = cell.get("metadata")
    if isinstance(meta, dict):
        meta.pop("execution", None)  # run timings recorded by JupyterLab
    else:
        cell["metadata"] = {}
    return had


def strip_notebook(nb: dict[str, Any], name: str = "notebook") -> tuple[dict[str, Any], NotebookReport]:
    """The student version of a notebook (a new dict) and what was changed.

    Each run of consecutive ``solution`` cells becomes one placeholder markdown cell; code
    cells lose outputs and execution counts; the notebook loses saved widget state.
    """
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise DataError(name, "is not a notebook: it has no list of cells.", field="cells",
                        fix="open and save it in JupyterLab, or restore it from version control.")
    out = json.loads(json.dumps(nb))  # a deep copy that keeps every field
    meta = out.get("metadata")
    if isinstance(meta, dict):
        meta.pop("widgets", None)
    has_ids = any(isinstance(c, dict) and "id" in c for c in cells)
    ids = {c["id"] for c in cells if isinstance(c, dict) and isinstance(c.get("id"), str)} if has_ids else None
    report = NotebookReport(name=name, cells_in=len(cells), cells_out=0)
    new_cells: list[dict[str, Any]] = []
    previous_was_solution = False
    for index, cell in enumerate(out["cells"]):
        if not isinstance(cell, dict):
            raise DataError(name, "is not a mapping.", row=f"cell {index}",
                            fix="open and save the notebook in JupyterLab to repair it.")
        if is_solution_pointer(cell):  # "click to show the worked answer": there is none in this copy
            continue
        if is_solution(cell):
            report.solutions_removed.append(index)
            if not previous_was_solution:
                report.placeholders += 1
                new_cells.append(_placeholder(ids, report.placeholders))
            previous_was_solution = True
            continue
        previous_was_solution = False
        if cell.get("cell_type") == "code" and _clear_code_cell(cell):
            report.outputs_cleared += 1
        new_cells.append(cell)
    out["cells"] = new_cells
    report.cells_out = len(new_cells)
    return out, report


def dumps_notebook(nb: dict[str, Any]) -> str:
    """Serialise like nbformat (sorted keys, one-space indent), without touching ids or validation."""
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def read_notebook(path: Path) -> dict[str, Any]:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(path, f"is not valid notebook JSON ({exc}).",
                        fix="open it in JupyterLab and save it again, or restore it from version control.") from exc
    if not isinstance(nb, dict):
        raise DataError(path, "is not a notebook (the top level is not a mapping).",
                        fix="restore it from version control.")
    return nb


# --- data ----------------------------------------------------------------------------------


def _bank_mode(path: Path, root: Path) -> str:
    from coursekit.quiz.bank import load_bank
    from coursekit.sources import load_sources

    return load_bank(path, keys=False, known_sources=load_sources(root / "data" / "sources.yml")).mode


def restrict_course_yml(text: str, keep: set[str], path: Path) -> str:
    """``data/course.yml`` with every module outside ``keep`` marked planned (comments kept)."""
    from coursekit.safeyaml import loads

    lines = text.splitlines(keepends=True)
    current = None
    for i, line in enumerate(lines):
        m = _MODULE_ID_LINE.match(line)
        if m:
            current = m.group(1)
            continue
        if current is not None and current not in keep:
            lines[i] = _STATUS_LINE.sub(r"\1planned", line)
    new = "".join(lines)
    available = {m.id for m in parse_course(loads(new, path), path).available}
    if available != keep:
        raise DataError(path, f"could not mark the modules left out as planned (available: {sorted(available)}).",
                        field="status", fix='write each module as \'- id: "NN"\' with \'status:\' on its own line.')
    return new


def _iter_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not (_SKIP_PARTS & set(p.relative_to(folder).parts)))


def _copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)


def _manifest_names(data: Path) -> set[str] | None:
    """The files ``data/manifest.yml`` names (None without a manifest)."""
    from coursekit.safeyaml import load_yaml

    path = data / "manifest.yml"
    if not path.is_file():
        return None
    raw = load_yaml(path)
    files = raw.get("files") if isinstance(raw, dict) else None
    if not isinstance(files, dict):
        raise DataError(path, "has no 'files' mapping.", fix="rewrite it with `coursekit data manifest --write`.")
    return {str(k) for k in files}


def _quiz_rule(parts: tuple[str, ...], name: str, keep: set[str], modes: dict[str, str],
               report: ReleaseReport, label: str) -> bool:
    """Whether a file under data/quizzes/ ships (and records why not, or which key it is)."""
    if len(parts) == 2 and name == "README.md":
        return True
    if len(parts) == 2 and _BANK_NAME.match(name):
        if name[:2] in keep:
            return True
        report.left_out.append(f"{label} (module not released)")
        return False
    if len(parts) == 3 and parts[1] == "keys" and _BANK_NAME.match(name):
        mid = name[:2]
        if mid not in keep:
            report.left_out.append(f"{label} (module not released)")
        elif mid not in modes:
            report.left_out.append(f"{label} (key without a bank)")
        elif modes[mid] == "assessed":
            report.keys_withheld.append(label)
        else:
            report.keys_copied.append(label)
            return True
        return False
    report.left_out.append(f"{label} (not a bank, a key of a released formative bank or README.md)")
    return False


def _release_data(root: Path, out: Path, modules: list[Module], all_available: bool,
                  report: ReleaseReport) -> None:
    data = root / "data"
    keep = {m.id for m in modules}
    quizzes = data / "quizzes"
    modes: dict[str, str] = {}
    for bank in sorted(quizzes.glob("*.yml")) if quizzes.is_dir() else []:
        if bank.stem in keep:
            modes[bank.stem] = _bank_mode(bank, root)
    named = _manifest_names(data)
    for src in _iter_files(data):
        rel = src.relative_to(data)
        parts = rel.parts
        label = f"data/{rel.as_posix()}"
        if src.name.startswith("."):
            continue
        if rel.as_posix() == "manifest.yml":
            continue  # rewritten below for the files that ship
        if parts[0] == "quizzes":
            if not _quiz_rule(parts, src.name, keep, modes, report, label):
                continue
        elif key_module(src) is not None:
            report.left_out.append(f"{label} (holds an answer key)")
            continue
        if named is not None and rel.as_posix() not in named:
            report.left_out.append(f"{label} (not named in data/manifest.yml)")
            continue
        if rel.as_posix() == "course.yml" and not all_available:
            dest = out / "data" / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(restrict_course_yml(src.read_text(encoding="utf-8"), keep, src), encoding="utf-8")
            continue
        _copy(src, out / "data" / rel)
    if (data / "manifest.yml").is_file():
        from coursekit import manifest

        manifest.write(out / "data")


# --- README --------------------------------------------------------------------------------


def student_readme(title: str, modules: list[Module], assessed: list[str]) -> str:
    rows = "\n".join(f"| {m.id} | [{m.title}](notebooks/{m.notebook}) | {m.minutes} |" for m in modules)
    assessed_note = (
        f"Quizzes of module(s) {', '.join(assessed)} are **assessed**: your answers are recorded "
        "and graded later by your instructor, so you will not see whether they are right."
        if assessed else "Every quiz in this copy gives feedback as soon as you submit.")
    return f"""# {title}

Your copy of the course. Each module is one Jupyter notebook in `notebooks/`; the data it
reads is in `data/`.

| # | Module | Minutes |
|---|---|---|
{rows}

## Getting started

1. Install the kit once, the way your instructor tells you. On the class's JupyterHub or on
   Binder it is installed already. On your own computer, install it from the kit's source
   repository (`pip install "coursekit @ git+URL"`, with the URL your instructor gives you).
   Do not run `pip install coursekit`: that name on PyPI belongs to a different project.
2. Open a terminal in this folder and run `jupyter lab notebooks/`. The kit finds `data/` from
   the folder you start in; elsewhere, set `COURSEKIT_ROOT` to this folder.
3. Run the cells from top to bottom (Shift+Enter). Check your set-up with `coursekit doctor`.

## Exercises and quizzes

- Cells marked **✏️ Your turn** show where to work: the worked answers are not in this copy.
- {assessed_note}
- Your answers are saved on the computer that runs Jupyter (in your home folder). To hand
  them in, run `coursekit progress export --out yourname.json` in a terminal (or
  `from coursekit.quiz import export_progress; export_progress()` in a notebook cell) and
  submit that file. On Binder, export and download it **before** the session ends: Binder
  forgets everything when it closes.
"""


# --- the command ---------------------------------------------------------------------------


def release(out: str | Path, modules: list[str] | None = None, root: str | Path | None = None) -> ReleaseReport:
    """Write the student release of ``modules`` (default: every available one) into ``out``."""
    root_path = resolve_root(root)
    out_path = guard_out_dir(out, root_path, marker=MARKER)
    course = load_course_at(root_path)
    chosen = select_modules(course, modules)
    all_available = {m.id for m in chosen} == {m.id for m in course.available}
    nb_dir = root_path / "notebooks"
    for m in chosen:
        if not (nb_dir / m.notebook).is_file():
            raise DataError(nb_dir / m.notebook, f"module {m.id} is available but its notebook is missing.",
                            fix="restore the notebook, or mark the module planned in data/course.yml.")
    report = ReleaseReport(out=out_path, modules=[m.id for m in chosen])
    reset_dir(out_path)
    # marked first: a run stopped by a problem in the course (e.g. an assessed bank that names a
    # misconception) leaves a folder that the next run, after the fix, may replace
    (out_path / MARKER).write_text("An unfinished student release: `coursekit release` stopped before the end; "
                                   "re-run it to replace this folder.\n", encoding="utf-8")
    released = {m.notebook for m in chosen}
    for src in track(_iter_files(nb_dir) if nb_dir.is_dir() else [], "writing notebooks/", unit="file"):
        rel = src.relative_to(nb_dir)
        if src.suffix == ".ipynb":
            if rel.as_posix() not in released:
                report.left_out.append(f"notebooks/{rel.as_posix()} (not a released module)")
                continue
            nb, nb_report = strip_notebook(read_notebook(src), rel.as_posix())
            dest = out_path / "notebooks" / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(dumps_notebook(nb), encoding="utf-8")
            report.notebooks.append(nb_report)
        elif src.name.startswith("."):
            continue
        elif src.suffix.lower() not in IMAGE_SUFFIXES:
            report.left_out.append(f"notebooks/{rel.as_posix()} (not a released notebook or an image)")
        elif key_module(src) is not None:
            report.left_out.append(f"notebooks/{rel.as_posix()} (holds an answer key)")
        else:
            _copy(src, out_path / "notebooks" / rel)
    _release_data(root_path, out_path, chosen, all_available, report)
    assessed = sorted(Path(k).stem for k in report.keys_withheld)
    (out_path / "README.md").write_text(student_readme(course.title, chosen, assessed), encoding="utf-8")
    for name in ("LICENSE", "LICENSE-CONTENT", "docs/glossary.md"):  # the notebooks link to the glossary
        if (root_path / name).is_file():
            _copy(root_path / name, out_path / name)
    (out_path / MARKER).write_text("A student release written by `coursekit release`; "
                                   "re-running the command replaces this folder.\n", encoding="utf-8")
    report.files = sum(1 for p in out_path.rglob("*") if p.is_file())
    return report
