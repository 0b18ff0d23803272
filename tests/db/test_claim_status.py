"""The claim status gate (`claim_status.move`) on a real database: every pair of states."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text

from medbill_tui.db.repositories.claim_status import ClaimMoveRefused, Moved, move
from medbill_tui.domain.claim_state import TRANSITIONS, ClaimStatus
from tests.factories import Builder

DAY = date(2026, 10, 1)
ACTOR = "gatekeeper"


def _claims(conn: Connection, b: Builder, states: list[ClaimStatus]) -> list[int]:
    patient = b.patient("Gate")
    return [b.claim(patient, DAY, state.value, created=DAY) for state in states]


def _state(conn: Connection, claim_id: int) -> tuple[Any, ...]:
    row = conn.execute(
        text("SELECT status, version, submitted_on, hold_reason FROM claim WHERE id = :c"),
        {"c": claim_id},
    ).one()
    return tuple(row)


def _events(conn: Connection, claim_id: int) -> list[tuple[Any, ...]]:
    rows = conn.execute(
        text(
            "SELECT actor, from_status, to_status, detail FROM claim_event "
            "WHERE claim_id = :c ORDER BY id"
        ),
        {"c": claim_id},
    )
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("origin", list(ClaimStatus), ids=str)
def test_every_pair_from_a_state_moves_or_is_refused(engine: Engine, origin: ClaimStatus) -> None:
    """From `origin` to each state: an allowed pair moves (version + 1, one history row); a
    forbidden one is refused, strict or skipped, and changes nothing and writes no history."""
    targets = list(ClaimStatus)
    with engine.begin() as conn:
        claims = _claims(conn, Builder(conn), [origin] * len(targets))
        for claim_id, to in zip(claims, targets, strict=True):
            before = _state(conn, claim_id)
            detail = f"{origin} to {to}"
            if to in TRANSITIONS[origin]:
                assert move(conn, [claim_id], to, ACTOR, detail) == [Moved(claim_id, origin)]
                assert _state(conn, claim_id) == (to.value, before[1] + 1, *before[2:])
                assert _events(conn, claim_id) == [(ACTOR, origin.value, to.value, detail)]
                continue
            with pytest.raises(ClaimMoveRefused, match="cannot become") as refused:
                move(conn, [claim_id], to, ACTOR, detail)
            assert "nothing changed" in str(refused.value)
            assert move(conn, [claim_id], to, ACTOR, detail, skip_illegal=True) == []
            assert _state(conn, claim_id) == before
            assert _events(conn, claim_id) == []


def test_a_bulk_move_is_all_or_nothing_unless_it_skips(engine: Engine) -> None:
    S = ClaimStatus
    with engine.begin() as conn:
        *ready, paid = _claims(conn, Builder(conn), [S.READY] * 300 + [S.PAID])
        asked = [*ready, paid]
        with pytest.raises(ClaimMoveRefused) as refused:
            move(conn, asked, S.SUBMITTED, ACTOR, "sent")
        no = conn.execute(text("SELECT claim_no FROM claim WHERE id = :c"), {"c": paid}).scalar()
        assert f"claim {no} is paid: it cannot become submitted" in str(refused.value)
        assert conn.execute(text("SELECT count(*) FROM claim_event")).scalar() == 0
        assert {_state(conn, c)[0] for c in ready} == {"ready"}

        moved = move(
            conn,
            asked,
            S.SUBMITTED,
            ACTOR,
            "sent",
            skip_illegal=True,
            columns={"submitted_on": DAY},
        )
        assert [m.claim_id for m in moved] == sorted(ready)
        assert {_state(conn, c)[:3] for c in ready} == {("submitted", 2, DAY)}
        assert _state(conn, paid) == ("paid", 1, None, None)
        assert conn.execute(text("SELECT count(*) FROM claim_event")).scalar() == len(ready)


def test_per_claim_detail_read_state_and_narrowed_sources(engine: Engine) -> None:
    S = ClaimStatus
    with engine.begin() as conn:
        a, b, c = _claims(conn, Builder(conn), [S.SUBMITTED, S.ACCEPTED_999, S.SUBMITTED])
        # c was read as accepted_999 but is submitted: it changed since, so it stays
        moved = move(
            conn,
            [b, a, c, a],
            S.PAID,
            ACTOR,
            ["for b", "for a", "for c", "a again"],
            as_read=[S.ACCEPTED_999, S.SUBMITTED, S.ACCEPTED_999, S.SUBMITTED],
            skip_illegal=True,
        )
        assert moved == [Moved(a, S.SUBMITTED), Moved(b, S.ACCEPTED_999)]
        assert _events(conn, a) == [(ACTOR, "submitted", "paid", "for a")]
        assert _events(conn, b) == [(ACTOR, "accepted_999", "paid", "for b")]
        with pytest.raises(ClaimMoveRefused, match="changed since it was read"):
            move(conn, [c], S.PAID, ACTOR, "x", as_read=[S.ACCEPTED_999])
        # a 277CA answers only claims still waiting for it, though a paid one may go back
        assert (
            move(
                conn,
                [a],
                S.ACKNOWLEDGED_277CA,
                ACTOR,
                "277CA",
                expected_from={S.SUBMITTED, S.ACCEPTED_999},
                skip_illegal=True,
            )
            == []
        )
        with pytest.raises(ValueError, match="never goes from"):
            move(conn, [a], S.READY, ACTOR, "x", expected_from={S.PAID})
        with pytest.raises(ValueError, match="cannot set total_charge"):
            move(conn, [c], S.PAID, ACTOR, "x", columns={"total_charge": 1})
        with pytest.raises(ClaimMoveRefused, match="there is no claim 999999"):
            move(conn, [c, 999999], S.PAID, ACTOR, "x")
        assert _state(conn, c) == ("submitted", 1, None, None)
        assert move(conn, [], S.PAID, ACTOR, "x") == []
