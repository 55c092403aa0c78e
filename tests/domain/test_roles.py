"""The stakeholder vocabulary: CRM role words, stance and influence."""

import numpy as np
import pytest

from kamdash import roles


@pytest.mark.parametrize(
    ("word", "role"),
    [
        ("Economic Buyer", "buyer"),
        ("budget holder", "buyer"),
        ("END USER", "user"),
        ("Business User", "user"),
        ("User Buyer", "user"),
        ("Decision Maker", "decision_maker"),
        ("economic decision maker", "decision_maker"),
        ("Approver", "decision_maker"),
        ("decision_maker", "decision_maker"),
        ("Influencer", "influencer"),
        ("Evaluator", "influencer"),
        ("Technical Buyer", "influencer"),
        ("Recommender", "influencer"),
        ("Champion", "ambassador"),
        ("coach", "ambassador"),
        ("Mentor", "ambassador"),
        ("Mobilizer", "ambassador"),
        ("  end-user ", "user"),
    ],
)
def test_crm_words_map_to_the_five_roles_case_insensitively(word, role):
    assert roles.parse_roles(word) == [role]


def test_role_lists_split_on_semicolon_pipe_and_comma_in_canonical_order_without_repeats():
    assert roles.parse_roles("Champion; Economic Buyer") == ["buyer", "ambassador"]
    assert roles.parse_roles("Approver|End User") == ["decision_maker", "user"]
    assert roles.parse_roles("coach, Mentor,champion") == ["ambassador"]


def test_a_list_of_words_from_an_editable_list_column_is_read_like_text():
    assert roles.parse_roles(["Decision maker", "Coach|end user"]) == [
        "decision_maker", "user", "ambassador"]


def test_blank_role_text_means_no_roles():
    assert roles.parse_roles("") == []
    assert roles.parse_roles(" ; | ") == []
    assert roles.parse_roles(None) == []
    assert roles.parse_roles([]) == []


def test_an_unknown_role_word_is_an_error_naming_the_word():
    with pytest.raises(ValueError, match=r"^'Boss' is not a buying role; use buyer, user"):
        roles.parse_roles("Economic Buyer; Boss")


def test_every_unknown_word_is_named_once():
    with pytest.raises(ValueError, match=r"^'Boss', 'Chief' are not buying roles"):
        roles.parse_roles("Boss; Chief; boss; Champion; Boss")


def test_role_keys_join_for_storage_and_read_back_as_labels():
    assert roles.join_roles(["ambassador", "Economic Buyer", "decision_maker"]) == (
        "decision_maker;buyer;ambassador")
    assert roles.roles_label("ambassador;decision_maker") == "Decision maker, Ambassador"
    assert roles.roles_label("") == ""
    assert roles.role_label("decision_maker") == "Decision maker"


@pytest.mark.parametrize(
    ("value", "stance"),
    [("enemy", -2), ("Non-Supporter", -1), ("non supporter", -1), ("NEUTRAL", 0),
     ("supporter", 1), ("Mentor", 2), ("-2", -2), ("+1", 1), ("2", 2), (" 0 ", 0), (-1, -1),
     (2.0, 2), (np.int64(1), 1), ("1.0", 1)],
)
def test_stance_reads_labels_and_numbers(value, stance):
    assert roles.parse_stance(value) == stance


@pytest.mark.parametrize("value", ["friendly", "3", "-3", "", "1.5", None, True, 5])
def test_anything_else_is_not_a_stance_and_the_message_lists_the_choices(value):
    with pytest.raises(ValueError, match="is not a stance"):
        roles.parse_stance(value)


def test_a_bad_stance_message_names_the_value_and_the_choices():
    with pytest.raises(ValueError) as err:
        roles.parse_stance("friendly")
    assert str(err.value) == ("'friendly' is not a stance; use enemy, non-supporter, neutral, "
                              "supporter, mentor (or -2 to +2)")


def test_stance_labels_run_from_enemy_to_mentor():
    assert [roles.stance_label(v) for v in range(-2, 3)] == [
        "enemy", "non-supporter", "neutral", "supporter", "mentor"]
    assert roles.stance_label(None) == ""
    assert roles.stance_label(float("nan")) == ""


@pytest.mark.parametrize(("value", "level"),
                         [("low", "low"), ("High", "high"), (" MEDIUM ", "medium"),
                          ("med", "medium")])
def test_influence_reads_any_case(value, level):
    assert roles.parse_influence(value) == level


def test_an_unknown_influence_level_is_an_error_naming_it():
    with pytest.raises(ValueError, match=r"^'huge' is not an influence level; use low, medium"):
        roles.parse_influence("huge")
