"""Account plans, pure: the rules every field of a plan obeys, and the summaries built on them.

One rule in one place: the forms, the table editors and (later) the importer all hand their
rows to ``validate_rows``, which returns the clean rows and every problem as "row N, column
C: what is wrong"; the store writes only when there are none. The summaries (overdue
actions, goals at risk, pipeline, win rate, won value, whitespace, review due dates) take
small frames and return frames, like the rest of the domain layer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

# --- words for the enums (key as stored -> label as shown) ------------------------------------

HORIZONS = {"short": "Short term", "mid": "Mid term", "long": "Long term"}
GOAL_STATUSES = {"not_started": "Not started", "on_track": "On track", "at_risk": "At risk",
                 "done": "Done", "dropped": "Dropped"}
ACTION_STATUSES = {"open": "Open", "in_progress": "In progress", "done": "Done",
                   "dropped": "Dropped"}
STAGES = {"open": "Open", "won": "Won", "lost": "Lost"}
WHITESPACE_STATUSES = {"ours": "We sell it", "open": "Open opportunity",
                       "potential": "Potential", "competitor": "Competitor has it",
                       "not_relevant": "Not relevant"}
FINANCIAL_HEALTH = {"strong": "Strong", "stable": "Stable", "watch": "Watch", "weak": "Weak"}
CADENCES = {"weekly": "Weekly", "monthly": "Monthly", "quarterly": "Quarterly"}

# Days between internal reviews per cadence: a calendar month and quarter at their longest, so a
# review held on the same day each month is never called late.
CADENCE_DAYS = {"weekly": 7, "monthly": 31, "quarterly": 92}
# Default cadence by our revenue from the account (last 12 months): the biggest accounts get the
# closest watch (the source material: "review weekly, monthly or quarterly by account value").
WEEKLY_FROM = 2_000_000.0
MONTHLY_FROM = 500_000.0

OPEN_ACTION = ("open", "in_progress")  # statuses of an action still to do
CLOSED_GOAL = ("done", "dropped")
WIN_RATE_MONTHS = 12  # win rate and won value look back this many months

MAX_TEXT = 200  # a name, title, owner role or list item
MAX_NOTE = 2000  # a note: financial health, review notes
MAX_ITEMS = 20  # items in one list (goals, initiatives, each SWOT quadrant)
MAX_VALUE = 1e12  # a value beyond this is a typo


# --- the fields --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One column of a plan's rows: its name in frames and files, its words, its kind (text,
    note, list, choice, date, number, person, goal, offering) and whether it must be given."""

    name: str
    label: str
    kind: str
    required: bool = False
    choices: Mapping[str, str] | None = None
    default: object = None
    help: str = ""


