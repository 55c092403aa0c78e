"""The programme in the store: the catalogue saved whole (never deleting), agreements saved
all or nothing with audit entries; every refusal writes nothing."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from kamdash import store
from kamdash.identity import Actor, Refused, UserRole
from kamdash.models import Account, AuditEntry, Manager, Meta, ProgrammeAgreement, ProgrammeService

TODAY = date(2026, 11, 15)
LEAD = Actor("lead@x.example", "Lea Lead", UserRole.LEADERSHIP)
KAM = Actor("kim@x.example", "Kim Kam", UserRole.KAM, manager_id=1)


def seed(engine) -> None:
    store.replace_all(engine, {
        Manager: [dict(id=1, name="Kim Kam", email="kim@x.example"),
                  dict(id=2, name="Ola Other", email="ola@x.example")],
        Account: [dict(id=1, name="Acme", manager_id=1), dict(id=2, name="Bolt", manager_id=2)],
        ProgrammeService: [dict(id=1, name="Executive sponsor", description="", active=True),
                           dict(id=2, name="QBR", description="Quarterly", active=True)],
    })


def snapshot(engine) -> dict:
    with engine.connect() as conn:
        return {t.__tablename__: sorted(map(tuple, conn.execute(select(t.__table__)).all()),
                                        key=repr)
                for t in (ProgrammeService, ProgrammeAgreement, AuditEntry, Meta)}


AGREED = {"account_id": 1, "status": "agreed", "agreed_on": date(2026, 3, 1),
          "next_review": date(2027, 3, 1), "services": [2, 1],
          "customer_commits": " A yearly forecast ", "document_url": "https://docs.example/a.pdf"}


def test_an_agreement_is_saved_read_back_and_audited(engine):
    seed(engine)
    assert store.save_agreements(engine, KAM, [AGREED], TODAY) == 1
    row = store.load_agreements(engine).loc[1]
    assert row[["status", "services", "customer_commits", "document_url", "updated_by"]
               ].tolist() == ["agreed", (1, 2), "A yearly forecast",
                              "https://docs.example/a.pdf", "kim@x.example"]
    assert row["agreed_on"] == pd.Timestamp("2026-03-01")
    assert row["updated_on"] == pd.Timestamp(TODAY)
    audit = store.load_audit(engine)
    assert audit[["actor", "action", "entity", "account_id"]].values.tolist() == [
        ["kim@x.example", "create", "programme_agreement", 1]]
    # Saving the same again changes nothing; a new status updates the row.
    assert store.save_agreements(engine, KAM, [AGREED], TODAY) == 0
    assert store.save_agreements(engine, KAM, [{**AGREED, "status": "declined"}], TODAY) == 1
    assert store.load_agreements(engine).loc[1, "status"] == "declined"


@pytest.mark.parametrize(("actor", "rows", "error", "message"), [
    (LEAD, [{**AGREED, "document_url": "javascript:alert(1)"}], store.ProgrammeRejected,
     "Acme: the document link 'javascript:alert\\(1\\)' is not a web address"),
    (LEAD, [{**AGREED, "agreed_on": None}], store.ProgrammeRejected,
     "Acme: an agreed programme needs the date it was agreed"),
    (LEAD, [{**AGREED, "services": [7]}], store.ProgrammeRejected,
     "Acme: unknown service id\\(s\\) 7"),
    (LEAD, [AGREED, {**AGREED, "account_id": 2, "status": "maybe"}], store.ProgrammeRejected,
     "Bolt: 'maybe' is not a programme status"),
    (KAM, [AGREED, {**AGREED, "account_id": 2}], Refused, "Bolt is managed by another KAM"),
])
def test_a_bad_agreement_or_a_missing_right_writes_nothing(engine, actor, rows, error,
                                                          message):
    seed(engine)
    before = snapshot(engine)
    with pytest.raises(error, match=message):
        store.save_agreements(engine, actor, rows, TODAY)
    assert snapshot(engine) == before


def test_the_catalogue_is_updated_and_extended_never_deleted(engine):
    seed(engine)
    edited = pd.DataFrame({"service_id": [1, None], "name": ["Executive sponsor", "Pilots"],
                           "description": ["Twice a year", None], "active": [True, True]})
    assert store.save_services(engine, LEAD, edited) == 2
    services = store.load_services(engine)
    assert services[["name", "description", "active"]].values.tolist() == [
        ["Executive sponsor", "Twice a year", True], ["QBR", "Quarterly", True],
        ["Pilots", "", True]]
    assert sorted(store.load_audit(engine)["action"]) == ["create", "update"]


@pytest.mark.parametrize(("actor", "edited", "error", "message"), [
    (LEAD, {"service_id": [1, None], "name": ["QBR", "qbr"]}, store.ProgrammeRejected,
     "'qbr' is in the catalogue twice"),
    (LEAD, {"service_id": [None], "name": [" "]}, store.ProgrammeRejected,
     "row 1: give the service a name"),
    (LEAD, {"service_id": [9], "name": ["Ghost"]}, store.ProgrammeRejected,
     "row 1: service 9 is no longer in the catalogue"),
    (KAM, {"service_id": [None], "name": ["Pilots"]}, Refused,
     "Only leadership and above can edit the key-account programme"),
])
def test_a_bad_catalogue_or_a_missing_right_writes_nothing(engine, actor, edited, error,
                                                          message):
    seed(engine)
    before = snapshot(engine)
    frame = pd.DataFrame(edited).assign(description="", active=True)
    with pytest.raises(error, match=message):
        store.save_services(engine, actor, frame)
    assert snapshot(engine) == before
