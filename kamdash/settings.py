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


# --- sign-in and users (kamdash.store.users reads these at sign-in) --------------------------


def admin_emails() -> frozenset[str]:
    """E-mails that become admins the first time they sign in (KAMDASH_ADMINS, comma-
    separated, any case): how a new deployment gets its first admin."""
    raw = os.environ.get("KAMDASH_ADMINS", "")
    return frozenset(e.strip().lower() for e in raw.split(",") if e.strip())


def signup_role() -> str | None:
    """The role of a signed-in e-mail that is not a user yet: "viewer" when KAMDASH_SIGNUP is
    viewer (anyone the provider lets in may read), else None (they are asked to get an
    invitation from an admin). Nothing else is accepted: sign-up never grants writing."""
    return "viewer" if os.environ.get("KAMDASH_SIGNUP", "").strip().lower() == "viewer" else None


def sign_in_configured(folder: str | os.PathLike | None = None) -> bool:
    """True when the app's secrets (``.streamlit/secrets.toml`` in ``folder``, default the
    working directory, or in the home folder) have an ``[auth]`` section: the app then asks
    everyone to sign in, and the command line needs ``--as EMAIL``. Without it: local mode."""
    import tomllib
    from pathlib import Path

    for path in (Path(folder or Path.cwd()) / ".streamlit" / "secrets.toml",
                 Path.home() / ".streamlit" / "secrets.toml"):
        try:
            if "auth" in tomllib.loads(path.read_text(encoding="utf-8")):
                return True
        except (OSError, ValueError):
            continue
    return False
