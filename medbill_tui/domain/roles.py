"""Roles and what each may do. Pure rules, no I/O.

Roles are ordered: a biller works the queues; a supervisor also does what needs a second
pair of eyes (large write-offs, undoing a posting, reassigning work, collections, rule
changes); an admin also manages the users. Every action named here is checked with `can`.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Role = Literal["biller", "supervisor", "admin"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)
"""From least to most allowed."""

Action = Literal[
    "write-off-over-limit",
    "undo-posting",
    "reassign-work",
    "change-rules",
    "admin-users",
    "confirm-collections",
    "load-demo",
    "bill-patient-contractual",
    "refund-payer",
    "void-claim",
    "merge-patients",
    "back-up",
    "set-up-practice",
    "import-balances",
    "set-up-clearinghouses",
    "pin-host-key",
    "manage-setup",
]

NEEDS: Final[dict[Action, Role]] = {
    "write-off-over-limit": "supervisor",
    "undo-posting": "supervisor",
    "reassign-work": "supervisor",
    "change-rules": "supervisor",
    "confirm-collections": "supervisor",
    "bill-patient-contractual": "supervisor",
    "refund-payer": "supervisor",
    "void-claim": "supervisor",
    "merge-patients": "supervisor",
    "admin-users": "admin",
    "load-demo": "admin",
    "back-up": "admin",
    "set-up-practice": "admin",
    "import-balances": "supervisor",
    "set-up-clearinghouses": "supervisor",
    "pin-host-key": "admin",
    "manage-setup": "supervisor",
}
"""The least role each action needs."""

WORDS: Final[dict[Action, str]] = {
    "write-off-over-limit": "write off more than the limit",
    "undo-posting": "undo or re-post a payment",
    "reassign-work": "reassign work",
    "change-rules": "change prices, code sets or rules",
    "confirm-collections": "refer accounts to collections",
    "admin-users": "add, disable or change users",
    "load-demo": "replace the database with the demo practice",
    "bill-patient-contractual": "move a contractual (CO) amount to the patient",
    "refund-payer": "refund a payer's overpayment",
    "void-claim": "void a claim the payer has",
    "merge-patients": "merge two patient accounts",
    "back-up": "back up the whole database",
    "set-up-practice": "set up the practice, its providers, payers and clearinghouses",
    "import-balances": "post opening balances",
    "set-up-clearinghouses": "add, correct or deactivate clearinghouses and their connections",
    "pin-host-key": "pin a clearinghouse server's host key",
    "manage-setup": "add, correct or deactivate providers, payers and fee schedules",
}


def is_role(value: str) -> bool:
    """True when `value` names a role."""
    return value in ROLES


def can(role: str | None, action: Action) -> bool:
    """True when `role` may do `action` (an unknown role may do nothing)."""
    if role is None or not is_role(role):
        return False
    return ROLES.index(role) >= ROLES.index(NEEDS[action])


def _a(role: str) -> str:
    return f"an {role}" if role[:1] in "aeiou" else f"a {role}"


def refusal(role: str | None, action: Action) -> str:
    """Words for a refused action: what it was, the role it needs and the role one has."""
    needed = NEEDS[action]
    who = "a supervisor or an admin" if needed == "supervisor" else _a(needed)
    you = _a(role) if role else "not a user"
    return f"Only {who} may {WORDS[action]}; you are {you}. Nothing was changed."
