"""Imports and exports: upsert a checked file by natural key in one transaction; read the
documented columns back out; empty the database for a user's own data.

All or nothing: every row is checked against the database (does the account exist? the
stakeholder?) before the first write, and any problem rejects the whole file with
``kamdash.fields.Rejected`` listing every problem of the file together, those of its
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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session

from kamdash import decisions, fields, files, programme, settings
from kamdash.fields import Problem
from kamdash.files import ParsedFile, Progress, ProgressReporter
from kamdash.identity import LOCAL, Actor, UserRole, require_role
from kamdash.models import (
    Account,
    AuditEntry,
    Designation,
    Engagement,
    Manager,
    ProgrammeAgreement,
    ProgrammeService,
    Rating,
    Stakeholder,
)
from kamdash.store.audit import audit_values
from kamdash.store.core import (
    _latest_designation_subquery,
    bump_version,
    ensure_writable,
)
from kamdash.store.programme import write_agreements

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
    """What an import did: rows added, updated and unchanged (and managers created), and the
    encoding a CSV file was read in when it was not UTF-8."""

    kind: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    managers_added: int = 0
    encoding: str = field(default="", compare=False)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.managers_added)

    @property
    def encoding_note(self) -> str:
        """'read as Windows-1252 text' when the file was not UTF-8, else ''."""
        return f"read as {self.encoding} text" if self.encoding not in ("", "UTF-8") else ""

    def __str__(self) -> str:
        text = f"{self.kind}: {self.added:,} added, {self.updated:,} updated, " \
               f"{self.unchanged:,} unchanged"
        if self.managers_added:
            s = "s" if self.managers_added != 1 else ""
            text += f" ({self.managers_added:,} new manager{s} created from kam_email)"
        if self.encoding_note:
            text += f"; {self.encoding_note}"
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
    actor: Actor = LOCAL,
) -> ImportResult:
    """Read, check and import a CSV or .xlsx file of ``kind`` as ``actor`` (an admin);
    ``fields.Rejected`` listing every problem if anything is wrong (nothing is written then).

    Two phases, each told to its own callback as a rising fraction that ends at 1.0:
    ``check_progress`` while the file is read and checked, ``progress`` while it is checked
    against the database and written (see ``import_rows``).
    """
    ensure_writable()
    require_role(actor, UserRole.ADMIN, "import files")
    parsed = files.parse(kind, data, filename, progress=check_progress, today=today)
    return import_rows(engine, parsed, progress=progress, today=today, actor=actor)


def check_file(engine: Engine, parsed: ParsedFile) -> list[Problem]:
    """Every problem of a parsed file, sorted by line: its own (format, duplicates) and those
    only the database can tell (unknown accounts and stakeholders, a manager to report to
    who is nowhere, a name that differs from a saved one only in case). Empty when the file
    would import. Reads only."""
    with engine.connect() as conn:
        return _problems(conn, parsed)


def import_rows(
    engine: Engine,
    parsed: ParsedFile,
    progress: Progress | None = None,
    today: date | None = None,
    actor: Actor = LOCAL,
) -> ImportResult:
    """Upsert the rows of a parsed file in one transaction as ``actor`` (an admin), with an
    audit entry per row created or updated (see the module docstring), or raise
    ``fields.Rejected`` with every problem of the file (``check_file``) and write nothing.

    ``progress`` is called with the fraction done (rising, 1.0 at the end) as the check and
    the batches land; ``today`` dates the key-account changes an accounts file makes
    (default: ``settings.today()``).
    """
    ensure_writable()
    require_role(actor, UserRole.ADMIN, "import files")
    report = ProgressReporter(progress)
    with Session(engine) as session, session.begin():
        _lock_for_import(session)
        problems = _problems(session.connection(), parsed)
        if problems:
            raise files.rejection(problems)
        report(0.05)
        writer = _STORES[parsed.kind].write
        result = writer(_Write(session, parsed, report, today or settings.today(), actor))
        if result.changed:
            bump_version(session)
    report(1.0)
    return ImportResult(result.kind, result.added, result.updated, result.unchanged,
                        result.managers_added, parsed.encoding)


def export_rows(engine: Engine, kind: str) -> pd.DataFrame:
    """Every row of ``kind`` with the documented columns (typed as ``kamdash.files.parse``
    gives them), ready for ``kamdash.files.to_bytes``: a complete copy.

    Rows repeating one another (two identical calls logged on one day) come out as often as
    they are saved; importing the file back matches them count by count and changes nothing.
    """
    columns = list(files.kind(kind).column_names)  # unknown kind -> ValueError
    with engine.connect() as conn:
        frame = _STORES[kind].read(conn)
    return frame[columns].reset_index(drop=True)


# --- checks against the database ----------------------------------------------------------


def _problems(conn: Connection, parsed: ParsedFile) -> list[Problem]:
    """The file's own problems and those against the database, in the order to fix them."""
    found = list(parsed.problems)
    rows = parsed.checked_rows
    if not rows.empty:
        found += _STORES[parsed.kind].check(conn, rows, parsed)
    return files.sort_problems(parsed.kind, found)


