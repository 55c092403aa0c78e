"""AppTest of the decision flow: propose on Selection (a demotion without a reason is
refused, nothing written), sign off on Decisions (the key list changes), four-eyes, and the
programme on the Account and Portfolio pages."""

from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from kamdash import db, demo, store
from kamdash.models import Designation, Proposal

PAGES = Path(__file__).parents[2] / "pages"


def run(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{page}.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def count(url: str, table) -> int:
    with db.make_engine(url).connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def key_list(url: str) -> set[str]:
    accounts = store.load_accounts(db.make_engine(url))
    return set(accounts.loc[accounts["is_key"], "name"])


def ids(url: str) -> dict[str, int]:
    accounts = store.load_accounts(db.make_engine(url))
    return dict(zip(accounts["name"], accounts.index, strict=True))


def frame_with(at: AppTest, *columns: str):
    """The first table on the page with all these columns (AppTest does not expose keys)."""
    return next(f.value for f in at.dataframe if set(columns) <= set(f.value.columns))


def unescaped(text: str) -> str:
    return text.replace("\\", "")


def propose(url: str) -> AppTest:
    at = run("selection")
    at.button(key="decisions_propose").click().run()
    assert not at.exception
    return at


def submit(at: AppTest) -> AppTest:
    return at.button(key="FormSubmitter:decisions_propose_form-Submit for sign-off").click().run()


def test_a_demotion_without_a_reason_is_refused_and_nothing_is_proposed(writable_demo_db):
    before = count(writable_demo_db, Proposal)
    at = submit(propose(writable_demo_db))
    assert not at.exception
    assert unescaped(at.error[0].value) == (
        f"Nothing was proposed:\n\n- {demo.STORY_DEMOTION}: a demotion needs a reason (the "
        "account team will be asked why, and so will the customer).")
    assert count(writable_demo_db, Proposal) == before


@pytest.mark.parametrize("choice", ["demote", "watch"])
def test_propose_then_approve_changes_the_key_list(writable_demo_db, choice):
    castellan = ids(writable_demo_db)[demo.STORY_DEMOTION]
    rising = ids(writable_demo_db)[demo.STORY_RISING]
    at = propose(writable_demo_db)
    assert [r.label for r in at.radio][0] == demo.STORY_DEMOTION
    at.radio(key=f"decisions_kind_{castellan}").set_value(choice)
    at.number_input(key=f"decisions_months_{castellan}").set_value(3)
    at.text_input(key=f"decisions_reason_{castellan}").input("New CEO, orders slipping")
    at.text_input(key=f"decisions_note_{rising}").input("Growing fast")
    at = submit(at)
    assert not at.exception and not at.error
    assert "is waiting for sign-off on the Decisions page" in at.success[0].value
    assert demo.STORY_RISING not in key_list(writable_demo_db)  # not before sign-off

    page = run("decisions")
    proposal_id = page.selectbox(key="decisions_pick").value
    assert store.load_proposals(db.make_engine(writable_demo_db)).loc[
        proposal_id, "proposed_by"] == "local"
    page.button(key=f"FormSubmitter:decisions_decide_{proposal_id}-Approve").click().run()
    assert not page.exception and not page.error
    assert page.success[0].value.startswith(f"Proposal {proposal_id} approved")
    keys = key_list(writable_demo_db)
    assert demo.STORY_RISING in keys
    assert (demo.STORY_DEMOTION in keys) == (choice == "watch")
    history = store.load_designations(db.make_engine(writable_demo_db), castellan)
    assert history["reason"].iloc[-1] == "New CEO, orders slipping"
    assert history["proposal_id"].iloc[-1] == proposal_id
    assert history["watch_until"].notna().iloc[-1] == (choice == "watch")


def test_cancel_drops_the_draft(writable_demo_db):
    at = propose(writable_demo_db)
    at.button(key="decisions_cancel").click().run()
    assert at.button(key="decisions_propose")
    assert not [t for t in at.text_input if t.key == "decisions_title"]


def test_the_open_demo_proposal_can_be_rejected_and_nothing_changes(writable_demo_db):
    before, designations = key_list(writable_demo_db), count(writable_demo_db, Designation)
    page = run("decisions")
    proposal_id = page.selectbox(key="decisions_pick").value
    assert "Waiting for sign-off" in page.selectbox(key="decisions_pick").format_func(
        proposal_id)
    page.button(key=f"FormSubmitter:decisions_decide_{proposal_id}-Reject").click().run()
    assert page.success[0].value == f"Proposal {proposal_id} rejected; nothing changed."
    assert key_list(writable_demo_db) == before
    assert count(writable_demo_db, Designation) == designations


def test_four_eyes_keeps_the_proposer_from_signing_off(writable_demo_db, monkeypatch):
    castellan = ids(writable_demo_db)[demo.STORY_DEMOTION]
    at = propose(writable_demo_db)
    at.text_input(key=f"decisions_reason_{castellan}").input("Lost volumes")
    submit(at)
    monkeypatch.setenv("KAMDASH_FOUR_EYES", "1")
    page = run("decisions")
    proposal_id = page.selectbox(key="decisions_pick").value
    assert store.load_proposals(db.make_engine(writable_demo_db)).loc[
        proposal_id, "proposed_by"] == "local"
    assert "Four-eyes rule" in page.info[0].value
    assert not [b for b in page.button if "decisions_decide" in str(b.key)]


def test_the_decisions_page_lists_the_demo_decisions(demo_db):
    page = run("decisions")
    assert not page.exception
    table = page.dataframe[0].value
    assert set(table["status"]) == {"Waiting for sign-off", "Approved"}
    assert (table["status"] == "Waiting for sign-off").sum() == 1
    assert page.subheader[0].value.startswith("Proposal ")


def test_the_account_tab_shows_designations_programme_and_why_it_ranks(demo_db):
    helios = ids(demo_db)[demo.STORY_DECLINING]
    at = run("account", account=str(helios))
    assert not at.exception
    history = frame_with(at, "changed_on", "status", "proposal")
    assert history["status"].tolist()[0] == "Key account"
    assert [m.value for m in at.metric if m.label == "Programme"] == ["Agreed"]
    assert [m.label for m in at.metric][-2:] == ["Rank", "Score"]
    assert not frame_with(at, "label", "value", "change").empty


def test_the_programme_status_is_saved_from_the_account_page(writable_demo_db):
    helios = ids(writable_demo_db)[demo.STORY_DECLINING]
    at = run("account", account=str(helios))
    at.text_input(key=f"programme_url_{helios}").input("javascript:alert(1)")
    at.button(key=f"FormSubmitter:programme_form_{helios}-Save programme status").click().run()
    assert any("is not a web address" in unescaped(e.value) for e in at.error)
    assert store.load_agreements(db.make_engine(writable_demo_db)).loc[
        helios, "document_url"].startswith("https://")
    at.text_input(key=f"programme_url_{helios}").input("https://docs.example/new.pdf")
    at.selectbox(key=f"programme_status_{helios}").set_value("declined")
    at.button(key=f"FormSubmitter:programme_form_{helios}-Save programme status").click().run()
    # (the Plan tab's overdue actions are an error-styled notice too; none is the programme's)
    assert not [e for e in at.error if "web address" in e.value or "saved" in e.value.lower()]
    saved = store.load_agreements(db.make_engine(writable_demo_db)).loc[helios]
    assert (saved["status"], saved["document_url"]) == ("declined",
                                                        "https://docs.example/new.pdf")


def test_the_portfolio_counts_agreements_and_flags_the_never_offered(demo_db):
    at = run("portfolio")
    assert not at.exception
    engine = db.make_engine(demo_db)
    agreements = store.load_agreements(engine)
    accounts = store.load_accounts(engine)
    key = accounts.index[accounts["is_key"]]
    agreed = int((agreements["status"].reindex(key) == "agreed").sum())
    assert [m.value for m in at.metric if m.label == "Agreed"] == [f"{agreed} of {len(key)}"]
    never = agreements["status"].reindex(key).fillna("not_offered") == "not_offered"
    assert never.any()  # the demo has key accounts that were never offered the programme
    shown = next(f.value for f in at.dataframe  # the flagged list: account and manager only
                 if set(f.value.columns) == {"name", "manager", "account"})
    assert sorted(shown["name"]) == sorted(accounts.loc[never[never].index, "name"])
    due = frame_with(at, "next_review", "overdue")
    assert demo.STORY_DECLINING in set(due["name"])


def test_proposals_name_who_proposed_and_decided_not_their_e_mail(demo_db):
    at = run("decisions")
    assert not at.exception
    users = store.load_users(db.make_engine(demo_db)).set_index("email")["name"]
    proposals = store.load_proposals(db.make_engine(demo_db))
    shown = frame_with(at, "proposed_by", "decided_by")
    decided = proposals["decided_by"].dropna()
    assert len(decided) and decided.isin(users.index).all()  # the demo's are users
    assert sorted(shown["decided_by"].dropna()) == sorted(users.loc[decided])
    assert not shown["proposed_by"].str.contains("@").any()
