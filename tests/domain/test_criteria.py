"""The criteria catalogue: the SBI ten plus strategic value, with help text per slider."""

import pytest

from kamdash import criteria

PINNED_KEYS = (
    "product_fit", "avg_transaction_size", "revenue_potential", "purchase_process", "partnership",
    "tenure", "solvency", "existing_relationships", "cultural_fit", "geographic_fit",
    "strategic_value",
)


def test_catalogue_has_the_pinned_keys_in_order():
    assert criteria.KEYS == PINNED_KEYS


@pytest.mark.parametrize("c", criteria.CRITERIA, ids=lambda c: c.key)
def test_every_criterion_explains_its_scale(c):
    assert c.label and c.question.endswith("?") and c.low and c.high
    assert c.help == f"{c.question}\n\n1 = {c.low}\n\n10 = {c.high}"


def test_labels_are_unique_business_words():
    labels = [c.label for c in criteria.CRITERIA]
    assert len(set(labels)) == len(labels)
    assert criteria.label("geographic_fit") == "Geographic alignment"


def test_unknown_keys_keeps_order():
    assert criteria.unknown_keys(["tenure", "x", "solvency", "y"]) == ["x", "y"]


@pytest.mark.parametrize("n, advice", [
    (1, "1 criterion chosen. The ranking is more robust with 3 to 5."),
    (2, "2 criteria chosen. The ranking is more robust with 3 to 5."),
    (3, None),
    (4, None),
    (5, None),
    (6, "6 criteria chosen. With more than 5 each one matters little; 3 to 5 keep the choice "
        "sharp."),
])
def test_count_advice_warns_outside_three_to_five_only(n, advice):
    assert criteria.count_advice(n) == advice
