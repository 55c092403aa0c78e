"""The coverage engine on small hand-built portfolios with known answers."""

from datetime import date, timedelta

import pandas as pd
import pytest

from kamdash import coverage

AS_OF = date(2026, 6, 30)
ALL_FIVE = "buyer;user;decision_maker;influencer;ambassador"


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


def people(*rows) -> pd.DataFrame:
    """(stakeholder_id, account_id, name, roles, stance, department, active, influence)"""
    cols = ["stakeholder_id", "account_id", "name", "roles", "stance", "department", "active",
            "influence"]
    full = [(*r, *((None, True, "medium")[len(r) - 5:])) for r in rows]
    return pd.DataFrame(full, columns=cols)


def touches(*rows) -> pd.DataFrame:
    """(account_id, stakeholder_id or None, days ago)"""
    return pd.DataFrame(
        [(a, s, ago(d)) for a, s, d in rows], columns=["account_id", "stakeholder_id", "date"]
    ).astype({"stakeholder_id": "Int64"})


# 1 Alpha: every role covered by three people, all met lately.
# 2 Bravo: one person holds all five roles and gets every recent touch (single-threaded).
# 3 Charlie: stale only: the decision maker/buyer met 200 days ago, the user never.
# 5 Echo: hostile decision maker and buyer; the hostile influencer is not flagged.
# 6 Foxtrot: only a person who has left.
# (4 Delta has no stakeholders at all: it only comes in through ``accounts``.)
PEOPLE = people(
    (11, 1, "Ann", "decision_maker", 1, "Executive Board"),
    (12, 1, "Ben", "buyer", 0, "Procurement"),
    (13, 1, "Cai", "influencer;user;ambassador", 2, "Operations"),
    (21, 2, "Pia", ALL_FIVE, 1, "Finance"),
    (31, 3, "Xavi", "decision_maker;buyer", 0, "Finance"),
    (32, 3, "Yara", "user", 1, "Logistics"),
    (33, 3, "Zed", "influencer", 2, "R&D", False),
    (51, 5, "Eve", "decision_maker", -2, "Executive Board"),
    (52, 5, "Finn", "buyer", -1, "Procurement"),
    (53, 5, "Gus", "influencer", -2, "IT"),
    (54, 5, "Hal", "user;ambassador", 2, "Quality"),
    (61, 6, "Old", "decision_maker", 1, "Board", False),
)
TOUCHES = touches(
    (1, 11, 10), (1, 12, 40), (1, 13, 5), (1, 13, 60),
    (2, 21, 1), (2, 21, 20), (2, 21, 30), (2, None, 2), (2, 21, 400),
    (3, 31, 200), (3, 33, 20),
    (5, 51, 3), (5, 52, 3), (5, 53, 3), (5, 54, 3),
    (1, 11, -5),  # after AS_OF: ignored
)
ACCOUNTS = [1, 2, 3, 4, 5, 6]


def contacts():
    return coverage.contact_summary(TOUCHES, AS_OF)


def report():
    return coverage.analyse(PEOPLE, contacts(), AS_OF, accounts=ACCOUNTS)


# --- contact facts -------------------------------------------------------------------------


def test_contact_summary_gives_last_contact_and_recent_count_per_person_up_to_as_of():
    got = coverage.contact_summary(TOUCHES[TOUCHES["account_id"].isin([1, 2])], AS_OF)
    expected = pd.DataFrame({
        "account_id": [1, 1, 1, 2, 2],
        "stakeholder_id": pd.array([11, 12, 13, 21, None], dtype="Int64"),
        "last_contact": pd.to_datetime([ago(10), ago(40), ago(5), ago(1), ago(2)]).astype(
            "datetime64[ns]"),
        "recent_engagements": [1, 1, 2, 3, 1],
        "as_of": pd.to_datetime([AS_OF] * 5).astype("datetime64[ns]"),
        "recent_days": [90] * 5,
    })
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected)


# --- the stale window is one parameter -------------------------------------------------------

# Ann carried the last three touches (5-7 days ago); Ben was met 60 days ago.
CREW = people((1, 1, "Ann", "buyer", 1), (2, 1, "Ben", "decision_maker", 0))
CREW_TOUCHES = touches((1, 1, 5), (1, 1, 6), (1, 1, 7), (1, 2, 60))


