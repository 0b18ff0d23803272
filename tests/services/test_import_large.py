"""Importing files larger than we want in memory: streamed, stored, exactly once, all or none."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.repositories.edi_store import LARGE_OBJECT_PREFIX, iter_content
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.imports import ImportFailed, ImportLimits, ImportService
from tests.conftest import DEMO_TODAY, X12_FIXTURES
from tests.edi.large_x12 import write_835

MB = 1024 * 1024


def importer(engine: Engine, **limits: int) -> ImportService:
    return ImportService(engine, Clock(DEMO_TODAY), "bulk", ImportLimits(**limits))


def counts(engine: Engine) -> tuple[int, int, int, int]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM edi_file), (SELECT count(*) FROM remittance), "
                "(SELECT count(*) FROM claim_payment), "
                "(SELECT count(*) FROM pg_largeobject_metadata)"
            )
        ).one()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def test_a_large_835_imports_in_bounded_memory_once(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "large.835"
    size = write_835(path, payments=40, claims=10, memo=60_000)
    assert size > 24_000_000
    service = importer(engine, inline_max_bytes=1 * MB, validate_max_bytes=1 * MB)
    tracemalloc.start()
    try:
        result = service.import_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.status == "imported" and len(result.payments) == 40
    assert all(p.status == "posted" and p.unmatched == 10 for p in result.payments)
    assert peak < size / 4, f"peak {peak:,} bytes for a {size:,}-byte file"
    assert any("pyx12 did not check this file" in w for w in result.warnings)
    with engine.connect() as conn:
        file_id, content, warnings = conn.execute(
            text("SELECT id, content, warnings FROM edi_file WHERE direction = 'in'")
        ).one()
        assert bytes(content).startswith(LARGE_OBJECT_PREFIX)
        digest = hashlib.sha256()
        for chunk in iter_content(conn, file_id):
            digest.update(chunk)
        raw = conn.execute(text("SELECT raw FROM remittance ORDER BY id LIMIT 1")).scalar_one()
    assert digest.hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "pyx12 did not check" in warnings
    assert bytes(raw).startswith(b"ST*835*0001~\nBPR*") and bytes(raw).endswith(b"SE*120*0001~\n")
    before = counts(engine)
    again = importer(engine).import_file(path)
    assert again.status == "already-imported" and "by bulk" in again.message
    assert counts(engine) == before


@pytest.mark.parametrize(
    ("cut", "words"),
    [
        (lambda t: t[: len(t) - 5000], "truncated: it ends with REF, not IEA"),
        (lambda t: t.replace(b"*120*90**12*", b"*120*9X**12*", 1), "CLP04 '9X' is not an amount"),
    ],
)
def test_a_bad_large_file_changes_nothing(
    engine: Engine, tmp_path: Path, cut: object, words: str
) -> None:
    good = tmp_path / "good.835"
    write_835(good, payments=6, claims=4, memo=200_000)
    bad = tmp_path / "bad.835"
    bad.write_bytes(cut(good.read_bytes()))  # type: ignore[operator]
    before = counts(engine)
    with pytest.raises(ImportFailed, match=words):
        importer(engine, inline_max_bytes=1 * MB, validate_max_bytes=1 * MB).import_file(bad)
    assert counts(engine) == before  # no file, no payment, no large object left behind


def test_validation_in_a_child_process_finds_what_it_finds_in_process(
    demo_engine: Engine,
) -> None:
    path = X12_FIXTURES / "277ca-imsweb-rejected.x12"
    child = importer(demo_engine, parallel_min_bytes=0).import_file(path, dry_run=True)
    here = importer(demo_engine, parallel_min_bytes=10 * MB).import_file(path, dry_run=True)
    assert child.warnings and child.warnings == here.warnings
    assert "STC" in child.warnings[0]
