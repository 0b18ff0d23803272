"""The claim loop: create, submit, the sandbox answers, 999 and 277CA come back in."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.edi.sandbox import respond
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimService
from medbill_tui.services.imports import ImportFailed, ImportService
from medbill_tui.services.submissions import SubmissionService
from tests.conftest import DEMO_TODAY, X12_FIXTURES


def loop(engine: Engine, tmp_path: Path, reject_rate: float = 0.3) -> tuple[Path, Path, Path]:
    ClaimService(engine, Clock(DEMO_TODAY), "b1").create()
    run = SubmissionService(engine, Clock(DEMO_TODAY), "b1", tmp_path / "out").submit()
    answer = respond(Path(run.files[0].path).read_text(), seed=5, reject_rate=reject_rate,
                     today=DEMO_TODAY, ack_reject_rate=0.0)  # fmt: skip
    files = []
    for name, content in (("a.999", answer.ack_999), ("a.277", answer.ack_277ca),
                          ("a.835", answer.era_835)):  # fmt: skip
        path = tmp_path / name
        path.write_text(content or "")
        files.append(path)
    return files[0], files[1], files[2]


def importer(engine: Engine) -> ImportService:
    return ImportService(engine, Clock(DEMO_TODAY), "b2")


def snapshot(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT status, count(*) FROM claim GROUP BY status")).all()
        extra = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM acknowledgment), (SELECT count(*) FROM work_item), "
                "(SELECT count(*) FROM edi_file)"
            )
        ).one()
    return {
        **{r.status: int(r[1]) for r in rows},
        "acks": extra[0],
        "items": extra[1],
        "files": extra[2],
    }


def test_acknowledgments_move_claims_and_fill_the_rejections_list(
    demo_engine: Engine, tmp_path: Path
) -> None:
    ack999, ack277, _ = loop(demo_engine, tmp_path)
    submitted = snapshot(demo_engine)["submitted"]
    with demo_engine.connect() as conn:
        last_item = conn.execute(text("SELECT coalesce(max(id), 0) FROM work_item")).scalar_one()
    first = importer(demo_engine).import_file(ack999)
    assert first.status == "imported" and first.accepted >= 1 and first.rejected == 0
    second = importer(demo_engine).import_file(ack277)
    assert second.accepted + second.rejected == first.accepted and second.rejected >= 1
    with demo_engine.connect() as conn:
        items = conn.execute(
            text(
                "SELECT w.detail, c.status, w.source, w.stc_category, w.stc_status, w.reason "
                "FROM work_item w JOIN claim c ON c.id = w.claim_id "
                "WHERE w.kind = 'rejection' AND w.id > :last"
            ),
            {"last": last_item},
        ).all()
        history = conn.execute(
            text(
                "SELECT count(*) FROM claim_event WHERE to_status IN ('accepted_999', "
                "'acknowledged_277ca', 'rejected_277ca') AND actor = 'b2'"
            )
        ).scalar_one()
    assert len(items) == second.rejected
    assert all(status == "rejected_277ca" and "277CA rejected it" in detail
               for detail, status, *_ in items)  # fmt: skip
    for _, _, source, category, code, reason in items:  # the facts, in columns
        assert source == "277CA" and category and code and reason
    assert history == first.accepted + second.accepted + second.rejected
    after = snapshot(demo_engine)
    assert after["submitted"] == submitted - first.accepted


def test_reimport_changes_nothing_and_says_when(demo_engine: Engine, tmp_path: Path) -> None:
    ack999, _, _ = loop(demo_engine, tmp_path)
    importer(demo_engine).import_file(ack999)
    before = snapshot(demo_engine)
    renamed = tmp_path / "renamed-copy.x12"
    renamed.write_bytes(ack999.read_bytes())
    again = importer(demo_engine).import_file(renamed)
    assert again.status == "already-imported" and "by b2" in again.message
    assert snapshot(demo_engine) == before


def test_two_people_importing_the_same_file_at_once(demo_engine: Engine, tmp_path: Path) -> None:
    ack999, _, _ = loop(demo_engine, tmp_path)
    results: list[str] = []
    barrier = threading.Barrier(2)

    def work() -> None:
        barrier.wait()
        results.append(importer(demo_engine).import_file(ack999).status)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["already-imported", "imported"]
    assert snapshot(demo_engine)["files"] == 2  # the 837P and one 999


def test_dry_run_reports_and_writes_nothing(demo_engine: Engine, tmp_path: Path) -> None:
    ack999, _, _ = loop(demo_engine, tmp_path)
    before = snapshot(demo_engine)
    result = importer(demo_engine).import_file(ack999, dry_run=True)
    assert result.status == "dry-run" and result.accepted >= 1
    assert snapshot(demo_engine) == before


def test_real_999_for_a_batch_we_never_sent_changes_nothing(demo_engine: Engine) -> None:
    before = snapshot(demo_engine)
    with pytest.raises(ImportFailed, match="never sent"):
        importer(demo_engine).import_file(X12_FIXTURES / "999-imsweb-rejected.x12")
    assert snapshot(demo_engine) == before


def test_real_277ca_for_unknown_claims_goes_to_the_unmatched_list(demo_engine: Engine) -> None:
    result = importer(demo_engine).import_file(X12_FIXTURES / "277ca-imsweb-rejected.x12")
    assert result.unmatched == 1 and result.warnings  # pyx12 is stricter than this sample
    with demo_engine.connect() as conn:
        item = conn.execute(
            text(
                "SELECT detail, source, patient_control_no, payer_claim_no, stc_category, "
                "stc_status, stc_entity, reason, amount FROM work_item WHERE kind = 'unmatched'"
            )
        ).one()
    assert "277CA for unknown claim" in item.detail
    assert tuple(item)[1:8] == (
        "277CA",
        "3920394930203",
        "1107000000001120",
        "A7",
        "562",
        "85",
        item.reason,
    )
    assert item.reason and item.reason in item.detail and item.amount == Decimal("199.14")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"not x12 at all", "not an X12 file"),
        (None, "truncated"),
        (b"version", "004010"),
    ],
)
def test_bad_files_are_refused_with_words(
    demo_engine: Engine, tmp_path: Path, content: bytes | None, words: str
) -> None:
    good = (X12_FIXTURES / "999-imsweb-rejected.x12").read_bytes()
    if content is None:
        content = good[: len(good) // 2]
    elif content == b"version":
        content = good.replace(b"00501", b"00401").replace(b"005010X231A1", b"004010X231A1")
    before = snapshot(demo_engine)
    with pytest.raises(ImportFailed, match=words):
        importer(demo_engine).import_bytes("bad.x12", content)
    assert snapshot(demo_engine) == before
