"""Detect text copied from the essay: runs of 12 or more consecutive words.

The essay is the author's copyrighted work; the kit restates it. This module
turns a text into word "shingles" (every run of N consecutive words) so that a
test can check that no run of 12 words of the essay appears in the project.
The shingles are stored hashed (``tests/data/essay_shingles.txt``) so the check
runs on a clone that does not hold the essay.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

N = 12
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
_FURNITURE = "Tags from the story"


def words(text: str) -> list[str]:
    """Lowercased words, with typographic quotes and dashes normalised."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return _WORD.findall(text)


def shingles(text: str, n: int = N) -> set[str]:
    w = words(text)
    return {" ".join(w[i : i + n]) for i in range(len(w) - n + 1)}


def digest(shingle: str) -> str:
    return hashlib.sha256(shingle.encode("utf-8")).hexdigest()[:20]


def essay_paragraphs(essay_text: str) -> list[str]:
    """The 16 paragraphs of the essay (title and page furniture removed)."""
    body = essay_text.split(_FURNITURE)[0]
    blocks = [b.strip() for b in re.split(r"\n\s*\n", body) if b.strip()]
    return blocks[1:]  # the first block is the title


def essay_digests(essay_text: str, n: int = N) -> set[str]:
    """Hashed shingles of the essay, paragraph by paragraph."""
    out: set[str] = set()
    for para in essay_paragraphs(essay_text):
        out |= {digest(s) for s in shingles(para, n)}
    return out


def copied_runs(text: str, essay_hashes: set[str], n: int = N) -> list[str]:
    """The runs of ``n`` words of ``text`` that also occur in the essay."""
    w = words(text)
    hits = []
    for i in range(len(w) - n + 1):
        s = " ".join(w[i : i + n])
        if digest(s) in essay_hashes:
            hits.append(s)
    return hits