def _account_references(conn: Connection, rows: pd.DataFrame,
                        parsed: ParsedFile) -> list[Problem]:
    """Accounts name nothing that must exist (a new kam_email creates its manager), but a
    name may not differ from a saved account's only in case."""
    saved = _read(conn, select(Account.name))["name"]
    return _case_only(rows, "name", pd.Series(0, index=rows.index), saved,
                      pd.Series(0, index=saved.index), "account")


def _rating_references(conn: Connection, rows: pd.DataFrame,
                       parsed: ParsedFile) -> list[Problem]:
    return _account_ids(conn, rows)[1]


def _stakeholder_references(conn: Connection, rows: pd.DataFrame,
                            parsed: ParsedFile) -> list[Problem]:
    ids, problems = _account_ids(conn, rows)
    boss = aliased(Stakeholder)
    saved = _read(conn, select(Stakeholder.account_id, Stakeholder.name,
                               boss.name.label("reports_to"))
                  .join(boss, boss.id == Stakeholder.reports_to_id, isouter=True))
    problems += _case_only(rows, "name", ids, saved["name"], saved["account_id"], "stakeholder")
    if "reports_to" in parsed.present:
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


def _case_only(rows: pd.DataFrame, column: str, scope: pd.Series, saved: pd.Series,
               saved_scope: pd.Series, what: str) -> list[Problem]:
    """A problem per file name that differs from a saved one (in the same scope) only in
    case: two accounts or people the eye cannot tell apart."""
    exact = {(s, n) for s, n in zip(saved_scope.astype(object), saved, strict=True)}
    folded = {(s, fields.fold(n)): n for s, n in zip(saved_scope.astype(object), saved,
                                                     strict=True)}
    problems = []
    for line, name, at in zip(rows["line"], rows[column], scope.astype(object), strict=True):
        if pd.isna(name) or (at, name) in exact:
            continue
        same = folded.get((at, fields.fold(name)))
        if same is not None:
            problems.append(Problem(int(line), column, (
                f"{name!r} differs only in case from the saved {what} {same!r}; write it as "
                f"{same!r} to update that {what} (names are compared ignoring case)")))
    return problems


def _account_ids(conn: Connection, rows: pd.DataFrame) -> tuple[pd.Series, list[Problem]]:
    """Account id per file row (by exact name; missing when unknown or not given) and a
    problem per unknown name, suggesting the account whose name differs only in case."""
    accounts = _read(conn, select(Account.id, Account.name))
    ids = rows["account"].map(dict(zip(accounts["name"], accounts["id"], strict=True)))
    ids = ids.astype("Int64")
    unknown = ids.isna() & rows["account"].notna()
    folded = dict(zip(accounts["name"].map(fields.fold), accounts["name"], strict=True))
    problems = []
    for line, name in rows.loc[unknown, ["line", "account"]].itertuples(index=False):
        hint = folded.get(fields.fold(name))
        problems.append(Problem(int(line), "account", f"no account named {name!r}" + (
            f" (did you mean {hint!r}?)" if hint else "; import it in an accounts file first")))
    return ids, problems


