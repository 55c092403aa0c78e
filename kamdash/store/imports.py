"""Imports and exports: upsert a checked file by natural key in one transaction; read the
documented columns back out; empty the database for a user's own data.

All or nothing: every row is checked against the database (does the account exist? the
stakeholder?) before the first write, and any problem rejects the whole file with
``kamdash.io.ImportRejected`` listing every problem of the file together, those of its
format and those only the database can tell, sorted by line. Re-importing the same file
changes nothing and leaves the data version alone.

Natural keys: accounts by name; ratings by (account, criterion, rated_on); stakeholders by
(account, name); engagements by (account, stakeholder, date, kind, summary). A documented
column the file leaves out is left as it is in the database; a blank cell clears the value.
An engagements file without a ``stakeholder`` (or ``summary``) column matches saved
engagements whatever their stakeholder (summary) is, so importing such a file twice, or
after the full export, adds nothing; its new rows are saved without a stakeholder (with an
empty summary). A blank stakeholder cell, by contrast, means "nobody in particular" and
matches only engagements without a stakeholder.

Count by count: ratings and engagements are history, so the database and a file may hold
the same natural key more than once. Rows equal in every column the file has pair up first,
one file row with one saved row: two identical rows match two saved ones (nothing added), a
file with three where two are saved adds one, and an export imports back unchanged however
it is sorted. The rest pair by natural key alone, the n-th left in the file with the n-th
left saved (ratings newest first, so a changed rating updates the one that counts today),
and are updated; file rows left over are added, saved rows left over are kept.

Managers: ``kam_email`` names the account's manager. An email nobody has yet creates that
manager (name taken from the address, e.g. ``ann.berg@x.com`` -> "Ann Berg", role KAM,
default capacity): CRM exports carry the owner's email but there is no manager file, and
refusing would leave no way to assign managers at all. The new managers are counted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session

from kamdash import io
from kamdash.io import ImportRejected, ParsedFile, Problem, Progress, ProgressReporter
from kamdash.models import Account, Designation, Engagement, Manager, Rating, Stakeholder
from kamdash.store.core import (
    _latest_designation_subquery,
    bump_version,
    ensure_writable,
)

__all__ = [
    "ImportResult",
    "check_file",
    "export_rows",
    "import_file",
    "import_rows",
]

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
    check_progress: Progress | None = None,
) -> ImportResult:
    """Read, check and import a CSV or .xlsx file of ``kind``; ImportRejected listing every
    problem if anything is wrong (nothing is written then).

    Two phases, each told to its own callback as a rising fraction that ends at 1.0:
    ``check_progress`` while the file is read and checked, ``progress`` while it is checked
    against the database and written (see ``import_rows``).
    """
    ensure_writable()
    parsed = io.parse(kind, data, filename, progress=check_progress)
    return import_rows(engine, parsed, progress=progress, today=today)


def check_file(engine: Engine, parsed: ParsedFile) -> list[Problem]:
    """Every problem of a parsed file, sorted by line: its own (format, duplicates) and those
    only the database can tell (unknown accounts and stakeholders, a manager to report to
    who is nowhere). Empty when the file would import. Reads only."""
    with engine.connect() as conn:
        return _problems(conn, parsed)


def import_rows(
    engine: Engine,
    parsed: ParsedFile,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportResult:
    """Upsert the rows of a parsed file in one transaction (see the module docstring), or
    raise ImportRejected with every problem of the file (``check_file``) and write nothing.

    ``progress`` is called with the fraction done (rising, 1.0 at the end) as the check and
    the batches land; ``today`` dates the key-account changes an accounts file makes
    (default: today).
    """
    ensure_writable()
    report = ProgressReporter(progress)
    with Session(engine) as session, session.begin():
        _lock_for_import(session)
        problems = _problems(session.connection(), parsed)
        if problems:
            raise ImportRejected(problems)
        report(0.05)
        writer = _WRITERS[parsed.kind]
        result = writer(session, parsed, report, today or date.today())
        if result.changed:
            bump_version(session)
    report(1.0)
    return result


def export_rows(engine: Engine, kind: str) -> pd.DataFrame:
    """Every row of ``kind`` with the documented columns (typed as ``kamdash.io.parse`` gives
    them), ready for ``kamdash.io.to_bytes``: a complete copy.

    Rows repeating one another (two identical calls logged on one day) come out as often as
    they are saved; importing the file back matches them count by count and changes nothing.
    """
    io.column_names(kind)  # unknown kind -> ValueError
    with engine.connect() as conn:
        frame = _READERS[kind](conn)
    return frame[list(io.column_names(kind))].reset_index(drop=True)


# --- checks against the database ----------------------------------------------------------


def _problems(conn: Connection, parsed: ParsedFile) -> list[Problem]:
    """The file's own problems and those against the database, in the order to fix them."""
    found = list(parsed.problems)
    rows = parsed.checked_rows
    if not rows.empty:
        found += _REFERENCE_CHECKS[parsed.kind](conn, rows, parsed)
    return io.sort_problems(parsed.kind, found)


