"""Posting one 835 payment claim by claim, in the caller's transaction, in bounded memory.

`RemitPosting` inserts the remittance row from the payment's head (payer, trace number,
amount), then takes its claims as they are read and writes them every `CHUNK_CLAIMS` claims
(contexts in one query, ids allocated in bulk, each table with multi-row INSERTs; see
`remits`), so an 835 of 300,000 claims in one ST set holds one chunk at a time. What it keeps
for the whole payment are running sums (`PostingSummary`). The payment's own segments
(`remittance.raw`) are kept in memory up to `RAW_BUFFER_BYTES`, beyond that in parts in a
temporary table that is joined into the row at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.claim_chain import settle_confirmed_voids
from medbill_tui.db.repositories.plb_take_backs import post_take_backs
from medbill_tui.db.repositories.remit_lookup import (
    already_posted,
    match_claims,
    payer_of,
    signed_amount,
)
from medbill_tui.db.repositories.remits import (
    AlreadyPosted,
    PaymentConflict,
    PostingSummary,
    _add_matched,
    _Batch,
    _new_ids,
    _payment_rows,
    _write,
    reversal_problem,
)
from medbill_tui.db.repositories.secondary import sync_secondary_claims
from medbill_tui.domain.routing import RuleSet
from medbill_tui.edi.x835 import ClaimPay, ProviderAdjustment, RemitHead

CHUNK_CLAIMS = 2000
"""Claims written per round trip: big enough for few statements, small enough for little memory."""
RAW_BUFFER_BYTES = 1024 * 1024
ANALYZE_AFTER_CLAIMS = 20_000
"""From this many claims in one payment, its tables are analyzed before the steps that follow."""

_RAW_PARTS = """CREATE TEMPORARY TABLE IF NOT EXISTS remit_raw_part (
                    remittance_id bigint NOT NULL, n int NOT NULL, part bytea NOT NULL
                ) ON COMMIT DROP"""


class RemitPosting:
    """One 835 payment being posted: `add` each claim, `add_raw` its segments, then `finish`.

    Raises `AlreadyPosted` (or `PaymentConflict`, another amount or date) when the payment was
    posted before (same payer and TRN02). All of it or, when the caller rolls back its
    transaction (or savepoint), none of it."""

    def __init__(
        self,
        conn: Connection,
        head: RemitHead,
        file_id: int | None,
        actor: str,
        today: date,
        rules: RuleSet,
        chunk_claims: int | None = None,
    ) -> None:
        payer_id = payer_of(conn, head)
        self.payer_id = payer_id
        prior = already_posted(conn, payer_id, head)
        if prior is not None:
            words, differs = prior
            raise PaymentConflict(words) if differs else AlreadyPosted(words)
        self.conn = conn
        self.head = head
        self.actor = actor
        self.today = today
        self.rules = rules
        self.chunk_claims = chunk_claims or CHUNK_CLAIMS
        self.paid_on = head.paid_on or today
        remit_id = conn.execute(
            text("""INSERT INTO remittance (payer_id, trace_no, method, amount, paid_on,
                        imported_by, edi_file_id)
                    VALUES (:p, :t, :m, :amt, :d, :a, :f) RETURNING id"""),
            {
                "p": payer_id,
                "t": head.trace_no[:50],
                "m": (head.method or "NON")[:3],
                "amt": signed_amount(head),
                "d": self.paid_on,
                "a": actor,
                "f": file_id,
            },
        ).scalar_one()
        self.remit_id = int(remit_id)
        self.summary = PostingSummary(
            head.trace_no, head.payer_name, head.amount, remittance_id=self.remit_id
        )
        self._claims: list[ClaimPay] = []
        self._raw: list[bytes] = []
        self._raw_bytes = 0
        self._raw_parts = 0
        self._raw_kept = False

    def add(self, claim: ClaimPay) -> None:
        """One claim of the payment, in file order (written with its chunk).

        A full chunk is written when a claim of another patient control number comes, so a
        reversal and its correction (CLP02 = 22, then 1, same claim) stay in one chunk and
        are matched against the same state of the claim, as when a payment was one chunk."""
        pending = self._claims
        if len(pending) >= self.chunk_claims and pending[-1].pcn != claim.pcn:
            self._write_claims()
        self._claims.append(claim)

    def add_raw(self, part: bytes) -> None:
        """The next bytes of the payment's own segments, kept as `remittance.raw`."""
        self._raw_kept = True
        if part:
            self._raw.append(part)
            self._raw_bytes += len(part)
        if self._raw_bytes >= RAW_BUFFER_BYTES:
            self._spill_raw()

    def finish(self, plb: Sequence[ProviderAdjustment]) -> PostingSummary:
        """Write what is left, the provider adjustments and the raw segments; make the
        secondary claims; record the audit row."""
        self._write_claims()
        conn, remit_id, trace_no = self.conn, self.remit_id, self.head.trace_no
        if plb:
            conn.execute(
                text(
                    "INSERT INTO remittance_plb (remittance_id, reason, reference, amount) "
                    "VALUES (:r, :reason, :ref, :amt)"
                ),
                [
                    {
                        "r": remit_id,
                        "reason": p.reason[:2],
                        "ref": p.reference[:50],
                        "amt": p.amount,
                    }
                    for p in plb
                ],
            )
        if plb:
            post_take_backs(conn, remit_id, self.actor)
        self._store_raw()
        settle_confirmed_voids(conn, remit_id, self.actor)
        summary = self.summary
        if summary.matched + summary.unmatched >= ANALYZE_AFTER_CLAIMS:
            # This payment's own rows are not in the planner's statistics yet (they count once
            # analyzed, even uncommitted): without them the secondary-claim step planned scans
            # of claim_payment once per visit (over 10 minutes at 300,000 claims).
            conn.execute(text("ANALYZE claim_payment, remittance, ledger_entry"))
        summary.notes += sync_secondary_claims(
            conn, remit_id, trace_no, self.actor, self.today, undo=False
        )
        record_audit(
            conn,
            self.actor,
            "post",
            "remittance",
            remit_id,
            f"835 {trace_no}: {summary.matched} claims",
        )
        return summary

    def _write_claims(self) -> None:
        claims, self._claims = tuple(self._claims), []
        if not claims:
            return
        conn, remit_id, summary = self.conn, self.remit_id, self.summary
        matches = match_claims(conn, claims, self.payer_id)
        contexts = matches.found
        lines: dict[int, list[tuple[int, str, Decimal]]] = {}
        for r in conn.execute(
            text(
                "SELECT claim_id, code, id, amount FROM claim_line "
                "WHERE claim_id = ANY(:ids) ORDER BY claim_id, line_no"
            ),
            {"ids": [c.id for c in contexts.values()]},
        ):
            lines.setdefault(r.claim_id, []).append((r.id, r.code, Decimal(r.amount)))
        cp_ids = _new_ids(conn, "claim_payment", len(claims))
        sp_ids = _new_ids(conn, "service_payment", sum(len(c.services) for c in claims))
        batch = _Batch()
        # Reversals first: a correction sent before its reversal in the same file may then
        # move what the reversal puts back (nothing moves more than is owed), as after it.
        payments: list[tuple[Any, ClaimPay]] = []
        for cp_id, claim in zip(cp_ids, claims, strict=True):
            ctx = contexts.get(claim.pcn)
            why = matches.elsewhere.get(claim.pcn)
            if ctx is not None and claim.status == "22":
                why = reversal_problem(conn, ctx.id, claim, remit_id)
                ctx = None if why else ctx
            _payment_rows(batch, remit_id, cp_id, ctx.id if ctx else None, claim, sp_ids, lines)
            if ctx is None:
                batch.unmatched.append(self._unmatched_item(claim, cp_id, why))
                summary.unmatched += 1
                continue
            if claim.status == "22":
                self._add_matched(batch, ctx, claim)
            else:
                payments.append((ctx, claim))
        for ctx, claim in payments:
            self._add_matched(batch, ctx, claim)
        _write(conn, batch)

    def _add_matched(self, batch: _Batch, ctx: Any, claim: ClaimPay) -> None:
        _add_matched(
            self.conn,
            batch,
            self.summary,
            ctx,
            claim,
            self.remit_id,
            self.paid_on,
            self.actor,
            self.rules,
            self.head.payer_id,
        )

    def _unmatched_item(self, claim: ClaimPay, cp_id: int, why: str | None) -> dict[str, Any]:
        """The unmatched work item of a CLP (`why`: the reason in words when our claim was
        found but may not take it)."""
        return {
            "cp": cp_id,
            "amt": claim.paid,
            "d": self.today,
            "pcn": claim.pcn[:38],
            "pcc": claim.payer_claim_no[:50] or None,
            "name": claim.patient_name[:100] or None,
            "detail": f"835 {self.head.trace_no}: "
            + (why or f"payment for unknown claim {claim.pcn}")
            + f" ({claim.patient_name or 'no name'}), paid {claim.paid} [claim payment {cp_id}]",
        }

    def _spill_raw(self) -> None:
        if self._raw_parts == 0:
            self.conn.execute(text(_RAW_PARTS))
        self._raw_parts += 1
        self.conn.execute(
            text("INSERT INTO remit_raw_part (remittance_id, n, part) VALUES (:r, :n, :part)"),
            {"r": self.remit_id, "n": self._raw_parts, "part": b"".join(self._raw)},
        )
        self._raw, self._raw_bytes = [], 0

    def _store_raw(self) -> None:
        if not self._raw_kept:
            return
        if not self._raw_parts:
            self.conn.execute(
                text("UPDATE remittance SET raw = :raw WHERE id = :r"),
                {"raw": b"".join(self._raw), "r": self.remit_id},
            )
            self._raw = []
            return
        if self._raw:
            self._spill_raw()
        params = {"r": self.remit_id}
        self.conn.execute(
            text("""UPDATE remittance SET raw = (SELECT string_agg(part, ''::bytea ORDER BY n)
                                                 FROM remit_raw_part WHERE remittance_id = :r)
                    WHERE id = :r"""),
            params,
        )
        self.conn.execute(text("DELETE FROM remit_raw_part WHERE remittance_id = :r"), params)
