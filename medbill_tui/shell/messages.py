"""Messages the app's sign-in worker posts back to the app.

The ones screens' workers post (queue pages, counts, details) are in
`widgets/loaded_messages.py`, below the screens that use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from medbill_tui.services import Services


@dataclass
class SignedIn(Message):
    """The app's sign-in worker reached the database and let the login in."""

    services: Services


class FirstRun(Message):
    """The signed-in database is empty: no practice, provider or payer yet."""


@dataclass
class SignInFailed(Message):
    """The sign-in could not finish (no database, schema behind, login refused …)."""

    error: BaseException
