"""Detect text copied from the essay, or staying too close to it.

The essay is the author's copyrighted work; the kit restates it. Two checks:

* **Shared runs.** No run of ``N`` (7) or more consecutive words of the essay may
  appear in the project outside quotation marks. Text is cut into word "shingles"
  (every run of N consecutive words); the essay's shingles are stored hashed
  (``tests/data/essay_shingles.txt``) so the check runs on a clone without the essay.
* **Close sentences.** No sentence of the project may have a word sequence 75% or
  more similar (``difflib.SequenceMatcher`` ratio over the word lists) to a sentence of
  the essay. Without the essay the check compares against *fingerprints*: each essay
  sentence stored as a sequence of 12-bit word hashes
  (``tests/data/essay_sentences.txt``). Different words can share a hash, so the ratio
  over fingerprints is at least the ratio over words in practice: the fallback can flag
  a little more, it does not miss what the full check finds.

Exempt: text inside quotation marks ("...", “...”, ‘...’) of at most ``QUOTE_MAX_WORDS``
words (a longer "quote" is not a short quote and is checked like the rest), the essay's
title, and the ``quote`` fields of the data files (each one a short phrase cited with its
paragraph). Quoted or exempt text splits the text around it: no run or sentence is
counted across it.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

N = 7
SIMILAR = 0.75
MIN_SENTENCE_WORDS = 6
QUOTE_MAX_WORDS = 20
TITLE = "The Independence of Belarus is a Matter of International Security"
QUOTE_KEYS = {"quote"}
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
_FURNITURE = "Tags from the story"
_QUOTED = re.compile(r"\"[^\"\n]*(?:\n(?!\s*\n)[^\"\n]*)*\"|\u201c[^\u201d]*\u201d|\u2018[^\u2019]*\u2019(?![a-z])")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])[\"\u201d\u2019)]*\s+|\n\s*\n|\n\s*[-*#|]")
_FINGERPRINT_SALT = "coursekit-essay-fingerprint"


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


def fingerprint(word_list: list[str]) -> list[str]:
    """A sentence as a sequence of 12-bit word hashes (3 hex digits each)."""
    return [hashlib.sha256((_FINGERPRINT_SALT + w).encode("utf-8")).hexdigest()[:3]
            for w in word_list]


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


def sentences(text: str) -> list[str]:
    """Split prose into sentences (also at blank lines and list or table rows)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def essay_sentences(essay_text: str) -> list[list[str]]:
    """The essay's sentences as word lists."""
    out = []
    for para in essay_paragraphs(essay_text):
        out += [w for s in sentences(para) if (w := words(s))]
    return out


# ----------------------------------------------------------------- what counts as our own text
_TITLE_RE = re.compile(r"\W+".join(map(re.escape, TITLE.split())), re.IGNORECASE)


def segments(text: str) -> list[str]:
    """The parts of ``text`` outside short quotations and the essay's title.

    Exempt spans split the text: a run of words or a sentence never spans them.
    """
    out: list[str] = []
    pos = 0
    spans = []
    for m in _QUOTED.finditer(text):
        if len(words(m.group())) <= QUOTE_MAX_WORDS:
            spans.append(m.span())
    spans += [m.span() for m in _TITLE_RE.finditer(text)]
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(text[pos:start])
        pos = end
    out.append(text[pos:])
    return [s for s in out if s.strip()]


def _strings(obj: object, skip: set[str]) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if str(k) not in skip:
                yield from _strings(v, skip)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v, skip)


def file_segments(path: Path) -> list[str]:
    """The text of a project file to check, as segments (see :func:`segments`).

    Notebooks: every cell's source. YAML: every string value except ``quote`` fields.
    CSV: every field (so that the CSV quoting is not taken for quotation marks).
    Other files: the raw text.
    """
    text = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix
    parts: list[str]
    if suffix == ".ipynb":
        nb = json.loads(text)
        parts = ["".join(c.get("source", "")) for c in nb.get("cells", [])]
    elif suffix in {".yml", ".yaml"}:
        import yaml

        try:
            parts = list(_strings(yaml.safe_load(text), QUOTE_KEYS))
        except yaml.YAMLError:
            parts = [text]
    elif suffix == ".csv":
        parts = [field for row in csv.reader(io.StringIO(text)) for field in row]
    else:
        parts = [text]
    out: list[str] = []
    for p in parts:
        out += segments(p)
    return out


# ----------------------------------------------------------------- the two checks
def copied_runs(text: str, essay_hashes: set[str], n: int = N) -> list[str]:
    """The runs of ``n`` words of ``text`` that also occur in the essay."""
    w = words(text)
    hits = []
    for i in range(len(w) - n + 1):
        s = " ".join(w[i : i + n])
        if digest(s) in essay_hashes:
            hits.append(s)
    return hits


def similarity(a: list[str], b: list[str]) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def close_sentences(text: str, essay_sents: list[list[str]], *, hashed: bool = False,
                    threshold: float = SIMILAR) -> list[tuple[str, float]]:
    """Sentences of ``text`` at least ``threshold`` similar to a sentence of the essay.

    ``essay_sents`` are word lists, or fingerprints when ``hashed`` is true.
    Returns (sentence, best ratio) pairs.
    """
    hits = []
    bags = [Counter(e) for e in essay_sents]
    for sent in sentences(text):
        w = words(sent)
        if len(w) < MIN_SENTENCE_WORDS:
            continue
        seq = fingerprint(w) if hashed else w
        bag = Counter(seq)
        best = 0.0
        for e, e_bag in zip(essay_sents, bags, strict=True):
            total = len(seq) + len(e)
            # upper bounds first: the ratio is at most 2*min(len)/total and 2*shared/total
            if 2 * min(len(seq), len(e)) < threshold * total:
                continue
            if 2 * sum((bag & e_bag).values()) < threshold * total:
                continue
            r = similarity(seq, e)
            best = max(best, r)
        if best >= threshold:
            hits.append((sent, round(best, 2)))
    return hits
