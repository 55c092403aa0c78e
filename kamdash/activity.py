"""The audit trail in words: what one entry changed, for the Activity page and an account's
history. Pure: no Streamlit, no session."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["ACTIONS", "ENTITIES", "change_text", "describe"]

ACTIONS = {"create": "Added", "update": "Changed", "delete": "Removed"}
ENTITIES = {"stakeholder": "Stakeholder", "engagement": "Engagement", "account": "Account",
            "user": "User", "portfolio": "Whole database", "rating": "Rating",
            "scenario": "Scenario", "designation": "Key-account status"}
_SHOWN = 60  # characters of one value shown


def _value(value: object) -> str:
    if value is None or value == "":
        return "–"
    text = str(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def change_text(action: str, before: Mapping | None, after: Mapping | None) -> str:
    """One entry's change in words: the fields that changed as "field: old → new", a new
    row's or a removed row's name (or its fields), "; "-separated."""
    old, new = dict(before or {}), dict(after or {})
    if action == "update":
        return "; ".join(f"{k.replace('_', ' ')}: {_value(old.get(k))} → {_value(new.get(k))}"
                         for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k))
    row = new if action == "create" else old
    for key in ("name", "summary", "email"):
        if row.get(key):
            return _value(row[key])
    return "; ".join(f"{k.replace('_', ' ')}: {_value(v)}" for k, v in sorted(row.items()))


def describe(audit: pd.DataFrame) -> pd.DataFrame:
    """``store.load_audit`` rows with what (e.g. "Changed stakeholder") and change (in
    words) added."""
    what = (audit["action"].map(ACTIONS).fillna(audit["action"]) + " "
            + audit["entity"].map(ENTITIES).fillna(audit["entity"]).str.lower())
    change = [change_text(a, b, c) for a, b, c in
              zip(audit["action"], audit["before"], audit["after"], strict=True)]
    return audit.assign(what=what.astype(object), change=pd.Series(change, index=audit.index,
                                                                   dtype=object))
