"""The paper EOB screen (inbox, e): key a check and its claims, post once they balance; an
unbalanced check and a check number posted before are refused and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, text
from textual.pilot import Pilot
from textual.widgets import Static

from medbill_tui.screens.conflict import ConfirmScreen
from medbill_tui.screens.paper_eob import PaperEobScreen
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.paper_eob_claim import KeyedClaimBlock
from tests.ui.conftest import settle
from tests.ui.test_keystrokes import Keys

D = Decimal
CENT = D("0.01")
OPEN = "('submitted', 'accepted_999', 'acknowledged_277ca')"
"""Claims sent and waiting for the payer's answer."""


@dataclass(frozen=True)
class LineAnswer:
    allowed: Decimal
    paid: Decimal
    adjustments: str


@dataclass(frozen=True)
class ClaimAnswer:
    claim_no: str
    lines: tuple[LineAnswer, ...]

    @property
    def paid(self) -> Decimal:
        return sum((x.paid for x in self.lines), D("0.00"))


def open_claims(engine: Engine, count: int) -> tuple[str, list[ClaimAnswer]]:
    """`count` open claims of one payer, each line allowed at 60 %, 80 % of that paid and
    the rest coinsurance: the payer's name and the answers."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT py.name, c.id, c.claim_no FROM claim c JOIN payer py ON py.id = c.payer_id "
                f"WHERE c.status IN {OPEN} AND c.payer_id = (SELECT payer_id FROM claim "
                f"WHERE status IN {OPEN} GROUP BY payer_id ORDER BY count(*) DESC, payer_id "
                "LIMIT 1) ORDER BY c.id LIMIT :n"
            ),
            {"n": count},
        ).all()
        assert len(rows) == count
        answers = []
        for row in rows:
            charges = conn.execute(
                text("SELECT amount FROM claim_line WHERE claim_id = :c ORDER BY line_no"),
                {"c": row.id},
            ).scalars()
            lines = []
            for charge in charges:
                allowed = (charge * D("0.6")).quantize(CENT)
                paid = (allowed * D("0.8")).quantize(CENT)
                adjustments = f"CO-45:{charge - allowed} PR-2:{allowed - paid}"
                lines.append(LineAnswer(allowed, paid, adjustments))
            answers.append(ClaimAnswer(str(row.claim_no), tuple(lines)))
    return str(rows[0].name), answers


async def key_check(
    keys: Keys, payer: str, check_no: str, amount: Decimal, day: str = "10/15/2026"
) -> None:
    """From the dashboard to the claim box of a new paper EOB with its check keyed."""
    await keys.key("6")  # the inbox
    await keys.key("e")  # paper EOB
    for value in (payer, check_no, day, str(amount)):
        await keys.data(value)
        await keys.key("enter")


async def key_claim(keys: Keys, claim: ClaimAnswer) -> None:
    """Find the claim by its number and key its lines; the cursor ends in the claim box."""
    await keys.data(claim.claim_no)
    await keys.key("enter")
    for line in claim.lines:
        for value in (str(line.allowed), str(line.paid), line.adjustments):
            await keys.data(value)
            await keys.key("enter")
        await keys.key("enter", "enter")  # no RARC; patient share as the PR adjustments


def posted(engine: Engine, check_no: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT r.trace_no, r.amount, a.actor FROM remittance r JOIN audit_event a "
                    "ON a.entity_id = r.id AND a.action = 'post-paper-eob' WHERE r.trace_no = :t"
                ),
                {"t": check_no},
            )
        ]


def message(app: MedbillApp) -> str:
    return str(app.screen.query_one("#eob-message", Static).render())


async def test_a_two_claim_eob_posts_once_it_balances(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    payer, claims = open_claims(app.services.engine, 2)
    amount = sum((c.paid for c in claims), D("0.00"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await key_check(keys, payer, "PAPER1", amount)
        await key_claim(keys, claims[0])
        total = str(app.screen.query_one("#eob-total", Static).render())
        assert f"{claims[1].paid:,} left" in total
        await key_claim(keys, claims[1])
        assert "balances" in str(app.screen.query_one("#eob-total", Static).render())
        await keys.key("enter")  # a blank claim box: post
        assert isinstance(app.screen, ConfirmScreen)
        await keys.key("y")
        await wait_for_message(pilot, app, "Posted check PAPER1")
        assert "on 2 claims" in message(app)
    assert posted(app.services.engine, "PAPER1") == [("PAPER1", amount, "tester")]


async def wait_for_message(pilot: Pilot[Any], app: MedbillApp, words: str) -> None:
    await app.workers.wait_for_complete()
    await settle(pilot)
    assert words in message(app), message(app)


async def test_unbalanced_and_posted_before_are_refused(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    payer, [claim] = open_claims(app.services.engine, 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await key_check(keys, payer, "PAPER2", claim.paid + 10)
        await key_claim(keys, claim)
        await keys.key("ctrl+s")
        assert isinstance(app.screen, PaperEobScreen)
        assert "Not posted" in message(app) and "off by 10.00" in message(app)
        assert posted(app.services.engine, "PAPER2") == []
        app.screen.query_one("#eob-amount").value = str(claim.paid)  # type: ignore[attr-defined]
        await keys.key("ctrl+s", "y")
        await wait_for_message(pilot, app, "Posted check PAPER2")
        # the same check again, keyed by someone who did not see it posted
        await keys.data("PAPER2")
        await keys.key("enter")
        for value in ("10/15/2026", str(claim.paid)):
            await keys.data(value)
            await keys.key("enter")
        await key_claim(keys, claim)
        await keys.key("ctrl+s", "y")
        await wait_for_message(pilot, app, "PAPER2 was already posted by tester on")
    assert len(posted(app.services.engine, "PAPER2")) == 1


async def test_an_unknown_payer_and_a_paid_box_not_an_amount_are_refused(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    payer, [claim] = open_claims(app.services.engine, 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await key_check(keys, "NO SUCH PAYER", "PAPER4", claim.paid)
        await keys.data(claim.claim_no)
        await keys.key("enter")
        assert "No payer is named 'NO SUCH PAYER'" in message(app)
        app.screen.query_one("#eob-payer").value = payer  # type: ignore[attr-defined]
        await keys.key("enter")  # the claim box still holds the claim number
        first = claim.lines[0]
        await keys.data(str(first.allowed))
        await keys.key("enter")
        await keys.data("12x")
        await keys.key("ctrl+s")
        assert "Not posted" in message(app) and "line 1" in message(app)
        assert "'12x' is not an amount" in message(app)
    assert posted(app.services.engine, "PAPER4") == []


async def test_a_check_dated_after_today_is_refused_before_asking(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    payer, [claim] = open_claims(app.services.engine, 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await key_check(keys, payer, "PAPER5", claim.paid, day="12/07/2099")
        await key_claim(keys, claim)
        await keys.key("ctrl+s")
        assert isinstance(app.screen, PaperEobScreen)  # not asked "Post check …?"
        assert "Not posted" in message(app)
        assert "the check date 12/07/2099 is after today" in message(app)
        assert app.screen.query_one("#eob-date").value == "12/07/2099"  # type: ignore[attr-defined]
    assert posted(app.services.engine, "PAPER5") == []


async def test_escape_asks_before_losing_a_keyed_check_header(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await key_check(keys, "ACME", "PAPER6", D("12.00"))
        eob = app.screen
        await keys.key("escape")
        assert isinstance(app.screen, ConfirmScreen)
        assert "What you keyed is not posted and is lost" in app.screen.question
        await keys.key("n")  # stay
        assert app.screen is eob
        assert eob.query_one("#eob-check").value == "PAPER6"  # type: ignore[attr-defined]
        await keys.key("escape", "y")
        assert not isinstance(app.screen, PaperEobScreen)


async def test_a_payer_is_found_by_part_of_its_name(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    with app.services.engine.connect() as conn:
        claim_no = conn.execute(
            text(
                f"SELECT c.claim_no FROM claim c JOIN payer py ON py.id = c.payer_id "
                f"WHERE c.status IN {OPEN} AND py.name = 'Blue Cross Blue Shield' LIMIT 1"
            )
        ).scalar_one()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await key_check(keys, "blue", "PAPER7", D("12.00"))
        await keys.data(claim_no)
        await keys.key("enter")
        await app.workers.wait_for_complete()
        await settle(pilot)
        eob = app.screen
        assert [b.claim.claim_no for b in eob.query(KeyedClaimBlock)] == [claim_no], message(app)
        assert eob.query_one("#eob-payer").value == "Blue Cross Blue Shield"  # type: ignore[attr-defined]


BUDGET = 50
"""Key presses other than typed amounts, codes and names for a 3-claim paper EOB from the
dashboard to posted (each claim here has one to three lines)."""


async def test_keystroke_budget_for_a_three_claim_eob(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    payer, claims = open_claims(app.services.engine, 3)
    amount = sum((c.paid for c in claims), D("0.00"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await key_check(keys, payer, "PAPER3", amount)
        for claim in claims:
            await key_claim(keys, claim)
        await keys.key("enter", "y")
        await wait_for_message(pilot, app, "Posted check PAPER3")
    lines = sum(len(c.lines) for c in claims)
    # 6 e and Enter after each check box; per claim Enter finds it; per line Enter after
    # each of its five boxes; Enter on the blank claim box and y post
    assert len(keys.keys) == 6 + 3 + 5 * lines + 2, keys.sequence()
    assert len(keys.keys) <= BUDGET, keys.sequence()
