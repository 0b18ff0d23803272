"""The clearinghouse connection settings: the `[clearinghouse]` section of a TOML file.

The file is MEDBILL_EXCHANGE, else `clearinghouse.toml` in MEDBILL_DATA_DIR. Only what is safe
in a file goes there: the private key is a path; a password (when the clearinghouse asks for
one on top of the key) is read from `password_file` or the environment variable named by
`password_env`. The server's host key is pinned as `host_key = "TYPE BASE64"`; until it is,
`medbill exchange` shows the server's key and refuses to connect.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath

from medbill_tui.errors import ConfigError
from medbill_tui.records.exchange import ConnectionSettings

FILE_NAME = "clearinghouse.toml"
_KEYS = {
    "host",
    "send_from",
    "port",
    "user",
    "key_file",
    "password_file",
    "password_env",
    "upload_dir",
    "download_dir",
    "answer_pattern",
    "after_fetch",
    "host_key",
    "retries",
    "backoff_seconds",
    "timeout_seconds",
}


def settings_file(env: dict[str, str], data_dir: Path) -> Path:
    """Where the clearinghouse settings are read from."""
    named = env.get("MEDBILL_EXCHANGE", "").strip()
    return Path(named).expanduser() if named else data_dir / FILE_NAME


def load_connection(path: Path, env: dict[str, str]) -> ConnectionSettings:
    """The `[clearinghouse]` section of `path`, checked; ConfigError naming the first wrong
    setting (nothing is connected or recorded before every setting is right)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"no clearinghouse settings: {path} does not exist (see docs/deploy.md)"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not TOML: {exc}") from None
    section = data.get("clearinghouse")
    if not isinstance(section, dict):
        raise ConfigError(f"{path} has no [clearinghouse] section")
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown setting clearinghouse.{unknown[0]}")
    return connection_from(section, f"{path}: clearinghouse", path.parent, env)


def connection_from(
    section: dict[str, object], where: str, base: Path, env: dict[str, str]
) -> ConnectionSettings:
    """The settings in `section` (the TOML's keys; relative files under `base`), checked;
    ConfigError naming the first wrong one as `where.KEY`."""
    key_file = Path(_text(section, "key_file", where)).expanduser()
    if not key_file.is_absolute():
        key_file = base / key_file
    try:
        key_file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{where}.key_file: no key file at {key_file}") from None
    except OSError as exc:
        raise ConfigError(f"{where}.key_file: cannot read {key_file}: {exc.strerror}") from None
    return ConnectionSettings(
        host=_text(section, "host", where),
        send_from=_send_from(section, where),
        port=_number(section, "port", where, 22, 1, 65535),
        user=_text(section, "user", where),
        key_file=key_file,
        upload_dir=_folder(section, "upload_dir", where),
        download_dir=_folder(section, "download_dir", where),
        answer_pattern=_text(section, "answer_pattern", where, "*"),
        delete_after_fetch=_after_fetch(section, where),
        host_key=_host_key(section, where),
        password=_password(section, where, base, env),
        retries=_number(section, "retries", where, 3, 0, 10),
        backoff_seconds=float(_number(section, "backoff_seconds", where, 2, 0, 300)),
        timeout_seconds=float(_number(section, "timeout_seconds", where, 20, 1, 600)),
    )


def _text(section: dict[str, object], name: str, where: str, default: str | None = None) -> str:
    value = section.get(name, default)
    if value is None:
        raise ConfigError(f"{where}.{name} is missing")
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}.{name} must be a non-empty string")
    return value.strip()


def _number(
    section: dict[str, object], name: str, where: str, default: int, low: int, high: int
) -> int:
    value = section.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{where}.{name} must be a whole number from {low} to {high}")
    return value


def _send_from(section: dict[str, object], where: str) -> datetime:
    value = section.get("send_from")
    if isinstance(value, datetime):
        return value if value.tzinfo else value.astimezone()
    if isinstance(value, date):
        return datetime.combine(value, time()).astimezone()
    if value is None:
        raise ConfigError(
            f"{where}.send_from is missing: the first day whose claim files the exchange sends "
            "(files before it went another way), e.g. send_from = 2026-12-07"
        )
    raise ConfigError(f"{where}.send_from must be a date, e.g. send_from = 2026-12-07")


def _folder(section: dict[str, object], name: str, where: str) -> str:
    value = _text(section, name, where)
    if ".." in PurePosixPath(value).parts or "\\" in value:
        raise ConfigError(f"{where}.{name}={value!r} is not a plain folder on the server")
    return value.rstrip("/") or "/"


def _after_fetch(section: dict[str, object], where: str) -> bool:
    value = _text(section, "after_fetch", where, "leave")
    if value not in ("leave", "delete"):
        raise ConfigError(f"{where}.after_fetch={value!r} must be 'leave' or 'delete'")
    return value == "delete"


def _host_key(section: dict[str, object], where: str) -> str | None:
    if "host_key" not in section:
        return None
    value = _text(section, "host_key", where)
    parts = value.split()
    if len(parts) < 2 or not parts[0].startswith(("ssh-", "ecdsa-")):
        raise ConfigError(f"{where}.host_key must be 'TYPE BASE64', e.g. 'ssh-ed25519 AAAA…'")
    return f"{parts[0]} {parts[1]}"


def _password(
    section: dict[str, object], where: str, base: Path, env: dict[str, str]
) -> str | None:
    if "password_file" in section:
        file = Path(_text(section, "password_file", where)).expanduser()
        file = file if file.is_absolute() else base / file
        try:
            return file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"{where}.password_file: cannot read {file}: {exc.strerror}"
            ) from None
    if "password_env" in section:
        name = _text(section, "password_env", where)
        if name not in env:
            raise ConfigError(f"{where}.password_env: {name} is not set in the environment")
        return env[name]
    return None


def environment() -> dict[str, str]:
    """The process environment (a function so that callers need not import os)."""
    return dict(os.environ)
