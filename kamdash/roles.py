"""The stakeholder vocabulary: buying roles, stance and influence, and how to read them.

Other CRMs name the five buying roles differently ("Economic Buyer", "Champion", ...).
``parse_roles`` maps those words onto kamdash's canonical keys, case-insensitively, so imports
and users can speak their own words. An unknown word is an error naming it, never a silent
drop: a dropped role would show up later as a false coverage gap.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable

from kamdash.models import STANCES, Influence, Role

__all__ = [
    "CRM_SYNONYMS",
    "INFLUENCE_LEVELS",
    "ROLES",
    "ROLE_LABELS",
    "STANCE_LABELS",
    "join_roles",
    "parse_influence",
    "parse_roles",
    "parse_stance",
    "role_label",
    "roles_label",
    "split_roles",
    "stance_label",
]

# Display order: most important for a purchase first (see ``kamdash.coverage.ROLE_WEIGHTS``).
ROLES: tuple[str, ...] = (
    Role.decision_maker.value,
    Role.buyer.value,
    Role.influencer.value,
    Role.user.value,
    Role.ambassador.value,
)

ROLE_LABELS: dict[str, str] = {
    Role.decision_maker.value: "Decision maker",
    Role.buyer.value: "Buyer",
    Role.influencer.value: "Influencer",
    Role.user.value: "User",
    Role.ambassador.value: "Ambassador",
}

# Words other CRMs and sales methods use for each role (compared case-insensitively, with
# '-', '_' and repeated blanks read as one blank). The canonical key and label count too.
CRM_SYNONYMS: dict[str, tuple[str, ...]] = {
    Role.buyer.value: ("buyer", "economic buyer", "budget holder", "budget owner", "purchaser"),
    Role.user.value: ("user", "end user", "business user", "user buyer", "key user"),
    Role.decision_maker.value: (
        "decision maker", "economic decision maker", "approver", "final approver",
    ),
    Role.influencer.value: (
        "influencer", "evaluator", "technical buyer", "technical evaluator", "recommender",
    ),
    Role.ambassador.value: (
        "ambassador", "champion", "coach", "mentor", "mobilizer", "mobiliser", "advocate",
    ),
}

STANCE_LABELS: dict[int, str] = dict(STANCES)  # -2 enemy .. +2 mentor
INFLUENCE_LEVELS: tuple[str, ...] = tuple(level.value for level in Influence)  # low..high

_SEPARATORS = re.compile(r"[;|,\n]")


def _normalise(word: str) -> str:
    return " ".join(word.replace("-", " ").replace("_", " ").lower().split())


_ROLE_LOOKUP: dict[str, str] = {}
for _key, _words in CRM_SYNONYMS.items():
    for _word in (_key, ROLE_LABELS[_key], *_words):
        _ROLE_LOOKUP[_normalise(_word)] = _key

_STANCE_LOOKUP: dict[str, int] = {_normalise(label): value for value, label in STANCES.items()}
_STANCE_LOOKUP.update({"nonsupporter": -1, "non supporter": -1})


def _shown(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def split_roles(text: str) -> list[str]:
    """The words of a role list: 'Economic Buyer; Champion' or 'a|b' -> ['Economic Buyer', ...]."""
    return [w.strip() for w in _SEPARATORS.split(text or "") if w.strip()]


def parse_roles(value: str | Iterable[str] | None) -> list[str]:
    """Canonical role keys (in ``ROLES`` order, no repeats) from CRM words.

    ``value`` is one string with words separated by ';', '|', ',' or new lines, or a list of
    such strings (what an editable list column gives). Blank gives []. Raises ValueError
    naming every word that is not a known role.
    """
    if value is None:
        return []
    texts = [value] if isinstance(value, str) else [str(v) for v in value if v is not None]
    words = [w for text in texts for w in split_roles(text)]
    unknown = [w for w in words if _normalise(w) not in _ROLE_LOOKUP]
    if unknown:
        once: dict[str, str] = {}
        for w in unknown:
            once.setdefault(_normalise(w), w)  # each word once, as first spelled
        listed = ", ".join(_shown(w) for w in once.values())
        noun = "is not a buying role" if len(once) == 1 else "are not buying roles"
        raise ValueError(
            f"{listed} {noun}; use buyer, user, decision maker, influencer or ambassador "
            "(CRM words such as Economic Buyer, End User, Approver, Evaluator or Champion work "
            "too)"
        )
    found = {_ROLE_LOOKUP[_normalise(w)] for w in words}
    return [key for key in ROLES if key in found]


def join_roles(keys: Iterable[str]) -> str:
    """Canonical keys as stored in the database: 'decision_maker;buyer' (``ROLES`` order)."""
    return ";".join(parse_roles(list(keys)))


def role_label(key: str) -> str:
    """'decision_maker' -> 'Decision maker'."""
    return ROLE_LABELS.get(key, key)


def roles_label(stored: str | None) -> str:
    """Stored ';'-joined keys for people: 'buyer;decision_maker' -> 'Decision maker, Buyer'."""
    found = set((stored or "").split(";"))
    return ", ".join(ROLE_LABELS[k] for k in ROLES if k in found)


def parse_stance(value: str | int | None) -> int:
    """-2..+2 from a number ('-1', '+2', 1) or a label (enemy, non-supporter, neutral,
    supporter, mentor; any case). Raises ValueError naming the value otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a stance")
    if isinstance(value, numbers.Real) and float(value).is_integer() and -2 <= value <= 2:
        return int(value)
    text = "" if value is None else str(value).strip()
    if re.fullmatch(r"[+-]?[0-2](\.0+)?", text):
        return int(float(text))
    key = _normalise(text)
    if key in _STANCE_LOOKUP:
        return _STANCE_LOOKUP[key]
    raise ValueError(
        f"{_shown(text)} is not a stance; use {', '.join(STANCES.values())} (or -2 to +2)"
    )


def stance_label(value: int | float | None) -> str:
    """-2..+2 -> 'enemy'..'mentor'; '' when unknown."""
    if value is None or value != value:  # NaN
        return ""
    return STANCE_LABELS.get(int(value), "")


def parse_influence(value: str | None) -> str:
    """'low', 'medium' or 'high' from any case ('High', ' MEDIUM ', 'med').
    Raises ValueError naming the value otherwise."""
    text = "" if value is None else str(value).strip()
    key = _normalise(text)
    if key in ("med", "mid"):
        return Influence.medium.value
    if key in INFLUENCE_LEVELS:
        return key
    raise ValueError(f"{_shown(text)} is not an influence level; use low, medium or high")
