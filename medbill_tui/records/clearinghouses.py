"""Clearinghouses as the setup screen lists them, with their SFTP connection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class ConnectionRow:
    """A clearinghouse's SFTP account (no secrets: the key and password are references)."""

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
    host_key: str | None
    """The pinned server key, `TYPE BASE64` (None: not pinned yet)."""
    pinned_by: str | None
    pinned_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClearinghouseRow:
    id: int
    name: str
    receiver_id: str
    submitter_id: str
    submitter_name: str
    contact_name: str
    contact_phone: str
    usage: str
    """T (test) or P (production)."""
    is_default: bool
    active: bool
    connection: ConnectionRow | None


@dataclass(frozen=True, slots=True)
class HostKeyCheck:
    """What the server at `host:port` showed against what is pinned: `state` is
    `unpinned`, `same` or `changed`."""

    state: str
    host: str
    port: int
    """The server asked: the key is only pinned while the connection still names it."""
    shown: str
    """The key the server showed, `TYPE BASE64`."""
    shown_fingerprint: str
    pinned_fingerprint: str | None
