"""Keystroke budget: keying a visit and billing it must not take more than a handful of
keys besides the data itself. The measured sequence is recorded in docs/performance.md."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text
from textual.pilot import Pilot

from medbill_tui.screens.claim_run import ClaimRunScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_encounter_entry import idle, insured_patient

BUDGET = 20
"""Key presses other than typed data for a new encounter (2 diagnoses, 2 lines) and its claim."""


class Keys:
    """Every press goes through here: `data` for typed text (names, codes), `key` for
    everything else, which is what the budget counts."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.keys: list[str] = []
        self.typed: list[str] = []

    async def key(self, *keys: str) -> None:
        for key in keys:
            self.keys.append(key)
            await self.pilot.press(key)
        await idle(self.pilot)

    async def data(self, text: str) -> None:
        self.typed.append(text)
        await self.pilot.press(*text)
        await idle(self.pilot)

    def sequence(self) -> str:
        return " ".join(self.keys)


async def key_a_visit(keys: Keys, patient_name: str) -> None:
    """From the dashboard to the cursor in line 3's (blank) code."""
    await keys.key("1")  # the unbilled queue
    await keys.key("a")  # a new encounter
    await keys.data(patient_name)
    await keys.key("enter")  # pick the first match; the cursor goes to diagnosis 1
    await keys.data("E11.9")
    await keys.key("enter")
    await keys.data("I10")
    await keys.key("enter")
    await keys.key("enter")  # a blank diagnosis: to the first service line
    await keys.data("99213")
    await keys.key("enter")  # fee, units and pointer stay as filled in
    await keys.data("36415")
    await keys.key("enter")


def billed(engine: Engine, services: Services, spy: NoteSpy) -> None:
    """The saved encounter is billed and its claim carries the fee-schedule amounts."""
    saved = next(m for m, title, _ in spy.notes if title == "Saved")
    encounter_id = int(saved.split()[2])
    with engine.connect() as conn:
        claim = conn.execute(
            text("SELECT status, total_charge FROM claim WHERE encounter_id = :e"),
            {"e": encounter_id},
        ).one()
        status, coverage_id = conn.execute(
            text("SELECT status, coverage_id FROM encounter WHERE id = :e"), {"e": encounter_id}
        ).one()
    fees = [services.encounters.fee(code, "", coverage_id) for code in ("99213", "36415")]
    assert status == "billed" and claim.status == "ready"
    assert claim.total_charge == sum(fee for fee in fees if fee is not None)


async def test_new_encounter_and_its_claim_within_the_budget(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    patient = insured_patient(services)
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await key_a_visit(keys, patient.name)
        await keys.key("ctrl+b")  # save, then preview the claim
        await settle(pilot)
        assert isinstance(app.screen, ClaimRunScreen) and app.screen.run.created == 1
        await keys.key("y")  # create it
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    print(f"\nkeystrokes: {len(keys.keys)}: {keys.sequence()}")
    print(f"typed data: {keys.typed} ({sum(map(len, keys.typed))} characters)")
    assert len(keys.keys) <= BUDGET
    assert keys.sequence() == "1 a enter enter enter enter enter enter ctrl+b y"
    billed(demo_engine, services, spy)


async def test_save_then_c_in_the_queue(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    patient = insured_patient(services)
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await key_a_visit(keys, patient.name)
        await keys.key("enter", "enter")  # a blank code: to Save; Enter saves
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)  # the cursor is on the saved encounter
        await keys.key("c")
        await settle(pilot)
        assert isinstance(app.screen, ClaimRunScreen) and app.screen.run.created == 1
        await keys.key("y")
        await settle(pilot)
    assert len(keys.keys) == 12 <= BUDGET
    billed(demo_engine, services, spy)


VISIT_BUDGET = 45
"""Issue 16: a new encounter with 2 diagnoses and 3 lines, billed, in at most 45 keys counting
every character of the data typed."""


async def test_three_lines_and_the_claim_within_45_keys_with_data(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    patient = insured_patient(services)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.key("1", "a")
        await keys.data(patient.account_no)  # the account number finds the patient
        await keys.key("enter")
        for code in ("E119", "I10"):
            await keys.data(code)
            await keys.key("enter")
        await keys.key("enter")  # a blank diagnosis: to the first service line
        for code in ("99213", "36415", "83036"):
            await keys.data(code)
            await keys.key("enter")
        await keys.key("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, ClaimRunScreen) and app.screen.run.created == 1
        await keys.key("y")
        await settle(pilot)
    total = len(keys.keys) + sum(map(len, keys.typed))
    print(f"\nkeys {len(keys.keys)} + data {total - len(keys.keys)} = {total}")
    assert total <= VISIT_BUDGET
    with demo_engine.connect() as conn:
        lines = conn.execute(
            text(
                "SELECT count(*) FROM claim_line l JOIN claim c ON c.id = l.claim_id "
                "WHERE c.patient_id = :p AND c.status = 'ready' AND c.created_on = "
                "(SELECT max(created_on) FROM claim WHERE patient_id = :p)"
            ),
            {"p": patient.patient_id},
        ).scalar_one()
    assert lines >= 3
