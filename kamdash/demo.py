"""The demo portfolio: deterministic, believable, and with a story on every page.

``build_portfolio`` is pure: the same (n_accounts, seed, today) always gives the same rows,
drawn from one ``numpy.random.default_rng(seed)``. ``seed_demo`` writes them through
``store.replace_all``. Every date lies in the 24 months up to ``today``.

Four story accounts exist at any size (n >= 20), so a presenter can walk through the pages:

- ``STORY_SINGLE_THREADED``: a key account whose whole recent contact runs through one person.
- ``STORY_RISING``: not key today, but fast-growing and rated so well it would be promoted.
- ``STORY_DECLINING``: a key account with falling engagement, satisfaction and revenue.
- ``STORY_DEMOTION``: a big, long-standing key account that today's criteria would demote;
  since a new CEO arrived half a year ago satisfaction and orders slip, and its health with
  them.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from statistics import NormalDist

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from kamdash import (
    criteria,
    db,
    demo_audit,
    demo_decisions,
    demo_plans,
    demo_selection,
    settings,
    store,
)
from kamdash.models import (
    Account,
    AccountMonth,
    Designation,
    Engagement,
    EngagementKind,
    Manager,
    ManagerRole,
    Rating,
    Role,
    Stakeholder,
)
from kamdash.scoring import score_accounts
from kamdash.selection import DEFAULT_WEIGHTS

__all__ = [
    "MIN_ACCOUNTS",
    "OVERLOADED_KAM",
    "STORY_ACCOUNTS",
    "STORY_DECLINING",
    "STORY_DEMOTION",
    "STORY_RISING",
    "STORY_SINGLE_THREADED",
    "build_portfolio",
    "in_write_order",
    "seed_demo",
]

STORY_SINGLE_THREADED = "Northwind Logistics"
STORY_RISING = "Brightwater Pharma"
STORY_DECLINING = "Helios Foods"
STORY_DEMOTION = "Castellan Steel"
STORY_ACCOUNTS = (STORY_SINGLE_THREADED, STORY_RISING, STORY_DECLINING, STORY_DEMOTION)

MIN_ACCOUNTS = 20  # below this the four stories and a believable key list do not fit
KEY_SHARE = 0.065  # today's key list: about 6.5% of accounts (at least MIN_KEY_ACCOUNTS)
MIN_KEY_ACCOUNTS = 4  # the three key story accounts plus at least one ordinary one
HISTORY_DAYS = 730  # engagements cover the 24 months up to today
HISTORY_MONTHS = 24  # account_month rows: the 24 completed months before this one
SINGLE_THREAD_DAYS = 120  # the single-threaded story: one contact only in this window
RISING_MAX_RANK = 3  # the rising story must rank at least this high under DEFAULT_WEIGHTS

# --- people ------------------------------------------------------------------------------

# (name, capacity). The first KAM carries more key accounts than capacity: the overload story.
_KAMS: tuple[tuple[str, int], ...] = (
    ("Jonas Weber", 4),
    ("Sophie Laurent", 6),
    ("Lars Nilsson", 5),
    ("Elena Rossi", 7),
    ("Tom Bakker", 5),
    ("Marta Kowalczyk", 6),
    ("Daniel Fischer", 5),
)
_ACCOUNT_MANAGERS: tuple[tuple[str, int], ...] = (
    ("Nina Hofmann", 18),
    ("Pieter Jansen", 20),
    ("Clara Martín", 16),
    ("Oskar Lindgren", 15),
)
OVERLOADED_KAM = _KAMS[0][0]
HEAD_OF_SALES = "Claudia Brandt"  # signs off key-account designations

_FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "de": ("Anna", "Lukas", "Julia", "Felix", "Katharina", "Matthias", "Sabine", "Stefan",
           "Miriam", "Tobias", "Petra", "Andreas", "Lena", "Florian", "Jana", "Uwe"),
    "fr": ("Camille", "Julien", "Claire", "Antoine", "Élodie", "Mathieu", "Isabelle",
           "Nicolas", "Chloé", "Pierre", "Amélie", "Olivier", "Manon", "Sébastien"),
    "nl": ("Sanne", "Daan", "Lotte", "Bram", "Eva", "Joost", "Femke", "Ruben", "Maarten",
           "Inge", "Wouter", "Anouk"),
    "en": ("Emma", "James", "Olivia", "Oliver", "Charlotte", "Harry", "Sophie", "Jack",
           "Grace", "William", "Emily", "Michael", "Sarah", "David", "Rachel", "Ben"),
    "it": ("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Sara", "Matteo",
           "Elena", "Davide", "Federica", "Paolo"),
    "es": ("Lucía", "Javier", "María", "Carlos", "Laura", "Pablo", "Carmen", "Sergio",
           "Marta", "Alejandro", "Irene", "Diego"),
    "nordic": ("Astrid", "Erik", "Ingrid", "Nils", "Freja", "Magnus", "Sofia", "Anders",
               "Maja", "Henrik", "Karin", "Johan"),
    "pl": ("Agnieszka", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Paweł", "Joanna",
           "Krzysztof", "Zofia", "Michał", "Ewa", "Marek"),
}
_LAST_NAMES: dict[str, tuple[str, ...]] = {
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Wagner", "Becker", "Hoffmann",
           "Schäfer", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Zimmermann", "Krüger",
           "Hartmann", "Lange", "Werner", "Braun", "Vogel"),
    "fr": ("Dubois", "Moreau", "Laurent", "Lefèvre", "Girard", "Bonnet", "Mercier",
           "Fontaine", "Rousseau", "Chevalier", "Garnier", "Faure", "Lambert", "Roux"),
    "nl": ("de Jong", "Jansen", "Visser", "Bakker", "Smit", "Mulder", "Peeters", "Janssens",
           "Hendriks", "van Dijk", "Maes", "Willems"),
    "en": ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Johnson",
           "Walker", "Wright", "Robinson", "Thompson", "Hughes", "Clarke", "Miller", "Carter"),
    "it": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
           "Marino", "Greco", "Conti", "Gallo"),
    "es": ("García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz",
           "Díaz", "Moreno", "Álvarez", "Romero"),
    "nordic": ("Johansson", "Andersson", "Nilsson", "Larsen", "Hansen", "Lindberg", "Berg",
               "Eriksson", "Nielsen", "Karlsson", "Dahl", "Holm"),
    "pl": ("Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Kaczmarek", "Zając", "Król",
           "Wieczorek", "Pawlak"),
}
_LOCALES = tuple(_FIRST_NAMES)

# --- companies ---------------------------------------------------------------------------

# (country, weight, cities, name locale, geographic fit 1-10 from our home base in Germany)
_GEOGRAPHY: tuple[tuple[str, int, tuple[str, ...], str, int], ...] = (
    ("Germany", 28, ("Hamburg", "Munich", "Frankfurt", "Stuttgart", "Düsseldorf", "Cologne",
                     "Hanover", "Nuremberg"), "de", 9),
    ("France", 10, ("Lyon", "Paris", "Lille", "Toulouse", "Strasbourg"), "fr", 7),
    ("Netherlands", 9, ("Rotterdam", "Amsterdam", "Eindhoven", "Utrecht"), "nl", 8),
    ("United Kingdom", 8, ("London", "Manchester", "Birmingham", "Leeds"), "en", 6),
    ("Italy", 8, ("Milan", "Turin", "Bologna", "Verona"), "it", 6),
    ("Spain", 6, ("Madrid", "Barcelona", "Valencia", "Bilbao"), "es", 5),
    ("Poland", 5, ("Warsaw", "Poznań", "Wrocław", "Gdańsk"), "pl", 6),
    ("Sweden", 5, ("Stockholm", "Gothenburg", "Malmö"), "nordic", 5),
    ("Denmark", 4, ("Copenhagen", "Aarhus", "Odense"), "nordic", 7),
    ("Austria", 4, ("Vienna", "Linz", "Graz"), "de", 8),
    ("Switzerland", 4, ("Zurich", "Basel", "Bern"), "de", 8),
    ("Belgium", 4, ("Antwerp", "Brussels", "Ghent"), "nl", 8),
    ("United States", 4, ("Chicago", "Boston", "Atlanta", "Houston"), "en", 3),
)
_COUNTRY_INDEX = {g[0]: i for i, g in enumerate(_GEOGRAPHY)}

_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "Automotive": ("Automotive", "Motors", "Mobility", "Auto Parts"),
    "Chemicals": ("Chemicals", "Coatings", "Polymers", "Specialty Chemicals"),
    "Construction": ("Construction", "Building Systems", "Infrastructure", "Homes"),
    "Energy": ("Energy", "Power", "Renewables", "Utilities"),
    "Food & Beverage": ("Foods", "Beverages", "Dairy", "Brewing"),
    "Industrial Machinery": ("Machinery", "Engineering", "Robotics", "Systems"),
    "Logistics": ("Logistics", "Freight", "Shipping", "Transport"),
    "Metals & Steel": ("Steel", "Metals", "Alloys", "Foundry"),
    "Pharmaceuticals": ("Pharma", "Biotech", "Life Sciences", "Laboratories"),
    "Retail": ("Retail", "Stores", "Markets", "Outlets"),
}
_INDUSTRY_NAMES = tuple(_INDUSTRIES)

_NAME_SINGLES = (
    "Aurora", "Borealis", "Meridian", "Vega", "Orion", "Atlas", "Polaris", "Aquila", "Lyra",
    "Halcyon", "Zenith", "Apex", "Nordic", "Alpine", "Baltic", "Danube", "Rhine", "Adriatic",
    "Caspian", "Iberia", "Carpathia", "Lumen", "Solstice", "Kestrel", "Falcon", "Juniper",
    "Linden", "Sequoia", "Corvus", "Pinnacle", "Vantage", "Keystone", "Beacon", "Tessera",
)
_NAME_HEADS = (
    "North", "South", "West", "East", "Blue", "Red", "Silver", "Gold", "Iron", "Stone", "Oak",
    "Elm", "Ash", "Bright", "Clear", "High", "Fair", "Green", "White", "Black", "Sun", "Star",
    "Storm", "Sea", "Lake", "River", "Frost", "Amber", "Copper", "Ever",
)
_NAME_TAILS = (
    "wind", "water", "bridge", "field", "gate", "haven", "stone", "crest", "wood", "ridge",
    "brook", "ford", "dale", "mark", "port", "vale", "moor", "light", "peak", "point",
)
_STORY_PREFIXES = tuple(name.split()[0] for name in STORY_ACCOUNTS)
_NAME_PREFIXES: tuple[str, ...] = tuple(
    p
    for p in (
        *_NAME_SINGLES,
        *(
            head + tail
            for head in _NAME_HEADS
            for tail in _NAME_TAILS
            if head.lower() != tail
            and not (head in ("Sea", "Lake", "River") and tail in ("water", "brook", "port"))
        ),
    )
    if p not in _STORY_PREFIXES
)

# story account -> (industry, country, city)
_STORIES: dict[str, tuple[str, str, str]] = {
    STORY_SINGLE_THREADED: ("Logistics", "Germany", "Hamburg"),
    STORY_RISING: ("Pharmaceuticals", "Switzerland", "Basel"),
    STORY_DECLINING: ("Food & Beverage", "France", "Lyon"),
    STORY_DEMOTION: ("Metals & Steel", "Germany", "Duisburg"),
}

# Our revenue per account: lognormal over the portfolio's percentiles, so the top fifth brings
# about three quarters of revenue whatever the size; floored at 5k and softly capped at 3M.
_REVENUE_MEDIAN, _REVENUE_SIGMA = 28_000.0, 1.8
_REVENUE_FLOOR, _REVENUE_CAP = 5_000.0, 3_000_000.0
# Calendar-month revenue pattern (Jan..Dec, mean 1): summer and year-end dips.
_SEASONALITY = np.array([0.93, 0.97, 1.06, 1.02, 1.03, 1.01, 0.94, 0.83, 1.04, 1.08, 1.07, 1.02])

# --- stakeholders ------------------------------------------------------------------------

_RoleOptions = tuple[tuple[tuple[str, ...], float], ...]
B, U, DM, INF, AMB = (r.value for r in Role)

_TOP_TITLES = ("Chief Executive Officer", "Managing Director")
_TOP_ROLES: _RoleOptions = (((DM,), 0.8), ((DM, INF), 0.07), ((INF,), 0.05), ((), 0.08))

# department -> (head title, head roles, ((staff title, staff roles), ...))
_DEPARTMENTS: dict[str, tuple[str, _RoleOptions, tuple[tuple[str, _RoleOptions], ...]]] = {
    "Procurement": (
        "Head of Procurement", (((B,), 0.8), ((B, DM), 0.1), ((B, INF), 0.1)),
        (("Strategic Buyer", (((B,), 0.9), ((), 0.1))),
         ("Category Manager", (((B,), 0.5), ((INF,), 0.4), ((), 0.1))),
         ("Purchasing Coordinator", (((U,), 0.4), ((), 0.6)))),
    ),
    "Operations": (
        "Director of Operations", (((INF,), 0.5), ((U, INF), 0.4), ((DM,), 0.1)),
        (("Plant Manager", (((U, INF), 0.6), ((U,), 0.4))),
         ("Production Engineer", (((U,), 1.0),)),
         ("Maintenance Lead", (((U,), 0.8), ((), 0.2)))),
    ),
    "Finance": (
        "Chief Financial Officer", (((DM,), 0.5), ((B,), 0.3), ((), 0.2)),
        (("Controller", (((INF,), 0.4), ((), 0.6))),
         ("Accounts Payable Lead", (((), 1.0),))),
    ),
    "IT": (
        "Chief Information Officer", (((INF,), 0.7), ((), 0.3)),
        (("IT Systems Manager", (((U, INF), 0.5), ((U,), 0.5))),
         ("ERP Specialist", (((U,), 1.0),))),
    ),
    "R&D": (
        "Head of R&D", (((INF,), 0.7), ((U, INF), 0.3)),
        (("Development Engineer", (((U,), 0.8), ((INF,), 0.2))),
         ("Lab Manager", (((U, INF), 0.6), ((U,), 0.4)))),
    ),
    "Quality": (
        "Head of Quality", (((INF,), 0.6), ((U,), 0.4)),
        (("Quality Engineer", (((U,), 1.0),)),
         ("Supplier Quality Manager", (((INF,), 0.7), ((U,), 0.3)))),
    ),
    "Marketing": (
        "Marketing Director", (((INF,), 0.6), ((), 0.4)),
        (("Brand Manager", (((U,), 0.5), ((), 0.5))),
         ("Product Marketing Manager", (((INF,), 0.6), ((), 0.4)))),
    ),
    "Logistics": (
        "Head of Supply Chain", (((U,), 0.5), ((U, INF), 0.5)),
        (("Warehouse Manager", (((U,), 1.0),)),
         ("Logistics Planner", (((U,), 1.0),))),
    ),
}
_OTHER_DEPARTMENTS = tuple(d for d in _DEPARTMENTS if d != "Procurement")
_STANCES = np.array([-2, -1, 0, 1, 2])
_STANCE_P_TOP = np.array([0.02, 0.08, 0.40, 0.35, 0.15])
_STANCE_P = np.array([0.03, 0.07, 0.35, 0.37, 0.18])
# Key accounts are relationships we have worked on for years: fewer people against us, so
# that a hostile decision maker stands out as the story it is (about 1 key account in 8).
_STANCE_P_KEY_TOP = np.array([0.005, 0.015, 0.40, 0.40, 0.18])
_STANCE_P_KEY = np.array([0.005, 0.015, 0.34, 0.42, 0.22])
_INFLUENCE_WEIGHT = {"high": 3.0, "medium": 2.0, "low": 1.0}  # who gets contacted most

# The single-threaded story's stakeholder map: (department, title, roles, influence, stance).
_NORTHWIND_MAP: tuple[tuple[str, str, tuple[str, ...], str, int], ...] = (
    ("Executive Board", "Chief Executive Officer", (DM,), "high", 1),
    ("Procurement", "Head of Procurement", (B,), "high", 1),  # the one thread
    ("Finance", "Chief Financial Officer", (DM, B), "high", 0),
    ("Operations", "Director of Operations", (INF,), "high", 1),
    ("Logistics", "Head of Supply Chain", (U, INF), "medium", 1),
    ("Logistics", "Warehouse Manager", (U,), "low", 0),
    ("IT", "IT Systems Manager", (U,), "medium", 0),
    ("Procurement", "Category Manager", (INF, AMB), "medium", 2),
)
_NORTHWIND_THREAD = 1  # index in _NORTHWIND_MAP of the only person spoken to lately

# --- engagements -------------------------------------------------------------------------

_QBR = EngagementKind.qbr.value
# Non-QBR kinds and their mix (QBRs are scheduled quarterly for key accounts).
_TOUCH_KINDS = ("email", "call", "meeting", "visit", "workshop")
_TOUCH_P_KEY = np.array([0.32, 0.28, 0.20, 0.14, 0.06])
_TOUCH_P_OTHER = np.array([0.42, 0.33, 0.14, 0.09, 0.02])
_SENTIMENT_P = np.array([0.03, 0.09, 0.40, 0.38, 0.10])
_SENTIMENT_P_RISING = np.array([0.0, 0.02, 0.20, 0.50, 0.28])
_SENTIMENT_P_SOURING = np.array([0.10, 0.30, 0.35, 0.20, 0.05])

# Fixed touches per 90-day window, newest first, for the story accounts (QBRs come on top).
_HELIOS_WINDOWS = (3, 6, 11, 14, 14, 13, 14, 15, 2)
_BRIGHTWATER_WINDOWS = (9, 7, 6, 5, 4, 3, 2, 2, 0)

_TOPICS = (
    "the new product line", "spare parts availability", "the service contract",
    "packaging changes", "their sustainability reporting", "payment terms", "the pilot project",
    "consignment stock", "the ordering portal", "energy-saving retrofits",
    "the ramp-up of their new site", "training for their technicians",
)
_PROBLEMS = (
    "a late delivery", "a quality issue on the last batch", "invoice errors",
    "a missed service visit", "goods damaged in transit",
)
_SUMMARIES: dict[str, dict[int, tuple[str, ...]]] = {
    "email": {
        1: ("Confirmed the {plan_year} volume forecast in writing",
            "Positive feedback by email on {topic}",
            "They accepted the offer for {topic}"),
        0: ("Sent the revised quote for {topic}",
            "Shared datasheets requested by the {dept} team",
            "Followed up on the open offer for {topic}",
            "Answered questions on the latest invoice"),
        -1: ("Complaint about {problem}; promised an answer within a week",
             "They asked for a price reduction on {topic}"),
    },
    "call": {
        1: ("Call on {topic}: they want to extend the scope",
            "Check-in call: happy with {topic}"),
        0: ("Check-in call, no open issues",
            "Call about the forecast for {quarter}",
            "Clarified delivery dates for {topic}"),
        -1: ("Escalation call about {problem}; agreed a recovery plan",
             "Difficult call: they are testing a competitor for {topic}"),
    },
    "meeting": {
        1: ("Meeting with the {dept} team: agreed next steps on {topic}",
            "Presented our {plan_year} roadmap; strong interest in {topic}"),
        0: ("Meeting on {topic} with the {dept} team",
            "Negotiated the {plan_year} price adjustment"),
        -1: ("Meeting on {problem}; they want a credit note",
             "Tense meeting on the {plan_year} price increase"),
    },
    "visit": {
        1: ("Site visit in {city}: toured the plant, found demand for {topic}",
            "Visited {city}: met the new {dept} lead, good rapport"),
        0: ("Site visit in {city} to review {topic}",
            "Visited the {city} site with the {dept} team"),
        -1: ("Site visit in {city} after {problem}; root cause still open",),
    },
    "qbr": {
        1: ("Quarterly business review: agreed {plan_year} volume plan",
            "Quarterly business review: service KPIs on target, discussed {topic}"),
        0: ("Quarterly business review: reviewed service KPIs and open actions",
            "Quarterly business review: {quarter} forecast and savings programme"),
        -1: ("Quarterly business review: delivery performance below target, action plan agreed",
             "Quarterly business review: they question our {plan_year} pricing"),
    },
    "workshop": {
        1: ("Joint workshop on {topic} with their R&D: three pilot ideas",
            "Innovation workshop: drafted a joint plan for {topic}"),
        0: ("Workshop on {topic} with the {dept} team",),
        -1: ("Workshop on {topic} ended without agreement",),
    },
}


# --- helpers -----------------------------------------------------------------------------


_UNFOLDABLE = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "æ": "ae", "ß": "ss"})


def _ascii(text: str) -> str:
    """Lower-case ASCII for e-mail addresses ('Łukasz Müller' -> 'lukasz muller')."""
    text = text.translate(_UNFOLDABLE)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.lower()


def _email(person: str, domain: str) -> str:
    first, _, last = person.partition(" ")
    return f"{_ascii(first)}.{_ascii(last).replace(' ', '')}@{domain}"


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, 1)


def _review_day(year: int) -> date:
    """The annual key-account review sits in late January."""
    return date(year, 1, 20)


def _owner(plan: _Plan, account_id: int, managers: list[dict]) -> str:
    """Who rates and logs for an account: its manager, else an account manager on rota."""
    if plan.manager is not None:
        return managers[plan.manager]["name"]
    ams = [m["name"] for m in managers if m["role"] == ManagerRole.account_manager.value]
    return ams[account_id % len(ams)]


@lru_cache
def _cdf(p: tuple[float, ...]) -> list[float]:
    """The cumulative weights ``Generator.choice(len(p), p=p)`` searches, built once."""
    cdf = np.cumsum(np.asarray(p, dtype=float))
    cdf /= cdf[-1]
    return cdf.tolist()


def _draw(rng: np.random.Generator, p: tuple[float, ...]) -> int:
    """``int(rng.choice(len(p), p=p))`` with the same draw from ``rng`` (one uniform, found
    in the cumulative weights), without choice's checks on every call: the demo makes
    hundreds of thousands of these."""
    return bisect.bisect_right(_cdf(p), rng.random())


def _normalised(weights) -> tuple[float, ...]:
    w = np.asarray(weights, dtype=float)
    return tuple((w / w.sum()).tolist())


@lru_cache
def _option_weights(options: _RoleOptions) -> tuple[float, ...]:
    return _normalised([w for _, w in options])


def _pick(rng: np.random.Generator, options: _RoleOptions) -> tuple[str, ...]:
    return options[_draw(rng, _option_weights(options))][0]


@dataclass
class _Plan:
    """One account while it is being built (positions, not ids, until the end)."""

    name: str
    industry: str
    country: str
    city: str
    locale: str
    revenue_target: float
    percentile: float  # 1 = our largest customer, 0 = smallest
    is_key: bool
    story: str | None = None
    employees: int = 0
    customer_since: date | None = None
    manager: int | None = None  # index into the managers list
    annual_revenue: float = 0.0
    behind_cadence: bool = False
    demoted_in_past: bool = False
    stakeholders: list[dict] = field(default_factory=list)


# --- the portfolio -----------------------------------------------------------------------


def build_portfolio(
    n_accounts: int = 300, seed: int = 7, today: date | None = None
) -> dict[type[SQLModel], list[dict]]:
    """Rows (plain dicts with explicit ids) per table for a demo portfolio of ``n_accounts``.

    Pure and deterministic: the same arguments give the same rows. ValueError below
    ``MIN_ACCOUNTS``, where the story accounts would not fit.
    """
    if n_accounts < MIN_ACCOUNTS:
        raise ValueError(
            f"the demo portfolio needs at least {MIN_ACCOUNTS} accounts, got {n_accounts}"
        )
    today = today or settings.today()
    rng = np.random.default_rng(seed)

    managers = _managers()
    plans = _plan_accounts(rng, n_accounts, today)
    _assign_managers(plans, managers)
    account_ids = [int(i) + 1 for i in rng.permutation(n_accounts)]  # ids do not follow size
    months = _account_months(rng, plans, account_ids, today)
    ratings = _ratings(rng, plans, account_ids, managers, today)
    designations = _designations(rng, plans, account_ids, today)
    stakeholders = _stakeholders(rng, plans, account_ids)
    engagements = _engagements(rng, plans, account_ids, managers, today)

    accounts = [
        {
            "id": account_ids[i],
            "name": p.name,
            "industry": p.industry,
            "country": p.country,
            "city": p.city,
            "employees": p.employees,
            "annual_revenue": p.annual_revenue,
            "customer_since": p.customer_since,
            "manager_id": None if p.manager is None else managers[p.manager]["id"],
            "cadence_per_quarter": None,
        }
        for i, p in enumerate(plans)
    ]
    accounts.sort(key=lambda a: a["id"])
    rows = demo_selection.add_rating_round({
        **demo_audit.users_and_history(managers, accounts, stakeholders, engagements, today, seed),
        Manager: managers,
        Account: accounts,
        Rating: ratings,
        Stakeholder: stakeholders,
        Engagement: engagements,
        AccountMonth: months,
        Designation: designations,
    }, today, seed)
    return rows | demo_plans.plan_rows(rows, seed, today)  # account plans (issue 11)


def seed_demo(
    engine: Engine, n_accounts: int = 300, seed: int = 7, today: date | None = None
) -> dict[str, int]:
    """Create the schema and replace all data with the demo portfolio; rows written per table."""
    rows = demo_decisions.add_decisions_and_programme(build_portfolio(n_accounts, seed, today),
                                                      today or date.today())
    db.create_schema(engine)
    store.replace_all(engine, in_write_order(rows))
    return {table.__tablename__: len(rows[table]) for table in rows}


def in_write_order(rows: dict[type[SQLModel], list[dict]]) -> dict[type[SQLModel], list[dict]]:
    """The same rows per table, those with the same columns left None next to each other.

    SQLAlchemy's bulk insert leaves None values out of a row's parameters and sends one
    statement per run of rows with the same parameter names; interleaved Nones (an
    engagement with or without a person) made that one statement per row, most of the
    demo's writing time. Every table either gives explicit ids or has a natural key, so the
    order of insertion changes nothing stored. Groups keep their first row's order, so a
    stakeholder's manager (the top person, reporting to nobody) is written before them."""
    def grouped(batch: list[dict]) -> list[dict]:
        groups: dict[tuple[str, ...], list[dict]] = {}
        for row in batch:
            groups.setdefault(tuple(k for k, v in row.items() if v is None), []).append(row)
        return [row for group in groups.values() for row in group]

    return {table: grouped(batch) for table, batch in rows.items()}


