"""Proposals and sign-off in the store: a proposal is saved with its changes and audit
entry; approval writes the designations in one transaction and the key list follows;
every refusal (rights, reasons, four-eyes, status, dates) writes nothing."""

from datetime import date

import pytest
from sqlalchemy import select

from kamdash import store
from kamdash.decisions import Change, Draft
from kamdash.identity import Actor, Refused, UserRole
from kamdash.models import Account, AuditEntry, Designation, Meta, Proposal, ProposalChange

TODAY = date(2026, 11, 15)
LEAD = Actor("lead@x.example", "Lea Lead", UserRole.LEADERSHIP)
BOSS = Actor("boss@x.example", "Bo Boss", UserRole.LEADERSHIP)
KAM = Actor("kam@x.example", "Kim Kam", UserRole.KAM, manager_id=1)
DRAFT = Draft(weights={"solvency": 2.0}, rule={"kind": "top_n", "n": 2, "threshold": 7.0,
                                               "missing": "floor"},
              ranking=[[1, 1, 9.0, True], [2, 2, 8.0, True], [3, 3, 2.0, False]],
              promotions=(2,), demotions=(3,))
CHANGES = [Change(2, "promote", "Fast growth"), Change(3, "watch", "New CEO", 6)]


def seed(engine) -> None:
    store.replace_all(engine, {
        Account: [dict(id=1, name="Acme"), dict(id=2, name="Bolt"), dict(id=3, name="Core")],
        Designation: [dict(id=1, account_id=1, is_key=True, changed_on=date(2024, 1, 20)),
                      dict(id=2, account_id=3, is_key=True, changed_on=date(2025, 1, 20))],
    })


def snapshot(engine) -> dict:
    with engine.connect() as conn:
        return {t.__tablename__: sorted(map(tuple, conn.execute(select(t.__table__)).all()),
                                        key=repr)
                for t in (Proposal, ProposalChange, Designation, AuditEntry, Meta)}


def key_list(engine) -> list[str]:
    accounts = store.load_accounts(engine)
    return sorted(accounts.loc[accounts["is_key"], "name"])


def test_a_proposal_is_saved_with_its_snapshot_changes_and_an_audit_entry(engine):
    seed(engine)
    pid = store.create_proposal(engine, LEAD, DRAFT, CHANGES, " Mid-year review ")
    proposals = store.load_proposals(engine)
    assert proposals.loc[pid, ["title", "status", "proposed_by", "promote", "demote",
                               "watch"]].tolist() == ["Mid-year review", "open",
                                                      "lead@x.example", 1, 0, 1]
    assert proposals.loc[pid, "weights"] == {"solvency": 2.0}
    assert store.load_proposal(engine, pid)["ranking"] == DRAFT.ranking
    changes = store.load_proposal_changes(engine, pid)
    assert changes[["account", "kind", "reason"]].values.tolist() == [
        ["Bolt", "promote", "Fast growth"], ["Core", "watch", "New CEO"]]
    assert changes["watch_months"].tolist()[1] == 6
    audit = store.load_audit(engine)
    assert audit[["actor", "action", "entity", "entity_id"]].values.tolist() == [
        ["lead@x.example", "create", "proposal", str(pid)]]
    assert key_list(engine) == ["Acme", "Core"]  # nothing changes before sign-off


def test_approval_writes_the_designations_and_the_key_list_follows(engine):
    seed(engine)
    pid = store.create_proposal(engine, LEAD, DRAFT, CHANGES, "Review")
    version = store.data_version(engine)
    store.decide_proposal(engine, BOSS, pid, True, TODAY, "Agreed", today=TODAY,
                          four_eyes=True)
    assert key_list(engine) == ["Acme", "Bolt", "Core"]  # Core stays key, on watch
    accounts = store.load_accounts(engine).set_index("name")
    assert accounts.loc["Core", "watch_until"].date() == date(2027, 5, 15)
    designations = store.load_designations(engine)
    new = designations[designations["proposal_id"] == pid]
    assert new[["account_id", "is_key", "reason", "changed_by"]].values.tolist() == [
        [2, True, "Fast growth", "boss@x.example"], [3, True, "New CEO", "boss@x.example"]]
    proposal = store.load_proposals(engine).loc[pid]
    assert proposal[["status", "decided_by", "decision_note"]].tolist() == [
        "approved", "boss@x.example", "Agreed"]
    assert proposal["effective_on"].date() == TODAY
    audit = store.load_audit(engine)
    assert sorted(audit["entity"]) == ["designation", "designation", "proposal", "proposal"]
    assert store.data_version(engine) == version + 1


def test_demote_now_takes_the_account_off_the_key_list(engine):
    seed(engine)
    pid = store.create_proposal(engine, LEAD, DRAFT, [
        Change(2, "promote"), Change(3, "demote", "Lost the framework contract")], "Review")
    store.decide_proposal(engine, LEAD, pid, True, TODAY, today=TODAY)
    assert key_list(engine) == ["Acme", "Bolt"]
    history = store.load_designations(engine, 3)
    assert history["is_key"].tolist() == [True, False]
    assert history["reason"].tolist()[-1] == "Lost the framework contract"


def test_rejection_changes_no_designation(engine):
    seed(engine)
    pid = store.create_proposal(engine, LEAD, DRAFT, CHANGES, "Review")
    store.decide_proposal(engine, BOSS, pid, False, TODAY, "Not now", today=TODAY)
    assert key_list(engine) == ["Acme", "Core"]
    assert store.load_proposals(engine).loc[pid, "status"] == "rejected"
    assert len(store.load_designations(engine)) == 2


