"""Which pages each user sees, in which group, and where they land: one table, read by the
entry script (``streamlit_app.py`` builds its ``st.Page`` objects from it) and by the browser
bench (which visits every page the local user sees). No Streamlit here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kamdash.identity import Actor, UserRole


def is_kam(actor: Actor) -> bool:
    """A KAM, or anyone else who is a manager record: they have accounts of their own."""
    return actor.role == UserRole.KAM or actor.manager_id is not None


def _everyone(actor: Actor) -> bool:
    return True


def _admins(actor: Actor) -> bool:
    return actor.at_least(UserRole.ADMIN)


@dataclass(frozen=True)
class PageSpec:
    group: str
    script: str  # relative to the repository root
    title: str
    icon: str
    url_path: str
    shown_to: Callable[[Actor], bool] = _everyone


# Grouped by who comes for what: a KAM starts at their own accounts, leadership decides, key
# account managers look after accounts; admins also move data and manage users.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("My work", "pages/my_accounts.py", "My accounts", ":material/work:",
             "my-accounts", is_kam),
    PageSpec("Leadership", "pages/portfolio.py", "Portfolio", ":material/dashboard:",
             "portfolio"),
    PageSpec("Leadership", "pages/selection.py", "Selection (what-if)", ":material/tune:",
             "selection"),
    PageSpec("Leadership", "pages/decisions.py", "Decisions", ":material/gavel:", "decisions"),
    PageSpec("Account management", "pages/account.py", "Account", ":material/business:",
             "account"),
    PageSpec("Account management", "pages/ratings.py", "Ratings", ":material/star_rate:",
             "ratings"),
    PageSpec("Account management", "pages/coverage.py", "Coverage", ":material/groups:",
             "coverage"),
    PageSpec("Account management", "pages/engagement.py", "Engagement", ":material/timeline:",
             "engagement"),
    PageSpec("Data", "pages/activity.py", "Activity", ":material/history:", "activity"),
    PageSpec("Data", "pages/data.py", "Import and export", ":material/upload_file:", "data",
             _admins),
    PageSpec("Data", "pages/users.py", "Users", ":material/manage_accounts:", "users", _admins),
)


def pages_for(actor: Actor) -> tuple[list[PageSpec], PageSpec]:
    """The pages ``actor`` sees, in order, and the one they land on: My accounts for a KAM,
    the Portfolio for everyone else."""
    shown = [p for p in PAGES if p.shown_to(actor)]
    landing = "my-accounts" if is_kam(actor) else "portfolio"
    return shown, next(p for p in shown if p.url_path == landing)