def _managers() -> list[dict]:
    people = [(name, cap, ManagerRole.kam.value) for name, cap in _KAMS] + [
        (name, cap, ManagerRole.account_manager.value) for name, cap in _ACCOUNT_MANAGERS
    ]
    return [
        {"id": i + 1, "name": name, "email": _email(name, "kamdash.example"), "role": role,
         "capacity": cap}
        for i, (name, cap, role) in enumerate(people)
    ]


def _revenue_curve(rng: np.random.Generator, n: int) -> np.ndarray:
    """Target yearly revenue per account, largest first (see _REVENUE_* above)."""
    inv = NormalDist().inv_cdf
    z = np.array([inv((n - i - 0.5) / n) for i in range(n)])
    raw = np.exp(np.log(_REVENUE_MEDIAN) + _REVENUE_SIGMA * z + rng.normal(0, 0.15, n))
    revenue = _REVENUE_FLOOR + _REVENUE_CAP * np.tanh(raw / _REVENUE_CAP)
    return np.sort(np.minimum(revenue, _REVENUE_CAP))[::-1]


def _plan_accounts(rng: np.random.Generator, n: int, today: date) -> list[_Plan]:
    revenue = _revenue_curve(rng, n)
    n_key = max(MIN_KEY_ACCOUNTS, round(n * KEY_SHARE))
    # Revenue rank of each story account: the demotion case is one of the very biggest.
    story_rank = {
        STORY_DEMOTION: 1,
        STORY_DECLINING: 3,
        STORY_SINGLE_THREADED: 5,
        STORY_RISING: max(n_key + 3, round(n * 0.1)),
    }
    rank_story = {r: s for s, r in story_rank.items()}
    free = [r for r in range(n) if r not in rank_story]
    n_generic_key = n_key - 3
    # Today's list grew out of past reviews: mostly the biggest, not strictly by size.
    candidates = free[: n_generic_key + 3]
    generic_key = {int(r) for r in rng.choice(candidates, size=n_generic_key, replace=False)}

    prefixes = [_NAME_PREFIXES[int(i)] for i in rng.permutation(len(_NAME_PREFIXES))]
    weights = np.array([g[1] for g in _GEOGRAPHY], dtype=float)
    countries = rng.choice(len(_GEOGRAPHY), size=n, p=weights / weights.sum())
    industries = rng.integers(0, len(_INDUSTRY_NAMES), size=n)
    taken = set(STORY_ACCOUNTS)
    plans: list[_Plan] = []
    for r in range(n):
        p = 1.0 - r / (n - 1)
        story = rank_story.get(r)
        if story:
            industry, country, city = _STORIES[story]
            name = story
        else:
            country, _, cities, _, _ = _GEOGRAPHY[int(countries[r])]
            city = cities[int(rng.integers(len(cities)))]
            industry = _INDUSTRY_NAMES[int(industries[r])]
            name = _company_name(rng, prefixes, len(plans), industry, city, taken)
        locale = _GEOGRAPHY[_COUNTRY_INDEX[country]][3]
        plan = _Plan(
            name=name, industry=industry, country=country, city=city, locale=locale,
            revenue_target=float(revenue[r]), percentile=p,
            is_key=story in (STORY_SINGLE_THREADED, STORY_DECLINING, STORY_DEMOTION)
            or r in generic_key,
            story=story,
        )
        plan.employees = _employees(rng, p)
        years = float(np.clip(1 + 12 * p + rng.normal(0, 4), 1, 20))
        if plan.is_key:
            years = max(years, float(rng.uniform(4, 12)))
        years = {STORY_DEMOTION: 18.4, STORY_RISING: 3.3, STORY_DECLINING: 9.1,
                 STORY_SINGLE_THREADED: 6.6}.get(story, years)
        plan.customer_since = today - timedelta(days=int(years * 365.25))
        plans.append(plan)

    # A few accounts were key in the past and lost the status in a later review.
    past = [r for r in free[n_key : n_key * 3 + 6] if r not in generic_key]
    for r in rng.choice(past, size=min(2, len(past)), replace=False):
        plan = plans[int(r)]
        plan.demoted_in_past = True
        plan.customer_since = min(plan.customer_since, today - timedelta(days=int(9 * 365.25)))
    # A handful of ordinary key accounts have gone quiet (behind their cadence).
    ordinary_key = sorted(generic_key)
    for r in rng.choice(ordinary_key, size=min(2, len(ordinary_key)), replace=False):
        plans[int(r)].behind_cadence = True
    return plans