def test_single_threaded_is_judged_on_the_stale_days_analyse_is_given():
    month = coverage.analyse(CREW, CREW_TOUCHES, AS_OF, stale_days=30)
    quarter = coverage.analyse(CREW, CREW_TOUCHES, AS_OF, stale_days=90)
    assert month.accounts.loc[1, ["single_threaded", "recent_engagements", "people_met"]
                              ].tolist() == [True, 3, 1]
    assert quarter.accounts.loc[1, ["single_threaded", "recent_engagements", "people_met"]
                                ].tolist() == [False, 4, 2]
    assert month.gaps.iloc[0][["kind", "next_step"]].tolist() == [
        "single_threaded",
        "All 3 contacts in the last 30 days were with Ann. Ask them to bring a colleague into "
        "the next meeting, or call Ben (decision maker) directly."]
    assert "single_threaded" not in set(quarter.gaps["kind"])
    # The same window decides what is stale: Ben (60 days) is stale on 30 days, not on 90.
    assert month.accounts.loc[1, "stale_roles"] == "Decision maker"
    assert quarter.accounts.loc[1, "stale_roles"] == ""


@pytest.mark.parametrize("days", [30, 90])
def test_a_contact_summary_over_the_same_window_gives_the_same_answer_as_raw_engagements(days):
    summary = coverage.contact_summary(CREW_TOUCHES, AS_OF, recent_days=days)
    from_summary = coverage.analyse(CREW, summary, AS_OF, stale_days=days)
    from_raw = coverage.analyse(CREW, CREW_TOUCHES, AS_OF, stale_days=days)
    pd.testing.assert_frame_equal(from_summary.accounts, from_raw.accounts)
    pd.testing.assert_frame_equal(from_summary.gaps, from_raw.gaps)


def test_contact_months_count_each_month_as_its_engagements():
    # The store's contact months: one row per person and month, with the month's count.
    months = pd.DataFrame({"account_id": [1, 1], "stakeholder_id": pd.array([7, 7], "Int64"),
                           "date": [ago(5), ago(200)], "engagements": [4, 9]})
    got = coverage.contact_summary(months, AS_OF)
    assert got[["last_contact", "recent_engagements"]].values.tolist() == [
        [pd.Timestamp(ago(5)), 4]]
    assert coverage.threads(got)["single_threaded"].tolist() == [True]


def test_contacts_counted_over_another_window_are_refused_not_misread():
    quarter = coverage.contact_summary(CREW_TOUCHES, AS_OF, recent_days=90)
    with pytest.raises(ValueError, match=(
            r"over the 90 days up to 2026-06-30, but this analysis judges the 30 days up to "
            r"2026-06-30")):
        coverage.analyse(CREW, quarter, AS_OF, stale_days=30)
    with pytest.raises(ValueError, match=r"the 90 days up to 2026-07-01"):
        coverage.analyse(CREW, quarter, date(2026, 7, 1))


def test_contacts_that_do_not_say_their_window_are_refused():
    bare = coverage.contact_summary(CREW_TOUCHES, AS_OF).drop(columns=["as_of", "recent_days"])
    with pytest.raises(ValueError, match="do not say over which window"):
        coverage.analyse(CREW, bare, AS_OF)


def test_the_stale_threshold_is_written_down_once():
    """90 days lives in ``STALE_DAYS`` only: no other default, query or text restates it."""
    import re
    from pathlib import Path

    root = Path(__file__).parents[2]
    files = ["kamdash/coverage.py", "kamdash/charts/coverage.py",
             "kamdash/store/stakeholders.py", "kamdash/ui/stakeholder_editor.py",
             "pages/coverage.py", "pages/account.py", "kamdash/health.py", "kamdash/ui/data.py"]
    found = [f"{name}:{n}: {line.strip()}" for name in files
             for n, line in enumerate((root / name).read_text().splitlines(), start=1)
             if re.search(r"\b90\b", line) and not line.startswith("STALE_DAYS = 90")
             and not line.lstrip().startswith("#")]
    assert found == []


# --- texts follow the constants --------------------------------------------------------------


def test_the_score_explained_in_words_follows_weights_credit_and_threshold(monkeypatch):
    assert coverage.score_help() == (
        "Points for each buying role we know someone in: decision maker 30, buyer 30, "
        "influencer 15, user 15, ambassador 10 (100 in all). A role with no contact for over "
        "90 days earns half of its points.")
    monkeypatch.setattr(coverage, "STALE_CREDIT", 0.25)
    monkeypatch.setattr(coverage, "STALE_DAYS", 60)
    monkeypatch.setitem(coverage.ROLE_WEIGHTS, "ambassador", 20.0)  # now 110 in all
    assert coverage.score_help() == (
        "Points for each buying role we know someone in: decision maker 27.3, buyer 27.3, "
        "influencer 13.6, user 13.6, ambassador 18.2 (100 in all). A role with no contact for "
        "over 60 days earns a quarter of its points.")
    monkeypatch.setattr(coverage, "STALE_CREDIT", 0.4)
    assert coverage.score_help(30).endswith("over 30 days earns 40% of its points.")


