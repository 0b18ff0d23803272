"""Errors a service raises, each with a message in words a biller understands.

The base classes live in `medbill_tui.errors` (a leaf screens may import); this module adds
the translation of database failures."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from medbill_tui.db.repositories.errors import RecordNotFound
from medbill_tui.errors import DatabaseRefused, NotFound, ServiceError, ServiceUnavailable

__all__ = [
    "LOST_CONNECTION",
    "DatabaseRefused",
    "NotFound",
    "ServiceError",
    "ServiceUnavailable",
    "sentence",
    "translate_errors",
]

P = ParamSpec("P")
T = TypeVar("T")


LOST_CONNECTION = (
    "The database is not answering. Your work on screen is kept; try again in a moment "
    "(r refreshes)."
)


REFUSED_BY_DATABASE = (
    "The database refused this for your login's role; nothing was changed. An admin can "
    "check your role with `medbill users list`."
)


def sentence(text: object) -> str:
    """First letter upper case, the rest untouched (account numbers keep their case)."""
    words = str(text)
    return words[:1].upper() + words[1:]


def translate_errors(func: Callable[P, T]) -> Callable[P, T]:
    """Turn database and lookup failures into ServiceErrors with plain words."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return func(*args, **kwargs)
        except RecordNotFound as exc:
            raise NotFound(sentence(exc)) from exc
        except Exception as exc:
            # imported here, not at the top: the app's first frame imports this module and
            # must not wait for SQLAlchemy (loaded by then whenever a service has run)
            from medbill_tui.db.uow import is_lost_connection, is_permission_denied

            if is_lost_connection(exc):
                raise ServiceUnavailable(LOST_CONNECTION) from exc
            if is_permission_denied(exc):
                raise DatabaseRefused(REFUSED_BY_DATABASE) from exc
            raise

    return wrapper
