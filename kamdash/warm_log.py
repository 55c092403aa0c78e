"""The warm-up's line in the server log (kamdash.ui.warm writes it, the browser bench reads
it): no Streamlit here, so the bench reads it without loading the pages' code."""

from __future__ import annotations

import re

WARMED = "kamdash warm-up: data version {version} computed in {seconds:.2f} s"
_WARMED_RE = re.compile(r"kamdash warm-up: data version (\d+) computed in ([\d.]+) s")


def warmed_versions(server_log: str) -> dict[int, float]:
    """From a server's log: each data version the warm-up computed, and in how many seconds
    (what the browser bench reads)."""
    return {int(v): float(s) for v, s in _WARMED_RE.findall(server_log)}