def _reports_to_problems(rows: pd.DataFrame, saved: pd.DataFrame) -> list[Problem]:
    """reports_to must name another stakeholder of the same account (in the file or saved),
    and no reporting line may run in a circle (A -> B -> A), the file's lines and the saved
    ones together."""
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
    boss_of = {(a, fields.fold(n)): None if pd.isna(b) else (a, fields.fold(b))
               for a, n, b in saved[["account_id", "name", "reports_to"]].itertuples(index=False)}
    mine = rows[rows["account_id"].notna() & rows["name"].notna()]
    for a, n, b in mine[["account_id", "name", "reports_to"]].itertuples(index=False):
        boss_of[(int(a), fields.fold(n))] = None if pd.isna(b) or b == n else (
            int(a), fields.fold(b))
    circling = fields.reporting_circles(boss_of)
    problems += [
        Problem(int(line), "reports_to", f"the reporting line runs in a circle back to {n!r}")
        for line, a, n in mine[["line", "account_id", "name"]].itertuples(index=False)
        if (int(a), fields.fold(n)) in circling
    ]
    return problems


# --- the upsert every kind shares -----------------------------------------------------------


@dataclass(frozen=True)
class _Write:
    """One import's write: the open session, the file, progress, the day and who."""

    session: Session
    parsed: ParsedFile
    report: ProgressReporter
    today: date
    actor: Actor

    def present(self, candidates: tuple[str, ...]) -> list[str]:
        return [c for c in candidates if c in self.parsed.present]


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


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values (NA -> None), as the driver wants them."""
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")


def _insert(w: _Write, model, rows: list[dict], start: float, end: float) -> list[int]:
    """INSERT ``rows`` in batches, moving progress from start to end: their new ids."""
    table = model.__table__
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids: list[int] = []
    for i in range(0, len(rows), BATCH):
        ids += w.session.connection().execute(stmt, rows[i : i + BATCH]).scalars().all()
        w.report(start + (end - start) * min(i + BATCH, len(rows)) / len(rows))
    w.report(end)
    return ids


def _update(w: _Write, model, rows: list[dict], columns: list[str], start: float,
            end: float) -> None:
    """UPDATE model SET column = :column, ... WHERE id = :_id over ``rows``, in batches."""
    table = model.__table__
    stmt = update(table).where(table.c.id == bindparam("_id")).values(
        {c: bindparam(c) for c in columns})
    for i in range(0, len(rows), BATCH):
        w.session.connection().execute(stmt, rows[i : i + BATCH])
        w.report(start + (end - start) * min(i + BATCH, len(rows)) / len(rows))
    w.report(end)


def _audit(w: _Write, action: str, entity: str, ids: list, accounts: list,
           before: list[dict | None], after: list[dict | None]) -> None:
    """One audit entry per row, in the import's transaction (``store.record``'s, in bulk)."""
    now = datetime.now(UTC)
    entries = [dict(at=now, actor=w.actor.email, action=action, entity=entity,
                    entity_id=str(i), account_id=None if a is None else int(a),
                    before=audit_values(b), after=audit_values(f))
               for i, a, b, f in zip(ids, accounts, before, after, strict=True)]
    for i in range(0, len(entries), BATCH):
        w.session.connection().execute(insert(AuditEntry.__table__), entries[i : i + BATCH])


def _differs(new: pd.DataFrame, old: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Per row: does any of ``columns`` differ between two aligned, typed frames?"""
    changed = pd.Series(False, index=new.index)
    for col in columns:
        a, b = new[col], old[col]
        same = (a == b).astype("boolean").fillna(False) | (a.isna() & b.isna())
        changed |= ~same.astype(bool)
    return changed


