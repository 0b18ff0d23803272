"""The schema, described as SQLAlchemy table classes: what the migrations must build.

Nothing in the application queries through these classes (repositories run SQL text and
return records). They exist so that Alembic's autogenerate can compare them with a database
migrated to head: `tests/db/test_migrations.py` and `migrate.check` (`alembic check`) fail on
any difference. A new column or index goes in a migration and here, by subject.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from medbill_tui.db.schema import (
    audit,
    claims,
    codes,
    counters,
    edi,
    eligibility,
    encounters,
    exchange,
    hl7,
    ledger,
    patients,
    practice,
    remittances,
    statements,
    work,
)
from medbill_tui.db.schema.base import Base

metadata: MetaData = Base.metadata
"""Every table of the schema (each module above adds its tables when imported)."""

__all__ = [
    "Base",
    "audit",
    "claims",
    "codes",
    "counters",
    "edi",
    "eligibility",
    "encounters",
    "exchange",
    "hl7",
    "ledger",
    "metadata",
    "patients",
    "practice",
    "remittances",
    "statements",
    "work",
]
