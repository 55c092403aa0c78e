"""Saved scenarios: leadership saves, renames and deletes them; each write is audited; a
name is never silently overwritten."""

from __future__ import annotations

import pytest

from kamdash import store
from kamdash.identity import Actor, Refused, UserRole

BOSS = Actor(email="claudia@example.com", name="Claudia", role=UserRole.LEADERSHIP)
KAM = Actor(email="jonas@example.com", name="Jonas", role=UserRole.KAM, manager_id=1)
RULE = {"kind": "threshold", "n": 20, "threshold": 6.5, "missing": "ignore"}


def test_a_saved_scenario_is_listed_with_its_author_weights_and_rule(engine):
    store.save_scenario(engine, BOSS, "Growth first", {"revenue_potential": 5, "solvency": 2},
                        RULE)
    saved = store.load_scenarios(engine)
    assert saved[["name", "author"]].values.tolist() == [["Growth first", "claudia@example.com"]]
    assert saved.loc[0, "weights"] == {"revenue_potential": 5, "solvency": 2}
    assert saved.loc[0, "rule"] == RULE


def test_saving_under_an_existing_name_is_refused_and_keeps_the_first(engine):
    store.save_scenario(engine, BOSS, "Q1", {"tenure": 1}, RULE)
    version = store.data_version(engine)
    other = Actor(email="bo@example.com", name="Bo", role=UserRole.ADMIN)
    with pytest.raises(store.ScenarioNameTaken, match="A scenario called “Q1” exists already"):
        store.save_scenario(engine, other, "Q1", {"tenure": 3}, RULE)
    saved = store.load_scenarios(engine)
    assert saved[["name", "author"]].values.tolist() == [["Q1", "claudia@example.com"]]
    assert saved.loc[0, "weights"] == {"tenure": 1}
    assert store.data_version(engine) == version


@pytest.mark.parametrize("write", [
    lambda e: store.save_scenario(e, KAM, "Mine", {"tenure": 1}, RULE),
    lambda e: store.rename_scenario(e, KAM, "Q1", "Mine"),
    lambda e: store.delete_scenario(e, KAM, "Q1"),
])
def test_below_leadership_every_scenario_write_is_refused(engine, write):
    store.save_scenario(engine, BOSS, "Q1", {"tenure": 1}, RULE)
    with pytest.raises(Refused, match="Only leadership and above can"):
        write(engine)
    assert store.load_scenarios(engine)["name"].tolist() == ["Q1"]
    assert len(store.load_audit(engine)) == 1  # only the first save


def test_renaming_keeps_author_and_contents_and_refuses_a_taken_name(engine):
    store.save_scenario(engine, BOSS, "Q1", {"tenure": 1}, RULE)
    store.save_scenario(engine, BOSS, "Q2", {"solvency": 4}, RULE)
    store.rename_scenario(engine, BOSS, "Q1", "Tenure only")
    saved = store.load_scenarios(engine).set_index("name")
    assert sorted(saved.index) == ["Q2", "Tenure only"]
    assert saved.loc["Tenure only", "weights"] == {"tenure": 1}
    with pytest.raises(store.ScenarioNameTaken):
        store.rename_scenario(engine, BOSS, "Tenure only", "Q2")
    with pytest.raises(store.ScenarioNotFound, match="no saved scenario called “Gone”"):
        store.rename_scenario(engine, BOSS, "Gone", "Back")


def test_deleting_removes_it_and_a_second_delete_says_it_is_gone(engine):
    store.save_scenario(engine, BOSS, "Q1", {"tenure": 1}, RULE)
    store.delete_scenario(engine, BOSS, "Q1")
    assert store.load_scenarios(engine).empty
    with pytest.raises(store.ScenarioNotFound):
        store.delete_scenario(engine, BOSS, "Q1")


def test_every_scenario_write_leaves_an_audit_entry_with_before_and_after(engine):
    store.save_scenario(engine, BOSS, "Q1", {"tenure": 1}, RULE)
    store.rename_scenario(engine, BOSS, "Q1", "Q9")
    store.delete_scenario(engine, BOSS, "Q9")
    trail = store.load_audit(engine).iloc[::-1]
    assert trail[["actor", "action", "entity", "entity_id"]].values.tolist() == [
        ["claudia@example.com", "create", "scenario", "Q1"],
        ["claudia@example.com", "update", "scenario", "Q1"],
        ["claudia@example.com", "delete", "scenario", "Q9"],
    ]
    created, renamed, deleted = trail["after"].iloc[0], trail["after"].iloc[1], trail.iloc[2]
    assert created == {"name": "Q1", "weights": {"tenure": 1}, "rule": RULE,
                       "author": "claudia@example.com"}
    assert renamed["name"] == "Q9" and trail["before"].iloc[1]["name"] == "Q1"
    assert deleted["before"]["name"] == "Q9" and deleted["after"] is None
