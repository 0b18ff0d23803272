"""What each role may do, and the words of a refusal."""

from __future__ import annotations

import pytest

from medbill_tui.domain.roles import NEEDS, ROLES, can, refusal


@pytest.mark.parametrize("action", sorted(NEEDS))
def test_each_action_is_allowed_from_its_role_up(action: str) -> None:
    allowed = [role for role in ROLES if can(role, action)]  # type: ignore[arg-type]
    assert allowed == list(ROLES[ROLES.index(NEEDS[action]) :])  # type: ignore[index]


def test_supervisor_actions_and_admin_actions() -> None:
    assert can("supervisor", "undo-posting") and not can("biller", "undo-posting")
    assert can("admin", "admin-users") and not can("supervisor", "admin-users")
    assert can("supervisor", "reassign-work") and can("supervisor", "confirm-collections")
    assert not can(None, "write-off-over-limit") and not can("root", "write-off-over-limit")


def test_refusal_names_the_role_needed_and_the_one_held() -> None:
    words = refusal("biller", "undo-posting")
    assert words == ("Only a supervisor or an admin may undo or re-post a payment; you are a "
                     "biller. Nothing was changed.")  # fmt: skip
    assert refusal("supervisor", "admin-users").startswith("Only an admin may add, disable")
    assert "you are not a user" in refusal(None, "load-demo")
