"""The review clock: which verdicts and time-sensitive data files are due for a review.

The kit teaches current events, so its verdicts and its time-sensitive data go stale.
Each carries the date it was last checked against the record:

* every verdict in ``data/claims.yml`` and ``data/scorecard.yml`` has ``reviewed:``
  (``"YYYY-MM-DD"``) next to its ``date``;
* every time-sensitive data file has an entry in ``data/review.yml`` with ``reviewed``
  and ``check`` (what to look for when reviewing it).

``data/review.yml`` also holds the policy: how many months may pass between reviews
(``policy.verdicts``, ``policy.datasets``), and lists the files that are not
time-sensitive (``exempt``, each with the reason). A verdict or file without a review
date counts as overdue. ``coursekit review [--today YYYY-MM-DD]`` prints what is overdue.

>>> import datetime as dt
>>> add_months(dt.date(2026, 1, 31), 1)
datetime.date(2026, 2, 28)
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from coursekit.errors import DataError
from coursekit.models import Text, validate_mapping
from coursekit.paths import data_file
from coursekit.validate import read_yaml

KINDS = ("verdicts", "datasets")


@dataclass(frozen=True)
class Item:
    """One thing under review: a verdict or a data file."""

    kind: str  # "verdict" or "dataset"
    name: str  # e.g. "claims.yml c31", "scorecard.yml s04", "exercises.csv"
    reviewed: dt.date | None
    due: dt.date | None
    check: str = ""

    def overdue(self, today: dt.date) -> bool:
        return self.due is None or today > self.due


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_date(value: Any, path: str | Path, *, row: str | None = None,
                field: str | None = "reviewed", required: bool = False,
                fix: str | None = None) -> dt.date | None:
    """A review date: a day (``YYYY-MM-DD``), through the kit's one date rule
    (:func:`coursekit.validate.check_date`); None when absent and not ``required``."""
    from coursekit.validate import check_date

    if value in (None, ""):
        if required:
            raise DataError(path, "has no review date.", row=row, field=field,
                            fix='add reviewed: "YYYY-MM-DD", the day it was last checked.')
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    try:
        return check_date(text, path, row=row, field=field or "reviewed", precisions=("day",),
                          quoted=fix is None).start
    except DataError as exc:
        if fix is None:
            raise
        raise DataError(path, exc.detail, row=row, field=field, fix=fix) from None


class PolicyModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdicts: int = Field(strict=True, ge=1)
    datasets: int = Field(strict=True, ge=1)


class DatasetModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: Text
    reviewed: Any = None
    check: Text


class ExemptModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: Text
    why: Text


class ReviewModel(BaseModel):
    """data/review.yml: how often content is reviewed, when each dataset was, and what is exempt."""

    model_config = ConfigDict(extra="forbid")

    policy: PolicyModel
    datasets: list[DatasetModel] = []
    exempt: list[ExemptModel] = []


def load_policy(path: str | Path | None = None) -> dict[str, Any]:
    """``data/review.yml``, validated (:class:`ReviewModel`): policy months, datasets and exempt files."""
    p = Path(path) if path else data_file("review.yml")
    model = validate_mapping(p, read_yaml(p), ReviewModel, expected="a mapping with policy, datasets and exempt",
                             doc="data/README.md, section review.yml")
    datasets = [{"file": d.file, "reviewed": review_date(d.reviewed, p, row=f"dataset {d.file}"),
                 "check": " ".join(d.check.split())} for d in model.datasets]
    exempt = {e.file: e.why for e in model.exempt}
    names = [d["file"] for d in datasets] + [e.file for e in model.exempt]
    twice = sorted({f for f in names if names.count(f) > 1})
    if twice:
        raise DataError(p, f"{twice} listed twice.", field="datasets",
                        fix="list each file once, under datasets or under exempt.")
    return {"path": p, "months": model.policy.model_dump(), "datasets": datasets, "exempt": exempt}


def _verdicts(path: Path, container: str, months: int) -> list[Item]:
    data = read_yaml(path)
    entries = data.get(container) if isinstance(data, dict) else None
    out = []
    for n, entry in enumerate(entries or [], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("verdict"), dict):
            continue
        row = f"{container[:-1]} {entry.get('id') or n}"
        reviewed = review_date(entry["verdict"].get("reviewed"), path, row=row,
                               field="verdict.reviewed")
        out.append(Item("verdict", f"{path.name} {entry.get('id')}", reviewed,
                        add_months(reviewed, months) if reviewed else None,
                        "check the verdict against events since it was reviewed"))
    return out


def items(policy_path: str | Path | None = None) -> list[Item]:
    """Every verdict and every time-sensitive data file, with its review and due dates."""
    policy = load_policy(policy_path)
    base = Path(policy["path"]).parent
    out = _verdicts(base / "claims.yml", "claims", policy["months"]["verdicts"])
    out += _verdicts(base / "scorecard.yml", "items", policy["months"]["verdicts"])
    for d in policy["datasets"]:
        if not (base / d["file"]).is_file():
            raise DataError(policy["path"], f"{d['file']!r} is not a file in data/.",
                            row=f"dataset {d['file']}", field="file",
                            fix="correct the name, or remove the entry if the file is gone.")
        due = add_months(d["reviewed"], policy["months"]["datasets"]) if d["reviewed"] else None
        out.append(Item("dataset", d["file"], d["reviewed"], due, d["check"]))
    return out


def overdue(today: dt.date | None = None, policy_path: str | Path | None = None) -> list[Item]:
    """The items whose next review was due before ``today`` (default: the real today)."""
    today = today or dt.date.today()
    return [i for i in items(policy_path) if i.overdue(today)]


def unclassified(policy_path: str | Path | None = None) -> list[str]:
    """Data files (top level of data/) listed neither under datasets nor under exempt."""
    policy = load_policy(policy_path)
    base = Path(policy["path"]).parent
    known = {d["file"] for d in policy["datasets"]} | set(policy["exempt"]) | {Path(policy["path"]).name}
    return sorted(p.name for p in base.iterdir()
                  if p.is_file() and p.suffix in {".csv", ".yml", ".yaml", ".geojson"}
                  and p.name not in known)


def report(today: dt.date | None = None, policy_path: str | Path | None = None,
           show_all: bool = False) -> tuple[list[str], int]:
    """The lines ``coursekit review`` prints and the number of overdue items."""
    today = today or dt.date.today()
    policy = load_policy(policy_path)
    every = items(policy_path)
    late = [i for i in every if i.overdue(today)]
    m = policy["months"]
    lines = [f"Review policy (data/review.yml): verdicts every {m['verdicts']} months, "
             f"time-sensitive data files every {m['datasets']} months. Today: {today.isoformat()}."]
    shown = every if show_all else late
    for i in shown:
        state = "OVERDUE" if i.overdue(today) else "ok     "
        reviewed = i.reviewed.isoformat() if i.reviewed else "never"
        due = i.due.isoformat() if i.due else "now"
        line = f"{state} {i.kind:<8} {i.name:<28} reviewed {reviewed}  due {due}"
        if i.kind == "dataset" and i.overdue(today):
            line += f"\n        check: {i.check}"
        lines.append(line)
    loose = unclassified(policy_path)
    if loose:
        lines.append(f"NOTE    not in data/review.yml (add under datasets or exempt): {', '.join(loose)}")
    if late:
        lines.append(f"{len(late)} of {len(every)} items overdue. Review each against sources "
                     "dated since it was last reviewed, then set its reviewed date "
                     "(see data/README.md, section review.yml).")
    else:
        nxt = min((i.due for i in every if i.due), default=None)
        lines.append(f"Nothing overdue ({len(every)} items"
                     + (f"; next due {nxt.isoformat()})." if nxt else ")."))
    return lines, len(late)
