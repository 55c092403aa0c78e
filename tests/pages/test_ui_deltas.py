"""How a metric shows a change: never a green zero, never a bare number."""

import math

import pytest

from kamdash.ui.deltas import metric_delta


@pytest.mark.parametrize(("change", "kwargs", "expected"), [
    (0, {}, dict(delta="No change", delta_color="off", delta_arrow="off",
                 delta_description="since May")),
    (0.4, {}, dict(delta="No change", delta_color="off", delta_arrow="off",
                   delta_description="since May")),
    (3, {}, dict(delta="+3", delta_color="normal", delta_description="since May")),
    (-2, {}, dict(delta="-2", delta_color="normal", delta_description="since May")),
    (2, {"higher_is_better": False}, dict(delta="+2", delta_color="inverse",
                                          delta_description="since May")),
    (1, {"muted": True}, dict(delta="+1", delta_color="off", delta_description="since May")),
    (None, {}, {}),
    (math.nan, {}, {}),
])
def test_metric_delta(change, kwargs, expected):
    assert metric_delta(change, "since May", **kwargs) == expected
