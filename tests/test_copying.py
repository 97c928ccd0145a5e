"""The project restates the essay in its own words.

No run of 7 or more words of the essay appears outside quotation marks (and the essay's
title), and no sentence is 75% or more similar to a sentence of the essay. The checks use
the essay when it is on the machine (../shared/seed/essay.txt) and otherwise the hashed
fingerprints the repository ships (tests/data/essay_shingles.txt, essay_sentences.txt).
"""

import subprocess
from pathlib import Path

import pytest

from coursekit.copying import (
    SIMILAR,
    N,
    close_sentences,
    copied_runs,
    essay_digests,
    essay_sentences,
    file_segments,
    fingerprint,
    segments,
)
from tests.conftest import REPO

ESSAY = REPO.parent / "shared" / "seed" / "essay.txt"
SHINGLES = REPO / "tests" / "data" / "essay_shingles.txt"
SENTENCES = REPO / "tests" / "data" / "essay_sentences.txt"
TEXT_SUFFIXES = {".py", ".md", ".yml", ".yaml", ".csv", ".txt", ".cff", ".ipynb", ".json",
                 ".toml", ".cfg", ".js", ".css", ".html", ".geojson"}
SKIP = {SHINGLES, SENTENCES}

# A made-up stand-in for an essay, so that the detector is tested on every machine.
TOY = """A Title Nobody Would Copy

The river town kept its old bridge although the council had voted twice to pull it down.

Nobody in the valley believed that the new road would ever reach the northern farms.
"""


def _stored(path: Path) -> list[str]:
    return [ln for ln in path.read_text(encoding="utf-8").splitlines()
            if ln and not ln.startswith("#")]


def essay_hashes(origin: str) -> set[str]:
    if origin == "essay":
        return essay_digests(ESSAY.read_text(encoding="utf-8"))
    return set(_stored(SHINGLES))


def essay_sents(origin: str) -> tuple[list[list[str]], bool]:
    """The essay's sentences as word lists, or the stored fingerprints (hashed=True)."""
    if origin == "essay":
        return essay_sentences(ESSAY.read_text(encoding="utf-8")), False
    return [ln.split() for ln in _stored(SENTENCES)], True


# The project checks run against the shipped fingerprints everywhere, and against the
# essay itself where it is on the machine.
ORIGINS = [pytest.param("stored"),
           pytest.param("essay", marks=pytest.mark.skipif(not ESSAY.is_file(),
                                                          reason="the essay is not on this machine"))]


def project_files() -> list[Path]:
    """Tracked and untracked (not ignored) files of the project."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    return [REPO / f for f in out.splitlines()
            if (REPO / f).suffix in TEXT_SUFFIXES and REPO / f not in SKIP and (REPO / f).is_file()]


def test_stored_fingerprints_match_the_essay():
    if not ESSAY.is_file():
        pytest.skip("the essay is not on this machine; the stored fingerprints are used instead")
    text = ESSAY.read_text(encoding="utf-8")
    stale = "tests/data/essay_*.txt are stale: run scripts/essay_shingles.py"
    assert set(_stored(SHINGLES)) == essay_digests(text), stale
    assert [ln.split() for ln in _stored(SENTENCES)] == [fingerprint(s) for s in essay_sentences(text)], stale


def test_a_shared_run_of_seven_words_is_found_and_six_is_not():
    hashes = essay_digests(TOY)
    assert copied_runs("As we saw, the council had voted twice to pull", hashes) == [
        "the council had voted twice to pull"]
    assert not copied_runs("The council had voted twice to remove it.", hashes)
    assert not copied_runs("a title nobody would copy and more words after it", hashes)  # title


def test_quotations_and_the_title_are_exempt_but_long_quotes_are_not():
    hashes = essay_digests(TOY)
    quoted = 'The author notes that "the council had voted twice to pull it down" (para 1).'
    assert not any(copied_runs(s, hashes) for s in segments(quoted))
    curly = "He writes \u201cthe council had voted twice to pull it down\u201d."
    assert not any(copied_runs(s, hashes) for s in segments(curly))
    long_quote = '"' + " ".join(["filler"] * 20) + " the council had voted twice to pull it down" + '"'
    assert any(copied_runs(s, hashes) for s in segments(long_quote))
    # a quotation splits the text: no run is counted across it
    assert not any(copied_runs(s, hashes) for s in segments('the council had "voted" twice to pull'))


def test_a_close_paraphrase_is_found_with_words_and_with_fingerprints():
    sents = essay_sentences(TOY)
    near = "Nobody in the valley thought the new road would ever reach the northern farms."
    far = "Farmers in the north doubted that the road would be finished."
    assert close_sentences(near, sents)
    assert not close_sentences(far, sents)
    prints = [fingerprint(s) for s in sents]
    assert close_sentences(near, prints, hashed=True)
    assert not close_sentences(far, prints, hashed=True)


def test_quote_fields_and_csv_quoting(tmp_path):
    yml = tmp_path / "c.yml"
    yml.write_text("claim: our words\nquote: the council had voted twice to pull it down\n",
                   encoding="utf-8")
    assert [s.strip() for s in file_segments(yml)] == ["our words"]
    csv = tmp_path / "c.csv"
    csv.write_text('a,b\n1,"the council had voted twice to pull it down, said the clerk"\n',
                   encoding="utf-8")
    assert any(copied_runs(s, essay_digests(TOY)) for s in file_segments(csv))


@pytest.mark.parametrize("origin", ORIGINS)
def test_no_run_of_the_essay_in_the_project(origin):
    hashes = essay_hashes(origin)
    offenders = {}
    for path in project_files():
        hits = [h for seg in file_segments(path) for h in copied_runs(seg, hashes)]
        if hits:
            offenders[str(path.relative_to(REPO))] = hits[0]
    assert not offenders, (
        f"runs of {N}+ words shared with the essay (restate them in your own words, or quote a "
        f"short phrase in quotation marks with its paragraph): {offenders}"
    )


@pytest.mark.parametrize("origin", ORIGINS)
def test_no_sentence_of_the_project_is_close_to_one_of_the_essay(origin):
    sents, hashed = essay_sents(origin)
    offenders = {}
    for path in project_files():
        hits = [h for seg in file_segments(path) for h in close_sentences(seg, sents, hashed=hashed)]
        if hits:
            offenders[str(path.relative_to(REPO))] = hits
    assert not offenders, (
        f"sentences {SIMILAR:.0%}+ similar to one of the essay (restate them): {offenders}"
    )
