"""kamdash.plans: the rules every plan row obeys, and the summaries built on them."""

from datetime import date

import pandas as pd
import pytest

from kamdash import plans

TODAY = date(2026, 11, 15)
PEOPLE = plans.Lookups(
    people={"ada müller": 1, "ada@x.example": 1, "tom bakker": 2},
    goals={"multi-thread the account": (10, date(2026, 6, 1))},
    offerings={"maintenance": 5})


def goal(**values) -> dict:
    return {"title": "Grow share", "horizon": "short", "owner": "Ada Müller", **values}


# --- validate_rows -----------------------------------------------------------------------------


def test_a_clean_goal_comes_back_with_ids_and_keys():
    rows, problems = plans.validate_rows("goal", [goal(
        horizon="Mid term", owner="ADA@x.example", status="at risk", start_on="2026-01-01",
        due_on=pd.Timestamp("2026-12-31"), measure="Revenue", target_value="1500000",
        current_value=1.2e6)], PEOPLE)
    assert problems == []
    assert rows == [{"goal_id": None, "title": "Grow share", "horizon": "mid", "owner": 1,
                     "start_on": date(2026, 1, 1), "due_on": date(2026, 12, 31),
                     "status": "at_risk", "measure": "Revenue", "target_value": 1.5e6,
                     "current_value": 1.2e6}]


def test_blank_choices_take_their_default():
    rows, problems = plans.validate_rows("goal", [goal(horizon=None, status=float("nan"))],
                                         PEOPLE)
    assert problems == []
    assert (rows[0]["horizon"], rows[0]["status"]) == ("short", "not_started")


@pytest.mark.parametrize(("kind", "row", "problem"), [
    ("goal", goal(start_on=date(2026, 5, 1), due_on=date(2026, 4, 30)),
     "row 1, column Due: 2026-04-30 is before the start (2026-05-01)"),
    ("goal", goal(owner="Nobody Here"),
     "row 1, column Owner: 'Nobody Here' is not one of our people; choose someone from the "
     "managers list"),
    ("goal", goal(owner=None), "row 1, column Owner: is empty; every row needs it"),
    ("goal", goal(title="   "), "row 1, column Goal: is empty; every row needs it"),
    ("goal", goal(title="x" * 201), "row 1, column Goal: is 201 characters long; at most 200 "
                                    "fit"),
    ("goal", goal(target_value=-1, measure="Revenue"),
     "row 1, column Target: -1 is negative; a value is zero or more"),
    ("goal", goal(target_value=10),
     "row 1, column Target measure: is empty; say what the target counts, e.g. Revenue"),
    ("goal", goal(status="finished"),
     "row 1, column Status: 'finished' is not one of Not started, On track, At risk, Done, "
     "Dropped"),
    ("goal", goal(due_on="31/12/2026"),
     "row 1, column Due: '31/12/2026' is not a date; write YYYY-MM-DD"),
    ("action", {"goal": "Multi-thread the account", "what": "Meet the CFO", "owner": "Tom Bakker",
                "due_on": date(2026, 5, 31)},
     "row 1, column Due: 2026-05-31 is before its goal starts (2026-06-01)"),
    ("action", {"goal": "Another goal", "what": "Meet the CFO", "owner": "Tom Bakker"},
     "row 1, column Goal: 'Another goal' is not a goal of this plan"),
    ("opportunity", {"name": "Big deal", "value": -5000, "stage": "open"},
     "row 1, column Value: -5,000 is negative; a value is zero or more"),
    ("opportunity", {"name": "Big deal", "value": "lots"},
     "row 1, column Value: 'lots' is not a number"),
    ("opportunity", {"name": "Big deal", "value": 10, "stage": "Lost", "lost_reason": " "},
     "row 1, column Reason lost: is empty; a lost opportunity needs the reason it was lost"),
    ("opportunity", {"name": "Big deal", "value": 10, "offering": "Cheese"},
     "row 1, column Product or service: 'Cheese' is not in the offering catalogue"),
    ("opportunity", {"name": "", "value": 10},
     "row 1, column Opportunity: is empty; every row needs it"),
    ("whitespace", {"offering": "Maintenance", "buying_centre": "IT", "status": "potential"},
     "row 1, column Estimated value: is empty; a potential needs an estimated value"),
    ("whitespace", {"offering": "Maintenance", "buying_centre": "IT", "status": "Potential",
                    "estimated_value": -1},
     "row 1, column Estimated value: -1 is negative; a value is zero or more"),
    ("review", {"held_on": None, "attendees": "Ada"},
     "row 1, column Date: is empty; every row needs it"),
    ("review", {"held_on": TODAY, "attendees": "Ada", "notes": "n" * 2001},
     "row 1, column Notes: is 2001 characters long; at most 2000 fit"),
    ("profile", {"strengths": "\n".join(f"item {i}" for i in range(21))},
     "row 1, column Strengths: has 21 items; at most 20 fit"),
    ("profile", {"threats": "fine\n" + "t" * 201},
     "row 1, column Threats: the item '" + "t" * 39 + "…' is 201 "
     "characters long; at most 200 fit"),
    ("team", {"person": "Ada Müller", "role": ""},
     "row 1, column Role on the account: is empty; every row needs it"),
    ("offering", {"name": "Maintenance", "active": "maybe"},
     "row 1, column Active: 'maybe' is not yes or no"),
])
def test_each_rule_names_the_row_the_column_and_what_is_wrong(kind, row, problem):
    _, problems = plans.validate_rows(kind, [row], PEOPLE)
    assert problems == [problem]