def _old(merged: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return merged[[f"{c}_old" for c in columns]].set_axis(columns, axis=1)


@dataclass(frozen=True)
class _Upserted:
    is_new: pd.Series
    changed: pd.Series
    new_ids: pd.Series  # id of each new row, indexed like ``merged``


def _upsert(w: _Write, model, merged: pd.DataFrame, new_columns: list[str], fields_: list[str],
            compared: list[str] | None = None, account: str | None = "account_id",
            span: tuple[float, float] = (0.2, 0.8)) -> _Upserted:
    """The skeleton every kind shares: rows of ``merged`` without a saved ``id`` are added
    (``new_columns``), rows whose ``compared`` columns differ from the saved ``_old`` ones
    have ``fields_`` updated, and each gets an audit entry (``account``: the column with
    the account's id; None: the row is an account)."""
    compared = fields_ if compared is None else compared
    is_new = merged["id"].isna()
    changed = ~is_new & _differs(merged[compared], _old(merged, compared), compared)
    start, end = span
    middle = start + (end - start) * 0.7
    new = merged.loc[is_new, new_columns]
    ids = _insert(w, model, _records(new), start, middle)
    new_ids = pd.Series(ids, index=new.index, dtype="Int64")
    upd = merged.loc[changed, ["id", *fields_]].rename(columns={"id": "_id"})
    if fields_:
        _update(w, model, _records(upd), fields_, middle, end)
    entity = model.__tablename__

    def accounts(rows: pd.DataFrame, row_ids: list) -> list:
        return list(row_ids) if account is None else merged.loc[rows.index, account].tolist()

    _audit(w, "create", entity, ids, accounts(new, ids), [None] * len(ids), _records(new))
    changed_rows = merged.loc[changed]
    old_ids = changed_rows["id"].tolist()
    _audit(w, "update", entity, old_ids, accounts(changed_rows, old_ids),
           _records(_old(changed_rows, compared)), _records(changed_rows[compared]))
    return _Upserted(is_new, changed, new_ids)


def _ids_by_name(frame: pd.DataFrame, account_ids: pd.Series, names: pd.Series) -> pd.Series:
    """Look up ``frame``'s ``id`` by (account_id, name) for each pair; missing when unknown."""
    lookup = frame.set_index(["account_id", "name"])["id"]
    lookup = lookup[~lookup.index.duplicated()]
    pairs = pd.MultiIndex.from_arrays([account_ids.astype("Int64"), names.astype(object)])
    return pd.Series(lookup.reindex(pairs).to_numpy(), index=names.index).astype("Int64")


def _result(w: _Write, done: _Upserted, extra_updates: pd.Series | None = None,
            managers_added: int = 0) -> ImportResult:
    updated = done.changed if extra_updates is None else done.changed | (
        extra_updates & ~done.is_new)
    added, n_updated = int(done.is_new.sum()), int(updated.sum())
    return ImportResult(w.parsed.kind, added, n_updated, len(w.parsed.rows) - added - n_updated,
                        managers_added)


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


# --- accounts ------------------------------------------------------------------------------

_ACCOUNT_FIELDS = ("industry", "country", "city", "employees", "annual_revenue",
                   "customer_since", "cadence_per_quarter")


def _manager_name(email: str) -> str:
    local = email.split("@", 1)[0]
    words = [w for w in re.split(r"[._\-+]+", local) if w]
    return " ".join(w.capitalize() for w in words) or email


def _managers(w: _Write, rows: pd.DataFrame) -> tuple[pd.Series, int]:
    """Manager id per row by kam_email, creating (and auditing) the unknown managers."""
    managers = _read(w.session, select(Manager.id, Manager.email))
    by_email = {e.lower(): i for e, i in zip(managers["email"], managers["id"], strict=True)}
    new_emails = sorted(set(rows["kam_email"].dropna()) - set(by_email))
    if new_emails:
        created = [dict(name=_manager_name(e), email=e) for e in new_emails]
        ids = _insert(w, Manager, created, 0.1, 0.15)
        _audit(w, "create", Manager.__tablename__, ids, [None] * len(ids),
               [None] * len(ids), created)
        by_email.update(zip(new_emails, ids, strict=True))
    return rows["kam_email"].map(by_email).astype("Int64"), len(new_emails)


def _write_accounts(w: _Write) -> ImportResult:
    rows = w.parsed.rows.copy()
    fields_ = w.present(_ACCOUNT_FIELDS)
    latest = _latest_designation_subquery()
    existing = _read(w.session, select(
        Account.id, Account.name, *[getattr(Account, f) for f in _ACCOUNT_FIELDS],
        Account.manager_id, latest.c.is_key,
    ).join(latest, latest.c.account_id == Account.id, isouter=True))
    existing = pd.concat([existing[["id", "manager_id"]].astype("Int64"),
                          files.typed("accounts", existing.drop(columns=["id", "manager_id"]))],
                         axis=1)
    existing["is_key"] = existing["is_key"].fillna(False)
    w.report(0.1)
    managers_added = 0
    if "kam_email" in w.parsed.present:
        rows["manager_id"], managers_added = _managers(w, rows)
        fields_ = [*fields_, "manager_id"]

    merged = _match(rows, existing, ["name"])
    key_changes = merged["is_key"].notna() & (
        merged["is_key"].astype("boolean") != merged["is_key_old"].astype("boolean").fillna(False)
    ).fillna(False)
    done = _upsert(w, Account, merged, ["name", *fields_], fields_, account=None)
    if key_changes.any():
        ids = merged["id"].fillna(done.new_ids.reindex(merged.index)).astype("int64")
        designations = pd.DataFrame({
            "account_id": ids[key_changes],
            "is_key": merged.loc[key_changes, "is_key"].astype(bool),
            "changed_on": w.today,
            "reason": IMPORT_REASON,
            "changed_by": w.actor.email,
        })
        records = _records(designations)
        made = _insert(w, Designation, records, 0.8, 0.95)
        _audit(w, "create", Designation.__tablename__, made,
               designations["account_id"].tolist(), [None] * len(made), records)
    return _result(w, done, key_changes, managers_added)


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
    return files.typed("accounts", frame)


# --- ratings -------------------------------------------------------------------------------


def _write_ratings(w: _Write) -> ImportResult:
    rows = w.parsed.rows.copy()
    rows["account_id"] = _account_ids(w.session.connection(), rows)[0].astype("int64")
    fields_ = w.present(("value", "rated_by"))
    existing = _read(w.session, select(Rating.id, Rating.account_id, Rating.criterion,
                                       Rating.value, Rating.rated_on, Rating.rated_by)
                     .order_by(Rating.id.desc()))  # newest first: the rating that counts today
    existing = pd.concat([existing[["id", "account_id"]],
                          files.typed("ratings", existing.drop(columns=["id", "account_id"]))],
                         axis=1)
    w.report(0.1)
    # Saved newest first, the file counted from its last line: of two ratings on one day the
    # later line of the file is the newer one, so it meets the rating that counts today.
    merged = _match(rows, existing, ["account_id", "criterion", "rated_on"], compare=fields_,
                    exact_first=True, file_from_end=True)
    return _result(w, _upsert(w, Rating, merged, ["account_id", "criterion", "value",
                                                  "rated_on", "rated_by"], fields_,
                              span=(0.1, 0.95)))


def _read_ratings(conn) -> pd.DataFrame:
    stmt = (
        select(Account.name.label("account"), Rating.criterion, Rating.value, Rating.rated_on,
               Rating.rated_by)
        .join(Account, Account.id == Rating.account_id)
        .order_by(Account.name, Rating.criterion, Rating.rated_on, Rating.id)
    )
    return files.typed("ratings", pd.read_sql(stmt, conn))


# --- stakeholders --------------------------------------------------------------------------

_STAKEHOLDER_FIELDS = ("title", "department", "roles", "influence", "stance", "email")


def _write_stakeholders(w: _Write) -> ImportResult:
    rows = w.parsed.rows.copy()
    rows["account_id"] = _account_ids(w.session.connection(), rows)[0].astype("int64")
    fields_ = w.present(_STAKEHOLDER_FIELDS)
    boss = aliased(Stakeholder)
    existing = _read(w.session, select(
        Stakeholder.id, Stakeholder.account_id, Stakeholder.name,
        *[getattr(Stakeholder, f) for f in _STAKEHOLDER_FIELDS],
        boss.name.label("reports_to"),
    ).join(boss, boss.id == Stakeholder.reports_to_id, isouter=True))
    existing = pd.concat([existing[["id", "account_id"]],
                          files.typed("stakeholders", existing.drop(columns=["id", "account_id"]))],
                         axis=1)
    w.report(0.1)
    with_boss = "reports_to" in w.parsed.present
    merged = _match(rows, existing, ["account_id", "name"])
    for col, default in (("roles", ""), ("influence", "medium"), ("stance", 0)):
        if col not in fields_:  # a new person without the column gets the default
            merged[col] = merged[col].fillna(default) if col in merged else default
    done = _upsert(w, Stakeholder, merged,
                   ["account_id", "name", "roles", "influence", "stance",
                    *[f for f in fields_ if f not in ("roles", "influence", "stance")]],
                   fields_, compared=[*fields_, "reports_to"] if with_boss else fields_,
                   span=(0.1, 0.8))
    touched = done.is_new | done.changed
    if with_boss and touched.any():
        people = _read(w.session, select(Stakeholder.id, Stakeholder.account_id,
                                         Stakeholder.name))
        boss_rows = merged[touched]
        links = pd.DataFrame({
            "_id": _ids_by_name(people, boss_rows["account_id"], boss_rows["name"]),
            "reports_to_id": _ids_by_name(people, boss_rows["account_id"],
                                          boss_rows["reports_to"]),
        })
        _update(w, Stakeholder, _records(links), ["reports_to_id"], 0.8, 0.95)
    return _result(w, done)


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
    return files.typed("stakeholders", pd.read_sql(stmt, conn))


# --- engagements ---------------------------------------------------------------------------


def _write_engagements(w: _Write) -> ImportResult:
    rows = w.parsed.rows.copy()
    conn = w.session.connection()
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
        files.typed("engagements", existing.drop(columns=["id", "account_id", "stakeholder_id"])),
    ], axis=1)
    existing["summary"] = existing["summary"].fillna("")
    w.report(0.1)
    # A key column the file leaves out matches whatever is saved in it (module docstring).
    key = ["account_id", "date", "kind",
           *(["stakeholder_id"] if "stakeholder" in w.parsed.present else []),
           *(["summary"] if "summary" in w.parsed.present else [])]
    fields_ = w.present(("sentiment",))
    merged = _match(rows, existing, key, compare=fields_, exact_first=True)
    return _result(w, _upsert(w, Engagement, merged, [
        "account_id", "stakeholder_id", "date", "kind", "summary", "sentiment"], fields_,
        span=(0.1, 0.95)))


