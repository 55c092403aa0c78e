"""The criteria catalogue: the SBI ten plus strategic value, with help text per slider."""

from kamdash import criteria

PINNED_KEYS = (
    "product_fit", "avg_transaction_size", "revenue_potential", "purchase_process", "partnership",
    "tenure", "solvency", "existing_relationships", "cultural_fit", "geographic_fit",
    "strategic_value",
)


def test_catalogue_has_the_pinned_keys_in_order():
    assert criteria.KEYS == PINNED_KEYS


def test_every_criterion_explains_its_scale():
    for c in criteria.CRITERIA:
        assert c.label and c.question.endswith("?") and c.low and c.high
        assert c.help == f"{c.question}\n\n1 = {c.low}\n\n10 = {c.high}"


def test_labels_are_unique_business_words():
    labels = [c.label for c in criteria.CRITERIA]
    assert len(set(labels)) == len(labels)
    assert criteria.label("geographic_fit") == "Geographic alignment"


def test_unknown_keys_keeps_order():
    assert criteria.unknown_keys(["tenure", "x", "solvency", "y"]) == ["x", "y"]


def test_count_advice_warns_outside_three_to_five_only():
    assert criteria.count_advice(1) == "1 criterion chosen. The ranking is more robust with 3 to 5."
    assert criteria.count_advice(2).startswith("2 criteria chosen.")
    assert criteria.count_advice(3) is None
    assert criteria.count_advice(5) is None
    assert criteria.count_advice(6).startswith("6 criteria chosen. With more than 5")
