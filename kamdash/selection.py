"""What-if key-account selection: a rule over the ranking, and the diff with today's list.

Pure pandas; the Selection page and the tests call these with frames from the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from kamdash import criteria
from kamdash.scoring import MISSING_POLICIES, RATING_MAX, RATING_MIN

# The scenario a new visitor sees: five criteria, revenue potential and fit weigh most.
DEFAULT_WEIGHTS: dict[str, int] = {
    "revenue_potential": 5,
    "product_fit": 4,
    "partnership": 3,
    "strategic_value": 3,
    "solvency": 2,
}
WEIGHT_MIN, WEIGHT_MAX = 0, 10  # slider range; relative importance, not percentages
DEFAULT_MISSING = "floor"  # conservative: an unrated criterion counts against the account
DEFAULT_THRESHOLD = 7.0
RULES = ("top_n", "threshold", "capacity")

# How the page's radios show each choice. Streamlit binds a radio to the URL by the text it
# shows, so the page's own address holds these labels; saved links hold the keys (a label may
# be reworded, a key never is) and the page translates keys to labels on arrival.
MISSING_LABELS = {"floor": "count as 1 (conservative)", "ignore": "leave out of the average"}
RULE_LABELS = {"top_n": "the top N by score", "threshold": "all above a minimum score",
               "capacity": "as many as our KAMs can carry"}

# Change labels, worded for leadership. Demotion is flagged: it costs a relationship.
PROMOTED, DEMOTED, STAYS_KEY, NOT_KEY = "Promoted", "Demoted", "Stays key", "—"


@dataclass(frozen=True)
class Rule:
    """Which ranked accounts become key: the best ``n``, all scoring >= ``threshold``, or
    (``capacity``) the best while their KAM has room (see ``Capacity``)."""

    kind: str = "top_n"
    n: int = 20
    threshold: float = DEFAULT_THRESHOLD

    def __post_init__(self) -> None:
        if self.kind not in RULES:
            raise ValueError(f"rule must be one of {RULES}, got {self.kind!r}")
        if self.n < 0:
            raise ValueError(f"the number of key accounts must not be negative, got {self.n}")
        if not RATING_MIN <= self.threshold <= RATING_MAX:
            raise ValueError(f"the score threshold must be within {RATING_MIN}..{RATING_MAX}, "
                             f"got {self.threshold}")

    def describe(self) -> str:
        if self.kind == "top_n":
            return f"the top {self.n} accounts by score"
        if self.kind == "capacity":
            return "the best accounts as long as their KAM has room"
        return f"every account scoring {self.threshold:g} or more"


@dataclass(frozen=True)
class Capacity:
    """Who can carry key accounts: each account's manager and how many key accounts each
    KAM can carry. Accounts whose manager is no KAM (or who have none) have no KAM room."""

    manager_of: pd.Series  # account id -> manager id, NaN where the manager is no KAM
    seats: pd.Series  # KAM (manager id) -> key accounts they can carry, whole numbers >= 0

    @property
    def total(self) -> int:
        return int(self.seats.sum())


def capacity_of(accounts: pd.DataFrame, managers: pd.DataFrame) -> Capacity:
    """``Capacity`` from the account list (``manager_id``) and the manager table (``role``,
    ``capacity``, ``name``); only KAMs (role ``kam``) carry key accounts. ValueError naming
    every KAM whose capacity is missing, negative or not a whole number."""
    kams = managers[managers["role"] == "kam"]
    seats = pd.to_numeric(kams["capacity"], errors="coerce")
    bad = seats.isna() | (seats < 0) | (seats != seats.round())
    if bad.any():
        names = ", ".join(str(n) for n in kams.loc[bad, "name"])
        raise ValueError(f"no usable capacity for KAM(s) {names}: give each KAM a whole "
                         "number of key accounts (0 or more) in the manager table")
    if kams.empty:
        raise ValueError("there is no KAM in the manager table, so nobody can carry a key "
                         "account: add managers with the role kam and a capacity")
    manager_of = accounts["manager_id"].where(accounts["manager_id"].isin(kams.index))
    return Capacity(manager_of=manager_of.astype(float), seats=seats.astype(np.int64))


def take_within_capacity(order_manager: np.ndarray, seats: np.ndarray) -> np.ndarray:
    """Best first, each account is taken while its KAM has a seat left.

    ``order_manager``: per row, the KAM (0..k-1, or -1 for none) of each account in rank
    order, shape (rows, accounts); ``seats``: seats per KAM. Returns the taken mask in the
    same layout. Every row holds the same accounts, so each KAM's group starts at the same
    place once a row is sorted by KAM: one stable sort per batch, no loop over accounts."""
    rows, n = order_manager.shape
    codes = order_manager + 1  # 0 = no KAM
    by_kam = np.argsort(codes, axis=1, kind="stable")  # rank order kept within each KAM
    counts = np.bincount(codes[0], minlength=len(seats) + 1)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    sorted_codes = np.take_along_axis(codes, by_kam, axis=1)
    place = np.arange(n) - starts[sorted_codes]  # 0 for a KAM's best account, 1 next...
    room = np.r_[0, seats][sorted_codes]
    taken = np.empty((rows, n), dtype=bool)
    np.put_along_axis(taken, by_kam, place < room, axis=1)
    return taken


def select_key_accounts(ranked: pd.DataFrame, rule: Rule,
                        capacity: Capacity | None = None) -> pd.Series:
    """Boolean Series (same index and order as ``ranked``): would this account be key?
    The capacity rule needs ``capacity`` (ValueError without it)."""
    score = ranked["score"].to_numpy(dtype=float)
    if rule.kind == "top_n":
        chosen = (np.arange(len(score)) < rule.n) & ~np.isnan(score)
    elif rule.kind == "capacity":
        chosen = capacity_mask(ranked.index, score, capacity)
    else:
        chosen = score >= rule.threshold  # NaN compares False: unscored is never key
    return pd.Series(chosen, index=ranked.index)


def capacity_mask(ranked_ids: pd.Index, score: np.ndarray,
                  capacity: Capacity | None) -> np.ndarray:
    """The capacity rule on one ranking (ids best first): taken or not, in that order."""
    if capacity is None:
        raise ValueError("the capacity rule needs each account's manager and each KAM's "
                         "capacity")
    kams = capacity.seats.index
    manager = capacity.manager_of.reindex(ranked_ids).to_numpy(dtype=float)
    code = np.full(len(ranked_ids), -1, dtype=np.int64)
    known = ~np.isnan(manager)
    code[known] = kams.get_indexer(manager[known].astype(np.int64))
    code[np.isnan(score)] = -1  # an unscored account is never key
    return take_within_capacity(code[None, :], capacity.seats.to_numpy())[0]


def blocked_by_capacity(ranked: pd.DataFrame, would_be_key: pd.Series,
                        capacity: Capacity) -> pd.Index:
    """Accounts the same number of key accounts by score alone would include, but whose KAM
    is full or who have no KAM: best first."""
    by_score = select_key_accounts(ranked, Rule("top_n", n=capacity.total))
    return ranked.index[(by_score & ~would_be_key).to_numpy()]


def compare_with_today(would_be_key: pd.Series, key_today: pd.Series) -> pd.Series:
    """Per account: Promoted, Demoted, Stays key or '—' (not key either way).

    ``key_today`` may lack accounts (never designated): those are not key today.
    """
    would = would_be_key.to_numpy(dtype=bool)
    today = key_today.reindex(would_be_key.index).fillna(False).to_numpy(dtype=bool)
    change = np.select([would & today, would & ~today, ~would & today],
                       [STAYS_KEY, PROMOTED, DEMOTED], NOT_KEY).astype(object)
    return pd.Series(change, index=would_be_key.index, dtype=object)


def link_choices_as_labels(params: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The link's choices that name an option by key (``criteria=solvency``, ``missing=
    ignore``, ``rule=threshold``, as saved links do), as the page's widgets write them
    (labels); only the parameters that need translating, empty when none does."""
    changed: dict[str, list[str]] = {}
    relabelled = link_criteria_as_labels(list(params.get("criteria", [])))
    if relabelled is not None:
        changed["criteria"] = relabelled
    for name, labels in (("missing", MISSING_LABELS), ("rule", RULE_LABELS)):
        values = list(params.get(name, []))
        if values and values[0] in labels:
            changed[name] = [labels[values[0]]]
    return changed


