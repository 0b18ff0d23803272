"""A loaded official CARC/RARC list wins over our words wherever denials are shown."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, text

from medbill_tui.db.codesets import load_release_file
from medbill_tui.domain.codefiles import parse_adjustment_codes
from medbill_tui.edi.codelists import carc_words, rarc_words
from medbill_tui.records.queues import QueueFilter, QueueKind
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.denials import DenialService
from medbill_tui.services.queues import DetailService, QueueService
from tests.factories import Builder

TODAY = date(2026, 11, 2)
OFFICIAL_16 = "Claim/service lacks information or has submission/billing error(s)."


def seed(engine: Engine) -> dict[str, int]:
    with engine.begin() as conn:
        b = Builder(conn)
        p = b.patient("Quinn")
        ids = {}
        for carc, dos in (("16", date(2026, 9, 1)), ("999", date(2026, 9, 2))):
            claim = b.claim(p, dos, "denied", created=dos, amount="20.00")
            ids[carc] = b.denial(claim, p[0], opened=date(2026, 10, 1), carc=carc,
                                 amount="20.00")  # fmt: skip
        conn.execute(text("UPDATE work_item SET rarc = 'M51', category = 'missing information', "
                          "action = 'resubmit' WHERE id = :id"), {"id": ids["16"]})  # fmt: skip
    return ids


def shown(engine: Engine, ids: dict[str, int]) -> dict[str, object]:
    queue = QueueService(engine, Clock(TODAY)).page(QueueKind.DENIALS, QueueFilter(), None, 10)
    rows = {r.work_item_id: r for r in queue.rows}
    detail = DenialService(engine, Clock(TODAY), "b", Path("letters")).detail(ids["16"])
    unknown = DenialService(engine, Clock(TODAY), "b", Path("letters")).detail(ids["999"])
    claim = DetailService(engine, Clock(TODAY), "tester").claim(rows[ids["16"]].claim_id)
    return {
        "queue": rows[ids["16"]].carc_text,
        "queue_unknown": rows[ids["999"]].carc_text,
        "route": (rows[ids["16"]].category, rows[ids["16"]].action),
        "detail": (detail.carc_text, detail.rarc_text, detail.category, detail.action),
        "unknown": (unknown.carc_text, unknown.rarc_text, unknown.category),
        "claim": claim.open_denials,
    }


def test_shipped_words_then_official_words(engine: Engine) -> None:
    ids = seed(engine)
    before = shown(engine, ids)
    assert before["queue"] == carc_words("16")
    assert before["queue_unknown"] == "unknown CARC 999"
    assert before["route"] == ("missing information", "resubmit")
    assert before["detail"] == (carc_words("16"), rarc_words("M51"), "missing information",
                                "resubmit")  # fmt: skip
    assert before["unknown"] == ("unknown CARC 999", "", None)
    official = f'code,description\n16,"{OFFICIAL_16}"\n17,other words\n'
    rarcs = "M51,Missing/incomplete/invalid procedure code(s).\n"
    load_release_file(engine, parse_adjustment_codes(official, "carc"), "carc", "c.csv", "t")
    load_release_file(engine, parse_adjustment_codes(rarcs, "rarc"), "rarc", "r.csv", "t")
    after = shown(engine, ids)
    assert after["queue"] == OFFICIAL_16
    assert after["queue_unknown"] == "unknown CARC 999"  # still named, never dropped
    assert after["detail"][:2] == (OFFICIAL_16, "Missing/incomplete/invalid procedure code(s).")
    assert any(OFFICIAL_16 in line for line in after["claim"])  # type: ignore[attr-defined]
