"""Which connection `medbill exchange` and the inbox's `x` use: the TOML file when there is
one (`MEDBILL_EXCHANGE` or `DATA_DIR/clearinghouse.toml`, for cron set-ups kept in files),
else the clearinghouse set up on the clearinghouses screen."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import clearinghouses as repo
from medbill_tui.db.uow import read_connection
from medbill_tui.errors import ConfigError
from medbill_tui.records.exchange import ConnectionSettings
from medbill_tui.runtime.exchange_settings import connection_from, load_connection
from medbill_tui.services.errors import translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Engine


@translate_errors
def exchange_connection(
    engine: Engine, settings_file: Path | None, env: dict[str, str]
) -> ConnectionSettings:
    """The connection to use, checked (ConfigError naming the first wrong setting)."""
    if settings_file is not None and settings_file.exists():
        return load_connection(settings_file, env)
    with read_connection(engine) as conn:
        house = repo.exchange_clearinghouse(conn)
    if house is None or house.connection is None:
        raise ConfigError(
            "no clearinghouse settings: set up a connection on the Clearinghouses screen "
            f"(palette) or in {settings_file or 'clearinghouse.toml'} (see docs/deploy.md)"
        )
    c = house.connection
    section: dict[str, object] = {
        "host": c.host,
        "port": c.port,
        "user": c.user,
        "key_file": c.key_file,
        "upload_dir": c.upload_dir,
        "download_dir": c.download_dir,
        "answer_pattern": c.answer_pattern,
        "after_fetch": c.after_fetch,
        "send_from": c.send_from,
    }
    optional = {
        "host_key": c.host_key,
        "password_file": c.password_file,
        "password_env": c.password_env,
    }
    section.update({k: v for k, v in optional.items() if v is not None})
    where = f"clearinghouse {house.name!r} (Clearinghouses screen): connection"
    return connection_from(section, where, Path.home(), env)
