"""Keystroke budgets of the work a biller repeats all day besides keying visits: a denial to
its corrected claim, an 835 from the inbox to posted, a follow-up with a note and a date.
Counted with the same `Keys` helper as the new-encounter budget; the sequences are recorded
in docs/performance.md."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, text

from medbill_tui.edi.sandbox import respond
from medbill_tui.records.queues import DenialRow, QueueFilter, QueueKind
from medbill_tui.screens.account_detail import AccountDetailScreen
from medbill_tui.screens.denial import DenialScreen
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.screens.inbox import InboxScreen
from medbill_tui.screens.note import NoteScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_keystrokes import Keys

DENIAL_BUDGET = 12
"""From the dashboard to a denial's corrected claim, ready to send."""
REMITTANCE_BUDGET = 12
"""From the dashboard to a new 835 in the inbox posted."""
FOLLOWUP_BUDGET = 14
"""From the dashboard to a follow-up on an account found by its number (besides the data)."""


def report(keys: Keys) -> None:
    print(f"\nkeystrokes: {len(keys.keys)}: {keys.sequence()}")
    print(f"typed data: {keys.typed} ({sum(map(len, keys.typed))} characters)")


# a denial to its corrected claim ----------------------------------------------------------


def first_denial(services: Services) -> DenialRow:
    page = services.queues.page(QueueKind.DENIALS, QueueFilter(), None, 50)
    return next(row for row in page.rows if isinstance(row, DenialRow))


def resubmitted(engine: Engine, work_item_id: int, claim_id: int) -> None:
    """The denial is closed, its claim replaced, and a new claim for the same visit waits,
    ready to send, with the visit's charges."""
    with engine.connect() as conn:
        item = conn.execute(text("SELECT status, detail FROM work_item WHERE id = :i"),
                            {"i": work_item_id}).one()  # fmt: skip
        old = conn.execute(text("SELECT status, claim_no, encounter_id FROM claim WHERE id = :c"),
                           {"c": claim_id}).one()  # fmt: skip
        new = conn.execute(
            text("SELECT c.status, c.total_charge, c.frequency FROM claim c JOIN claim_event e "
                 "ON e.claim_id = c.id WHERE e.detail = :d"),
            {"d": f"corrected claim replacing {old.claim_no}"},
        ).one()  # fmt: skip
        charges = conn.execute(
            text("SELECT sum(amount) FROM charge WHERE encounter_id = :e"), {"e": old.encounter_id}
        ).scalar_one()
    assert item.status == "done" and "resubmitted as" in item.detail
    assert old.status == "replaced"
    assert new.status == "ready" and new.frequency in ("1", "7")
    assert isinstance(new.total_charge, Decimal) and new.total_charge == charges


