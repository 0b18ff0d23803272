"""Every session plans for data on SSD or in memory; a URL's own options still win."""

import pytest
from sqlalchemy import Connection, text

from medbill_tui.db.engine import make_engine


def test_sessions_price_random_reads_low_and_a_urls_options_win(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = text(
        "SELECT current_setting('random_page_cost'), current_setting('work_mem'), "
        "current_setting('application_name')"
    )
    ours = make_engine(db_url)
    theirs = make_engine(f"{db_url}&options=-c%20random_page_cost%3D3%20-c%20work_mem%3D8MB")
    try:
        with ours.connect() as conn:
            assert tuple(conn.execute(settings).one()) == ("1.1", "4MB", "medbill")
        with theirs.connect() as conn:
            assert tuple(conn.execute(settings).one()) == ("3", "8MB", "medbill")
        monkeypatch.setenv("PGOPTIONS", "-c work_mem=6MB")
        environment = make_engine(db_url)
        with environment.connect() as conn:
            assert tuple(conn.execute(settings).one()) == ("1.1", "6MB", "medbill")
        environment.dispose()
    finally:
        ours.dispose()
        theirs.dispose()


def test_a_foreign_key_check_on_a_small_table_probes_its_index(db_url: str) -> None:
    """The generic plan of the check a ledger row's `remittance_id` runs (a few hundred
    remittances: a sequential scan at PostgreSQL's default cost)."""
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TEMPORARY TABLE small (id bigint PRIMARY KEY, pad text)"))
            conn.execute(
                text("INSERT INTO small SELECT n, repeat('x', 60) FROM generate_series(1, 157) n")
            )
            conn.execute(text("ANALYZE small"))
            conn.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
            assert "Index" in _check_plan(conn), "an index probe"
            conn.execute(text("SET LOCAL random_page_cost = 4"))
            assert "Seq Scan" in _check_plan(conn), "what PostgreSQL's default planned"
    finally:
        engine.dispose()


def _check_plan(conn: Connection) -> str:
    """The generic plan of the foreign-key check's query, prepared now (plans are cached)."""
    conn.execute(text("PREPARE fk_check(bigint) AS SELECT 1 FROM small WHERE id = $1"))
    plan = "\n".join(conn.execute(text("EXPLAIN EXECUTE fk_check(5)")).scalars())
    conn.execute(text("DEALLOCATE fk_check"))
    return plan
