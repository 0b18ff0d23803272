"""`medbill users add|list|disable|enable|role|name`: who may use the app, with which role.

A person is their login on this host. Only an admin changes users; each change is audited.
"""

from __future__ import annotations

import argparse
import json
import pwd

from tabulate import tabulate

from medbill_tui.domain.roles import ROLES
from medbill_tui.records.users import AppUserRecord
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.users import UserService


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `users` command and its actions."""
    parser = sub.add_parser("users", help="who may use the app, with which role (admins)")
    actions = parser.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="let a login on this host use the app")
    add.add_argument("login", metavar="LOGIN")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--name", default="", help="the full name letters are signed with")
    listing = actions.add_parser("list", help="every user, their role and whether active")
    listing.add_argument("--format", choices=("plain", "json"), default="plain")
    for name, words in (
        ("disable", "stop a login from using the app"),
        ("enable", "let a disabled login use the app again"),
    ):
        action = actions.add_parser(name, help=words)
        action.add_argument("login", metavar="LOGIN")
    naming = actions.add_parser("name", help="set the full name a user's letters are signed with")
    naming.add_argument("login", metavar="LOGIN")
    naming.add_argument("full_name", nargs="+", metavar="NAME")
    role = actions.add_parser("role", help="give a user another role")
    role.add_argument("login", metavar="LOGIN")
    role.add_argument("role", choices=ROLES, metavar="ROLE")


def _json(user: AppUserRecord) -> dict[str, object]:
    return {
        "login": user.login,
        "role": user.role,
        "active": user.active,
        "created_at": user.created_at.isoformat(),
        "full_name": user.full_name,
    }


def _on_this_host(login: str) -> bool:
    try:
        pwd.getpwnam(login)
    except KeyError:
        return False
    return True


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """Dispatch `medbill users ACTION`."""
    service = UserService(runtime.engine, runtime.actor)
    command: str = args.users_command
    if command == "list":
        users = service.list()
        if args.format == "json":
            print(json.dumps([_json(u) for u in users], indent=2))
            return 0
        rows = [
            [
                u.login,
                u.full_name,
                u.role,
                "active" if u.active else "disabled",
                u.created_at.date().isoformat(),
            ]
            for u in users
        ]
        print(tabulate(rows, headers=["Login", "Name", "Role", "State", "Since"]))
        return 0
    if command == "add":
        user = service.add(args.login, args.role, args.name)
        print(f"added {user.login} as {user.role}")
        if not _on_this_host(user.login):
            print(
                f"note: there is no login {user.login!r} on this host yet; they can use the "
                "app once it exists here (or on another host using this database)"
            )
        return 0
    if command == "name":
        user = service.set_name(args.login, " ".join(args.full_name))
        print(f"{user.login} signs as {user.full_name or user.login}")
        return 0
    if command == "role":
        user = service.set_role(args.login, args.role)
        print(f"{user.login} is now {user.role}")
        return 0
    user = service.disable(args.login) if command == "disable" else service.enable(args.login)
    print(f"{user.login} is {'active' if user.active else 'disabled'}")
    return 0