async def test_denial_to_corrected_claim_within_the_budget(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    oldest = first_denial(services)
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.key("3")  # the denials work list
        queue = app.screen
        assert isinstance(queue, QueueScreen) and queue.kind is QueueKind.DENIALS
        await keys.key("n")  # take the oldest denial nobody holds; it opens
        denial = app.screen
        assert isinstance(denial, DenialScreen) and denial.work_item_id == oldest.work_item_id
        await keys.key("r")  # correct and resubmit: asks first
        assert isinstance(app.screen, ConfirmScreen)
        await keys.key("y")
        after: object = app.screen
        assert after is denial and "Resubmitted" in spy.titles()
        report(keys)
        assert len(keys.keys) <= DENIAL_BUDGET
        assert keys.sequence() == "3 n r y"
        resubmitted(demo_engine, oldest.work_item_id, oldest.claim_id)

        await keys.key("d")  # on to the next denial nobody holds, taken and open
        following = app.screen
        assert isinstance(following, DenialScreen)
        assert following.work_item_id != oldest.work_item_id and following.denial is not None
        assert following.denial.status == "open"


# an 835 from the inbox to posted ----------------------------------------------------------


def inbox_with_a_new_835(services: Services, tmp_path: Path) -> Path:
    """The sandbox clearinghouse's answers to today's 837P, named as `medbill sandbox respond`
    names them; the 999 and the 277CA came and were imported earlier and stay in the folder
    (sorted by name the 835 is between them)."""
    services.claims.create()
    run = services.submissions.submit(out_dir=tmp_path / "out")
    sent = Path(run.files[0].path)
    answer = respond(sent.read_text(), seed=5, reject_rate=0.0, deny_rate=0.1,
                     today=DEMO_TODAY, ack_reject_rate=0.0)  # fmt: skip
    assert answer.ack_277ca is not None and answer.era_835 is not None
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    for suffix, content in (("999", answer.ack_999), ("277CA", answer.ack_277ca),
                            ("835", answer.era_835)):  # fmt: skip
        (inbox / f"{sent.stem}.{suffix}.x12").write_text(content, encoding="ascii")
    for suffix in ("999", "277CA"):
        assert services.imports.import_file(inbox / f"{sent.stem}.{suffix}.x12").status == (
            "imported"
        )
    services.inbox = inbox
    return inbox / f"{sent.stem}.835.x12"


def posted(engine: Engine, file_name: str) -> None:
    """Every payment of the file (one per payer) is posted: its payments are in the ledger,
    matching what the payer paid on the claims it found (a payer may have denied them all)."""
    with engine.connect() as conn:
        remits = conn.execute(
            text("SELECT r.id, r.status FROM remittance r JOIN edi_file f "
                 "ON f.id = r.edi_file_id WHERE f.file_name = :n"), {"n": file_name},
        ).all()  # fmt: skip
        assert remits and all(remit.status == "posted" for remit in remits)
        total = Decimal("0.00")
        for remit in remits:
            ledger = conn.execute(
                text("SELECT coalesce(-sum(amount), 0) FROM ledger_entry "
                     "WHERE remittance_id = :r AND kind = 'payment'"), {"r": remit.id},
            ).scalar_one()  # fmt: skip
            paid = conn.execute(
                text("SELECT coalesce(sum(paid), 0) FROM claim_payment "
                     "WHERE remittance_id = :r AND claim_id IS NOT NULL"), {"r": remit.id},
            ).scalar_one()  # fmt: skip
            assert isinstance(ledger, Decimal) and ledger == paid
            total += ledger
    assert total > 0


async def test_835_from_the_inbox_to_posted_within_the_budget(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine, tmp_path: Path
) -> None:
    era = inbox_with_a_new_835(services, tmp_path)
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.key("6")  # the inbox; the cursor starts on the first file not imported
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        assert [entry.name for entry in inbox.entries].index(era.name) == 1
        highlighted = inbox.highlighted()
        assert highlighted is not None and highlighted.name == era.name
        await keys.key("enter")  # preview: the payment, its payer and amount, what it matches
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert f"{era.name}: would import 835; payment" in confirm.question
        await keys.key("y")  # import and post
        after: object = app.screen
        assert after is inbox and "posted" in inbox.results[era.name]
        assert ("Imported 1 file", "Inbox", "information") in spy.notes
    report(keys)
    assert len(keys.keys) <= REMITTANCE_BUDGET
    assert keys.sequence() == "6 enter y"
    posted(demo_engine, era.name)
    assert services.remittances.check_ledger() == ()


# a follow-up on an account ----------------------------------------------------------------


def account_without_follow_up(services: Services) -> tuple[int, str]:
    """(patient id, account number) of an account that owes money and has no follow-up."""
    with services.engine.connect() as conn:
        row = conn.execute(text(
            """SELECT p.id, p.account_no FROM patient p
               WHERE (SELECT sum(amount) FROM ledger_entry l WHERE l.patient_id = p.id) > 0
                 AND NOT EXISTS (SELECT 1 FROM work_item w WHERE w.patient_id = p.id
                                 AND w.kind = 'followup')
               ORDER BY p.account_no LIMIT 1""")).one()  # fmt: skip
    return int(row.id), str(row.account_no)


async def test_follow_up_on_an_account_within_the_budget(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    patient_id, account_no = account_without_follow_up(services)
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.key("4")  # outstanding balances
        await keys.key("slash")  # filter
        await keys.data(account_no)
        await keys.key("enter")  # apply: the account's rows
        queue = app.screen
        assert isinstance(queue, QueueScreen) and queue.rows
        await keys.key("enter")  # open the account
        assert isinstance(app.screen, AccountDetailScreen)
        assert app.screen.patient_id == patient_id
        await keys.key("m")  # a note with a next-action date
        assert isinstance(app.screen, NoteScreen)
        await keys.data("sent itemized bill")
        await keys.key("enter")  # to the date
        await keys.data("+14")
        await keys.key("enter")  # save
        assert isinstance(app.screen, AccountDetailScreen) and "Note" in spy.titles()
    report(keys)
    assert len(keys.keys) <= FOLLOWUP_BUDGET
    assert keys.sequence() == "4 slash enter enter m enter enter"
    with demo_engine.connect() as conn:
        item = conn.execute(
            text("SELECT status, due_on, owner, claim_id FROM work_item "
                 "WHERE patient_id = :p AND kind = 'followup'"), {"p": patient_id},
        ).one()  # fmt: skip
        body = conn.execute(
            text("SELECT body FROM note WHERE entity = 'patient' AND entity_id = :p"),
            {"p": patient_id},
        ).scalar_one()
    assert (item.status, item.due_on, item.owner, item.claim_id) == (
        "open", DEMO_TODAY + timedelta(days=14), services.actor, None,
    )  # fmt: skip
    assert body == "sent itemized bill"


# a rejection for a wrong member id, fixed and sent again -------------------------------------

REJECTION_BUDGET = 20
"""Issue 16: from the dashboard, a rejected claim's member id corrected and the claim sent
again, in at most 20 keys (the new member id not counted)."""


async def test_rejection_fixed_and_resent_within_the_budget(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    from medbill_tui.screens.coverage import CoverageScreen
    from medbill_tui.screens.encounter_entry import EncounterEntryScreen

    with services.engine.connect() as conn:
        oldest = conn.execute(
            text(
                "SELECT c.id, c.claim_no, c.coverage_id FROM work_item w JOIN claim c "
                "ON c.id = w.claim_id WHERE w.kind = 'rejection' AND w.status = 'open' "
                "ORDER BY w.opened_on, w.id LIMIT 1"
            )
        ).one()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.key("8")  # the rejections list
        await settle(pilot)
        rejections = app.screen
        await keys.key("n")  # the oldest rejection, in charge entry with the reason on top
        await settle(pilot)
        assert isinstance(app.screen, EncounterEntryScreen)
        await keys.key("ctrl+y")  # the visit's coverage
        await settle(pilot)
        assert isinstance(app.screen, CoverageScreen)
        await keys.key("tab", "ctrl+u")  # to the member id, emptied
        await keys.data("W987654321")
        await keys.key("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EncounterEntryScreen)
        await keys.key("escape")
        await settle(pilot)
        assert app.screen is rejections
        await keys.key("R")  # send it again as it stands
        await settle(pilot)
    report(keys)
    assert len(keys.keys) <= REJECTION_BUDGET
    with services.engine.connect() as conn:
        status = conn.execute(
            text("SELECT status FROM claim WHERE id = :c"), {"c": oldest.id}
        ).scalar_one()
        member = conn.execute(
            text("SELECT member_id FROM coverage WHERE id = :c"), {"c": oldest.coverage_id}
        ).scalar_one()
    assert status == "ready" and member == "W987654321"