@pytest.mark.parametrize(("actor", "changes", "title", "error", "message"), [
    (LEAD, [Change(2, "promote"), Change(3, "demote")], "Review", store.DecisionRejected,
     "Core: a demotion needs a reason"),
    (LEAD, [Change(2, "promote"), Change(3, "watch", "New CEO", 0)], "Review",
     store.DecisionRejected, "a watch lasts 1 to 24 whole months"),
    (LEAD, [Change(2, "promote")], "Review", store.DecisionRejected, "Core is not decided"),
    (LEAD, CHANGES, " ", store.DecisionRejected, "Give the proposal a title"),
    (KAM, CHANGES, "Review", Refused, "Only leadership and above can propose"),
])
def test_a_proposal_that_breaks_a_rule_is_refused_and_writes_nothing(
        engine, actor, changes, title, error, message):
    seed(engine)
    before = snapshot(engine)
    with pytest.raises(error, match=message):
        store.create_proposal(engine, actor, DRAFT, changes, title)
    assert snapshot(engine) == before


@pytest.mark.parametrize(("actor", "approve", "effective_on", "four_eyes", "error", "message"), [
    (LEAD, True, TODAY, True, store.DecisionRejected, "Four-eyes rule"),
    (LEAD, False, TODAY, True, store.DecisionRejected, "Four-eyes rule"),
    (KAM, True, TODAY, False, Refused, "Only leadership and above can sign off"),
    (BOSS, True, date(2026, 11, 16), False, store.DecisionRejected, "is in the future"),
    (BOSS, True, date(2025, 1, 1), False, store.DecisionRejected,
     "must not be before 20 Jan 2025, the latest decision on Core"),
])
def test_a_decision_that_breaks_a_rule_is_refused_and_writes_nothing(
        engine, actor, approve, effective_on, four_eyes, error, message):
    seed(engine)
    pid = store.create_proposal(engine, LEAD, DRAFT, CHANGES, "Review")
    before = snapshot(engine)
    with pytest.raises(error, match=message):
        store.decide_proposal(engine, actor, pid, approve, effective_on, today=TODAY,
                              four_eyes=four_eyes)
    assert snapshot(engine) == before


def test_a_decided_proposal_cannot_be_decided_again(engine):
    seed(engine)
    pid = store.create_proposal(engine, LEAD, DRAFT, CHANGES, "Review")
    store.decide_proposal(engine, BOSS, pid, True, TODAY, today=TODAY)
    before = snapshot(engine)
    with pytest.raises(store.DecisionRejected, match="already approved"):
        store.decide_proposal(engine, BOSS, pid, False, TODAY, today=TODAY)
    assert snapshot(engine) == before


def test_a_stored_demotion_without_a_reason_is_refused_at_approval(engine):
    # A row written around the proposal form (e.g. by hand in the database) cannot slip by.
    seed(engine)
    pid = store.create_proposal(engine, LEAD, DRAFT, CHANGES, "Review")
    with engine.begin() as conn:
        conn.execute(ProposalChange.__table__.update().where(
            ProposalChange.account_id == 3).values(kind="demote", reason=None))
    before = snapshot(engine)
    with pytest.raises(store.DecisionRejected, match="Core: a demotion needs a reason"):
        store.decide_proposal(engine, BOSS, pid, True, TODAY, today=TODAY)
    assert snapshot(engine) == before


def test_writes_are_refused_in_read_only_mode(engine, monkeypatch):
    seed(engine)
    pid = store.create_proposal(engine, LEAD, DRAFT, CHANGES, "Review")
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    before = snapshot(engine)
    with pytest.raises(store.ReadOnlyError):
        store.create_proposal(engine, LEAD, DRAFT, CHANGES, "Again")
    with pytest.raises(store.ReadOnlyError):
        store.decide_proposal(engine, BOSS, pid, True, TODAY, today=TODAY)
    assert snapshot(engine) == before


def test_designations_brought_in_whole_are_appended_and_the_key_list_follows(engine):
    seed(engine)
    added = store.record_designations(engine, LEAD, [
        dict(account_id=2, is_key=True, changed_on=TODAY, reason="Framework contract",
             watch_until=None),
        dict(account_id=3, is_key=False, changed_on=TODAY, reason="Volumes moved",
             watch_until=None)], TODAY)
    assert added == 2
    assert key_list(engine) == ["Acme", "Bolt"]
    assert store.load_designations(engine, 3)["changed_by"].tolist()[-1] == "lead@x.example"


@pytest.mark.parametrize(("actor", "row", "error", "message"), [
    (LEAD, dict(account_id=3, is_key=False, changed_on=TODAY, reason=" "),
     store.DecisionRejected, "row 2, Core: a demotion needs a reason"),
    (LEAD, dict(account_id=2, is_key=True, changed_on=date(2026, 11, 16)),
     store.DecisionRejected, "row 2, Bolt: the date must be a day up to today"),
    (LEAD, dict(account_id=2, is_key=False, changed_on=TODAY, watch_until=date(2027, 1, 1)),
     store.DecisionRejected, "a watch belongs to a key account"),
    (LEAD, dict(account_id=9, is_key=True, changed_on=TODAY), store.DecisionRejected,
     "row 2: there is no account with id 9"),
    (KAM, dict(account_id=2, is_key=True, changed_on=TODAY), Refused, "Only leadership"),
])
def test_bad_designations_brought_in_whole_write_nothing(engine, actor, row, error,
                                                         message):
    seed(engine)
    before = snapshot(engine)
    with pytest.raises(error, match=message):
        store.record_designations(engine, actor, [dict(account_id=2, is_key=True,
                                                       changed_on=TODAY), row], TODAY)
    assert snapshot(engine) == before
