"""The one place a claim's status changes: `move`.

The states a claim may come from are read from `domain.claim_state.TRANSITIONS`, never written
by hand; every move bumps `version` and writes one `claim_event` row (who, when, from, to, why)
in the same statement, however many claims move. A new claim is not a move: its INSERT and its
first event (from NULL) stay with the code that creates it, as does the demo's bulk COPY.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.claim_sql import status_in
from medbill_tui.domain.claim_state import LABELS, TRANSITIONS, ClaimStatus, TransitionError

MOVE_COLUMNS = frozenset({"submitted_on", "hold_reason"})
"""Columns a move may set in its own UPDATE (the same value for every claim moved)."""

_SHOWN = 5
"""How many refused claims a refusal names."""


class ClaimMoveRefused(TransitionError):
    """Claims were asked to move where their state does not allow; nothing changed.
    The message names them, where they are and where they were asked to go."""


@dataclass(frozen=True, slots=True)
class Moved:
    """A claim that moved, and the state it left."""

    claim_id: int
    from_status: ClaimStatus


def allowed_from(to: ClaimStatus) -> frozenset[ClaimStatus]:
    """The states from which TRANSITIONS lets a claim become `to`."""
    return frozenset(state for state, targets in TRANSITIONS.items() if to in targets)


def move(
    conn: Connection,
    claim_ids: Sequence[int],
    to: ClaimStatus,
    actor: str,
    detail: str | Sequence[str | None] | None,
    *,
    expected_from: Collection[ClaimStatus] | None = None,
    as_read: Sequence[ClaimStatus] | None = None,
    skip_illegal: bool = False,
    columns: Mapping[str, object] | None = None,
) -> list[Moved]:
    """Move the claims to `to` in one statement and write their history; returns the claims
    that moved, in id order.

    `detail` is the history row's words, one for all or one per claim (parallel to
    `claim_ids`). `expected_from` narrows the allowed states further (for example, a 277CA
    moves only claims still waiting for it); `as_read` gives, per claim, the state the caller
    read, and a claim no longer in it does not move. `columns` (from MOVE_COLUMNS) are set in
    the same UPDATE. A claim id given twice moves once, with its first detail.

    Strict (default): unless every claim may move, none moves and ClaimMoveRefused says which
    claims could not and why. With `skip_illegal` the claims that may not move are left as they
    are, for callers that apply outside answers (acknowledgments, remittances) to whatever
    claims they still fit.
    """
    allowed = allowed_from(to)
    if expected_from is not None:
        wider = set(expected_from) - allowed
        if wider:
            names = ", ".join(sorted(LABELS[s] for s in wider))
            raise ValueError(f"a claim never goes from {names} to {LABELS[to]}")
        allowed &= frozenset(expected_from)
    extra = dict(columns or {})
    unknown = set(extra) - MOVE_COLUMNS
    if unknown:
        raise ValueError(f"move cannot set {', '.join(sorted(unknown))}")
    ids, details, reads = _unique(claim_ids, detail, as_read)
    if not ids:
        return []
    params: dict[str, Any] = {"ids": ids, "to": to.value, "actor": actor, "n": len(ids)}
    params |= {f"col_{name}": value for name, value in extra.items()}
    params |= {"skip": skip_illegal, "reads": reads}
    params |= {"details": details} if isinstance(details, list) else {"detail": details}
    sql = _statement(
        allowed,
        extra,
        per_claim_detail=isinstance(details, list),
        reads=reads,
        skip_illegal=skip_illegal,
    )
    rows = conn.execute(text(sql), params).all()
    moved = [Moved(int(r.id), ClaimStatus(r.status)) for r in rows if r.moved]
    if skip_illegal or len(moved) == len(ids):
        return moved
    raise ClaimMoveRefused(_refusal(ids, rows, to))


def _unique(
    claim_ids: Sequence[int],
    detail: str | Sequence[str | None] | None,
    as_read: Sequence[ClaimStatus] | None,
) -> tuple[list[int], str | list[str | None] | None, list[str] | None]:
    """The ids once each (first wins), with their details and read states kept parallel."""
    if as_read is not None and len(as_read) != len(claim_ids):
        raise ValueError("one read state per claim")
    first: dict[int, int] = {}
    for position, claim_id in enumerate(claim_ids):
        first.setdefault(int(claim_id), position)
    details: str | list[str | None] | None
    if detail is None or isinstance(detail, str):
        details = detail
    elif len(detail) != len(claim_ids):
        raise ValueError("one detail per claim, or one for all")
    else:
        details = [detail[p] for p in first.values()]
    reads = None if as_read is None else [ClaimStatus(as_read[p]).value for p in first.values()]
    return list(first), details, reads


def _statement(
    allowed: frozenset[ClaimStatus],
    extra: Mapping[str, object],
    *,
    per_claim_detail: bool,
    reads: list[str] | None,
    skip_illegal: bool,
) -> str:
    asked = ["CAST(:ids AS bigint[])"]
    names = ["id"]
    if per_claim_detail:
        asked.append("CAST(:details AS text[])")
        names.append("detail")
    if reads is not None:
        asked.append("CAST(:reads AS text[])")
        names.append("as_read")
    allowed_sql = status_in(allowed, "c.status") if allowed else "FALSE"
    current_sql = "c.status = a.as_read" if reads is not None else "TRUE"
    detail = "l.detail" if per_claim_detail else "CAST(:detail AS text)"
    sets = "".join(f", {name} = :col_{name}" for name in sorted(extra))
    # Strict: lock every asked claim first (in id order), so that either all of them move or,
    # with nothing written, none. Skipping: no lock before the UPDATE (a second write of every
    # row in a bulk import); a claim another transaction moved in between fails the UPDATE's
    # re-check of its status and stays as it is.
    lock = "" if skip_illegal else "ORDER BY c.id FOR UPDATE OF c"
    return f"""
        WITH asked AS (SELECT * FROM unnest({", ".join(asked)}) AS a({", ".join(names)})),
        found AS (
            SELECT c.id, c.claim_no, c.status, {allowed_sql} AS allowed,
                   {current_sql} AS unchanged,
                   {"a.detail" if per_claim_detail else "NULL"} AS detail
            FROM claim c JOIN asked a ON a.id = c.id {lock}),
        moved AS (
            UPDATE claim c SET status = :to, version = c.version + 1{sets}
            FROM found l
            WHERE c.id = l.id AND l.allowed AND l.unchanged AND c.status = l.status
              AND (CAST(:skip AS boolean)
                   OR (SELECT count(*) FROM found WHERE allowed AND unchanged) = :n)
            RETURNING c.id),
        events AS (
            INSERT INTO claim_event (claim_id, at, actor, from_status, to_status, detail)
            SELECT l.id, now(), :actor, l.status, :to, {detail}
            FROM found l JOIN moved m ON m.id = l.id ORDER BY l.id)
        SELECT l.id, l.claim_no, l.status, l.allowed, l.unchanged, m.id IS NOT NULL AS moved
        FROM found l LEFT JOIN moved m ON m.id = l.id ORDER BY l.id"""


def _refusal(ids: list[int], rows: Sequence[Any], to: ClaimStatus) -> str:
    found = {int(r.id) for r in rows}
    reasons = [f"there is no claim {i}" for i in ids if i not in found]
    for r in rows:
        if not r.allowed:
            state = LABELS[ClaimStatus(r.status)]
            reasons.append(f"claim {r.claim_no} is {state}: it cannot become {LABELS[to]}")
        elif not r.unchanged:
            reasons.append(f"claim {r.claim_no} changed since it was read")
    more = len(reasons) - _SHOWN
    tail = f" (and {more} more)" if more > 0 else ""
    return "; ".join(reasons[:_SHOWN]) + tail + "; nothing changed"
