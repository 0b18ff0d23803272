"""Follow-up list: $ asks the payers about every $ claim (no payment in time) listed, one 276
in the outbox; with no $ claim listed it says so and asks nothing."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from medbill_tui.records.followups import RANK_UNPAID
from medbill_tui.records.queues import QueueFilter
from medbill_tui.screens.followups import FollowupsScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import NoteSpy, settle


def asked_claims(services: Services) -> list[int]:
    with services.engine.connect() as conn:
        return list(
            conn.execute(text("SELECT claim_id FROM claim_status_check ORDER BY id")).scalars()
        )


async def test_dollar_asks_status_for_every_unpaid_claim_listed(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FollowupsScreen)
        unpaid = [r.claim_id for r in screen.rows if r.rank == RANK_UNPAID]
        assert len(unpaid) >= 2 and len(unpaid) < len(screen.rows)

        await pilot.press("dollar_sign")
        await settle(pilot)
        assert sorted(asked_claims(services)) == sorted(unpaid)
        message, title, severity = spy.notes[-1]
        assert title == "Claim status" and severity == "information"
        assert f"{len(unpaid)} claims written" in message
        assert list((services.status_checks.outbox).glob("276_*.x12"))

        # narrowed to a claim not marked $: nothing to ask, nothing asked
        other = next(r for r in screen.rows if r.rank != RANK_UNPAID)
        screen._apply_filter(QueueFilter(text=other.label))
        await settle(pilot)
        assert screen.rows and all(r.rank != RANK_UNPAID for r in screen.rows)
        await pilot.press("dollar_sign")
        await settle(pilot)
        assert spy.notes[-1][2] == "warning" and "No $ claim" in spy.notes[-1][0]
        assert len(asked_claims(services)) == len(unpaid)
