"""Denial routing: replaying rules (the active ones or a candidate file) over past denials."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from medbill_tui.db.repositories.routing import past_denials
from medbill_tui.db.uow import read_connection
from medbill_tui.domain.routing import RuleSet
from medbill_tui.domain.routing_replay import ReplayReport, replay
from medbill_tui.services.errors import translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Engine


class RoutingService:
    """Read-only questions about denial routing. Blocking: call from a worker."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @translate_errors
    def replay(self, rules: RuleSet, since: date | None = None) -> ReplayReport:
        """Where `rules` would route every past denial since `since`; writes nothing."""
        with read_connection(self.engine) as conn:
            return replay(rules, past_denials(conn, since))
