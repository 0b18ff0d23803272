"""Files written once: a retried attempt leaves no file of its own, a rollback leaves none, and
a file committed but never renamed (a crash) is written again from the database."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.records.outbox import OutboxReport
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimService
from medbill_tui.services.outbox import OutboxService
from medbill_tui.services.outbox_files import AttemptFiles
from medbill_tui.services.submissions import SubmissionService
from tests.conftest import DEMO_TODAY
from tests.services.test_denials import a_denial, service


def sender(engine: Engine, outbox: Path) -> SubmissionService:
    return SubmissionService(engine, Clock(DEMO_TODAY), "b1", outbox)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def sent_files(engine: Engine) -> list[tuple[str, bytes, bool]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT file_name, content, written_at IS NOT NULL AS written FROM edi_file "
                "WHERE direction = 'out' ORDER BY id"
            )
        ).all()
    return [(r.file_name, bytes(r.content), r.written) for r in rows]


def isa_sequence(engine: Engine) -> int:
    """How many ISA13 numbers were handed out."""
    with engine.connect() as conn:
        value, called = conn.execute(
            text("SELECT last_value, is_called FROM isa_control_seq")
        ).one()
    return int(value) if called else int(value) - 1


def test_a_deadlocked_first_attempt_leaves_exactly_one_file(
    demo_engine: Engine, tmp_path: Path
) -> None:
    """A real deadlock: another transaction holds `submission` in SHARE mode, so the submit
    waits at its first INSERT (its 837P already written under a temporary name); then that
    transaction asks for a claim the submit has locked. PostgreSQL aborts the submit (the
    waiter whose deadlock_timeout passes first), which is retried and commits."""
    ClaimService(demo_engine, Clock(DEMO_TODAY), "b1").create()
    out = tmp_path / "out"
    with demo_engine.connect() as conn:
        ready = conn.execute(text("SELECT id FROM claim WHERE status = 'ready' ORDER BY id"))
        claim_ids = list(ready.scalars())
    first_isa = isa_sequence(demo_engine)
    blocker = demo_engine.connect()
    blocker.execute(text("SET deadlock_timeout = '30s'"))
    blocker.execute(text("LOCK TABLE submission IN SHARE MODE"))
    blocker_pid = blocker.execute(text("SELECT pg_backend_pid()")).scalar_one()
    outcome: dict[str, object] = {}

    def submit() -> None:
        try:
            outcome["run"] = sender(demo_engine, out).submit()
        except Exception as exc:  # reported by the assertion below
            outcome["error"] = exc

    thread = threading.Thread(target=submit)
    thread.start()
    try:
        waited = 0.0
        while not _waiting_on_lock(demo_engine, blocker_pid) and waited < 30:
            time.sleep(0.05)
            waited += 0.05
        parts = [name for name in listing(out) if name.endswith(".part")]
        assert len(parts) == 1, listing(out)  # the first attempt's file, not yet renamed
        blocker.execute(
            text("SELECT id FROM claim WHERE id = :id FOR UPDATE"), {"id": claim_ids[0]}
        )
    finally:
        blocker.rollback()
        blocker.close()
    thread.join(60)
    assert "error" not in outcome, outcome
    assert isa_sequence(demo_engine) == first_isa + 2  # two attempts, the second committed
    (name, content, written), *others = sent_files(demo_engine)
    assert listing(out) == [name] and (out / name).read_bytes() == content
    assert others == [] and written
    with demo_engine.connect() as conn:
        statuses = conn.execute(
            text("SELECT DISTINCT status FROM claim WHERE id = ANY(:ids)"), {"ids": claim_ids}
        )
        assert list(statuses.scalars()) == ["submitted"]


def _waiting_on_lock(engine: Engine, other_than: int) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> :pid"
                ),
                {"pid": other_than},
            ).scalar_one()
        )


def crash_after_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process dies after the commit, before any rename: nothing is published."""

    def crash(self: AttemptFiles) -> list[Path]:
        raise SystemExit("killed between the commit and the rename")

    monkeypatch.setattr(AttemptFiles, "publish", crash)


def test_a_crash_between_commit_and_rename_is_repaired_by_the_next_submit(
    demo_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ClaimService(demo_engine, Clock(DEMO_TODAY), "b1").create()
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        crash_after_commit(patch)
        with pytest.raises(SystemExit):
            sender(demo_engine, out).submit()
    (name, content, written), *_ = sent_files(demo_engine)
    assert not written and name not in listing(out)
    (part,) = listing(out)
    assert part.endswith(".part")
    report = OutboxService(demo_engine, "b1", out, None).repair(dry_run=True)
    assert report == OutboxReport(True, (str(out / name),), (), (str(out / part),))
    assert not report.clean and listing(out) == [part]  # a dry run changes nothing
    run = sender(demo_engine, out).submit()
    assert run.claims == 0 and run.repaired == (str(out / name),)
    assert listing(out) == [name] and (out / name).read_bytes() == content
    assert sent_files(demo_engine) == [(name, content, True)]
    again = OutboxService(demo_engine, "b1", out, None).repair()
    assert again == OutboxReport(False) and again.clean


def test_a_file_moved_away_after_it_was_written_is_never_written_again(
    demo_engine: Engine, tmp_path: Path
) -> None:
    ClaimService(demo_engine, Clock(DEMO_TODAY), "b1").create()
    out = tmp_path / "out"
    run = sender(demo_engine, out).submit()
    Path(run.files[0].path).unlink()  # uploaded to the clearinghouse
    assert OutboxService(demo_engine, "b1", out, None).repair() == OutboxReport(False)
    assert listing(out) == []


def letters_of(engine: Engine) -> list[tuple[str, str, bool]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT file_name, content, written_at IS NOT NULL AS written "
                "FROM appeal_letter ORDER BY id"
            )
        ).all()
    return [(r.file_name, r.content, r.written) for r in rows]


def test_an_appeal_rolled_back_leaves_no_letter(
    demo_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item, _, _ = a_denial(demo_engine)

    def fail(*args: object) -> None:
        raise RuntimeError("the note could not be written")

    monkeypatch.setattr("medbill_tui.db.repositories.denials.note", fail)
    with pytest.raises(RuntimeError):
        service(demo_engine, tmp_path).appeal(item)
    assert listing(tmp_path / "letters") == [] and letters_of(demo_engine) == []


def test_an_appeal_letter_lost_in_a_crash_is_written_again(
    demo_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item, _, _ = a_denial(demo_engine)
    letters = tmp_path / "letters"
    with monkeypatch.context() as patch:
        crash_after_commit(patch)
        with pytest.raises(SystemExit):
            service(demo_engine, tmp_path).appeal(item, "The note shows the exam.")
    (name, letter, written), *_ = letters_of(demo_engine)
    assert not written and "The note shows the exam." in letter
    outbox = OutboxService(demo_engine, "b1", tmp_path / "out", letters)
    assert outbox.repair(dry_run=True).missing == (str(letters / name),)
    report = outbox.repair()
    assert report.clean and report.missing == (str(letters / name),)
    assert listing(letters) == [name] and (letters / name).read_text(encoding="utf-8") == letter
    assert letters_of(demo_engine) == [(name, letter, True)]
    with demo_engine.connect() as conn:
        audit = conn.execute(
            text("SELECT detail FROM audit_event WHERE entity = 'appeal_letter'")
        ).scalar_one()
    assert audit == f"{name} written again (outbox repair)"
