"""`medbill report …`: reports as plain tables (tabulate), CSV or JSON."""

from __future__ import annotations

import csv
import io
import json

from tabulate import tabulate

from medbill_tui.bootstrap import Runtime
from medbill_tui.domain.money import fmt_money, money_str
from medbill_tui.records import QueueSummary
from medbill_tui.services.queues import QueueService


def format_queue_summaries(summaries: tuple[QueueSummary, ...], fmt: str) -> str:
    """Render queue counts and amounts; JSON amounts are decimal strings."""
    if fmt == "json":
        data = {s.kind.value: {"count": s.count, "amount": money_str(s.amount)} for s in summaries}
        return json.dumps(data, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["queue", "count", "amount"])
        for s in summaries:
            writer.writerow([s.kind.value, s.count, money_str(s.amount)])
        return out.getvalue().rstrip("\n")
    rows = [[s.kind.label, f"{s.count:,}", fmt_money(s.amount)] for s in summaries]
    return tabulate(
        rows,
        headers=["Queue", "Count", "Amount"],
        colalign=("left", "right", "right"),
        disable_numparse=True,
    )


def report_queues(runtime: Runtime, fmt: str) -> str:
    """The `report queues` text for the database behind `runtime`."""
    return format_queue_summaries(QueueService(runtime.engine, runtime.clock).summaries(), fmt)