FIELDS: dict[str, tuple[Field, ...]] = {
    "profile": (
        Field("strategic_goals", "Their strategic goals", "list",
              help="What the customer wants to achieve, one per line"),
        Field("initiatives", "Current initiatives", "list",
              help="Projects they run now, one per line"),
        Field("financial_health", "Financial health", "choice", choices=FINANCIAL_HEALTH),
        Field("financial_note", "Financial health note", "note"),
        Field("strengths", "Strengths", "list"),
        Field("weaknesses", "Weaknesses", "list"),
        Field("opportunities", "Opportunities", "list"),
        Field("threats", "Threats", "list"),
        Field("review_cadence", "Review cadence", "choice", choices=CADENCES,
              help="Blank: from the account's value"),
        Field("sponsor", "Executive sponsor", "person"),
    ),
    "goal": (
        Field("title", "Goal", "text", required=True),
        Field("horizon", "Horizon", "choice", required=True, choices=HORIZONS, default="short"),
        Field("owner", "Owner", "person", required=True),
        Field("start_on", "Start", "date"),
        Field("due_on", "Due", "date"),
        Field("status", "Status", "choice", required=True, choices=GOAL_STATUSES,
              default="not_started"),
        Field("measure", "Target measure", "text", help="What the target counts, e.g. Revenue"),
        Field("target_value", "Target", "number"),
        Field("current_value", "Current value", "number"),
    ),
    "action": (
        Field("goal", "Goal", "goal", required=True),
        Field("what", "Action", "text", required=True),
        Field("owner", "Owner", "person", required=True),
        Field("due_on", "Due", "date"),
        Field("status", "Status", "choice", required=True, choices=ACTION_STATUSES,
              default="open"),
        Field("gap", "Closes coverage gap", "text"),
    ),
    "opportunity": (
        Field("name", "Opportunity", "text", required=True),
        Field("offering", "Product or service", "offering"),
        Field("buying_centre", "Buying centre", "text"),
        Field("value", "Value", "number", required=True),
        Field("stage", "Stage", "choice", required=True, choices=STAGES, default="open"),
        Field("close_on", "Close date", "date", help="Expected while open, actual once closed"),
        Field("lost_reason", "Reason lost", "text"),
    ),
    "whitespace": (
        Field("offering", "Offering", "offering", required=True),
        Field("buying_centre", "Buying centre", "text", required=True),
        Field("status", "Status", "choice", choices=WHITESPACE_STATUSES),
        Field("estimated_value", "Estimated value", "number"),
    ),
    "team": (
        Field("person", "Person", "person", required=True),
        Field("role", "Role on the account", "text", required=True),
    ),
    "review": (
        Field("held_on", "Date", "date", required=True),
        Field("attendees", "Attendees", "text", required=True),
        Field("notes", "Notes", "note"),
    ),
    "offering": (
        Field("name", "Offering", "text", required=True),
        Field("description", "Description", "text"),
        Field("active", "Active", "flag", default=True),
    ),
}
# The key column a saved row carries in an edited table (missing for new rows).
ID_COLUMNS = {"goal": "goal_id", "action": "action_id", "opportunity": "opportunity_id",
              "team": "member_id", "review": "review_id", "offering": "offering_id"}


def labels(kind: str) -> dict[str, str]:
    """Column name -> the words the editor and the messages use, for ``kind``."""
    return {f.name: f.label for f in FIELDS[kind]}


@dataclass(frozen=True)
class Lookups:
    """What a row may refer to: our people (casefolded name or e-mail -> manager id), the
    account's goals (casefolded title -> (goal id, start date)) and the catalogue (casefolded
    offering name -> offering id)."""

    people: Mapping[str, int] = field(default_factory=dict)
    goals: Mapping[str, tuple[int, date | None]] = field(default_factory=dict)
    offerings: Mapping[str, int] = field(default_factory=dict)


def people_lookup(managers: pd.DataFrame) -> dict[str, int]:
    """Our people by casefolded name and e-mail (``managers``: index manager_id, name, email)."""
    out: dict[str, int] = {}
    for mid, row in managers.iterrows():
        for key in (row.get("name"), row.get("email")):
            if isinstance(key, str) and key.strip():
                out[key.strip().casefold()] = int(mid)
    return out


# --- checking rows -----------------------------------------------------------------------------