def _no_references(conn: Connection, rows: pd.DataFrame, parsed: ParsedFile) -> list[Problem]:
    return []  # accounts name nothing that must exist; a new kam_email creates its manager


def _rating_references(conn: Connection, rows: pd.DataFrame,
                       parsed: ParsedFile) -> list[Problem]:
    return _account_ids(conn, rows)[1]


def _stakeholder_references(conn: Connection, rows: pd.DataFrame,
                            parsed: ParsedFile) -> list[Problem]:
    ids, problems = _account_ids(conn, rows)
    if "reports_to" in parsed.present:
        saved = _read(conn, select(Stakeholder.account_id, Stakeholder.name))
        problems += _reports_to_problems(rows.assign(account_id=ids), saved)
    return problems


def _engagement_references(conn: Connection, rows: pd.DataFrame,
                           parsed: ParsedFile) -> list[Problem]:
    ids, problems = _account_ids(conn, rows)
    if "stakeholder" in parsed.present:
        people = _read(conn, select(Stakeholder.id, Stakeholder.account_id, Stakeholder.name))
        found = _ids_by_name(people, ids, rows["stakeholder"])
        unknown = rows["stakeholder"].notna() & ids.notna() & found.isna()
        problems += [
            Problem(int(line), "stakeholder", f"no stakeholder named {who!r} at {account!r}; "
                                              "import them in a stakeholders file first")
            for line, who, account in rows.loc[unknown, ["line", "stakeholder", "account"]]
            .itertuples(index=False)
        ]
    return problems


def _account_ids(conn: Connection, rows: pd.DataFrame) -> tuple[pd.Series, list[Problem]]:
    """Account id per file row (by exact name; missing when unknown or not given) and a
    problem per unknown name, suggesting the account whose name differs only in case."""
    accounts = _read(conn, select(Account.id, Account.name))
    ids = rows["account"].map(dict(zip(accounts["name"], accounts["id"], strict=True)))
    ids = ids.astype("Int64")
    unknown = ids.isna() & rows["account"].notna()
    folded = dict(zip(accounts["name"].str.casefold(), accounts["name"], strict=True))
    problems = []
    for line, name in rows.loc[unknown, ["line", "account"]].itertuples(index=False):
        hint = folded.get(name.casefold())
        problems.append(Problem(int(line), "account", f"no account named {name!r}" + (
            f" (did you mean {hint!r}?)" if hint else "; import it in an accounts file first")))
    return ids, problems


def _reports_to_problems(rows: pd.DataFrame, saved: pd.DataFrame) -> list[Problem]:
    """reports_to must name another stakeholder of the same account (in the file or saved)."""
    known = pd.MultiIndex.from_arrays([
        pd.concat([saved["account_id"], rows["account_id"]]).astype("Int64"),
        pd.concat([saved["name"], rows["name"]]).astype(object),
    ])
    wanted = rows[rows["reports_to"].notna() & rows["account_id"].notna()]
    found = pd.MultiIndex.from_arrays([wanted["account_id"], wanted["reports_to"].astype(object)])
    self_ref = (wanted["reports_to"] == wanted["name"]).fillna(False).to_numpy(dtype=bool)
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


# --- shared machinery ----------------------------------------------------------------------


