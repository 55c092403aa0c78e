"""Stakeholder coverage: who we know in each account, how fresh the contact is, what is missing.

Pure pandas, vectorised over accounts. Inputs:

- ``stakeholders``: stakeholder_id, account_id, roles (';'-joined keys of ``kamdash.roles``),
  stance (-2..+2), influence, active; optional name, title, department (used in messages).
- ``contacts``: one row per (account_id, stakeholder_id) that was engaged up to ``as_of``:
  last_contact (date) and recent_engagements (how many fell within ``recent_days`` of
  ``as_of``), with the window they were counted over (columns as_of, recent_days);
  stakeholder_id is missing for touches with nobody named. The store computes it in SQL
  (``store.load_contacts``); ``contact_summary`` computes the same from raw engagements.
  ``analyse`` also takes the raw engagements (account_id, stakeholder_id, date) and then
  counts over exactly its own ``stale_days``.

Flags per account: a role is *missing* (no active stakeholder holds it), *stale* (held, but
no engagement with any holder within ``stale_days``), *hostile* (a decision maker or buyer
with stance below 0); the account is *single-threaded* when one person carries all recent
engagement. Each gap comes with a plain-language next step.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from kamdash.formatting import join_words
from kamdash.roles import ROLE_LABELS, ROLES, STANCE_LABELS

__all__ = [
    "FRESHNESS",
    "FRESH_SHARE",
    "GAP_URGENCY",
    "GAP_WORDING",
    "HOSTILE_ROLES",
    "NEW_WITHIN_DAYS",
    "PRIORITY_HIGH_FROM",
    "PRIORITY_MEDIUM_FROM",
    "ROLE_WEIGHTS",
    "SINGLE_THREAD_MIN_TOUCHES",
    "STALE_CREDIT",
    "STALE_DAYS",
    "CoverageHeadline",
    "CoverageReport",
    "analyse",
    "contact_by_person",
    "contact_summary",
    "coverage_gaps",
    "days_ago",
    "first_people_to_add",
    "fresh_within_days",
    "headline",
    "new_people",
    "heatmap_cells",
    "hostile_roles_text",
    "priority",
    "role_coverage",
    "role_matrix",
    "score_help",
    "select_accounts",
    "severity",
    "severity_help",
    "single_threaded_help",
    "stale_help",
    "threads",
    "worst_gaps",
]

# --- the tunable constants, in one place --------------------------------------------------

# Points each role adds to the 0-100 coverage score (they sum to 100). The decision maker
# and the buyer decide whether we win, so they weigh most; an ambassador is a bonus.
ROLE_WEIGHTS: dict[str, float] = {
    "decision_maker": 30.0,
    "buyer": 30.0,
    "influencer": 15.0,
    "user": 15.0,
    "ambassador": 10.0,
}
# A covered role with no engagement within this many days is stale (a quarter: the longest
# review cadence of the source material).
STALE_DAYS = 90
# Share of a role's points a stale contact still earns: we know the person, but the
# relationship is cooling.
STALE_CREDIT = 0.5
# Single-threaded needs at least this many recent engagements with named people, all with the
# same person: one or two touches in a quarter say little about how many threads we have.
SINGLE_THREAD_MIN_TOUCHES = 3
# Roles whose hostility (stance < 0) is flagged: they can block a purchase on their own.
HOSTILE_ROLES: tuple[str, ...] = ("decision_maker", "buyer")
# How urgent each kind of gap is (0..1); times the role's weight gives the gap's severity.
# Single-threaded is the most urgent: if that one person leaves, every role goes quiet at once.
GAP_URGENCY: dict[str, float] = {
    "single_threaded": 1.0,
    "missing": 0.9,
    "hostile": 0.8,
    "stale": 0.5,
}
# A gap's priority word from its severity (0-100): High from 75 (a missing or hostile
# decision maker or buyer, a single thread), Medium from 40, Low below.
PRIORITY_HIGH_FROM = 75
PRIORITY_MEDIUM_FROM = 40
# Freshness of contact with a role, for the heatmap: key -> label. "Fresh" is a contact
# within ``FRESH_SHARE`` of ``stale_days`` (a third: 30 days by default, a monthly touch).
FRESHNESS: dict[str, str] = {
    "fresh": "Fresh",
    "cooling": "Going cold",
    "stale": "Gone quiet or never met",
    "missing": "Nobody in the role",
}
FRESH_SHARE = 1 / 3
# A stakeholder first met at most this many days ago is new (a quarter, as for gone quiet):
# a new decision maker is the moment to introduce ourselves properly.
NEW_WITHIN_DAYS = STALE_DAYS
_INFLUENCE_RANK = {"low": 0, "medium": 1, "high": 2}


def fresh_within_days(stale_days: int | None = None) -> int:
    """The most days since contact that still count as fresh: ``FRESH_SHARE`` of
    ``stale_days`` (default ``STALE_DAYS``), rounded down."""
    stale_days = STALE_DAYS if stale_days is None else stale_days
    return int(stale_days * FRESH_SHARE + 1e-9)  # (+1e-9: a third of 3n is n, not n - 1)


# --- contacts ------------------------------------------------------------------------------


def _day(as_of: date) -> pd.Timestamp:
    return pd.Timestamp(as_of).normalize()


def contact_summary(
    engagements: pd.DataFrame, as_of: date, recent_days: int = STALE_DAYS
) -> pd.DataFrame:
    """Per (account_id, stakeholder_id): last_contact and recent_engagements (within
    ``recent_days`` of ``as_of``), and the window itself (as_of, recent_days). Engagements
    after ``as_of`` are ignored; touches with nobody named keep a missing stakeholder_id.
    A row with an ``engagements`` column stands for that many engagements on its date (the
    store's contact months: the latest day per person and month, and the month's count)."""
    when = pd.to_datetime(engagements["date"])
    keep = when <= _day(as_of)
    recent = when[keep] >= _day(as_of) - pd.Timedelta(days=recent_days)
    if "engagements" in engagements.columns:
        recent = recent * engagements.loc[keep, "engagements"].astype("int64")
    frame = pd.DataFrame({
        "account_id": engagements.loc[keep, "account_id"].astype("int64"),
        "stakeholder_id": engagements.loc[keep, "stakeholder_id"].astype("Int64"),
        "last_contact": when[keep],
        "recent_engagements": recent.astype("int64"),
    })
    out = frame.groupby(["account_id", "stakeholder_id"], dropna=False, as_index=False).agg(
        last_contact=("last_contact", "max"), recent_engagements=("recent_engagements", "sum")
    )
    return _with_window(out, as_of, recent_days)


def _with_window(contacts: pd.DataFrame, as_of: date, recent_days: int) -> pd.DataFrame:
    """Contact facts in their standard types, labelled with the window recent_engagements was
    counted over (what ``store.load_contacts`` and ``contact_summary`` return)."""
    out = _typed_contacts(contacts)
    out["as_of"] = pd.Series(_day(as_of), index=out.index, dtype="datetime64[ns]")
    out["recent_days"] = pd.Series(int(recent_days), index=out.index, dtype="int64")
    return out


def _typed_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "account_id": contacts["account_id"].astype("int64"),
        "stakeholder_id": contacts["stakeholder_id"].astype("Int64"),
        "last_contact": pd.to_datetime(contacts["last_contact"]).astype("datetime64[ns]"),
        "recent_engagements": contacts["recent_engagements"].fillna(0).astype("int64"),
    })
    for col in ("as_of", "recent_days"):  # the window, when the contacts carry it
        if col in contacts:
            out[col] = contacts[col]
    return out


def _contacts_over(contacts: pd.DataFrame, as_of: date, stale_days: int) -> pd.DataFrame:
    """Contact facts whose recent_engagements count exactly the ``stale_days`` up to ``as_of``:
    summarised here from raw engagements (a ``date`` column), or a summary checked to have
    been counted over that window. Raises ValueError for a summary of another window, so that
    an account is never judged on one window while its gap text names another."""
    if "date" in contacts.columns:
        return contact_summary(contacts, as_of, stale_days)
    if not {"as_of", "recent_days"} <= set(contacts.columns):
        raise ValueError(
            "contacts do not say over which window recent_engagements was counted (no as_of "
            "and recent_days columns): build them with coverage.contact_summary or "
            "store.load_contacts, or pass the engagements (account_id, stakeholder_id, date)")
    windows = contacts[["as_of", "recent_days"]].drop_duplicates()
    wrong = windows[(windows["as_of"] != _day(as_of)) | (windows["recent_days"] != stale_days)]
    if len(wrong):
        other = wrong.iloc[0]
        raise ValueError(
            f"contacts count recent engagements over the {int(other['recent_days'])} days up "
            f"to {other['as_of']:%Y-%m-%d}, but this analysis judges the {stale_days} days up "
            f"to {_day(as_of):%Y-%m-%d}: build the contacts over the same window, or pass the "
            "engagements themselves")
    return contacts


def contact_by_person(
    stakeholders: pd.DataFrame, contacts: pd.DataFrame, as_of: date
) -> pd.DataFrame:
    """``stakeholders`` with last_contact, days_since_contact (NaN: never met) and
    recent_engagements of each person."""
    named = _typed_contacts(contacts).dropna(subset=["stakeholder_id"])
    per = named.groupby("stakeholder_id").agg(
        last_contact=("last_contact", "max"), recent_engagements=("recent_engagements", "sum"))
    per = per.reindex(pd.Index(stakeholders["stakeholder_id"], dtype="Int64"))
    out = stakeholders.copy()
    out["last_contact"] = per["last_contact"].to_numpy()
    out["days_since_contact"] = (_day(as_of) - out["last_contact"]).dt.days.astype(float)
    out["recent_engagements"] = per["recent_engagements"].fillna(0).astype(int).to_numpy()
    return out


# --- per role ------------------------------------------------------------------------------


def _names(stakeholders: pd.DataFrame) -> pd.Series:
    """Each person's name; 'Stakeholder <id>' when the name is missing or blank."""
    fallback = "Stakeholder " + _text(stakeholders["stakeholder_id"].astype("Int64"))
    if "name" not in stakeholders:
        return fallback
    names = _text(stakeholders["name"]).str.strip()
    return names.where(names != "", fallback)


