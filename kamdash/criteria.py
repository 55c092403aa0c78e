"""The selection criteria catalogue: the SBI list of ten, plus strategic value.

Each criterion has a stable key (stored in ratings, used in URLs), a label, the question a
rater answers, and what a 1 and a 10 mean, shown as help text next to its weight slider.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    question: str
    low: str  # what a rating of 1 means
    high: str  # what a rating of 10 means

    @property
    def help(self) -> str:
        """Help text for a slider: the question and both ends of the scale."""
        return f"{self.question}\n\n1 = {self.low}\n\n10 = {self.high}"


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "product_fit", "Product fit",
        "How well do our products and services solve this customer's needs?",
        "they need little of what we sell", "our offer is core to their business",
    ),
    Criterion(
        "avg_transaction_size", "Average transaction size",
        "How large is a typical order compared with our other customers?",
        "among our smallest orders", "among our largest orders",
    ),
    Criterion(
        "revenue_potential", "Revenue potential",
        "How much more could this customer buy from us in the next three years?",
        "already buys all it will", "could multiply its spend",
    ),
    Criterion(
        "purchase_process", "Purchase process",
        "How easy is it to win and close business with them?",
        "slow, opaque, price-only tenders", "fast, clear, values more than price",
    ),
    Criterion(
        "partnership", "Partnership history and potential",
        "Do they want a long-term partnership, and have we built one?",
        "transactional, no interest in partnering", "joint plans and shared goals",
    ),
    Criterion(
        "tenure", "Customer tenure",
        "How long and how steadily have they been our customer?",
        "new or on-and-off", "a decade or more, without gaps",
    ),
    Criterion(
        "solvency", "Solvency",
        "Can they pay, reliably and on time?",
        "payment problems or credit risk", "excellent credit, pays on time",
    ),
    Criterion(
        "existing_relationships", "Existing relationships",
        "How strong and how broad are our relationships with their people?",
        "we know nobody who matters", "trusted at every level",
    ),
    Criterion(
        "cultural_fit", "Cultural fit",
        "Do our values and ways of working match theirs?",
        "constant friction", "we work as one team",
    ),
    Criterion(
        "geographic_fit", "Geographic alignment",
        "Are they where we can serve them well?",
        "far outside our footprint", "next door to our teams",
    ),
    Criterion(
        "strategic_value", "Strategic value",
        "Do they bring referrals, reference value or credibility in their industry?",
        "no one would notice we work together", "a flagship reference that opens doors",
    ),
)

BY_KEY: dict[str, Criterion] = {c.key: c for c in CRITERIA}
KEYS: tuple[str, ...] = tuple(BY_KEY)

# The source material's advice: pick three to five criteria. Outside this we warn, not block.
RECOMMENDED_COUNT = (3, 5)


def label(key: str) -> str:
    """The business label of a criterion key ('product_fit' -> 'Product fit')."""
    return BY_KEY[key].label


def unknown_keys(keys) -> list[str]:
    """The keys in ``keys`` that are not criteria, in their given order."""
    return [k for k in keys if k not in BY_KEY]


def count_advice(n: int) -> str | None:
    """A gentle warning when ``n`` criteria are chosen outside the recommended 3-5, else None."""
    lo, hi = RECOMMENDED_COUNT
    if n < lo:
        return (
            f"{n} criterion chosen." if n == 1 else f"{n} criteria chosen."
        ) + f" The ranking is more robust with {lo} to {hi}."
    if n > hi:
        return (
            f"{n} criteria chosen. With more than {hi} each one matters little; "
            f"{lo} to {hi} keep the choice sharp."
        )
    return None
