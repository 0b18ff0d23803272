"""Claim status: 276s we write read back with x12sdk, the sandbox's 277 goes in the claim's
history and moves its follow-up; a 277 that answers nothing we asked changes nothing; the CLI
refuses a claim or coverage that is not waiting with exit 1."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.repositories.queues import QueueRepository
from medbill_tui.edi.sandbox_277 import respond_276
from medbill_tui.edi.sandbox_memory import SandboxMemory
from medbill_tui.edi.x12sdk_adapter import read_models
from medbill_tui.edi.x271 import read_271
from medbill_tui.edi.x277 import read_277
from medbill_tui.records.queues import QueueFilter
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.imports import ImportFailed, ImportService
from medbill_tui.services.status_checks import ERA_WAIT_DAYS, PENDING_WAIT_DAYS, StatusCheckService
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY, X12_FIXTURES

SAMPLE_277 = X12_FIXTURES / "277-x212-stupidedi-claim-response.x12"


def test_the_shared_277_reads_every_claim_and_each_stc_in_words() -> None:
    answers = read_277(SAMPLE_277.read_text(encoding="ascii"))
    assert [(a.trace, a.category, a.status_code) for a in answers] == [
        ("ABCXYZ1", "P3", "317"),
        ("ABCXYZ2", "F0", "3"),
        ("ABCXYC3", "F2", "88"),
    ]
    assert answers[1].words == "F0:3 Finalized: Adjudicated; waiting for the payment cycle"


def test_several_claim_level_stc_are_all_kept() -> None:
    content = (
        SAMPLE_277.read_text(encoding="ascii")
        .replace(
            "STC*P3:317*20050913**8513.88~",
            "STC*P3:317*20050913**8513.88~STC*R4:60*20050913~",
        )
        .replace("SE*38*0001", "SE*39*0001")
    )
    first = read_277(content)[0]
    assert first.kind == "P"
    assert first.words.split("; ")[1].startswith("R4:60 The payer asks for documentation")


@pytest.fixture
def asked(demo_engine: Engine, tmp_path: Path) -> tuple[Engine, Path]:
    service = StatusCheckService(demo_engine, Clock(DEMO_TODAY), "biller1", tmp_path / "out")
    run = service.request(older_than_days=1)
    assert run.path is not None and run.claims > 0
    return demo_engine, run.path


def test_status_request_sandbox_and_import_move_each_claims_followup(
    asked: tuple[Engine, Path],
) -> None:
    engine, path = asked
    content = path.read_text(encoding="ascii")
    assert (
        read_models(content)[0]["header"]["st_segment"]["transaction_set_identifier_code"] == "276"
    )
    answer = respond_276(content, seed=2, today=DEMO_TODAY, memory=SandboxMemory())
    result = ImportService(engine, Clock(DEMO_TODAY), "biller1").import_bytes(
        "status.277.x12", answer.encode("ascii")
    )
    assert result.kind == "277"
    with engine.connect() as conn:
        rows = conn.execute(
            text("""SELECT s.category, s.words,
                           (SELECT due_on FROM work_item w WHERE w.claim_id = s.claim_id
                            AND w.kind = 'followup' AND w.status = 'open') AS due,
                           (SELECT body FROM note n WHERE n.entity = 'claim'
                            AND n.entity_id = s.claim_id ORDER BY n.id DESC LIMIT 1) AS history
                    FROM claim_status_check s ORDER BY s.id""")
        ).all()
    assert len(rows) == result.accepted + result.rejected
    expected = {
        "P": DEMO_TODAY + timedelta(days=PENDING_WAIT_DAYS),
        "A": DEMO_TODAY + timedelta(days=PENDING_WAIT_DAYS),
        "F": DEMO_TODAY + timedelta(days=ERA_WAIT_DAYS),
        "R": DEMO_TODAY,
        "E": DEMO_TODAY,
    }
    for category, words, due, history in rows:
        assert due == expected[category[0]], (category, due)
        assert history == f"277 claim status: {words}"
    with engine.connect() as conn:
        claim_ids = list(conn.execute(text("SELECT claim_id FROM claim_status_check")).scalars())
        pending = QueueRepository(conn, DEMO_TODAY).pending_page(
            QueueFilter(), None, 500, ids=claim_ids
        )
    waiting = [r for r in pending.rows if r.status != "paid"]
    assert waiting and all(r.last_ack.startswith("277 ") for r in waiting)


def test_a_277_for_requests_never_sent_changes_nothing(asked: tuple[Engine, Path]) -> None:
    engine, _ = asked
    with pytest.raises(ImportFailed, match="never sent"):
        ImportService(engine, Clock(DEMO_TODAY), "biller1").import_file(SAMPLE_277)
    with engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM claim_status_check WHERE response_file_id IS NOT NULL")
            ).scalar()
            == 0
        )
        assert (
            conn.execute(text("SELECT count(*) FROM edi_file WHERE direction = 'in'")).scalar() == 0
        )


def test_cli_refuses_what_is_not_waiting_with_exit_1(db_url: str, tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    status = medbill("status", "request", "--claim", "424242", "--out", out, url=db_url)
    assert status.returncode == 1 and "not waiting for the payer" in status.stderr
    check = medbill("eligibility", "request", "--coverage", "424242", "--out", out, url=db_url)
    assert check.returncode == 1 and "not active today" in check.stderr
    assert not (tmp_path / "out").exists()


def test_cli_sandbox_answers_the_shared_270_and_276(db_url: str, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    for name in ("270-x279a1-stupidedi-generic-request-clinic", "276-x212-stupidedi-claim-request"):
        done = medbill(
            "sandbox", "respond", str(X12_FIXTURES / f"{name}.x12"), "--out", str(inbox),
            url=db_url,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    (answer_271,) = inbox.glob("*.271.x12")
    ((answer,),) = [r.answers for r in read_271(answer_271.read_text(encoding="ascii"))]
    assert answer.trace == "93175-012547" and answer.member_id == "11122333301"
    (answer_277,) = inbox.glob("*.277.x12")
    traces = [a.trace for a in read_277(answer_277.read_text(encoding="ascii"))]
    assert traces == ["ABCXYZ1", "ABCXYZ2", "ABCXYZ3"]
