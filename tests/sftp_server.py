"""The test clearinghouse: a real OpenSSH sshd on 127.0.0.1 with its own host key, one user
(the login running the tests) with a key made here, `internal-sftp` only, and an inbound and
an outbound folder like a clearinghouse's; the sandbox answering what is uploaded; settings
pointing at it."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from medbill_tui.edi.sandbox import SandboxMemory, respond
from tests.conftest import DEMO_TODAY

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
KEYGEN = shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"


def missing_reason() -> str | None:
    """Why a real sshd cannot run here, or None."""
    if not (os.path.exists(SSHD) and os.path.exists(KEYGEN)):
        return "OpenSSH's sshd is not installed (.ci/run installs openssh-server)"
    if os.geteuid() != 0:
        return "sshd must start as root to log a user in (run as root, as in CI)"
    return None


def make_key(path: Path) -> Path:
    """A new ed25519 key pair at `path` (and `path.pub`)."""
    subprocess.run(
        [KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", str(path)], check=True
    )
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SftpServer:
    root: Path
    port: int
    host_key: Path
    user: str
    process: subprocess.Popen[bytes] | None = None

    @property
    def inbound(self) -> Path:
        return self.root / "inbound"

    @property
    def outbound(self) -> Path:
        return self.root / "outbound"

    @property
    def pinned(self) -> str:
        kind, data = self.host_key.with_suffix(".pub").read_text().split()[:2]
        return f"{kind} {data}"

    def start(self) -> None:
        config = self.root / "sshd_config"
        config.write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {self.host_key}\n"
            f"PidFile {self.root}/sshd.pid\nAuthorizedKeysFile {self.root}/authorized_keys\n"
            "StrictModes no\nUsePAM no\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
            f"PermitRootLogin prohibit-password\nAllowUsers {self.user}\nMaxAuthTries 3\n"
            "Subsystem sftp internal-sftp\nForceCommand internal-sftp\n"
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        self.process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)],
            stderr=(self.root / "sshd.log").open("ab"),
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"sshd did not start: {(self.root / 'sshd.log').read_text()}")

    def stop(self) -> None:
        """Stop sshd and every session it started (the server is gone)."""
        if self.process is None:
            return
        for pid in [*_descendants(self.process.pid), self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def authorize(self, user_key: Path) -> None:
        (self.root / "authorized_keys").write_text(user_key.with_suffix(".pub").read_text())


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def new_server(root: Path, user: str) -> SftpServer:
    """A server in `root` (not started) with a fresh host key and the two folders."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "inbound").mkdir()
    (root / "outbound").mkdir()
    return SftpServer(root, _free_port(), make_key(root / "host_key"), user)


def write_settings(
    folder: Path, server: SftpServer, key: Path, **changes: str | int | None
) -> dict[str, str]:
    """clearinghouse.toml for `server` (host key pinned); the environment pointing at it."""
    values: dict[str, str | int | None] = {
        "host": "127.0.0.1",
        "port": server.port,
        "user": server.user,
        "key_file": str(key),
        "upload_dir": str(server.inbound),
        "download_dir": str(server.outbound),
        "host_key": server.pinned,
        "retries": 1,
        "backoff_seconds": 0,
        "timeout_seconds": 5,
    }
    values.update(changes)
    body = "[clearinghouse]\nsend_from = 2000-01-01\n" + "".join(
        f"{k} = {v}\n" if isinstance(v, int) else f'{k} = "{v}"\n'
        for k, v in values.items()
        if v is not None
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "clearinghouse.toml").write_text(body)
    return {
        "MEDBILL_DATA_DIR": str(folder),
        "MEDBILL_INBOX": str(folder / "inbox"),
        "MEDBILL_OUTBOX": str(folder / "outbox"),
        "MEDBILL_TODAY": DEMO_TODAY.isoformat(),
    }


def add_837(engine: Engine, number: int) -> str:
    """A committed outbound 837P (as `claims submit` leaves it); its file name."""
    name = f"837P_{number:09d}_20261102.x12"
    content = f"ISA*00*{number:09d}~IEA*0*{number:09d}~".encode()
    with engine.begin() as conn:
        conn.execute(
            text("""INSERT INTO edi_file (direction, kind, file_name, sha256, content, isa13,
                        gs06, sender_id, receiver_id, created_by)
                    VALUES ('out', '837P', :n, :sha, :c, :i, '1', 'S', 'R', 'b1')"""),
            {"n": name, "sha": hashlib.sha256(content).hexdigest(), "c": content, "i": number},
        )
    return name


def sandbox_answers(server: SftpServer, memory_dir: Path) -> list[str]:
    """The sandbox clearinghouse: every 837P in inbound answered in outbound (999, 277CA,
    835), once; the answer files written."""
    memory_dir.mkdir(exist_ok=True)
    memory = SandboxMemory.load(memory_dir)
    written: list[str] = []
    for sent in sorted(server.inbound.glob("*.x12")):
        if (memory_dir / f"{sent.name}.answered").exists():
            continue
        answer = respond(sent.read_text("latin-1"), seed=3, today=DEMO_TODAY, memory=memory)
        for suffix, content in (
            ("999", answer.ack_999),
            ("277CA", answer.ack_277ca),
            ("835", answer.era_835),
        ):
            if content is not None:
                target = server.outbound / f"{sent.stem}.{suffix}.x12"
                target.write_text(content, encoding="ascii")
                written.append(target.name)
        (memory_dir / f"{sent.name}.answered").touch()
    memory.save(memory_dir)
    return written


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
