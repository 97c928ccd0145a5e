"""Write the essay's fingerprints used by tests/test_copying.py.

* tests/data/essay_shingles.txt: hashed 7-word runs of the essay;
* tests/data/essay_sentences.txt: each sentence of the essay as 12-bit word hashes.

Neither file holds the essay's text. Run from the repository root when
../shared/seed/essay.txt is available:
    .venv/bin/python scripts/essay_shingles.py
"""

from pathlib import Path

from coursekit.copying import N, essay_digests, essay_sentences, fingerprint

ROOT = Path(__file__).resolve().parent.parent
ESSAY = ROOT.parent / "shared" / "seed" / "essay.txt"
SHINGLES = ROOT / "tests" / "data" / "essay_shingles.txt"
SENTENCES = ROOT / "tests" / "data" / "essay_sentences.txt"

if __name__ == "__main__":
    text = ESSAY.read_text(encoding="utf-8")
    hashes = sorted(essay_digests(text))
    header = f"# SHA-256 (first 20 hex) of every {N}-word run of the essay; see coursekit.copying\n"
    SHINGLES.write_text(header + "\n".join(hashes) + "\n", encoding="utf-8")
    sents = [" ".join(fingerprint(s)) for s in essay_sentences(text)]
    header = ("# Each sentence of the essay, in order, as 12-bit word hashes "
              "(coursekit.copying.fingerprint)\n")
    SENTENCES.write_text(header + "\n".join(sents) + "\n", encoding="utf-8")
    print(f"wrote {len(hashes)} hashes to {SHINGLES} and {len(sents)} sentences to {SENTENCES}")
