"""Unit of work: one transaction per use case, committed explicitly, rolled back on error."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")

_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
_ATTEMPTS = 4


class ConstraintViolated(Exception):
    """A write broke a constraint (SQLAlchemy's IntegrityError is the cause): most often
    another transaction committed the same unique row a moment before."""


def is_retryable(exc: BaseException) -> bool:
    """True for errors that a fresh attempt of the same transaction may not hit again."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES
    return False


def is_lost_connection(exc: BaseException) -> bool:
    """True when the database stopped answering (the work on screen can be tried again)."""
    return isinstance(exc, OperationalError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )


def is_permission_denied(exc: BaseException) -> bool:
    """True when the database refused the statement for the session's role (SQLSTATE 42501)."""
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) == "42501"


@contextmanager
def constraint_violations() -> Iterator[None]:
    """Raise an IntegrityError from the block as ConstraintViolated, so that services can
    catch it without importing SQLAlchemy."""
    try:
        yield
    except IntegrityError as exc:
        raise ConstraintViolated(str(exc.orig)) from exc


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
