"""Write tests/data/essay_shingles.txt: hashed 12-word runs of the essay.

Run from the repository root when ../shared/seed/essay.txt is available:
    .venv/bin/python scripts/essay_shingles.py
"""

from pathlib import Path

from coursekit.copying import essay_digests

ROOT = Path(__file__).resolve().parent.parent
ESSAY = ROOT.parent / "shared" / "seed" / "essay.txt"
OUT = ROOT / "tests" / "data" / "essay_shingles.txt"

if __name__ == "__main__":
    hashes = sorted(essay_digests(ESSAY.read_text(encoding="utf-8")))
    header = "# SHA-256 (first 20 hex) of every 12-word run of the essay; see coursekit.copying\n"
    OUT.write_text(header + "\n".join(hashes) + "\n", encoding="utf-8")
    print(f"wrote {len(hashes)} hashes to {OUT}")