def _read_engagements(conn) -> pd.DataFrame:
    stmt = (
        select(Account.name.label("account"), Stakeholder.name.label("stakeholder"),
               Engagement.date, Engagement.kind, Engagement.summary, Engagement.sentiment)
        .join(Account, Account.id == Engagement.account_id)
        .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id, isouter=True)
        .order_by(Account.name, Engagement.date, Engagement.id)
    )
    frame = files.typed("engagements", pd.read_sql(stmt, conn))
    frame["summary"] = frame["summary"].fillna("")
    return frame


# --- decisions (the key-account designation history) ---------------------------------------

_DECISION_KEY = ["account_id", "changed_on", "is_key"]


def _decision_matches(conn: Connection, rows: pd.DataFrame,
                      parsed: ParsedFile) -> tuple[pd.DataFrame, list[str], list[Problem]]:
    """The file's rows of known accounts matched count by count with the saved designations
    (by account, day and status; rows equal in every column pair first), the optional
    columns the file has, and a problem per unknown account."""
    ids, problems = _account_ids(conn, rows)
    known = rows[ids.notna()].assign(account_id=ids[ids.notna()].astype("int64"))
    existing = _read(conn, select(Designation.id, Designation.account_id, Designation.is_key,
                                  Designation.changed_on, Designation.reason,
                                  Designation.watch_until)
                     .order_by(Designation.changed_on, Designation.id))
    existing = pd.concat([existing[["id", "account_id"]],
                          files.typed("decisions", existing.drop(columns=["id", "account_id"]))],
                         axis=1)
    fields_ = [c for c in ("reason", "watch_until") if c in parsed.present]
    merged = _match(known, existing, _DECISION_KEY, compare=fields_, exact_first=True)
    return merged, fields_, problems


