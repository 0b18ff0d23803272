"""Schema migrations: Alembic, driven from code (`medbill db upgrade|status`, app start).

Checking the schema at start does not load Alembic (about a third of a second): the head is
read from the revision files' `revision` / `down_revision` lines and the current revision
from `alembic_version` with one query. Anything unusual (a branch, a merge, a file that does
not parse) falls back to Alembic itself; `tests/db/test_migrations.py` checks both agree.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"


def alembic_config() -> Config:
    """Alembic config pointing at the project's `migrations/` folder."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """Where the database's schema is against the code's head revision."""

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    @property
    def empty(self) -> bool:
        return self.current is None


def head_revision() -> str:
    """The code's head revision: from the revision files, or from Alembic if they are unusual."""
    return _head_from_files() or alembic_head_revision()


def alembic_head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


def _head_from_files() -> str | None:
    """The one revision no other file names as its `down_revision` (None: ask Alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found: dict[str, object] = {}
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            try:
                found[name] = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                return None
        revision, parent = found.get("revision"), found.get("down_revision")
        if not isinstance(revision, str) or not (parent is None or isinstance(parent, str)):
            return None  # a merge (a tuple of parents) or something else: Alembic knows
        revisions.add(revision)
        if parent is not None:
            parents.add(parent)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def current_revision(engine: Engine) -> str | None:
    """The database's revision (None: an empty database without `alembic_version`)."""
    with engine.connect() as conn:
        if conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        if len(rows) <= 1:
            return rows[0] if rows else None
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()  # raises for branches


def schema_status(engine: Engine) -> SchemaStatus:
    return SchemaStatus(current=current_revision(engine), head=head_revision())


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run every pending migration in one transaction."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