def test_the_severities_explained_in_words_follow_the_gap_urgency(monkeypatch):
    assert coverage.severity_help() == (
        "How urgent the gap is, 0-100: single-threaded 100; for a decision maker or buyer: "
        "nobody known 90, against us 80, gone quiet 50; other roles less, by their weight. "
        "High from 75, Medium from 40, Low below.")
    monkeypatch.setitem(coverage.GAP_URGENCY, "missing", 0.7)
    monkeypatch.setitem(coverage.GAP_URGENCY, "stale", 0.35)
    monkeypatch.setattr(coverage, "PRIORITY_HIGH_FROM", 80)
    assert coverage.severity_help() == (
        "How urgent the gap is, 0-100: single-threaded 100; for a decision maker or buyer: "
        "nobody known 70, against us 80, gone quiet 35; other roles less, by their weight. "
        "High from 80, Medium from 40, Low below.")
    # ...and the gaps themselves use the same numbers.
    gaps = coverage.analyse(PEOPLE, contacts(), AS_OF, accounts=ACCOUNTS).gaps
    assert gaps.query("account_id == 4 and role == 'buyer'")["severity"].tolist() == [70]
    assert gaps.query("account_id == 3 and role == 'buyer'")["severity"].tolist() == [35]
    assert coverage.priority(pd.Series([79, 80])).tolist() == ["Medium", "High"]


def test_the_thresholds_explained_in_words_follow_the_stale_days(monkeypatch):
    assert coverage.stale_help() == (
        "A role goes quiet after 90 days without contact; contact within 30 days counts as "
        "fresh.")
    assert coverage.single_threaded_help() == (
        "All contacts in the last 90 days (3 or more) were with one person: if they leave, we "
        "lose the account's ear.")
    monkeypatch.setattr(coverage, "STALE_DAYS", 45)
    monkeypatch.setattr(coverage, "SINGLE_THREAD_MIN_TOUCHES", 4)
    assert coverage.stale_help() == (
        "A role goes quiet after 45 days without contact; contact within 15 days counts as "
        "fresh.")
    assert coverage.single_threaded_help().startswith(
        "All contacts in the last 45 days (4 or more) were with one person")


def test_who_to_add_first_names_the_roles_that_weigh_most(monkeypatch):
    assert coverage.first_people_to_add().startswith(
        "Start with the people who decide: the decision maker and buyer.")
    monkeypatch.setitem(coverage.ROLE_WEIGHTS, "buyer", 20.0)
    assert coverage.first_people_to_add().startswith(
        "Start with the people who decide: the decision maker.")


# --- the score -----------------------------------------------------------------------------


def test_coverage_score_weighs_roles_and_halves_stale_ones():
    got = coverage.analyse(PEOPLE, TOUCHES, AS_OF).accounts["coverage_score"]
    # Charlie: decision maker 30 and buyer 30 stale (half), user 15 never met (half), the
    # influencer has left, no ambassador: 15 + 15 + 7.5. Foxtrot: nobody active -> 0.
    expected = pd.Series([100.0, 100.0, 37.5, 100.0, 0.0],
                         index=pd.Index([1, 2, 3, 5, 6], name="account_id"),
                         name="coverage_score")
    pd.testing.assert_series_equal(got, expected)


def test_role_weights_sum_to_100_with_decision_maker_and_buyer_weighing_most():
    weights = coverage.ROLE_WEIGHTS
    assert sum(weights.values()) == 100
    assert weights["decision_maker"] == weights["buyer"] == max(weights.values())


def test_a_longer_stale_threshold_makes_old_contacts_count_fully():
    got = coverage.analyse(PEOPLE[PEOPLE["account_id"] == 3], TOUCHES, AS_OF,
                           stale_days=365).accounts["coverage_score"]
    assert got.to_dict() == {3: 30 + 30 + 7.5}  # the user was never met: still stale


def test_an_account_with_no_stakeholders_scores_zero_and_misses_every_role():
    r = report()
    assert r.accounts.loc[4, "coverage_score"] == 0.0
    assert r.accounts.loc[4, "missing_roles"] == (
        "Decision maker, Buyer, Influencer, User, Ambassador")
    assert r.roles.query("account_id == 4")["covered"].tolist() == [False] * 5


