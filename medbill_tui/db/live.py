"""LISTEN on the work lists' channels (migration 0023 notifies them) on a connection of its own.

The connection comes from the engine (same DATABASE_URL, embedded or shared server) but is
detached from its pool: it stays in LISTEN until closed, and is never handed to a query.
"""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from medbill_tui.records.live import CHANNELS

BURST_SECONDS = 0.05
"""After a first notification, how long to gather the rest of its burst into one batch."""

NOTIFY_TRIGGERS = {
    "work_item": ("work_item_notify_insert", "work_item_notify_update"),
    "claim_event": ("claim_event_notify",),
}
"""The triggers that notify (a bulk load switches them off: nobody needs a million rows)."""


class ListenerLost(Exception):
    """The listening connection failed or could not be opened (the database went away)."""


class ChangeListener:
    """One connection doing LISTEN on every list's channel. Not thread-safe: one thread
    waits on it and closes it."""

    def __init__(self, engine: Engine) -> None:
        try:
            proxied = engine.raw_connection()
        except (SQLAlchemyError, psycopg.Error) as exc:
            raise ListenerLost(_first_line(exc, "could not connect")) from None
        self._conn: psycopg.Connection[Any] = proxied.driver_connection  # type: ignore[assignment]
        proxied.detach()  # ours until closed: never back in the pool in LISTEN state
        try:
            self._conn.rollback()  # the pool's pre-ping may have begun a transaction
            self._conn.autocommit = True
            for channel in CHANNELS:
                self._conn.execute(f"LISTEN {channel}")
        except psycopg.Error as exc:
            self.close()
            raise ListenerLost(_first_line(exc, "LISTEN failed")) from None

    def wait(self, timeout: float) -> list[tuple[str, str]]:
        """The notifications (channel, payload) that arrive within `timeout` seconds, with
        the rest of the first one's burst; [] when none came."""
        try:
            notes = [
                (n.channel, n.payload) for n in self._conn.notifies(timeout=timeout, stop_after=1)
            ]
            if notes:
                notes += [
                    (n.channel, n.payload) for n in self._conn.notifies(timeout=BURST_SECONDS)
                ]
        except psycopg.Error as exc:
            raise ListenerLost(
                str(exc).splitlines()[0] if str(exc) else "connection lost"
            ) from None
        return notes

    def close(self) -> None:
        if not self._conn.closed:
            self._conn.close()


def notify_triggers_enabled(conn: Any, table: str, enabled: bool) -> None:
    """Switch `table`'s notify triggers on or off (`conn`: a psycopg cursor or connection
    with `execute`, inside the loading transaction)."""
    verb = "ENABLE" if enabled else "DISABLE"
    for trigger in NOTIFY_TRIGGERS[table]:
        conn.execute(f"ALTER TABLE {table} {verb} TRIGGER {trigger}")


def _first_line(exc: BaseException, otherwise: str) -> str:
    words = str(exc).strip()
    return words.splitlines()[0] if words else otherwise
