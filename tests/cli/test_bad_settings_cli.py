"""A malformed DATABASE_URL stops every command with exit 2 and one line naming the part that
is wrong, never the password (nor the URL, which carries it)."""

from __future__ import annotations

import pytest

from medbill_tui.runtime.config import ConfigError, check_database_url
from tests.cli.test_cli import medbill

SECRET = "pw-s3cret"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"postgresql://ann:{SECRET}@db.example:notaport/medbill", "port"),
        (f"mysql://ann:{SECRET}@db.example/medbill", "PostgreSQL, not 'mysql'"),
        (f"postgresql://ann:{SECRET}@db.example:5432", "names no database"),
    ],
)
def test_a_malformed_database_url_exits_2_naming_the_part(url: str, says: str) -> None:
    result = medbill("db", "status", url=url)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("medbill: DATABASE_URL ") and says in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert SECRET not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"postgresql://ann:{SECRET}@db.example:99999/medbill", "port"),
        (f"postgresql://ann:{SECRET}@db.example/medbill?sslmode=verify", "sslmode='verify'"),
        (f"ann:{SECRET}@db.example/medbill", "is not a URL"),
        ("postgresql://ann:abc/def@db.example/medbill", "port"),  # the "port" is the password's
        ("postgresql://ann:pw@[::1/medbill", "host"),
    ],
)
def test_the_check_names_the_wrong_part_and_nothing_of_the_password(url: str, says: str) -> None:
    with pytest.raises(ConfigError) as refused:
        check_database_url(url)
    message = str(refused.value)
    assert message.startswith("DATABASE_URL ") and says in message
    assert not any(secret in message for secret in (SECRET, "abc", "def", "pw"))


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@/medbill?host=/var/lib/medbill/run",
        "postgresql+psycopg://postgres:@/postgres?host=/tmp/mbt1/pg",
        "postgres://ann@[::1]:5432/medbill?sslmode=verify-full&sslrootcert=/etc/ca.pem",
        "postgresql:///?dbname=medbill",
        "postgresql://ann:p%40ss@db.example:/medbill",
    ],
)
def test_the_urls_in_use_are_accepted(url: str) -> None:
    assert check_database_url(url) == url