def test_empty_inputs_give_an_empty_score():
    got = coverage.analyse(PEOPLE.iloc[:0], TOUCHES.iloc[:0], AS_OF).accounts["coverage_score"]
    assert got.empty and got.name == "coverage_score"


# --- per role --------------------------------------------------------------------------------


def test_one_stakeholder_with_all_five_roles_covers_every_role():
    roles = report().roles.query("account_id == 2").set_index("role")
    assert roles["covered"].all()
    assert roles["covered_by"].tolist() == ["Pia"] * 5
    assert roles["days_since_contact"].tolist() == [1.0] * 5
    assert roles["freshness"].tolist() == ["fresh"] * 5


def test_role_coverage_lists_holders_freshest_first_with_days_since_last_contact():
    roles = report().roles.query("account_id == 3").set_index("role")
    assert roles.loc[["decision_maker", "buyer", "influencer", "user", "ambassador"],
                     "covered_by"].tolist() == ["Xavi", "Xavi", "", "Yara", ""]
    days = roles["days_since_contact"]
    assert days["decision_maker"] == 200 and pd.isna(days["user"]) and pd.isna(days["influencer"])
    assert roles["freshness"].to_dict() == {
        "decision_maker": "stale", "buyer": "stale", "influencer": "missing", "user": "stale",
        "ambassador": "missing"}


def test_a_missing_or_blank_name_falls_back_to_the_stakeholder_id():
    crew = people((1, 1, "Ann", "buyer", -1), (2, 1, None, "buyer", -2),
                  (3, 1, "  ", "user", 0))
    met = coverage.contact_summary(touches((1, 1, 3), (1, 2, 2), (1, 3, 1)), AS_OF)
    roles = coverage.role_coverage(crew, met, AS_OF).set_index("role")
    assert roles.loc["buyer", "covered_by"] == "Stakeholder 2, Ann"
    assert roles.loc["buyer", "hostile_people"] == (
        "Stakeholder 2 (enemy), Ann (non-supporter)")
    assert roles.loc["user", "covered_by"] == "Stakeholder 3"
    nameless = coverage.role_coverage(crew.drop(columns=["name"]), met, AS_OF)
    assert nameless.set_index("role").loc["buyer", "covered_by"] == (
        "Stakeholder 2, Stakeholder 1")


def test_an_unknown_role_key_is_an_error_naming_it_not_a_silent_drop():
    crew = people((1, 1, "Ann", "buyer;Champion", 0), (2, 1, "Ben", "decision_maker", 0))
    met = coverage.contact_summary(touches((1, 1, 3)), AS_OF)
    with pytest.raises(ValueError, match=r"^'Champion' is not a role key \(stakeholder 'Ann'\)"):
        coverage.role_coverage(crew, met, AS_OF)
    with pytest.raises(ValueError, match="'Champion'"):
        coverage.analyse(crew, met, AS_OF)


def test_people_who_left_cover_nothing():
    roles = report().roles.query("account_id == 6")
    assert not roles["covered"].any()


def test_stale_means_no_contact_for_more_than_stale_days():
    few = people((1, 1, "Ann", "decision_maker", 0), (2, 1, "Ben", "buyer", 0))
    met = coverage.contact_summary(touches((1, 1, 90), (1, 2, 91)), AS_OF)
    roles = coverage.role_coverage(few, met, AS_OF).set_index("role")
    assert roles.loc["decision_maker", "stale"] == False  # noqa: E712 - numpy bool
    assert roles.loc["buyer", "stale"] == True  # noqa: E712
    roles = coverage.role_coverage(few, met, AS_OF, stale_days=30).set_index("role")
    assert roles.loc[["decision_maker", "buyer"], "stale"].tolist() == [True, True]


def test_freshness_bands_are_fresh_within_a_third_of_stale_days_then_going_cold():
    few = people((1, 1, "Ann", "decision_maker", 0), (2, 1, "Ben", "buyer", 0),
                 (3, 1, "Cy", "user", 0))
    met = coverage.contact_summary(touches((1, 1, 30), (1, 2, 31), (1, 3, 95)), AS_OF)
    roles = coverage.role_coverage(few, met, AS_OF).set_index("role")
    assert roles["freshness"].to_dict() == {
        "decision_maker": "fresh", "buyer": "cooling", "influencer": "missing",
        "user": "stale", "ambassador": "missing"}


def test_a_hostile_decision_maker_or_buyer_is_flagged_but_not_a_hostile_influencer():
    roles = report().roles.query("account_id == 5").set_index("role")
    assert roles["hostile"].to_dict() == {
        "decision_maker": True, "buyer": True, "influencer": False, "user": False,
        "ambassador": False}
    assert roles.loc["decision_maker", "hostile_people"] == "Eve (enemy)"
    assert roles.loc["buyer", "hostile_people"] == "Finn (non-supporter)"


