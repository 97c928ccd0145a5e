"""Quiz banks: questions in ``data/quizzes/<module>.yml``, keys in ``data/quizzes/keys/<module>.yml``.

Keys live apart from the questions so that an assessed bank can be released to
students without its key. Both files are validated against a schema (pydantic)
and against each other; a broken bank fails with a :class:`~coursekit.errors.DataError`
that names the file, the question id, the field and what is expected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from coursekit.errors import DataError
from coursekit.memo import Kept, content
from coursekit.models import validate_mapping
from coursekit.paths import data_file
from coursekit.quiz import pools as qpools
from coursekit.quiz import types as qtypes
from coursekit.quiz.model import Key, Option, Question
from coursekit.validate import read_yaml

BANK_SCHEMA = "coursekit-quiz/1"
KEY_SCHEMA = "coursekit-quiz-key/1"
MODES = ("formative", "assessed")
ID = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Finite = Annotated[float, Field(allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OptionModel(_Strict):
    id: ID
    text: str = Field(min_length=1)
    misconception: ID | None = None  # a distractor's misconception: an entry of docs/instructor-guide.md


class VariantModel(_Strict):
    """``variants:`` of a template question (see coursekit.quiz.pools)."""

    from_: Literal["claims", "places"] = Field(alias="from")
    claims: list[str] | None = None  # from: claims -- only these claim ids
    exclude: list[str] | None = None  # from: claims -- leave these out
    places: list[str] | None = None  # from: places -- every pair of these names
    pairs: list[list[str]] | None = None  # from: places -- these pairs


class PoolModel(_Strict):
    id: ID
    choose: int = Field(ge=1, le=100)
    questions: list[ID] = Field(min_length=2)


class QuestionModel(_Strict):
    id: ID
    type: str  # a name in the question-type registry (checked after parsing)
    prompt: str = Field(min_length=1)
    points: float = Field(default=1.0, ge=0, le=100, allow_inf_nan=False)
    hint: str | None = None
    options: list[OptionModel] = []
    items: list[OptionModel] = []
    categories: list[OptionModel] = []
    unit: str | None = None
    min_words: int = Field(default=0, ge=0, le=500)
    max_words: int = Field(default=0, ge=0, le=2000)
    sources: list[str] = []
    hand_in: bool = False
    variants: VariantModel | None = None
    judgement: bool = False


class BankModel(_Strict):
    schema_: Literal["coursekit-quiz/1"] = Field(alias="schema")
    module: str = Field(pattern=r"^\d{2}$")
    title: str = Field(min_length=1)
    mode: Literal["formative", "assessed"] = "formative"
    questions: list[QuestionModel] = Field(min_length=1)
    pools: list[PoolModel] = []


class KeyModel(_Strict):
    correct: Any = None
    feedback: dict[str, str] = {}
    explanation: str = ""
    tolerance: dict[Literal["abs", "rel"], Finite] | None = None
    misconceptions: dict[str, ID] = {}  # option id -> misconception (where the bank may not show it)
    view: Any = None

    @field_validator("correct", "view")
    @classmethod
    def _finite(cls, value):
        return check_finite(value)

    @field_validator("feedback", mode="before")
    @classmethod
    def _str_keys(cls, value):
        if not isinstance(value, dict | None):
            return value  # pydantic reports that it should be a mapping
        return {str(k).lower() if isinstance(k, bool) else str(k): v for k, v in (value or {}).items()}


def check_finite(value: Any) -> Any:
    """``value`` unchanged, or a ValueError if it holds NaN or an infinity (``.nan``, ``.inf`` in YAML).

    A NaN key is never equal to any answer, and an infinite one or an infinite tolerance makes
    every number right.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"{item} is not a finite number (write a number, not .nan or .inf)")
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return value


class KeyFileModel(_Strict):
    schema_: Literal["coursekit-quiz-key/1"] = Field(alias="schema")
    module: str = Field(pattern=r"^\d{2}$")
    keys: dict[str, KeyModel]


@dataclass(frozen=True)
class Bank:
    module: str
    title: str
    mode: str
    questions: tuple[Question, ...]
    keys: dict[str, Key] | None  # None when the key file is absent (a student release)
    path: Path
    pools: tuple[qpools.Pool, ...] = ()  # alternatives: each learner answers some of a pool
    #: template question id -> its variants (ids ``<template>~<variant>``), see coursekit.quiz.pools
    variants: dict[str, tuple[Question, ...]] = field(default_factory=dict)

    def question(self, qid: str) -> Question:
        """A question of the bank, or one variant of a template (``classify-claim~c05``)."""
        for q in self.questions:
            if q.id == qid:
                return q
        for q in self.variants.get(qpools.base_id(qid), ()):
            if q.id == qid:
                return q
        raise KeyError(f"no question {qid!r} in {self.path.name}")

    def key(self, qid: str) -> Key | None:
        return None if self.keys is None else self.keys.get(qid)

    @property
    def max_points(self) -> float:
        """The points one learner can earn: a pool counts ``choose`` of its questions, a template once."""
        pooled = {qid for p in self.pools for qid in p.questions}
        plain = sum(q.points for q in self.questions if q.graded and q.id not in pooled)
        by_id = {q.id: q for q in self.questions}
        return plain + sum(p.choose * by_id[p.questions[0]].points for p in self.pools)


