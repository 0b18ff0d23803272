"""Errors repositories raise (a module of its own, so `services.errors` imports no SQL)."""

from __future__ import annotations


class RecordNotFound(LookupError):
    """No row with that id."""