def _lock_for_import(session: Session) -> None:
    """Take the write lock before reading what the writes are checked against."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        # pysqlite begins lazily at the first write; reads before it would see a snapshot
        # another writer can change underneath. BEGIN IMMEDIATE waits (busy_timeout) instead.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_IMPORT_LOCK})


def _read(conn: Connection | Session, stmt) -> pd.DataFrame:
    return pd.read_sql(stmt, conn.connection() if isinstance(conn, Session) else conn)


def _batched(session: Session, stmt, rows: list[dict], report: ProgressReporter, start: float,
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


def _ids_by_name(frame: pd.DataFrame, account_ids: pd.Series, names: pd.Series) -> pd.Series:
    """Look up ``frame``'s ``id`` by (account_id, name) for each pair; missing when unknown."""
    lookup = frame.set_index(["account_id", "name"])["id"]
    lookup = lookup[~lookup.index.duplicated()]
    pairs = pd.MultiIndex.from_arrays([account_ids.astype("Int64"), names.astype(object)])
    return pd.Series(lookup.reindex(pairs).to_numpy(), index=names.index).astype("Int64")


def _present(parsed: ParsedFile, candidates: tuple[str, ...]) -> list[str]:
    return [c for c in candidates if c in parsed.present]


def _match(rows: pd.DataFrame, existing: pd.DataFrame, key: list[str],
           compare: list[str] | None = None, exact_first: bool = False,
           file_from_end: bool = False) -> pd.DataFrame:
    """``rows`` with the ``id`` of the saved row each one matches (missing: a new row) and
    that row's other columns suffixed ``_old``.

    Count by count: within a ``key``, the n-th file row matches the n-th row of
    ``existing`` in its order, so no saved row is matched twice; with ``file_from_end`` the
    file's rows are counted from its last line (its last line matches ``existing``'s first).
    With ``exact_first``, rows equal in ``key`` and ``compare`` pair up before the rest pair
    by ``key`` alone.
    """
    existing = existing.reset_index(drop=True)
    matched = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    free_rows, free_saved = rows.index, existing.index
    stages = [[*key, *compare], key] if exact_first and compare else [key]
    for cols in stages:
        if free_rows.empty or free_saved.empty:
            break
        pairs = _pair(rows.loc[free_rows, cols], existing.loc[free_saved, cols], cols,
                      file_from_end)
        matched[pairs.index] = pairs.to_numpy()
        free_rows = free_rows[~free_rows.isin(pairs.index)]
        free_saved = free_saved[~free_saved.isin(pairs.to_numpy())]
    saved = existing.drop(columns=key).add_suffix("_old").rename(columns={"id_old": "id"})
    saved["_at"] = pd.array(range(len(saved)), dtype="Int64")
    merged = rows.assign(_at=matched).merge(saved, on="_at", how="left").drop(columns="_at")
    merged.index = rows.index
    return merged


def _pair(file_rows: pd.DataFrame, saved_rows: pd.DataFrame, cols: list[str],
          file_from_end: bool = False) -> pd.Series:
    """File row label -> saved row label, pairing the n-th of each value of ``cols`` in the
    file (counted from the end with ``file_from_end``) with the n-th in ``saved_rows``
    (missing values pair with missing values)."""
    numbered = [
        frame.assign(_n=frame.groupby(cols, dropna=False, sort=False).cumcount(
                         ascending=not (from_end and file_from_end)),
                     _label=frame.index)
        for frame, from_end in ((file_rows, True), (saved_rows, False))
    ]
    pairs = numbered[0].merge(numbered[1], on=[*cols, "_n"], how="inner",
                              suffixes=("_file", "_saved"))
    return pd.Series(pairs["_label_saved"].to_numpy(), index=pairs["_label_file"].to_numpy())