def test_every_problem_of_every_row_is_listed_in_row_order():
    _, problems = plans.validate_rows("opportunity", pd.DataFrame([
        {"opportunity_id": 3, "name": "ok", "value": 1, "stage": "won"},
        {"opportunity_id": None, "name": None, "value": -1, "stage": "lost"},
    ]), PEOPLE)
    assert problems == [
        "row 2, column Opportunity: is empty; every row needs it",
        "row 2, column Value: -1 is negative; a value is zero or more",
        "row 2, column Reason lost: is empty; a lost opportunity needs the reason it was lost",
    ]


@pytest.mark.parametrize(("kind", "rows", "problem"), [
    ("goal", [goal(), goal(title="grow SHARE")],
     "row 2, column Goal: the same as row 1; each must be unique in the plan"),
    ("team", [{"person": "Ada Müller", "role": "KAM"}, {"person": "ada@x.example", "role": "x"}],
     "row 2, column Person: the same as row 1; each must be unique in the plan"),
    ("whitespace", [{"offering": "Maintenance", "buying_centre": "IT", "status": "ours"},
                    {"offering": "maintenance", "buying_centre": "it", "status": "open"}],
     "row 2, column Offering: the same as row 1; each must be unique in the plan"),
])
def test_names_that_find_a_row_must_be_unique(kind, rows, problem):
    assert plans.validate_rows(kind, rows, PEOPLE)[1] == [problem]


def test_lists_come_back_as_lines_without_blanks():
    rows, problems = plans.validate_rows("profile", [{"strengths": "  a \n\n b  b\n",
                                                      "weaknesses": ["x", None, " y "]}])
    assert problems == []
    assert (rows[0]["strengths"], rows[0]["weaknesses"]) == ("a\nb b", "x\ny")


def test_people_lookup_finds_managers_by_name_and_email():
    managers = pd.DataFrame({"name": ["Ada Müller"], "email": ["ada@x.example"]},
                            index=pd.Index([7], name="manager_id"))
    assert plans.people_lookup(managers) == {"ada müller": 7, "ada@x.example": 7}


# --- review cadence ----------------------------------------------------------------------------


@pytest.mark.parametrize(("revenue", "cadence"), [
    (None, "quarterly"), (0, "quarterly"), (499_999, "quarterly"), (500_000, "monthly"),
    (1_999_999, "monthly"), (2_000_000, "weekly"), (9e6, "weekly")])
def test_default_cadence_follows_the_accounts_value(revenue, cadence):
    assert plans.default_cadence(revenue) == cadence