def _company_name(
    rng: np.random.Generator, prefixes: list[str], i: int, industry: str, city: str,
    taken: set[str],
) -> str:
    suffixes = _INDUSTRIES[industry]
    prefix = prefixes[i % len(prefixes)]
    start = int(rng.integers(len(suffixes)))
    for k in range(len(suffixes)):
        name = f"{prefix} {suffixes[(start + k) % len(suffixes)]}"
        if name not in taken:
            break
    else:  # only for portfolios larger than the name pool
        name = f"{prefix} {suffixes[start]} {city}"
        k = 2
        while name in taken:
            name = f"{prefix} {suffixes[start]} {city} {k}"
            k += 1
    taken.add(name)
    return name


def _employees(rng: np.random.Generator, p: float) -> int:
    n = 10 ** (1.8 + 2.2 * p + rng.normal(0, 0.35))
    return int(round(n, -1)) if n >= 100 else int(max(n, 8))


def _assign_managers(plans: list[_Plan], managers: list[dict]) -> None:
    """Key accounts to KAMs, the next tier to account managers, the long tail to nobody.

    The long tail of small customers is served by inside sales without a named manager, so
    every manager's load stays readable against capacity; one KAM is overloaded on purpose.
    """
    kams = [i for i, m in enumerate(managers) if m["role"] == ManagerRole.kam.value]
    ams = [i for i, m in enumerate(managers) if m["role"] == ManagerRole.account_manager.value]
    overloaded, others = kams[0], kams[1:]
    load = dict.fromkeys(range(len(managers)), 0)

    def give(plan: _Plan, m: int) -> None:
        plan.manager = m
        load[m] += 1

    by_story = {p.story: p for p in plans if p.story}
    give(by_story[STORY_DECLINING], overloaded)
    give(by_story[STORY_SINGLE_THREADED], overloaded)
    give(by_story[STORY_DEMOTION], others[0])
    give(by_story[STORY_RISING], others[2])  # a KAM is developing the rising star
    generic_key = [p for p in plans if p.is_key and p.story is None]  # largest first
    extra = min(managers[overloaded]["capacity"] - 1, len(generic_key) // 5)
    for p in generic_key[:extra]:
        give(p, overloaded)
    for j, p in enumerate(generic_key[extra:]):
        give(p, others[j % len(others)])

    rest = [p for p in plans if p.manager is None]  # largest first
    limits = {m: min(managers[m]["capacity"], load[m] + 2) for m in others}
    limits[overloaded] = managers[overloaded]["capacity"] + 2
    for j, m in enumerate(ams):
        limits[m] = managers[m]["capacity"] - (j % 3)
    for m in [overloaded, *others, *ams]:
        while load[m] < limits[m] and rest:
            give(rest.pop(0), m)


def _account_months(
    rng: np.random.Generator, plans: list[_Plan], ids: list[int], today: date
) -> list[dict]:
    """24 completed months of revenue and surveyed satisfaction; sets annual_revenue."""
    first = _add_months(today.replace(day=1), -HISTORY_MONTHS)
    months = [_add_months(first, j) for j in range(HISTORY_MONTHS)]
    season = _SEASONALITY[[m.month - 1 for m in months]]
    t = np.arange(HISTORY_MONTHS) - (HISTORY_MONTHS - 1)  # 0 = last month
    quarter_end = np.array([m.month % 3 == 0 for m in months])
    rows: list[dict] = []
    for i, p in enumerate(plans):
        noise_sd = 0.06 if p.is_key else 0.08 + 0.17 * (1 - p.percentile)
        growth = rng.normal(0.03, 0.08)
        trend = (1 + growth) ** (t / 12)
        sat_base = float(np.clip(rng.normal(7.9 if p.is_key else 7.3, 0.8), 4.0, 9.4))
        sat = sat_base + rng.normal(0, 0.35, HISTORY_MONTHS)
        surveyed = np.ones(HISTORY_MONTHS, bool) if p.is_key else quarter_end.copy()
        if not p.is_key and rng.random() < 0.2:
            surveyed[:] = False  # never answers the survey
        if p.story == STORY_RISING:
            trend = np.linspace(0.5, 1.0, HISTORY_MONTHS)  # revenue doubles in two years
            noise_sd = 0.04
            sat = np.linspace(7.6, 8.9, HISTORY_MONTHS) + rng.normal(0, 0.1, HISTORY_MONTHS)
        elif p.story == STORY_DECLINING:
            trend = np.where(t > -8, 0.95 ** (t + 8), 1.0)  # -5% a month since 8 months
            noise_sd = 0.02
            slide = np.clip((t + 9) / 8, 0, 1)  # 8.5 -> 5.5 over the last nine months
            sat = 8.5 - 3.0 * slide + rng.normal(0, 0.12, HISTORY_MONTHS)
        elif p.story == STORY_DEMOTION:  # a new CEO, half a year ago, who does not rate us
            slide = np.clip((t + 6) / 5, 0, 1)  # 0 until six months ago, 1 from last month
            sat = 7.6 - 2.4 * slide + rng.normal(0, 0.25, HISTORY_MONTHS)
            trend = np.where(t > -6, 0.98 ** (t + 6), 1.0)  # orders ease off 2% a month
        raw = trend * season * np.exp(rng.normal(0, noise_sd, HISTORY_MONTHS))
        if p.story == STORY_DECLINING and raw[-3:].sum() >= 0.9 * raw[-6:-3].sum():
            raw[-3:] *= 0.85 * raw[-6:-3].sum() / raw[-3:].sum()  # keep the slide visible
        revenue = np.round(raw * p.revenue_target / raw[-12:].sum(), 2)
        p.annual_revenue = round(float(revenue[-12:].sum()), 2)
        sat = np.round(np.clip(sat, 0.0, 10.0), 1)
        for j, month in enumerate(months):
            rows.append({
                "account_id": ids[i],
                "month": month,
                "revenue": float(revenue[j]),
                "satisfaction": float(sat[j]) if surveyed[j] else None,
            })
    rows.sort(key=lambda r: (r["account_id"], r["month"]))
    return rows


def _ratings(
    rng: np.random.Generator, plans: list[_Plan], ids: list[int], managers: list[dict],
    today: date,
) -> list[dict]:
    """Latest ratings correlated with size, some unrated, a year of history for a share."""
    keys = list(criteria.KEYS)
    col = {k: j for j, k in enumerate(keys)}
    n = len(plans)
    pct = np.array([p.percentile for p in plans])
    key = np.array([p.is_key for p in plans])
    years = np.array([(today - p.customer_since).days / 365.25 for p in plans])
    geo = np.array([_GEOGRAPHY[_COUNTRY_INDEX[p.country]][4] for p in plans], dtype=float)

    # Latent account quality: bigger customers and today's key accounts tend to rate higher.
    quality = 3.0 + 4.2 * pct + rng.normal(0, 0.7, n) + 1.8 * key
    values = quality[:, None] + rng.normal(0, 0.9, (n, len(keys)))
    values[:, col["avg_transaction_size"]] = 1 + 9 * pct + rng.normal(0, 0.8, n)
    values[:, col["tenure"]] = 1 + 0.55 * years + rng.normal(0, 0.6, n)
    values[:, col["geographic_fit"]] = geo + rng.normal(0, 0.8, n)
    values[:, col["solvency"]] = 6.3 + 2.2 * pct + rng.normal(0, 1.2, n)
    values[:, col["revenue_potential"]] = quality + rng.normal(0, 1.2, n)
    values = np.clip(np.rint(values), 1, 10)

    # Unrated criteria: 0-3 per account, ~10% miss more; key accounts only off-default ones.
    default_cols = [col[k] for k in DEFAULT_WEIGHTS]
    off_default = [j for j in range(len(keys)) if j not in default_cols]
    for i, p in enumerate(plans):
        many = rng.random() < 0.1 and not p.is_key and p.story is None
        n_missing = int(rng.integers(4, 8)) if many else int(rng.choice(4, p=[.3, .35, .2, .15]))
        pool = off_default if (p.is_key or p.story) else list(range(len(keys)))
        n_missing = min(n_missing, 2) if (p.is_key or p.story) else n_missing
        values[i, rng.choice(pool, size=n_missing, replace=False)] = np.nan

    story = {p.story: i for i, p in enumerate(plans) if p.story}
    older = np.full_like(values, np.nan)
    rising, demotion = story[STORY_RISING], story[STORY_DEMOTION]
    for k, now, before in (
        ("revenue_potential", 10, 7), ("product_fit", 9, 7), ("partnership", 9, 6),
        ("strategic_value", 10, 7), ("solvency", 9, 8),
    ):
        values[rising, col[k]], older[rising, col[k]] = now, before
    for k, now, before in (
        ("revenue_potential", 4, 6), ("product_fit", 6, 7), ("partnership", 5, 7),
        ("strategic_value", 6, 7), ("solvency", 7, 8), ("tenure", 10, 10),
        ("avg_transaction_size", 9, 9), ("existing_relationships", 8, 8),
    ):
        values[demotion, col[k]], older[demotion, col[k]] = now, before
    _keep_stories_in_the_ranking(values, keys, key, story, ids)

    # A year of history for a share of the ratings: the earlier value differs by 1-2.
    has_history = ~np.isnan(values) & (rng.random(values.shape) < np.where(key, 0.5, 0.3)[:, None])
    step = rng.choice([-2, -1, 1, 2], size=values.shape)
    drawn = np.clip(values - step, 1, 10)
    drawn = np.where(drawn == values, np.clip(values + step, 1, 10), drawn)
    older = np.where(np.isnan(older) & has_history, drawn, older)
    older[np.isnan(values)] = np.nan

    rows: list[dict] = []
    for i, p in enumerate(plans):
        rater = _owner(p, ids[i], managers)
        latest = today - timedelta(days=int(rng.integers(14, 330)))
        jitter = rng.integers(0, 10, len(keys))
        for j, k in enumerate(keys):
            if np.isnan(values[i, j]):
                continue
            rated_on = max(latest - timedelta(days=int(jitter[j])), p.customer_since)
            if not np.isnan(older[i, j]):
                before = rated_on - timedelta(days=365 + int(jitter[j]))
                if before >= p.customer_since:
                    rows.append({"account_id": ids[i], "criterion": k,
                                 "value": int(older[i, j]), "rated_on": before,
                                 "rated_by": rater})
            rows.append({"account_id": ids[i], "criterion": k, "value": int(values[i, j]),
                         "rated_on": rated_on, "rated_by": rater})
    rows.sort(key=lambda r: (r["rated_on"], r["account_id"], r["criterion"]))
    return [{"id": k, **r} for k, r in enumerate(rows, start=1)]


def _keep_stories_in_the_ranking(
    values: np.ndarray, keys: list[str], key: np.ndarray, story: dict[str | None, int],
    ids: list[int],
) -> None:
    """Nudge ratings (in place) so the stories hold under DEFAULT_WEIGHTS for any seed.

    The rising account ranks in the top RISING_MAX_RANK (rivals above it lose a point), the
    other key story accounts stay inside the top N (N = today's key accounts; they gain a
    point), the demotion case falls outside it (it loses a point) and at most a quarter of
    today's key accounts would be demoted (the best-ranked of the others gains a point).
    Rarely more than a few steps; the loop is bounded.
    """
    default_cols = [keys.index(k) for k in DEFAULT_WEIGHTS]
    n_key = int(key.sum())
    rising, demotion = story[STORY_RISING], story[STORY_DEMOTION]
    stay_key = [story[STORY_DECLINING], story[STORY_SINGLE_THREADED]]
    max_demoted = max(1, n_key // 4)
    position = np.empty(max(ids) + 1, dtype=int)  # account id -> row in ``values``
    position[ids] = np.arange(len(ids))

    def ranks() -> tuple[np.ndarray, np.ndarray]:
        """Place (1 = best, ties by account id, as the app orders) and score per account."""
        frame = pd.DataFrame(values, columns=keys, index=ids)
        ranked = score_accounts(frame, DEFAULT_WEIGHTS, missing="floor")
        at = position[ranked.index.to_numpy()]
        place, score = np.empty(len(ids), dtype=int), np.empty(len(ids))
        place[at] = np.arange(1, len(ids) + 1)
        score[at] = ranked["score"].to_numpy()
        return place, score

    def lower(i: int) -> None:
        j = max(default_cols, key=lambda c: np.nan_to_num(values[i, c]))
        values[i, j] = max(1.0, values[i, j] - 1)

    def raise_(i: int) -> None:
        j = min(default_cols, key=lambda c: np.nan_to_num(values[i, c]))
        values[i, j] = min(10.0, np.nan_to_num(values[i, j], nan=1.0) + 1)

    for _ in range(20 * len(default_cols) * len(values)):
        place, score = ranks()
        cutoff = score[place == n_key][0]  # the last key account's score under this rule
        out = [i for i in np.flatnonzero(key & (place > n_key)) if i != demotion]
        low = [i for i in stay_key if place[i] > n_key]
        if place[rising] > RISING_MAX_RANK:
            rivals = np.flatnonzero(place <= RISING_MAX_RANK)
            lower(int(rivals[rivals != rising][0]))
        elif low:
            raise_(low[0])
        elif score[demotion] >= cutoff:  # strictly below, so no tie can keep it in
            lower(demotion)
        elif len(out) + 1 > max_demoted:
            raise_(int(min(out, key=lambda i: place[i])))
        else:
            break


def _designations(
    rng: np.random.Generator, plans: list[_Plan], ids: list[int], today: date
) -> list[dict]:
    """Key status history: when today's key accounts got there, past demotions, reviews."""
    last_review = today.year if _review_day(today.year) <= today else today.year - 1
    rows: list[dict] = []

    def add(i: int, is_key: bool, on: date, reason: str) -> None:
        rows.append({"account_id": ids[i], "is_key": is_key, "changed_on": on,
                     "reason": reason, "changed_by": HEAD_OF_SALES})

    story_years = {STORY_DEMOTION: 6, STORY_DECLINING: 4, STORY_SINGLE_THREADED: 3}
    for i, p in enumerate(plans):
        since = p.customer_since
        if p.is_key:
            years = [y for y in range(last_review - 5, last_review + 1)
                     if 365 <= (today - _review_day(y)).days <= 6 * 365
                     and (_review_day(y) - since).days >= 365]
            if p.story in story_years:
                years = [last_review - story_years[p.story] + 1]
            if p.story in story_years or (years and rng.random() < 0.8):
                y = int(rng.choice(years))
                add(i, True, _review_day(y), f"Annual key-account review {y}")
            else:
                latest = min(6 * 365, (today - since).days - 180)
                on = today - timedelta(days=int(rng.integers(365, latest + 1)))
                add(i, True, on, f"Won the {on.year} framework contract")
        elif p.demoted_in_past:
            y_on = last_review - int(rng.integers(4, 6))
            y_off = last_review - int(rng.integers(1, 3))
            add(i, True, _review_day(y_on), f"Annual key-account review {y_on}")
            why = rng.choice(["volumes moved to a competitor", "lost the framework contract",
                              "merged into a group with central purchasing"])
            add(i, False, _review_day(y_off), f"Annual key-account review {y_off}: {why}")
        elif p.story == STORY_RISING:
            add(i, False, _review_day(last_review),
                f"Annual key-account review {last_review}: strong growth, revisit next year")
        elif p.percentile > 0.8 and rng.random() < 0.4:
            add(i, False, _review_day(last_review),
                f"Annual key-account review {last_review}: stays with account management")
    rows.sort(key=lambda r: (r["changed_on"], r["account_id"]))
    return [{"id": k, **r} for k, r in enumerate(rows, start=1)]


def _stakeholders(rng: np.random.Generator, plans: list[_Plan], ids: list[int]) -> list[dict]:
    """Buying-centre maps: a reporting tree per account, roles, influence and stance."""
    rows: list[dict] = []
    for i, p in enumerate(plans):
        domain = _ascii(p.name).replace(" ", "-").replace("&", "and") + ".example"
        people = _northwind_people() if p.story == STORY_SINGLE_THREADED else _org_chart(rng, p)
        used: set[str] = set()
        first_id = len(rows) + 1
        for k, person in enumerate(people):
            name = _person_name(rng, p.locale, used)
            parent = person.pop("parent")
            rows.append({
                "id": first_id + k,
                "account_id": ids[i],
                "name": name,
                **person,
                "reports_to_id": None if parent is None else first_id + parent,
                "email": _email(name, domain),
            })
        p.stakeholders = rows[first_id - 1 :]
    return rows


def _northwind_people() -> list[dict]:
    people = []
    for k, (dept, title, roles, influence, stance) in enumerate(_NORTHWIND_MAP):
        boss = [j for j, m in enumerate(_NORTHWIND_MAP[:k]) if m[0] == dept]
        parent = None if k == 0 else 0 if title.startswith(("Head", "Chief", "Dir")) else (
            boss[0] if boss else 0)
        people.append({"title": title, "department": dept, "roles": ";".join(roles),
                       "influence": influence, "stance": stance, "active": True,
                       "parent": parent})
    return people


def _org_chart(rng: np.random.Generator, p: _Plan) -> list[dict]:
    count = int(rng.integers(6, 13)) if p.is_key else int(rng.integers(2, 7))
    n_heads = min(len(_DEPARTMENTS), max(1, round((count - 1) * 0.55)))
    others = [_OTHER_DEPARTMENTS[int(j)] for j in rng.permutation(len(_OTHER_DEPARTMENTS))]
    depts = ["Procurement", *others][:n_heads]
    top_title = _TOP_TITLES[int(rng.random() < 0.5 or not p.is_key)]
    top_p, staff_p = (_STANCE_P_KEY_TOP, _STANCE_P_KEY) if p.is_key else (_STANCE_P_TOP, _STANCE_P)
    top_p, staff_p = tuple(top_p.tolist()), tuple(staff_p.tolist())
    people = [{"title": top_title, "department": "Executive Board",
               "roles": _pick(rng, _TOP_ROLES), "influence": "high",
               "stance": int(_STANCES[_draw(rng, top_p)]), "parent": None}]
    for dept in depts:
        title, roles, _ = _DEPARTMENTS[dept]
        people.append({"title": title, "department": dept, "roles": _pick(rng, roles),
                       "influence": "high" if rng.random() < 0.5 else "medium",
                       "stance": int(_STANCES[_draw(rng, staff_p)]), "parent": 0})
    dept_p = _normalised([3.0 if d in ("Procurement", "Operations") else 1.0 for d in depts])
    for _ in range(count - 1 - n_heads):
        h = _draw(rng, dept_p)
        staff = _DEPARTMENTS[depts[h]][2]
        title, roles = staff[int(rng.integers(len(staff)))]
        people.append({"title": title, "department": depts[h], "roles": _pick(rng, roles),
                       "influence": "medium" if rng.random() < 0.5 else "low",
                       "stance": int(_STANCES[_draw(rng, staff_p)]), "parent": 1 + h})
    if p.story == STORY_DEMOTION:  # the new CEO does not rate us: a hostile decision maker
        people[0]["roles"], people[0]["stance"] = (DM,), -1
    # An ambassador in about 60% of accounts: a supporter who speaks up for us.
    if rng.random() < (0.7 if p.is_key else 0.55):
        fans = [k for k in range(1, len(people)) if people[k]["stance"] >= 1]
        k = int(rng.choice(fans)) if fans else int(rng.integers(1, len(people)))
        people[k]["stance"] = 2
        people[k]["roles"] = (*people[k]["roles"], AMB)
    for k, person in enumerate(people):
        person["roles"] = ";".join(person["roles"])
        # A few have left the company (never the top person nor the ambassador).
        person["active"] = bool(k == 0 or AMB in person["roles"] or rng.random() > 0.06)
    return people


def _person_name(rng: np.random.Generator, locale: str, used: set[str]) -> str:
    for _ in range(50):
        loc = locale if rng.random() < 0.75 else _LOCALES[int(rng.integers(len(_LOCALES)))]
        firsts, lasts = _FIRST_NAMES[loc], _LAST_NAMES[loc]
        name = f"{firsts[int(rng.integers(len(firsts)))]} {lasts[int(rng.integers(len(lasts)))]}"
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("name pool exhausted")  # pragma: no cover - 12 people, ~200 names


def _engagements(
    rng: np.random.Generator, plans: list[_Plan], ids: list[int], managers: list[dict],
    today: date,
) -> list[dict]:
    """Two years of touches per account; QBRs quarterly for key accounts."""
    days = _Days(today)
    events: list[tuple] = []  # (day ordinal, account id, n, ...): sorts into id order
    for i, p in enumerate(plans):
        offsets, kinds = _touch_offsets(rng, p)
        sentiment = _sentiments(rng, p, offsets).tolist()
        people = _contacts(rng, p, offsets)
        logged_by = _owner(p, ids[i], managers)
        summaries = _summaries(rng, kinds, sentiment, offsets, people, p, days)
        for e, o in enumerate(offsets.tolist()):
            events.append((days.ordinal[o], ids[i], e, kinds[e], people[e], sentiment[e],
                           summaries[e], logged_by))
    events.sort()
    return [
        {"id": k, "account_id": acc, "stakeholder_id": sh, "date": date.fromordinal(when),
         "kind": kind, "summary": summary, "sentiment": s, "logged_by": who}
        for k, (when, acc, _, kind, sh, s, summary, who) in enumerate(events, start=1)
    ]


def _windows(rng: np.random.Generator, counts: tuple[int, ...]) -> np.ndarray:
    """Day offsets with a fixed number of touches in each 90-day window back from today."""
    parts = [rng.integers(90 * w, min(90 * (w + 1), HISTORY_DAYS), c)
             for w, c in enumerate(counts) if c]
    return np.concatenate(parts) if parts else np.zeros(0, int)


def _touch_offsets(rng: np.random.Generator, p: _Plan) -> tuple[np.ndarray, list[str]]:
    """Days-ago of each touch (0 = today) and its kind."""
    per_month = rng.uniform(3, 6) if p.is_key else rng.uniform(0.3, 1.2)
    per_day = per_month / 30.4
    if p.story == STORY_DECLINING:
        offsets = _windows(rng, _HELIOS_WINDOWS)
    elif p.story == STORY_RISING:
        offsets = _windows(rng, _BRIGHTWATER_WINDOWS)
    elif p.behind_cadence:  # one touch in the last quarter, normal before
        offsets = np.concatenate([
            rng.integers(20, 90, 1),
            rng.integers(90, 120, max(2, rng.poisson(per_day * 30))),
            rng.integers(120, HISTORY_DAYS, rng.poisson(per_day * (HISTORY_DAYS - 120))),
        ])
    else:
        offsets = rng.integers(0, HISTORY_DAYS, rng.poisson(per_day * HISTORY_DAYS))
    if p.story == STORY_SINGLE_THREADED:  # a quiet gap before the single thread began
        offsets = offsets[(offsets < SINGLE_THREAD_DAYS) | (offsets >= SINGLE_THREAD_DAYS + 10)]
    touch_p = _TOUCH_P_KEY if p.is_key else _TOUCH_P_OTHER
    kinds = [_TOUCH_KINDS[int(k)] for k in rng.choice(len(_TOUCH_KINDS), len(offsets), p=touch_p)]
    if p.is_key:  # one QBR a quarter; skipped lately by the accounts that went quiet
        skip_latest = p.story == STORY_DECLINING or p.behind_cadence
        qbrs = [91 * w + int(rng.integers(15, 75)) for w in range(8) if w or not skip_latest]
        offsets = np.concatenate([offsets, np.array(qbrs, dtype=offsets.dtype)])
        kinds += [_QBR] * len(qbrs)
    order = np.argsort(offsets, kind="stable")
    return offsets[order], [kinds[int(k)] for k in order]


def _sentiments(rng: np.random.Generator, p: _Plan, offsets: np.ndarray) -> np.ndarray:
    if p.story == STORY_RISING:
        return rng.choice(_STANCES, len(offsets), p=_SENTIMENT_P_RISING)
    s = rng.choice(_STANCES, len(offsets), p=_SENTIMENT_P)
    if p.story == STORY_DECLINING:
        souring = rng.choice(_STANCES, len(offsets), p=_SENTIMENT_P_SOURING)
        s = np.where(offsets < 180, souring, s)
    return s


def _contacts(rng: np.random.Generator, p: _Plan, offsets: np.ndarray) -> list[int | None]:
    """Who each touch was with: active people weighted by influence, sometimes nobody named.

    People who left are only met in touches long ago. Key accounts talk to at least three
    people in the last SINGLE_THREAD_DAYS, except the single-threaded story (one person).
    """
    people = p.stakeholders
    sid = np.array([s["id"] for s in people])
    weight = np.array([_INFLUENCE_WEIGHT[s["influence"]] for s in people])
    active = np.array([s["active"] for s in people])
    left_days_ago = np.where(active, -1, 200)
    eligible = offsets[:, None] >= left_days_ago[None, :]
    w = eligible * weight[None, :]
    cum = np.cumsum(w, axis=1)
    u = rng.random(len(offsets)) * cum[:, -1]
    chosen = sid[np.minimum((cum < u[:, None]).sum(axis=1), len(sid) - 1)]
    anonymous = rng.random(len(offsets)) < (0.05 if p.is_key else 0.1)
    contacts: list[int | None] = [
        None if a else int(c) for c, a in zip(chosen, anonymous, strict=True)
    ]
    recent = [e for e, o in enumerate(offsets) if o < SINGLE_THREAD_DAYS]  # newest first
    if p.story == STORY_SINGLE_THREADED:
        thread = int(sid[_NORTHWIND_THREAD])
        others = [int(x) for x in sid if x != thread]
        for e in range(len(offsets)):
            if offsets[e] < SINGLE_THREAD_DAYS:
                contacts[e] = thread
            elif contacts[e] is None or rng.random() < 0.5:
                contacts[e] = others[int(rng.integers(len(others)))]
    elif p.is_key and recent:
        ids_active = sid[active]
        pw = weight[active] / weight[active].sum()
        m = min(3, len(recent), len(ids_active))
        picks = rng.choice(ids_active, size=m, replace=False, p=pw)
        for e, s in zip(recent[:m], picks, strict=True):
            contacts[e] = int(s)
    return contacts


class _Days:
    """Per day of the history (0 = today): the date, its ordinal, and the planning year and
    next quarter a summary written that day speaks of; worked out once, not per touch."""

    def __init__(self, today: date) -> None:
        self.date = [today - timedelta(days=o) for o in range(HISTORY_DAYS)]
        self.ordinal = [d.toordinal() for d in self.date]
        self.plan_year = [d.year + 1 if d.month >= 10 else d.year for d in self.date]
        next_q = [(d.month - 1) // 3 + 1 for d in self.date]
        self.quarter = [f"Q{q % 4 + 1} {d.year + (q == 4)}"
                        for d, q in zip(self.date, next_q, strict=True)]


def _summaries(
    rng: np.random.Generator, kinds: list[str], sentiment: list[int], offsets: np.ndarray,
    people: list[int | None], p: _Plan, days: _Days,
) -> list[str]:
    """One line per touch: a template for its kind and mood, filled with a topic, a problem,
    the department of the person met and the planning period of its day.

    Per touch three whole numbers are drawn (template, topic, problem); they are drawn for
    all of an account's touches in one call, which gives the same numbers as one call each.
    """
    if not kinds:
        return []
    pools = [_SUMMARIES[kind][(s > 0) - (s < 0)] for kind, s in zip(kinds, sentiment,
                                                                     strict=True)]
    highs = np.empty((len(kinds), 3), dtype=np.int64)
    highs[:, 0] = [len(pool) for pool in pools]
    highs[:, 1], highs[:, 2] = len(_TOPICS), len(_PROBLEMS)
    draws = rng.integers(0, highs.ravel()).reshape(-1, 3).tolist()
    first_id = p.stakeholders[0]["id"] if p.stakeholders else 0
    out = []
    for pool, (t, topic, problem), o, sh in zip(pools, draws, offsets.tolist(), people,
                                                strict=True):
        dept = p.stakeholders[sh - first_id]["department"] if sh is not None else None
        out.append(pool[t].format(
            topic=_TOPICS[topic], problem=_PROBLEMS[problem],
            plan_year=days.plan_year[o], quarter=days.quarter[o], city=p.city,
            dept=(dept or "Operations").replace("Executive Board", "management"),
        ))
    return out
