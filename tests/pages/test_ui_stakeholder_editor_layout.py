"""The stakeholder editor's columns: every choice list without a blank, Active in view."""

import pytest

from kamdash.ui.stakeholder_editor import _column_config

CONFIG = _column_config(["Ann"])


@pytest.mark.parametrize("column", ["stance", "influence"])
def test_choice_lists_offer_no_blank(column):
    assert CONFIG[column]["required"] is True
    assert CONFIG[column]["default"] in CONFIG[column]["type_config"]["options"]


def test_the_columns_before_the_e_mail_fit_a_1440_pixel_window():
    # The main column is about 970 px wide at 1440 px with the sidebar open.
    widths = {c: CONFIG[c]["width"] for c in CONFIG if c not in ("stakeholder_id", "email")}
    assert all(isinstance(w, int) for w in widths.values())
    assert sum(widths.values()) <= 970
