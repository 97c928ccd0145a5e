"""No run of 12 or more consecutive words of the essay appears anywhere in the project."""

import json
import subprocess
from pathlib import Path

import pytest

from coursekit.copying import N, copied_runs, essay_digests
from tests.conftest import REPO

ESSAY = REPO.parent / "shared" / "seed" / "essay.txt"
STORED = REPO / "tests" / "data" / "essay_shingles.txt"
TEXT_SUFFIXES = {".py", ".md", ".yml", ".yaml", ".csv", ".txt", ".cff", ".ipynb", ".json",
                 ".toml", ".cfg", ".js", ".css", ".html", ".geojson"}
SKIP = {STORED}


def essay_hashes() -> set[str]:
    if ESSAY.is_file():
        return essay_digests(ESSAY.read_text(encoding="utf-8"))
    lines = STORED.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def project_files() -> list[Path]:
    """Tracked and untracked (not ignored) files of the project."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    return [REPO / f for f in out.splitlines() if (REPO / f).suffix in TEXT_SUFFIXES]


def file_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        nb = json.loads(text)
        return "\n\n".join("".join(c.get("source", "")) for c in nb.get("cells", []))
    return text


def test_stored_hashes_match_the_essay():
    if not ESSAY.is_file():
        pytest.skip("the essay is not on this machine; the stored hashes are used instead")
    lines = STORED.read_text(encoding="utf-8").splitlines()
    stored = {line for line in lines if line and not line.startswith("#")}
    assert stored == essay_digests(ESSAY.read_text(encoding="utf-8")), (
        "tests/data/essay_shingles.txt is stale: run scripts/essay_shingles.py"
    )


def test_detector_finds_a_copied_run():
    hashes = essay_hashes()
    para = ESSAY.read_text(encoding="utf-8").split("\n\n")[1] if ESSAY.is_file() else None
    if para is None:
        pytest.skip("needs the essay to build a positive example")
    assert copied_runs("Some intro. " + para[:200], hashes)
    assert not copied_runs("International attention to Belarus grew in 2019, observers said.", hashes)


def test_no_long_run_of_the_essay_in_the_project():
    hashes = essay_hashes()
    offenders = {}
    for path in project_files():
        if path in SKIP or not path.is_file():
            continue
        hits = copied_runs(file_text(path), hashes)
        if hits:
            offenders[str(path.relative_to(REPO))] = hits[0]
    assert not offenders, (
        f"runs of {N}+ words copied from the essay (restate them in your own words, "
        f"quote at most a short attributed phrase): {offenders}"
    )