def _active(stakeholders: pd.DataFrame) -> pd.DataFrame:
    active = stakeholders.get("active", pd.Series(True, index=stakeholders.index))
    active = active.fillna(True).astype(bool)
    people = stakeholders.loc[active].copy()
    people["name"] = _names(people)
    people["stance"] = pd.to_numeric(people["stance"]).fillna(0).astype(int)
    return people


def _role_rows(people: pd.DataFrame) -> pd.DataFrame:
    """One row per (active stakeholder, role held). Raises ValueError naming a role key that
    is not one of ``ROLES`` (the store saves only those: anything else is a bug upstream, and
    dropping it would show as a false gap)."""
    long = people.assign(role=_text(people["roles"]).str.split(";"))
    long = long.explode("role")
    long = long[long["role"].str.strip() != ""]
    unknown = sorted(set(long["role"]) - set(ROLES))
    if unknown:
        who = _text(long.loc[long["role"] == unknown[0], "name"]).iloc[0]
        noun = "is not a role key" if len(unknown) == 1 else "are not role keys"
        raise ValueError(
            f"{', '.join(map(repr, unknown))} {noun} (stakeholder {who!r}); roles are stored "
            f"as ';'-joined keys of {', '.join(ROLES)}: translate CRM words with "
            "kamdash.roles.parse_roles first")
    return long


