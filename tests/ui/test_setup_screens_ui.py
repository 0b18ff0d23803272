"""The setup screens under Pilot: s on the dashboard opens the setup lists (supervisors and
admins); a provider's NPI is checked as it is typed and ctrl+s adds them; a payer saved by
someone else meanwhile is merged; a biller is told who may and nothing opens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import Engine, text

from medbill_tui.runtime.clock import Clock
from medbill_tui.screens.conflict import ConflictScreen
from medbill_tui.screens.dashboard import DashboardScreen
from medbill_tui.screens.setup_menu import SetupMenuScreen
from medbill_tui.screens.setup_payers import PayerFormScreen
from medbill_tui.screens.setup_providers import ProviderFormScreen, ProvidersScreen
from medbill_tui.services import build_services
from medbill_tui.services.setup_lists import SetupListsService
from medbill_tui.shell.app import MedbillApp
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import NoteSpy, settle


def providers_with(engine: Engine, npi: str) -> list[tuple[str, bool]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT last_name, active FROM provider WHERE npi = :n"), {"n": npi}
        ).all()
    return [(r.last_name, r.active) for r in rows]


async def test_an_admin_adds_a_provider_checked_as_typed(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    assert providers_with(demo_engine, "1123456786") == []
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SetupMenuScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProvidersScreen)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProviderFormScreen)
        await pilot.press(*"1123456787")
        npi = form.fields()["npi"]
        assert npi.error == "1123456787 fails the NPI check digit"
        await pilot.press("backspace", "6")
        assert npi.error is None
        await pilot.press("enter", *"207Q00000X", "enter", *"Anna", "enter", *"Lopez", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProvidersScreen)
        assert providers_with(demo_engine, "1123456786") == [("Lopez", True)]


async def test_a_biller_is_told_who_may_set_up(demo_engine: Engine, tmp_path: Path) -> None:
    services = build_services(
        demo_engine, Clock(pinned=DEMO_TODAY), role="biller", outbox=tmp_path / "out"
    )
    app = MedbillApp(services)
    notes = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert any("Only a supervisor or an admin may add" in n for n, _, _ in notes.notes)


async def test_a_payer_saved_by_someone_else_meanwhile_is_merged(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    with demo_engine.connect() as conn:
        payer_id, name = conn.execute(text("SELECT id, name FROM payer ORDER BY id LIMIT 1")).one()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(PayerFormScreen(payer_id))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PayerFormScreen)
        other = SetupListsService(demo_engine, "kim", "supervisor")
        other.save_payer(replace(other.load_payer(payer_id), appeal_days="99"))
        await pilot.press("end", "X", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("m")  # mine on theirs
        await settle(pilot)
        assert form.values()["appeal_days"] == "99"
        await pilot.press("ctrl+s")
        await settle(pilot)
    with demo_engine.connect() as conn:
        saved = conn.execute(
            text("SELECT name, appeal_days FROM payer WHERE id = :id"), {"id": payer_id}
        ).one()
    assert tuple(saved) == (f"{name}X", 99)
