"""Chart builders: user text is escaped (plotly reads HTML tags in labels and hovers), and the
Pareto line reaches 100% however many accounts there are."""

import numpy as np
import pandas as pd
import pytest

from kamdash import charts
from kamdash.charts import coverage as coverage_charts
from kamdash.charts import engagement as engagement_charts
from kamdash.charts.core import plotly_text
from kamdash.scoring import score_accounts

EVIL = '<a href="http://evil">Acme</a>'


def test_contribution_bars_escape_account_names():
    ranked = score_accounts(pd.DataFrame({"solvency": [9.0, 5.0]}, index=[1, 2]),
                            {"solvency": 1})
    fig = charts.contribution_bars(ranked, pd.Series({1: EVIL, 2: "Bolt & Co"}))
    assert list(fig.data[0].y) == ["Bolt &amp; Co", '&lt;a href="http://evil"&gt;Acme&lt;/a&gt;']


def test_revenue_pareto_escapes_names_and_its_line_ends_at_one_hundred_percent():
    n = 1_234  # thinned line: every second point, and the last
    accounts = pd.DataFrame({"name": [EVIL, *(f"A{i}" for i in range(n - 1))],
                             "annual_revenue": np.linspace(1000, 1, n), "is_key": False})
    fig = charts.revenue_pareto(accounts)
    other = next(t for t in fig.data if t.name == "Other")
    assert other.customdata[0][0] == '&lt;a href="http://evil"&gt;Acme&lt;/a&gt;'
    line = next(t for t in fig.data if t.name == "Cumulative share of revenue")
    assert line.x[-1] == n and line.y[-1] == pytest.approx(1.0)
    assert len(line.x) == len(range(0, n, 2)) + 1  # thinned to every second, plus the last


@pytest.mark.parametrize(("typed", "shown"), [
    ('Anna "Nan" Berg', 'Anna "Nan" Berg'),  # plotly shows &quot; as six characters
    ("O'Neill", "O'Neill"),
    ("Bolt & Co", "Bolt &amp; Co"),
    ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
])
def test_user_text_in_plotly_labels_escapes_only_markup(typed, shown):
    assert plotly_text(typed) == shown


def org(*rows) -> pd.DataFrame:
    """(stakeholder_id, name, reports_to_id, roles, new)"""
    frame = pd.DataFrame(rows, columns=["stakeholder_id", "name", "reports_to_id", "roles",
                                        "new"])
    return frame.assign(stance=0, influence="medium", active=True, title="", department="")


ORG = org((1, 'Anna "Nan" Berg', None, "decision_maker", False),
          (2, "Bo", 1, "buyer", True), (3, "Cy", 1, "user", False), (4, "Di", 1, "", False),
          (5, "Ed", 3, "influencer", False))


def test_the_relationship_map_shows_quotes_as_typed_and_marks_new_people():
    fig = coverage_charts.relationship_map(ORG, 'Acme "North"')
    assert fig.layout.title.text == 'Relationship map: Acme "North"'
    (people,) = [t for t in fig.data if t.mode == "markers+text"]
    assert list(people.text) == ['Anna "Nan" Berg<br>Decision maker', "Bo · <b>new</b><br>Buyer",
                                 "Cy<br>User", "Di<br>(no buying role)", "Ed<br>Influencer"]


def test_reporting_lines_never_cross_a_label():
    fig = coverage_charts.relationship_map(ORG)
    lines, people = fig.data[0], fig.data[1]
    assert people.textposition == "top center"
    points = list(zip(lines.x, lines.y, strict=True))
    segments = [(a, b) for a, b in zip(points, points[1:], strict=False)
                if None not in a and None not in b]
    # A label sits above its node: at most a third of a level wide each side, and between
    # the node's row and 0.6 rows above it (the axis runs top down).
    for x, y in zip(people.x, people.y, strict=True):
        for (x0, y0), (x1, y1) in segments:
            across = min(x0, x1) < x + 0.33 and max(x0, x1) > x - 0.33
            through = min(y0, y1) < y - 0.05 and max(y0, y1) > y - 0.6
            assert not (across and through), ((x, y), ((x0, y0), (x1, y1)))


def test_chart_titles_keep_quotes():
    trend = pd.DataFrame({"satisfaction": [7.0], "revenue": [1.0]},
                         index=pd.DatetimeIndex(["2026-10-01"], name="month"))
    fig = engagement_charts.revenue_line(trend, 'Revenue of "Acme"')
    assert fig.layout.title.text == 'Revenue of "Acme"'


TREND = pd.DataFrame(
    {**{k: [2, 3, 1] for k in ("visit", "meeting", "call", "qbr", "workshop", "email")},
     "stakeholders_touched": [6, 7, 1], "satisfaction": [7.0, 8.0, 2.0],
     "revenue": [100.0, 120.0, 5.0]},
    index=pd.DatetimeIndex(["2026-09-01", "2026-10-01", "2026-11-01"], name="month"))


def test_the_partial_month_is_drawn_apart_from_the_complete_months():
    fig = engagement_charts.monthly_trend(TREND, "t", partial_month=True)
    people = [t for t in fig.data if t.type == "scatter"]
    assert [(list(t.y), t.line.dash) for t in people] == [([6, 7], None), ([7, 1], "dot")]
    assert list(fig.data[0].marker.opacity) == [1.0, 1.0, 0.45]


@pytest.mark.parametrize("chart", [engagement_charts.satisfaction_line,
                                   engagement_charts.revenue_line])
def test_satisfaction_and_revenue_leave_the_partial_month_out_but_keep_it_on_the_axis(chart):
    fig = chart(TREND, partial_month=True)
    assert len(fig.data[0].y) == 2 and 2.0 not in fig.data[0].y and 5.0 not in fig.data[0].y
    assert pd.Timestamp(fig.layout.xaxis.range[1]) == pd.Timestamp("2026-11-01")
    assert len(chart(TREND).data[0].y) == 3  # a finished period keeps every month