def link_criteria_as_labels(values: list[str]) -> list[str] | None:
    """The ``criteria`` values of a link, as the page's criteria picker writes them (labels),
    when the link names any criterion by its key (``criteria=solvency``, as saved links do);
    None when there is nothing to translate. Keys are the stable form: a label may be
    reworded, a key never is."""
    if not any(v in criteria.BY_KEY for v in values):
        return None
    return [criteria.label(v) if v in criteria.BY_KEY else v for v in values]


def validate_link(params: Mapping[str, str | list[str]],
                  max_key_accounts: int | None = None) -> list[str]:
    """Plain-language problems with a shared scenario link's parameters (empty when fine),
    each saying what the page did instead.

    The Selection page binds its widgets to the URL; Streamlit quietly drops or trims values a
    widget cannot take, so this names them for the reader instead of leaving them wondering.
    """
    problems: list[str] = []
    for name, raw in params.items():
        values = [raw] if isinstance(raw, str) else list(raw)
        if not values:
            continue
        if name == "criteria":  # labels as the picker writes them, or criterion keys
            known = {c.label for c in criteria.CRITERIA} | set(criteria.KEYS)
            problems += [f"'{v}' is not a selection criterion, so it was left out."
                         for v in values if v not in known]
        elif name.startswith("w_"):
            key = name[2:]
            if key not in criteria.BY_KEY:
                problems.append(
                    f"'{key}' is not a selection criterion, so its weight was ignored.")
                continue
            problem = _number_problem(
                f"The weight for {criteria.label(key)}", values[0], WEIGHT_MIN, WEIGHT_MAX,
                "weights are whole numbers")
            if problem:
                problems.append(problem)
        elif name == "missing" and values[0] not in {*MISSING_POLICIES,
                                                     *MISSING_LABELS.values()}:
            problems.append(
                f"'{values[0]}' is not a way to treat missing ratings "
                f"(use {' or '.join(MISSING_POLICIES)}); the default was used.")
        elif name == "rule" and values[0] not in {*RULES, *RULE_LABELS.values()}:
            problems.append(f"'{values[0]}' is not a selection rule (use top_n, threshold or "
                            "capacity); the default was used.")
        elif name == "n" and max_key_accounts is not None:
            problem = _number_problem("The number of key accounts", values[0], 1,
                                      max_key_accounts, "it is a whole number")
            if problem:
                problems.append(problem)
        elif name == "threshold":
            problem = _number_problem("The minimum score", values[0], RATING_MIN, RATING_MAX,
                                      "scores run", whole=False)
            if problem:
                problems.append(problem)
    return problems


