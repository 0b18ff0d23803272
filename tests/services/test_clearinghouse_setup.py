"""The clearinghouses setup: add, correct and deactivate clearinghouses and their SFTP
connections (audited, no secrets), each refusal changing nothing; the host key checked and
pinned by an admin only, a changed key only as confirmed, never once the connection names
another host or port; the exchange reading the connection from the database when no TOML
file is there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.errors import ConfigError
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.clearinghouse_setup import (
    ClearinghouseRefused,
    ClearinghouseSetupService,
)
from medbill_tui.services.exchange import ExchangeService
from medbill_tui.services.exchange_connection import exchange_connection
from medbill_tui.services.users import RoleRefused
from tests.conftest import DEMO_TODAY, TEST_LOGIN
from tests.sftp_server import SftpServer, add_837, make_key, missing_reason, new_server

needs_sshd = pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))


def _fields(key: Path, /, **changes: str) -> dict[str, str]:
    fields = {
        "name": "Office Ally",
        "receiver_id": "OFFALLY",
        "submitter_id": "SUB123",
        "submitter_name": "Demo Clinic",
        "contact_name": "Pat Smith",
        "contact_phone": "555-010-2000",
        "usage": "test",
        "default": "yes",
        "host": "127.0.0.1",
        "port": "22",
        "user": "clinic",
        "key_file": str(key),
        "password": "env:OFFICE_ALLY_PASSWORD",
        "upload_dir": "inbound",
        "download_dir": "outbound",
        "answer_pattern": "*.x12",
        "after_fetch": "leave",
        "send_from": "2026-11-01",
        "schedule": "*/30 7-19 * * 1-5",
    }
    fields.update(changes)
    return fields


def _setup(engine: Engine, role: str = "supervisor") -> ClearinghouseSetupService:
    return ClearinghouseSetupService(engine, "boss", role)


def _count(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    key = tmp_path / "id_ed25519"
    key.write_text("not read until the exchange connects")
    return key


def test_add_correct_and_deactivate_are_audited_and_keep_no_secret(
    engine: Engine, key_file: Path
) -> None:
    setup = _setup(engine)
    first = setup.save(_fields(key_file))
    second = setup.save(_fields(key_file, name="Stedi", host="", default="no"))
    setup.save(_fields(key_file, port="2222", usage="production"), first)

    houses = {h.name: h for h in setup.clearinghouses()}
    ally = houses["Office Ally"]
    assert (ally.usage, ally.is_default, ally.active) == ("P", True, True)
    assert ally.connection is not None and ally.connection.port == 2222
    assert ally.connection.password_env == "OFFICE_ALLY_PASSWORD"
    assert ally.connection.schedule == "*/30 7-19 * * 1-5"
    assert houses["Stedi"].connection is None
    setup.deactivate(second)
    assert not {h.name: h for h in setup.clearinghouses()}["Stedi"].active
    with engine.connect() as conn:
        audits = conn.execute(
            text(
                "SELECT action, detail FROM audit_event WHERE entity = 'clearinghouse' ORDER BY id"
            )
        ).all()
    assert [a for a, _ in audits] == ["create", "create", "update", "deactivate"]
    assert "sftp clinic@127.0.0.1:2222" in audits[2][1]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"port": "70000"}, "connection.port"),
        ({"port": "ssh"}, "connection.port"),
        ({"key_file": "/nowhere/id_ed25519"}, "connection.key_file: no file at /nowhere"),
        ({"password": "hunter2"}, "connection.password"),
        ({"upload_dir": "../etc"}, "connection.upload_dir"),
        ({"schedule": "every hour"}, "connection.schedule"),
        ({"receiver_id": "!"}, "clearinghouse.receiver_id"),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_changed(
    engine: Engine, key_file: Path, change: dict[str, str], named: str
) -> None:
    with pytest.raises(ClearinghouseRefused, match=named) as refused:
        _setup(engine).save(_fields(key_file, **change))
    assert "hunter2" not in str(refused.value)
    assert _count(engine, "SELECT count(*) FROM clearinghouse") == 0


def test_a_biller_may_not_set_up_a_clearinghouse(engine: Engine, key_file: Path) -> None:
    with pytest.raises(RoleRefused, match="Only a supervisor or an admin"):
        _setup(engine, "biller").save(_fields(key_file))
    assert _count(engine, "SELECT count(*) FROM clearinghouse") == 0


def test_the_default_and_one_payers_send_to_are_not_deactivated(
    engine: Engine, key_file: Path
) -> None:
    setup = _setup(engine)
    default = setup.save(_fields(key_file))
    used = setup.save(_fields(key_file, name="Stedi", default="no"))
    with engine.begin() as conn:
        conn.execute(
            text("""INSERT INTO payer (name, payer_code, claim_filing_indicator,
                        clearinghouse_id) VALUES ('Acme', 'ACME1', 'CI', :c)"""),
            {"c": used},
        )
    with pytest.raises(ClearinghouseRefused, match="make another the default first"):
        setup.deactivate(default)
    with pytest.raises(ClearinghouseRefused, match="1 payer"):
        setup.deactivate(used)
    assert _count(engine, "SELECT count(*) FROM clearinghouse WHERE active") == 2


def test_without_a_toml_file_and_without_a_connection_the_exchange_says_where_to_set_one(
    engine: Engine, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="Clearinghouses screen"):
        exchange_connection(engine, tmp_path / "clearinghouse.toml", {})


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SftpServer]:
    sftp = new_server(tmp_path / "server", TEST_LOGIN)
    sftp.authorize(make_key(tmp_path / "user_key"))
    sftp.start()
    yield sftp
    sftp.stop()


@needs_sshd
def test_the_admin_pins_the_host_key_and_the_exchange_runs_from_the_database(
    engine: Engine, server: SftpServer, tmp_path: Path
) -> None:
    fields = _fields(
        tmp_path / "user_key",
        port=str(server.port),
        user=server.user,
        password="",
        upload_dir=str(server.inbound),
        download_dir=str(server.outbound),
        send_from="2000-01-01",
    )
    house = _setup(engine).save(fields)
    with pytest.raises(ConfigError, match=r"not pinned.*Clearinghouses screen"):
        ExchangeService(
            engine,
            Clock(DEMO_TODAY),
            "boss",
            tmp_path / "inbox",
            exchange_connection(engine, tmp_path / "none.toml", {}),
        ).run()

    check = _setup(engine, "admin").check_host_key(house)
    assert check.state == "unpinned" and check.shown == server.pinned
    with pytest.raises(RoleRefused, match="Only an admin may pin"):
        _setup(engine, "supervisor").pin_host_key(house, check)
    with pytest.raises(RoleRefused, match="Only an admin may pin"):
        _setup(engine, "biller").pin_host_key(house, check)
    assert (
        _count(engine, "SELECT count(*) FROM clearinghouse_connection WHERE host_key IS NOT NULL")
        == 0
    )
    _setup(engine, "admin").pin_host_key(house, check)
    assert _setup(engine, "admin").check_host_key(house).state == "same"

    name = add_837(engine, 1)
    connection = exchange_connection(engine, tmp_path / "none.toml", {})
    report = ExchangeService(
        engine, Clock(DEMO_TODAY), "boss", tmp_path / "inbox", connection
    ).run()
    assert report.sent == [name] and (server.inbound / name).exists()

    # The server's key changes: seen as changed, never pinned from a check made before.
    other = make_key(tmp_path / "other_host_key")
    server.stop()
    server.host_key = other
    server.start()
    changed = _setup(engine, "admin").check_host_key(house)
    assert changed.state == "changed" and changed.pinned_fingerprint == check.shown_fingerprint
    with pytest.raises(ClearinghouseRefused, match="changed since it was checked"):
        _setup(engine, "admin").pin_host_key(house, check)
    _setup(engine, "admin").pin_host_key(house, changed)
    assert _setup(engine, "admin").check_host_key(house).state == "same"
    with engine.connect() as conn:
        pins = (
            conn.execute(
                text("SELECT detail FROM audit_event WHERE action = 'pin-host-key' ORDER BY id")
            )
            .scalars()
            .all()
        )
    assert len(pins) == 2 and f"(replaces {check.shown_fingerprint})" in pins[1]


@needs_sshd
def test_a_key_is_not_pinned_once_the_connection_names_another_host_or_port(
    engine: Engine, server: SftpServer, tmp_path: Path
) -> None:
    fields = _fields(tmp_path / "user_key", port=str(server.port), password="")
    house = _setup(engine).save(fields)
    check = _setup(engine, "admin").check_host_key(house)
    assert (check.state, check.host, check.port) == ("unpinned", "127.0.0.1", server.port)

    checked = f"checked 127.0.0.1:{server.port}"
    _setup(engine).save({**fields, "port": str(server.port + 1)}, house)
    with pytest.raises(ClearinghouseRefused, match=f"{checked}, now 127.0.0.1:{server.port + 1}"):
        _setup(engine, "admin").pin_host_key(house, check)
    _setup(engine).save({**fields, "host": "localhost"}, house)
    with pytest.raises(
        ClearinghouseRefused, match=rf"host or port changed.*{checked}, now localhost:.*again"
    ):
        _setup(engine, "admin").pin_host_key(house, check)
    assert (
        _count(engine, "SELECT count(*) FROM clearinghouse_connection WHERE host_key IS NOT NULL")
        == 0
    )
    assert _count(engine, "SELECT count(*) FROM audit_event WHERE action = 'pin-host-key'") == 0

    again = _setup(engine, "admin").check_host_key(house)
    assert (again.host, again.port) == ("localhost", server.port)
    _setup(engine, "admin").pin_host_key(house, again)
    assert _setup(engine, "admin").check_host_key(house).state == "same"
