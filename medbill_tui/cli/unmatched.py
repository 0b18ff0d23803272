"""`medbill remittance unmatched [--format plain|json]`: payments (and 277CA acknowledgments)
for claims the import could not find, newest first. Posting them is done in the app (key 9)."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal

from tabulate import tabulate

from medbill_tui.domain.money import fmt_money
from medbill_tui.records.queues import Cursor
from medbill_tui.records.unmatched import UnmatchedRow
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.unmatched import UnmatchedService

PAGE = 500


def add_parser(remit_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `unmatched` under `medbill remittance`."""
    cmd = remit_sub.add_parser("unmatched", help="payments for claims the import could not find")
    cmd.add_argument("--format", choices=("plain", "json"), default="plain")


def all_rows(service: UnmatchedService) -> list[UnmatchedRow]:
    """Every open item, a page at a time."""
    rows: list[UnmatchedRow] = []
    after: Cursor | None = None
    while True:
        page = service.page(after, PAGE)
        rows += page.rows
        if page.next_cursor is None:
            return rows
        after = page.next_cursor


def unmatched_json(rows: list[UnmatchedRow]) -> str:
    return json.dumps(
        [
            {
                "work_item_id": r.work_item_id,
                "source": r.source,
                "opened_on": r.opened_on.isoformat(),
                "payer": r.payer_name,
                "trace_no": r.trace_no,
                "patient_control_no": r.patient_control_no,
                "patient_name": r.patient_name,
                "charge": str(r.charge),
                "paid": str(r.paid) if r.source == "835" else None,
                "status_code": r.status_code,
                "claim_payment_id": r.claim_payment_id,
            }
            for r in rows
        ],
        indent=2,
    )


def unmatched_plain(rows: list[UnmatchedRow]) -> str:
    if not rows:
        return "no unmatched remittances"
    table = [
        [
            r.work_item_id,
            f"{r.opened_on:%m/%d/%Y}",
            r.source,
            r.payer_name[:20],
            r.trace_no,
            r.patient_control_no,
            fmt_money(r.charge),
            fmt_money(r.paid) if r.source == "835" else "-",
        ]
        for r in rows
    ]
    paid = sum((r.paid for r in rows if r.source == "835"), Decimal("0.00"))
    headers = ["Item", "Opened", "From", "Payer", "Trace", "Claim no.", "Charge", "Paid"]
    listing = tabulate(table, headers=headers, disable_numparse=True)
    return f"{listing}\n{len(rows)} unmatched, {fmt_money(paid)} paid; post them in the app (key 9)"


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """List the open unmatched items."""
    rows = all_rows(UnmatchedService(runtime.engine, runtime.clock, runtime.actor))
    print(unmatched_json(rows) if args.format == "json" else unmatched_plain(rows))
    return 0