# --- per account -----------------------------------------------------------------------------


def test_single_threaded_when_one_named_person_carries_every_recent_touch():
    got = coverage.threads(contacts(), ACCOUNTS)
    assert got["single_threaded"].to_dict() == {
        1: False, 2: True, 3: False, 4: False, 5: False, 6: False}
    assert got.loc[2, ["recent_engagements", "people_met", "thread_id"]].tolist() == [3, 1, 21]
    # Charlie's only recent touch was with someone who has left; one touch says little.
    assert got.loc[3, ["recent_engagements", "people_met"]].tolist() == [1, 1]


def test_two_recent_touches_with_one_person_are_too_few_to_call_single_threaded():
    met = coverage.contact_summary(touches((1, 1, 5), (1, 1, 6)), AS_OF)
    assert coverage.threads(met)["single_threaded"].tolist() == [False]
    assert coverage.threads(met, min_touches=2)["single_threaded"].tolist() == [True]


def test_touches_outside_the_recent_window_do_not_thread_an_account():
    met = coverage.contact_summary(touches((1, 1, 5), (1, 1, 6), (1, 1, 7), (1, 2, 100)),
                                   AS_OF)
    assert coverage.threads(met)["single_threaded"].tolist() == [True]
    met = coverage.contact_summary(touches((1, 1, 5), (1, 1, 6), (1, 1, 7), (1, 2, 80)),
                                   AS_OF)
    assert coverage.threads(met)["single_threaded"].tolist() == [False]


def test_account_summary_lists_the_flagged_roles_by_name():
    summary = report().accounts
    assert summary.loc[3, ["coverage_score", "roles_covered", "missing_roles", "stale_roles",
                           "hostile_roles", "single_threaded"]].tolist() == [
        37.5, 3, "Influencer, Ambassador", "Decision maker, Buyer, User", "", False]
    assert summary.loc[5, "hostile_roles"] == "Decision maker, Buyer"
    assert summary.loc[2, "single_threaded"] == True  # noqa: E712
    assert summary.index.tolist() == ACCOUNTS


# --- gaps --------------------------------------------------------------------------------


def test_gaps_come_most_severe_first_with_single_threaded_on_top():
    gaps = report().gaps
    got = list(gaps[["account_id", "kind", "role", "severity"]].itertuples(index=False,
                                                                           name=None))
    missing = [(4, "missing", r, s) for r, s in (("decision_maker", 90), ("buyer", 90))]
    assert got == [
        (2, "single_threaded", None, 100),
        *missing,
        (6, "missing", "decision_maker", 90), (6, "missing", "buyer", 90),
        (5, "hostile", "decision_maker", 80), (5, "hostile", "buyer", 80),
        (3, "stale", "decision_maker", 50), (3, "stale", "buyer", 50),
        (3, "missing", "influencer", 45),
        (4, "missing", "influencer", 45), (4, "missing", "user", 45),
        (6, "missing", "influencer", 45), (6, "missing", "user", 45),
        (3, "missing", "ambassador", 30), (4, "missing", "ambassador", 30),
        (6, "missing", "ambassador", 30),
        (3, "stale", "user", 25),
    ]


def gap(account_id, kind, role=None):
    gaps = report().gaps
    row = gaps[(gaps["account_id"] == account_id) & (gaps["kind"] == kind)
               & ((gaps["role"] == role) if role else gaps["role"].isna())]
    assert len(row) == 1
    return row.iloc[0][["gap", "who", "next_step"]].tolist()


@pytest.mark.parametrize(("account_id", "kind", "role", "expected"), [
    (2, "single_threaded", None, [
        "Single-threaded", "Pia",
        "All 3 contacts in the last 90 days were with Pia. Ask them to bring a colleague."]),
    (3, "missing", "ambassador", [
        "No ambassador", "",
        "Who in Logistics already likes us? Yara (supporter) could be one: ask them to speak up "
        "for us."]),
    (3, "missing", "influencer", [
        "No influencer", "",
        "Who shapes the requirements (engineering, quality, IT)? Ask Yara who was involved in "
        "the last decision."]),
    (3, "stale", "decision_maker", [
        "Decision maker gone quiet", "Xavi",
        "No contact with Xavi for 200 days: book a meeting or a call."]),
    (3, "stale", "user", [
        "User gone quiet", "Yara", "No contact with Yara on record: book a meeting or a call."]),
    (5, "hostile", "decision_maker", [
        "Decision maker against us", "Eve (enemy)",
        "Eve (enemy) is against us. Find out what went wrong, and ask Hal how to win them over."]),
    (5, "hostile", "buyer", [
        "Buyer against us", "Finn (non-supporter)",
        "Finn (non-supporter) is against us. Find out what went wrong, and ask Hal how to win "
        "them over."]),
    (4, "missing", "decision_maker", [
        "No decision maker", "",
        "Find out who makes the final call, usually at the executive board."]),
    (4, "missing", "ambassador", [
        "No ambassador", "",
        "Nobody is a supporter yet: who already likes working with us? Start with the users."]),
])
def test_each_gap_says_in_plain_words_what_to_do_next(account_id, kind, role, expected):
    assert gap(account_id, kind, role) == expected


