"""Question pools and per-learner variants: neighbours do not share answers.

Two things a bank may offer (see ``data/quizzes/README.md``):

- **alternatives**: ``pools:`` lists groups of questions of equal points; each learner answers
  ``choose`` of the group's questions.
- **variants**: a question with ``variants:`` is a template whose ``{placeholders}`` are filled
  from the kit's own data: ``from: claims`` gives one variant per claim of ``data/claims.yml``
  (classify it; the key is the claim's type), ``from: places`` one per pair of places of
  ``data/places.csv`` (measure between them; the key is the distance from
  :func:`coursekit.geo.distance_km`). A variant is stored under the id ``<question>~<variant>``,
  e.g. ``classify-claim~c05``, so every answer records which variant was answered.

Which alternatives and which variant a learner gets is decided by :func:`stable_hash` of the
learner id, the module and the question (or pool): SHA-256, never Python's ``hash()``, which is
salted per process. Each candidate gets a score and the learner gets the lowest (rendezvous
hashing), so the choice is the same on every run and machine, ``coursekit grade`` reproduces it
from the learner id alone, and adding a claim to the data moves only the learners whose lowest
score is the new claim's.

Generating a variant's *question* needs only names and texts; its *answer* is made only when the
key file is loaded, so a student release of an assessed bank (no key file) holds no variant's
key. The data the answers come from is part of the course, so a variant keeps neighbours from
copying an answer; it does not hide what the course teaches.

>>> stable_hash("ana", "01", "classify-claim") == stable_hash("ana", "01", "classify-claim")
True
>>> pick("ana", "01", "q", ["c01", "c02", "c03"]) in {"c01", "c02", "c03"}
True
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coursekit.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from coursekit.quiz.bank import Bank
    from coursekit.quiz.model import Key, Question

SEP = "~"
GENERATORS = ("claims", "places")
_FIELD = re.compile(r"\{([a-z_]+)\}")


def stable_hash(*parts: str) -> int:
    """A 64-bit number from ``parts``, the same in every process and on every machine."""
    text = "\x1f".join(parts)  # a separator no id contains, so ("a", "bc") and ("ab", "c") differ
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def pick_some(learner: str, module: str, qid: str, candidates: list[str], k: int) -> list[str]:
    """The ``k`` candidates this learner gets: those with the lowest :func:`stable_hash`."""
    return sorted(candidates, key=lambda c: (stable_hash(learner, module, qid, c), c))[:k]


def pick(learner: str, module: str, qid: str, candidates: list[str]) -> str:
    """The one candidate this learner gets."""
    return pick_some(learner, module, qid, candidates, 1)[0]


def variant_id(qid: str, slug: str) -> str:
    return f"{qid}{SEP}{slug}"


def base_id(stored_id: str) -> str:
    """The bank's question id of a stored id (``classify-claim~c05`` -> ``classify-claim``)."""
    return stored_id.split(SEP, 1)[0]


# --- the bank's declarations ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pool:
    """Alternatives: each learner answers ``choose`` of ``questions``."""

    id: str
    choose: int
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Variant:
    """One variant of a template question: its id suffix, what fills the template, where from."""

    slug: str
    fields: dict[str, str]
    sources: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict, compare=False)  # what the answer is made from


def check_pools(path: Path, pools: list[Any], questions: list[Question]) -> tuple[Pool, ...]:
    """Validate ``pools:`` against the bank's questions (ids, sizes, equal points, graded)."""
    by_id = {q.id: q for q in questions}
    seen_pools: set[str] = set()
    member: dict[str, str] = {}
    out = []
    for pm in pools:
        where = f"pool {pm.id}"
        if pm.id in seen_pools or pm.id in by_id:
            raise DataError(path, f"id {pm.id!r} is used twice.", row=where, field="id",
                            fix="give every pool an id of its own, different from the question ids.")
        seen_pools.add(pm.id)
        for qid in pm.questions:
            if qid not in by_id:
                raise DataError(path, f"no question {qid!r} in the bank.", row=where, field="questions",
                                fix="list ids from 'questions:'.")
            if qid in member:
                raise DataError(path, f"question {qid!r} is already in pool {member[qid]!r}.", row=where,
                                field="questions", fix="put each question in one pool at most.")
            member[qid] = pm.id
        if len(set(pm.questions)) < 2 or not 1 <= pm.choose < len(set(pm.questions)):
            raise DataError(path, f"choose {pm.choose} of {len(set(pm.questions))} question(s).", row=where,
                            field="choose", fix="list two or more questions and choose fewer than there are.")
        members = [by_id[qid] for qid in pm.questions]
        if not all(q.graded for q in members) or len({q.points for q in members}) != 1:
            raise DataError(path, "alternatives must be graded questions worth the same points.", row=where,
                            field="questions", fix="give every question of the pool the same 'points:'.")
        out.append(Pool(pm.id, pm.choose, tuple(pm.questions)))
    return tuple(out)


