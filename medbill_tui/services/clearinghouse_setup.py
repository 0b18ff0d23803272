"""The clearinghouses screen's use cases: list, add, correct and deactivate clearinghouses
and their SFTP connections (supervisor or admin), check a server's host key and pin it
(admin only). Every change is audited; nothing secret is stored or shown."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import clearinghouses as repo
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.clearinghouse_connection import ConnectionDraft, check_connection
from medbill_tui.domain.practice_setup import SetupError, read_clearinghouse
from medbill_tui.records.clearinghouses import ClearinghouseRow, HostKeyCheck
from medbill_tui.records.forms import FieldError
from medbill_tui.services.errors import NotFound, ServiceError, translate_errors
from medbill_tui.services.sftp_link import key_fingerprint, server_host_key
from medbill_tui.services.users import require

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

CONNECTION_FIELDS = (
    "host",
    "port",
    "user",
    "key_file",
    "password",
    "upload_dir",
    "download_dir",
    "answer_pattern",
    "after_fetch",
    "send_from",
    "schedule",
)
PROBE_TIMEOUT_SECONDS = 10.0


class ClearinghouseRefused(ServiceError):
    """A field is wrong or the change is not allowed; nothing was changed. `errors` names
    the fields by the screen's names (`port`, `receiver_id`)."""

    def __init__(self, message: str, errors: tuple[FieldError, ...] = ()) -> None:
        super().__init__(message)
        self.errors = errors