def test_the_wording_table_words_every_kind_of_gap_for_every_role_with_and_without_an_ally():
    table = coverage._wording_table()
    keys = set(zip(table["kind"], table["role"], table["with_ally"], strict=True))
    roles = [*coverage.ROLES]
    expected = {(k, r, a) for k in ("missing", "stale", "hostile") for r in roles
                for a in (True, False)} | {("single_threaded", "", a) for a in (True, False)}
    assert keys == expected
    assert len(table) == len(expected)  # one wording per key, no doubles


def test_editing_the_wording_table_changes_the_text_and_nothing_else(monkeypatch):
    before = report().gaps
    wording = tuple(
        (k, r, a, g, "Call {covered_by} today." if k == "stale" else s)
        for k, r, a, g, s in coverage.GAP_WORDING)
    monkeypatch.setattr(coverage, "GAP_WORDING", wording)
    after = report().gaps
    stale = after["kind"] == "stale"
    assert after.loc[stale, "next_step"].tolist() == ["Call Xavi today.", "Call Xavi today.",
                                                      "Call Yara today."]
    pd.testing.assert_frame_equal(after[~stale], before[~stale])


def test_a_single_thread_gap_names_who_else_to_call():
    crew = people((1, 1, "Ann", "buyer", 1), (2, 1, "Ben", "decision_maker", 0),
                  (3, 1, "Cy", "user", 0))
    met = coverage.contact_summary(touches((1, 1, 5), (1, 1, 6), (1, 1, 7)), AS_OF)
    r = coverage.analyse(crew, met, AS_OF)
    assert r.gaps.iloc[0][["kind", "next_step"]].tolist() == [
        "single_threaded",
        "All 3 contacts in the last 90 days were with Ann. Ask them to bring a colleague into "
        "the next meeting, or call Ben (decision maker) directly."]


def test_a_fully_covered_fresh_account_has_no_gaps():
    assert report().gaps.query("account_id == 1").empty


def test_worst_gaps_put_key_accounts_and_then_bigger_revenue_first_among_equals():
    accounts = pd.DataFrame(
        {"name": ["Delta", "Foxtrot", "Charlie"], "is_key": [False, True, True],
         "manager": ["M", "M", "M"], "industry": ["x", "y", "z"],
         "annual_revenue": [9e6, 1e5, 2e5]},
        index=pd.Index([4, 6, 3], name="account_id"))
    table = coverage.worst_gaps(report().gaps, accounts)
    assert table[["name", "role", "severity", "priority"]].head(6).values.tolist() == [
        ["Foxtrot", "decision_maker", 90, "High"], ["Foxtrot", "buyer", 90, "High"],
        ["Delta", "decision_maker", 90, "High"], ["Delta", "buyer", 90, "High"],
        ["Charlie", "decision_maker", 50, "Medium"], ["Charlie", "buyer", 50, "Medium"],
    ]
    assert set(table["account_id"]) == {3, 4, 6}  # others are not in ``accounts``


@pytest.mark.parametrize(("severity", "word"), [(100, "High"), (75, "High"), (74, "Medium"),
                                                (40, "Medium"), (39, "Low"), (0, "Low")])
def test_priority_words(severity, word):
    assert coverage.priority(pd.Series([severity])).tolist() == [word]


# --- the matrix ------------------------------------------------------------------------------


