"""One claim of a paper EOB as keyed: a title line, then a row per billed line with the boxes
the EOB answers (allowed, paid, adjustments as GROUP-CARC:AMOUNT, RARCs, patient share)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from medbill_tui.records.paper_eob import ClaimToKey, LineToKey
from medbill_tui.widgets.code_input import EntryInput
from medbill_tui.widgets.text import fmt_date, money

BOXES: tuple[tuple[str, int, str], ...] = (
    ("allowed", 9, "allowed"),
    ("paid", 9, "paid"),
    ("adjustments", 22, "CO-45:54.00 PR-2:9.20"),
    ("remarks", 7, "RARCs"),
    ("patient", 8, "pt resp"),
)
"""Each line's boxes: name, width and what the empty box shows (79 columns with the label)."""
COLUMNS = "   code     charge allowed   paid      adjustments            RARCs   pt resp"
"""The heading over the lines, each word over its box."""


@runtime_checkable
class EnterTarget(Protocol):
    """The screen that says where Enter in a box goes."""

    def box_entered(self, box: EntryInput) -> None: ...


class EobBox(EntryInput):
    """A box of the paper EOB. Enter is acted on while the key is handled, not when a
    Submitted message arrives later: the next key typed goes where Enter sent the cursor."""

    async def action_submit(self) -> None:
        if isinstance(self.screen, EnterTarget):
            self.screen.box_entered(self)


class KeyedLineRow(Horizontal):
    """A billed line's code and charge, and its boxes."""

    DEFAULT_CSS = """
    KeyedLineRow { height: 1; }
    KeyedLineRow .eob-line-label { width: 19; }
    """

    def __init__(self, claim_no: str, index: int, line: LineToKey) -> None:
        super().__init__(id=f"eob-{claim_no}-{index}")
        self.claim_no = claim_no
        self.index = index
        self.line = line

    def compose(self) -> ComposeResult:
        yield Static(
            f"   {self.line.code:<6}{money(self.line.charge):>9} ", classes="eob-line-label"
        )
        for name, width, hint in BOXES:
            yield EobBox(
                id=f"eob-{self.claim_no}-{self.index}-{name}",
                width=width,
                placeholder=hint,
                max_length=80 if name == "adjustments" else 12,
            )

    def box(self, name: str) -> EobBox:
        return self.query_one(f"#eob-{self.claim_no}-{self.index}-{name}", EobBox)

    def values(self) -> dict[str, str]:
        """The line as a keyed-EOB row (the same columns as the CSV batch)."""
        row = {name: self.box(name).value.strip() for name, _, _ in BOXES}
        row["patient_resp"] = row.pop("patient")
        return {"code": self.line.code, "charge": str(self.line.charge), **row}


class KeyedClaimBlock(Vertical):
    """A claim on the check: who and what, then its lines."""

    DEFAULT_CSS = """
    KeyedClaimBlock { height: auto; }
    KeyedClaimBlock .eob-claim-title { text-style: bold; }
    """

    def __init__(self, claim: ClaimToKey) -> None:
        super().__init__(id=f"eob-{claim.claim_no}")
        self.claim = claim

    def compose(self) -> ComposeResult:
        c = self.claim
        yield Static(
            f"{c.claim_no} {c.patient_name} · {c.account_no} · {fmt_date(c.dos)} · "
            f"{money(c.total)} · {c.status.replace('_', ' ')}",
            classes="eob-claim-title",
        )
        for index, line in enumerate(c.lines):
            yield KeyedLineRow(c.claim_no, index, line)

    def rows(self) -> Iterator[KeyedLineRow]:
        yield from self.query(KeyedLineRow)

    def first_box(self) -> EobBox:
        return next(self.rows()).box("allowed")

    def last_box(self) -> EobBox:
        return list(self.rows())[-1].box(BOXES[-1][0])
