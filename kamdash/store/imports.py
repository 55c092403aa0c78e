"""Imports and exports: upsert a checked file by natural key in one transaction; read the
documented columns back out.

All or nothing: every row is checked against the database (does the account exist? the
stakeholder?) before the first write, and any problem rejects the whole file with
``kamdash.io.ImportRejected`` listing each bad line. Re-importing the same file changes
nothing and leaves the data version alone.

Natural keys: accounts by name; ratings by (account, criterion, rated_on); stakeholders by
(account, name); engagements by (account, date, kind, stakeholder, summary). A documented
column the file leaves out is left as it is in the database; a blank cell clears the value.

Managers: ``kam_email`` names the account's manager. An email nobody has yet creates that
manager (name taken from the address, e.g. ``ann.berg@x.com`` -> "Ann Berg", role KAM,
default capacity): CRM exports carry the owner's email but there is no manager file, and
refusing would leave no way to assign managers at all. The new managers are counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session

from kamdash import io
from kamdash.io import ImportRejected, ParsedFile, Problem
from kamdash.models import Account, Designation, Engagement, Manager, Rating, Stakeholder
from kamdash.store.core import _latest_designation_subquery, bump_version, ensure_writable

__all__ = [
    "ImportResult",
    "export_rows",
    "import_file",
    "import_rows",
]

Progress = Callable[[float], None]
# Rows per executemany batch; the progress callback is told after each one.
BATCH = 1000
# Key of the PostgreSQL advisory lock that serialises imports (any constant unique to kamdash).
_PG_IMPORT_LOCK = 0x6B616D69  # "kami"
IMPORT_REASON = "imported from file"


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows added, updated and unchanged (and managers created)."""

    kind: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    managers_added: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.managers_added)

    def __str__(self) -> str:
        text = f"{self.kind}: {self.added:,} added, {self.updated:,} updated, " \
               f"{self.unchanged:,} unchanged"
        if self.managers_added:
            s = "s" if self.managers_added != 1 else ""
            text += f" ({self.managers_added:,} new manager{s} created from kam_email)"
        return text


# --- entry points ---------------------------------------------------------------------------


