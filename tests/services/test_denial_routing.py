"""Posting routes each denial by the rules; replaying rules over past denials writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.domain.routing import DenialFacts, parse_rules
from medbill_tui.edi.sandbox import respond
from medbill_tui.runtime.clock import Clock
from medbill_tui.runtime.denial_rules import activate, default_rules
from medbill_tui.services.claims import ClaimService
from medbill_tui.services.imports import ImportService
from medbill_tui.services.routing import RoutingService
from medbill_tui.services.submissions import SubmissionService
from tests.conftest import DEMO_TODAY

ALL_CODING = """
[[rule]]
name = "big ones"
amount_min = 1000000
category = "other"
action = "follow up"

[[rule]]
name = "all coding"
category = "coding"
action = "resubmit"
appeal_days = 7
"""


@pytest.fixture
def rules_reset() -> Iterator[None]:
    yield
    activate(None)


def post_denials(engine: Engine, tmp_path: Path) -> None:
    """Create, send and answer the demo's unbilled claims with many denials, then import."""
    ClaimService(engine, Clock(DEMO_TODAY), "b1").create()
    run = SubmissionService(engine, Clock(DEMO_TODAY), "b1", tmp_path / "out").submit()
    answer = respond(Path(run.files[0].path).read_text(), seed=3, reject_rate=0.0,
                     deny_rate=0.6, today=DEMO_TODAY, ack_reject_rate=0.0)  # fmt: skip
    importer = ImportService(engine, Clock(DEMO_TODAY), "poster")
    for name, content in (("a.999", answer.ack_999), ("a.277", answer.ack_277ca),
                          ("a.835", answer.era_835)):  # fmt: skip
        path = tmp_path / name
        path.write_text(content or "")
        assert importer.import_file(path).status == "imported"


def posted_items(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("""SELECT w.group_code, w.carc, coalesce(w.rarc, '') AS rarc, w.amount,
                           w.opened_on, w.due_on, w.category, w.action, py.payer_code
                    FROM work_item w JOIN claim c ON c.id = w.claim_id
                    JOIN payer py ON py.id = c.payer_id
                    WHERE w.kind = 'denial' AND w.detail LIKE '835 %'""")
        ).all()  # fmt: skip
    return [dict(r._mapping) for r in rows]


def test_posting_sets_category_action_and_due_date_from_the_rules(
    demo_engine: Engine, tmp_path: Path
) -> None:
    post_denials(demo_engine, tmp_path)
    items = posted_items(demo_engine)
    assert len(items) >= 5
    rules = default_rules()
    for item in items:
        facts = DenialFacts(str(item["group_code"]), str(item["carc"]), str(item["rarc"]),
                            Decimal(str(item["amount"])), str(item["payer_code"]))  # fmt: skip
        routing = rules.route(facts)
        assert (item["category"], item["action"]) == (routing.category, routing.action)
        assert item["due_on"] == routing.due_on(item["opened_on"])  # type: ignore[arg-type]
    assert len({item["category"] for item in items}) >= 3


def test_posting_uses_the_activated_rules(
    demo_engine: Engine, tmp_path: Path, rules_reset: None
) -> None:
    activate(parse_rules(ALL_CODING, "all_coding.toml"))
    post_denials(demo_engine, tmp_path)
    items = posted_items(demo_engine)
    assert items and {(i["category"], i["action"]) for i in items} == {("coding", "resubmit")}
    assert all(i["due_on"] == i["opened_on"] + timedelta(days=7) for i in items)  # type: ignore[operator]


def work_items(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM work_item ORDER BY id"))]


def test_replay_totals_and_changes_and_writes_nothing(demo_engine: Engine, tmp_path: Path) -> None:
    post_denials(demo_engine, tmp_path)
    before = work_items(demo_engine)
    service = RoutingService(demo_engine)
    same = service.replay(default_rules())
    with demo_engine.connect() as conn:
        count, amount, unrouted, not_coding = conn.execute(
            text("SELECT count(*), sum(amount), count(*) FILTER (WHERE category IS NULL), "
                 "count(*) FILTER (WHERE category IS DISTINCT FROM 'coding') "
                 "FROM work_item WHERE kind = 'denial' AND status <> 'void'")
        ).one()  # fmt: skip
    assert (same.items, same.amount) == (count, amount)
    assert same.changed == 0  # what posting stored is what the same rules say
    assert same.unrouted == unrouted == 0  # the demo routes its denials with the same rules
    assert same.source.endswith("(the shipped default)")
    candidate = service.replay(parse_rules(ALL_CODING, "all_coding.toml"))
    assert [(line.category, line.action) for line in candidate.lines] == [("coding", "resubmit")]
    # every denial (the demo's own and the 835's) that the shipped rules route elsewhere
    assert candidate.changed == not_coding > 0
    assert candidate.items == count and candidate.amount == amount
    since = service.replay(default_rules(), DEMO_TODAY + timedelta(days=3650))
    assert since.items == 0 and since.lines == ()
    assert work_items(demo_engine) == before
