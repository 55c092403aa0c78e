"""The Selection page's downloads: the whole ranking and the promoted / demoted / stays-key
lists as CSV and .xlsx, with the columns the page shows and the scenario in the file name
(and on the workbook's first sheet).

Pure pandas + openpyxl. Text cells that a spreadsheet would read as a formula (starting with
= + - @, a tab or a carriage return) get a leading apostrophe (OWASP's CSV injection advice);
the workbook holds values only.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import pandas as pd

from kamdash import criteria, selection

# On-screen column -> heading, in the page's order.
COLUMNS = {
    "rank": "Rank", "name": "Account", "score": "Score", "stability": "Chance of being key",
    "change": "Change", "key_today": "Key today", "industry": "Industry",
    "manager": "Manager", "annual_revenue": "Revenue, 12 months",
}
LISTS = ((selection.PROMOTED, "Promoted"), (selection.DEMOTED, "Demoted"),
         (selection.STAYS_KEY, "Stays key"))
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell a spreadsheet would run as a formula starts with '."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return out


def shown(table: pd.DataFrame, stability: pd.Series | None = None) -> pd.DataFrame:
    """The ranking as the page shows it: on-screen headings, change in words, score rounded
    as displayed, the chance of being key (0-1) when it was worked out."""
    frame = table.assign(score=table["score"].round(2),
                         change=table["change"].replace({selection.NOT_KEY: ""}))
    if stability is not None:
        frame = frame.assign(stability=stability.reindex(table.index).round(3))
    columns = [c for c in COLUMNS if c in frame.columns]
    return frame[columns].rename(columns=COLUMNS).reset_index(drop=True)


def lists(table: pd.DataFrame, stability: pd.Series | None = None) -> dict[str, pd.DataFrame]:
    """The ranking and the three lists against today, each as ``shown``."""
    out = {"Ranking": shown(table, stability)}
    for change, title in LISTS:
        out[title] = shown(table[table["change"] == change], stability)
    return out


def describe(weights: Mapping[str, float], missing: str, rule: selection.Rule) -> list[
        tuple[str, str]]:
    """The scenario in rows of (what, value), for the workbook's first sheet."""
    return [
        ("Key accounts are", rule.describe()),
        ("Criteria and weights", selection.describe_weights(weights)),
        ("Criteria not rated", selection.MISSING_LABELS[missing]),
    ]


def file_stem(weights: Mapping[str, float], missing: str, rule: selection.Rule) -> str:
    """'selection_top-20_revenue-potential-5_solvency-2_unrated-as-1': the scenario in a
    file name (ASCII, no spaces)."""
    if rule.kind == "top_n":
        how = f"top-{rule.n}"
    elif rule.kind == "threshold":
        how = f"min-score-{rule.threshold:g}"
    else:
        how = "kam-capacity"
    parts = [how, *(f"{criteria.label(k)}-{w:g}" for k, w in weights.items()
                    if k in criteria.BY_KEY and w),
             "unrated-as-1" if missing == "floor" else "unrated-left-out"]
    slug = "_".join(re.sub(r"[^a-z0-9.]+", "-", p.lower()).strip("-") for p in parts)
    return f"selection_{slug}"


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads accents right."""
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx(sheets: Mapping[str, pd.DataFrame], scenario: list[tuple[str, str]]) -> bytes:
    """A workbook: the scenario on the first sheet, then one sheet per frame (values only)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise(pd.DataFrame(scenario, columns=["Scenario", ""])).to_excel(
            writer, sheet_name="Scenario", index=False)
        for title, frame in sheets.items():
            neutralise(frame).to_excel(writer, sheet_name=title[:31], index=False)
        for sheet in writer.sheets.values():
            for column in sheet.columns:
                width = max(len(str(c.value or "")) for c in column[:200])
                sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)
    return buffer.getvalue()