def test_review_status_uses_the_plans_own_cadence_or_the_default():
    plan_frame = pd.DataFrame({"review_cadence": [None, "weekly", None]},
                              index=pd.Index([1, 2, 3], name="account_id"))
    accounts = pd.DataFrame({"annual_revenue": [600_000.0, 100.0, 100.0]}, index=[1, 2, 3])
    reviews = pd.DataFrame({"account_id": [1, 1, 2],
                            "held_on": pd.to_datetime(["2026-10-01", "2026-11-01",
                                                       "2026-11-01"])})
    status = plans.review_status(plan_frame, accounts, reviews, TODAY)
    assert status["cadence"].tolist() == ["monthly", "weekly", "quarterly"]
    assert status["cadence_source"].tolist() == ["default from revenue", "set in the plan",
                                                 "default from revenue"]
    assert status["next_due"].tolist() == [pd.Timestamp("2026-12-02"),
                                           pd.Timestamp("2026-11-08"), pd.Timestamp(TODAY)]
    assert status["days_late"].tolist() == [0, 7, 0]
    assert status["overdue"].tolist() == [False, True, True]  # account 3: never reviewed


def test_next_review_text_says_when_or_how_late():
    row = pd.Series({"cadence": "monthly", "cadence_source": "default from revenue",
                     "last_review": pd.Timestamp("2026-11-01"),
                     "next_due": pd.Timestamp("2026-12-02"), "days_late": 0})
    assert plans.next_review_text(row, TODAY) == (
        "Next review due 02 Dec 2026 (in 17 days): monthly reviews (default from revenue).")
    late = row.copy()
    late["next_due"], late["days_late"] = pd.Timestamp("2026-11-08"), 7
    assert plans.next_review_text(late, TODAY) == (
        "Review overdue by 7 days: monthly reviews (default from revenue), last on "
        "01 Nov 2026.")
    never = row.copy()
    never["last_review"] = pd.NaT
    assert plans.next_review_text(never, TODAY) == (
        "Never reviewed: a monthly review is due now (default from revenue).")


# --- goals and actions -------------------------------------------------------------------------


ACTIONS = pd.DataFrame({
    "account_id": [1, 1, 1, 2, 2],
    "what": ["late", "done late", "due today", "later", "very late"],
    "owner": ["Ada", "Ada", "Ada", None, "Tom"],
    "status": ["open", "done", "in_progress", "open", "in_progress"],
    "due_on": pd.to_datetime(["2026-11-01", "2026-10-01", "2026-11-15", None, "2026-09-15"]),
})


def test_overdue_actions_are_still_to_do_and_past_due_most_overdue_first():
    late = plans.overdue_actions(ACTIONS, TODAY)
    assert late["what"].tolist() == ["very late", "late"]
    assert late["days_overdue"].tolist() == [61, 14]
    assert plans.is_overdue(ACTIONS, TODAY).tolist() == [True, False, False, False, True]


def test_overdue_by_owner_counts_each_owners_late_actions():
    by_owner = plans.overdue_by_owner(ACTIONS, TODAY)
    # The same count each: the one with the older overdue action first.
    assert list(by_owner.itertuples()) == [("Tom", 1, 61), ("Ada", 1, 14)]


def test_goals_at_risk_are_marked_so_or_past_due_and_open():
    goals = pd.DataFrame({
        "title": ["marked", "late", "late and marked", "done late", "fine"],
        "status": ["at_risk", "on_track", "at_risk", "done", "on_track"],
        "due_on": pd.to_datetime(["2027-01-01", "2026-11-01", "2026-10-01", "2026-01-01",
                                  "2027-01-01"])})
    risky = plans.goals_at_risk(goals, TODAY)
    assert risky["title"].tolist() == ["marked", "late", "late and marked"]
    assert risky["why"].tolist() == ["marked at risk", "past its due date (01 Nov 2026)",
                                     "marked at risk and past its due date (01 Oct 2026)"]