def fill(template: str, values: dict[str, Any], path: Path, where: str, field_name: str) -> str:
    """``template`` with each ``{name}`` replaced; an unknown name is a DataError (no str.format)."""
    def repl(m: re.Match) -> str:
        if m.group(1) not in values:
            raise DataError(path, f"unknown placeholder {{{m.group(1)}}}.", row=where, field=field_name,
                            fix=f"use one of {', '.join('{' + k + '}' for k in sorted(values))}.")
        return str(values[m.group(1)])

    return _FIELD.sub(repl, template)


# --- generators: the kit's data to variants -----------------------------------------------------


def _data_folder(bank_path: Path) -> Path:
    """The data folder beside the bank (``data/quizzes/NN.yml`` -> ``data/``), else the course's."""
    from coursekit.paths import data_dir

    beside = bank_path.resolve().parent.parent
    return beside if (beside / "claims.yml").is_file() or (beside / "places.csv").is_file() else data_dir()


def _claims(spec: Any, q: Question, path: Path, where: str) -> list[Variant]:
    from coursekit.claims import parse_claims
    from coursekit.validate import read_yaml

    folder = _data_folder(path)
    file = folder / "claims.yml"
    records = parse_claims(read_yaml(file), file, _AnySource(), None)
    types = {o.id: o.text for o in q.options}
    wanted = set(spec.claims or [r["id"] for r in records])
    unknown = wanted - {r["id"] for r in records}
    if unknown:
        raise DataError(path, f"no claim(s) {sorted(unknown)} in {file.name}.", row=where, field="variants.claims",
                        fix="use claim ids from data/claims.yml.")
    out = []
    for r in records:
        if r["id"] not in wanted or r["id"] in (spec.exclude or []):
            continue
        if r["type"] not in types:
            if spec.claims:
                raise DataError(path, f"claim {r['id']} is of type {r['type']!r}, which no option offers.",
                                row=where, field="options", fix=f"add an option with id {r['type']!r}.")
            continue
        fields = {"claim": r["claim"], "claim_id": r["id"], "paragraph": str(r["paragraph"])}
        out.append(Variant(r["id"], fields, tuple(r["sources"]),
                           {"correct": r["type"], "answer": r["type"], "answer_text": types[r["type"]]}))
    return out


def _places(spec: Any, q: Question, path: Path, where: str) -> list[Variant]:
    folder = _data_folder(path)
    file = folder / "places.csv"
    with open(file, newline="", encoding="utf-8") as fh:
        rows = {r["name"]: r for r in csv.DictReader(fh)}
    pairs = [tuple(p) for p in spec.pairs] if spec.pairs else [
        (a, b) for i, a in enumerate(spec.places or []) for b in (spec.places or [])[i + 1:]]
    if not pairs:
        raise DataError(path, "no pair of places to measure between.", row=where, field="variants",
                        fix="give 'places:' (every pair is a variant) or 'pairs:' ([[A, B], ...]).")
    out = []
    for pair in pairs:
        if len(pair) != 2 or pair[0] == pair[1]:
            raise DataError(path, f"{list(pair)} is not a pair of two places.", row=where, field="variants.pairs",
                            fix="write each pair as [A, B] with two different names.")
        for name in pair:
            if name not in rows:
                raise DataError(path, f"no place {name!r} in {file.name}.", row=where, field="variants",
                                fix="use names from the 'name' column of data/places.csv.")
        a, b = (rows[n] for n in pair)
        slug = "-".join(_slug(n) for n in pair)
        sources = tuple(dict.fromkeys((a["source"] + " " + b["source"]).split()))
        out.append(Variant(slug, {"a": a["name"], "b": b["name"]}, sources,
                           {"lonlat": ((float(a["lon"]), float(a["lat"])), (float(b["lon"]), float(b["lat"])))}))
    return out