def test_role_matrix_shows_roles_by_people_with_status_and_last_contact():
    r = report()
    got = coverage.role_matrix(PEOPLE[PEOPLE["account_id"] == 3],
                               r.roles.query("account_id == 3"))
    expected = pd.DataFrame({
        "role": ["Decision maker", "Buyer", "Influencer", "User", "Ambassador"],
        "status": ["Gone quiet", "Gone quiet", "Missing", "Gone quiet", "Missing"],
        "covered_by": ["Xavi", "Xavi", "", "Yara", ""],
        "last_contact": ["200 days ago", "200 days ago", "", "never", ""],
        "Xavi": [True, True, False, False, False],
        "Yara": [False, False, False, True, False],
    })
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.parametrize(("stance", "met_days_ago", "status"), [
    (-1, 0, "Non-supporter"),
    (-2, 0, "Enemy"),
    (-1, 120, "Non-supporter, gone quiet"),
    (-2, 120, "Enemy, gone quiet"),
    (0, 120, "Gone quiet"),
    (0, 0, "Covered"),
])
def test_a_role_against_us_is_labelled_by_its_stance_word(stance, met_days_ago, status):
    crew = people((1, 1, "Al", "decision_maker", stance))
    met = coverage.contact_summary(touches((1, 1, met_days_ago)), AS_OF)
    got = coverage.role_matrix(crew, coverage.role_coverage(crew, met, AS_OF))
    assert got["status"].iloc[0] == status


def test_roles_in_contact_count_only_the_roles_not_gone_quiet():
    summary = report().accounts
    assert summary["roles_covered"].to_dict() == {1: 5, 2: 5, 3: 3, 4: 0, 5: 5, 6: 0}
    assert summary["roles_in_contact"].to_dict() == {1: 5, 2: 5, 3: 0, 4: 0, 5: 5, 6: 0}


@pytest.mark.parametrize(("first_met_days_ago", "new"), [
    (0, True), (89, True), (90, True), (91, False), (400, False)])
def test_a_stakeholder_first_met_within_a_quarter_is_new(first_met_days_ago, new):
    met = touches((1, 7, first_met_days_ago), (1, 7, 0), (1, None, 3), (1, 8, 500), (1, 8, 1))
    assert coverage.new_people(met, AS_OF).tolist() == ([7] if new else [])


def test_the_role_matrix_marks_new_people_in_their_column_heading():
    crew = people((1, 1, "Ann", "decision_maker", 1), (2, 1, "Bo", "buyer", 1))
    met = coverage.contact_summary(touches((1, 1, 0), (1, 2, 1)), AS_OF)
    got = coverage.role_matrix(crew, coverage.role_coverage(crew, met, AS_OF), new=[1])
    assert got.columns.tolist()[4:] == ["Ann (new)", "Bo"]
    assert got["Ann (new)"].tolist() == [True, False, False, False, False]


def test_role_matrix_marks_hostile_roles_and_keeps_a_person_called_like_a_column_apart():
    crew = people((1, 1, "status", "decision_maker", -1), (2, 1, "Bo", "buyer", 1))
    met = coverage.contact_summary(touches((1, 1, 0), (1, 2, 1)), AS_OF)
    got = coverage.role_matrix(crew, coverage.role_coverage(crew, met, AS_OF))
    assert got.columns.tolist() == ["role", "status", "covered_by", "last_contact", "status ",
                                    "Bo"]
    assert got["status"].tolist()[:2] == ["Non-supporter", "Covered"]
    assert got["last_contact"].tolist()[:2] == ["today", "yesterday"]


def test_headline_counts_flagged_accounts_among_the_chosen_ones():
    h = coverage.headline(report(), [2, 3, 4, 5])
    assert h == coverage.CoverageHeadline(
        accounts=4, average_score=(100 + 37.5 + 0 + 100) / 4, single_threaded=1,
        no_decision_maker=1, hostile=1)


def test_nothing_at_all_gives_empty_results_not_an_error():
    r = coverage.analyse(PEOPLE.iloc[:0], contacts().iloc[:0], AS_OF)
    assert r.accounts.empty and r.gaps.empty and r.roles.empty
    assert list(r.gaps.columns) == ["account_id", "kind", "role", "severity", "gap", "who",
                                    "next_step"]


def test_contact_by_person_adds_days_since_we_last_met_each_one():
    got = coverage.contact_by_person(PEOPLE[PEOPLE["account_id"] == 3], contacts(), AS_OF)
    assert got[["name", "days_since_contact", "recent_engagements"]].values.tolist() == [
        ["Xavi", 200.0, 0], ["Yara", pytest.approx(float("nan"), nan_ok=True), 0],
        ["Zed", 20.0, 1]]


def test_select_accounts_by_manager_industry_and_key_status():
    accounts = pd.DataFrame({"manager": ["Ann", "Ann", "Bo", None],
                             "industry": ["Food", "Steel", "Food", "Food"],
                             "is_key": [True, False, True, True]}, index=[1, 2, 3, 4])
    assert coverage.select_accounts(accounts).index.tolist() == [1, 2, 3, 4]
    assert coverage.select_accounts(accounts, ["Ann"]).index.tolist() == [1, 2]
    assert coverage.select_accounts(accounts, industries=["Food"], key=True).index.tolist() == [
        1, 3, 4]
    assert coverage.select_accounts(accounts, ["Ann"], key=False).index.tolist() == [2]


