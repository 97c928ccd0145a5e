"""Test helpers: a small key folder, and submission files made by the kit's own store and export."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from coursekit.quiz.bank import load_bank
from coursekit.quiz.model import check
from coursekit.quiz.store import ProgressStore


def key_folder(root: Path, banks: dict[str, tuple[str, str]]) -> Path:
    """``root/quizzes`` holding ``NN.yml`` and ``keys/NN.yml`` for each module: (bank, key) YAML."""
    folder = root / "quizzes"
    (folder / "keys").mkdir(parents=True, exist_ok=True)
    for module, (bank, key) in banks.items():
        (folder / f"{module}.yml").write_text(textwrap.dedent(bank), encoding="utf-8")
        (folder / "keys" / f"{module}.yml").write_text(textwrap.dedent(key), encoding="utf-8")
    return folder


class _Any:
    def __contains__(self, item: object) -> bool:
        return True


def submit(out: Path, learner: str, bank_path: Path, answers: dict[str, Any], *, questions=None) -> Path:
    """Answer as the widget would (formative banks scored, assessed recorded) and export the file.

    ``questions`` maps a stored question id to the Question and Key answered (a variant); by
    default the bank's own questions.
    """
    bank = load_bank(bank_path, keys=True, known_sources=_Any())
    store = ProgressStore(out.with_suffix(".sqlite"))
    for qid, answer in answers.items():
        q, key = questions[qid] if questions and qid in questions else (bank.question(qid), bank.key(qid))
        result = check(q, key if bank.mode == "formative" else None, answer)
        store.append(module=bank.module, question_id=qid, question_hash=q.digest(),
                     key_hash=key.digest() if key and bank.mode == "formative" else None, mode=bank.mode,
                     answer=answer, score=result.score if bank.mode == "formative" else None,
                     max_score=q.points, learner=learner)
    store.export(out, learner)
    return out
