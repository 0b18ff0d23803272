"""The patient screen's coverages and prior authorizations tables, and their cells."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.binding import Binding, BindingType

from medbill_tui.records.forms import AuthorizationOption, CoverageOption
from medbill_tui.widgets.form_table import PickTable
from medbill_tui.widgets.text import NONE_SHOWN, fmt_date, fmt_date_short


class CoverageTable(PickTable):
    """The patient's coverages, primary first.

    | Key(s) | Description |
    | :- | :- |
    | enter | Edit the highlighted coverage. |
    | n | Add a coverage. |
    | A | Request a prior authorization on the highlighted coverage. |
    """

    COLUMNS = (("Pri", 3), ("Payer", 24), ("Member ID", 16), ("From", 10), ("To", 10))

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Edit",
            id="patient.coverage-edit",
            tooltip="Edit the highlighted coverage",
        ),
        Binding(
            "n",
            "screen.new_coverage",
            "New coverage",
            id="patient.coverage-new",
            tooltip="Add a coverage for this patient",
        ),
        Binding(
            "A",
            "screen.request_authorization",
            "Request auth",
            id="patient.auth-request",
            tooltip="Request a prior authorization on the highlighted coverage",
        ),
    ]


class AuthorizationTable(PickTable):
    """The patient's prior authorizations, newest first.

    | Key(s) | Description |
    | :- | :- |
    | enter | Record the payer's answer for the highlighted authorization. |
    """

    COLUMNS = (
        ("Status", 8),
        ("Number", 11),
        ("Codes", 12),
        ("Used", 5),
        ("Dates", 17),
        ("Follow-up", 9),
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Outcome",
            id="patient.auth-outcome",
            tooltip="Record the payer's answer",
        ),
    ]


def visits_text(auth: AuthorizationOption) -> str:
    allowed = str(auth.visits_allowed) if auth.visits_allowed is not None else NONE_SHOWN
    return f"{auth.visits_used}/{allowed}"


def dates_text(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return NONE_SHOWN
    if end is None:
        return f"from {fmt_date_short(start)}"
    if start is None:
        return f"to {fmt_date_short(end)}"
    return f"{fmt_date_short(start)}-{fmt_date_short(end)}"


def coverage_cells(coverage: CoverageOption) -> list[str]:
    return [
        str(coverage.priority),
        coverage.payer_name,
        coverage.member_id,
        fmt_date(coverage.effective_from),
        fmt_date(coverage.effective_to) if coverage.effective_to else "open",
    ]


def authorization_cells(auth: AuthorizationOption) -> list[str]:
    return [
        auth.status,
        auth.number or NONE_SHOWN,
        auth.codes.replace(",", " "),
        visits_text(auth),
        dates_text(auth.start_date, auth.end_date),
        fmt_date_short(auth.follow_up_on),
    ]