class PlanEditRejected(ValueError):
    """Rows of a plan had problems; nothing was saved. ``problems`` lists them as "row N,
    column C: what is wrong" (rows counted from 1 as shown)."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__("Nothing was saved: " + "; ".join(self.problems[:3]) + more)


def blank(value: object) -> bool:
    """True for None, NaN/NaT, an empty or all-space string and an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(blank(v) for v in value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _shown(value: object, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _choice(value: object, choices: Mapping[str, str]) -> str:
    text = _one_line(value).casefold()
    for key, label in choices.items():
        if text in (key.casefold(), label.casefold(), key.replace("_", " ").casefold()):
            return key
    raise ValueError(f"{_shown(value)} is not one of {', '.join(choices.values())}")


def _date(value: object) -> date:
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError(f"{_shown(value)} is not a date; write YYYY-MM-DD") from None


def _number(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{_shown(value)} is not a number")
    try:
        number = float(str(value).strip().replace("€", "").replace(" ", "")) if isinstance(
            value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{_shown(value)} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{_shown(value)} is not a number")
    if number < 0:
        raise ValueError(f"{number:,.0f} is negative; a value is zero or more")
    if number > MAX_VALUE:
        raise ValueError(f"{number:,.0f} is too large to be real")
    return number


def split_list(value: object) -> list[str]:
    """A list field as items: a list as it is, text split into lines; blank items dropped."""
    if blank(value):
        return []
    items = value if isinstance(value, list | tuple) else str(value).splitlines()
    return [_one_line(v) for v in items if not blank(v)]


def _text(value: object, limit: int) -> str:
    text = str(value).strip() if limit == MAX_NOTE else _one_line(value)
    if len(text) > limit:
        raise ValueError(f"is {len(text)} characters long; at most {limit} fit")
    return text


def _parse(f: Field, value: object, lookups: Lookups | None) -> object:
    """One cell's clean value (None for blank), or ValueError saying what is wrong."""
    if f.kind == "list":
        items = split_list(value)
        if len(items) > MAX_ITEMS:
            raise ValueError(f"has {len(items)} items; at most {MAX_ITEMS} fit")
        long = [i for i in items if len(i) > MAX_TEXT]
        if long:
            raise ValueError(f"the item {_shown(long[0])} is {len(long[0])} characters long; "
                             f"at most {MAX_TEXT} fit")
        return "\n".join(items)
    if blank(value):
        return f.default
    if f.kind in ("text", "note"):
        return _text(value, MAX_TEXT if f.kind == "text" else MAX_NOTE) or None
    if f.kind == "choice":
        return _choice(value, f.choices or {})
    if f.kind == "date":
        return _date(value)
    if f.kind == "number":
        return _number(value)
    if f.kind == "flag":
        if isinstance(value, bool):
            return value
        text = str(value).strip().casefold()
        if text in ("yes", "true", "1"):
            return True
        if text in ("no", "false", "0"):
            return False
        raise ValueError(f"{_shown(value)} is not yes or no")
    key = _one_line(value).casefold()
    if f.kind == "person":
        found = (lookups.people if lookups else {}).get(key)
        if found is None:
            raise ValueError(f"{_shown(value)} is not one of our people; choose someone from "
                             "the managers list")
        return found
    if f.kind == "offering":
        found = (lookups.offerings if lookups else {}).get(key)
        if found is None:
            raise ValueError(f"{_shown(value)} is not in the offering catalogue")
        return found
    if f.kind == "goal":
        found = (lookups.goals if lookups else {}).get(key)
        if found is None:
            raise ValueError(f"{_shown(value)} is not a goal of this plan")
        return found
    raise AssertionError(f"unknown field kind {f.kind}")


def validate_rows(kind: str, rows: pd.DataFrame | Sequence[Mapping[str, object]],
                  lookups: Lookups | None = None) -> tuple[list[dict], list[str]]:
    """Check and normalise rows of ``kind`` (see ``FIELDS``): each becomes a dict of clean
    values (persons, goals and offerings as ids, choices as keys, lists as lines) plus its
    saved id (``ID_COLUMNS``) when it has one. Returns the rows and the problems, "row N,
    column C: what is wrong"; the rows are only meaningful when there are none."""
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
    fields = FIELDS[kind]
    id_column = ID_COLUMNS.get(kind)
    clean: list[dict] = []
    problems: list[str] = []
    for n, raw in enumerate(records, start=1):
        row: dict[str, object] = {}
        found: list[str] = []
        failed: set[str] = set()
        if id_column:
            sid = raw.get(id_column)
            row[id_column] = None if blank(sid) else int(sid)
        for f in fields:
            value = raw.get(f.name)
            try:
                row[f.name] = _parse(f, value, lookups)
            except ValueError as exc:
                found.append(f"row {n}, column {f.label}: {exc}")
                row[f.name] = None
                failed.add(f.name)
                continue
            if f.required and blank(row[f.name]):
                found.append(f"row {n}, column {f.label}: is empty; every row needs it")
        found += [f"row {n}, column {labels(kind)[c]}: {m}" for c, m in _row_rules(kind, row)
                  if c not in failed]
        problems += found
        clean.append(row)
    problems += _unique_rules(kind, clean)
    return clean, problems


def _row_rules(kind: str, row: Mapping[str, object]) -> list[tuple[str, str]]:
    """Rules across the fields of one row: (column, what is wrong)."""
    out: list[tuple[str, str]] = []
    if kind == "goal" and row.get("start_on") and row.get("due_on") \
            and row["due_on"] < row["start_on"]:
        out.append(("due_on", f"{row['due_on']:%Y-%m-%d} is before the start "
                              f"({row['start_on']:%Y-%m-%d})"))
    if kind == "goal" and row.get("target_value") is not None and not row.get("measure"):
        out.append(("measure", "is empty; say what the target counts, e.g. Revenue"))
    if kind == "action" and row.get("goal") and row.get("due_on"):
        start = row["goal"][1]
        if start and row["due_on"] < start:
            out.append(("due_on", f"{row['due_on']:%Y-%m-%d} is before its goal starts "
                                  f"({start:%Y-%m-%d})"))
    if kind == "opportunity" and row.get("stage") == "lost" and not row.get("lost_reason"):
        out.append(("lost_reason", "is empty; a lost opportunity needs the reason it was lost"))
    if kind == "whitespace" and row.get("status") == "potential" \
            and row.get("estimated_value") is None:
        out.append(("estimated_value", "is empty; a potential needs an estimated value"))
    return out


def _unique_rules(kind: str, rows: list[dict]) -> list[str]:
    """Names that must be unique within one plan (goals are found by title, people once on the
    team, one cell per offering and buying centre, offerings by name)."""
    key = {"goal": ("title",), "team": ("person",), "whitespace": ("offering", "buying_centre"),
           "offering": ("name",)}.get(kind)
    if key is None:
        return []
    first: dict[tuple, int] = {}
    out = []
    for n, row in enumerate(rows, start=1):
        if any(blank(row.get(k)) for k in key):
            continue
        k = tuple(str(row[c]).casefold() for c in key)
        if k in first:
            out.append(f"row {n}, column {labels(kind)[key[0]]}: the same as row {first[k]}; "
                       "each must be unique in the plan")
        else:
            first[k] = n
    return out


# --- review cadence ----------------------------------------------------------------------------


def default_cadence(annual_revenue: float | None) -> str:
    """Weekly from WEEKLY_FROM of our revenue, monthly from MONTHLY_FROM, else quarterly."""
    revenue = 0.0 if blank(annual_revenue) else float(annual_revenue)
    if revenue >= WEEKLY_FROM:
        return "weekly"
    return "monthly" if revenue >= MONTHLY_FROM else "quarterly"


def cadence_help() -> str:
    return (f"Weekly from €{WEEKLY_FROM / 1e6:g}M of revenue a year, monthly from "
            f"€{MONTHLY_FROM / 1e3:g}k, else quarterly, unless the plan sets its own.")


def review_status(plans: pd.DataFrame, accounts: pd.DataFrame, reviews: pd.DataFrame,
                  today: date) -> pd.DataFrame:
    """Per plan (index account_id): cadence (its own or the default from revenue),
    cadence_source, last_review, next_due (last review + cadence; today when never
    reviewed), days_late (0 when on time) and overdue."""
    revenue = accounts["annual_revenue"].reindex(plans.index)
    own = plans["review_cadence"].where(plans["review_cadence"].notna(), None) \
        if "review_cadence" in plans else pd.Series(None, index=plans.index, dtype=object)
    default = revenue.map(default_cadence)
    cadence = own.where(own.notna(), default)
    last = reviews.groupby("account_id")["held_on"].max() if len(reviews) else pd.Series(
        dtype="datetime64[ns]")
    last = pd.to_datetime(last).reindex(plans.index)
    days = cadence.map(CADENCE_DAYS).astype(int)
    today_ts = pd.Timestamp(today)
    next_due = (last + pd.to_timedelta(days, unit="D")).fillna(today_ts)
    late = (today_ts - next_due).dt.days.clip(lower=0)
    overdue = last.isna() | (late > 0)
    return pd.DataFrame({
        "cadence": cadence.astype(object),
        "cadence_source": own.notna().map({True: "set in the plan",
                                           False: "default from revenue"}),
        "last_review": last, "next_due": next_due, "days_late": late.astype(int),
        "overdue": overdue.astype(bool),
    }, index=plans.index)


# --- goals and actions -------------------------------------------------------------------------


def overdue_actions(actions: pd.DataFrame, today: date) -> pd.DataFrame:
    """Actions still to do whose due date has passed, most overdue first, with days_overdue."""
    due = pd.to_datetime(actions["due_on"])
    late = actions["status"].isin(OPEN_ACTION) & due.notna() & (due < pd.Timestamp(today))
    out = actions[late].assign(days_overdue=(pd.Timestamp(today) - due[late]).dt.days)
    return out.sort_values(["days_overdue"], ascending=False, kind="stable")


def is_overdue(actions: pd.DataFrame, today: date) -> pd.Series:
    """True per action that is still to do and past its due date."""
    due = pd.to_datetime(actions["due_on"])
    return (actions["status"].isin(OPEN_ACTION) & due.notna()
            & (due < pd.Timestamp(today))).astype(bool)


def goals_at_risk(goals: pd.DataFrame, today: date) -> pd.DataFrame:
    """Goals marked at risk, or past their due date and neither done nor dropped; with why."""
    due = pd.to_datetime(goals["due_on"])
    marked = goals["status"] == "at_risk"
    late = ~goals["status"].isin(CLOSED_GOAL) & due.notna() & (due < pd.Timestamp(today))
    out = goals[marked | late].copy()
    out["why"] = [("marked at risk" if m else "") + (" and " if m and lt else "")
                  + (f"past its due date ({d:%d %b %Y})" if lt else "")
                  for m, lt, d in zip(marked[marked | late], late[marked | late],
                                      due[marked | late], strict=True)]
    return out


def target_progress(goals: pd.DataFrame) -> pd.Series:
    """Current value over target (0..1, may pass 1) per goal with a target; NaN without."""
    target = pd.to_numeric(goals["target_value"], errors="coerce")
    current = pd.to_numeric(goals["current_value"], errors="coerce")
    return (current / target.where(target > 0)).astype(float)


# --- opportunities -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OpportunitySummary:
    """An account's (or the portfolio's) deals: pipeline of open value, won and lost in the
    last WIN_RATE_MONTHS months, the win rate (won / closed; None when none closed), won value."""

    pipeline: float
    open_count: int
    won: int
    lost: int
    win_rate: float | None
    won_value: float


def opportunity_summary(opportunities: pd.DataFrame, today: date,
                        months: int = WIN_RATE_MONTHS) -> OpportunitySummary:
    """Pipeline, win rate and won value over ``months`` of ``opportunities`` as of ``today``."""
    stage = opportunities["stage"]
    value = pd.to_numeric(opportunities["value"]).fillna(0.0)
    close = pd.to_datetime(opportunities["close_on"])
    since = pd.Timestamp(today) - pd.DateOffset(months=months)
    recent = close.notna() & (close > since) & (close <= pd.Timestamp(today))
    won = (stage == "won") & recent
    lost = (stage == "lost") & recent
    closed = int(won.sum() + lost.sum())
    return OpportunitySummary(
        pipeline=float(value[stage == "open"].sum()), open_count=int((stage == "open").sum()),
        won=int(won.sum()), lost=int(lost.sum()),
        win_rate=None if closed == 0 else float(won.sum() / closed),
        won_value=float(value[won].sum()))


# --- whitespace --------------------------------------------------------------------------------


def buying_centres(stakeholders: pd.DataFrame) -> list[str]:
    """The account's buying centres: departments of its active stakeholders, A to Z."""
    people = stakeholders[stakeholders["active"].astype(bool)] if "active" in stakeholders \
        else stakeholders
    names = {_one_line(d) for d in people["department"] if not blank(d)}
    return sorted(names, key=str.casefold)


def whitespace_grid(cells: pd.DataFrame, offerings: Sequence[str],
                    centres: Sequence[str]) -> pd.DataFrame:
    """Offerings (rows) x buying centres (columns), each cell its status label, with the
    estimated value for a potential ('Potential €120k'); blank where nothing is recorded."""
    from kamdash.formatting import money

    grid = pd.DataFrame("", index=pd.Index(list(offerings), name="offering"),
                        columns=list(centres), dtype=object)
    for row in cells.itertuples(index=False):
        if row.offering in grid.index and row.buying_centre in grid.columns:
            text = WHITESPACE_STATUSES.get(row.status, str(row.status))
            if row.status == "potential" and not blank(row.estimated_value):
                text += f" {money(row.estimated_value)}"
            grid.loc[row.offering, row.buying_centre] = text
    return grid


def potential(cells: pd.DataFrame) -> pd.Series:
    """The estimated value of each cell that is a potential (0 for every other cell)."""
    value = pd.to_numeric(cells["estimated_value"], errors="coerce").fillna(0.0)
    return value.where(cells["status"] == "potential", 0.0)


def whitespace_total(cells: pd.DataFrame) -> float:
    """The total estimated potential of a grid (or of many)."""
    return float(potential(cells).sum()) if len(cells) else 0.0


def whitespace_by(cells: pd.DataFrame, accounts: pd.DataFrame, by: str) -> pd.DataFrame:
    """Potential summed ``by`` "offering" or "industry" (the account's), largest first:
    columns potential and accounts (how many accounts hold some)."""
    if by not in ("offering", "industry"):
        raise ValueError(f"whitespace_by sums by offering or industry, not {by!r}")
    frame = cells.assign(potential=potential(cells))
    frame = frame[frame["potential"] > 0]
    if by == "industry":
        frame = frame.assign(industry=frame["account_id"].map(accounts["industry"])
                             .fillna("Unknown"))
    out = frame.groupby(by).agg(potential=("potential", "sum"),
                                accounts=("account_id", "nunique"))
    return out.sort_values(["potential"], ascending=False, kind="stable")


# --- across the portfolio ----------------------------------------------------------------------


def key_accounts_without_plan(accounts: pd.DataFrame, plan_ids: Sequence[int]) -> pd.DataFrame:
    """Today's key accounts that have no plan, largest revenue first."""
    key = accounts[accounts["is_key"].astype(bool) & ~accounts.index.isin(list(plan_ids))]
    return key.sort_values("annual_revenue", ascending=False, kind="stable")


def overdue_by_owner(actions: pd.DataFrame, today: date) -> pd.DataFrame:
    """Overdue actions counted per owner (index owner), most first, with the oldest overdue."""
    late = overdue_actions(actions, today)
    out = late.groupby(late["owner"].fillna("Nobody")).agg(
        overdue=("what", "size"), most_days=("days_overdue", "max"))
    return out.sort_values(["overdue", "most_days"], ascending=False, kind="stable")


def next_review_text(row: pd.Series, today: date) -> str:
    """'Next review due 3 Dec 2026 (monthly, default from revenue)' or how late it is."""
    cadence = CADENCES[row["cadence"]].lower()
    if pd.isna(row["last_review"]):
        return f"Never reviewed: a {cadence} review is due now ({row['cadence_source']})."
    due = pd.Timestamp(row["next_due"])
    if row["days_late"] > 0:
        return (f"Review overdue by {row['days_late']} days: {cadence} reviews "
                f"({row['cadence_source']}), last on {row['last_review']:%d %b %Y}.")
    left = (due - pd.Timestamp(today)).days
    when = "today" if left == 0 else f"in {left} days" if left != 1 else "tomorrow"
    return (f"Next review due {due:%d %b %Y} ({when}): {cadence} reviews "
            f"({row['cadence_source']}).")


# --- the plan tables together ------------------------------------------------------------------


@dataclass(frozen=True)
class PlanTables:
    """Every part of the plans of some accounts, as the store loads them (see
    ``kamdash.store.plans``): plans (index account_id), goals, actions, opportunities,
    whitespace cells, team members, reviews, and the offering catalogue."""

    plans: pd.DataFrame
    goals: pd.DataFrame
    actions: pd.DataFrame
    opportunities: pd.DataFrame
    whitespace: pd.DataFrame
    team: pd.DataFrame
    reviews: pd.DataFrame
    offerings: pd.DataFrame

    def of(self, account_id: int) -> PlanTables:
        """The same tables for one account only (the catalogue stays whole)."""
        return self.among([account_id])

    def among(self, account_ids) -> PlanTables:
        """The same tables for these accounts only (the catalogue stays whole)."""
        ids = list(account_ids)
        pick = lambda f: f[f["account_id"].isin(ids)]  # noqa: E731
        return PlanTables(
            plans=self.plans[self.plans.index.isin(ids)], goals=pick(self.goals),
            actions=pick(self.actions), opportunities=pick(self.opportunities),
            whitespace=pick(self.whitespace), team=pick(self.team),
            reviews=pick(self.reviews), offerings=self.offerings)


@dataclass(frozen=True)
class Attention:
    """What needs a look across the key accounts' plans (each frame has account_id and the
    account's name): key accounts without a plan, reviews overdue, overdue actions (and
    counted by owner), goals at risk, and the whitespace potential by offering and industry."""

    without_plan: pd.DataFrame
    reviews_overdue: pd.DataFrame
    overdue_actions: pd.DataFrame
    overdue_by_owner: pd.DataFrame
    goals_at_risk: pd.DataFrame
    potential_by_offering: pd.DataFrame
    potential_by_industry: pd.DataFrame
    potential_total: float


def attention(accounts: pd.DataFrame, tables: PlanTables, today: date,
              manager_id: int | None = None) -> Attention:
    """``Attention`` for the whole portfolio, or for the accounts one manager looks after."""
    if manager_id is not None:
        accounts = accounts[accounts["manager_id"] == manager_id]
    tables = tables.among(accounts.index)
    name = accounts["name"]
    review = review_status(tables.plans, accounts, tables.reviews, today)
    late = review[review["overdue"]].join(accounts[["name", "manager"]]).sort_values(
        ["days_late"], ascending=False, kind="stable")
    actions = overdue_actions(tables.actions, today).assign(
        account=lambda t: t["account_id"].map(name))
    goals = goals_at_risk(tables.goals, today).assign(
        account=lambda t: t["account_id"].map(name))
    return Attention(
        without_plan=key_accounts_without_plan(accounts, tables.plans.index),
        reviews_overdue=late.rename_axis("account_id").reset_index(),
        overdue_actions=actions, overdue_by_owner=overdue_by_owner(tables.actions, today),
        goals_at_risk=goals,
        potential_by_offering=whitespace_by(tables.whitespace, accounts, "offering"),
        potential_by_industry=whitespace_by(tables.whitespace, accounts, "industry"),
        potential_total=whitespace_total(tables.whitespace))
