"""The current user of this browser session, for the pages to hand to the store.

Until sign-in lands this is always the local user (every right); ``kamdash.identity`` holds
the rules, so sign-in only changes where the ``Actor`` comes from.
"""

from __future__ import annotations

from kamdash.identity import LOCAL, Actor


def current_actor() -> Actor:
    """Who is using the app right now."""
    return LOCAL