def import_file(
    engine: Engine,
    kind: str,
    data: bytes,
    filename: str,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportResult:
    """Read, check and import a CSV or .xlsx file of ``kind``; ImportRejected if anything is
    wrong (nothing is written then)."""
    ensure_writable()
    return import_rows(engine, io.parse(kind, data, filename), progress=progress, today=today)


def import_rows(
    engine: Engine,
    parsed: ParsedFile,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportResult:
    """Upsert the rows of a parsed file in one transaction (see the module docstring).

    ``progress`` is called with the fraction done (0..1) as batches land; ``today`` dates the
    key-account changes an accounts file makes (default: today).
    """
    ensure_writable()
    parsed.raise_if_invalid()
    report = _Reporter(progress)
    with Session(engine) as session, session.begin():
        _lock_for_import(session)
        writer = _WRITERS[parsed.kind]
        result = writer(session, parsed, report, today or date.today())
        if result.changed:
            bump_version(session)
    report(1.0)
    return result


def export_rows(engine: Engine, kind: str) -> pd.DataFrame:
    """Every row of ``kind`` with the documented columns (typed as ``kamdash.io.parse`` gives
    them), ready for ``kamdash.io.to_bytes``.

    Rows sharing a natural key (e.g. two identical engagements logged twice) come out once,
    the latest, so that the file imports back as it is.
    """
    io.column_names(kind)  # unknown kind -> ValueError
    with engine.connect() as conn:
        frame = _READERS[kind](conn)
    key = list(io.NATURAL_KEYS[kind])
    frame = frame.drop_duplicates(subset=key, keep="last")
    return frame[list(io.column_names(kind))].reset_index(drop=True)


# --- shared machinery ----------------------------------------------------------------------


class _Reporter:
    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.done = 0.0

    def __call__(self, fraction: float) -> None:
        fraction = min(fraction, 1.0)
        if fraction <= self.done and fraction < 1.0:
            return
        self.done = fraction
        if self.progress is not None:
            self.progress(fraction)


def _lock_for_import(session: Session) -> None:
    """Take the write lock before reading what the writes are checked against."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        # pysqlite begins lazily at the first write; reads before it would see a snapshot
        # another writer can change underneath. BEGIN IMMEDIATE waits (busy_timeout) instead.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_IMPORT_LOCK})


def _read(session: Session, stmt) -> pd.DataFrame:
    return pd.read_sql(stmt, session.connection())


def _batched(session: Session, stmt, rows: list[dict], report: _Reporter, start: float,
             end: float) -> None:
    """executemany ``stmt`` over ``rows`` in batches, moving progress from start to end."""
    for i in range(0, len(rows), BATCH):
        session.connection().execute(stmt, rows[i : i + BATCH])
        report(start + (end - start) * min(i + BATCH, len(rows)) / len(rows))
    report(end)


def _update_by_id(model, fields) -> object:
    """UPDATE model SET field = :field, ... WHERE id = :_id, for executemany."""
    table = model.__table__
    return update(table).where(table.c.id == bindparam("_id")).values(
        {f: bindparam(f) for f in fields})


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values (NA -> None), as the driver wants them."""
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")


def _differs(new: pd.DataFrame, old: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Per row: does any of ``columns`` differ between two aligned, typed frames?"""
    changed = pd.Series(False, index=new.index)
    for col in columns:
        a, b = new[col], old[col]
        same = (a == b).astype("boolean").fillna(False) | (a.isna() & b.isna())
        changed |= ~same.astype(bool)
    return changed


def _account_ids(session: Session, rows: pd.DataFrame) -> tuple[pd.Series, list[Problem]]:
    """Account id per file row (by exact name, missing when unknown) and a problem per
    unknown name, suggesting the account whose name differs only in case."""
    accounts = _read(session, select(Account.id, Account.name))
    ids = rows["account"].map(dict(zip(accounts["name"], accounts["id"], strict=True)))
    unknown = ids.isna()
    folded = dict(zip(accounts["name"].str.casefold(), accounts["name"], strict=True))
    problems = []
    for line, name in rows.loc[unknown, ["line", "account"]].itertuples(index=False):
        hint = folded.get(name.casefold())
        problems.append(Problem(int(line), "account", f"no account named {name!r}" + (
            f" (did you mean {hint!r}?)" if hint else "; import it in an accounts file first")))
    return ids.astype("Int64"), problems


def _ids_by_name(frame: pd.DataFrame, account_ids: pd.Series, names: pd.Series) -> pd.Series:
    """Look up ``frame``'s ``id`` by (account_id, name) for each pair; missing when unknown."""
    lookup = frame.set_index(["account_id", "name"])["id"]
    lookup = lookup[~lookup.index.duplicated()]
    pairs = pd.MultiIndex.from_arrays([account_ids.astype("Int64"), names.astype(object)])
    return pd.Series(lookup.reindex(pairs).to_numpy(), index=names.index).astype("Int64")


def _present(parsed: ParsedFile, candidates: tuple[str, ...]) -> list[str]:
    return [c for c in candidates if c in parsed.present]


def _split(rows: pd.DataFrame, existing: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """File rows with the id (and typed old values, suffixed ``_old``) of their existing
    match by ``key``; rows without a match have a missing ``id``."""
    existing = existing.drop_duplicates(subset=key, keep="first")
    merged = rows.merge(existing, on=key, how="left", suffixes=("", "_old"), validate="m:1")
    merged.index = rows.index
    return merged


def _old(merged: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return merged[[f"{c}_old" for c in columns]].set_axis(columns, axis=1)


# --- accounts ------------------------------------------------------------------------------

_ACCOUNT_FIELDS = ("industry", "country", "city", "employees", "annual_revenue", "customer_since")


def _manager_name(email: str) -> str:
    local = email.split("@", 1)[0]
    words = [w for w in re.split(r"[._\-+]+", local) if w]
    return " ".join(w.capitalize() for w in words) or email


def _write_accounts(session: Session, parsed: ParsedFile, report: _Reporter,
                    today: date) -> ImportResult:
    rows = parsed.rows
    fields = _present(parsed, _ACCOUNT_FIELDS)
    latest = _latest_designation_subquery()
    existing = _read(session, select(
        Account.id, Account.name, *[getattr(Account, f) for f in _ACCOUNT_FIELDS],
        Account.manager_id, latest.c.is_key,
    ).join(latest, latest.c.account_id == Account.id, isouter=True))
    existing = pd.concat([existing[["id", "manager_id"]].astype("Int64"),
                          io.typed("accounts", existing.drop(columns=["id", "manager_id"]))],
                         axis=1)
    existing["is_key"] = existing["is_key"].fillna(False)
    report(0.1)

    # Managers: resolve kam_email, creating the unknown ones.
    managers_added = 0
    rows = rows.copy()
    if "kam_email" in parsed.present:
        managers = _read(session, select(Manager.id, Manager.email))
        by_email = {e.lower(): i for e, i in zip(managers["email"], managers["id"], strict=True)}
        new_emails = sorted(set(rows["kam_email"].dropna()) - set(by_email))
        if new_emails:
            session.connection().execute(insert(Manager.__table__), [
                dict(name=_manager_name(e), email=e) for e in new_emails
            ])
            managers = _read(session, select(Manager.id, Manager.email))
            by_email = {e.lower(): i for e, i in zip(managers["email"], managers["id"],
                                                     strict=True)}
            managers_added = len(new_emails)
        rows["manager_id"] = rows["kam_email"].map(by_email).astype("Int64")
        fields = [*fields, "manager_id"]

    merged = _split(rows, existing, ["name"])
    is_new = merged["id"].isna()
    changed = ~is_new & _differs(merged[fields], _old(merged, fields), fields)
    wants_key = merged["is_key"].notna()
    key_changes = wants_key & (
        merged["is_key"].astype("boolean") != merged["is_key_old"].astype("boolean").fillna(False)
    ).fillna(False)
    report(0.2)

    new_rows = merged.loc[is_new, ["name", *fields]]
    _batched(session, insert(Account.__table__), _records(new_rows), report, 0.2, 0.6)
    upd = merged.loc[changed, ["id", *fields]].rename(columns={"id": "_id"})
    stmt = _update_by_id(Account, fields)
    _batched(session, stmt, _records(upd), report,
             0.6, 0.8)

    if key_changes.any():
        ids = _read(session, select(Account.id, Account.name)).set_index("name")["id"]
        designations = pd.DataFrame({
            "account_id": merged.loc[key_changes, "name"].map(ids).astype("int64"),
            "is_key": merged.loc[key_changes, "is_key"].astype(bool),
            "changed_on": today,
            "reason": IMPORT_REASON,
        })
        _batched(session, insert(Designation.__table__), _records(designations), report, 0.8, 0.95)

    updated = int((changed | (key_changes & ~is_new)).sum())
    added = int(is_new.sum())
    return ImportResult("accounts", added, updated, len(rows) - added - updated, managers_added)


def _read_accounts(conn) -> pd.DataFrame:
    latest = _latest_designation_subquery()
    stmt = (
        select(Account.name, *[getattr(Account, f) for f in _ACCOUNT_FIELDS],
               Manager.email.label("kam_email"), latest.c.is_key)
        .join(Manager, Manager.id == Account.manager_id, isouter=True)
        .join(latest, latest.c.account_id == Account.id, isouter=True)
        .order_by(Account.id)
    )
    frame = pd.read_sql(stmt, conn)
    frame["is_key"] = frame["is_key"].fillna(False).astype(bool)
    return io.typed("accounts", frame)


# --- ratings -------------------------------------------------------------------------------


def _write_ratings(session: Session, parsed: ParsedFile, report: _Reporter,
                   today: date) -> ImportResult:
    rows = parsed.rows.copy()
    rows["account_id"], problems = _account_ids(session, rows)
    if problems:
        raise ImportRejected(problems)
    rows["account_id"] = rows["account_id"].astype("int64")
    fields = _present(parsed, ("value", "rated_by"))
    existing = _read(session, select(Rating.id, Rating.account_id, Rating.criterion,
                                     Rating.value, Rating.rated_on, Rating.rated_by)
                     .order_by(Rating.id.desc()))
    existing = pd.concat([existing[["id", "account_id"]],
                          io.typed("ratings", existing.drop(columns=["id", "account_id"]))],
                         axis=1)
    report(0.1)
    key = ["account_id", "criterion", "rated_on"]
    merged = _split(rows, existing.drop_duplicates(subset=key), key)  # latest wins, as on read
    is_new = merged["id"].isna()
    changed = ~is_new & _differs(merged[fields], _old(merged, fields), fields)

    new_rows = merged.loc[is_new, ["account_id", "criterion", "value", "rated_on", "rated_by"]]
    _batched(session, insert(Rating.__table__), _records(new_rows), report, 0.1, 0.8)
    upd = merged.loc[changed, ["id", *fields]].rename(columns={"id": "_id"})
    stmt = _update_by_id(Rating, fields)
    _batched(session, stmt, _records(upd), report,
             0.8, 0.95)
    added, updated = int(is_new.sum()), int(changed.sum())
    return ImportResult("ratings", added, updated, len(rows) - added - updated)


def _read_ratings(conn) -> pd.DataFrame:
    stmt = (
        select(Account.name.label("account"), Rating.criterion, Rating.value, Rating.rated_on,
               Rating.rated_by)
        .join(Account, Account.id == Rating.account_id)
        .order_by(Account.name, Rating.criterion, Rating.rated_on, Rating.id)
    )
    return io.typed("ratings", pd.read_sql(stmt, conn))


# --- stakeholders --------------------------------------------------------------------------

_STAKEHOLDER_FIELDS = ("title", "department", "roles", "influence", "stance", "email")


def _write_stakeholders(session: Session, parsed: ParsedFile, report: _Reporter,
                        today: date) -> ImportResult:
    rows = parsed.rows.copy()
    rows["account_id"], problems = _account_ids(session, rows)
    fields = _present(parsed, _STAKEHOLDER_FIELDS)
    boss = aliased(Stakeholder)
    existing = _read(session, select(
        Stakeholder.id, Stakeholder.account_id, Stakeholder.name,
        *[getattr(Stakeholder, f) for f in _STAKEHOLDER_FIELDS],
        boss.name.label("reports_to"),
    ).join(boss, boss.id == Stakeholder.reports_to_id, isouter=True))
    existing = pd.concat([existing[["id", "account_id"]],
                          io.typed("stakeholders", existing.drop(columns=["id", "account_id"]))],
                         axis=1)
    report(0.1)

    with_boss = "reports_to" in parsed.present
    if with_boss:
        problems += _reports_to_problems(rows, existing)
    if problems:
        raise ImportRejected(problems)
    rows["account_id"] = rows["account_id"].astype("int64")
    fields_compared = [*fields, "reports_to"] if with_boss else fields
    merged = _split(rows, existing, ["account_id", "name"])
    is_new = merged["id"].isna()
    changed = ~is_new & _differs(merged[fields_compared], _old(merged, fields_compared),
                                 fields_compared)

    new_rows = merged.loc[is_new, ["account_id", "name", *fields]]
    for col, default in (("roles", ""), ("influence", "medium"), ("stance", 0)):
        if col not in new_rows:
            new_rows[col] = default
    _batched(session, insert(Stakeholder.__table__), _records(new_rows), report, 0.1, 0.6)
    upd = merged.loc[changed, ["id", *fields]].rename(columns={"id": "_id"})
    if fields:
        stmt = _update_by_id(Stakeholder, fields)
        _batched(session, stmt, _records(upd),
                 report, 0.6, 0.8)

    touched = is_new | changed
    if with_boss and touched.any():
        people = _read(session, select(Stakeholder.id, Stakeholder.account_id, Stakeholder.name))
        boss_rows = merged[touched]
        links = pd.DataFrame({
            "_id": _ids_by_name(people, boss_rows["account_id"], boss_rows["name"]),
            "reports_to_id": _ids_by_name(people, boss_rows["account_id"],
                                          boss_rows["reports_to"]),
        })
        stmt = _update_by_id(Stakeholder, ["reports_to_id"])
        _batched(session, stmt, _records(links),
                 report, 0.8, 0.95)
    added, updated = int(is_new.sum()), int(changed.sum())
    return ImportResult("stakeholders", added, updated, len(rows) - added - updated)


def _reports_to_problems(rows: pd.DataFrame, existing: pd.DataFrame) -> list[Problem]:
    """reports_to must name another stakeholder of the same account (in the file or saved)."""
    known = pd.MultiIndex.from_arrays([
        pd.concat([existing["account_id"], rows["account_id"]]).astype("Int64"),
        pd.concat([existing["name"], rows["name"]]).astype(object),
    ])
    wanted = rows[rows["reports_to"].notna() & rows["account_id"].notna()]
    found = pd.MultiIndex.from_arrays([wanted["account_id"], wanted["reports_to"].astype(object)])
    self_ref = (wanted["reports_to"] == wanted["name"]).to_numpy(dtype=bool)
    unknown = ~found.isin(known)
    problems = [
        Problem(int(line), "reports_to", "a person cannot report to themselves")
        for line in wanted.loc[self_ref, "line"]
    ]
    problems += [
        Problem(int(line), "reports_to", f"no stakeholder named {boss!r} at {account!r}")
        for line, boss, account in wanted.loc[unknown & ~self_ref,
                                              ["line", "reports_to", "account"]]
        .itertuples(index=False)
    ]
    return problems


def _read_stakeholders(conn) -> pd.DataFrame:
    boss = aliased(Stakeholder)
    stmt = (
        select(Account.name.label("account"), Stakeholder.name,
               *[getattr(Stakeholder, f) for f in _STAKEHOLDER_FIELDS],
               boss.name.label("reports_to"))
        .join(Account, Account.id == Stakeholder.account_id)
        .join(boss, boss.id == Stakeholder.reports_to_id, isouter=True)
        .order_by(Account.name, Stakeholder.name)
    )
    return io.typed("stakeholders", pd.read_sql(stmt, conn))


# --- engagements ---------------------------------------------------------------------------


def _write_engagements(session: Session, parsed: ParsedFile, report: _Reporter,
                       today: date) -> ImportResult:
    rows = parsed.rows.copy()
    rows["account_id"], problems = _account_ids(session, rows)
    rows["summary"] = rows["summary"].fillna("")
    people = _read(session, select(Stakeholder.id, Stakeholder.account_id, Stakeholder.name))
    rows["stakeholder_id"] = _ids_by_name(people, rows["account_id"], rows["stakeholder"])
    unknown = rows["stakeholder"].notna() & rows["account_id"].notna() & rows[
        "stakeholder_id"].isna()
    problems += [
        Problem(int(line), "stakeholder", f"no stakeholder named {who!r} at {account!r}; "
                                          "import them in a stakeholders file first")
        for line, who, account in rows.loc[unknown, ["line", "stakeholder", "account"]]
        .itertuples(index=False)
    ]
    if problems:
        raise ImportRejected(problems)
    rows["account_id"] = rows["account_id"].astype("int64")
    ids = [int(i) for i in rows["account_id"].unique()]
    existing = _read(session, select(
        Engagement.id, Engagement.account_id, Engagement.stakeholder_id, Engagement.date,
        Engagement.kind, Engagement.summary, Engagement.sentiment,
    ).where(Engagement.account_id.in_(ids)).order_by(Engagement.id))
    existing = pd.concat([
        existing[["id", "account_id"]],
        existing[["stakeholder_id"]].astype("Int64"),
        io.typed("engagements", existing.drop(columns=["id", "account_id", "stakeholder_id"])),
    ], axis=1)
    existing["summary"] = existing["summary"].fillna("")
    report(0.1)
    key = ["account_id", "date", "kind", "stakeholder_id", "summary"]
    merged = _split(rows, existing, key)
    is_new = merged["id"].isna()
    fields = _present(parsed, ("sentiment",))
    changed = ~is_new & _differs(merged[fields], _old(merged, fields), fields)

    new_rows = merged.loc[is_new, ["account_id", "stakeholder_id", "date", "kind", "summary",
                                   "sentiment"]]
    _batched(session, insert(Engagement.__table__), _records(new_rows), report, 0.1, 0.85)
    upd = merged.loc[changed, ["id", *fields]].rename(columns={"id": "_id"})
    if fields:
        stmt = _update_by_id(Engagement, fields)
        _batched(session, stmt, _records(upd),
                 report, 0.85, 0.95)
    added, updated = int(is_new.sum()), int(changed.sum())
    return ImportResult("engagements", added, updated, len(rows) - added - updated)


def _read_engagements(conn) -> pd.DataFrame:
    stmt = (
        select(Account.name.label("account"), Stakeholder.name.label("stakeholder"),
               Engagement.date, Engagement.kind, Engagement.summary, Engagement.sentiment)
        .join(Account, Account.id == Engagement.account_id)
        .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id, isouter=True)
        .order_by(Account.name, Engagement.date, Engagement.id)
    )
    frame = io.typed("engagements", pd.read_sql(stmt, conn))
    frame["summary"] = frame["summary"].fillna("")
    return frame


_WRITERS = {
    "accounts": _write_accounts,
    "ratings": _write_ratings,
    "stakeholders": _write_stakeholders,
    "engagements": _write_engagements,
}
_READERS = {
    "accounts": _read_accounts,
    "ratings": _read_ratings,
    "stakeholders": _read_stakeholders,
    "engagements": _read_engagements,
}