def _old(merged: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return merged[[f"{c}_old" for c in columns]].set_axis(columns, axis=1)


# --- accounts ------------------------------------------------------------------------------

_ACCOUNT_FIELDS = ("industry", "country", "city", "employees", "annual_revenue",
                   "customer_since", "cadence_per_quarter")


def _manager_name(email: str) -> str:
    local = email.split("@", 1)[0]
    words = [w for w in re.split(r"[._\-+]+", local) if w]
    return " ".join(w.capitalize() for w in words) or email


def _write_accounts(session: Session, parsed: ParsedFile, report: ProgressReporter,
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

    merged = _match(rows, existing, ["name"])
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
    _batched(session, _update_by_id(Account, fields), _records(upd), report, 0.6, 0.8)

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


def _write_ratings(session: Session, parsed: ParsedFile, report: ProgressReporter,
                   today: date) -> ImportResult:
    rows = parsed.rows.copy()
    rows["account_id"] = _account_ids(session.connection(), rows)[0].astype("int64")
    fields = _present(parsed, ("value", "rated_by"))
    existing = _read(session, select(Rating.id, Rating.account_id, Rating.criterion,
                                     Rating.value, Rating.rated_on, Rating.rated_by)
                     .order_by(Rating.id.desc()))  # newest first: the rating that counts today
    existing = pd.concat([existing[["id", "account_id"]],
                          io.typed("ratings", existing.drop(columns=["id", "account_id"]))],
                         axis=1)
    report(0.1)
    # Saved newest first, the file counted from its last line: of two ratings on one day the
    # later line of the file is the newer one, so it meets the rating that counts today.
    merged = _match(rows, existing, ["account_id", "criterion", "rated_on"], compare=fields,
                    exact_first=True, file_from_end=True)
    is_new = merged["id"].isna()
    changed = ~is_new & _differs(merged[fields], _old(merged, fields), fields)

    new_rows = merged.loc[is_new, ["account_id", "criterion", "value", "rated_on", "rated_by"]]
    _batched(session, insert(Rating.__table__), _records(new_rows), report, 0.1, 0.8)
    upd = merged.loc[changed, ["id", *fields]].rename(columns={"id": "_id"})
    _batched(session, _update_by_id(Rating, fields), _records(upd), report, 0.8, 0.95)
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


def _write_stakeholders(session: Session, parsed: ParsedFile, report: ProgressReporter,
                        today: date) -> ImportResult:
    rows = parsed.rows.copy()
    rows["account_id"] = _account_ids(session.connection(), rows)[0].astype("int64")
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
    fields_compared = [*fields, "reports_to"] if with_boss else fields
    merged = _match(rows, existing, ["account_id", "name"])
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
        _batched(session, _update_by_id(Stakeholder, fields), _records(upd), report, 0.6, 0.8)

    touched = is_new | changed
    if with_boss and touched.any():
        people = _read(session, select(Stakeholder.id, Stakeholder.account_id, Stakeholder.name))
        boss_rows = merged[touched]
        links = pd.DataFrame({
            "_id": _ids_by_name(people, boss_rows["account_id"], boss_rows["name"]),
            "reports_to_id": _ids_by_name(people, boss_rows["account_id"],
                                          boss_rows["reports_to"]),
        })
        _batched(session, _update_by_id(Stakeholder, ["reports_to_id"]), _records(links),
                 report, 0.8, 0.95)
    added, updated = int(is_new.sum()), int(changed.sum())
    return ImportResult("stakeholders", added, updated, len(rows) - added - updated)


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


def _write_engagements(session: Session, parsed: ParsedFile, report: ProgressReporter,
                       today: date) -> ImportResult:
    rows = parsed.rows.copy()
    conn = session.connection()
    rows["account_id"] = _account_ids(conn, rows)[0].astype("int64")
    rows["summary"] = rows["summary"].fillna("")
    people = _read(conn, select(Stakeholder.id, Stakeholder.account_id, Stakeholder.name))
    rows["stakeholder_id"] = _ids_by_name(people, rows["account_id"], rows["stakeholder"])
    ids = [int(i) for i in rows["account_id"].unique()]
    existing = _read(conn, select(
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
    # A key column the file leaves out matches whatever is saved in it (module docstring).
    key = ["account_id", "date", "kind",
           *(["stakeholder_id"] if "stakeholder" in parsed.present else []),
           *(["summary"] if "summary" in parsed.present else [])]
    fields = _present(parsed, ("sentiment",))
    merged = _match(rows, existing, key, compare=fields, exact_first=True)
    is_new = merged["id"].isna()
    changed = ~is_new & _differs(merged[fields], _old(merged, fields), fields)

    new_rows = merged.loc[is_new, ["account_id", "stakeholder_id", "date", "kind", "summary",
                                   "sentiment"]]
    _batched(session, insert(Engagement.__table__), _records(new_rows), report, 0.1, 0.85)
    upd = merged.loc[changed, ["id", *fields]].rename(columns={"id": "_id"})
    if fields:
        _batched(session, _update_by_id(Engagement, fields), _records(upd), report, 0.85, 0.95)
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


_REFERENCE_CHECKS = {
    "accounts": _no_references,
    "ratings": _rating_references,
    "stakeholders": _stakeholder_references,
    "engagements": _engagement_references,
}
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
