"""Coverages and prior authorizations from the patient screen, and the pending list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text

from medbill_tui.screens.authorization import AuthorizationScreen
from medbill_tui.screens.coverage import CoverageScreen
from medbill_tui.screens.patient import PatientScreen
from medbill_tui.screens.patient_tables import AuthorizationTable, CoverageTable
from medbill_tui.screens.pending_auths import PendingAuthorizationsScreen, PendingAuthTable
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_patient_screens import (
    field_errors,
    fill,
    form_screen,
    open_screen,
    status,
    top,
)


def one_row(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).one()


def patient_with_one_primary(engine: Engine) -> Any:
    """A patient whose only coverage is an open-ended primary, with no authorizations."""
    return one_row(
        engine,
        """SELECT p.id, cv.id AS coverage_id, cv.effective_from FROM patient p
           JOIN coverage cv ON cv.patient_id = p.id
           WHERE cv.priority = 1 AND cv.effective_to IS NULL
             AND (SELECT count(*) FROM coverage c2 WHERE c2.patient_id = p.id) = 1
             AND NOT EXISTS (SELECT 1 FROM "authorization" a WHERE a.coverage_id = cv.id)
           ORDER BY p.id LIMIT 1""",
    )


def coverage_count(engine: Engine, patient_id: int) -> int:
    return int(
        one_row(engine, "SELECT count(*) AS n FROM coverage WHERE patient_id = :p", p=patient_id).n
    )


async def test_add_a_coverage(make_app: Callable[..., MedbillApp], demo_engine: Engine) -> None:
    patient = patient_with_one_primary(demo_engine)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, PatientScreen(patient.id))
        screen = top(app)
        assert isinstance(screen, PatientScreen)
        screen.query_one(CoverageTable).focus()
        await pilot.press("n")
        await settle(pilot)
        form = form_screen(app)
        assert isinstance(form, CoverageScreen) and form.coverage_id is None
        assert form.values()["priority"] == "2"  # the first priority the patient has free
        assert form.values()["relationship"] == "18"
        payer = one_row(demo_engine, "SELECT id FROM payer WHERE name = 'Acme Health Insurance'")
        fill(form, payer=str(payer.id), member_id="zx-9001", group_no="G77")
        form.fields()["effective_from"].editor.focus()
        await pilot.press(*"01/01/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert top(app) is screen  # back on the patient
        row = one_row(
            demo_engine,
            "SELECT * FROM coverage WHERE patient_id = :p AND member_id = 'ZX-9001'",
            p=patient.id,
        )
        assert (row.payer_id, row.priority, row.relationship, row.group_no) == (
            payer.id, 2, "18", "G77",
        )  # fmt: skip
        assert row.effective_from.isoformat() == "2026-01-01" and row.effective_to is None
        assert screen.query_one(CoverageTable).row_count == 2


async def test_overlapping_primary_is_refused(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    patient = patient_with_one_primary(demo_engine)
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, CoverageScreen(patient.id, None))
        form = form_screen(app)
        payer = one_row(demo_engine, "SELECT id FROM payer WHERE name = 'Valley Care HMO'")
        fill(
            form, payer=str(payer.id), member_id="VC123", priority="1", effective_from="06/01/2026"
        )
        typed = form.values()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert top(app) is form
        assert "already has" in status(form) and "priority 1" in status(form)
        assert "priority 1" in (field_errors(form).get("priority") or "")
        assert any("already has" in message for message, _, _ in spy.notes)
        assert form.values() == typed
        assert coverage_count(demo_engine, patient.id) == 1
        # as a secondary it is fine
        fill(form, priority="2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert coverage_count(demo_engine, patient.id) == 2


async def test_subscriber_needed_when_patient_is_not_the_card_holder(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    patient = patient_with_one_primary(demo_engine)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, CoverageScreen(patient.id, patient.coverage_id))
        form = form_screen(app)
        assert not form.query_one("#subscriber").display
        fill(form, relationship="19", subscriber_first_name="", subscriber_last_name="")
        await pilot.pause()
        assert form.query_one("#subscriber").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert {"subscriber_last_name", "subscriber_sex"} <= set(field_errors(form))
        assert app.focused is form.fields()["subscriber_last_name"].editor
        fill(form, subscriber_first_name="Pat", subscriber_last_name="Parent", subscriber_sex="f")
        await pilot.press("ctrl+s")
        await settle(pilot)
        row = one_row(demo_engine, "SELECT * FROM coverage WHERE id = :c", c=patient.coverage_id)
        assert (row.relationship, row.subscriber_last_name, row.subscriber_sex) == (
            "19",
            "Parent",
            "F",
        )


async def test_request_answer_and_leave_the_pending_list(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    patient = patient_with_one_primary(demo_engine)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        # request on the highlighted coverage of the patient screen
        await open_screen(pilot, PatientScreen(patient.id))
        screen = top(app)
        assert isinstance(screen, PatientScreen)
        screen.query_one(CoverageTable).focus()
        await pilot.press("A")
        await settle(pilot)
        form = form_screen(app)
        assert isinstance(form, AuthorizationScreen) and form.coverage_id == patient.coverage_id
        assert form.values()["status"] == "pending"
        assert app.focused is form.fields()["codes"].editor
        await pilot.press(*"97110 97140")
        fill(form, visits_allowed="12", follow_up_on="11/09/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert top(app) is screen
        auth = one_row(
            demo_engine,
            'SELECT * FROM "authorization" WHERE coverage_id = :c',
            c=patient.coverage_id,
        )
        assert (auth.status, auth.codes, auth.visits_allowed, auth.number) == (
            "pending", "97110 97140", 12, None,
        )  # fmt: skip
        assert screen.query_one(AuthorizationTable).row_count == 1

        # it is in the pending list, with its follow-up date
        await open_screen(pilot, PendingAuthorizationsScreen())
        pending = top(app)
        assert isinstance(pending, PendingAuthorizationsScreen)
        ids = [row.authorization_id for row in pending.rows]
        assert auth.id in ids
        mine = pending.rows[ids.index(auth.id)]
        assert mine.follow_up_on is not None and mine.follow_up_on.isoformat() == "2026-11-09"
        table = pending.query_one(PendingAuthTable)
        table.move_cursor(row=ids.index(auth.id))
        await pilot.press("enter")
        await settle(pilot)
        answer = form_screen(app)
        assert isinstance(answer, AuthorizationScreen)
        assert answer.authorization_id == auth.id and answer.coverage_id == patient.coverage_id
        assert answer.values()["codes"] == "97110 97140"

        # approved without the payer's number: refused at the number field
        fill(answer, status="approved")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert top(app) is answer
        assert "number" in field_errors(answer)
        assert app.focused is answer.fields()["number"].editor
        status_now = one_row(
            demo_engine, 'SELECT status FROM "authorization" WHERE id = :a', a=auth.id
        )
        assert status_now.status == "pending"

        # with the number it is recorded and leaves the list
        await pilot.press(*"PA-778899")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert top(app) is pending
        assert auth.id not in [row.authorization_id for row in pending.rows]
        done = one_row(demo_engine, 'SELECT * FROM "authorization" WHERE id = :a', a=auth.id)
        assert (done.status, done.number) == ("approved", "PA-778899")


async def test_pending_list_opens_the_patient_and_reloads(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, PendingAuthorizationsScreen())
        pending = top(app)
        assert isinstance(pending, PendingAuthorizationsScreen)
        with demo_engine.connect() as conn:
            expected = conn.execute(
                text("SELECT count(*) FROM \"authorization\" WHERE status = 'pending'")
            ).scalar()
        assert len(pending.rows) == expected and expected
        follow_ups = [row.follow_up_on for row in pending.rows if row.follow_up_on]
        assert follow_ups == sorted(follow_ups)
        first = pending.rows[0]
        await pilot.press("p")
        await settle(pilot)
        screen = top(app)
        assert isinstance(screen, PatientScreen) and screen.patient_id == first.patient_id
        await pilot.press("escape")
        with demo_engine.begin() as conn:
            conn.execute(
                text("UPDATE \"authorization\" SET status = 'denied' WHERE id = :a"),
                {"a": first.authorization_id},
            )
        await pilot.press("r")
        await settle(pilot)
        assert first.authorization_id not in [row.authorization_id for row in pending.rows]
