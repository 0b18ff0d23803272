"""Reports as text: plain tables (tabulate), CSV (csv module) or JSON (amounts as strings).

Shared by `medbill report …` and the Reports screen; no I/O, no database.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from tabulate import tabulate

from medbill_tui.domain.money import fmt_money, money_str
from medbill_tui.records.reports import (
    AgingReport,
    DenialGroup,
    DenialsReport,
    PaymentsReport,
    ProductivityReport,
)

FORMATS = ("plain", "csv", "json")
Report = AgingReport | DenialsReport | PaymentsReport | ProductivityReport


def render(report: Report, fmt: str, width: int = 80) -> str:
    """`report` in one of FORMATS; plain text aims to fit `width` columns."""
    if fmt == "json":
        return json.dumps(_JSON[type(report)](report), indent=2)
    if fmt == "csv":
        return _csv(_CSV[type(report)](report))
    if isinstance(report, AgingReport):
        return aging_plain(report, width)
    return _PLAIN[type(report)](report)


def _table(rows: Sequence[Sequence[str]], headers: Sequence[str], align: str) -> str:
    """A tabulate table; `align` has one letter per column (l or r)."""
    colalign = tuple("right" if a == "r" else "left" for a in align)
    return tabulate(rows, headers=headers, colalign=colalign, disable_numparse=True)


def _csv(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().rstrip("\n")


def _clip(words: str, width: int) -> str:
    return words if len(words) <= width else words[: width - 1] + "…"


def _n(count: int) -> str:
    return f"{count:,}"


# aging ------------------------------------------------------------------------------------


def aging_plain(r: AgingReport, width: int = 80) -> str:
    """Amount and count rows per responsibility (or payer); payer names shortened to fit."""
    since = "the date of service" if r.aged_from == "service" else "the claim was billed"
    title = (
        f"Aging as of {r.as_of}: {_n(r.count)} open balances, {fmt_money(r.amount)}\n"
        f"Days since {since}. Amounts, then the number of open balances."
    )
    table = _aging_table(r, 30)
    too_wide = max(len(line) for line in table.splitlines()) - width
    if too_wide > 0 and r.by_payer:
        longest = min(max(len(row.payer or "") for row in r.rows), 30)
        table = _aging_table(r, max(longest - too_wide, 8))
    return f"{title}\n\n{table}"


def _aging_table(r: AgingReport, name_width: int) -> str:
    labels = [b.label for b in r.buckets]
    blank = [""] * (len(labels) + 1)
    rows: list[list[str]] = []
    group = ""
    for row in r.rows:
        label = row.responsibility
        if r.by_payer and row.payer is not None:
            if row.responsibility != group:
                rows.append([f"{row.responsibility}:", *blank])
            label = _clip(row.payer, name_width)
        group = row.responsibility
        rows.append([label, *(fmt_money(b.amount) for b in row.buckets), fmt_money(row.amount)])
        rows.append(["", *(_n(b.count) for b in row.buckets), _n(row.count)])
    rows.append(["Total", *(fmt_money(b.amount) for b in r.buckets), fmt_money(r.amount)])
    rows.append(["", *(_n(b.count) for b in r.buckets), _n(r.count)])
    return _table(rows, ["Owed by", *labels, "Total"], "l" + "r" * (len(labels) + 1))


def _bucket_json(count: int, amount: Decimal) -> dict[str, Any]:
    return {"count": count, "amount": money_str(amount)}


def aging_json(r: AgingReport) -> dict[str, Any]:
    return {
        "report": "aging",
        "as_of": r.as_of.isoformat(),
        "aged_from": r.aged_from,
        "buckets": {b.label: _bucket_json(b.count, b.amount) for b in r.buckets},
        "total": _bucket_json(r.count, r.amount),
        "rows": [
            {
                "responsibility": row.responsibility,
                "payer": row.payer,
                "buckets": {b.label: _bucket_json(b.count, b.amount) for b in row.buckets},
                "total": _bucket_json(row.count, row.amount),
            }
            for row in r.rows
        ],
    }


def aging_csv(r: AgingReport) -> list[list[Any]]:
    header: list[Any] = ["responsibility", "payer"]
    for label in [b.label for b in r.buckets] + ["total"]:
        header += [f"{label} count", f"{label} amount"]
    rows = [header]
    for row in r.rows:
        cells: list[Any] = [row.responsibility, row.payer or ""]
        for b in row.buckets:
            cells += [b.count, money_str(b.amount)]
        rows.append([*cells, row.count, money_str(row.amount)])
    total: list[Any] = ["total", ""]
    for b in r.buckets:
        total += [b.count, money_str(b.amount)]
    rows.append([*total, r.count, money_str(r.amount)])
    return rows


# denials ----------------------------------------------------------------------------------


def denials_plain(r: DenialsReport) -> str:
    title = (
        f"Denials opened {r.start} to {r.end}: {_n(r.count)} for {fmt_money(r.amount)} "
        f"({_n(r.open)} open, {_n(r.closed)} closed)"
    )
    if not r.count:
        return f"{title}\n\nNo denial was opened in this period."

    def counts(g: DenialGroup) -> list[str]:
        return [_n(g.count), _n(g.open), _n(g.closed), fmt_money(g.amount)]

    carc = _table(
        [[g.key, _clip(g.words, 30), *counts(g)] for g in r.by_carc],
        ["CARC", "Reason", "Count", "Open", "Closed", "Amount"],
        "llrrrr",
    )
    payer = _table(
        [[_clip(g.key, 40), *counts(g)] for g in r.by_payer],
        ["Payer", "Count", "Open", "Closed", "Amount"],
        "lrrrr",
    )
    outcome = _table(
        [[g.key, _n(g.count), fmt_money(g.amount)] for g in r.outcomes],
        ["Outcome", "Count", "Amount"],
        "lrr",
    )
    return f"{title}\n\n{carc}\n\n{payer}\n\n{outcome}"


def _group_json(g: DenialGroup, key: str) -> dict[str, Any]:
    data: dict[str, Any] = {key: g.key}
    if key == "carc":
        data["words"] = g.words
    data |= {"count": g.count, "amount": money_str(g.amount), "open": g.open, "closed": g.closed}
    return data


def denials_json(r: DenialsReport) -> dict[str, Any]:
    return {
        "report": "denials",
        "from": r.start.isoformat(),
        "to": r.end.isoformat(),
        "total": {
            "count": r.count,
            "amount": money_str(r.amount),
            "open": r.open,
            "closed": r.closed,
        },
        "by_carc": [_group_json(g, "carc") for g in r.by_carc],
        "by_payer": [_group_json(g, "payer") for g in r.by_payer],
        "outcomes": [
            {"outcome": g.key, "count": g.count, "amount": money_str(g.amount)} for g in r.outcomes
        ],
    }


def denials_csv(r: DenialsReport) -> list[list[Any]]:
    rows: list[list[Any]] = [["section", "key", "words", "count", "open", "closed", "amount"]]
    for section, groups in (("carc", r.by_carc), ("payer", r.by_payer), ("outcome", r.outcomes)):
        rows += [
            [section, g.key, g.words, g.count, g.open, g.closed, money_str(g.amount)]
            for g in groups
        ]
    rows.append(["total", "", "", r.count, r.open, r.closed, money_str(r.amount)])
    return rows


# payments ---------------------------------------------------------------------------------


def _payment_totals(r: PaymentsReport) -> list[tuple[str, str, Decimal]]:
    return [
        ("payments", "Payments received", r.payments),
        ("contractual_adjustments", "Contractual adjustments", r.contractual),
        ("write_offs", "Write-offs", r.write_offs),
        ("transfers_to_patient", "Moved to patient responsibility", r.to_patient),
        ("reversals", "Reversals (ledger sign)", r.reversals),
    ]


def payments_plain(r: PaymentsReport) -> str:
    title = f"Payments posted {r.start} to {r.end}: {fmt_money(r.payments)} received"
    payers = [
        [_clip(p.payer, 40), _n(p.remittances), _n(p.claims), fmt_money(p.amount)] for p in r.payers
    ]
    payers.append(["Total", _n(sum(p.remittances for p in r.payers)), "", fmt_money(r.payments)])
    by_payer = _table(payers, ["Payer", "Remittances", "Claims", "Amount"], "lrrr")
    totals = _table(
        [[label, fmt_money(v)] for _, label, v in _payment_totals(r)],
        ["From the ledger", "Amount"],
        "lr",
    )
    kinds = _table(
        [[k.kind, _n(k.count), fmt_money(k.amount)] for k in r.kinds],
        ["Ledger kind", "Rows", "Sum"],
        "lrr",
    )
    return f"{title}\n\n{by_payer}\n\n{totals}\n\n{kinds}"


def payments_json(r: PaymentsReport) -> dict[str, Any]:
    return {
        "report": "payments",
        "from": r.start.isoformat(),
        "to": r.end.isoformat(),
        "payers": [
            {
                "payer": p.payer,
                "remittances": p.remittances,
                "claims": p.claims,
                "amount": money_str(p.amount),
            }
            for p in r.payers
        ],
        "totals": {key: money_str(v) for key, _, v in _payment_totals(r)},
        "ledger": {k.kind: {"rows": k.count, "sum": money_str(k.amount)} for k in r.kinds},
    }


def payments_csv(r: PaymentsReport) -> list[list[Any]]:
    rows: list[list[Any]] = [["section", "name", "remittances", "claims", "rows", "amount"]]
    rows += [["payer", p.payer, p.remittances, p.claims, "", money_str(p.amount)] for p in r.payers]
    rows += [["total", key, "", "", "", money_str(v)] for key, _, v in _payment_totals(r)]
    rows += [["ledger", k.kind, "", "", k.count, money_str(k.amount)] for k in r.kinds]
    return rows


# productivity -----------------------------------------------------------------------------

_PRODUCTIVITY = (
    "user",
    "items_worked",
    "claims_created",
    "claims_submitted",
    "denials_resolved",
    "median_days_to_resolve",
)


def _days(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def productivity_plain(r: ProductivityReport) -> str:
    title = f"Productivity {r.start} to {r.end} (from the event and audit history)"
    if not r.users:
        return f"{title}\n\nNobody did anything recorded in this period."
    rows = [
        [
            _clip(u.user, 20),
            _n(u.items_worked),
            _n(u.claims_created),
            _n(u.claims_submitted),
            _n(u.denials_resolved),
            _days(u.median_days_to_resolve),
        ]
        for u in r.users
    ]
    headers = ["User", "Worked", "Created", "Submitted", "Resolved", "Median days"]
    return f"{title}\n\n{_table(rows, headers, 'lrrrrr')}"


def productivity_json(r: ProductivityReport) -> dict[str, Any]:
    return {
        "report": "productivity",
        "from": r.start.isoformat(),
        "to": r.end.isoformat(),
        "users": [
            dict(
                zip(
                    _PRODUCTIVITY,
                    (
                        u.user,
                        u.items_worked,
                        u.claims_created,
                        u.claims_submitted,
                        u.denials_resolved,
                        _days(u.median_days_to_resolve) or None,
                    ),
                    strict=True,
                )
            )
            for u in r.users
        ],
    }


def productivity_csv(r: ProductivityReport) -> list[list[Any]]:
    rows: list[list[Any]] = [list(_PRODUCTIVITY)]
    rows += [
        [
            u.user,
            u.items_worked,
            u.claims_created,
            u.claims_submitted,
            u.denials_resolved,
            _days(u.median_days_to_resolve),
        ]
        for u in r.users
    ]
    return rows


_PLAIN: dict[type[Any], Callable[[Any], str]] = {
    AgingReport: aging_plain,
    DenialsReport: denials_plain,
    PaymentsReport: payments_plain,
    ProductivityReport: productivity_plain,
}
_JSON: dict[type[Any], Callable[[Any], dict[str, Any]]] = {
    AgingReport: aging_json,
    DenialsReport: denials_json,
    PaymentsReport: payments_json,
    ProductivityReport: productivity_json,
}
_CSV: dict[type[Any], Callable[[Any], list[list[Any]]]] = {
    AgingReport: aging_csv,
    DenialsReport: denials_csv,
    PaymentsReport: payments_csv,
    ProductivityReport: productivity_csv,
}
