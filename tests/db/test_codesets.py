"""Code sets in PostgreSQL: the packaged release, search, and loading CMS files."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.codesets import CodeLoadError, load_release_file, search_codes
from medbill_tui.domain.codefiles import parse_hcpcs_file, parse_icd10cm_order_file
from tests.unit.test_codefiles import hcpcs_record, order_line


def test_full_icd10cm_release_is_loaded(engine: Engine) -> None:
    with engine.connect() as conn:
        billable = conn.execute(text("SELECT count(*) FROM icd10cm_code WHERE billable")).scalar()
        release = conn.execute(
            text("SELECT release FROM code_set_release WHERE code_set = 'icd10cm'")
        ).scalar()
        pos = conn.execute(text("SELECT count(*) FROM pos_code")).scalar()
    assert billable is not None and billable > 74_000
    assert release is not None and "2026" in release
    assert pos == 52


@pytest.mark.parametrize("query", ["E119", "e11.9", "E11.9"])
def test_search_by_code_with_or_without_dot(engine: Engine, query: str) -> None:
    with engine.connect() as conn:
        hits = search_codes(conn, query)
    assert hits[0].code == "E11.9" and hits[0].billable


def test_search_by_words_prefers_billable_codes(engine: Engine) -> None:
    with engine.connect() as conn:
        hits = search_codes(conn, "essential hypert", limit=5)
        header = search_codes(conn, "E11", limit=1)
        nothing = search_codes(conn, "zzzqqq")
        punctuation = search_codes(conn, "&&& !!")
    assert "I10" in [h.code for h in hits]
    assert all(h.billable for h in hits)
    assert header[0].code == "E11" and not header[0].billable
    assert nothing == () and punctuation == ()


def test_bundled_hcpcs_level2_is_loaded_and_searchable(engine: Engine) -> None:
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM procedure_code WHERE code_set = 'HCPCS' AND verified")
        ).scalar()
        release = conn.execute(
            text("SELECT release FROM code_set_release WHERE code_set = 'hcpcs'")
        ).scalar()
        ours = conn.execute(text("SELECT label FROM procedure_code WHERE code = 'J1885'")).scalar()
        wheelchairs = search_codes(conn, "wheelchair", "hcpcs")
    assert count is not None and count > 6_000
    assert release is not None and "HCPC2020_ANWEB" in release
    assert ours == "Ketorolac injection, per 15 mg"  # our own label wins over the release's
    assert len(wheelchairs) == 20 and all(h.code[0] in "AEK" for h in wheelchairs)


def test_picks_leave_out_categories_and_put_the_practice_codes_first(
    demo_engine: Engine,
) -> None:
    with demo_engine.connect() as conn:
        children = search_codes(conn, "E11", billable_only=True, limit=200)
        plain = search_codes(conn, "hypertension", limit=50)
        picks = search_codes(conn, "hypertension", billable_only=True, used_first=True, limit=50)
        uses = dict(
            conn.execute(text("SELECT code, count(*) FROM encounter_diagnosis GROUP BY code")).all()
        )
        lines = search_codes(conn, "office", "procedure", used_first=True)
    assert len(children) > 50 and all(h.billable and h.code.startswith("E11.") for h in children)
    counts = [uses.get(h.code, 0) for h in picks]
    assert counts[0] > 0 and counts == sorted(counts, reverse=True)[: len(counts)]
    assert picks[0].code != plain[0].code  # the practice's own code outranks the shortest words
    assert {h.code for h in picks} <= {h.code for h in plain if h.billable} | set(uses)
    assert lines and lines[0].code.startswith("992")


def test_search_other_sets(engine: Engine) -> None:
    with engine.connect() as conn:
        assert search_codes(conn, "11", "pos")[0].description == "Office"
        assert search_codes(conn, "ambulance", "pos")
        with pytest.raises(ValueError):
            search_codes(conn, "x", "ndc")


def test_loading_an_order_file_replaces_the_set(engine: Engine) -> None:
    parsed = parse_icd10cm_order_file(
        [
            order_line(1, "E11", "0", "T2", "Type 2 diabetes mellitus"),
            order_line(2, "E119", "1", "T2", "Type 2 diabetes mellitus without complications"),
        ]
    )
    assert load_release_file(engine, parsed, "icd10cm", "icd10cm_order_2027.txt", "t") == 2
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM icd10cm_code")).scalar() == 2
        assert (
            conn.execute(
                text("SELECT release FROM code_set_release WHERE code_set = 'icd10cm'")
            ).scalar()
            == "icd10cm_order_2027.txt"
        )


def test_a_bad_row_loads_nothing(engine: Engine) -> None:
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM icd10cm_code")).scalar()
    parsed = parse_icd10cm_order_file([order_line(1, "E119", "1", "x", "ok"), "junk"])
    with pytest.raises(CodeLoadError, match="line 2"):
        load_release_file(engine, parsed, "icd10cm", "bad.txt", "t")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM icd10cm_code")).scalar() == before


def test_hcpcs_release_verifies_codes_and_keeps_practice_additions(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO procedure_code (code, code_set, label) VALUES "
                "('A9989', 'HCPCS', 'practice-added supply')"
            )
        )
    parsed = parse_hcpcs_file(hcpcs_record("A4550", "3", "Trays", "Surgical trays"))
    load_release_file(engine, parsed, "hcpcs", "HCPC2027.txt", "t")
    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                text("SELECT code, verified FROM procedure_code WHERE code IN ('A4550', 'A9989')")
            ).all()
        )
    assert rows == {"A4550": True, "A9989": False}


def test_processes_starting_together_fill_the_sample_edits_once(engine: Engine) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from medbill_tui.db.codesets import ensure_builtin_code_sets

    with engine.begin() as conn:
        expected = conn.execute(text("SELECT count(*) FROM ncci_ptp")).scalar()
        conn.execute(text("DELETE FROM ncci_ptp; DELETE FROM mue"))
    together = Barrier(4)

    def start() -> dict[str, int]:
        together.wait()
        return ensure_builtin_code_sets(engine)

    with ThreadPoolExecutor(4) as pool:
        loads = list(pool.map(lambda _: start(), range(4)))
    assert [load.get("ncci-ptp") for load in loads].count(expected) == 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ncci_ptp")).scalar() == expected
