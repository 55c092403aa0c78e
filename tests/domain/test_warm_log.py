"""The warm-up's log line: written by kamdash.ui.warm, read back by the browser bench."""

from kamdash.warm_log import WARMED, warmed_versions


def test_each_warmed_version_and_its_seconds_are_read_back_from_a_log():
    log = "\n".join(["2026-12-01 INFO start", WARMED.format(version=7, seconds=3.254),
                     "noise", WARMED.format(version=12, seconds=0.5)])
    assert warmed_versions(log) == {7: 3.25, 12: 0.5}


def test_a_log_without_a_warm_up_has_no_version():
    assert warmed_versions("kamdash warm-up failed; the next visitor computes instead") == {}
