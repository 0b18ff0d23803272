"""An 835 whose single ST set holds many claims imports in the memory of a few thousand claims:
peak RSS of an import in a child process barely grows from 2,000 to 20,000 claims (before the
reader went claim by claim, the whole set was in memory: ~38 bytes of RSS per byte of set)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, text

from medbill_tui.db.engine import make_engine
from tests.conftest import DEMO_TODAY
from tests.edi.large_x12 import write_835
from tests.factories import Builder

ROOT = Path(__file__).resolve().parents[2]
DOS = date(2026, 9, 1)

CHILD = textwrap.dedent(
    """
    import sys
    from datetime import date
    from pathlib import Path
    from medbill_tui.db.engine import make_engine
    from medbill_tui.runtime.clock import Clock
    from medbill_tui.services.imports import ImportLimits, ImportService

    engine = make_engine(sys.argv[1], pool_size=1)
    limits = ImportLimits(inline_max_bytes=0, validate_max_bytes=0)  # no pyx12, no inline copy
    service = ImportService(engine, Clock(date.fromisoformat(sys.argv[3])), "memory", limits)
    result = service.import_file(Path(sys.argv[2]))
    payment = result.payments[0]
    # VmHWM, not ru_maxrss: Linux keeps the forking parent's (pytest's) peak in ru_maxrss
    status = Path("/proc/self/status").read_text()
    peak_kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    print(result.status, payment.status, payment.matched, payment.unmatched, peak_kib)
    """
)


def claims_for(conn: Connection, b: Builder, prefix: str, count: int) -> None:
    """`count` acknowledged claims numbered as `write_835(payments=1, pcn=prefix)` numbers its
    CLPs, each with the 99213 and 36415 lines of 60.00 it pays, and their charges."""
    # the claims are billed to the payer the 835 names (N1*PR), or none of them would match
    conn.execute(
        text("UPDATE payer SET name = 'LARGE TEST PAYER' WHERE id = :p"), {"p": b.payers[0]}
    )
    patient, coverage = b.patient(prefix, payer=b.payers[0])
    params = {
        "n": count,
        "p": patient,
        "cov": coverage,
        "prov": b.provider,
        "payer": b.payers[0],
        "dos": DOS,
        "prefix": f"{prefix}00001X",
    }
    for sql in (
        """INSERT INTO encounter (patient_id, provider_id, coverage_id, dos, pos, status)
           SELECT :p, :prov, :cov, :dos, '11', 'billed' FROM generate_series(1, :n)""",
        """INSERT INTO claim (claim_no, encounter_id, patient_id, coverage_id, payer_id, status,
                              total_charge, created_on, submitted_on)
           SELECT :prefix || lpad((row_number() OVER (ORDER BY e.id))::text, 5, '0'), e.id, :p,
                  :cov, :payer, 'acknowledged_277ca', 120.00, :dos, :dos
           FROM encounter e WHERE e.patient_id = :p""",
        """INSERT INTO claim_line (claim_id, line_no, code, units, amount, dx_pointers)
           SELECT c.id, l.no, l.code, 1, 60.00, '1' FROM claim c
           CROSS JOIN (VALUES (1, '99213'), (2, '36415')) AS l(no, code)
           WHERE c.patient_id = :p""",
        """INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind, responsibility,
                                     amount, service_date, posted_by)
           SELECT :p, c.encounter_id, c.id, 'charge', 'primary', 120.00, :dos, 'test'
           FROM claim c WHERE c.patient_id = :p""",
    ):
        conn.execute(text(sql), params)


def peak_kib(db_url: str, path: Path, tmp_path: Path, claims: int) -> int:
    """Import `path` in a child process; its peak RSS in KiB (every claim matched and posted)."""
    child_py = tmp_path / "child.py"
    child_py.write_text(CHILD)
    done = subprocess.run(
        [sys.executable, str(child_py), db_url, str(path), DEMO_TODAY.isoformat()],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    status, payment, matched, unmatched, peak = done.stdout.split()
    assert (status, payment, int(matched), int(unmatched)) == ("imported", "posted", claims, 0)
    return int(peak)


def set_md5(path: Path) -> str:
    """MD5 of the file's only ST..SE set, one segment a line (as `remittance.raw` keeps it)."""
    content = path.read_bytes()
    return hashlib.md5(content[content.index(b"ST*835*") : content.index(b"GE*")]).hexdigest()


def test_one_set_of_many_claims_imports_in_bounded_memory(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url, pool_size=1)
    with engine.begin() as conn:
        builder = Builder(conn)
        claims_for(conn, builder, "SMALL", 2_000)
        claims_for(conn, builder, "LARGE", 20_000)
    small, large = tmp_path / "small.835", tmp_path / "large.835"
    small_size = write_835(small, payments=1, claims=2_000, pcn="SMALL")
    large_size = write_835(large, payments=1, claims=20_000, pcn="LARGE")
    assert large_size > 9 * small_size
    small_peak = peak_kib(db_url, small, tmp_path, 2_000)
    large_peak = peak_kib(db_url, large, tmp_path, 20_000)
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT trace_no, md5(raw) FROM remittance ORDER BY id")).all()
        posted = conn.execute(text("SELECT count(*) FROM claim_payment")).scalar_one()
    engine.dispose()
    assert posted == 22_000
    assert [tuple(row) for row in kept] == [
        ("SMALL0000001", set_md5(small)),
        ("LARGE0000001", set_md5(large)),
    ]
    # 10x the claims (~5 MB more of set; posted whole, ~120 MB more): a few MB at most.
    growth = (large_peak - small_peak) / small_peak
    assert growth < 0.25, f"peak RSS {small_peak:,} KiB for 2,000 claims, {large_peak:,} for 20,000"
