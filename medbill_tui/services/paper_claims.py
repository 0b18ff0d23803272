"""Paper claims: CMS-1500 (02/12) forms for chosen claims, from the same records as the 837P,
each print audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import claim_forms as repo
from medbill_tui.db.repositories.outbox import KIND_837P
from medbill_tui.db.uow import run_in_transaction
from medbill_tui.edi.cms1500 import BoxMissing, form_pages
from medbill_tui.edi.cms1500_pdf import cms1500_pdf
from medbill_tui.records.claims import SubmittedFile
from medbill_tui.records.outbox import UnwrittenFile
from medbill_tui.services.errors import ServiceError, translate_errors
from medbill_tui.services.outbox_files import AttemptFiles

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

    from medbill_tui.db.repositories.submissions import ReadyClaim
    from medbill_tui.edi.x837p import BillingProvider

PAPER = "paper (CMS-1500)"
"""Where paper claims go, in a submission's groups and files."""


class ClaimNotPrinted(ServiceError):
    """No form was made; the message names the claim and the box."""


@dataclass(frozen=True, slots=True)
class PrintedClaims:
    pdf: bytes
    claims: tuple[str, ...]
    forms: int


class PaperClaimService:
    """Make CMS-1500 PDFs. Blocking: call from a worker."""

    def __init__(self, engine: Engine, actor: str) -> None:
        self.engine = engine
        self.actor = actor

    @translate_errors
    def print_claims(
        self,
        claim_nos: Sequence[str],
        *,
        offset: tuple[float, float] = (0.0, 0.0),
        alignment: bool = False,
    ) -> PrintedClaims:
        """One PDF of every named claim's forms, or (an unknown claim, a required box with no
        value) `ClaimNotPrinted` and nothing."""
        wanted = list(dict.fromkeys(n.strip().upper() for n in claim_nos))

        def work(session: Session) -> PrintedClaims:
            conn = session.connection()
            found, provider = repo.claims_by_number(conn, wanted)
            unknown = [n for n in wanted if n not in found]
            if unknown:
                raise ClaimNotPrinted(f"No claim {', '.join(unknown)}; nothing printed")
            if provider is None:
                raise ClaimNotPrinted(
                    "Nothing printed: no practice is set up, so boxes 25 and 33 (the billing "
                    "provider) have no value"
                )
            pages = []
            printed = []
            for claim_no in wanted:
                claim_id, claim = found[claim_no]
                try:
                    forms = form_pages(claim, provider)
                except BoxMissing as exc:
                    raise ClaimNotPrinted(f"{str(exc)[:1].upper()}{str(exc)[1:]}") from None
                pages += forms
                printed.append((claim_id, f"CMS-1500 of {claim_no}: {len(forms)} form(s)"))
            repo.record_prints(conn, self.actor, printed)
            pdf = cms1500_pdf(pages, offset=offset, alignment=alignment)
            return PrintedClaims(pdf, tuple(wanted), len(pages))

        return run_in_transaction(self.engine, work)

    def reprint(self, claim_no: str, folder: Path) -> Path:
        """The claim's forms again, as `folder`/CMS1500_<claim>.pdf (audited as a print)."""
        made = self.print_claims([claim_no])
        path = folder / f"CMS1500_{made.claims[0]}.pdf"
        files = AttemptFiles()  # whole or not at all: a temporary name, then one rename
        try:
            files.write(path, made.pdf)
            files.publish()
        except OSError as exc:
            files.discard()
            raise ClaimNotPrinted(f"Cannot write {path}: {exc.strerror}") from None
        return path


def send_on_paper(
    conn: Connection,
    batch: Sequence[ReadyClaim],
    billing: BillingProvider,
    files: AttemptFiles,
    out: Path,
    actor: str,
    now: datetime,
) -> tuple[SubmittedFile, UnwrittenFile]:
    """One PDF of the batch's forms beside the 837P files, kept in the database like them;
    the claims submitted ("paper" in their history). `ClaimNotPrinted` names the first claim
    with a required box empty."""
    pages = []
    for claim in batch:
        try:
            pages += form_pages(claim.out, billing)
        except BoxMissing as exc:
            raise ClaimNotPrinted(f"Nothing was sent: {exc}") from None
    name = f"CMS1500_{now:%Y%m%d_%H%M%S}_{batch[0].out.pcn}.pdf"
    pdf = cms1500_pdf(pages)
    try:
        files.write(out / name, pdf)
    except OSError as exc:
        raise ClaimNotPrinted(f"Cannot write to the outbox {out}: {exc.strerror}") from None
    file_id = repo.store_paper_file(conn, name, pdf, batch, actor)
    repo.record_paper_submission(conn, batch, name, actor, now.date())
    amount = sum((c.out.total for c in batch), Decimal("0.00"))
    return (
        SubmittedFile(str(out / name), PAPER, "", len(batch), amount),
        UnwrittenFile(KIND_837P, file_id, name),
    )