def test_target_progress_is_current_over_target():
    goals = pd.DataFrame({"target_value": [200.0, None, 0.0], "current_value": [50.0, 1.0, 1.0]})
    assert plans.target_progress(goals).tolist()[0] == 0.25
    assert plans.target_progress(goals).isna().tolist() == [False, True, True]


# --- opportunities -----------------------------------------------------------------------------


def test_opportunity_summary_pipeline_win_rate_and_won_value_over_twelve_months():
    opps = pd.DataFrame({
        "stage": ["open", "open", "won", "won", "lost", "won", "lost"],
        "value": [100.0, 50.0, 30.0, 20.0, 999.0, 5000.0, 1.0],
        "close_on": pd.to_datetime(["2027-01-01", None, "2026-10-01", "2025-11-16",
                                    "2026-05-01", "2025-11-15", "2026-12-01"]),
    })  # the 2025-11-15 win is just over a year ago; the 2026-12-01 loss is in the future
    summary = plans.opportunity_summary(opps, TODAY)
    assert summary == plans.OpportunitySummary(pipeline=150.0, open_count=2, won=2, lost=1,
                                               win_rate=2 / 3, won_value=50.0)


def test_win_rate_is_none_when_nothing_closed():
    opps = pd.DataFrame({"stage": ["open"], "value": [1.0], "close_on": [pd.NaT]})
    assert plans.opportunity_summary(opps, TODAY).win_rate is None


# --- whitespace --------------------------------------------------------------------------------


CELLS = pd.DataFrame({
    "account_id": [1, 1, 1, 2, 2],
    "offering": ["Parts", "Parts", "Service", "Parts", "Service"],
    "buying_centre": ["IT", "Ops", "IT", "IT", "IT"],
    "status": ["potential", "ours", "potential", "potential", "competitor"],
    "estimated_value": [100.0, None, 40.0, 60.0, None],
})
ACCOUNTS = pd.DataFrame({"name": ["A", "B"], "industry": ["Retail", None]}, index=[1, 2])


def test_whitespace_total_counts_only_potential():
    assert plans.whitespace_total(CELLS) == 200.0
    assert plans.whitespace_total(CELLS.iloc[0:0]) == 0.0


@pytest.mark.parametrize(("by", "expected"), [
    ("offering", {"Parts": {"potential": 160.0, "accounts": 2},
                  "Service": {"potential": 40.0, "accounts": 1}}),
    ("industry", {"Retail": {"potential": 140.0, "accounts": 1},
                  "Unknown": {"potential": 60.0, "accounts": 1}}),
])
def test_whitespace_by_offering_and_by_industry(by, expected):
    assert plans.whitespace_by(CELLS, ACCOUNTS, by).to_dict("index") == expected


def test_whitespace_by_anything_else_is_refused():
    with pytest.raises(ValueError, match="offering or industry"):
        plans.whitespace_by(CELLS, ACCOUNTS, "country")


def test_whitespace_grid_is_offerings_by_buying_centres():
    grid = plans.whitespace_grid(CELLS[CELLS["account_id"] == 1], ["Parts", "Service", "New"],
                                 ["IT", "Ops"])
    assert grid.to_dict("index") == {
        "Parts": {"IT": "Potential €100", "Ops": "We sell it"},
        "Service": {"IT": "Potential €40", "Ops": ""},
        "New": {"IT": "", "Ops": ""}}


def test_buying_centres_are_the_departments_of_active_stakeholders():
    people = pd.DataFrame({"department": ["Ops", "it ", None, "Finance", "Ops"],
                           "active": [True, True, True, False, True]})
    assert plans.buying_centres(people) == ["it", "Ops"]


# --- across the portfolio ----------------------------------------------------------------------