def _slug(name: str) -> str:
    import unicodedata

    name = name.translate(str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D"}))
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


class _AnySource:
    def __contains__(self, item: object) -> bool:
        return True


def generate(spec: Any, q: Question, path: Path) -> list[Variant]:
    """Every variant of template ``q`` (``spec`` is its ``variants:``), in a fixed order."""
    where = f"question {q.id}"
    variants = (_claims if spec.from_ == "claims" else _places)(spec, q, path, where)
    if not variants:
        raise DataError(path, "the data gives this question no variant.", row=where, field="variants",
                        fix="check 'claims:'/'exclude:' and that the options cover the claims' types.")
    slugs = [v.slug for v in variants]
    if len(slugs) != len(set(slugs)):
        raise DataError(path, "two variants have the same id.", row=where, field="variants",
                        fix="list each claim or pair once.")
    return variants


def variant_question(q: Question, v: Variant, path: Path) -> Question:
    where = f"question {q.id}"
    return replace(q, id=variant_id(q.id, v.slug), prompt=fill(q.prompt, v.fields, path, where, "prompt"),
                   hint=fill(q.hint, v.fields, path, where, "hint") if q.hint else q.hint,
                   sources=tuple(dict.fromkeys((*q.sources, *v.sources))))


def answer_of(q: Question, v: Variant) -> Any:
    """The variant's right answer, made from the data (a distance is measured here)."""
    if "correct" in v.data:
        return v.data["correct"]
    from shapely.geometry import Point

    from coursekit.geo import distance_km

    (a, b) = v.data["lonlat"]
    return round(distance_km(Point(*a), Point(*b)))


def variant_key(q: Question, v: Variant, template: Key, path: Path) -> Key:
    """The key of one variant: the template key with the answer filled in."""
    correct = answer_of(q, v)
    values = {**v.fields, "answer": v.data.get("answer", correct), "answer_text": v.data.get("answer_text", correct)}
    where = f"question {q.id}"
    return replace(template, correct=correct,
                   explanation=fill(template.explanation, values, path, where, "explanation"),
                   feedback={k: fill(t, values, path, where, f"feedback.{k}") for k, t in template.feedback.items()})


# --- what a learner sees -------------------------------------------------------------------------


def for_learner(bank: Bank, learner: str, ids: list[str] | None = None) -> list[Question]:
    """The questions ``learner`` answers, in bank order: their alternatives and their variant of each template.

    ``ids`` limits it to those bank questions (a pool member stands for the learner's picks of its pool).
    """
    chosen = assigned(bank, learner)
    in_pool = {qid: p for p in bank.pools for qid in p.questions}
    wanted = None
    if ids is not None:
        wanted = set()
        for qid in map(base_id, ids):  # a variant's id stands for its template: the learner gets their own
            wanted |= set(in_pool[qid].questions) if qid in in_pool else {qid}
    out = []
    for q in bank.questions:
        if wanted is not None and q.id not in wanted:
            continue
        if q.id in bank.variants:
            out.append(bank.question(chosen[q.id]))
        elif q.id not in in_pool or q.id in chosen:
            out.append(q)
    return out


def assigned(bank: Bank, learner: str) -> dict[str, str]:
    """Bank question id -> the stored id this learner answers, for pools' picks and templates."""
    out: dict[str, str] = {}
    pooled = {q for p in bank.pools for q in p.questions}
    for p in bank.pools:
        for qid in pick_some(learner, bank.module, p.id, list(p.questions), p.choose):
            out[qid] = qid
    for qid, questions in bank.variants.items():
        if qid in pooled and qid not in out:
            continue  # a template in a pool that this learner does not get
        out[qid] = pick(learner, bank.module, qid, [vq.id for vq in questions])
    return out


def every_question(bank: Bank) -> list[Question]:
    """Every concrete question of the bank: plain ones and each variant of each template."""
    out = []
    for q in bank.questions:
        out.extend(bank.variants.get(q.id, (q,)))
    return out


def describe(bank: Bank, q: Question) -> str:
    """For the static site: how many variants a template has, or how many of a pool a learner answers."""
    if q.id in bank.variants:
        n = len(bank.variants[q.id])
        return f"One of {n} variants; in Jupyter each learner gets their own."
    for p in bank.pools:
        if q.id in p.questions:
            return (f"One of {len(p.questions)} alternatives; in Jupyter each learner answers {p.choose} "
                    f"of them.")
    return ""
