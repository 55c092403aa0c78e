"""Settings read from the environment that more than one layer needs (the app and the
command line). The database URL is kamdash.db's, read-only mode kamdash.store's."""

from __future__ import annotations

import os
from datetime import date


def today() -> date:
    """The day kamdash measures from ("days since contact", the demo's history): today, or
    KAMDASH_TODAY (YYYY-MM-DD) when set, so that a demo or a test sees a fixed day. A value
    that is not a date is ignored: a typo must not break every page."""
    fixed = os.environ.get("KAMDASH_TODAY", "").strip()
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            pass
    return date.today()


def demo_on_first_start() -> bool:
    """Seed the demo portfolio into an empty database when the app starts, unless
    KAMDASH_DEMO is 0, false or no (for people who bring their own CRM data)."""
    return os.environ.get("KAMDASH_DEMO", "1").strip().lower() not in {"0", "false", "no"}


def four_eyes() -> bool:
    """KAMDASH_FOUR_EYES is 1, true or yes: a key-account proposal must be approved or
    rejected by someone other than who proposed it. Off by default (one local user)."""
    return os.environ.get("KAMDASH_FOUR_EYES", "").strip().lower() in {"1", "true", "yes"}
