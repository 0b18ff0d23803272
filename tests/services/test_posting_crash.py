"""A kill -9 in the middle of posting leaves the database as before; two importers of the same
payment at the same moment post it once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from medbill_tui.db.engine import make_engine
from medbill_tui.db.repositories.ledger_check import check_ledger
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.imports import ImportService
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY
from tests.factories import Builder
from tests.services.era_practice import (
    DOS,
    ClaimPay,
    Era,
    LinePay,
    build_practice,
    snapshot,
    write_835,
)

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = 2000

CHILD = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from pathlib import Path
    from sqlalchemy import event
    from medbill_tui.runtime.clock import Clock
    from medbill_tui.db.engine import make_engine
    from medbill_tui.services.imports import ImportService

    engine = make_engine(sys.argv[1], pool_size=1)

    @event.listens_for(engine, "after_cursor_execute")
    def written(conn, cursor, statement, params, context, executemany):
        # Test hook: the audit row is the posting's last write before COMMIT. Say so, with
        # the backend's pid, and wait to be killed.
        if statement.lstrip().startswith("INSERT INTO audit_event"):
            print("WRITTEN", cursor.connection.info.backend_pid, flush=True)
            time.sleep(600)

    result = ImportService(engine, Clock(date.fromisoformat(sys.argv[3])), "crash").import_file(
        Path(sys.argv[2])
    )
    print("COMMITTED", result.status, flush=True)
    """
)


def many_claims(conn: Connection, count: int) -> list[str]:
    """`count` acknowledged one-line claims of 100.00 with their charges on the ledger."""
    b = Builder(conn)
    patient, coverage = b.patient("Many", payer=b.payers[0])
    params = {"n": count, "p": patient, "cov": coverage, "prov": b.provider, "payer": b.payers[0],
              "dos": DOS}  # fmt: skip
    statements = (
        """INSERT INTO encounter (patient_id, provider_id, coverage_id, dos, pos, status)
           SELECT :p, :prov, :cov, :dos, '11', 'billed' FROM generate_series(1, :n)""",
        """INSERT INTO claim (claim_no, encounter_id, patient_id, coverage_id, payer_id, status,
                              total_charge, created_on, submitted_on)
           SELECT 'K' || e.id, e.id, :p, :cov, :payer, 'acknowledged_277ca', 100.00, :dos, :dos
           FROM encounter e WHERE e.patient_id = :p""",
        """INSERT INTO claim_line (claim_id, line_no, code, units, amount, dx_pointers)
           SELECT c.id, 1, '99213', 1, 100.00, '1' FROM claim c WHERE c.patient_id = :p""",
        """INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind, responsibility,
                                     amount, service_date, posted_by)
           SELECT :p, c.encounter_id, c.id, 'charge', 'primary', 100.00, :dos, 'test'
           FROM claim c WHERE c.patient_id = :p""",
    )
    for sql in statements:
        conn.execute(text(sql), params)
    rows = conn.execute(text("SELECT claim_no FROM claim WHERE patient_id = :p ORDER BY id"),
                        {"p": patient}).scalars()  # fmt: skip
    return list(rows)


def paid(pcn: str, cents: int) -> ClaimPay:
    """A one-line 100.00 claim paid 80.00 less the patient's share, CO-45 20.00."""
    share = Decimal(cents % 3000) / 100
    adj = (("CO", "45", Decimal("20.00")), ("PR", "2", share))
    line = LinePay("99213", Decimal("100.00"), Decimal("80.00") - share,
                   tuple(a for a in adj if a[2]))  # fmt: skip
    return ClaimPay(pcn, "1", Decimal("100.00"), (line,), (), f"PY{pcn}")


def state(engine: Engine) -> dict[str, object]:
    with engine.connect() as conn:
        audit = conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
    return {**snapshot(engine), "audit": audit}


