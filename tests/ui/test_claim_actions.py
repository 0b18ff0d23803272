"""Claims and holds from the queues: c / C preview then create, cancel creates nothing,
h holds with a reason, u releases."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console, RenderableType
from sqlalchemy import Engine, text

from medbill_tui.records.queues import PendingClaimRow, UnbilledRow
from medbill_tui.screens.claim_run import ClaimRunScreen, render_run
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.screens.reason import ReasonScreen
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.queue_table import QueueTable
from tests.ui.conftest import NoteSpy, settle


def as_text(renderable: RenderableType) -> str:
    console = Console(width=72, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def claims_for(engine: Engine, encounter_id: int | None = None) -> int:
    sql = "SELECT count(*) FROM claim"
    if encounter_id is not None:
        sql += " WHERE encounter_id = :e"
    with engine.connect() as conn:
        return int(conn.execute(text(sql), {"e": encounter_id}).scalar_one())


def queue(app: MedbillApp) -> QueueScreen:
    assert isinstance(app.screen, QueueScreen), app.screen
    return app.screen


async def put_cursor_on(app: MedbillApp, wanted: Callable[[UnbilledRow], bool]) -> UnbilledRow:
    screen = queue(app)
    index, row = next(
        (i, r) for i, r in enumerate(screen.rows) if isinstance(r, UnbilledRow) and wanted(r)
    )
    screen.query_one(QueueTable).move_cursor(row=index)
    return row


async def test_c_previews_then_creates_the_claim(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        row = await put_cursor_on(app, lambda r: r.errors == 0)
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ClaimRunScreen) and dialog.run.dry_run
        assert dialog.run.created == 1 and dialog.run.amount == row.charges
        assert claims_for(demo_engine, row.encounter_id) == 0  # a preview writes nothing
        await pilot.press("n")  # cancel
        await settle(pilot)
        assert claims_for(demo_engine, row.encounter_id) == 0
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        screen = queue(app)
        assert claims_for(demo_engine, row.encounter_id) == 1
        assert row.encounter_id not in [r.encounter_id for r in screen.rows]  # reloaded
        assert "Claims created" in spy.titles()
        assert spy.notes[-1][0].startswith("Created 1 claim, ")


async def test_c_on_an_encounter_with_errors_shows_why(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        row = await put_cursor_on(app, lambda r: r.errors > 0)
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ClaimRunScreen)
        assert dialog.run.created == 0
        assert [s.encounter_id for s in dialog.run.skipped] == [row.encounter_id]
        listing = as_text(render_run(dialog.run))
        assert f"#{row.encounter_id}" in listing and "✖" in listing
        await pilot.press("y")  # nothing to create: y only closes
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    assert claims_for(demo_engine, row.encounter_id) == 0


async def test_shift_c_previews_every_clean_encounter(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    before = claims_for(demo_engine)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        rows = [r for r in queue(app).rows if isinstance(r, UnbilledRow)]
        clean = [r for r in rows if r.errors == 0]
        assert clean and len(clean) < len(rows)
        await pilot.press("C")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ClaimRunScreen)
        assert dialog.run.created == len(clean)
        assert dialog.run.amount == sum(r.charges for r in clean)
        assert {s.encounter_id for s in dialog.run.skipped} == {
            r.encounter_id for r in rows if r.errors
        }
        assert len(dialog.run.batches) > 1  # per payer
        summary = str(dialog.query_one("#claim-run-summary").render())
        assert summary.startswith(f"{len(clean)} claims, ")
        await pilot.press("escape")
        await settle(pilot)
        assert claims_for(demo_engine) == before
        await pilot.press("C")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert claims_for(demo_engine) == before + len(clean)
        left = [r for r in queue(app).rows if isinstance(r, UnbilledRow)]
        assert {r.encounter_id for r in left} == {r.encounter_id for r in rows if r.errors}


async def test_h_holds_an_encounter_with_a_reason(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        row = await put_cursor_on(app, lambda r: True)
        await pilot.press("h")
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("enter")  # a reason is required
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"waiting for op note", "enter")
        await settle(pilot)
        assert row.encounter_id not in [
            r.encounter_id for r in queue(app).rows if isinstance(r, UnbilledRow)
        ]
        summary = queue(app).summary
        assert summary is not None
        await pilot.press("escape")  # the dashboard counts again
        await settle(pilot)
    with demo_engine.connect() as conn:
        status = conn.execute(
            text("SELECT status FROM encounter WHERE id = :id"), {"id": row.encounter_id}
        ).scalar_one()
        detail = conn.execute(
            text(
                "SELECT detail FROM audit_event WHERE entity = 'encounter' AND entity_id = :id "
                "AND action = 'hold'"
            ),
            {"id": row.encounter_id},
        ).scalar_one()
    assert status == "hold" and detail == "waiting for op note"


async def test_h_and_u_hold_and_release_a_pending_claim(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        screen = queue(app)
        index, row = next(
            (i, r)
            for i, r in enumerate(screen.rows)
            if isinstance(r, PendingClaimRow) and r.status == "ready"
        )
        screen.query_one(QueueTable).move_cursor(row=index)
        await pilot.press("u")  # not on hold: says so
        assert spy.notes[-1][0] == f"Claim {row.claim_no} is not on hold."
        await pilot.press("h", *"payer asked to wait", "enter")
        await settle(pilot)
        held = next(
            r for r in screen.rows if isinstance(r, PendingClaimRow) and r.claim_id == row.claim_id
        )
        assert held.status == "hold"
        screen.query_one(QueueTable).move_cursor(row=screen.rows.index(held))
        await pilot.press("u")
        await settle(pilot)
        again = next(
            r for r in screen.rows if isinstance(r, PendingClaimRow) and r.claim_id == row.claim_id
        )
        assert again.status == "ready"
    with demo_engine.connect() as conn:
        events = conn.execute(
            text("SELECT to_status, detail FROM claim_event WHERE claim_id = :c ORDER BY id"),
            {"c": row.claim_id},
        ).all()
    assert [tuple(e) for e in events[-2:]] == [
        ("hold", "payer asked to wait"),
        ("ready", "released"),
    ]
