"""The essay's argument as data: counts and a map of the claims in ``data/claims.yml``.

Small helpers on the DataFrame that :func:`coursekit.claims.load_claims` returns: how many
claims of each type each paragraph makes, how the roles (thesis, reasons, rebuttals of the
"myths", call to action, context) are spread over the essay, and a chart of both.

>>> from coursekit.claims import load_claims
>>> from coursekit.argument import counts_by_paragraph
>>> table = counts_by_paragraph(load_claims())
>>> int(table.loc[15].sum())
4
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from coursekit.claims import CLAIM_TYPES, PARAGRAPHS, ROLES
from coursekit.essay import SOURCE_ID as ESSAY_ID
from coursekit.figcache import cached
from coursekit.figures import KitFigure
from coursekit.maps.style import BLUE, GREEN, ORANGE, PURPLE, YELLOW

#: Role order for the argument map: the thesis first, context last.
ROLE_ORDER = ("thesis", "reason", "myth_rebuttal", "call_to_action", "context")
ROLE_LABELS = {
    "thesis": "Thesis",
    "reason": "Reasons",
    "myth_rebuttal": 'Rebuttals of the three "myths"',
    "call_to_action": "Call to action",
    "context": "Context",
}
TYPE_LABELS = {
    "fact": "checkable fact",
    "attributed": "attributed statement",
    "prediction": "prediction",
    "value": "value judgement or recommendation",
    "rhetorical": "rhetorical device",
}
#: Okabe-Ito colours and a hatch per claim type, so the chart does not rely on colour alone.
TYPE_STYLE = {
    "fact": (BLUE, ""),
    "attributed": (ORANGE, "//"),
    "prediction": (GREEN, ".."),
    "value": (PURPLE, "xx"),
    "rhetorical": (YELLOW, "--"),
}
SOURCE_LINE = "Source: data/claims.yml (the essay's 40 claims, restated and classified by the kit)."


def _check(values: Iterable[str] | None, allowed: Iterable[str], what: str) -> list[str] | None:
    if values is None:
        return None
    values = [values] if isinstance(values, str) else list(values)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; use some of {list(allowed)}")
    return values


def select(df: pd.DataFrame, *, paragraphs: Iterable[int] | int | None = None,
           types: Iterable[str] | str | None = None, roles: Iterable[str] | str | None = None) -> pd.DataFrame:
    """The claims in the given paragraphs (one number or several), of the given types and roles
    (None = all)."""
    types = _check(types, CLAIM_TYPES, "claim type(s)")
    roles = _check(roles, ROLES, "role(s)")
    out = df
    if paragraphs is not None:
        paras = [int(paragraphs)] if isinstance(paragraphs, int | str) else [int(p) for p in paragraphs]
        bad = [p for p in paras if not 1 <= p <= PARAGRAPHS]
        if bad:
            raise ValueError(f"paragraphs {bad} do not exist; the essay has paragraphs 1-{PARAGRAPHS}")
        out = out[out["paragraph"].isin(paras)]
    if types is not None:
        out = out[out["type"].isin(types)]
    if roles is not None:
        out = out[out["role"].isin(roles)]
    return out.reset_index(drop=True)


def counts_by_paragraph(df: pd.DataFrame) -> pd.DataFrame:
    """Claims per paragraph (rows 1-16) and type (columns in the kit's order), zeros included."""
    table = pd.crosstab(df["paragraph"], df["type"])
    table = table.reindex(index=range(1, PARAGRAPHS + 1), columns=list(CLAIM_TYPES), fill_value=0)
    table.index.name, table.columns.name = "paragraph", "type"
    return table


def counts_by_role(df: pd.DataFrame) -> pd.DataFrame:
    """Claims per role (rows, thesis first) and type (columns), zeros included."""
    table = pd.crosstab(df["role"], df["type"])
    table = table.reindex(index=list(ROLE_ORDER), columns=list(CLAIM_TYPES), fill_value=0)
    table.index.name, table.columns.name = "role", "type"
    return table


def argument_map(df: pd.DataFrame) -> pd.DataFrame:
    """One row per role, in argument order: the paragraphs it occupies and its claim ids."""
    rows = []
    for role in ROLE_ORDER:
        sub = df[df["role"] == role].sort_values(["paragraph", "id"])
        paras = sorted(set(sub["paragraph"]))
        rows.append({
            "part of the argument": ROLE_LABELS[role],
            "paragraphs": ", ".join(f"¶{p}" for p in paras),
            "claims": " ".join(sub["id"]),
            "count": len(sub),
        })
    return pd.DataFrame(rows)


def alt_text(table: pd.DataFrame) -> str:
    """A description of the paragraph-by-type chart for screen readers."""
    totals = table.sum()
    per_type = ", ".join(f"{TYPE_LABELS[t]} {int(totals[t])}" for t in table.columns)
    per_para = "; ".join(
        f"¶{p}: " + ", ".join(f"{int(n)} {t}" for t, n in row.items() if n) for p, row in table.iterrows()
    )
    return (f"Stacked horizontal bar chart of the essay's {int(totals.sum())} claims by paragraph "
            f"(¶1 at the top to ¶{table.index.max()}) and type, each type with its own colour and hatch. "
            f"Totals by type: {per_type}. By paragraph: {per_para}.")


@cached
def plot_types_by_paragraph(df: pd.DataFrame, ax=None):
    """Stacked bars: how many claims of each type every paragraph makes.

    Each type has a colour and a hatch pattern; the figure has a title, a legend and a source
    line; returns a :class:`~coursekit.figures.KitFigure` with a suggested alt text.
    """
    import matplotlib.pyplot as plt

    table = counts_by_paragraph(df)
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 6.2))
    else:
        fig = ax.figure
    left = pd.Series(0, index=table.index)
    y = [f"¶{p}" for p in table.index]
    for ctype in table.columns:
        colour, hatch = TYPE_STYLE[ctype]
        ax.barh(y, table[ctype], left=left, color=colour, hatch=hatch, edgecolor="black", linewidth=0.6,
                label=TYPE_LABELS[ctype])
        left = left + table[ctype]
    ax.invert_yaxis()
    ax.set_xlabel("number of claims")
    ax.set_xticks(range(0, int(left.max()) + 1))
    ax.set_title("The essay paragraph by paragraph: what kinds of claim it makes", loc="left")
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, title="claim type", frameon=False)
    ax.annotate(SOURCE_LINE, xy=(0, -0.13), xycoords="axes fraction", fontsize=8, color="#444444")
    return KitFigure(fig, alt_text(table), (ESSAY_ID,), note=SOURCE_LINE.removeprefix("Source: "))
