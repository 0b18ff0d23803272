"""Migration 0012 fills the work items' fact columns from the detail text older code wrote.

The rows are written by today's code (imports, the demo, closing an item), the columns are
dropped by going back to 0011 (the detail prose stays, as older code wrote it), and the
upgrade must fill them in again as the code had written them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.migrate import alembic_config, upgrade
from medbill_tui.db.repositories.queue_rejections import reason_words
from medbill_tui.edi.sandbox import respond
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimService
from medbill_tui.services.imports import ImportService
from medbill_tui.services.submissions import SubmissionService
from medbill_tui.services.unmatched import UnmatchedService
from tests.conftest import DEMO_TODAY, X12_FIXTURES
from tests.factories import Builder

FACTS = (
    "source, claim_payment_id, patient_control_no, payer_claim_no, patient_name, "
    "stc_category, stc_status, stc_entity, error_segment, error_element, error_code, "
    "reason, outcome"
)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def facts(engine: Engine) -> dict[int, dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT id, {FACTS} FROM work_item "
                "WHERE kind IN ('unmatched', 'rejection') ORDER BY id"
            )
        ).all()
    return {r.id: dict(r._mapping) for r in rows}


def reject_a_batch_in_the_999(engine: Engine, tmp_path: Path) -> None:
    """Claims sent in an 837P that the sandbox's 999 rejects with an IK3/IK4."""
    ClaimService(engine, Clock(DEMO_TODAY), "b1").create()
    run = SubmissionService(engine, Clock(DEMO_TODAY), "b1", tmp_path / "out").submit()
    sent = Path(run.files[0].path).read_text()
    answer = respond(sent, seed=5, reject_rate=0.0, today=DEMO_TODAY, ack_reject_rate=1.0)
    path = tmp_path / "r.999"
    path.write_text(answer.ack_999)
    assert ImportService(engine, Clock(DEMO_TODAY), "b2").import_file(path).rejected


@pytest.mark.parametrize("tagged", [True, False], ids=["tagged", "before-the-tag"])
def test_the_upgrade_fills_the_columns_as_the_code_writes_them(
    demo_engine: Engine, tmp_path: Path, tagged: bool
) -> None:
    importer = ImportService(demo_engine, Clock(DEMO_TODAY), "poster")
    importer.import_file(X12_FIXTURES / "835-stupidedi-multiple-claims-single-check.x12")
    importer.import_file(X12_FIXTURES / "277ca-imsweb-rejected.x12")
    reject_a_batch_in_the_999(demo_engine, tmp_path)
    unmatched = UnmatchedService(demo_engine, Clock(DEMO_TODAY), "b3")
    rows = unmatched.page(limit=50).rows
    closed = next(r for r in rows if r.source == "835")
    unmatched.close_not_ours(closed.work_item_id, "returned to the payer")
    with demo_engine.begin() as conn:  # a corrected rejection, as claims.py closes it
        conn.execute(
            text(
                "UPDATE work_item SET status = 'done', closed_at = now(), "
                "detail = coalesce(detail || '; ', '') || 'corrected by ' || 'b1' "
                "WHERE id = (SELECT min(id) FROM work_item WHERE kind = 'rejection' "
                "AND status = 'open')"
            )
        )
    written = facts(demo_engine)
    shapes = {(f["source"], f["error_segment"] is not None) for f in written.values()}
    assert {("835", False), ("277CA", False), ("999", True), ("999", False)} <= shapes
    assert any(f["error_element"] for f in written.values())
    assert written[closed.work_item_id]["outcome"].startswith("closed, no money moved")

    downgrade(demo_engine, "0011")
    if not tagged:  # items written before they named their claim payment
        with demo_engine.begin() as conn:
            untag = r"regexp_replace(detail, ' \[claim payment \d+\]', '')"
            conn.execute(text(f"UPDATE work_item SET detail = {untag} WHERE kind = 'unmatched'"))
    upgrade(demo_engine)

    expected = {i: {**f, "error_code": None} for i, f in written.items()}  # never in detail
    if not tagged:  # an untagged item closed without posting: its payment is not looked for
        expected[closed.work_item_id].update(claim_payment_id=None, payer_claim_no=None)
    assert facts(demo_engine) == expected


def test_odd_and_old_details(engine: Engine) -> None:
    with engine.begin() as conn:
        b = Builder(conn)
        patient = b.patient("Stone")
        day = conn.execute(text("SELECT current_date")).scalar_one()
        claim = b.claim(patient, day, "rejected_277ca", created=day)
    downgrade(engine, "0011")
    details = {
        "rejection": [
            "277CA rejected it (A7:562:85): Entity's contract/member number",
            "999 rejected the file: CLM segment #3: Required Segment Missing; "
            "NM1 segment #9; NM109 (data element 67): Required Data Element Missing",
            "test",
            "  ",
        ],
        "unmatched": [
            "277CA for unknown claim X1 (A7:164)",
            "277CA for unknown claim X2 (A3:21:QC: said no); payer claim no. none",
        ],
    }
    with engine.begin() as conn:
        for kind, texts in details.items():
            for words in texts:
                conn.execute(
                    text(
                        "INSERT INTO work_item (kind, claim_id, opened_on, detail) "
                        "VALUES (:k, :c, current_date, :d)"
                    ),
                    {"k": kind, "c": claim if kind == "rejection" else None, "d": words},
                )
    upgrade(engine)
    with engine.connect() as conn:
        got = conn.execute(
            text(
                "SELECT source, reason, stc_category, stc_status, stc_entity, error_segment, "
                "error_element, patient_control_no, payer_claim_no FROM work_item ORDER BY id"
            )
        ).all()
    assert [tuple(r) for r in got] == [
        ("277CA", "Entity's contract/member number", "A7", "562", "85", None, None, None, None),
        (
            "999",
            details["rejection"][1].removeprefix("999 rejected the file: "),
            None,
            None,
            None,
            "CLM",
            None,
            None,
            None,
        ),
        (None, "test", None, None, None, None, None, None, None),
        (None, None, None, None, None, None, None, None, None),
        ("277CA", None, "A7", "164", None, None, None, "X1", None),
        ("277CA", "said no", "A3", "21", "QC", None, None, "X2", None),
    ]
    shown = [reason_words(*r[:5]) for r in got[:4]]
    assert shown == [
        "277CA A7:562:85 Entity's contract/member number",
        "999: " + details["rejection"][1].removeprefix("999 rejected the file: "),
        "test",
        "rejected (no reason given)",
    ]
