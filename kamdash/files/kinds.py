"""File kinds: accounts, ratings, stakeholders and engagements, each with its label, its
documented columns (each of a cell type), its natural key and whether it is history.

The one registry every caller asks (the reader, the store, the command line, the Data page,
the README test): ``KINDS`` and ``kind(name)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kamdash.files.cells import CELL_TYPES, CellType
from kamdash.models import MAX_CADENCE_PER_QUARTER, EngagementKind


@dataclass(frozen=True)
class Column:
    """One documented column of a file: its cell type, whether every row needs it, and what
    goes in (for the README and the Data page)."""

    name: str
    type: str  # a key of kamdash.files.cells.CELL_TYPES
    required: bool
    help: str

    @property
    def cell(self) -> CellType:
        return CELL_TYPES[self.type]


@dataclass(frozen=True)
class FileKind:
    """What one kind of file holds. ``natural_key``: a row whose key is saved already updates
    that row. ``repeatable``: history (ratings, engagements), where the database may hold a
    key more than once, so a file may too; such rows are matched count by count."""

    name: str
    label: str  # "Accounts"
    article: str  # "an" or "a", for "an accounts file"
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    repeatable: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def a_file(self) -> str:
        """'an accounts file', 'a ratings file'."""
        return f"{self.article} {self.name} file"

    def column_table(self) -> pd.DataFrame:
        """The documented columns as a small table: column, required, what goes in."""
        return pd.DataFrame([(c.name, "yes" if c.required else "", c.help) for c in self.columns],
                            columns=["column", "required", "what goes in"])


_ACCOUNT = "account name, as in the accounts file"

_KINDS = (
    FileKind("accounts", "Accounts", "an", (
        Column("name", "name", True, "account name, unique: the key other files refer to"),
        Column("industry", "text", False, "industry"),
        Column("country", "text", False, "country"),
        Column("city", "text", False, "city"),
        Column("employees", "count", False, "number of employees (whole number)"),
        Column("annual_revenue", "amount", False, "our revenue from them, last 12 months"),
        Column("customer_since", "date", False, "first order, YYYY-MM-DD"),
        Column("kam_email", "email", False,
               "email of the account's manager (a new email creates that manager)"),
        Column("is_key", "bool", False,
               "key account today: yes or no (blank keeps the current status)"),
        Column("cadence_per_quarter", "cadence", False,
               f"agreed touches per quarter, whole number 0 to {MAX_CADENCE_PER_QUARTER} "
               "(blank: the default for key or other accounts)"),
    ), ("name",)),
    FileKind("ratings", "Ratings", "a", (
        Column("account", "name", True, _ACCOUNT),
        Column("criterion", "criterion", True, "criterion key or label, e.g. solvency"),
        Column("value", "rating", True, "rating, whole number 1 to 10"),
        Column("rated_on", "date", True, "date of the rating, YYYY-MM-DD (history is kept)"),
        Column("rated_by", "text", False, "who rated"),
    ), ("account", "criterion", "rated_on"), repeatable=True),
    FileKind("stakeholders", "Stakeholders", "a", (
        Column("account", "name", True, _ACCOUNT),
        Column("name", "name", True, "person's name, unique within the account"),
        Column("title", "text", False, "job title"),
        Column("department", "text", False, "department (buying centre)"),
        Column("roles", "roles", False,
               "buying roles separated by ; or | (e.g. Economic Buyer; Champion)"),
        Column("influence", "influence", False, "low, medium or high (blank: medium)"),
        Column("stance", "stance", False,
               "-2..+2 or enemy, non-supporter, neutral, supporter, mentor (blank: neutral)"),
        Column("reports_to", "name", False,
               "name of their manager among the account's stakeholders"),
        Column("email", "email", False, "email address"),
    ), ("account", "name")),
    FileKind("engagements", "Engagements", "an", (
        Column("account", "name", True, _ACCOUNT),
        Column("stakeholder", "name", False,
               "name of the person met (a known stakeholder); blank: nobody in particular"),
        Column("date", "date", True, "date, YYYY-MM-DD"),
        Column("kind", "kind", True, ", ".join(k.value for k in EngagementKind)),
        Column("summary", "text", False, "what happened"),
        Column("sentiment", "sentiment", False,
               "-2 (very negative) .. +2 (very positive) (blank: 0)"),
    ), ("account", "date", "kind", "stakeholder", "summary"), repeatable=True),
    # --- plan files (goals, actions, opportunities): checked by kamdash.plans' rules ---
    FileKind("goals", "Goals", "a", (
        Column("account", "name", True, _ACCOUNT),
        Column("title", "text", True, "the goal, unique within the account's plan"),
        Column("horizon", "text", False, "short, mid or long term (blank: short)"),
        Column("owner", "text", True, "one of our people, by name or e-mail"),
        Column("start_on", "text", False, "start date, YYYY-MM-DD"),
        Column("due_on", "text", False, "due date, YYYY-MM-DD, not before the start"),
        Column("status", "text", False,
               "not started, on track, at risk, done or dropped (blank: not started)"),
        Column("measure", "text", False, "what the target counts, e.g. Revenue"),
        Column("target_value", "text", False, "target, a number of zero or more"),
        Column("current_value", "text", False, "current value, a number of zero or more"),
    ), ("account", "title")),
    FileKind("actions", "Actions", "an", (
        Column("account", "name", True, _ACCOUNT),
        Column("goal", "text", True, "title of a saved goal of the account's plan"),
        Column("what", "text", True, "the action, unique within its goal"),
        Column("owner", "text", True, "one of our people, by name or e-mail"),
        Column("due_on", "text", False, "due date, YYYY-MM-DD, not before its goal starts"),
        Column("status", "text", False, "open, in progress, done or dropped (blank: open)"),
        Column("gap", "text", False, "the coverage gap it closes"),
    ), ("account", "goal", "what")),
    FileKind("opportunities", "Opportunities", "an", (
        Column("account", "name", True, _ACCOUNT),
        Column("name", "text", True, "the opportunity, unique within the account"),
        Column("offering", "text", False, "product or service, by its name in the catalogue"),
        Column("buying_centre", "text", False, "buying centre (department)"),
        Column("value", "text", True, "value, a number of zero or more"),
        Column("stage", "text", False, "open, won or lost (blank: open)"),
        Column("close_on", "text", False,
               "close date, YYYY-MM-DD: expected while open, actual once closed"),
        Column("lost_reason", "text", False, "why it was lost (a lost one needs it)"),
    ), ("account", "name")),
)
_KINDS += (
    FileKind("decisions", "Key-account decisions", "a", (
        Column("account", "name", True, _ACCOUNT),
        Column("is_key", "bool", True, "key account from that day: yes or no"),
        Column("changed_on", "date", True, "day the decision took effect, YYYY-MM-DD "
               "(history is kept)"),
        Column("reason", "text", False, "why; required when a key account loses its status"),
        Column("watch_until", "any_date", False,
               "a key account kept on watch until this day, YYYY-MM-DD (may lie ahead)"),
    ), ("account", "changed_on", "is_key"), repeatable=True),
    FileKind("programme", "Programme status", "a", (
        Column("account", "name", True, _ACCOUNT),
        Column("status", "status", True, "not_offered, offered, agreed or declined"),
        Column("agreed_on", "date", False, "day the customer agreed, YYYY-MM-DD "
               "(required when agreed)"),
        Column("next_review", "any_date", False,
               "next review of the agreement, YYYY-MM-DD, after agreed_on (may lie ahead)"),
        Column("services", "services", False,
               "service names from the programme's catalogue, separated by ;"),
        Column("customer_commits", "text", False, "what the customer commits to"),
        Column("document_url", "url", False,
               "link to the signed document, starting with https:// (or http://)"),
    ), ("account",)),
)
KINDS: dict[str, FileKind] = {k.name: k for k in _KINDS}
FORMATS: tuple[str, ...] = ("csv", "xlsx")


def kind(name: str) -> FileKind:
    """The file kind called ``name``; ValueError naming the kinds for anything else."""
    if name not in KINDS:
        raise ValueError(f"unknown kind {name!r}; use one of: {', '.join(KINDS)}")
    return KINDS[name]


def guess_kind(header: list[str], chosen: str | None = None) -> FileKind | None:
    """The kind whose required columns a header has, the one with most documented columns
    in it first (``chosen`` wins a tie); None when no kind fits."""
    names = set(header)
    fits = [k for k in _KINDS if set(k.required) <= names]
    return max(fits, key=lambda k: (len(names & set(k.column_names)), k.name == chosen),
               default=None)
