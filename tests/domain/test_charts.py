"""Chart builders: user text is escaped (plotly reads HTML tags in labels and hovers), and the
Pareto line reaches 100% however many accounts there are."""

import numpy as np
import pandas as pd
import pytest

from kamdash import charts
from kamdash.scoring import score_accounts

EVIL = '<a href="http://evil">Acme</a>'


def test_contribution_bars_escape_account_names():
    ranked = score_accounts(pd.DataFrame({"solvency": [9.0, 5.0]}, index=[1, 2]),
                            {"solvency": 1})
    fig = charts.contribution_bars(ranked, pd.Series({1: EVIL, 2: "Bolt & Co"}))
    assert list(fig.data[0].y) == ["Bolt &amp; Co", "&lt;a href=&quot;http://evil&quot;&gt;"
                                   "Acme&lt;/a&gt;"]


def test_revenue_pareto_escapes_names_and_its_line_ends_at_one_hundred_percent():
    n = 1_234  # thinned line: every second point, and the last
    accounts = pd.DataFrame({"name": [EVIL, *(f"A{i}" for i in range(n - 1))],
                             "annual_revenue": np.linspace(1000, 1, n), "is_key": False})
    fig = charts.revenue_pareto(accounts)
    other = next(t for t in fig.data if t.name == "Other")
    assert other.customdata[0][0] == "&lt;a href=&quot;http://evil&quot;&gt;Acme&lt;/a&gt;"
    line = next(t for t in fig.data if t.name == "Cumulative share of revenue")
    assert line.x[-1] == n and line.y[-1] == pytest.approx(1.0)
    assert len(line.x) == len(range(0, n, 2)) + 1  # thinned to every second, plus the last
