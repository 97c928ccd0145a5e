"""The data manifest (``data/manifest.yml``): every data file with its SHA-256.

``coursekit doctor`` checks the files against it; after changing a data file on
purpose, record the new checksums with ``coursekit data manifest --write``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from coursekit.paths import data_dir

MANIFEST = "manifest.yml"
BUDGET_BYTES = 5_000_000  # 5 MB: data/ stays small enough for Binder and a git clone
_IGNORED_PARTS = {".ipynb_checkpoints", "__pycache__"}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def data_files(root: Path | None = None) -> list[Path]:
    """Files under data/ that the manifest covers (all but the manifest itself)."""
    root = root or data_dir()
    manifest = os.path.join(root, MANIFEST)
    out = []
    for folder, dirs, names in os.walk(root):  # symlinked folders are not entered, as with rglob
        dirs[:] = [d for d in dirs if d not in _IGNORED_PARTS]
        for name in names:
            p = os.path.join(folder, name)
            if name.startswith(".") or name in _IGNORED_PARTS or p == manifest or not os.path.isfile(p):
                continue
            out.append(Path(p))
    return sorted(out)


def compute(root: Path | None = None) -> dict[str, dict]:
    root = root or data_dir()
    return {
        p.relative_to(root).as_posix(): {"sha256": sha256(p), "bytes": p.stat().st_size}
        for p in data_files(root)
    }


def write(root: Path | None = None) -> Path:
    """Record the current data files and their checksums."""
    import yaml

    root = root or data_dir()
    body = {
        "budget_bytes": BUDGET_BYTES,
        "files": compute(root),
    }
    header = (
        "# Checksums of every file under data/. Written by `coursekit data manifest --write`;\n"
        "# `coursekit doctor` compares the files with it. Do not edit by hand.\n"
    )
    path = root / MANIFEST
    path.write_text(header + yaml.safe_dump(body, sort_keys=True), encoding="utf-8")
    return path


def load(root: Path | None = None) -> dict:
    import yaml

    root = root or data_dir()
    path = root / MANIFEST
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@dataclass(frozen=True)
class Problem:
    what: str
    fix: str
    kind: str = "file"  # "file" (missing, changed, unlisted) or "budget"


def check(root: Path | None = None) -> list[Problem]:
    """Every problem with data/ against its manifest and size budget (empty = all well)."""
    root = root or data_dir()
    restore = "git checkout -- data/{name}"
    record = "coursekit data manifest --write   (only if you changed it on purpose)"
    manifest = load(root)
    if not manifest:
        return [Problem("data/manifest.yml is missing or empty",
                        "git checkout -- data/manifest.yml   (or coursekit data manifest --write)")]
    listed: dict = manifest.get("files") or {}
    problems: list[Problem] = []
    for name, meta in sorted(listed.items()):
        p = root / name
        if not p.is_file():
            problems.append(Problem(f"data/{name} is missing", restore.format(name=name)))
        elif sha256(p) != meta.get("sha256"):
            problems.append(Problem(
                f"data/{name} differs from its recorded SHA-256 (edited or damaged)",
                f"{restore.format(name=name)}   or, if the edit is intended: {record}"))
    for p in data_files(root):
        name = p.relative_to(root).as_posix()
        if name not in listed:
            problems.append(Problem(f"data/{name} is not in data/manifest.yml",
                                    f"{record}, and describe the file in data/README.md"))
    total = sum(p.stat().st_size for p in data_files(root))
    budget = int(manifest.get("budget_bytes", BUDGET_BYTES))
    if total > budget:
        problems.append(Problem(
            f"data/ holds {total / 1e6:.2f} MB, over its {budget / 1e6:.2f} MB budget",
            "shrink or remove the largest files (coursekit data manifest lists sizes)", "budget"))
    return problems


def total_bytes(root: Path | None = None) -> int:
    return sum(p.stat().st_size for p in data_files(root))
