"""`medbill hl7 listen` as a real process on 127.0.0.1, sent to with python-hl7's MLLP client;
`medbill hl7 import`, `log` and `map` with their refusals."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import hl7
from hl7.mllp import open_hl7_connection
from sqlalchemy import Engine, text

from tests.cli.test_cli import medbill
from tests.cli.test_work_cli import TODAY, url_of
from tests.hl7.messages import adt, dft, ft1, mapped_practice


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def exchange(port: int, raws: list[str], broken: bytes = b"") -> list[str]:
    """Send each message on one connection and read its ACK (the broken bytes first)."""
    reader, writer = await open_hl7_connection("127.0.0.1", port)
    answers = []
    if broken:
        writer.write(broken)
        answers.append(str(await asyncio.wait_for(reader.readmessage(), 30)))
    for raw in raws:
        writer.writemessage(hl7.parse(raw))
        answers.append(str(await asyncio.wait_for(reader.readmessage(), 30)))
    writer.close()
    return answers


def test_listener_acks_after_commit_resend_is_a_no_op_and_sigterm_stops(
    demo_engine: Engine,
) -> None:
    mapped_practice(demo_engine)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "MEDBILL"))}
    env.update(TODAY, DATABASE_URL=url_of(demo_engine))
    proc = subprocess.Popen(
        [sys.executable, "-m", "medbill_tui", "hl7", "listen", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith(f"listening for HL7 on 127.0.0.1:{port}")
        charge = dft("L2", [ft1(1, "99213"), ft1(2, "87880")])
        answers = asyncio.run(
            exchange(port, [adt("L1"), charge, charge], broken=b"no start block\x1c\r")
        )
        assert answers[0].split("\r")[1].startswith("MSA|AR||MLLP")
        assert [a.split("\r")[1] for a in answers[1:]] == ["MSA|AA|L1", "MSA|AA|L2", "MSA|AA|L2"]
        with demo_engine.connect() as conn:
            row = conn.execute(
                text("""SELECT e.status, count(c.id) AS lines FROM hl7_visit v
                        JOIN encounter e ON e.id = v.encounter_id
                        JOIN charge c ON c.encounter_id = e.id
                        WHERE v.visit_key = 'V5001' GROUP BY e.status""")
            ).one()
            taken = conn.execute(text("SELECT count(*) FROM hl7_message")).scalar_one()
        assert (row.status, row.lines, taken) == ("unbilled", 2, 2)
        bad = asyncio.run(exchange(port, [adt("L3", dob="1980")]))
        assert bad[0].split("\r")[1].startswith("MSA|AE|L3|PID-7")
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "stopped" in out


def test_import_files_then_log_and_the_refusals(demo_engine: Engine, tmp_path: Path) -> None:
    url = url_of(demo_engine)
    _, practice = mapped_practice(demo_engine)
    framed = tmp_path / "feed.hl7"
    framed.write_text(
        f"\x0b{adt('F1')}\r\x1c\r\x0b{dft('F2', [ft1(1, '99213')])}\r\x1c\r", encoding="utf-8"
    )
    done = medbill("hl7", "import", str(framed), url=url, **TODAY)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["feed.hl7 #1: AA", "feed.hl7 #2: AA"]
    again = medbill("hl7", "import", str(framed), url=url, **TODAY)
    assert again.returncode == 0 and "resent" in again.stdout
    bad = tmp_path / "bad.hl7"
    bad.write_text(dft("F3", [ft1(1, "99213", qty="x")]), encoding="utf-8")
    held = medbill("hl7", "import", str(bad), url=url, **TODAY)
    assert held.returncode == 1 and "AE FT1 #1 FT1-10" in held.stdout
    missing = medbill("hl7", "import", str(tmp_path / "none.hl7"), url=url, **TODAY)
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    log = medbill("hl7", "log", "--format", "json", url=url, **TODAY)
    rows = json.loads(log.stdout)
    assert [(r["control_id"], r["outcome"]) for r in rows] == [
        ("F3", "AE"),
        ("F2", "AA"),
        ("F1", "AA"),
    ]
    unknown = medbill("hl7", "map", "CLINIC", "provider", "DR2", "0000000000", url=url, **TODAY)
    assert unknown.returncode == 2 and "no provider" in unknown.stderr
    mapped = medbill("hl7", "map", "CLINIC", "provider", "DR2", practice.npi, url=url, **TODAY)
    assert mapped.returncode == 0, mapped.stderr
    not_held = medbill("hl7", "reprocess", str(rows[1]["message_id"]), url=url, **TODAY)
    assert not_held.returncode == 2 and "not waiting on a fix" in not_held.stderr
