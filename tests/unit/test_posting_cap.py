"""A payer's answer never moves more off a responsibility than it owes (domain.posting)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from medbill_tui.domain.posting import PlannedEntry, plan_claim_posting


@dataclass(frozen=True)
class Cas:
    group: str
    carc: str
    amount: Decimal


@dataclass(frozen=True)
class Svc:
    code: str
    adjustments: tuple[Cas, ...]
    remarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Clp:
    paid: Decimal
    adjustments: tuple[Cas, ...] = ()
    services: tuple[Svc, ...] = ()
    pcn: str = "C1001"
    status: str = "1"
    payer_claim_no: str = "PCN9"
    remarks: tuple[str, ...] = ()


def D(value: str) -> Decimal:
    return Decimal(value)


def test_secondary_pr_beyond_what_it_owes_moves_only_the_balance() -> None:
    """The tester's 835: the secondary owes 10.00, pays nothing, says PR-27 on all 342.25."""
    clp = Clp(D("0.00"), (Cas("PR", "27", D("342.25")),))
    plan = plan_claim_posting(clp, "secondary", "patient", owed=D("10.00"))
    assert [(e.kind, e.responsibility, e.amount) for e in plan.entries] == [
        ("transfer", "secondary", D("-10.00")),
        ("transfer", "patient", D("10.00")),
    ]
    assert plan.entries[0].memo == "PR-27 (payer said 342.25)"
    assert plan.notes == (
        "claim C1001: the payer's PR-27 of 342.25 is more than the secondary still owed "
        "(10.00): 10.00 moved to the patient, 332.25 not posted",
    )


def test_write_off_beyond_the_balance_after_the_payment_is_capped_in_cas_order() -> None:
    """Owed 100.00, paid 60.00: CO-45 30.00 fits, PR-1 25.00 only 10.00, CO-45 5.00 nothing."""
    line = Svc(
        "99213",
        (Cas("CO", "45", D("30.00")), Cas("PR", "1", D("25.00")), Cas("CO", "45", D("5.00"))),
    )
    plan = plan_claim_posting(
        Clp(D("60.00"), services=(line,)), "primary", "secondary", owed=D("100.00")
    )
    assert [(e.kind, e.responsibility, e.amount) for e in plan.entries] == [
        ("payment", "primary", D("-60.00")),
        ("adjustment", "primary", D("-30.00")),
        ("transfer", "primary", D("-10.00")),
        ("transfer", "secondary", D("10.00")),
    ]
    assert sum(e.amount for e in plan.entries if e.responsibility == "primary") == D("-100.00")
    assert len(plan.notes) == 2
    assert "CO-45 of 5.00" in plan.notes[1] and "0.00 written off, 5.00 not posted" in plan.notes[1]


def test_an_overpayment_posts_as_received_and_moves_nothing_more() -> None:
    clp = Clp(D("120.00"), (Cas("PR", "2", D("15.00")),))
    plan = plan_claim_posting(clp, "primary", "patient", owed=D("100.00"))
    assert plan.entries == (
        PlannedEntry("payment", "primary", D("-120.00"), "paid by payer, claim PCN9"),
    )
    assert "15.00 not posted" in plan.notes[0]


def test_a_normal_answer_is_unchanged() -> None:
    """Charge 200.00 = paid 120.00 + CO-45 50.00 + PR-2 30.00; a negative CO adds room."""
    line = Svc("99214", (Cas("CO", "45", D("50.00")), Cas("PR", "2", D("30.00"))))
    plan = plan_claim_posting(
        Clp(D("120.00"), services=(line,)), "primary", "patient", owed=D("200.00")
    )
    assert [(e.kind, e.responsibility, e.amount, e.memo) for e in plan.entries[1:]] == [
        ("adjustment", "primary", D("-50.00"), "CO-45"),
        ("transfer", "primary", D("-30.00"), "PR-2"),
        ("transfer", "patient", D("30.00"), "PR-2"),
    ]
    assert plan.notes == ()
    back = Clp(D("110.00"), (Cas("CO", "45", D("-10.00")),))
    assert plan_claim_posting(back, "primary", "patient", owed=D("100.00")).net == D("-100.00")


def test_the_prior_payers_share_still_posts_nothing() -> None:
    clp = Clp(D("8.00"), (Cas("OA", "23", D("332.25")), Cas("PR", "1", D("2.00"))))
    plan = plan_claim_posting(clp, "secondary", "patient", owed=D("10.00"))
    assert sum(e.amount for e in plan.entries if e.responsibility == "secondary") == D("-10.00")
    assert plan.notes == ()
