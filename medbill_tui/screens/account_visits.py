"""The account screen's visits and claims: a table under the account's summary, each visit
followed by its claims; Enter opens the one under the cursor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.widgets import DataTable

from medbill_tui.records.detail import AccountClaimRow, AccountEncounterRow
from medbill_tui.screens.encounter_detail import ENCOUNTER_STATUS_WORDS
from medbill_tui.widgets.columns import Col
from medbill_tui.widgets.form_table import Cell, PickTable
from medbill_tui.widgets.text import fmt_date, money

VISIT_KEY = "v"
CLAIM_KEY = "c"
"""Row keys: 'v' or 'c' and the encounter or claim id."""


class VisitsTable(PickTable):
    """The account's visits, newest first, each followed by its claims.

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the visit (charge entry while correctable, else read-only) or the claim. |
    """

    DEFAULT_CSS = """
    VisitsTable {
        height: auto;
        max-height: 100%;
        scrollbar-size-vertical: 0;
    }
    """

    COLUMNS = (
        ("DOS / claim", 11),
        Col("Visit / payer", 18, flex=2),
        Col("Status", 16, flex=1),
        Col("Charges", 9, right=True),
        Col("Balance", 9, right=True),
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Open",
            id="account.open",
            tooltip="Open the visit (charge entry when it may be corrected) or the claim",
        ),
    ]


def visit_rows(
    visits: tuple[AccountEncounterRow, ...], claims: tuple[AccountClaimRow, ...]
) -> Iterator[tuple[str, list[Cell]]]:
    """(row key, cells): each visit, then its claims indented under it."""
    by_visit: dict[int, list[AccountClaimRow]] = {}
    for claim in claims:
        by_visit.setdefault(claim.encounter_id, []).append(claim)
    for visit in visits:
        status = ENCOUNTER_STATUS_WORDS.get(visit.status, visit.status)
        yield (
            f"{VISIT_KEY}{visit.encounter_id}",
            [
                fmt_date(visit.dos),
                f"visit #{visit.encounter_id}",
                status,
                money(visit.charges),
                money(visit.balance),
            ],
        )
        for claim in by_visit.get(visit.encounter_id, ()):
            yield (
                f"{CLAIM_KEY}{claim.claim_id}",
                [
                    f"  {claim.claim_no}",
                    f"  {claim.payer_name}",
                    claim.status_label,
                    money(claim.amount),
                    money(claim.balance),
                ],
            )


def row_region(table: DataTable[Cell]) -> Region:
    """The cursor row's place in the table's container (to scroll it into view)."""
    top = table.virtual_region.y + table.header_height + table.cursor_row
    return Region(0, top, 1, 1)
