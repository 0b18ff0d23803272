"""A clearinghouse's SFTP connection as typed on the clearinghouses screen, checked (pure).

No secret is part of it: the private key is a file named, and a password (when the
clearinghouse asks for one on top of the key) is a reference, `file:/path` or `env:NAME`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from medbill_tui.domain.practice_setup import SetupError

_HOST = re.compile(r"^[A-Za-z0-9.:\[\]-]{1,255}$")
_USER = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_CRON_FIELD = re.compile(r"^[0-9*,/-]+$")
AFTER_FETCH = ("leave", "delete")
Fail = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class ConnectionDraft:
    """A checked connection, ready to be stored."""

    host: str
    port: int
    user: str
    key_file: str
    password_file: str | None
    password_env: str | None
    upload_dir: str
    download_dir: str
    answer_pattern: str
    after_fetch: str
    send_from: date
    schedule: str


def password_reference(password_file: str | None, password_env: str | None) -> str:
    """How the form shows where the password comes from (never a password)."""
    if password_file:
        return f"file:{password_file}"
    if password_env:
        return f"env:{password_env}"
    return ""


def check_connection(fields: dict[str, str]) -> tuple[ConnectionDraft | None, list[SetupError]]:
    """The connection in `fields` (every value as typed), or every error that stops it."""
    errors: list[SetupError] = []

    def fail(key: str, message: str) -> None:
        errors.append(SetupError(f"connection.{key}", message))

    def get(key: str) -> str:
        return fields.get(key, "").strip()

    host = get("host")
    if not _HOST.match(host):
        fail("host", "a host name or address (letters, digits, . - :)")
    port = _port(get("port") or "22", fail)
    user = get("user")
    if not _USER.match(user):
        fail("user", "the login the clearinghouse gave: letters, digits, . _ @ -")
    key_file = get("key_file")
    if not key_file.startswith(("/", "~")):
        fail("key_file", "the full path of the private key file (e.g. /var/lib/medbill/id_ed25519)")
    password_file, password_env = _password(get("password"), fail)
    folders = {key: _folder(get(key), key, fail) for key in ("upload_dir", "download_dir")}
    pattern = get("answer_pattern") or "*"
    if "/" in pattern or len(pattern) > 60:
        fail("answer_pattern", "a file-name pattern such as *.x12 (no folder)")
    after = get("after_fetch") or "leave"
    if after not in AFTER_FETCH:
        fail("after_fetch", "is leave or delete")
    send_from = _date(get("send_from"), fail)
    schedule = " ".join(get("schedule").split())
    if schedule and not _is_cron(schedule):
        fail("schedule", "five cron fields (e.g. */30 7-19 * * 1-5) or empty")
    if errors or port is None or send_from is None:
        return None, errors
    draft = ConnectionDraft(
        host,
        port,
        user,
        key_file,
        password_file,
        password_env,
        folders["upload_dir"],
        folders["download_dir"],
        pattern,
        after,
        send_from,
        schedule,
    )
    return draft, errors


def _port(value: str, fail: Fail) -> int | None:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        fail("port", "a whole number from 1 to 65535")
        return None
    return int(value)


def _password(value: str, fail: Fail) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    kind, _, where = value.partition(":")
    if kind == "file" and where.startswith(("/", "~")):
        return where, None
    if kind == "env" and _ENV.match(where):
        return None, where
    fail("password", "file:/path/to/file or env:VARIABLE (never the password itself)")
    return None, None


def _folder(value: str, key: str, fail: Fail) -> str:
    if not value or ".." in PurePosixPath(value).parts or "\\" in value:
        example = "inbound" if key == "upload_dir" else "outbound"
        fail(key, f"a plain folder on the server (e.g. {example})")
        return value
    return value.rstrip("/") or "/"


def _date(value: str, fail: Fail) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail("send_from", "the first day whose files the exchange sends, as 2026-12-07")
        return None


def _is_cron(schedule: str) -> bool:
    parts = schedule.split()
    return len(parts) == 5 and all(_CRON_FIELD.match(p) for p in parts)