def _number_problem(what: str, value: str, low: float, high: float, rule: str,
                    whole: bool = True) -> str | None:
    """How the page reads a number from a link (as Streamlit's widgets do): a number outside
    low..high or no number at all falls back to the default; for a ``whole`` number a
    fraction is cut."""
    try:
        number = float(value)
    except ValueError:
        return f"{what} in the link, '{value}', is not a number; the default was used."
    if not low <= number <= high:
        return (f"{what} in the link is {value}; {rule} from {low} to {high}, so the default "
                "was used.")
    if whole and number != int(number):
        return f"{what} in the link is {value}; {rule}, so {int(number)} was used."
    return None


@dataclass(frozen=True)
class Outcome:
    """A scenario applied to the portfolio: the ranking and what changes against today."""

    ranked: pd.DataFrame  # score_accounts output, best first
    table: pd.DataFrame  # one row per account, best first, ready to show
    promoted: pd.DataFrame  # rows of ``table``
    demoted: pd.DataFrame
    key_count: int
    key_revenue_share: float  # of the accounts the scenario makes key, 0..1
    key_count_today: int
    key_revenue_share_today: float
    # The capacity rule only: rows of ``table`` that score well enough but whose KAM is
    # full or who have no KAM; and the seats all KAMs together have.
    blocked: pd.DataFrame | None = None
    total_capacity: int | None = None


