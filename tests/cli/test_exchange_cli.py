"""`medbill exchange` against a real OpenSSH sshd on 127.0.0.1: claims go up once, answers
come down once and are imported; refused logins, changed host keys, a server gone midway and
a second run at the same time are handled as a clearinghouse expects."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.engine import make_engine
from medbill_tui.db.repositories.exchange import exchange_lock
from medbill_tui.errors import ServiceError
from medbill_tui.runtime.clock import Clock
from medbill_tui.runtime.exchange_settings import load_connection
from medbill_tui.services.exchange import ExchangeService
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY, TEST_LOGIN, X12_FIXTURES, PgCluster
from tests.sftp_server import (
    SftpServer,
    add_837,
    count,
    make_key,
    missing_reason,
    new_server,
    sandbox_answers,
    write_settings,
)

pytestmark = pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))


@pytest.fixture(scope="module")
def user_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_key(tmp_path_factory.mktemp("keys") / "user_key")


@pytest.fixture
def server(tmp_path: Path, user_key: Path) -> Iterator[SftpServer]:
    sftp = new_server(tmp_path / "server", TEST_LOGIN)
    sftp.authorize(user_key)
    sftp.start()
    yield sftp
    sftp.stop()


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    """An engine on the database `db_url` names (the one the command runs against)."""
    engine = make_engine(db_url, pool_size=2)
    yield engine
    engine.dispose()


def test_create_submit_exchange_answers_exchange_pays_the_claims(
    pg: PgCluster, demo_template: str, server: SftpServer, user_key: Path, tmp_path: Path
) -> None:
    url = pg.create_database(f"exchange_{os.getpid()}", template=demo_template)
    engine = make_engine(url, pool_size=1)
    try:
        env = write_settings(tmp_path / "data", server, user_key)
        created = medbill("claims", "create", url=url, **env)
        assert created.returncode == 0, created.stdout + created.stderr
        submitted = medbill("claims", "submit", url=url, **env)
        assert submitted.returncode == 0, submitted.stdout + submitted.stderr
        with engine.connect() as conn:
            sent_claims = (
                conn.execute(text("SELECT id FROM claim WHERE status = 'submitted'"))
                .scalars()
                .all()
            )
            files = (
                conn.execute(text("SELECT file_name FROM edi_file WHERE direction = 'out'"))
                .scalars()
                .all()
            )
        assert sent_claims and files
        first = medbill("exchange", url=url, **env)
        assert first.returncode == 0, first.stdout + first.stderr
        assert sorted(p.name for p in server.inbound.iterdir()) == sorted(files)
        assert f"sent {files[0]}" in first.stdout
        answers = sandbox_answers(server, tmp_path / "sandbox")
        assert any(a.endswith(".835.x12") for a in answers)
        second = medbill("exchange", url=url, **env)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "sent " not in second.stdout
        assert all(f"fetched {a}" in second.stdout for a in answers), second.stdout
        assert "imported " in second.stdout and "not imported" not in second.stdout
        with engine.connect() as conn:
            paid = conn.execute(
                text("SELECT count(*) FROM claim WHERE id = ANY(:ids) AND status = 'paid'"),
                {"ids": list(sent_claims)},
            ).scalar_one()
        assert paid > 0
        # Left on the server, the answers are not fetched again; the same bytes under
        # another name are fetched, seen to be known, and not imported twice.
        copy = server.outbound / "copy-of-answer.x12"
        copy.write_bytes((server.outbound / answers[0]).read_bytes())
        third = medbill("exchange", url=url, **env)
        assert third.returncode == 0, third.stdout + third.stderr
        assert third.stdout.strip() == (
            "skipped copy-of-answer.x12: the same bytes were fetched before"
        )
        assert not (tmp_path / "data" / "inbox" / "copy-of-answer.x12").exists()
        check = medbill("ledger", "check", url=url, **env)
        assert check.returncode == 0, check.stdout
        with engine.connect() as conn:
            audited = conn.execute(
                text("SELECT count(*) FROM audit_event WHERE action = 'exchange'")
            ).scalar_one()
        assert audited == 3
    finally:
        engine.dispose()
        pg.drop_database(f"exchange_{os.getpid()}")


def test_an_unpinned_host_key_shows_its_fingerprint_and_exits_2(
    db_url: str, server: SftpServer, user_key: Path, tmp_path: Path
) -> None:
    env = write_settings(tmp_path / "data", server, user_key, host_key=None)
    result = medbill("exchange", url=db_url, **env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "host_key is not pinned" in result.stderr and "SHA256:" in result.stderr
    assert server.pinned in result.stderr


def test_a_changed_host_key_refuses_to_connect(
    db: Engine, db_url: str, server: SftpServer, user_key: Path, tmp_path: Path
) -> None:
    add_837(db, 1)
    other = make_key(tmp_path / "other_host_key")
    kind, data = other.with_suffix(".pub").read_text().split()[:2]
    env = write_settings(tmp_path / "data", server, user_key, host_key=f"{kind} {data}")
    result = medbill("exchange", url=db_url, **env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "another host key" in result.stderr and "not connected" in result.stderr
    assert list(server.inbound.iterdir()) == [] and count(db, "exchange_upload") == 0


def test_a_refused_login_stops_at_once_and_is_not_retried(
    db: Engine, db_url: str, server: SftpServer, tmp_path: Path
) -> None:
    add_837(db, 1)
    stranger = make_key(tmp_path / "stranger_key")
    env = write_settings(tmp_path / "data", server, stranger, retries=5, backoff_seconds=30)
    result = medbill("exchange", url=db_url, **env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "refused the login" in result.stderr and "not retried" in result.stderr
    log = (server.root / "sshd.log").read_text()
    assert log.count("Connection closed by authenticating user") <= 1
    assert count(db, "exchange_upload") == 0


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"key_file": "/nonexistent/key"}, "clearinghouse.key_file: no key file"),
        ({"host": "no-such-host.invalid"}, "clearinghouse.host: unknown host"),
        ({"upload_dir": "/no/such/folder"}, "clearinghouse.upload_dir: no folder"),
        ({"after_fetch": "archive"}, "clearinghouse.after_fetch='archive'"),
        ({"user": None}, "clearinghouse.user is missing"),
    ],
    ids=["no-key-file", "unknown-host", "bad-folder", "bad-after-fetch", "no-user"],
)
def test_a_wrong_setting_is_named_in_one_line_exit_2_nothing_recorded(
    db: Engine,
    db_url: str,
    server: SftpServer,
    user_key: Path,
    tmp_path: Path,
    changes: dict[str, str | None],
    words: str,
) -> None:
    add_837(db, 1)
    env = write_settings(tmp_path / "data", server, user_key, **changes)
    result = medbill("exchange", url=db_url, **env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(server.inbound.iterdir()) == []
    assert count(db, "exchange_upload") == 0 and count(db, "exchange_fetch") == 0


def test_an_unreadable_key_file_exits_2(db_url: str, server: SftpServer, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage_key"
    garbage.write_text("not a key")
    env = write_settings(tmp_path / "data", server, garbage)
    result = medbill("exchange", url=db_url, **env)
    assert result.returncode == 2 and "is not a private key" in result.stderr


def test_a_second_exchange_while_one_runs_says_so_and_exits_0(
    db: Engine, db_url: str, server: SftpServer, user_key: Path, tmp_path: Path
) -> None:
    add_837(db, 1)
    env = write_settings(tmp_path / "data", server, user_key)
    with exchange_lock(db) as held:
        assert held
        result = medbill("exchange", url=db_url, **env)
    assert result.returncode == 0, result.stderr
    assert "another exchange is running" in result.stdout
    assert list(server.inbound.iterdir()) == []
    after = medbill("exchange", "--send", url=db_url, **env)
    assert after.returncode == 0 and "sent 837P_000000001" in after.stdout


def test_the_server_gone_midway_leaves_whole_files_only_and_the_next_run_finishes(
    engine: Engine, server: SftpServer, user_key: Path, tmp_path: Path
) -> None:
    names = [add_837(engine, n) for n in (1, 2, 3)]
    # a cut upload from some earlier run: only its .part is on the server
    (server.inbound / f"{names[1]}.part").write_bytes(b"ISA*cut")
    env = write_settings(tmp_path / "data", server, user_key)
    settings = load_connection(tmp_path / "data" / "clearinghouse.toml", env)
    service = ExchangeService(engine, Clock(DEMO_TODAY), TEST_LOGIN, tmp_path / "inbox", settings)

    def server_gone_at_the_second(done: int, total: int, label: str) -> None:
        if label.startswith("sending") and done == 1:
            server.stop()

    with pytest.raises(ServiceError, match=r"cannot reach|was cut|failed"):
        service.run(progress=server_gone_at_the_second)
    assert [p.name for p in server.inbound.iterdir() if not p.name.endswith(".part")] == [names[0]]
    assert count(engine, "exchange_upload") == 1
    server.start()
    report = service.run()
    assert report.sent == names[1:]
    assert sorted(p.name for p in server.inbound.iterdir()) == sorted(names)
    assert count(engine, "exchange_upload") == 3


def test_a_download_cut_midway_is_not_imported_and_is_fetched_next_time(
    engine: Engine, server: SftpServer, user_key: Path, tmp_path: Path
) -> None:
    answer = server.outbound / "era.835.x12"
    answer.write_bytes(
        (X12_FIXTURES / "835-stupidedi-multiple-claims-single-check.x12").read_bytes()
    )
    env = write_settings(tmp_path / "data", server, user_key)
    settings = load_connection(tmp_path / "data" / "clearinghouse.toml", env)
    inbox = tmp_path / "inbox"
    service = ExchangeService(engine, Clock(DEMO_TODAY), TEST_LOGIN, inbox, settings)

    def server_gone_while_fetching(done: int, total: int, label: str) -> None:
        if label.startswith("fetching"):
            server.stop()

    with pytest.raises(ServiceError):
        service.run(send=False, progress=server_gone_while_fetching)
    assert list(inbox.glob("*")) == [] and count(engine, "exchange_fetch") == 0
    assert count(engine, "remittance") == 0
    server.start()
    report = service.run(send=False)
    assert report.fetched == ["era.835.x12"] and not report.import_failed
    assert count(engine, "remittance") == 1


def test_an_answer_that_fails_import_stays_in_the_inbox_and_the_others_import(
    db: Engine, db_url: str, server: SftpServer, user_key: Path, tmp_path: Path
) -> None:
    (server.outbound / "a-broken.999.x12").write_text("this is not X12")
    good = X12_FIXTURES / "835-stupidedi-multiple-claims-single-check.x12"
    (server.outbound / "b-good.835.x12").write_bytes(good.read_bytes())
    env = write_settings(tmp_path / "data", server, user_key)
    result = medbill("exchange", url=db_url, **env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "not imported a-broken.999.x12 (left in the inbox)" in result.stdout
    assert "imported b-good.835.x12" in result.stdout
    assert (tmp_path / "data" / "inbox" / "a-broken.999.x12").exists()
    with db.connect() as conn:
        reason = conn.execute(
            text("SELECT import_error FROM exchange_fetch WHERE remote_path = 'a-broken.999.x12'")
        ).scalar_one()
    assert reason


def test_a_zip_of_answers_is_unpacked_into_the_inbox_and_imported(
    engine: Engine, server: SftpServer, user_key: Path, tmp_path: Path
) -> None:
    era = (X12_FIXTURES / "835-stupidedi-multiple-claims-single-check.x12").read_bytes()
    with zipfile.ZipFile(server.outbound / "answers.zip", "w") as archive:
        archive.writestr("era.835.x12", era)
        archive.writestr("broken.999.x12", "not X12")
    env = write_settings(tmp_path / "data", server, user_key)
    settings = load_connection(tmp_path / "data" / "clearinghouse.toml", env)
    inbox = tmp_path / "inbox"
    service = ExchangeService(engine, Clock(DEMO_TODAY), TEST_LOGIN, inbox, settings)
    report = service.run(send=False)
    assert report.fetched == ["answers.zip"]
    assert sorted(p.name for p in inbox.iterdir()) == [
        "answers-broken.999.x12",
        "answers-era.835.x12",
    ]
    outcomes = {o.file_name: o.error for o in report.imported}
    assert outcomes["answers-era.835.x12"] is None and outcomes["answers-broken.999.x12"]
    assert count(engine, "remittance") == 1
    # the broken one is tried again next time; taken out of the inbox, it is left alone
    (inbox / "answers-broken.999.x12").unlink()
    again = service.run(send=False)
    assert again.fetched == [] and [o.summary for o in again.imported] == ["already imported"]
    assert count(engine, "remittance") == 1
    with engine.connect() as conn:
        row = conn.execute(text("SELECT imported_at, import_error FROM exchange_fetch")).one()
    assert row.imported_at is not None and "no longer in the inbox" in row.import_error


def test_a_dry_run_says_what_it_would_do_and_changes_nothing(
    db: Engine, db_url: str, server: SftpServer, user_key: Path, tmp_path: Path
) -> None:
    name = add_837(db, 1)
    (server.outbound / "a.999.x12").write_text("ISA*answer~")
    env = write_settings(tmp_path / "data", server, user_key)
    result = medbill("exchange", "--dry-run", url=db_url, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"would send {name}", "would fetch a.999.x12"]
    assert list(server.inbound.iterdir()) == [] and not (tmp_path / "data" / "inbox").exists()
    assert count(db, "exchange_upload") == 0 and count(db, "exchange_fetch") == 0


def test_a_cancelled_exchange_stops_between_files_with_what_was_sent_recorded(
    engine: Engine, server: SftpServer, user_key: Path, tmp_path: Path
) -> None:
    names = [add_837(engine, n) for n in (1, 2)]
    env = write_settings(tmp_path / "data", server, user_key)
    settings = load_connection(tmp_path / "data" / "clearinghouse.toml", env)
    service = ExchangeService(engine, Clock(DEMO_TODAY), TEST_LOGIN, tmp_path / "inbox", settings)

    def cancel_after_the_first(done: int, total: int, label: str) -> None:
        if label.startswith("sending") and done == 1:
            service.cancel.set()

    with pytest.raises(ServiceError, match="cancelled"):
        service.run(progress=cancel_after_the_first)
    assert [p.name for p in server.inbound.iterdir()] == [names[0]]
    assert count(engine, "exchange_upload") == 1
