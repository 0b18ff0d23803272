"""The declarative base every table class of the schema description derives from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, MetaData, Numeric, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Money = Numeric(12, 2)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so Alembic names match."""

    metadata = MetaData(naming_convention=NAMING)


def created_at_column() -> Mapped[datetime]:
    """A timestamp column the database fills with `now()` on insert."""
    return mapped_column(DateTime(timezone=True), server_default=func.now())
