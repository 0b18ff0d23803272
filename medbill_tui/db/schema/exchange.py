"""The clearinghouse exchange: how to reach each clearinghouse, each file uploaded and each
answer file fetched, once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base, created_at_column


class ExchangeUpload(Base):
    """An outbound file that reached the clearinghouse's upload folder (never sent again)."""

    __tablename__ = "exchange_upload"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    edi_file_id: Mapped[int] = mapped_column(ForeignKey("edi_file.id"), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    remote_path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = created_at_column()
    uploaded_by: Mapped[str] = mapped_column(String(64))


class ExchangeFetch(Base):
    """An answer file downloaded into the inbox, known by name, size and modification time
    (so the same file left on the server is never fetched again) and by its bytes' hash."""

    __tablename__ = "exchange_fetch"
    __table_args__ = (
        Index(
            "uq_exchange_fetch_remote", "host", "remote_path", "size", "remote_mtime", unique=True
        ),
        Index("ix_exchange_fetch_sha256", "sha256"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    remote_path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    remote_mtime: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    local_names: Mapped[str] = mapped_column(Text)
    """The inbox files it became, one a line (a zip archive: each file in it)."""
    fetched_at: Mapped[datetime] = created_at_column()
    fetched_by: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    import_error: Mapped[str | None] = mapped_column(Text)
    """Why importing it failed (the file stays in the inbox); NULL when it imported."""


class ClearinghouseConnection(Base):
    """A clearinghouse's SFTP account, set on the clearinghouses screen. No secret is kept
    here: the private key and any password are files (or an environment variable) named."""

    __tablename__ = "clearinghouse_connection"
    clearinghouse_id: Mapped[int] = mapped_column(ForeignKey("clearinghouse.id"), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer, server_default=text("22"))
    user_name: Mapped[str] = mapped_column(String(64))
    key_file: Mapped[str] = mapped_column(Text)
    password_file: Mapped[str | None] = mapped_column(Text)
    password_env: Mapped[str | None] = mapped_column(String(64))
    upload_dir: Mapped[str] = mapped_column(Text)
    download_dir: Mapped[str] = mapped_column(Text)
    answer_pattern: Mapped[str] = mapped_column(String(60), server_default=text("'*'"))
    after_fetch: Mapped[str] = mapped_column(String(6), server_default=text("'leave'"))
    send_from: Mapped[date] = mapped_column(Date)
    schedule: Mapped[str] = mapped_column(String(60), server_default=text("''"))
    """A cron schedule for `medbill exchange` (shown as the line to install; empty: by hand)."""
    host_key: Mapped[str | None] = mapped_column(Text)
    host_key_pinned_by: Mapped[str | None] = mapped_column(String(64))
    host_key_pinned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = created_at_column()
    updated_by: Mapped[str] = mapped_column(String(64))
