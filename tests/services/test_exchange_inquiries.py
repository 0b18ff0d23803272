"""The exchange sends the 270 and 276 requests the app writes, like 837s, and imports the 271
and 277 answers it fetches, over the real sshd of tests/sftp_server.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.edi.sandbox_271 import respond_270
from medbill_tui.edi.sandbox_277 import respond_276
from medbill_tui.edi.sandbox_memory import SandboxMemory
from medbill_tui.records.exchange import ConnectionSettings
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.eligibility import EligibilityService
from medbill_tui.services.exchange import ExchangeService
from medbill_tui.services.status_checks import StatusCheckService
from tests.conftest import DEMO_TODAY, TEST_LOGIN
from tests.sftp_server import SftpServer, make_key, missing_reason, new_server

pytestmark = pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SftpServer]:
    sftp = new_server(tmp_path / "server", TEST_LOGIN)
    sftp.authorize(make_key(tmp_path / "user_key"))
    sftp.start()
    yield sftp
    sftp.stop()


def test_270_and_276_are_sent_and_their_271_and_277_answers_imported(
    demo_engine: Engine, server: SftpServer, tmp_path: Path
) -> None:
    clock = Clock(DEMO_TODAY)
    since = datetime.now().astimezone()
    outbox = tmp_path / "outbox"
    asked_270 = EligibilityService(demo_engine, clock, "biller1", outbox).request()
    asked_276 = StatusCheckService(demo_engine, clock, "biller1", outbox).request(older_than_days=1)
    assert asked_270.path is not None and asked_276.path is not None
    connection = ConnectionSettings(
        host="127.0.0.1",
        send_from=since,
        port=server.port,
        user=server.user,
        key_file=tmp_path / "user_key",
        upload_dir=str(server.inbound),
        download_dir=str(server.outbound),
        host_key=server.pinned,
        retries=0,
        timeout_seconds=5,
    )
    exchange = ExchangeService(demo_engine, clock, "biller1", tmp_path / "inbox", connection)

    sent = exchange.run(fetch=False, import_answers=False)

    assert sorted(sent.sent) == sorted([asked_270.path.name, asked_276.path.name])
    request_270 = (server.inbound / asked_270.path.name).read_text(encoding="ascii")
    request_276 = (server.inbound / asked_276.path.name).read_text(encoding="ascii")
    (server.outbound / "answer.271.x12").write_text(
        respond_270(request_270, seed=2, today=DEMO_TODAY), encoding="ascii"
    )
    (server.outbound / "answer.277.x12").write_text(
        respond_276(request_276, seed=2, today=DEMO_TODAY, memory=SandboxMemory()),
        encoding="ascii",
    )

    answered = exchange.run()

    assert answered.sent == []
    assert sorted(answered.fetched) == ["answer.271.x12", "answer.277.x12"]
    assert [o.error for o in answered.imported] == [None, None]
    assert sorted(o.summary.split(":")[0] for o in answered.imported) == ["271", "277"]
    with demo_engine.connect() as conn:
        unanswered = conn.execute(
            text("""SELECT (SELECT count(*) FROM eligibility_check WHERE response_file_id IS NULL)
                         + (SELECT count(*) FROM claim_status_check WHERE response_file_id
                            IS NULL)""")
        ).scalar_one()
    assert unanswered == 0
