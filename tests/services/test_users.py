"""Users and roles against the real database: identify, add, disable, roles, audit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.records.statements import DunningPolicy
from medbill_tui.runtime.clock import Clock
from medbill_tui.services import build_services
from medbill_tui.services.denials import DenialActionRefused
from medbill_tui.services.statements import StatementService
from medbill_tui.services.users import LoginRefused, RoleRefused, UserInvalid, UserService
from tests.conftest import DEMO_TODAY, TEST_LOGIN
from tests.services.test_denials import a_denial, claim_balance


def rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def users(engine: Engine) -> list[tuple[object, ...]]:
    return rows(engine, "SELECT login, role, active FROM app_user ORDER BY login")


AUDIT = (
    "SELECT actor, action, entity, detail FROM audit_event WHERE entity = 'app_user' ORDER BY id"
)


def test_identify_lets_in_an_active_user_only(engine: Engine) -> None:
    admin = UserService(engine, TEST_LOGIN)
    assert admin.identify(TEST_LOGIN).role == "admin"
    with pytest.raises(LoginRefused, match="'zoe' is not a medbill user; ask an admin to run "
                       "`medbill users add zoe --role biller`"):  # fmt: skip
        admin.identify("zoe")
    admin.add("zoe", "biller")
    assert admin.identify("zoe").role == "biller"
    admin.disable("zoe")
    with pytest.raises(LoginRefused, match="'zoe' is disabled; ask an admin to run `medbill "
                       "users enable zoe`"):  # fmt: skip
        admin.identify("zoe")
    admin.enable("zoe")
    assert admin.identify("zoe").active


def test_every_change_is_audited_with_who_and_what(engine: Engine) -> None:
    admin = UserService(engine, TEST_LOGIN)
    admin.add("zoe", "biller")
    admin.set_role("zoe", "supervisor")
    admin.disable("zoe")
    admin.enable("zoe")
    admin.enable("zoe")  # no change: no audit row
    assert users(engine) == sorted([(TEST_LOGIN, "admin", True), ("zoe", "supervisor", True)])
    assert rows(engine, AUDIT) == [
        (TEST_LOGIN, "user.add", "app_user", "role biller"),
        (TEST_LOGIN, "user.role", "app_user", "biller -> supervisor"),
        (TEST_LOGIN, "user.disable", "app_user", None),
        (TEST_LOGIN, "user.enable", "app_user", None),
    ]


def test_only_an_active_admin_changes_users_and_a_refusal_changes_nothing(engine: Engine) -> None:
    admin = UserService(engine, TEST_LOGIN)
    admin.add("zoe", "supervisor")
    admin.add("ann", "admin")
    before = users(engine), rows(engine, AUDIT)
    zoe = UserService(engine, "zoe")
    for attempt in (lambda: zoe.add("bob", "biller"), lambda: zoe.disable("ann"),
                    lambda: zoe.set_role("zoe", "admin")):  # fmt: skip
        with pytest.raises(RoleRefused, match="Only an admin may add, disable or change users; "
                           "you are a supervisor"):  # fmt: skip
            attempt()
    with pytest.raises(RoleRefused, match="you are not a user"):
        UserService(engine, "stranger").add("bob", "biller")
    admin.disable("ann")
    with pytest.raises(RoleRefused, match="you are not a user"):  # a disabled admin is no admin
        UserService(engine, "ann").enable("ann")
    assert users(engine)[0] == ("ann", "admin", False)
    assert rows(engine, AUDIT)[: len(before[1])] == before[1]


def test_bad_changes_are_refused_in_words(engine: Engine) -> None:
    admin = UserService(engine, TEST_LOGIN)
    before = users(engine)
    with pytest.raises(UserInvalid, match="'bob smith' is not a login name"):
        admin.add("bob smith", "biller")
    with pytest.raises(UserInvalid, match="'boss' is not a role: use one of biller, supervisor"):
        admin.add("bob", "boss")
    with pytest.raises(UserInvalid, match="'nobody' is not a medbill user; nothing was changed"):
        admin.disable("nobody")
    with pytest.raises(UserInvalid, match="cannot disable yourself"):
        admin.disable(TEST_LOGIN)
    with pytest.raises(UserInvalid, match="take away your own admin role"):
        admin.set_role(TEST_LOGIN, "biller")
    admin.add("bob", "biller")
    with pytest.raises(UserInvalid, match="'bob' is already a user \\(biller, active\\)"):
        admin.add("bob", "admin")
    assert users(engine) == sorted([*before, ("bob", "biller", True)])


def test_the_first_login_of_a_database_without_users_becomes_its_admin(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM app_user"))
    with pytest.raises(LoginRefused, match=r"this database has no users yet.*medbill db upgrade"):
        UserService(engine, "ann").identify("ann")
    assert UserService(engine, "ann").bootstrap_admin() is True
    assert UserService(engine, "bob").bootstrap_admin() is False  # only ever the first
    assert users(engine) == [("ann", "admin", True)]
    assert rows(engine, AUDIT) == [
        ("ann", "user.bootstrap", "app_user", "first admin of a database with no users")
    ]


def test_the_role_decides_large_write_offs(demo_engine: Engine, tmp_path: Path) -> None:
    item, claim, owed = a_denial(demo_engine, most=True)
    assert owed > Decimal("100.00")
    before = claim_balance(demo_engine, claim)
    clock = Clock(pinned=DEMO_TODAY)
    biller = build_services(demo_engine, clock, actor="b", role="biller", letters=tmp_path)
    assert not biller.can("write-off-over-limit") and biller.role == "biller"
    with pytest.raises(DenialActionRefused, match="a supervisor must do it"):
        biller.denials.write_off(item, "approved")
    assert claim_balance(demo_engine, claim) == before
    boss = build_services(demo_engine, clock, actor="s", role="supervisor", letters=tmp_path)
    assert boss.can("write-off-over-limit") and boss.can("reassign-work")
    assert not boss.can("admin-users")
    assert boss.denials.write_off(item, "approved") == owed


def test_a_biller_cannot_refer_to_collections(engine: Engine, tmp_path: Path) -> None:
    service = StatementService(engine, Clock(pinned=DEMO_TODAY), "b", tmp_path, DunningPolicy(),
                               role="biller")  # fmt: skip
    before = rows(engine, "SELECT count(*) FROM audit_event")
    with pytest.raises(RoleRefused, match="Only a supervisor or an admin may refer accounts to "
                       "collections; you are a biller"):  # fmt: skip
        service.confirm_collections(["A1"])
    assert rows(engine, "SELECT count(*) FROM audit_event") == before


def test_services_are_not_built_without_a_role(engine: Engine) -> None:
    """A forgotten role must not grant anything: it is a TypeError, not an admin."""
    with pytest.raises(TypeError, match="role"):
        build_services(engine, Clock(pinned=DEMO_TODAY), actor="b")  # type: ignore[call-arg]


def test_services_built_for_a_biller_refuse_supervisor_actions(
    demo_engine: Engine, tmp_path: Path
) -> None:
    biller = build_services(
        demo_engine, Clock(pinned=DEMO_TODAY), actor="b", role="biller", statements_dir=tmp_path
    )
    taken = biller.work.next("denials")
    assert taken is not None
    before = rows(demo_engine, "SELECT count(*) FROM audit_event")
    with pytest.raises(RoleRefused, match="you are a biller"):
        biller.work.reassign(taken.work_item_id, TEST_LOGIN)
    with pytest.raises(RoleRefused, match="you are a biller"):
        biller.statements.confirm_collections(["A1"])
    assert rows(demo_engine, "SELECT count(*) FROM audit_event") == before
    owner = f"SELECT owner FROM work_item WHERE id = {taken.work_item_id}"
    assert rows(demo_engine, owner) == [("b",)]
