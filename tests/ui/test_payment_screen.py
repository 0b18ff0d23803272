"""`$` on an account: type a payment, see where it goes, confirm, and the balance moves."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import text
from textual.widgets import Input, Static

from medbill_tui.screens.account_detail import AccountDetailScreen
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.screens.payment import PaymentScreen
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import settle


def patient_owing(app: MedbillApp) -> tuple[int, Decimal]:
    with app.services.engine.connect() as conn:
        row = conn.execute(
            text("SELECT patient_id, sum(amount) FROM ledger_entry "
                 "WHERE responsibility = 'patient' GROUP BY patient_id "
                 "HAVING sum(amount) > 20 ORDER BY patient_id LIMIT 1")
        ).one()  # fmt: skip
    return int(row[0]), Decimal(row[1])


def owed(app: MedbillApp, patient_id: int) -> Decimal:
    with app.services.engine.connect() as conn:
        return Decimal(conn.execute(
            text("SELECT sum(amount) FROM ledger_entry WHERE responsibility = 'patient' "
                 "AND patient_id = :p"), {"p": patient_id},
        ).scalar_one())  # fmt: skip


async def test_dollar_posts_a_payment_after_showing_where_it_goes(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    patient_id, before = patient_owing(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(AccountDetailScreen(patient_id))
        await settle(pilot)
        await pilot.press("dollar_sign")
        await settle(pilot)
        assert isinstance(app.screen, PaymentScreen)
        await pilot.press("escape")  # cancel: nothing posted
        await settle(pilot)
        assert isinstance(app.screen, AccountDetailScreen) and owed(app, patient_id) == before
        await pilot.press("dollar_sign")
        await settle(pilot)
        await pilot.press(*"20.00", "enter", "enter", "enter")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.question.startswith("Post cash 20.00 to ")
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, AccountDetailScreen)
    assert owed(app, patient_id) == before - Decimal("20.00")
    receipts = list(app.services.payments.receipts.glob("payment_*.txt"))
    assert len(receipts) == 1 and "20.00" in receipts[0].read_text()


async def test_bad_amount_is_refused_in_the_dialog_keeping_what_was_typed(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    patient_id, before = patient_owing(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(AccountDetailScreen(patient_id))
        await settle(pilot)
        await pilot.press("dollar_sign", *"5O.00", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PaymentScreen)
        error = dialog.query_one("#pay-amount-error", Static)
        assert error.display and "Amount: '5O.00' is not an amount" in str(error.render())
        amount = dialog.query_one("#pay-amount", Input)
        assert dialog.focused is amount and amount.value == "5O.00"
        # past the amount with Tab: the reference is typed, then Enter on the last box
        await pilot.press("ctrl+a", "ctrl+k", *"-50", "tab", "tab", *"CHK 881", "tab", "enter")
        await settle(pilot)
        assert app.screen is dialog and dialog.focused is amount
        assert "'-50' is not an amount above zero" in str(error.render())
        assert dialog.query_one("#pay-ref", Input).value == "CHK 881"
        await pilot.press("ctrl+a", "ctrl+k", *"20.00", "enter")
        await settle(pilot)
        assert not error.display
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AccountDetailScreen)
    assert owed(app, patient_id) == before