def _decision_references(conn: Connection, rows: pd.DataFrame,
                         parsed: ParsedFile) -> list[Problem]:
    """Unknown accounts, and the rules of ``decisions.designation_row_problems`` for every
    row the import would add or change (a saved row the file repeats is left alone)."""
    merged, fields_, problems = _decision_matches(conn, rows, parsed)
    writes = merged["id"].isna() | _differs(merged[fields_], _old(merged, fields_), fields_)
    writes &= ~merged["line"].isin({p.line for p in parsed.problems})  # its cells said why
    latest = _latest_designation_subquery()
    key_today = dict(conn.execute(select(latest.c.account_id, latest.c.is_key)).all())
    for row in _records(merged[writes]):
        for column in ("reason", "watch_until"):  # a column left out keeps the saved value
            if column not in fields_ and row["id"] is not None:
                row[column] = row[f"{column}_old"]
        problems += [Problem(int(row["line"]), column, message) for column, message in
                     decisions.designation_row_problems(
                         row, bool(key_today.get(row["account_id"])), date.max)]
        # (a day after today is the date cell's problem already, at the day parse was given)
    return problems


def _write_decisions(w: _Write) -> ImportResult:
    merged, fields_, _ = _decision_matches(w.session.connection(), w.parsed.rows, w.parsed)
    merged["changed_by"] = w.actor.email
    return _result(w, _upsert(w, Designation, merged, [
        "account_id", "is_key", "changed_on", "reason", "watch_until", "changed_by"], fields_,
        span=(0.1, 0.95)))