def _raise_validation(path: Path, exc: ValidationError, raw: Any, list_key: str) -> None:
    err = exc.errors()[0]
    loc = list(err["loc"])
    where = None
    if len(loc) >= 2 and loc[0] == list_key:
        if isinstance(loc[1], int):
            items = raw.get(list_key) or []
            qid = items[loc[1]].get("id") if loc[1] < len(items) and isinstance(items[loc[1]], dict) else None
            where = f"question {qid}" if qid else f"question {loc[1] + 1}"
        else:
            where = f"question {loc[1]}"
        loc = loc[2:]
    field = ".".join(str(x) for x in loc if x not in ("schema_",)) or None
    if field is None and err["loc"] and err["loc"][0] == "schema_":
        field = "schema"
    expected = err["msg"]
    fix = {
        "missing": "add the field.",
        "extra_forbidden": "remove the field or correct its spelling (see data/quizzes/README.md).",
        "literal_error": f"use one of the allowed values ({err.get('ctx', {}).get('expected', '')}).",
    }.get(err["type"], "see data/quizzes/README.md for the format.")
    raise DataError(path, expected + ".", row=where, field=field, fix=fix) from None


def key_path_for(bank_path: Path) -> Path:
    return bank_path.parent / "keys" / bank_path.name


_LOADED = Kept()


def load_bank(path: str | Path, *, keys: bool | None = None, known_sources=None) -> Bank:
    """Load and validate a bank and (when present) its key file.

    ``keys=True`` requires the key file, ``False`` ignores it, ``None`` uses it if present.

    A bank is read again only when it, its key file or a file of the course's data changes (the
    bibliography and the data a template's variants are made from): a module's exercises check
    answers against one bank a dozen times, and reading it took about 80 ms each time.
    """
    path = Path(path)
    if known_sources is not None:
        return _load_bank(path, keys, known_sources)
    return _LOADED.get((str(path.resolve()), keys), _stamp(path), lambda: _load_bank(path, keys, None))


def _stamp(path: Path) -> tuple:
    """The bank's and its key file's content, and the course's data files by size and time."""
    from coursekit import manifest

    try:
        files = tuple((str(f), s.st_size, s.st_mtime_ns) for f in manifest.data_files() for s in (f.stat(),))
    except OSError:  # no course found, or a file went away while listing: read the bank again
        files = (object(),)
    return content(path), content(key_path_for(path)), files


def _load_bank(path: Path, keys: bool | None, known_sources) -> Bank:
    from coursekit.sources import load_sources

    if not path.is_file():
        raise DataError(path, "the quiz bank does not exist.", fix="check the module id (coursekit list).")
    raw = read_yaml(path)
    bank = validate_mapping(path, raw, BankModel, expected="a mapping with schema, module, title and questions",
                            doc="data/quizzes/README.md",
                            on_error=lambda exc: _raise_validation(path, exc, raw, "questions"))
    known_sources = load_sources() if known_sources is None else known_sources
    questions = []
    seen: set[str] = set()
    for qm in bank.questions:
        where = f"question {qm.id}"
        if qm.id in seen:
            raise DataError(path, f"id {qm.id!r} is used twice.", row=where, field="id",
                            fix="give every question its own stable id.")
        seen.add(qm.id)
        if qm.type not in qtypes.REGISTRY:
            raise DataError(path, f"unknown question type {qm.type!r}.", row=where, field="type",
                            fix=f"use one of {', '.join(qtypes.names())} (see data/quizzes/README.md).")
        _check_shape(path, where, qm)
        if bank.mode == "assessed" and any(o.misconception for o in qm.options):
            raise DataError(path, "an assessed bank names a misconception on an option: students would see "
                            "which options are wrong.", row=where, field="options.misconception",
                            fix=f"move it to keys/{path.name} under the question's 'misconceptions:' "
                                "(option id: misconception id).")
        if qm.judgement:
            _check_judgement(path, where, qm)
        if qm.max_words and qm.max_words < qm.min_words:
            raise DataError(path, f"max_words ({qm.max_words}) is below min_words ({qm.min_words}).", row=where,
                            field="max_words", fix="set max_words at or above min_words (or 0 for no limit).")
        for sid in qm.sources:
            if sid not in known_sources:
                raise DataError(path, f"unknown source id {sid!r}.", row=where, field="sources",
                                fix="add the source to data/sources.yml or correct the id.")
        questions.append(Question(
            id=qm.id, type=qm.type, prompt=qm.prompt.strip(), hint=qm.hint,
            options=tuple(Option(o.id, o.text, o.misconception) for o in qm.options),
            items=tuple(Option(o.id, o.text) for o in qm.items),
            categories=tuple(Option(o.id, o.text) for o in qm.categories),
            unit=qm.unit, min_words=qm.min_words, max_words=qm.max_words, sources=tuple(qm.sources),
            # a judgement (the learner's own call, never scored) stays private, as a reflection does
            hand_in=qm.hand_in or (qtypes.get(qm.type).graded and not qm.judgement),
            judgement=qm.judgement, points=0.0 if qm.judgement else qm.points))
    pools = qpools.check_pools(path, bank.pools, questions)
    generated: dict[str, list[tuple[Question, qpools.Variant]]] = {}
    for qm, q in zip(bank.questions, questions, strict=True):
        if qm.variants is not None:
            generated[q.id] = [(qpools.variant_question(q, v, path), v)
                               for v in qpools.generate(qm.variants, q, path)]
    kpath = key_path_for(path)
    key_map = None
    if keys is True or (keys is None and kpath.is_file()):
        key_map = load_keys(kpath, questions, bank.module, generated)
    variants = {qid: tuple(vq for vq, _ in pairs) for qid, pairs in generated.items()}
    return Bank(bank.module, bank.title, bank.mode, tuple(questions), key_map, path, pools, variants)


_WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}


def _check_judgement(path: Path, where: str, q: QuestionModel) -> None:
    """A judgement question asks for the learner's own call: it is recorded, never scored."""
    if not qtypes.get(q.type).graded:
        raise DataError(path, f"a {q.type} question is never scored already; 'judgement' is for questions "
                        "that could be.", row=where, field="judgement", fix="remove 'judgement: true'.")
    if "points" in q.model_fields_set and q.points:
        raise DataError(path, "a judgement question is recorded, never scored: it carries no points.",
                        row=where, field="points", fix="remove 'points:' (or write 'points: 0').")


def _check_shape(path: Path, where: str, q: QuestionModel) -> None:
    for pool, least in qtypes.get(q.type).pools.items():
        if len(getattr(q, pool)) < least:
            what = f"at least {_WORDS.get(least, least)} {pool}"
            raise DataError(path, f"a {q.type} question needs {what}.", row=where, field=pool,
                            fix=f"add '{pool}:' with {what}.")
    for pool in ("options", "items", "categories"):
        ids = [o.id for o in getattr(q, pool)]
        if len(ids) != len(set(ids)):
            raise DataError(path, "ids must be unique within the list.", row=where, field=pool,
                            fix="give each entry its own id.")


def load_keys(path: Path, questions: list[Question], module: str,
              variants: dict[str, list[tuple[Question, qpools.Variant]]] | None = None) -> dict[str, Key]:
    """Load a key file and check it against its questions.

    A template question's key makes one key per variant (its answer from the data), stored
    under the variant's id; ``correct:`` is not given for a template.
    """
    variants = variants or {}
    if not path.is_file():
        raise DataError(path, "the key file is missing.",
                        fix="restore it from the instructor's copy of data/quizzes/keys/.")
    raw = read_yaml(path)
    model = validate_mapping(path, raw, KeyFileModel, expected="a mapping with schema, module and keys",
                             doc="data/quizzes/README.md",
                             on_error=lambda exc: _raise_validation(path, exc, raw, "keys"))
    if model.module != module:
        raise DataError(path, f"module {model.module!r} does not match the bank's {module!r}.",
                        field="module", fix="use the bank's module id.")
    by_id = {q.id: q for q in questions}
    for qid in model.keys:
        if qid not in by_id:
            raise DataError(path, "no question with this id in the bank.", row=f"question {qid}",
                            fix="correct the id or delete the stale key.")
    out: dict[str, Key] = {}
    for q in questions:
        km = model.keys.get(q.id)
        if km is None:
            if q.graded:
                raise DataError(path, "a graded question has no key.", row=f"question {q.id}",
                                fix=f"add a key for {q.id} under 'keys:'.")
            continue
        if q.id in variants:
            if km.correct is not None:
                raise DataError(path, "the answer of a question with variants comes from the data.",
                                row=f"question {q.id}", field="correct", fix="remove 'correct:'.")
            template = Key(feedback=dict(km.feedback), explanation=km.explanation.strip(),
                           tolerance_abs=(km.tolerance or {}).get("abs"),
                           tolerance_rel=(km.tolerance or {}).get("rel"), misconceptions=dict(km.misconceptions))
            for vq, v in variants[q.id]:
                vkey = qpools.variant_key(q, v, template, path)
                out[vq.id] = _key(path, vq, KeyModel(correct=vkey.correct, feedback=vkey.feedback,
                                                     explanation=vkey.explanation, tolerance=km.tolerance,
                                                     misconceptions=km.misconceptions))
            continue
        out[q.id] = _key(path, q, km)
    return out


