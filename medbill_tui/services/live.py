"""Live lists: what changed in the work lists, as the database tells it (LISTEN/NOTIFY), and
who handed an item over. Blocking: call from a thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from medbill_tui.db.live import ChangeListener, ListenerLost
from medbill_tui.db.repositories.handover import handover
from medbill_tui.db.uow import read_connection
from medbill_tui.records.live import Handover, ListChanges, merge
from medbill_tui.services.errors import LOST_CONNECTION, ServiceUnavailable, translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Engine


class ChangeFeed:
    """An open LISTEN: `wait` for the next batch of changes; `close` when done (one thread
    uses it)."""

    def __init__(self, listener: ChangeListener) -> None:
        self._listener = listener

    def wait(self, timeout: float) -> ListChanges | None:
        """The changes that arrive within `timeout` seconds (None: nothing came).
        ServiceUnavailable when the connection is lost (open a new feed later)."""
        try:
            notes = self._listener.wait(timeout)
        except ListenerLost as exc:
            raise ServiceUnavailable(LOST_CONNECTION) from exc
        return merge(notes) if notes else None

    def close(self) -> None:
        self._listener.close()


class LiveService:
    """Opens change feeds and reads handovers on `engine` (the session's own database)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def open_feed(self) -> ChangeFeed:
        """LISTEN on every list's channel (ServiceUnavailable if the database is away)."""
        try:
            return ChangeFeed(ChangeListener(self.engine))
        except ListenerLost as exc:
            raise ServiceUnavailable(LOST_CONNECTION) from exc

    @translate_errors
    def handover(self, work_item_id: int, to: str) -> Handover | None:
        """The item's label and who just gave it to `to` (None: no such item)."""
        with read_connection(self.engine) as conn:
            return handover(conn, work_item_id, to)
