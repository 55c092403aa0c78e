"""The key-account programme: the customer's side of being a key account. Have they been
offered it, did they agree, what is included, when is it reviewed. Pure: no Streamlit, no
session; the store validates every agreement here before it writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlparse

import pandas as pd

STATUSES: dict[str, str] = {
    "not_offered": "Not yet offered",
    "offered": "Offered",
    "agreed": "Agreed",
    "declined": "Declined",
}
# The catalogue a new database starts with (the source material's value-added services).
DEFAULT_SERVICES: tuple[tuple[str, str], ...] = (
    ("Dedicated technical contact", "One named engineer who knows their installation"),
    ("Early access to new releases", "Pilots and previews before general availability"),
    ("Security of supply", "Reserved capacity and priority allocation in shortages"),
    ("Executive sponsor", "A member of our leadership who meets theirs twice a year"),
    ("Quarterly business review", "A joint review of goals, results and next steps"),
)
REVIEW_DUE_DAYS = 30  # an agreement whose review falls within a month is listed as due
REVIEW_MONTHS_DEFAULT = 12  # agreements are reviewed yearly unless agreed otherwise
COMMITS_MAX = 1_000
URL_MAX = 500
NAME_MAX = 80
NEVER_OFFERED_HELP = ("The customer doesn't know they are a key account: offer them the "
                      "programme and agree what each side brings.")


@dataclass(frozen=True)
class Agreement:
    """One key account's programme status, as the form or a file gives it."""

    status: str = "not_offered"
    agreed_on: date | None = None
    next_review: date | None = None
    services: tuple[int, ...] = ()
    customer_commits: str = ""
    document_url: str | None = None


def url_problem(url: str | None) -> str | None:
    """Why ``url`` is not a link to a signed document (http or https, with a host), or None."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    if len(url) > URL_MAX:
        return f"the document link is longer than {URL_MAX} characters"
    parsed = urlparse(url)
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc or " " in url:
        return (f"the document link '{url[:60]}' is not a web address; it must start with "
                "https:// (or http://)")
    return None


def agreement_problems(agreement: Agreement, service_ids: Iterable[int]) -> list[str]:
    """Everything wrong with ``agreement`` (empty when it can be saved)."""
    return [message for _, message in agreement_field_problems(agreement, service_ids)]


def agreement_field_problems(agreement: Agreement,
                             service_ids: Iterable[int]) -> list[tuple[str, str]]:
    """(field, problem) for everything wrong with ``agreement``."""
    problems = []
    if agreement.status not in STATUSES:
        problems.append(("status", f"'{agreement.status}' is not a programme status; use "
                         + ", ".join(STATUSES.values())))
    if agreement.status == "agreed" and agreement.agreed_on is None:
        problems.append(("agreed_on", "an agreed programme needs the date it was agreed"))
    if (agreement.agreed_on and agreement.next_review
            and agreement.next_review <= agreement.agreed_on):
        problems.append(("next_review", "the next review must come after the agreement date"))
    unknown = sorted(set(agreement.services) - set(service_ids))
    if unknown:
        problems.append(("services", f"unknown service id(s) {', '.join(map(str, unknown))}"))
    if len(agreement.customer_commits) > COMMITS_MAX:
        problems.append(("customer_commits",
                         f"keep what the customer commits to under {COMMITS_MAX} characters"))
    url = url_problem(agreement.document_url)
    if url:
        problems.append(("document_url", url))
    return problems


def service_problems(services: pd.DataFrame) -> list[str]:
    """Problems of an edited catalogue (columns ``name``, ``description``, ``active``):
    every service named, names unique (ignoring case) and short."""
    problems = []
    names = services["name"].fillna("").astype(str).str.strip()
    for row, name in enumerate(names, start=1):
        if not name:
            problems.append(f"row {row}: give the service a name")
        elif len(name) > NAME_MAX:
            problems.append(f"row {row}: keep the name under {NAME_MAX} characters")
    lowered = names[names != ""].str.lower()
    for name in sorted(set(lowered[lowered.duplicated()])):
        problems.append(f"'{name}' is in the catalogue twice; names must be unique")
    return problems


def join_services(ids: Iterable[int]) -> str:
    return ";".join(str(i) for i in sorted(set(ids)))


def split_services(text: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in (text or "").split(";") if p.strip())


def service_names(ids: Iterable[int], catalogue: Mapping[int, str]) -> str:
    """'Executive sponsor, Quarterly business review' for an agreement's service ids."""
    return ", ".join(catalogue.get(i, f"service {i}") for i in ids)


def default_next_review(agreed_on: date) -> date:
    return (pd.Timestamp(agreed_on) + pd.DateOffset(months=REVIEW_MONTHS_DEFAULT)).date()


@dataclass(frozen=True)
class Overview:
    key_accounts: int
    agreed: int
    offered: int
    declined: int
    never_offered: pd.DataFrame  # key accounts with no offer yet: name, manager
    due_for_review: pd.DataFrame  # agreed key accounts reviewed within REVIEW_DUE_DAYS


def overview(accounts: pd.DataFrame, agreements: pd.DataFrame, today: date) -> Overview:
    """The programme across today's key accounts. ``accounts``: ``load_accounts`` shape;
    ``agreements``: one row per account (index ``account_id``) with ``status`` and
    ``next_review``. A key account without a row has not been offered the programme."""
    key = accounts[accounts["is_key"]]
    status = agreements["status"].reindex(key.index).fillna("not_offered")
    review = pd.to_datetime(agreements["next_review"].reindex(key.index))
    due_by = pd.Timestamp(today + timedelta(days=REVIEW_DUE_DAYS))
    due = (status == "agreed") & review.notna() & (review <= due_by)
    due_frame = key.loc[due, ["name", "manager"]].assign(next_review=review[due])
    due_frame["overdue"] = due_frame["next_review"] < pd.Timestamp(today)
    return Overview(
        key_accounts=len(key),
        agreed=int((status == "agreed").sum()),
        offered=int((status == "offered").sum()),
        declined=int((status == "declined").sum()),
        never_offered=key.loc[status == "not_offered", ["name", "manager"]],
        due_for_review=due_frame.sort_values("next_review"),
    )
