"""Keys typed right behind a key that moves the focus (Enter in a dialog, Down in charge
entry) go to the box the focus moved to, not the one just left.

The keys are posted all at once (`burst`), as a terminal delivers keys read in one packet."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

from medbill_tui.records.followups import NoteEntry
from medbill_tui.records.queues import QueueKind
from medbill_tui.screens.denial import DenialScreen
from medbill_tui.screens.note import NoteScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import settle
from tests.ui.test_encounter_entry import idle, insured_patient, open_new_entry, value
from tests.ui.test_keys_ahead import burst
from tests.ui.test_work_next import holder, queue_ids


async def test_date_typed_behind_the_notes_enter_goes_to_the_date(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    entries: list[NoteEntry | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(NoteScreen("Note on a claim", today=DEMO_TODAY), entries.append)
        await settle(pilot)
        burst(app, *"left voicemail", "enter", *"12/15", "enter")
        await settle(pilot)
    assert len(entries) == 1 and entries[0] is not None
    assert entries[0].body == "left voicemail"
    assert entries[0].next_on == date(2026, 12, 15)


async def test_keys_typed_behind_down_go_to_the_line_below(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_entry(pilot, insured_patient(services))
        await pilot.press(*"E11.9", "enter", "enter", *"99213", "enter", *"36415")
        await idle(pilot)
        screen.focus_field("line-0-units")
        await settle(pilot)
        burst(app, "3", "down", "2")
        await settle(pilot)
        assert (value(app, "line-0-units"), value(app, "line-1-units")) == ("3", "2")
        screen.focus_field("line-0-mod-0")
        await settle(pilot)
        burst(app, "2", "5", "down", "5", "9")
        await settle(pilot)
        assert (value(app, "line-0-mod-0"), value(app, "line-1-mod-0")) == ("25", "59")


async def test_3_then_n_while_signing_in_takes_a_denial_once_signed_in(
    services: Services,
) -> None:
    first = queue_ids(services, QueueKind.DENIALS)[0]
    release = threading.Event()

    def sign_in() -> Services:
        assert release.wait(30), "the test never let the sign-in finish"
        return services

    app = MedbillApp(sign_in=sign_in)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.signed_in
        burst(app, "3", "n")  # as the dashboard appeared: 3 opens once signed in, n then
        await pilot.pause()
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, DenialScreen)
        assert holder(services, first) == services.actor