def test_attention_lists_what_needs_a_look_for_one_manager_or_all():
    accounts = pd.DataFrame({
        "name": ["A", "B", "C"], "industry": ["Retail", "Retail", "Energy"],
        "manager_id": [1, 2, 1], "manager": ["Ada", "Tom", "Ada"],
        "is_key": [True, True, True], "annual_revenue": [100.0, 300.0, 200.0]},
        index=pd.Index([1, 2, 3], name="account_id"))
    empty = lambda cols: pd.DataFrame({c: [] for c in cols})  # noqa: E731
    tables = plans.PlanTables(
        plans=pd.DataFrame({"review_cadence": [None]}, index=pd.Index([1], name="account_id")),
        goals=pd.DataFrame({"account_id": [1], "title": ["g"], "status": ["at_risk"],
                            "due_on": [pd.NaT]}),
        actions=ACTIONS, opportunities=empty(["account_id"]), whitespace=CELLS,
        team=empty(["account_id"]), reviews=empty(["account_id", "held_on"]),
        offerings=empty(["name"]))
    everyone = plans.attention(accounts, tables, TODAY)
    assert everyone.without_plan.index.tolist() == [2, 3]  # by revenue
    assert everyone.reviews_overdue["account_id"].tolist() == [1]
    assert everyone.overdue_actions["account"].tolist() == ["B", "A"]
    assert everyone.goals_at_risk["account"].tolist() == ["A"]
    assert everyone.potential_total == 200.0
    ada = plans.attention(accounts, tables, TODAY, manager_id=1)
    assert ada.without_plan.index.tolist() == [3]
    assert ada.overdue_actions["account"].tolist() == ["A"]
    assert ada.potential_total == 140.0


def test_the_readme_states_the_cadence_defaults_the_code_uses():
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert (f"weekly from €{plans.WEEKLY_FROM / 1e6:g}M of our\n  revenue in the last 12 "
            f"months, monthly from €{plans.MONTHLY_FROM / 1e3:g}k, quarterly below") in readme
    assert "({}, {} or {} days)".format(*plans.CADENCE_DAYS.values()) in readme


# --- the figure and the sheet ------------------------------------------------------------------


def test_potential_bars_put_the_largest_on_top_with_titled_axes():
    from kamdash.charts import plans as plan_charts

    by = plans.whitespace_by(CELLS, ACCOUNTS, "offering")
    fig = plan_charts.potential_bars(by, "offering", "Whitespace potential by offering")
    assert fig.layout.title.text == "Whitespace potential by offering"
    assert fig.layout.xaxis.title.text == "Estimated potential (€)"
    assert fig.layout.yaxis.title.text == "Offering"
    assert list(fig.data[0].y) == ["Service", "Parts"]  # drawn bottom-up: Parts on top
    assert list(fig.data[0].x) == [40.0, 160.0]


def sheet(name: str = "Müller & Söhne", rows: int = 3):
    from kamdash.plan_pdf import PlanSheet

    many = lambda columns: pd.DataFrame(  # noqa: E731
        [[f"{c} {i} " + "long words " * 4 for c in columns] for i in range(rows)],
        columns=columns)
    return PlanSheet(
        account=name, facts=[("Industry", "Logistics"), ("Location", "Łódź, Poland")],
        health="62 / 100, Watch", health_band="yellow", health_reason="Engagement is behind.",
        figures=[("Pipeline", "€1.2M")],
        roles=many(["Role", "Status", "Covered by"]),
        goals=many(["Goal", "Horizon", "Owner", "Due", "Status", "Target"]),
        actions=many(["Action", "Goal", "Owner", "Due", "Status"]),
        opportunities=many(["Opportunity", "Buying centre", "Value", "Stage", "Close"]),
        whitespace=many(["Offering", "Potential", "Buying centres"]),
        review="Next review due 02 Dec 2026.", as_of=TODAY,
        business=[("Their goals", "Grow " * (30 if rows > 3 else 3))] * 7)


@pytest.mark.parametrize("rows", [0, 3, 40])
def test_the_plan_pdf_is_always_one_page_with_the_accounts_name(rows):
    from io import BytesIO

    from pypdf import PdfReader

    from kamdash.plan_pdf import plan_pdf

    pdf = PdfReader(BytesIO(plan_pdf(sheet(rows=rows))))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "Müller & Söhne: account plan" in text and "Łódź, Poland" in text
    if rows == 40:  # shortened lists say so
        assert "more in kamdash" in text