def evaluate(
    ratings: pd.DataFrame,
    accounts: pd.DataFrame,
    weights: Mapping[str, float],
    missing: str = DEFAULT_MISSING,
    rule: Rule | None = None,
    capacity: Capacity | None = None,
) -> Outcome:
    """Score, select and compare in one call (ValueError from ``score_accounts`` passes up).

    ``accounts`` needs ``name``, ``is_key`` and ``annual_revenue`` (plus optional
    ``industry`` and ``manager``), indexed by account id like ``ratings``. The capacity
    rule needs ``capacity`` (see ``capacity_of``).
    """
    from kamdash.scoring import score_accounts

    rule = rule or Rule()
    weighted = [k for k, w in weights.items() if w]
    # Every account is ranked, rated or not: an unrated one scores the floor (or nothing).
    ranked = score_accounts(ratings.reindex(index=accounts.index, columns=weighted), weights,
                            missing)
    would = select_key_accounts(ranked, rule, capacity)
    change = compare_with_today(would, accounts["is_key"])
    at = accounts.index.get_indexer(ranked.index)  # ranked holds exactly these accounts

    def column(name: str):
        return accounts[name].array.take(at) if name in accounts else None

    key_today = accounts["is_key"].fillna(False).to_numpy(dtype=bool)[at]
    table = pd.DataFrame(
        {
            "rank": ranked["rank"],
            "name": column("name"),
            "score": ranked["score"],
            "would_be_key": would,
            "key_today": key_today,
            "change": change,
            "industry": column("industry"),
            "manager": column("manager"),
            "annual_revenue": column("annual_revenue"),
        },
        index=ranked.index,
    )
    revenue = table["annual_revenue"].fillna(0.0).to_numpy()
    total = revenue.sum()
    return Outcome(
        ranked=ranked,
        table=table,
        promoted=table.iloc[np.flatnonzero(change.to_numpy() == PROMOTED)],
        demoted=table.iloc[np.flatnonzero(change.to_numpy() == DEMOTED)],
        key_count=int(would.sum()),
        key_revenue_share=float(revenue[would.to_numpy()].sum() / total) if total else 0.0,
        key_count_today=int(key_today.sum()),
        key_revenue_share_today=float(revenue[key_today].sum() / total) if total else 0.0,
        blocked=(table.loc[blocked_by_capacity(ranked, would, capacity)]
                 if rule.kind == "capacity" else None),
        total_capacity=capacity.total if rule.kind == "capacity" else None,
    )


SCENARIO_NAME_MAX = 80


def link_params(
    weights: Mapping[str, float], missing: str = DEFAULT_MISSING, rule: Rule | None = None
) -> dict[str, list[str]]:
    """The Selection page's URL parameters that reopen this scenario exactly.

    Mirrors the page's bound widgets: criteria by key (the page translates keys to the
    labels its picker shows, so a reworded label never breaks a saved link), ``w_<key>`` per
    weight, the missing policy and the rule. Values equal to the page defaults are written
    too, so a saved link does not change meaning when the defaults do.
    """
    rule = rule or Rule()
    params: dict[str, list[str]] = {
        "criteria": list(weights),
        **{f"w_{k}": [f"{w:g}"] for k, w in weights.items()},
        "missing": [missing],
        "rule": [rule.kind],
    }
    if rule.kind == "top_n":
        params["n"] = [str(rule.n)]
    elif rule.kind == "threshold":
        params["threshold"] = [f"{rule.threshold:g}"]
    return params


def describe_weights(weights: Mapping[str, float]) -> str:
    """'Revenue potential 5 · Solvency 2': a saved scenario's weights in one line."""
    known = {k: w for k, w in weights.items() if k in criteria.BY_KEY}
    return " · ".join(f"{criteria.label(k)} {w:g}" for k, w in known.items())


def saved_link_query(weights: Mapping[str, float], rule: Mapping[str, object]) -> str:
    """The query string that reopens a saved scenario (``rule`` as stored by the page)."""
    params = link_params(
        weights,
        str(rule.get("missing", DEFAULT_MISSING)),
        Rule(str(rule.get("kind", "top_n")), n=int(rule.get("n", 20)),
             threshold=float(rule.get("threshold", DEFAULT_THRESHOLD))),
    )
    return urlencode(params, doseq=True)


def scenario_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a saved scenario, or None when it can."""
    if not name.strip():
        return "Give the scenario a name."
    if len(name.strip()) > SCENARIO_NAME_MAX:
        return f"Keep the name under {SCENARIO_NAME_MAX} characters (it has {len(name.strip())})."
    return None
