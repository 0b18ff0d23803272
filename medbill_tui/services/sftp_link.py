"""One SFTP session with the clearinghouse (paramiko): pinned host key, key login, no retry of
a refused login, and files that appear on either side only whole.

An upload goes to `NAME.part` and is renamed to `NAME` once the server holds every byte; a
download goes to a hidden `.NAME.part` in the inbox and is renamed once its size matches the
server's. Network failures raise `LinkBroken` (the caller retries with backoff); a refused
login raises `LoginRefused` and is never retried, because clearinghouses lock an account after
a few failed logins.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import os
import posixpath
import socket
import stat
from pathlib import Path
from typing import Self

import paramiko

from medbill_tui.errors import ConfigError, ServiceError
from medbill_tui.records.exchange import ConnectionSettings, RemoteAnswer

PART = ".part"


class LinkBroken(ServiceError):
    """The connection failed or was cut (worth another try later)."""


class LoginRefused(ServiceError):
    """The clearinghouse refused the login (never retried automatically)."""


class HostKeyChanged(ServiceError):
    """The server shows another host key than the one pinned: not connected."""


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH's SHA256 fingerprint of a public key."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def server_host_key(host: str, port: int, timeout: float) -> tuple[str, str]:
    """The key `host:port` shows before any login, as (`TYPE BASE64`, its fingerprint);
    nothing is sent but the SSH greeting."""
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except socket.gaierror:
        raise ConfigError(f"clearinghouse.host: unknown host {host!r}") from None
    except OSError as exc:
        raise LinkBroken(f"cannot reach {host}:{port}: {exc}") from None
    transport = paramiko.Transport(sock)
    transport.banner_timeout = timeout
    try:
        transport.start_client(timeout=timeout)
        shown = transport.get_remote_server_key()
    except (paramiko.SSHException, OSError, EOFError) as exc:
        raise LinkBroken(f"{host}:{port} did not show a host key: {exc}") from None
    finally:
        transport.close()
    return f"{shown.get_name()} {shown.get_base64()}", fingerprint(shown)


def key_fingerprint(line: str) -> str:
    """The fingerprint of a pinned key line `TYPE BASE64` (ConfigError when unreadable)."""
    kind, data = line.split()[:2]
    try:
        return fingerprint(paramiko.PKey.from_type_string(kind, base64.b64decode(data)))
    except (ValueError, paramiko.SSHException) as exc:
        raise ConfigError(f"clearinghouse.host_key cannot be read: {exc}") from None


def _pinned(settings: ConnectionSettings) -> paramiko.PKey:
    assert settings.host_key is not None
    kind, data = settings.host_key.split()
    try:
        return paramiko.PKey.from_type_string(kind, base64.b64decode(data))
    except (ValueError, paramiko.SSHException) as exc:
        raise ConfigError(f"clearinghouse.host_key cannot be read: {exc}") from None


def _private_key(settings: ConnectionSettings) -> paramiko.PKey:
    try:
        return paramiko.PKey.from_path(settings.key_file, password=settings.password)
    except (paramiko.SSHException, ValueError) as exc:
        raise ConfigError(
            f"clearinghouse.key_file: {settings.key_file} is not a private key this can use ({exc})"
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"clearinghouse.key_file: cannot read {settings.key_file}: {exc.strerror}"
        ) from None


class SftpLink:
    """An open SFTP session; use as a context manager. Blocking: call from a worker."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self._transport: paramiko.Transport | None = None
        self._sftp: paramiko.SFTPClient | None = None

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def open(self) -> None:
        """Connect, check the host key against the pinned one, log in, start SFTP."""
        s = self.settings
        key = _private_key(s)
        try:
            sock = socket.create_connection((s.host, s.port), timeout=s.timeout_seconds)
        except socket.gaierror:
            raise ConfigError(f"clearinghouse.host: unknown host {s.host!r}") from None
        except OSError as exc:
            raise LinkBroken(f"cannot reach {s.host}:{s.port}: {exc}") from None
        transport = paramiko.Transport(sock)
        self._transport = transport
        transport.banner_timeout = s.timeout_seconds
        try:
            transport.start_client(timeout=s.timeout_seconds)
            shown = transport.get_remote_server_key()
            self._check_host_key(shown)
            remaining = transport.auth_publickey(s.user, key)
            if remaining and s.password is not None:  # the key and a password, both asked for
                transport.auth_password(s.user, s.password)
        except paramiko.AuthenticationException:
            self.close()
            raise LoginRefused(
                f"the clearinghouse refused the login {s.user!r} on {s.host}; not retried "
                "(repeated failures lock the account): check the key with the clearinghouse"
            ) from None
        except (ConfigError, HostKeyChanged):
            self.close()
            raise
        except (paramiko.SSHException, OSError, EOFError) as exc:
            self.close()
            raise LinkBroken(f"connection to {s.host}:{s.port} failed: {exc}") from None
        try:
            self._sftp = paramiko.SFTPClient.from_transport(transport)
        except (paramiko.SSHException, OSError, EOFError) as exc:
            self.close()
            raise LinkBroken(f"{s.host} did not start SFTP: {exc}") from None

    def _check_host_key(self, shown: paramiko.PKey) -> None:
        s = self.settings
        line = f"{shown.get_name()} {shown.get_base64()}"
        if s.host_key is None:
            raise ConfigError(
                f"clearinghouse.host_key is not pinned: {s.host}:{s.port} shows "
                f"{shown.get_name()} {fingerprint(shown)}; when the clearinghouse confirms "
                "that fingerprint, an admin pins it on the Clearinghouses screen (h) or adds "
                f'host_key = "{line}" to [clearinghouse]'
            )
        pinned = _pinned(s)
        if pinned.asbytes() != shown.asbytes():
            raise HostKeyChanged(
                f"{s.host}:{s.port} shows another host key ({shown.get_name()} "
                f"{fingerprint(shown)}) than the one pinned ({fingerprint(pinned)}); not "
                "connected. Ask the clearinghouse whether their key changed before pinning it"
            )

    def close(self) -> None:
        if self._sftp is not None:
            self._sftp.close()
            self._sftp = None
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    @property
    def sftp(self) -> paramiko.SFTPClient:
        assert self._sftp is not None, "open() first"
        return self._sftp

    def check_folder(self, folder: str, setting: str) -> None:
        """ConfigError naming `setting` when `folder` is not a folder on the server."""
        try:
            attrs = self.sftp.stat(folder)
        except FileNotFoundError:
            raise ConfigError(
                f"clearinghouse.{setting}: no folder {folder!r} on the server"
            ) from None
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise LinkBroken(f"cannot look at {folder!r}: {exc}") from None
        if not stat.S_ISDIR(attrs.st_mode or 0):
            raise ConfigError(f"clearinghouse.{setting}: {folder!r} is not a folder")

    def remote_size(self, path: str) -> int | None:
        """The size of `path` on the server, None when it is not there."""
        try:
            return int(self.sftp.stat(path).st_size or 0)
        except FileNotFoundError:
            return None
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise LinkBroken(f"cannot look at {path!r}: {exc}") from None

    def upload(self, content: bytes, folder: str, name: str) -> str:
        """Put `content` as `folder/name.part`, then rename it to `folder/name`; the path."""
        final = posixpath.join(folder, name)
        part = final + PART
        try:
            with self.sftp.open(part, "wb") as remote:
                remote.set_pipelined(True)
                remote.write(content)
            if self.remote_size(part) != len(content):
                raise LinkBroken(f"{part} is not whole on the server")
            self.sftp.posix_rename(part, final)
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise LinkBroken(f"upload of {name} was cut: {exc}") from None
        return final

    def answers(self) -> list[RemoteAnswer]:
        """The answer files in the download folder matching the pattern, oldest first."""
        s = self.settings
        try:
            entries = self.sftp.listdir_attr(s.download_dir)
        except FileNotFoundError:
            raise ConfigError(
                f"clearinghouse.download_dir: no folder {s.download_dir!r} on the server"
            ) from None
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise LinkBroken(f"cannot list {s.download_dir!r}: {exc}") from None
        found = [
            RemoteAnswer(e.filename, int(e.st_size or 0), int(e.st_mtime or 0))
            for e in entries
            if stat.S_ISREG(e.st_mode or 0)
            and not e.filename.endswith(PART)
            and not e.filename.startswith(".")
            and fnmatch.fnmatch(e.filename, s.answer_pattern)
        ]
        return sorted(found, key=lambda a: (a.mtime, a.name))

    def download(self, answer: RemoteAnswer, final: Path) -> str:
        """Copy an answer to `final` through a hidden `.part` file; its sha256."""
        part = final.with_name(f".{final.name}.{os.getpid()}{PART}")
        remote = posixpath.join(self.settings.download_dir, answer.name)
        digest = hashlib.sha256()
        try:
            with self.sftp.open(remote, "rb") as source, part.open("wb") as target:
                source.prefetch(answer.size)
                while chunk := source.read(65536):
                    digest.update(chunk)
                    target.write(chunk)
            if part.stat().st_size != answer.size:
                raise LinkBroken(f"download of {answer.name} was cut")
        except (OSError, EOFError, paramiko.SSHException) as exc:
            part.unlink(missing_ok=True)
            raise LinkBroken(f"download of {answer.name} was cut: {exc}") from None
        except LinkBroken:
            part.unlink(missing_ok=True)
            raise
        os.replace(part, final)
        return digest.hexdigest()

    def remove(self, answer: RemoteAnswer) -> None:
        """Delete a fetched answer from the server (`after_fetch = "delete"`)."""
        try:
            self.sftp.remove(posixpath.join(self.settings.download_dir, answer.name))
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise LinkBroken(f"cannot delete {answer.name}: {exc}") from None