def _read_decisions(conn) -> pd.DataFrame:
    stmt = (
        select(Account.name.label("account"), Designation.is_key, Designation.changed_on,
               Designation.reason, Designation.watch_until)
        .join(Account, Account.id == Designation.account_id)
        .order_by(Account.name, Designation.changed_on, Designation.id)
    )
    return files.typed("decisions", pd.read_sql(stmt, conn))


# --- programme (each key account's agreement) -----------------------------------------------

_AGREEMENT_FIELDS = ("status", "agreed_on", "next_review", "services", "customer_commits",
                     "document_url")


def _agreements(conn: Connection, rows: pd.DataFrame,
                parsed: ParsedFile) -> tuple[list[dict], list[Problem]]:
    """Each row of a known account as ``write_agreements`` takes it (a column the file
    leaves out keeps the saved value; service names become the catalogue's ids), and every
    problem: unknown accounts and services, and ``programme.agreement_field_problems``."""
    ids, problems = _account_ids(conn, rows)
    catalogue = conn.execute(select(ProgrammeService.id, ProgrammeService.name)).all()
    by_name = {fields.fold(name): sid for sid, name in catalogue}
    table = ProgrammeAgreement.__table__
    saved = {r["account_id"]: dict(r) for r in conn.execute(select(table)).mappings()}
    out = []
    bad_lines = {p.line for p in parsed.problems}
    for row, account_id in zip(_records(rows), ids.astype(object), strict=True):
        if pd.isna(account_id):
            continue
        line = int(row["line"])
        before = saved.get(int(account_id), {})
        values = {f: row[f] if f in parsed.present else before.get(f) for f in _AGREEMENT_FIELDS}
        if "services" in parsed.present:
            names = [n for n in (row["services"] or "").split("; ") if n]
            unknown = [n for n in names if fields.fold(n) not in by_name]
            problems += [Problem(line, "services", (
                f"no service named {n!r} in the programme's catalogue; use one of: "
                + ", ".join(name for _, name in catalogue))) for n in unknown]
            values["services"] = tuple(by_name[fields.fold(n)] for n in names
                                       if n not in unknown)
        else:
            values["services"] = programme.split_services(values["services"])
        agreement = programme.Agreement(
            status=values["status"] or "not_offered", agreed_on=values["agreed_on"],
            next_review=values["next_review"], services=values["services"],
            customer_commits=values["customer_commits"] or "",
            document_url=values["document_url"] or None)
        if line not in bad_lines:  # a row with a bad cell: that cell's problem says why
            problems += [Problem(line, column, message) for column, message in
                         programme.agreement_field_problems(agreement, by_name.values())]
        out.append({"account_id": int(account_id), **values})
    return out, problems


