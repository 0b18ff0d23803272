"""Settings from the environment (a `.env` file in the working directory is loaded first)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from dotenv import load_dotenv

from medbill_tui.errors import ConfigError as ConfigError
from medbill_tui.records.queues import Timers
from medbill_tui.records.statements import DunningPolicy

DEFAULT_PAGE_SIZE = 200
"""Rows a queue page loads unless MEDBILL_PAGE_SIZE says otherwise."""


def _default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("medbill", appauthor=False))


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the app reads from the environment.

    `database_url` empty means: run the embedded PostgreSQL in `data_dir`.
    """

    database_url: str | None
    data_dir: Path
    log_level: str
    today: date | None
    keymap_file: Path | None
    page_size: int
    outbox: Path
    inbox: Path
    timers: Timers = field(default_factory=Timers)
    denial_rules: Path | None = None
    """MEDBILL_DENIAL_RULES: a denial routing rules file (None: the shipped default)."""
    statements_dir: Path | None = None
    """MEDBILL_STATEMENTS: where statement runs go (default MEDBILL_DATA_DIR/statements)."""
    dunning: DunningPolicy = field(default_factory=DunningPolicy)
    """MEDBILL_DUNNING_*_DAYS and MEDBILL_STATEMENT_MINIMUM."""
    lease_minutes: int = 30
    """MEDBILL_LEASE_MINUTES: how long `n` / `work next` holds an item for its biller."""
    idle_minutes: int = 15
    """MEDBILL_IDLE_MINUTES: no key for this long logs the user out (drafts kept); 0: never."""
    team_group: str | None = None
    """MEDBILL_SERVER_GROUP: the team whose group reads the files written here (None: one user)."""

    @property
    def embedded(self) -> bool:
        return not self.database_url


