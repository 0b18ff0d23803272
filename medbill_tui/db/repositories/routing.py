"""Past denials for replaying routing rules (read-only)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.domain.routing import DenialFacts
from medbill_tui.domain.routing_replay import PastDenial


def past_denials(conn: Connection, since: date | None = None) -> Iterator[PastDenial]:
    """Every denial work item posted from a remittance (open or worked; not those of an
    undone payment), denied on or after `since`, streamed in id order."""
    where = "w.kind = 'denial' AND w.status <> 'void'"
    params: dict[str, Any] = {}
    if since is not None:
        where += " AND w.opened_on >= :since"
        params["since"] = since
    result = conn.execution_options(stream_results=True, yield_per=2000).execute(
        text(f"""SELECT coalesce(w.group_code, '') AS group_code, coalesce(w.carc, '') AS carc,
                        coalesce(w.rarc, '') AS rarc, w.amount,
                        coalesce(py.payer_code, '') AS payer, w.category, w.action
                 FROM work_item w
                 JOIN claim c ON c.id = w.claim_id
                 JOIN payer py ON py.id = c.payer_id
                 WHERE {where}
                 ORDER BY w.id"""),
        params,
    )
    for r in result:
        facts = DenialFacts(r.group_code, r.carc, r.rarc, Decimal(r.amount), r.payer)
        yield PastDenial(facts, r.category, r.action)