def _holders(people: pd.DataFrame, contacts: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """``_role_rows`` with the days since we last met each person (NaN: never)."""
    long = _role_rows(people)
    named = contacts.dropna(subset=["stakeholder_id"])
    last = named.groupby("stakeholder_id")["last_contact"].max()
    # (reindex rather than map: Series.map of an empty datetime Series fails in pandas 3)
    last = last.astype("datetime64[ns]").reindex(pd.Index(long["stakeholder_id"], dtype="Int64"))
    last_contact = pd.Series(last.to_numpy(), index=long.index)
    return long.assign(days_since_contact=(_day(as_of) - last_contact).dt.days.astype(float))


def _account_ids(stakeholders: pd.DataFrame, accounts: Iterable[int] | None) -> pd.Index:
    ids = pd.Index(stakeholders["account_id"].astype("int64").unique())
    if accounts is not None:
        ids = ids.union(pd.Index(list(accounts), dtype="int64"))
    return ids.sort_values()


def role_coverage(
    stakeholders: pd.DataFrame,
    contacts: pd.DataFrame,
    as_of: date,
    stale_days: int = STALE_DAYS,
    accounts: Iterable[int] | None = None,
) -> pd.DataFrame:
    """One row per (account_id, role) for every account in ``stakeholders`` (and
    ``accounts``): holders, covered_by (names, freshest contact first), days_since_contact
    (freshest holder; NaN if never met or nobody holds it), covered, stale, hostile,
    hostile_people (with their stance), hostile_count, hostile_stance (the least friendly
    of them), freshness (a ``FRESHNESS`` key) and
    points (its share of the score)."""
    contacts = _typed_contacts(contacts)
    people = _active(stakeholders)
    held = _holders(people, contacts, as_of).sort_values(
        ["days_since_contact", "name"], na_position="last"
    )
    by = held.groupby(["account_id", "role"])
    cov = pd.DataFrame({
        "holders": by.size(),
        "covered_by": by["name"].agg(", ".join),
        "days_since_contact": by["days_since_contact"].min(),
    })
    hostile = held[held["role"].isin(HOSTILE_ROLES) & (held["stance"] < 0)]
    hostile_people = hostile["name"] + " (" + hostile["stance"].map(STANCE_LABELS) + ")"
    by_role = hostile_people.groupby([hostile["account_id"], hostile["role"]])
    cov["hostile_people"] = by_role.agg(", ".join)
    cov["hostile_count"] = by_role.size()
    cov["hostile_stance"] = hostile["stance"].groupby([hostile["account_id"],
                                                       hostile["role"]]).min()

    grid = pd.MultiIndex.from_product(
        [_account_ids(stakeholders, accounts), list(ROLES)], names=["account_id", "role"]
    )
    cov = cov.reindex(grid)
    cov["holders"] = cov["holders"].fillna(0).astype(int)
    cov["covered_by"] = cov["covered_by"].fillna("")
    cov["hostile_people"] = cov["hostile_people"].fillna("")
    cov["hostile_count"] = cov["hostile_count"].fillna(0).astype(int)
    cov["hostile_stance"] = cov["hostile_stance"].astype("Int64")
    covered = cov["holders"] > 0
    days = cov["days_since_contact"]
    fresh_enough = days.le(stale_days)
    cov["covered"] = covered
    cov["stale"] = covered & ~fresh_enough
    cov["hostile"] = cov["hostile_people"] != ""
    cov["freshness"] = np.select(
        [~covered, ~fresh_enough, days.le(fresh_within_days(stale_days))],
        ["missing", "stale", "fresh"], "cooling",
    )
    credit = np.where(covered, np.where(fresh_enough, 1.0, STALE_CREDIT), 0.0)
    weight = cov.index.get_level_values("role").map(ROLE_WEIGHTS).to_numpy(float)
    cov["points"] = credit * weight * 100.0 / sum(ROLE_WEIGHTS.values())
    return cov.reset_index()


def _scores(cov: pd.DataFrame) -> pd.Series:
    return cov.groupby("account_id")["points"].sum().astype(float).rename("coverage_score")


# --- per account ---------------------------------------------------------------------------


def threads(
    contacts: pd.DataFrame,
    accounts: Iterable[int] | None = None,
    min_touches: int = SINGLE_THREAD_MIN_TOUCHES,
) -> pd.DataFrame:
    """Per account (index account_id): recent_engagements with named people, people_met,
    thread_id (the person met most) and single_threaded (one person carried every recent
    engagement, at least ``min_touches`` of them). "Recent" is the window ``contacts`` were
    counted over (``analyse`` makes that its ``stale_days``). Touches with nobody named are
    left out: they tell us nothing about how many threads we hold."""
    contacts = _typed_contacts(contacts)
    met = contacts[contacts["stakeholder_id"].notna() & (contacts["recent_engagements"] > 0)]
    by = met.groupby("account_id")
    top = met.sort_values(["recent_engagements", "stakeholder_id"], ascending=[False, True])
    out = pd.DataFrame({
        "recent_engagements": by["recent_engagements"].sum(),
        "people_met": by.size(),
        "thread_id": top.groupby("account_id")["stakeholder_id"].first(),
    })
    ids = out.index if accounts is None else out.index.union(pd.Index(list(accounts)))
    out = out.reindex(ids.astype("int64").sort_values())
    out.index.name = "account_id"
    out["recent_engagements"] = out["recent_engagements"].fillna(0).astype(int)
    out["people_met"] = out["people_met"].fillna(0).astype(int)
    out["thread_id"] = out["thread_id"].astype("Int64")
    out["single_threaded"] = (out["people_met"] == 1) & (out["recent_engagements"] >= min_touches)
    return out


def _allies(people: pd.DataFrame) -> pd.DataFrame:
    """Per account, our best friend inside: the most supportive active person (stance >= 1),
    the most influential among equals."""
    fans = people[people["stance"] >= 1].assign(
        rank=lambda f: f["influence"].map(_INFLUENCE_RANK).fillna(0)
    ).sort_values(["stance", "rank", "name"], ascending=[False, False, True])
    first = fans.groupby("account_id").first()
    dept = first["department"] if "department" in first else pd.Series(np.nan, first.index)
    return pd.DataFrame({"ally": first["name"], "ally_stance": first["stance"],
                         "ally_department": dept.replace("", np.nan)})


def _partners(held: pd.DataFrame, thread: pd.Series) -> pd.DataFrame:
    """Per account, the most important role holder who is not the single thread."""
    others = held[held["stakeholder_id"].astype("Int64") != held["account_id"].map(thread)]
    others = others.assign(
        weight=others["role"].map(ROLE_WEIGHTS),
        rank=others["influence"].map(_INFLUENCE_RANK).fillna(0),
    ).sort_values(["weight", "rank", "name"], ascending=[False, False, True])
    first = others.groupby("account_id").first()
    return pd.DataFrame({"partner": first["name"], "partner_role": first["role"]})


# --- the wording of the gaps: product copy, as data ---------------------------------------
# One row per (gap kind, role, whether we have an ally to ask): the headline and the next
# step, with {fields} filled in per gap. Role "*" is any role without a row of its own; for
# single-threaded (no role) "ally" means someone besides the thread we could call. Fields:
# {Role} / {role} (the role's label, capitalised / lower case), {ally}, {ally_stance},
# {ally_department} ("the account" when unknown), {covered_by}, {since} ("for 138 days" or
# "on record"), {against} (people against us, with their stance), {is_are}, {contacts},
# {stale_days}, {thread}, {partner} and {partner_role}.
GAP_WORDING: tuple[tuple[str, str, bool, str, str], ...] = (
    ("missing", "decision_maker", True, "No {role}",
     "Find out who makes the final call: ask {ally} who signs off on a purchase this size."),
    ("missing", "decision_maker", False, "No {role}",
     "Find out who makes the final call, usually at the executive board."),
    ("missing", "buyer", True, "No {role}",
     "Find out who signs the purchase orders: ask {ally} to introduce you to Procurement."),
    ("missing", "buyer", False, "No {role}",
     "Find out who signs the purchase orders, usually in Procurement."),
    ("missing", "influencer", True, "No {role}",
     "Who shapes the requirements (engineering, quality, IT)? Ask {ally} who was involved in "
     "the last decision."),
    ("missing", "influencer", False, "No {role}",
     "Who shapes the requirements (engineering, quality, IT)? Offer a workshop to meet them."),
    ("missing", "user", True, "No {role}",
     "Meet the people who work with our products every day: ask {ally} for a site visit."),
    ("missing", "user", False, "No {role}",
     "Meet the people who work with our products every day: offer a site visit."),
    ("missing", "ambassador", True, "No {role}",
     "Who in {ally_department} already likes us? {ally} ({ally_stance}) could be one: ask "
     "them to speak up for us."),
    ("missing", "ambassador", False, "No {role}",
     "Nobody is a supporter yet: who already likes working with us? Start with the users."),
    ("stale", "*", True, "{Role} gone quiet",
     "No contact with {covered_by} {since}: book a meeting or a call."),
    ("stale", "*", False, "{Role} gone quiet",
     "No contact with {covered_by} {since}: book a meeting or a call."),
    ("hostile", "*", True, "{Role} against us",
     "{against} {is_are} against us. Find out what went wrong, and ask {ally} how to win "
     "them over."),
    ("hostile", "*", False, "{Role} against us",
     "{against} {is_are} against us. Find out what went wrong and who they trust."),
    ("single_threaded", "", True, "Single-threaded",
     "All {contacts} contacts in the last {stale_days} days were with {thread}. Ask them to "
     "bring a colleague into the next meeting, or call {partner} ({partner_role}) directly."),
    ("single_threaded", "", False, "Single-threaded",
     "All {contacts} contacts in the last {stale_days} days were with {thread}. Ask them to "
     "bring a colleague."),
)
_WORDING_KEYS = ["kind", "role", "with_ally"]


def _wording_table() -> pd.DataFrame:
    """``GAP_WORDING`` with every "*" row spelled out for each role it stands for."""
    table = pd.DataFrame(GAP_WORDING, columns=[*_WORDING_KEYS, "gap", "next_step"])
    own = table[table["role"] != "*"]
    spelled = [
        table[(table["role"] == "*") & (table["kind"] == kind)].assign(role=role)
        for kind in table.loc[table["role"] == "*", "kind"].unique()
        for role in ROLES if not ((own["kind"] == kind) & (own["role"] == role)).any()
    ]
    return pd.concat([own, *spelled], ignore_index=True)


def _render(templates: pd.Series, fields: pd.DataFrame) -> pd.Series:
    """Each row's template filled with its fields: one concatenation per distinct template
    (a handful), not a format per gap."""
    out = pd.Series("", index=templates.index, dtype=object)
    for template, rows in templates.groupby(templates, sort=False).groups.items():
        text = pd.Series("", index=rows, dtype=object)
        for literal, field, _, _ in string.Formatter().parse(template):
            text = text + literal
            if field is not None:
                text = text + _text(fields.loc[rows, field])
        out[rows] = text
    return out


def _worded(gaps: pd.DataFrame) -> pd.DataFrame:
    """``gaps`` (kind, role, with_ally and the fields) with their gap and next_step."""
    keyed = gaps.assign(role=gaps["role"].fillna(""), with_ally=gaps["with_ally"].astype(bool))
    copy = keyed[_WORDING_KEYS].merge(_wording_table(), on=_WORDING_KEYS, how="left")
    copy.index = gaps.index
    label = _text(gaps["role"].map(ROLE_LABELS))
    fields = gaps.assign(Role=label, role=label.str.lower())
    return gaps.assign(gap=_render(copy["gap"], fields),
                       next_step=_render(copy["next_step"], fields))


_GAP_COLUMNS = ["account_id", "kind", "role", "severity", "gap", "who", "next_step"]


def _text(values: pd.Series) -> pd.Series:
    """Strings for concatenation ('' for missing), whatever the dtype."""
    return values.astype(object).where(values.notna(), "").astype(str).astype(object)


def coverage_gaps(
    stakeholders: pd.DataFrame,
    role_cov: pd.DataFrame,
    thread_frame: pd.DataFrame,
    stale_days: int = STALE_DAYS,
) -> pd.DataFrame:
    """Every gap, most severe first: account_id, kind (a ``GAP_URGENCY`` key), role (None for
    single-threaded), severity (0-100), gap (a short headline), who (the people concerned)
    and next_step (a plain-language suggestion), worded by ``GAP_WORDING``."""
    people = _active(stakeholders)
    parts = [
        role_cov.loc[mask].assign(kind=kind)
        for kind, mask in (("missing", ~role_cov["covered"]), ("stale", role_cov["stale"]),
                           ("hostile", role_cov["hostile"]))
    ]
    gaps = pd.concat(parts, ignore_index=True).join(_allies(people), on="account_id")
    days = gaps["days_since_contact"]
    hostile = gaps["kind"] == "hostile"
    gaps = gaps.assign(
        with_ally=gaps["ally"].notna(),
        ally_stance=gaps["ally_stance"].map(STANCE_LABELS),
        ally_department=_text(gaps["ally_department"]).replace("", "the account"),
        since=("for " + _text(days.round().astype("Int64")) + " days").where(
            days.notna(), "on record"),
        against=gaps["hostile_people"],
        is_are=np.where(gaps["hostile_count"].fillna(0) <= 1, "is", "are"),
        severity=severity(gaps["kind"], gaps["role"]),
        who=_text(gaps["covered_by"]).where(~hostile, _text(gaps["hostile_people"])),
    )
    worded = [_worded(frame) for frame in
              (_single_thread_gaps(people, thread_frame, stale_days), gaps) if len(frame)]
    out = (pd.concat([w[_GAP_COLUMNS] for w in worded], ignore_index=True) if worded
           else pd.DataFrame({c: pd.Series(dtype=object) for c in _GAP_COLUMNS}))
    out = out.astype({"account_id": "int64", "severity": "int64"})
    return out.sort_values(["severity", "account_id"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def _single_thread_gaps(
    people: pd.DataFrame, thread_frame: pd.DataFrame, stale_days: int
) -> pd.DataFrame:
    """The single-threaded accounts as gaps, with the fields their wording needs."""
    single = thread_frame[thread_frame["single_threaded"]]
    names = people.set_index("stakeholder_id")["name"]
    # The thread may have left since (inactive): fall back to a neutral word then.
    thread = _text(pd.Series(names.reindex(single["thread_id"]).to_numpy(), single.index))
    thread = thread.replace("", "one person")
    partners = _partners(_role_rows(people), single["thread_id"]).reindex(single.index)
    return pd.DataFrame({
        "account_id": single.index.to_numpy(),
        "kind": "single_threaded",
        "role": None,
        "severity": severity(pd.Series(["single_threaded"]), pd.Series([None])).iloc[0],
        "who": thread.to_numpy(dtype=object),
        "with_ally": partners["partner"].notna().to_numpy(),
        "contacts": single["recent_engagements"].to_numpy(),
        "stale_days": stale_days,
        "thread": thread.to_numpy(dtype=object),
        "partner": partners["partner"].to_numpy(dtype=object),
        "partner_role": _text(partners["partner_role"].map(ROLE_LABELS)).str.lower().to_numpy(),
    })


def severity(kind: pd.Series, role: pd.Series) -> pd.Series:
    """How urgent each gap is, 0-100: its ``GAP_URGENCY`` times its role's weight relative to
    the heaviest role (single-threaded concerns no one role: it counts as the heaviest)."""
    weight = role.map(ROLE_WEIGHTS).astype(float).fillna(max(ROLE_WEIGHTS.values()))
    share = weight / max(ROLE_WEIGHTS.values())
    return (kind.map(GAP_URGENCY).astype(float) * share * 100).round().astype(int)


# --- for people ----------------------------------------------------------------------------

_PRIORITY_LABELS = ("Low", "Medium", "High")


def priority(severity: pd.Series) -> pd.Series:
    """Severity 0-100 as a word: High (``PRIORITY_HIGH_FROM``+), Medium
    (``PRIORITY_MEDIUM_FROM``+), Low."""
    rank = (severity >= PRIORITY_MEDIUM_FROM).astype(int) + (severity >= PRIORITY_HIGH_FROM)
    return pd.Series(np.asarray(_PRIORITY_LABELS, dtype=object)[rank.to_numpy()],
                     index=severity.index, dtype=object)


def _share_words(share: float) -> str:
    """0.5 -> 'half', 0.25 -> 'a quarter', 0.4 -> '40%'."""
    words = {0.0: "nothing", 0.25: "a quarter", 1 / 3: "a third", 0.5: "half",
             2 / 3: "two thirds", 0.75: "three quarters", 1.0: "all"}
    for value, word in words.items():
        if abs(share - value) < 1e-9:
            return word
    return f"{share:.0%}"


def _heaviest_roles() -> list[str]:
    top = max(ROLE_WEIGHTS.values())
    return [r for r in ROLES if ROLE_WEIGHTS[r] == top]


def score_help(stale_days: int | None = None) -> str:
    """How the coverage score is made, in words: the role weights and the stale discount
    (``stale_days`` defaults to ``STALE_DAYS``, read when called, as in the helpers below)."""
    stale_days = STALE_DAYS if stale_days is None else stale_days
    total = sum(ROLE_WEIGHTS.values())
    points = ", ".join(f"{ROLE_LABELS[r].lower()} {ROLE_WEIGHTS[r] * 100 / total:.3g}"
                       for r in ROLES)
    return (f"Points for each buying role we know someone in: {points} (100 in all). A role "
            f"with no contact for over {stale_days} days earns {_share_words(STALE_CREDIT)} "
            "of its points.")


def stale_help(stale_days: int | None = None) -> str:
    """When a covered role counts as gone quiet, and when contact still counts as fresh."""
    stale_days = STALE_DAYS if stale_days is None else stale_days
    return (f"A role goes quiet after {stale_days} days without contact; contact within "
            f"{fresh_within_days(stale_days)} days counts as fresh.")


def single_threaded_help(stale_days: int | None = None) -> str:
    """What single-threaded means, with the thresholds in force."""
    stale_days = STALE_DAYS if stale_days is None else stale_days
    return (f"All contacts in the last {stale_days} days ({SINGLE_THREAD_MIN_TOUCHES} or "
            "more) were with one person: if they leave, we lose the account's ear.")


def hostile_roles_text() -> str:
    """The roles whose hostility is flagged, for people: 'decision maker or buyer'."""
    return join_words([ROLE_LABELS[r].lower() for r in ROLES if r in HOSTILE_ROLES], "or")


def severity_help() -> str:
    """How urgent each kind of gap is (0-100) and where the priority words begin."""
    top = _heaviest_roles()
    kinds = {"missing": "nobody known", "hostile": "against us", "stale": "gone quiet"}
    each = ", ".join(
        f"{word} {severity(pd.Series([kind]), pd.Series(top[:1])).iloc[0]}"
        for kind, word in kinds.items())
    single = severity(pd.Series(["single_threaded"]), pd.Series([None])).iloc[0]
    return (f"How urgent the gap is, 0-100: single-threaded {single}; for a "
            f"{join_words([ROLE_LABELS[r].lower() for r in top], 'or')}: {each}; other roles less, "
            f"by their weight. High from {PRIORITY_HIGH_FROM}, Medium from "
            f"{PRIORITY_MEDIUM_FROM}, Low below.")


def first_people_to_add() -> str:
    """Who to add first to an account with no stakeholders: the roles that weigh most."""
    both = join_words(ROLE_LABELS[r].lower() for r in _heaviest_roles())
    return (f"Start with the people who decide: the {both}. Then the people who shape the "
            "requirements and use our products, and anyone who already likes working with us.")


def days_ago(days: pd.Series) -> pd.Series:
    """Days since contact in words: 'today', 'yesterday', '12 days ago', 'never' (NaN)."""
    whole = days.fillna(0).astype(int)
    text = np.select(
        [days.isna(), whole == 0, whole == 1],
        ["never", "today", "yesterday"],
        default=whole.astype(str) + " days ago",
    )
    return pd.Series(text, index=days.index, dtype=object)


def _last_contact_text(days: pd.Series, covered: pd.Series) -> pd.Series:
    return days_ago(days).where(covered.to_numpy(bool), "")


def new_people(engagements: pd.DataFrame, as_of: date,
               within_days: int = NEW_WITHIN_DAYS) -> pd.Index:
    """The stakeholder ids whose first engagement on record lies within ``within_days`` up
    to ``as_of`` (the same boundary as recent contact: at most that many days ago).
    ``engagements``: stakeholder_id, date (touches with nobody named are left out)."""
    named = engagements.dropna(subset=["stakeholder_id"])
    when = pd.to_datetime(named["date"])
    named, when = named[when <= _day(as_of)], when[when <= _day(as_of)]
    first = when.groupby(named["stakeholder_id"].astype("int64")).min()
    fresh = first[first >= _day(as_of) - pd.Timedelta(days=within_days)]
    return pd.Index(fresh.index, dtype="int64", name="stakeholder_id")


def role_matrix(stakeholders: pd.DataFrame, role_cov: pd.DataFrame,
                new: Iterable[int] = ()) -> pd.DataFrame:
    """Roles x people of ONE account, for display: role, status, covered_by, last_contact
    (words), then one True/False column per active stakeholder (in the given order) saying
    whether they hold the role, headed by their name (' (new)' after the ids in ``new``, see
    ``new_people``). ``role_cov`` is that account's ``role_coverage`` rows."""
    cov = role_cov.set_index("role").reindex(list(ROLES))
    # Against us: the stance word of the least friendly holder ("Non-supporter", "Enemy").
    against = _text(cov["hostile_stance"].map(STANCE_LABELS)).str.capitalize()
    status = np.select(
        [~cov["covered"], cov["hostile"] & cov["stale"], cov["hostile"], cov["stale"]],
        ["Missing", against + ", gone quiet", against, "Gone quiet"],
        default="Covered",
    )
    table = pd.DataFrame({
        "role": [ROLE_LABELS[r] for r in ROLES],
        "status": status,
        "covered_by": cov["covered_by"].to_numpy(),
        "last_contact": _last_contact_text(cov["days_since_contact"], cov["covered"]).to_numpy(),
    })
    people = _active(stakeholders)
    is_new = people["stakeholder_id"].isin(list(new))
    people["name"] = people["name"].where(~is_new, people["name"] + " (new)")
    held = _role_rows(people)
    names = list(dict.fromkeys(people["name"]))
    ticks = pd.crosstab(held["role"], held["name"]).reindex(
        index=list(ROLES), columns=names, fill_value=0) > 0
    # A person called e.g. "status" must not overwrite a fixed column: give them a suffix.
    ticks.columns = [n + " " if n in table.columns else n for n in ticks.columns]
    return pd.concat([table, ticks.reset_index(drop=True)], axis=1)


def worst_gaps(gaps: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """``gaps`` with the account's name, is_key, manager, industry and annual_revenue (from
    ``accounts``, index account_id) and a priority word; most severe first, key accounts and
    then bigger revenue first among equals. Gaps of accounts not in ``accounts`` are dropped."""
    cols = ["name", "is_key", "manager", "industry", "annual_revenue"]
    table = gaps.join(accounts[cols], on="account_id", how="inner")
    table = table.assign(priority=priority(table["severity"]))
    return table.sort_values(
        ["severity", "is_key", "annual_revenue", "account_id"],
        ascending=[False, False, False, True], na_position="last", kind="stable",
    ).reset_index(drop=True)


def select_accounts(
    accounts: pd.DataFrame,
    managers: Iterable[str] = (),
    industries: Iterable[str] = (),
    key: bool | None = None,
) -> pd.DataFrame:
    """The accounts of the chosen managers and industries (none chosen: all), only key
    accounts (``key=True``), only the others (False) or both (None)."""
    keep = pd.Series(True, index=accounts.index)
    managers, industries = list(managers), list(industries)
    if managers:
        keep &= accounts["manager"].isin(managers)
    if industries:
        keep &= accounts["industry"].isin(industries)
    if key is not None:
        keep &= accounts["is_key"].astype(bool) == key
    return accounts[keep]


def heatmap_cells(
    report: CoverageReport, accounts: pd.DataFrame, limit: int | None = None
) -> pd.DataFrame:
    """The ``report.roles`` rows of ``accounts`` (index account_id, with name) in the
    heatmap's order: lowest coverage score first (then fewer roles covered, then name), at
    most ``limit`` accounts, each with its roles in ``ROLES`` order; with name and role_label
    added."""
    summary = report.accounts.reindex(accounts.index)
    ranked = pd.DataFrame({
        "score": summary["coverage_score"],
        "covered": summary["roles_covered"],
        "name": _text(accounts["name"]).str.casefold(),
    }).sort_values(["score", "covered", "name"], na_position="last", kind="stable")
    order = ranked.index if limit is None else ranked.index[:limit]
    cells = report.roles[report.roles["account_id"].isin(order)]
    place = pd.Series(np.arange(len(order)), index=order)
    cells = cells.assign(
        name=cells["account_id"].map(accounts["name"]),
        role_label=cells["role"].map(ROLE_LABELS),
        _account=cells["account_id"].map(place),
        _role=cells["role"].map({r: i for i, r in enumerate(ROLES)}),
    )
    return (cells.sort_values(["_account", "_role"], kind="stable")
            .drop(columns=["_account", "_role"]).reset_index(drop=True))


# --- everything at once --------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageReport:
    """``roles``: ``role_coverage``; ``accounts``: one row per account (index account_id) with
    coverage_score, roles_covered (someone known), roles_in_contact (known and not gone
    quiet), missing_roles / stale_roles / hostile_roles (labels,
    comma-separated, '' for none) and the ``threads`` columns; ``gaps``: ``coverage_gaps``."""

    roles: pd.DataFrame
    accounts: pd.DataFrame
    gaps: pd.DataFrame


def analyse(
    stakeholders: pd.DataFrame,
    contacts: pd.DataFrame,
    as_of: date,
    stale_days: int = STALE_DAYS,
    accounts: Iterable[int] | None = None,
) -> CoverageReport:
    """Coverage of every account in ``stakeholders`` and ``accounts``: roles, flags, gaps.

    ``contacts`` is a contact summary counted over exactly ``stale_days`` up to ``as_of``
    (``contact_summary``, ``store.load_contacts``; another window raises ValueError), or the
    raw engagements (account_id, stakeholder_id, date), summarised here over that window."""
    contacts = _contacts_over(contacts, as_of, stale_days)
    cov = role_coverage(stakeholders, contacts, as_of, stale_days, accounts)
    ids = pd.Index(cov["account_id"].unique(), name="account_id")
    thread_frame = threads(contacts, ids).reindex(ids)
    labelled = cov.assign(label=cov["role"].map(ROLE_LABELS))
    by_account = labelled.groupby("account_id")

    def roles_where(mask: pd.Series) -> pd.Series:
        picked = labelled[mask].groupby("account_id")["label"].agg(", ".join)
        return picked.reindex(ids).fillna("")

    summary = pd.DataFrame({
        "coverage_score": _scores(cov).reindex(ids),
        "roles_covered": by_account["covered"].sum().reindex(ids).astype(int),
        "roles_in_contact": (labelled["covered"] & ~labelled["stale"]).groupby(
            labelled["account_id"]).sum().reindex(ids).astype(int),
        "missing_roles": roles_where(~labelled["covered"]),
        "stale_roles": roles_where(labelled["stale"]),
        "hostile_roles": roles_where(labelled["hostile"]),
    }).join(thread_frame)
    summary["single_threaded"] = summary["single_threaded"].fillna(False).astype(bool)
    gaps = coverage_gaps(stakeholders, cov, thread_frame, stale_days)
    return CoverageReport(roles=cov, accounts=summary, gaps=gaps)


@dataclass(frozen=True)
class CoverageHeadline:
    """Portfolio figures for a set of accounts."""

    accounts: int
    average_score: float  # NaN when there are no accounts
    single_threaded: int
    no_decision_maker: int
    hostile: int  # accounts with a hostile decision maker or buyer


def headline(report: CoverageReport, account_ids: Iterable[int]) -> CoverageHeadline:
    """How many of ``account_ids`` are single-threaded, lack a decision maker, face a hostile
    decision maker or buyer; and their average coverage score."""
    ids = pd.Index(list(account_ids))
    summary = report.accounts.reindex(ids)
    roles = report.roles[report.roles["account_id"].isin(ids)]
    no_dm = roles[(roles["role"] == "decision_maker") & ~roles["covered"]]
    hostile = roles[roles["hostile"]]
    return CoverageHeadline(
        accounts=len(ids),
        average_score=float(summary["coverage_score"].mean()),
        single_threaded=int(summary["single_threaded"].fillna(False).astype(bool).sum()),
        no_decision_maker=int(no_dm["account_id"].nunique()),
        hostile=int(hostile["account_id"].nunique()),
    )
