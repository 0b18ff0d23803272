"""`medbill claims void|correct|rebill CLAIM_NO` as real processes: 0 done, 1 refused with the
reason, 2 bad usage, 3 not allowed; `ledger check` passes after each."""

from __future__ import annotations

from sqlalchemy import Engine, text

from tests.cli.test_cli import medbill
from tests.cli.test_work_cli import TODAY, url_of
from tests.conftest import TEST_LOGIN
from tests.services.test_claim_chain import a_claim, ledger_clean


def set_role(engine: Engine, role: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE app_user SET role = :r WHERE login = :l"), {"r": role, "l": TEST_LOGIN}
        )


def test_void_correct_and_rebill_from_the_command_line(demo_engine: Engine) -> None:
    url = url_of(demo_engine)
    paid = a_claim(demo_engine, "status = 'paid' AND payer_claim_no IS NOT NULL")
    usage = medbill("claims", "void", url=url, **TODAY)
    assert usage.returncode == 2 and "CLAIM_NO" in usage.stderr
    set_role(demo_engine, "biller")
    refused = medbill("claims", "void", paid, url=url, **TODAY)
    assert refused.returncode == 3 and "supervisor" in refused.stderr
    set_role(demo_engine, "supervisor")
    voided = medbill("claims", "void", paid, "--reason", "wrong patient", url=url, **TODAY)
    assert voided.returncode == 0, voided.stderr
    assert f"(void (8)) replaces {paid}; ready to send" in voided.stdout
    again = medbill("claims", "correct", paid, url=url, **TODAY)
    assert again.returncode == 1 and f"Claim {paid} was already replaced by C" in again.stderr
    assert "(status ready)" in again.stderr
    unknown = medbill("claims", "rebill", "C1", url=url, **TODAY)
    assert unknown.returncode == 1 and "There is no claim C1" in unknown.stderr
    denied = a_claim(demo_engine, "status = 'denied'")
    corrected = medbill("claims", "correct", denied, url=url, **TODAY)
    assert corrected.returncode == 0 and f"replaces {denied}" in corrected.stdout
    ledger_clean(demo_engine)
