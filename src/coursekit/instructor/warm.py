"""``coursekit figures warm``: draw every module's figures once, into a folder kernels read.

On a JupyterHub every student's kernel would draw the same maps. Run once when the image is
built (or before class), ``coursekit figures warm --into /srv/coursekit/figures`` executes
every module in a fresh kernel, as a student would, with that folder as the figure cache
(:mod:`coursekit.figcache`). Students' kernels then read it through
``COURSEKIT_FIGURE_CACHE_SHARED=/srv/coursekit/figures`` and draw only what differs (another
"Try it" value, their own data). On Binder, ``postBuild`` warms the user's own cache folder.

Entries are made readable by all (files 0644, the folder 0755): the folder holds only figures
of the course's own data, drawn by the notebooks as shipped.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.instructor.common import InstructorError, load_course_at, resolve_root, select_modules


@dataclass
class WarmReport:
    folder: Path
    entries: int = 0
    modules: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"{self.entries} figure(s) kept in {self.folder} from {len(self.modules)} module(s)."]
        lines += [f"not warmed: {mid}: {why}" for mid, why in self.failed.items()]
        if self.entries:
            lines.append(f"Kernels read them with COURSEKIT_FIGURE_CACHE_SHARED={self.folder}")
        return "\n".join(lines)


def warm_figures(into: str | Path, modules: list[str] | None = None, root: str | Path | None = None, *,
                 timeout: int = 600, show_progress: bool | None = None) -> WarmReport:
    """Execute ``modules`` (default: every available one) with ``into`` as the figure cache."""
    import nbformat

    from coursekit.instructor.site import SiteError, _env, execute
    from coursekit.progressbar import track

    root_path = resolve_root(root)
    folder = Path(into).expanduser().resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=folder)  # noqa: SIM115 - closed at once
        probe.close()
    except OSError as exc:
        raise InstructorError(f"cannot write figures into {folder} ({exc.strerror or exc}).",
                              fix="give --into a folder you can create and write to.") from None
    chosen = select_modules(load_course_at(root_path), modules)
    report = WarmReport(folder)
    with tempfile.TemporaryDirectory(prefix="coursekit-warm-") as tmp:
        env = {"COURSEKIT_ROOT": str(root_path), "COURSEKIT_PROGRESS_DB": str(Path(tmp) / "progress.sqlite"),
               "COURSEKIT_LEARNER": "figure-cache", "COURSEKIT_FIGURE_CACHE": str(folder)}
        with _env(**env):
            for m in track(chosen, "drawing figures", enabled=show_progress, unit="module"):
                path = root_path / "notebooks" / m.notebook
                try:
                    execute(nbformat.read(path, as_version=4), path.parent, timeout=timeout)
                    report.modules.append(m.id)
                except SiteError as exc:
                    report.failed[m.id] = str(exc)
                except OSError as exc:
                    report.failed[m.id] = f"{path}: {exc.strerror or exc}"
    folder.chmod(0o755)
    for entry in folder.iterdir():
        if entry.suffix in {".png", ".json"} and entry.is_file():
            entry.chmod(0o644)
    report.entries = sum(1 for _ in folder.glob("*.json"))
    return report


def default_folder() -> Path | None:
    """The own figure cache folder of this user (None when the cache is off)."""
    from coursekit.figcache import folders

    return folders()[0]