class ClearinghouseSetupService:
    """Blocking: call from a worker or the CLI."""

    def __init__(self, engine: Engine, actor: str, role: str | None) -> None:
        self.engine = engine
        self.actor = actor
        self.role = role

    @translate_errors
    def clearinghouses(self) -> list[ClearinghouseRow]:
        with read_connection(self.engine) as conn:
            return repo.all_clearinghouses(conn)

    @translate_errors
    def save(self, fields: dict[str, str], clearinghouse_id: int | None = None) -> int:
        """Add (`clearinghouse_id` None) or correct a clearinghouse and, when a host is
        given, its connection; the clearinghouse's id. ClearinghouseRefused lists every
        wrong field; nothing is changed then."""
        require(self.role, "set-up-clearinghouses")
        house, errors = read_clearinghouse(
            {
                **{k: v for k, v in fields.items() if k not in CONNECTION_FIELDS},
                "default": fields.get("default", "").strip().lower() in ("yes", "y", "true"),
            }
        )
        draft: ConnectionDraft | None = None
        if fields.get("host", "").strip():
            draft, connection_errors = check_connection(fields)
            errors += connection_errors
        problems = [*errors, *(_missing_files(draft) if draft is not None else [])]
        if problems:
            raise ClearinghouseRefused(
                "; ".join(str(e) for e in problems) + "; nothing was changed",
                tuple(FieldError(e.field.partition(".")[2], e.message) for e in problems),
            )

        def work(session: Session) -> int:
            conn = session.connection()
            conn.exec_driver_sql("LOCK TABLE clearinghouse IN SHARE ROW EXCLUSIVE MODE")
            if clearinghouse_id is not None and repo.one(conn, clearinghouse_id) is None:
                raise NotFound(f"no clearinghouse {clearinghouse_id}")
            if repo.name_taken(conn, house.name, clearinghouse_id):
                raise ClearinghouseRefused(
                    f"clearinghouse.name: {house.name!r} is already used; nothing was changed"
                )
            saved = repo.save_clearinghouse(conn, house, clearinghouse_id)
            detail = f"{house.name}: receiver {house.receiver_id}, submitter "
            detail += f"{house.submitter_id}, {'test' if house.usage == 'T' else 'production'}"
            if draft is not None:
                repo.save_connection(conn, saved, draft, self.actor)
                detail += f"; sftp {draft.user}@{draft.host}:{draft.port}"
            action = "create" if clearinghouse_id is None else "update"
            record_audit(conn, self.actor, action, "clearinghouse", saved, detail)
            return saved

        return run_in_transaction(self.engine, work)

    @translate_errors
    def deactivate(self, clearinghouse_id: int) -> None:
        """Offer a clearinghouse for nothing new (its files and claims keep it). Refused for
        the default one and while payers send there."""
        require(self.role, "set-up-clearinghouses")

        def work(session: Session) -> None:
            conn = session.connection()
            house = repo.one(conn, clearinghouse_id, lock=True)
            if house is None:
                raise NotFound(f"no clearinghouse {clearinghouse_id}")
            if house.is_default:
                raise ClearinghouseRefused(
                    f"{house.name} is the default clearinghouse: make another the default "
                    "first; nothing was changed"
                )
            payers = repo.payers_sending_there(conn, clearinghouse_id)
            if payers:
                raise ClearinghouseRefused(
                    f"{payers} payer(s) send their claims to {house.name}: move them to "
                    "another clearinghouse first; nothing was changed"
                )
            repo.deactivate(conn, clearinghouse_id)
            record_audit(
                conn, self.actor, "deactivate", "clearinghouse", clearinghouse_id, house.name
            )

        run_in_transaction(self.engine, work)

    def check_host_key(self, clearinghouse_id: int) -> HostKeyCheck:
        """Connect to the clearinghouse's server (no login) and compare the key it shows
        with the pinned one. Blocking: the network."""
        connection = self._row(clearinghouse_id).connection
        if connection is None:
            raise ClearinghouseRefused("this clearinghouse has no connection set up yet")
        host, port = connection.host, connection.port
        shown, shown_print = server_host_key(host, port, PROBE_TIMEOUT_SECONDS)
        if connection.host_key is None:
            return HostKeyCheck("unpinned", host, port, shown, shown_print, None)
        pinned_print = key_fingerprint(connection.host_key)
        state = "same" if pinned_print == shown_print else "changed"
        return HostKeyCheck(state, host, port, shown, shown_print, pinned_print)

    @translate_errors
    def pin_host_key(self, clearinghouse_id: int, check: HostKeyCheck) -> None:
        """Pin the key `check` showed (admin only). Refused when the connection no longer
        names the host and port that showed it (a key belongs to its server), or when the
        pinned key is no longer the one the admin saw replaced, so a changed key is only
        pinned as confirmed."""
        require(self.role, "pin-host-key")

        def work(session: Session) -> None:
            conn = session.connection()
            house = repo.one(conn, clearinghouse_id, lock=True)
            if house is None or house.connection is None:
                raise NotFound(f"no connection for clearinghouse {clearinghouse_id}")
            now_at = f"{house.connection.host}:{house.connection.port}"
            if (house.connection.host, house.connection.port) != (check.host, check.port):
                raise ClearinghouseRefused(
                    "the connection's host or port changed since the key was checked "
                    f"(checked {check.host}:{check.port}, now {now_at}); check it again; "
                    "nothing was changed"
                )
            pinned = house.connection.host_key
            now_pinned = None if pinned is None else key_fingerprint(pinned)
            if now_pinned != check.pinned_fingerprint:
                raise ClearinghouseRefused(
                    "the pinned host key changed since it was checked; check it again; "
                    "nothing was changed"
                )
            repo.pin_host_key(conn, clearinghouse_id, check.shown, self.actor)
            detail = f"{now_at} {check.shown_fingerprint}"
            if now_pinned is not None:
                detail += f" (replaces {now_pinned})"
            record_audit(conn, self.actor, "pin-host-key", "clearinghouse", house.id, detail)

        run_in_transaction(self.engine, work)

    @translate_errors
    def _row(self, clearinghouse_id: int) -> ClearinghouseRow:
        with read_connection(self.engine) as conn:
            house = repo.one(conn, clearinghouse_id)
        if house is None:
            raise NotFound(f"no clearinghouse {clearinghouse_id}")
        return house


def _missing_files(draft: ConnectionDraft) -> list[SetupError]:
    """The key (and password) files this computer cannot read."""
    problems: list[SetupError] = []
    for key, name in (("key_file", draft.key_file), ("password", draft.password_file)):
        if name is None:
            continue
        path = Path(name).expanduser()
        try:
            path.read_bytes()
        except FileNotFoundError:
            problems.append(SetupError(f"connection.{key}", f"no file at {path}"))
        except OSError as exc:
            problems.append(SetupError(f"connection.{key}", f"cannot read {path}: {exc.strerror}"))
    return problems
