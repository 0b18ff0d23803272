"""Payers billed on paper in `claims submit`: their claims go into one CMS-1500 PDF beside the
837P (which leaves them out), kept in the database like it (a lost one is written again),
move to submitted with "paper" in their history, each print audited; `--paper-only` prints
them and sends nothing else."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import Engine, text

from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimService
from medbill_tui.services.outbox import OutboxService
from medbill_tui.services.paper_claims import PAPER
from medbill_tui.services.submissions import SubmissionFailed, SubmissionService
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY


def paper_payer(engine: Engine) -> set[str]:
    """Bill the payer with the fewest ready claims on paper; its ready claims' numbers."""
    ClaimService(engine, Clock(DEMO_TODAY), "biller1").create()
    with engine.begin() as conn:
        payer_id = conn.execute(
            text("SELECT payer_id FROM claim WHERE status = 'ready' GROUP BY payer_id "
                 "ORDER BY count(*), payer_id LIMIT 1")
        ).scalar_one()  # fmt: skip
        conn.execute(text("UPDATE payer SET paper = true WHERE id = :p"), {"p": payer_id})
        return set(
            conn.execute(
                text("SELECT claim_no FROM claim WHERE status = 'ready' AND payer_id = :p"),
                {"p": payer_id},
            ).scalars()
        )


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


def test_paper_claims_go_in_a_pdf_and_out_of_the_837(demo_engine: Engine, tmp_path: Path) -> None:
    paper = paper_payer(demo_engine)
    assert paper
    run = SubmissionService(demo_engine, Clock(DEMO_TODAY), "biller1", tmp_path).submit()
    pdfs = [Path(f.path) for f in run.files if f.clearinghouse == PAPER]
    x12s = [Path(f.path) for f in run.files if f.clearinghouse != PAPER]
    assert len(pdfs) == 1 and len(x12s) == 1
    content = x12s[0].read_text()
    assert content.count("CLM*") == run.claims - len(paper)
    assert not any(f"CLM*{claim_no}*" in content for claim_no in paper)
    printed = pdf_text(pdfs[0])
    assert all(claim_no in printed for claim_no in paper)
    with demo_engine.connect() as conn:
        history = conn.execute(
            text("SELECT c.claim_no, c.status, e.detail FROM claim c JOIN claim_event e "
                 "ON e.claim_id = c.id AND e.to_status = 'submitted' "
                 "WHERE e.detail LIKE 'sent on paper%'")
        ).all()  # fmt: skip
        audits = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'print-cms1500'")
        ).scalar_one()
    assert {r.claim_no for r in history} == paper and {r.status for r in history} == {"submitted"}
    assert all(pdfs[0].name in r.detail for r in history) and audits == len(paper)
    # a crash between the commit and the rename: the PDF is written again from the database
    kept = pdfs[0].read_bytes()
    pdfs[0].unlink()
    with demo_engine.begin() as conn:
        conn.execute(text("UPDATE edi_file SET written_at = NULL WHERE kind = 'paper'"))
    report = OutboxService(demo_engine, "biller1", tmp_path, None).repair()
    assert report.missing == (str(pdfs[0]),) and pdfs[0].read_bytes() == kept


def test_paper_only_prints_and_sends_nothing_else(demo_engine: Engine, tmp_path: Path) -> None:
    paper = paper_payer(demo_engine)
    with demo_engine.connect() as conn:
        ready = conn.execute(text("SELECT count(*) FROM claim WHERE status = 'ready'")).scalar()
    url = demo_engine.url.render_as_string(hide_password=False)
    env = {"MEDBILL_DATA_DIR": str(tmp_path), "MEDBILL_TODAY": str(DEMO_TODAY)}
    done = medbill("claims", "submit", "--paper-only", "--out", str(tmp_path / "out"),
                   url=url, **env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"{len(paper)} claims on CMS-1500 forms to print and mail" in done.stdout
    [pdf] = (tmp_path / "out").iterdir()
    assert pdf.suffix == ".pdf" and all(n in pdf_text(pdf) for n in paper)
    with demo_engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM claim WHERE status = 'ready'")).scalar()
        sent = conn.execute(text("SELECT count(*) FROM edi_file WHERE kind <> 'paper'")).scalar()
    assert left == ready - len(paper) and sent == 0


def test_a_paper_claim_missing_a_box_sends_nothing(demo_engine: Engine, tmp_path: Path) -> None:
    paper = paper_payer(demo_engine)
    victim = min(paper)
    with demo_engine.begin() as conn:
        conn.execute(
            text("UPDATE patient SET address1 = '' WHERE id = "
                 "(SELECT patient_id FROM claim WHERE claim_no = :c)"), {"c": victim},
        )  # fmt: skip
        before = conn.execute(text("SELECT count(*) FROM claim WHERE status = 'ready'")).scalar()
    sender = SubmissionService(demo_engine, Clock(DEMO_TODAY), "biller1", tmp_path)
    with pytest.raises(SubmissionFailed, match=rf"Nothing was sent: claim {victim} .*box 5"):
        sender.submit()
    with demo_engine.connect() as conn:
        after = conn.execute(text("SELECT count(*) FROM claim WHERE status = 'ready'")).scalar()
        files = conn.execute(text("SELECT count(*) FROM edi_file")).scalar()
    assert after == before and files == 0 and list(tmp_path.iterdir()) == []
