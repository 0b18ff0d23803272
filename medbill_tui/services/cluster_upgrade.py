"""`medbill server upgrade`: a data folder's cluster moved to this PostgreSQL major version,
then started and checked (schema revision, `ledger check`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from medbill_tui.db import cluster_upgrade
from medbill_tui.db.cluster_upgrade import Say, UpgradePlan
from medbill_tui.db.embedded import start_embedded
from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import schema_status
from medbill_tui.db.repositories.ledger_check import check_ledger
from medbill_tui.db.uow import read_connection


@dataclass(frozen=True, slots=True)
class AfterUpgrade:
    """The upgraded database as the new server sees it."""

    url: str
    schema: str | None
    """Its schema revision (None: no medbill schema in it)."""
    schema_head: str
    ledger_problems: list[str] | None
    """None when the ledger was not checked (no schema, or not at this version's head)."""


def upgrade(plan: UpgradePlan, start: Callable[[], str] | None, say: Say) -> AfterUpgrade:
    """Upgrade the cluster, start it (`start` returns the URL; the embedded server when None),
    gather statistics and check the ledger when the schema is this version's."""
    cluster_upgrade.upgrade_cluster(plan, say)
    say("starting the upgraded server")
    url = start() if start is not None else start_embedded(plan.pgdata.parent)
    cluster_upgrade.analyze(url, say)
    engine = make_engine(url, pool_size=1)
    try:
        status = schema_status(engine)
        problems: list[str] | None = None
        if status.current is not None and status.up_to_date:
            say("ledger check")
            with read_connection(engine) as conn:
                problems = [f"{p.what}: {p.detail}" for p in check_ledger(conn)]
    finally:
        engine.dispose()
    return AfterUpgrade(url, status.current, status.head, problems)