def _days(env: dict[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise ConfigError(f"{name}={text!r} must be a number of days from 1 to 3650")
    return int(text)


def _aging_from(env: dict[str, str]) -> str:
    value = env.get("MEDBILL_AGING_FROM", "").strip().lower() or "service"
    if value not in ("service", "billed"):
        raise ConfigError(f"MEDBILL_AGING_FROM={value!r} must be 'service' or 'billed'")
    return value


def _dunning(env: dict[str, str]) -> DunningPolicy:
    text = env.get("MEDBILL_STATEMENT_MINIMUM", "").strip() or "5.00"
    try:
        minimum = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        minimum = Decimal(-1)
    if not minimum.is_finite() or minimum < 0:
        raise ConfigError(f"MEDBILL_STATEMENT_MINIMUM={text!r} must be an amount such as 5.00")
    return DunningPolicy(
        reminder_days=_days(env, "MEDBILL_DUNNING_REMINDER_DAYS", 30),
        final_days=_days(env, "MEDBILL_DUNNING_FINAL_DAYS", 30),
        collections_days=_days(env, "MEDBILL_DUNNING_COLLECTIONS_DAYS", 30),
        minimum=minimum,
    )


def _lease_minutes(env: dict[str, str]) -> int:
    text = env.get("MEDBILL_LEASE_MINUTES", "").strip() or "30"
    if not text.isdigit() or not 1 <= int(text) <= 1440:
        raise ConfigError(
            f"MEDBILL_LEASE_MINUTES={text!r} must be a number of minutes from 1 to 1440"
        )
    return int(text)


def _idle_minutes(env: dict[str, str]) -> int:
    text = env.get("MEDBILL_IDLE_MINUTES", "").strip() or "15"
    if not text.isdigit() or not 0 <= int(text) <= 1440:
        raise ConfigError(
            f"MEDBILL_IDLE_MINUTES={text!r} must be a number of minutes from 0 (never) to 1440"
        )
    return int(text)


_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
_SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def check_database_url(url: str) -> str:
    """The URL when it names a PostgreSQL database; else ConfigError naming the wrong part.

    Never repeats the URL: it may carry a password.
    """
    scheme, sep, _ = url.partition("://")
    if not sep:
        raise ConfigError("DATABASE_URL is not a URL; write postgresql://USER@HOST/DATABASE")
    if scheme.lower() not in _SCHEMES:
        shown = scheme if scheme.replace("+", "").isalnum() else "?"
        raise ConfigError(
            f"DATABASE_URL must point at PostgreSQL, not {shown!r}; write postgresql://"
        )
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced [ in the host
        raise ConfigError("DATABASE_URL has a host that cannot be read") from None
    port = parts.netloc.rpartition("@")[2].rpartition("]")[2].partition(":")[2]
    if port and not (port.isdigit() and 1 <= int(port) <= 65535):
        # not repeated: with a '/' in an unquoted password, this "port" is part of it
        raise ConfigError("DATABASE_URL has a port that is not a number from 1 to 65535")
    query = parse_qs(parts.query)
    database = unquote(parts.path.lstrip("/")) or "".join(query.get("dbname", []))
    if not database:
        raise ConfigError("DATABASE_URL names no database; add /DATABASE after the host")
    for mode in query.get("sslmode", []):
        if mode not in _SSL_MODES:
            raise ConfigError(
                f"DATABASE_URL has sslmode={mode!r}; use one of {', '.join(_SSL_MODES)}"
            )
    return url


def load_settings(env: dict[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    """Read settings from `env` (default: `os.environ`, after loading `.env`)."""
    if env is None:
        if dotenv:
            load_dotenv(Path.cwd() / ".env", override=False)
        env = dict(os.environ)
    url = env.get("DATABASE_URL", "").strip() or None
    if url is not None:
        check_database_url(url)
    data_dir = Path(env.get("MEDBILL_DATA_DIR", "").strip() or _default_data_dir()).expanduser()
    level = env.get("MEDBILL_LOG_LEVEL", "WARNING").strip().upper() or "WARNING"
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"MEDBILL_LOG_LEVEL={level!r} is not one of DEBUG, INFO, WARNING, ERROR")
    today_text = env.get("MEDBILL_TODAY", "").strip()
    try:
        today = date.fromisoformat(today_text) if today_text else None
    except ValueError:
        raise ConfigError(f"MEDBILL_TODAY={today_text!r} is not a date (YYYY-MM-DD)") from None
    keymap = env.get("MEDBILL_KEYMAP", "").strip()
    page_text = env.get("MEDBILL_PAGE_SIZE", "").strip() or str(DEFAULT_PAGE_SIZE)
    if not page_text.isdigit() or not 10 <= int(page_text) <= 5000:
        raise ConfigError(f"MEDBILL_PAGE_SIZE={page_text!r} must be a number from 10 to 5000")
    timers = Timers(
        no_999=_days(env, "MEDBILL_TIMER_999_DAYS", 1),
        no_277ca=_days(env, "MEDBILL_TIMER_277CA_DAYS", 2),
        no_payment=_days(env, "MEDBILL_TIMER_PAYMENT_DAYS", 30),
        aging_from=_aging_from(env),
    )
    outbox = Path(env.get("MEDBILL_OUTBOX", "").strip() or data_dir / "outbox").expanduser()
    inbox = Path(env.get("MEDBILL_INBOX", "").strip() or data_dir / "inbox").expanduser()
    rules = env.get("MEDBILL_DENIAL_RULES", "").strip()
    statements = env.get("MEDBILL_STATEMENTS", "").strip()
    return Settings(
        statements_dir=Path(statements or data_dir / "statements").expanduser(),
        dunning=_dunning(env),
        lease_minutes=_lease_minutes(env),
        idle_minutes=_idle_minutes(env),
        denial_rules=Path(rules).expanduser() if rules else None,
        timers=timers,
        outbox=outbox,
        inbox=inbox,
        database_url=url,
        data_dir=data_dir,
        log_level=level,
        today=today,
        keymap_file=Path(keymap).expanduser() if keymap else None,
        page_size=int(page_text),
        team_group=env.get("MEDBILL_SERVER_GROUP", "").strip() or None,
    )
