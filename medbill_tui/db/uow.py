"""Unit of work: one transaction per use case, committed explicitly, rolled back on error."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")

_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
_ATTEMPTS = 4


def is_retryable(exc: BaseException) -> bool:
    """True for errors that a fresh attempt of the same transaction may not hit again."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES
    return False


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a read-only transaction (for queue pages and details)."""
    with engine.connect() as conn:
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        try:
            yield conn
        finally:
            conn.rollback()


def run_in_transaction(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work` in one transaction; retry serialization failures a few times."""
    from sqlalchemy.orm import Session  # the ORM loads on the first write, not at start

    for attempt in range(1, _ATTEMPTS + 1):
        with Session(engine, expire_on_commit=False) as session:
            try:
                result = work(session)
                session.commit()
                return result
            except OperationalError as exc:
                session.rollback()
                if attempt == _ATTEMPTS or not is_retryable(exc):
                    raise
            except Exception:
                session.rollback()
                raise
        time.sleep(0.02 * attempt)
    raise AssertionError("unreachable")
