"""`P` on the claim screen prints the claim's CMS-1500 again into the letters folder, audited."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text

from medbill_tui.screens.claim_detail import ClaimDetailScreen
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_claim_chain_keys import claim_where


async def test_p_reprints_the_form_and_audits_it(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    claim_id = claim_where(demo_engine, "status = 'submitted'")
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ClaimDetailScreen(claim_id))
        await settle(pilot)
        await pilot.press("P")
        await app.workers.wait_for_complete()
        await settle(pilot)
    [(words, title, _)] = [n for n in spy.notes if n[1] in ("Printed", "Not printed")]
    assert title == "Printed", words
    path = words.rsplit(" printed to ", 1)[1]
    assert Path(path).read_bytes()[:5] == b"%PDF-"
    with demo_engine.connect() as conn:
        audits = conn.execute(
            text("SELECT actor FROM audit_event WHERE action = 'print-cms1500' "
                 "AND entity_id = :c"), {"c": claim_id},
        ).scalars().all()  # fmt: skip
    assert audits == ["tester"]
