"""Who sees which page and where they land (the entry script builds its menu from this)."""

import pytest

from kamdash.identity import Actor, UserRole
from kamdash.navigation import PAGES, pages_for

EVERYONE = ["portfolio", "selection", "decisions", "account", "ratings", "coverage",
            "engagement", "activity"]


@pytest.mark.parametrize(("role", "manager_id", "paths", "landing"), [
    (UserRole.VIEWER, None, EVERYONE, "portfolio"),
    (UserRole.KAM, 3, ["my-accounts", *EVERYONE], "my-accounts"),
    (UserRole.LEADERSHIP, None, EVERYONE, "portfolio"),
    (UserRole.LEADERSHIP, 5, ["my-accounts", *EVERYONE], "my-accounts"),  # also manages some
    (UserRole.ADMIN, None, [*EVERYONE, "data", "users"], "portfolio"),
])
def test_each_role_sees_its_pages_and_lands_on_its_own(role, manager_id, paths, landing):
    shown, lands_on = pages_for(Actor("a@example.com", "A", role, manager_id))
    assert ([p.url_path for p in shown], lands_on.url_path) == (paths, landing)


def test_every_page_has_a_script_a_unique_address_and_a_group():
    from pathlib import Path

    root = Path(__file__).parents[2]
    assert all((root / p.script).is_file() for p in PAGES)
    assert len({p.url_path for p in PAGES}) == len(PAGES)
    assert [p.group for p in PAGES] == sorted((p.group for p in PAGES),
                                              key=[p.group for p in PAGES].index)
