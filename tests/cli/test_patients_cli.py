"""`medbill patients merge FROM INTO [--yes]` as a real process: 0 merged, 1 refused with the
reason, 2 not a pair, 3 not allowed; `ledger check` passes after it."""

from __future__ import annotations

from sqlalchemy import Engine, text

from tests.cli.test_claim_chain_cli import set_role
from tests.cli.test_cli import medbill
from tests.cli.test_work_cli import TODAY, url_of
from tests.services.test_patient_merge import pair


def merged_into(engine: Engine, account: str) -> object:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT merged_into_id FROM patient WHERE account_no = :a"), {"a": account}
        ).scalar_one()


def test_merge_from_the_command_line(demo_engine: Engine) -> None:
    url = url_of(demo_engine)
    _, source, target_id, target = pair(demo_engine)
    itself = medbill("patients", "merge", source, source, "--yes", url=url, **TODAY)
    assert itself.returncode == 2 and "cannot be merged into itself" in itself.stderr
    unknown = medbill("patients", "merge", "Z1", target, "--yes", url=url, **TODAY)
    assert unknown.returncode == 2 and "no account 'Z1'" in unknown.stderr
    set_role(demo_engine, "biller")
    refused = medbill("patients", "merge", source, target, "--yes", url=url, **TODAY)
    assert refused.returncode == 3 and "supervisor" in refused.stderr
    set_role(demo_engine, "supervisor")
    asked = medbill("patients", "merge", source, target, url=url, **TODAY)  # no tty, no --yes
    assert asked.returncode == 0 and "re-run with --yes" in asked.stdout
    assert f"merge {source} (" in asked.stdout and "moves: " in asked.stdout
    assert merged_into(demo_engine, source) is None
    done = medbill("patients", "merge", source, target, "--yes", url=url, **TODAY)
    assert done.returncode == 0, done.stderr
    assert f"merged {source} into {target}" in done.stdout
    assert merged_into(demo_engine, source) == target_id
    again = medbill("patients", "merge", source, target, "--yes", url=url, **TODAY)
    assert again.returncode == 1 and f"was merged into {target} already" in again.stderr
    check = medbill("ledger", "check", url=url, **TODAY)
    assert check.returncode == 0, check.stdout + check.stderr