def test_heatmap_cells_put_the_lowest_coverage_first_and_cap_the_accounts():
    names = pd.Series({1: "Alpha", 2: "bravo", 3: "Charlie", 4: "Delta", 5: "Echo",
                       6: "Foxtrot"}, name="name").rename_axis("account_id").to_frame()
    cells = coverage.heatmap_cells(report(), names)
    # Delta and Foxtrot score 0 with no role covered (then by name); Charlie 37.5; the three
    # at 100 by name, whatever the case.
    order = [4, 6, 3, 1, 2, 5]
    assert cells["account_id"].tolist() == [a for a in order for _ in range(5)]
    assert cells["role_label"].tolist()[:5] == [
        "Decision maker", "Buyer", "Influencer", "User", "Ambassador"]
    assert cells["name"].tolist()[::5] == ["Delta", "Foxtrot", "Charlie", "Alpha", "bravo",
                                           "Echo"]
    capped = coverage.heatmap_cells(report(), names.loc[[1, 3, 5, 6]], limit=2)
    assert capped["account_id"].unique().tolist() == [6, 3]
    assert capped.columns.tolist() == [*report().roles.columns, "name", "role_label"]


# --- figures -------------------------------------------------------------------------------


def test_relationship_map_lays_out_the_reporting_tree_left_to_right():
    from kamdash.charts import coverage as charts

    org = people((1, 1, "Boss", "decision_maker", 1), (2, 1, "Ann", "buyer", 0),
                 (3, 1, "Ben", "user", -2), (4, 1, "Cy", "", 2))
    org["reports_to_id"] = pd.array([None, 1, 1, 2], dtype="Int64")
    fig = charts.relationship_map(org, "Acme")
    points = {n: (x, y) for trace in fig.data[1:] for n, x, y in zip(
        [t.split("<br>")[0] for t in trace.text], trace.x, trace.y, strict=True)}
    assert points == {"Boss": (0, 0.5), "Ann": (1, 0.0), "Cy": (2, 0.0), "Ben": (1, 1.0)}
    assert [t.name for t in fig.data[1:]] == ["Enemy (-2)", "Neutral (0)", "Supporter (+1)",
                                              "Mentor (+2)"]
    assert fig.layout.title.text == "Relationship map: Acme"


def test_relationship_map_survives_a_reporting_circle_and_escapes_names():
    from kamdash.charts import coverage as charts

    org = people((1, 1, "<b>Ann</b>", "buyer", 0), (2, 1, "Ben", "user", 0),
                 (3, 1, "Gone", "user", 0, None, False))
    org["reports_to_id"] = pd.array([2, 1, 1], dtype="Int64")
    fig = charts.relationship_map(org)
    labels = [t for trace in fig.data[1:] for t in trace.text]
    assert labels == ["&lt;b&gt;Ann&lt;/b&gt;<br>Buyer", "Ben<br>User"]


def test_relationship_map_of_nobody_says_so():
    from kamdash.charts import coverage as charts

    fig = charts.relationship_map(people((1, 1, "Gone", "user", 0, None, False)).assign(
        reports_to_id=pd.NA), "Acme")
    assert fig.layout.annotations[0].text == "No active stakeholders recorded yet."


def test_heatmap_has_a_row_per_account_in_the_given_order_and_a_column_per_role():
    from kamdash.charts import coverage as charts
    from kamdash.roles import ROLE_LABELS

    roles = report().roles.query("account_id in [3, 1]").assign(
        name=lambda r: r["account_id"].map({1: "Alpha", 3: "<i>Charlie</i>"}),
        role_label=lambda r: r["role"].map(ROLE_LABELS),
    ).sort_values("account_id", ascending=False, kind="stable")
    heat = charts.coverage_heatmap(roles).data[0]
    assert list(heat.y) == ["&lt;i&gt;Charlie&lt;/i&gt;", "Alpha"]
    assert list(heat.x) == ["Decision maker", "Buyer", "Influencer", "User", "Ambassador"]
    # 0 nobody, 1 stale, 2 going cold, 3 fresh
    assert heat.z.tolist() == [[1, 1, 0, 1, 0], [3, 2, 3, 3, 3]]
    assert heat.text.tolist()[0] == ["200 d", "200 d", "–", "never", "–"]
