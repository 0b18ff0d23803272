"""Sending claims as 837P files: all-or-nothing, control numbers never repeat."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.edi.segments import iter_segments
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimService
from medbill_tui.services.submissions import SubmissionFailed, SubmissionService
from tests.conftest import DEMO_TODAY
from tests.edi.x12sdk_837 import assert_both_parsers_read_837p


def sender(engine: Engine, outbox: Path) -> SubmissionService:
    return SubmissionService(engine, Clock(DEMO_TODAY), "biller1", outbox)


def state(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM claim WHERE status = 'ready'), "
                "(SELECT count(*) FROM submission), (SELECT count(*) FROM edi_file)"
            )
        ).one()
    return int(row[0]), int(row[1]), int(row[2])


def test_submit_writes_a_valid_file_and_marks_claims(demo_engine: Engine, tmp_path: Path) -> None:
    ClaimService(demo_engine, Clock(DEMO_TODAY), "biller1").create()
    ready, _, _ = state(demo_engine)
    preview = sender(demo_engine, tmp_path).submit(dry_run=True)
    assert preview.claims == ready and state(demo_engine) == (ready, 0, 0)
    assert list(tmp_path.iterdir()) == []
    run = sender(demo_engine, tmp_path).submit()
    assert run.claims == ready and len(run.files) == 1
    path = Path(run.files[0].path)
    content = path.read_text()
    assert_both_parsers_read_837p(content)  # the demo's dependents' subscribers have a sex
    assert content.count("CLM*") == ready
    assert state(demo_engine) == (0, ready, 1)
    with demo_engine.connect() as conn:
        stored = conn.execute(text("SELECT content FROM edi_file")).scalar_one()
        statuses = (
            conn.execute(
                text("SELECT DISTINCT c.status FROM claim c JOIN submission s ON s.claim_id = c.id")
            )
            .scalars()
            .all()
        )
        first, last = conn.execute(
            text("SELECT first_segment, last_segment FROM submission ORDER BY id LIMIT 1")
        ).one()
    assert stored == path.read_bytes() and statuses == ["submitted"]
    segments = list(iter_segments(content))
    assert segments[first - 1].id == "HL" and segments[last].id in ("HL", "SE")


def test_control_numbers_never_repeat(demo_engine: Engine, tmp_path: Path) -> None:
    first = sender(demo_engine, tmp_path).submit()
    with demo_engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE claim SET status = 'ready' WHERE id IN "
                "(SELECT id FROM claim WHERE status = 'submitted' LIMIT 3)"
            )
        )
    second = sender(demo_engine, tmp_path).submit()
    assert first.files[0].isa13 != second.files[0].isa13


def test_an_invalid_claim_sends_nothing_and_names_the_claim(
    demo_engine: Engine, tmp_path: Path
) -> None:
    with demo_engine.begin() as conn:
        claim_no = conn.execute(
            text(
                "UPDATE encounter SET pos = '87' WHERE id = (SELECT encounter_id FROM claim "
                "WHERE status = 'ready' ORDER BY id LIMIT 1) RETURNING "
                "(SELECT claim_no FROM claim WHERE encounter_id = encounter.id)"
            )
        ).scalar_one()
    before = state(demo_engine)
    with pytest.raises(SubmissionFailed) as caught:
        sender(demo_engine, tmp_path).submit()
    message = str(caught.value)
    assert message.startswith("Nothing was sent") and claim_no in message and "CLM05" in message
    assert state(demo_engine) == before
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_outbox_sends_nothing(demo_engine: Engine) -> None:
    before = state(demo_engine)
    with pytest.raises(SubmissionFailed, match="Cannot write to the outbox"):
        sender(demo_engine, Path("/proc/no-outbox")).submit()
    assert state(demo_engine) == before


def test_nothing_ready_is_not_an_error(demo_engine: Engine, tmp_path: Path) -> None:
    sender(demo_engine, tmp_path).submit()
    run = sender(demo_engine, tmp_path).submit()
    assert run.claims == 0 and run.files == ()
