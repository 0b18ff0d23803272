"""Frozen records of the app's users (safe for screens to import)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AppUserRecord:
    """A person who may use the app, identified by their login on the host."""

    login: str
    role: str
    active: bool
    created_at: datetime
    full_name: str = ""
    """How letters are signed; empty: not given (letters then use the host account's name)."""