def _programme_references(conn: Connection, rows: pd.DataFrame,
                          parsed: ParsedFile) -> list[Problem]:
    return _agreements(conn, rows, parsed)[1]


def _write_programme(w: _Write) -> ImportResult:
    rows, _ = _agreements(w.session.connection(), w.parsed.rows, w.parsed)
    w.report(0.1)
    added, updated = write_agreements(w.session, w.actor, rows, w.today)
    return ImportResult(w.parsed.kind, added, updated, len(w.parsed.rows) - added - updated)


def _read_programme(conn) -> pd.DataFrame:
    catalogue = dict(conn.execute(select(ProgrammeService.id, ProgrammeService.name)).all())
    table = ProgrammeAgreement.__table__
    stmt = (select(Account.name.label("account"),
                   *[table.c[f] for f in _AGREEMENT_FIELDS])
            .join(Account, Account.id == table.c.account_id).order_by(Account.name))
    frame = pd.read_sql(stmt, conn)
    frame["services"] = frame["services"].map(lambda ids: "; ".join(
        catalogue[i] for i in programme.split_services(ids) if i in catalogue))
    frame["customer_commits"] = frame["customer_commits"].replace("", None)
    return files.typed("programme", frame)


@dataclass(frozen=True)
class _KindStore:
    """How the store checks, writes and reads one file kind."""

    check: Callable[[Connection, pd.DataFrame, ParsedFile], list[Problem]]
    write: Callable[[_Write], ImportResult]
    read: Callable[[Connection], pd.DataFrame]


_STORES: dict[str, _KindStore] = {
    "accounts": _KindStore(_account_references, _write_accounts, _read_accounts),
    "ratings": _KindStore(_rating_references, _write_ratings, _read_ratings),
    "stakeholders": _KindStore(_stakeholder_references, _write_stakeholders, _read_stakeholders),
    "engagements": _KindStore(_engagement_references, _write_engagements, _read_engagements),
    "decisions": _KindStore(_decision_references, _write_decisions, _read_decisions),
    "programme": _KindStore(_programme_references, _write_programme, _read_programme),
}

# --- plan files: goals, actions, opportunities (kamdash.store.plan_files) -------------------
from kamdash.store.plan_files import PLAN_STORES  # noqa: E402 (it builds on the above)

_STORES.update(PLAN_STORES)
