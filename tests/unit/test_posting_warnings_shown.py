"""What a payer reported but was not posted is told once, in the inbox and on the CLI."""

from __future__ import annotations

from decimal import Decimal

from medbill_tui.cli.edi import _plain
from medbill_tui.screens.inbox import summarize
from medbill_tui.services.imports import ImportResult
from medbill_tui.services.remittances import RemitOutcome

WORDS = "claim C1: the payer's PR-27 of 342.25 is more than the secondary still owed (10.00)"


def _result() -> ImportResult:
    paid = RemitOutcome("T1", "PAYER", Decimal("0.00"), "posted", 1, message=WORDS)
    return ImportResult("s.835", "835", "imported", accepted=1, message=WORDS, payments=(paid,))


def test_a_posted_payments_warning_shows_in_the_inbox() -> None:
    assert summarize(_result()).count(WORDS) == 1


def test_the_cli_tells_a_posted_payments_warning_once() -> None:
    assert _plain(_result()).count(WORDS) == 1
