"""Who may change what: the one rule every write path asks."""

import pytest

from kamdash.identity import LOCAL, Actor, Refused, UserRole, can_edit_account, require_role

KAM_1 = Actor("k1@example.com", "Kim", UserRole.KAM, manager_id=1)


@pytest.mark.parametrize(("actor", "manager_id", "allowed"), [
    (Actor("v@example.com", "Vi", UserRole.VIEWER), 1, False),
    (KAM_1, 1, True),
    (KAM_1, 2, False),
    (KAM_1, None, False),
    (Actor("k@example.com", "No record", UserRole.KAM), None, False),
    (Actor("l@example.com", "Lee", UserRole.LEADERSHIP), 2, True),
    (LOCAL, None, True),
])
def test_who_may_edit_an_account(actor, manager_id, allowed):
    assert can_edit_account(actor, manager_id) is allowed


def test_a_role_below_the_one_required_is_refused_with_both_named():
    with pytest.raises(Refused, match="Only leadership and above can save scenarios; "
                                      "you are signed in as kam"):
        require_role(KAM_1, UserRole.LEADERSHIP, "save scenarios")
    require_role(LOCAL, UserRole.ADMIN, "import files")  # the local user may do everything
