"""The printable patient statement: plain text, at most 80 columns, one per guarantor (pure)."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import groupby

from medbill_tui.domain.money import fmt_money
from medbill_tui.domain.statements import pay_by
from medbill_tui.domain.us_format import phone_text, us_date, zip_text
from medbill_tui.records.statements import (
    ZERO,
    DunningPolicy,
    PracticeInfo,
    StatementAccount,
    Step,
    VisitLine,
)

WIDTH = 80
MONEY_COL = 12
RULE = "-" * WIDTH

TITLES = {
    Step.FIRST: "PATIENT STATEMENT",
    Step.REMINDER: "STATEMENT - REMINDER",
    Step.FINAL: "FINAL NOTICE",
}

MESSAGES = {
    Step.FIRST: (
        "Your insurance has processed the visits below; the amount due is your share. "
        "Please pay by {pay_by}. Questions about this bill? Call our billing office{phone}."
    ),
    Step.REMINDER: (
        "REMINDER: we have not received payment of the balance above. Please pay by "
        "{pay_by}, or call our billing office{phone} to arrange a payment plan."
    ),
    Step.FINAL: (
        "FINAL NOTICE: the balance above is past due. If it is not paid by {pay_by}, this "
        "account may be referred to a collection agency. Please call our billing office{phone} "
        "today to arrange payment."
    ),
}

DIRECT_FIRST = (
    "The visits below are billed to you directly; the amount due is yours to pay. "
    "Please pay by {pay_by}. Questions about this bill? Call our billing office{phone}."
)
"""The first statement's words when no visit on it went through insurance."""


def _money(amount: Decimal) -> str:
    text = fmt_money(amount)
    return text if len(text) < MONEY_COL else f"{amount:.2f}"


def _place(city: str, state: str, zip_code: str) -> str:
    return f"{city}, {state} {zip_text(zip_code)}".strip(", ")


def _pair(left: str, right: str) -> str:
    room = WIDTH - len(right) - 2
    return f"{left[:room]:<{room}}  {right}"


def _row(first: str, second: str, amounts: tuple[str, ...]) -> str:
    cols = "".join(f"{a:>{MONEY_COL}}" for a in amounts)
    return f"{first:<10}  {second[:20]:<20}{cols}"


def _visit_rows(visits: list[VisitLine]) -> list[str]:
    lines: list[str] = []
    ordered = sorted(visits, key=lambda v: (v.patient_account, v.dos, v.encounter_id))
    for (account, name), group in groupby(
        ordered, key=lambda v: (v.patient_account, v.patient_name)
    ):
        lines.append(f"Patient: {name} (account {account})"[:WIDTH])
        for v in group:
            amounts = (v.charges, v.insurance_paid, v.adjusted, v.due)
            shown = tuple(
                "" if v.billed_direct and i == 1 else _money(a) for i, a in enumerate(amounts)
            )
            lines.append(_row(us_date(v.dos), v.provider, shown))
            notes = ["billed to you directly"] if v.billed_direct else []
            if v.patient_paid:
                notes.append(f"you paid {fmt_money(v.patient_paid)}")
            if v.insurance_pending:
                notes.append(f"insurance still owes {fmt_money(v.insurance_pending)}")
            if notes:
                lines.append(("            " + "; ".join(notes))[:WIDTH])
    return lines


@lru_cache(maxsize=32)
def _message(step: Step, pay_date: date, direct: bool, phone: str) -> tuple[str, ...]:
    """The step's words, wrapped (the same for every statement of a run)."""
    words = DIRECT_FIRST if direct and step is Step.FIRST else MESSAGES[step]
    at = f" at {phone_text(phone)}" if phone else ""
    return tuple(textwrap.wrap(words.format(pay_by=us_date(pay_date), phone=at), WIDTH))


def render_statement(
    practice: PracticeInfo,
    account: StatementAccount,
    step: Step,
    as_of: date,
    visits: list[VisitLine],
    policy: DunningPolicy,
) -> str:
    """The statement text (lines of at most 80 characters, ending in a newline)."""
    due = account.balance
    pay_date = pay_by(step, as_of, policy)
    direct = bool(visits) and all(v.billed_direct for v in visits)
    lines = [
        _pair(practice.name, TITLES[step]),
        _pair(practice.address1, f"Statement date: {us_date(as_of)}"),
        _pair(
            _place(practice.city, practice.state, practice.zip), f"Account: {account.account_no}"
        ),
        _pair(
            f"Billing office: {phone_text(practice.phone)}" if practice.phone else "",
            f"Amount due: ${fmt_money(due)}",
        ),
        "",
        account.name[:WIDTH],
        account.address1[:WIDTH],
        _place(account.city, account.state, account.zip)[:WIDTH],
        "",
        "=" * WIDTH,
        _row("Date", "Provider", ("Charges", "" if direct else "Ins. paid", "Adjusted", "You owe")),
        RULE,
    ]
    lines += _visit_rows(visits)
    totals = tuple(
        sum((getattr(v, f) for v in visits), ZERO)
        for f in ("charges", "insurance_paid", "adjusted", "due")
    )
    shown = tuple("" if direct and i == 1 else _money(t) for i, t in enumerate(totals))
    lines += [RULE, _row("Totals", "", shown), ""]
    lines.append(_pair("", f"AMOUNT DUE: ${fmt_money(due)}"))
    lines.append(_pair("", f"PLEASE PAY BY: {us_date(pay_date)}"))
    lines.append("")
    lines += _message(step, pay_date, direct, practice.phone)
    lines += [
        "",
        "- - - - - - - - - - - - detach and return this part with your payment - - - - -",
        _pair(practice.name, f"Account: {account.account_no}"),
        _pair(account.name, f"Amount due: ${fmt_money(due)}"),
        _pair("", "Amount enclosed: $__________"),
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"
