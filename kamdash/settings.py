"""Every KAMDASH_ environment variable the app and the command line read, in one typed, frozen
``Settings`` object (the idea of full-stack-fastapi-template's core/config.py, without
pydantic). Nothing else in kamdash reads them (bench only points its own runs at its
databases).

``current()`` is cached on the values of every KAMDASH_ variable, so a call costs one pass over
the environment (microseconds) and a test that changes it (monkeypatch) sees the change at
once. A value that does not parse raises ``SettingsError`` naming the variable and what it
accepts; the app shows it on start-up, the command line prints it and exits 2.

A new variable: a field on ``Settings``, its line in ``load``, its name in ``VARIABLES``, its row
in README's Configuration table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "kamdash.db"

# The variables ``load`` reads (tests unset them all, so a developer's own never leak in).
VARIABLES = ("KAMDASH_DATABASE_URL", "KAMDASH_READ_ONLY", "KAMDASH_DEMO", "KAMDASH_TODAY",
             "KAMDASH_ADMINS", "KAMDASH_SIGNUP", "KAMDASH_FOUR_EYES", "KAMDASH_WARM_UP")

TRUE_WORDS = ("1", "true", "yes", "on", "y")
FALSE_WORDS = ("0", "false", "no", "off", "n")


class SettingsError(ValueError):
    """An environment variable holds a value kamdash cannot use; the message says which and
    what it accepts."""


@dataclass(frozen=True)
class Settings:
    database_url: str  # KAMDASH_DATABASE_URL: SQLAlchemy URL (default: SQLite in data/)
    read_only: bool  # KAMDASH_READ_ONLY: every write is switched off
    demo: bool  # KAMDASH_DEMO: seed the demo into an empty database on first start
    fixed_today: date | None  # KAMDASH_TODAY: the day kamdash measures from, None: the clock
    admins: frozenset[str] = frozenset()  # KAMDASH_ADMINS: e-mails that are admins on sign-in
    signup: str | None = None  # KAMDASH_SIGNUP: "viewer" lets uninvited e-mails read
    four_eyes: bool = False  # KAMDASH_FOUR_EYES: the approver must not be the proposer
    warm_up: bool = True  # KAMDASH_WARM_UP: compute the pages' data after every write

    def today(self) -> date:
        """The day kamdash measures from and dates business events by."""
        return self.fixed_today or date.today()


def _text(environ: Mapping[str, str], name: str) -> str:
    return environ.get(name, "").strip()


def parse_bool(name: str, value: str | None, default: bool) -> bool:
    """``value`` of the variable ``name`` as a boolean, the same words for every variable
    (case-insensitive); unset or blank: ``default``."""
    word = (value or "").strip().lower()
    if not word:
        return default
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{name}={value.strip()!r} is neither on nor off: write {_or(TRUE_WORDS)} "
                        f"for on, {_or(FALSE_WORDS)} for off, or leave it unset")


def _or(words: tuple[str, ...]) -> str:
    return f"{', '.join(words[:-1])} or {words[-1]}"


def parse_day(name: str, value: str | None) -> date | None:
    """``value`` of the variable ``name`` as a YYYY-MM-DD date; unset or blank: None."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a date: write YYYY-MM-DD (e.g. "
                            "2025-06-30), or leave it unset for the real date") from None


def load(environ: Mapping[str, str]) -> Settings:
    """The settings ``environ`` holds; ``SettingsError`` for the first value that does not
    parse."""
    return Settings(
        database_url=_text(environ, "KAMDASH_DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}",
        read_only=parse_bool("KAMDASH_READ_ONLY", environ.get("KAMDASH_READ_ONLY"), False),
        demo=parse_bool("KAMDASH_DEMO", environ.get("KAMDASH_DEMO"), True),
        fixed_today=parse_day("KAMDASH_TODAY", environ.get("KAMDASH_TODAY")),
        admins=frozenset(e.strip().lower() for e in _text(environ, "KAMDASH_ADMINS").split(",")
                         if e.strip()),
        signup=_signup(_text(environ, "KAMDASH_SIGNUP")),
        four_eyes=parse_bool("KAMDASH_FOUR_EYES", environ.get("KAMDASH_FOUR_EYES"), False),
        warm_up=parse_bool("KAMDASH_WARM_UP", environ.get("KAMDASH_WARM_UP"), True),
    )


def _signup(value: str) -> str | None:
    if not value:
        return None
    if value.lower() == "viewer":
        return "viewer"
    raise SettingsError(f"KAMDASH_SIGNUP={value!r} is not understood: write viewer (uninvited "
                        "e-mails may read), or leave it unset (they ask an admin for access)")


@lru_cache(maxsize=8)
def _load_cached(values: tuple[tuple[str, str], ...]) -> Settings:
    return load(dict(values))


def current() -> Settings:
    """The settings of this process's environment now (cached on the KAMDASH_ values)."""
    return _load_cached(tuple(sorted(
        (name, value) for name, value in os.environ.items() if name.startswith("KAMDASH_"))))


def problem() -> str | None:
    """Why the settings cannot be used, in one line; None when they can."""
    try:
        current()
    except SettingsError as exc:
        return str(exc)
    return None


def today() -> date:
    """The day kamdash measures from ("days since contact", the demo's history, the date of a
    logged visit or a key-account change): KAMDASH_TODAY (YYYY-MM-DD) when set, so that a
    demo or a test sees a fixed day, else the real date."""
    return current().today()


def demo_on_first_start() -> bool:
    """Seed the demo portfolio into an empty database when the app starts, unless KAMDASH_DEMO
    is off (for people who bring their own CRM data)."""
    return current().demo


# --- sign-in and users (kamdash.store.users reads these at sign-in) --------------------------


def admin_emails() -> frozenset[str]:
    """E-mails that become admins the first time they sign in (KAMDASH_ADMINS, comma-
    separated, any case): how a new deployment gets its first admin."""
    return current().admins


def signup_role() -> str | None:
    """The role of a signed-in e-mail that is not a user yet: "viewer" when KAMDASH_SIGNUP is
    viewer (anyone the provider lets in may read), else None (they are asked to get an
    invitation from an admin). Nothing else is accepted: sign-up never grants writing."""
    return current().signup


def sign_in_configured(folder: str | os.PathLike | None = None) -> bool:
    """True when the app's secrets (``.streamlit/secrets.toml`` in ``folder``, default the
    working directory, or in the home folder) have an ``[auth]`` section: the app then asks
    everyone to sign in, and the command line needs ``--as EMAIL``. Without it: local mode."""
    import tomllib

    for path in (Path(folder or Path.cwd()) / ".streamlit" / "secrets.toml",
                 Path.home() / ".streamlit" / "secrets.toml"):
        try:
            if "auth" in tomllib.loads(path.read_text(encoding="utf-8")):
                return True
        except (OSError, ValueError):
            continue
    return False


def four_eyes() -> bool:
    """KAMDASH_FOUR_EYES is on: a key-account proposal must be approved or rejected by
    someone other than who proposed it. Off by default (one local user)."""
    return current().four_eyes
