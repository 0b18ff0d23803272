"""Users and roles: who may use the app (by login on the host) and what their role allows.

Every change to a user is made by an active admin (checked inside the same transaction)
and writes an audit event. The first login of an empty database becomes its admin.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import users as repo
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.roles import ROLES, Action, can, is_role, refusal
from medbill_tui.records.users import AppUserRecord
from medbill_tui.services.errors import ServiceError, translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

_LOGIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,62}")
"""A login name that is also a PostgreSQL role name (at most 63 bytes)."""
_RESERVED = ("pg_", "medbill_")
"""Prefixes of PostgreSQL's own roles and medbill's groups: never a person's login role."""


class LoginRefused(ServiceError):
    """This login may not use the app here (unknown or disabled): exit status 3."""


class RoleRefused(ServiceError):
    """The user's role does not allow the action; nothing was changed (exit status 3)."""


class UserInvalid(ServiceError):
    """A user change that cannot be made as asked; the message says why."""


def require(role: str | None, action: Action) -> None:
    """Raise RoleRefused (naming the role needed) unless `role` may do `action`."""
    if not can(role, action):
        raise RoleRefused(refusal(role, action))


def _checked_name(full_name: str) -> str:
    """A person's name as letters print it: one line, at most 100 characters."""
    name = " ".join(full_name.split())
    if len(name) > 100 or not all(ch.isprintable() for ch in name):
        raise UserInvalid("A name is one line of at most 100 characters; nothing was changed")
    return name


def _check_role(role: str) -> None:
    if not is_role(role):
        raise UserInvalid(f"{role!r} is not a role: use one of {', '.join(ROLES)}")