def _key(path: Path, q: Question, km: KeyModel) -> Key:
    where = f"question {q.id}"
    qtype = qtypes.get(q.type)
    if q.judgement:
        return _judgement_key(path, where, q, km)
    if km.view is not None:
        raise DataError(path, "only a judgement question has a 'view:' (the kit's own call, not scored).",
                        row=where, field="view", fix="use 'correct:' for a scored key, or mark the "
                        "question 'judgement: true' in the bank.")
    if km.tolerance is not None and not qtype.takes_tolerance:
        raise DataError(path, f"a {q.type} key takes no tolerance.", row=where, field="tolerance",
                        fix="remove 'tolerance:'.")
    try:
        qtype.check_key(q, km.correct, km.tolerance)
    except qtypes.KeyProblem as exc:
        raise DataError(path, exc.message, row=where, field=exc.field, fix=exc.fix) from None
    allowed = qtype.feedback_ids(q)
    stray = [k for k in km.feedback if k not in allowed]
    if stray:
        raise DataError(path, f"feedback for unknown id(s) {stray}.", row=where, field="feedback",
                        fix=f"use ids from {allowed}.")
    if qtype.graded and not km.explanation.strip():
        raise DataError(path, "every graded question needs an explanation.", row=where, field="explanation",
                        fix="say why the answer is right, shown after answering.")
    tol = km.tolerance or {}
    key = Key(correct=km.correct, feedback=dict(km.feedback), explanation=km.explanation.strip(),
              tolerance_abs=tol.get("abs"), tolerance_rel=tol.get("rel"), misconceptions=dict(km.misconceptions),
              view=km.view)
    _check_misconceptions(path, q, key)
    return key


def _check_misconceptions(path: Path, q: Question, key: Key) -> None:
    """Misconceptions name options that exist and that the right answer does not pick."""
    where = f"question {q.id}"
    options = [o.id for o in q.options]
    stray = [oid for oid in key.misconceptions if oid not in options]
    if stray:
        raise DataError(path, f"misconceptions for unknown option(s) {stray}.", row=where, field="misconceptions",
                        fix=f"use option ids from {options}.")
    qtype = qtypes.get(q.type)
    right = qtype.chosen_options(q, qtype.full_marks(q, key)) if qtype.graded else set()
    tagged = set(key.misconceptions) | {o.id for o in q.options if o.misconception}
    wrong = sorted(tagged & right)
    if wrong:
        raise DataError(path, f"option(s) {wrong} are part of the right answer but name a misconception.",
                        row=where, field="misconceptions",
                        fix="name misconceptions on distractors (options the right answer does not pick).")


def _judgement_key(path: Path, where: str, q: Question, km: KeyModel) -> Key:
    qtype = qtypes.get(q.type)
    if km.correct is not None or km.tolerance is not None:
        raise DataError(path, "a judgement question is recorded, never scored: its key cannot say what is "
                        "correct.", row=where, field="correct" if km.correct is not None else "tolerance",
                        fix="rename 'correct:' to 'view:' (the kit's own call, shown for comparison) "
                        "and remove any tolerance.")
    if km.view is not None:
        try:
            qtype.check_key(q, km.view, None)
        except qtypes.KeyProblem as exc:
            raise DataError(path, exc.message, row=where, field="view", fix=exc.fix) from None
    allowed = qtype.feedback_ids(q)
    stray = [k for k in km.feedback if k not in allowed]
    if stray:
        raise DataError(path, f"feedback for unknown id(s) {stray}.", row=where, field="feedback",
                        fix=f"use ids from {allowed}.")
    return Key(feedback=dict(km.feedback), explanation=km.explanation.strip(), view=km.view)


def bank_path(module: str) -> Path:
    return data_file(f"quizzes/{module}.yml")


def bank_paths() -> list[Path]:
    return sorted(data_file("quizzes").glob("*.yml"))


def simulate(bank: Bank) -> list[tuple[Question, object]]:
    """Answer every graded question with its own key; return (question, result) pairs.

    Every result should be full marks: one that is not shows a key that contradicts its
    question (or a checker that disagrees with the key format).
    """
    from coursekit.quiz.model import check, full_marks_answer

    if bank.keys is None:
        raise DataError(key_path_for(bank.path), "simulate needs the key file.",
                        fix="run it where the instructor's keys are (data/quizzes/keys/).")
    out = []
    for q in qpools.every_question(bank):  # every variant of every template too
        if not q.graded:
            continue
        key = bank.key(q.id)
        out.append((q, check(q, key, full_marks_answer(q, key))))
    return out