def test_kill_9_while_posting_leaves_the_database_as_before(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url, pool_size=2)
    with engine.begin() as conn:
        numbers = many_claims(conn, CLAIMS)
    era = Era("CRASH1", [paid(pcn, i * 37) for i, pcn in enumerate(numbers)])
    era_file = tmp_path / "big.835"
    era_file.write_text(write_835([era]))
    child_py = tmp_path / "child.py"
    child_py.write_text(CHILD)
    before = state(engine)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, str(child_py), db_url, str(era_file), DEMO_TODAY.isoformat()],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        assert child.stdout is not None
        line = child.stdout.readline()  # blocks until the hook fires (or the child ends)
        assert line.startswith("WRITTEN"), (line, child.stderr.read() if child.stderr else "")
        backend = int(line.split()[1])
        with engine.connect() as conn:
            activity = conn.execute(
                text("SELECT state, backend_xid IS NOT NULL FROM pg_stat_activity "
                     "WHERE pid = :pid"), {"pid": backend},
            ).one()  # fmt: skip
        assert activity == ("idle in transaction", True)  # it has written, not committed
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    with engine.connect() as conn:  # the server notices the dead client and rolls back
        for _ in range(600):
            gone = conn.execute(text("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :p"),
                                {"p": backend}).scalar_one()  # fmt: skip
            conn.rollback()
            if gone:
                break
            time.sleep(0.05)
        assert gone
    assert state(engine) == before
    with engine.connect() as conn:
        assert check_ledger(conn) == ()

    importer = ImportService(engine, Clock(DEMO_TODAY), "poster")
    result = importer.import_file(era_file)
    assert result.status == "imported"
    assert [p.status for p in result.payments] == ["posted"]
    assert result.payments[0].matched == CLAIMS
    again = importer.import_file(era_file)
    assert again.status == "already-imported"
    with engine.connect() as conn:
        counts = conn.execute(
            text("SELECT (SELECT count(*) FROM remittance), (SELECT count(*) FROM claim_payment), "
                 "(SELECT count(*) FROM ledger_entry WHERE kind = 'payment'), "
                 "(SELECT -sum(amount) FROM ledger_entry WHERE kind = 'payment')"),
        ).one()  # fmt: skip
        assert check_ledger(conn) == ()
    assert tuple(counts) == (1, CLAIMS, CLAIMS, era.amount)
    engine.dispose()


def test_the_same_payment_in_two_files_at_once_posts_once(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        claims = build_practice(conn, patients=3, claims_per_patient=2, lines=1)
    era = Era("SAME1", [ClaimPay(c.claim_no, "1", c.charge, (), (("CO", "45", Decimal("20.00")),))
                        for c in claims])  # fmt: skip
    body = write_835([era])
    files = [tmp_path / "a.835", tmp_path / "b.835"]
    files[0].write_text(body)
    files[1].write_text(body + "\n")  # another file (other bytes), the same payment
    results = []
    barrier = threading.Barrier(2)

    def work(path: Path) -> None:
        barrier.wait()
        results.append(ImportService(engine, Clock(DEMO_TODAY), path.stem).import_file(path))

    threads = [threading.Thread(target=work, args=(p,)) for p in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = sorted((r.payments[0].status, r.payments[0].message) for r in results)
    assert [o[0] for o in outcomes] == ["already-posted", "posted"]
    winner = next(Path(r.file_name).stem for r in results if r.status == "imported")
    assert f"already posted by {winner} on " in outcomes[0][1], outcomes
    with engine.connect() as conn:
        counts = conn.execute(
            text("SELECT (SELECT count(*) FROM remittance), (SELECT count(*) FROM claim_payment), "
                 "(SELECT count(*) FROM edi_file)"),
        ).one()  # fmt: skip
        assert check_ledger(conn) == ()
    assert tuple(counts) == (1, len(claims), 1)


def test_undo_and_repost_from_the_command_line(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url, pool_size=1)
    with engine.begin() as conn:
        claims = build_practice(conn, patients=2, claims_per_patient=1, lines=1)
    era = Era("CLI1", [ClaimPay(c.claim_no, "1", c.charge, (), (("CO", "45", Decimal("20.00")),))
                       for c in claims])  # fmt: skip
    ImportService(engine, Clock(DEMO_TODAY), "poster").import_bytes(
        "cli.835", write_835([era]).encode()
    )
    posted = state(engine)
    with engine.connect() as conn:
        rid = conn.execute(text("SELECT id FROM remittance")).scalar_one()
    undo = medbill("remittance", "undo", str(rid), "--reason", "wrong check", url=db_url)
    assert undo.returncode == 0, undo.stderr
    repost = medbill("remittance", "repost", str(rid), url=db_url)
    assert repost.returncode == 0 and "2 claims" in repost.stdout, repost.stderr
    assert state(engine)["balances"] == posted["balances"]
    twice = medbill("remittance", "repost", str(rid), url=db_url)
    assert twice.returncode != 0 and "already posted; undo it first" in twice.stderr
    check = medbill("ledger", "check", url=db_url)
    assert check.returncode == 0, check.stdout
    engine.dispose()