class UserService:
    """Identify the person at the keyboard and manage users. Blocking: call from a worker."""

    def __init__(self, engine: Engine, actor: str) -> None:
        self.engine = engine
        self.actor = actor

    @translate_errors
    def identify(self, login: str) -> AppUserRecord:
        """The active user with this login; LoginRefused (with what to do) if there is none."""
        with read_connection(self.engine) as conn:
            user = repo.find_user(conn, login)
            empty = user is None and repo.count_users(conn) == 0
        if empty:
            raise LoginRefused(
                f"this database has no users yet, so {login!r} cannot be let in. The person "
                "who looks after it runs `medbill db upgrade` once: their login becomes the "
                "first admin, who then adds everyone with `medbill users add LOGIN --role ROLE`"
            )
        if user is None:
            raise LoginRefused(
                f"{login!r} is not a medbill user; ask an admin to run "
                f"`medbill users add {login} --role biller`"
            )
        if not user.active:
            raise LoginRefused(
                f"{login!r} is disabled; ask an admin to run `medbill users enable {login}`"
            )
        return user

    @translate_errors
    def bootstrap_admin(self) -> bool:
        """Make this login the admin of a database with no users yet; False if it has some."""

        def work(session: Session) -> bool:
            conn = session.connection()
            if repo.count_users(conn):  # the usual case: no lock (only admins may take it)
                return False
            repo.lock_users(conn)
            if repo.count_users(conn):
                return False
            new_id = repo.insert_user(conn, self.actor, "admin")
            record_audit(
                conn,
                self.actor,
                "user.bootstrap",
                "app_user",
                new_id,
                "first admin of a database with no users",
            )
            return True

        return run_in_transaction(self.engine, work)

    @translate_errors
    def list(self) -> list[AppUserRecord]:
        """Every user, active first."""
        with read_connection(self.engine) as conn:
            return repo.list_users(conn)

    def _as_admin(self, conn: Connection) -> None:
        repo.lock_users(conn)
        me = repo.find_user(conn, self.actor)
        require(me.role if me is not None and me.active else None, "admin-users")

    def _existing(self, conn: Connection, login: str) -> AppUserRecord:
        user = repo.find_user(conn, login)
        if user is None:
            raise UserInvalid(f"{login!r} is not a medbill user; nothing was changed")
        return user

    def _not_yourself(self, user: AppUserRecord) -> None:
        # The actor is an active admin, so refusing to disable or demote oneself is also
        # what keeps at least one active admin.
        if user.login == self.actor:
            raise UserInvalid(
                "You cannot disable yourself or take away your own admin role; "
                "another admin must. Nothing was changed."
            )

    @translate_errors
    def add(self, login: str, role: str, full_name: str = "") -> AppUserRecord:
        """Add a user with `role` and the name letters are signed with (admins only)."""
        login = login.strip()
        full_name = _checked_name(full_name)
        if not _LOGIN.fullmatch(login):
            raise UserInvalid(
                f"{login!r} is not a login name (letters, digits, _ . -; at most 63, "
                "starting with a letter or _); nothing was changed"
            )
        if login.startswith(_RESERVED):
            raise UserInvalid(
                f"{login!r} starts with pg_ or medbill_, which name the database's own roles; "
                "nothing was changed"
            )
        _check_role(role)

        def work(session: Session) -> AppUserRecord:
            conn = session.connection()
            self._as_admin(conn)
            old = repo.find_user(conn, login)
            if old is not None:
                state = "active" if old.active else "disabled"
                raise UserInvalid(
                    f"{login!r} is already a user ({old.role}, {state}); nothing was changed"
                )
            new_id = repo.insert_user(conn, login, role, full_name)
            record_audit(conn, self.actor, "user.add", "app_user", new_id, f"role {role}")
            user = repo.find_user(conn, login)
            assert user is not None
            return user

        return run_in_transaction(self.engine, work)

    def _change(
        self, login: str, *, role: str | None = None, active: bool | None = None
    ) -> AppUserRecord:
        def work(session: Session) -> AppUserRecord:
            conn = session.connection()
            self._as_admin(conn)
            user = self._existing(conn, login)
            disabling = active is False and user.active
            demoting = role is not None and user.role == "admin" and role != "admin"
            if disabling or demoting:
                self._not_yourself(user)
            if role is not None and role != user.role:
                detail = f"{user.role} -> {role}"
                repo.update_user(conn, login, role=role)
                record_audit(
                    conn, self.actor, "user.role", "app_user", repo.user_id(conn, login), detail
                )
            if active is not None and active != user.active:
                repo.update_user(conn, login, active=active)
                record_audit(
                    conn,
                    self.actor,
                    "user.enable" if active else "user.disable",
                    "app_user",
                    repo.user_id(conn, login),
                    None,
                )
            changed = repo.find_user(conn, login)
            assert changed is not None
            return changed

        return run_in_transaction(self.engine, work)

    @translate_errors
    def disable(self, login: str) -> AppUserRecord:
        """Stop a login from using the app (admins only; never the last admin)."""
        return self._change(login.strip(), active=False)

    @translate_errors
    def enable(self, login: str) -> AppUserRecord:
        """Let a disabled login use the app again (admins only)."""
        return self._change(login.strip(), active=True)

    @translate_errors
    def set_name(self, login: str, full_name: str) -> AppUserRecord:
        """Set the name a user's letters are signed with (admins only; empty clears it)."""
        name = _checked_name(full_name)

        def work(session: Session) -> AppUserRecord:
            conn = session.connection()
            self._as_admin(conn)
            user = self._existing(conn, login.strip())
            repo.set_full_name(conn, user.login, name)
            record_audit(
                conn, self.actor, "user.name", "app_user", repo.user_id(conn, user.login), None
            )
            changed = repo.find_user(conn, user.login)
            assert changed is not None
            return changed

        return run_in_transaction(self.engine, work)

    @translate_errors
    def set_role(self, login: str, role: str) -> AppUserRecord:
        """Give a user another role (admins only; never demoting the last admin)."""
        _check_role(role)
        return self._change(login.strip(), role=role)
