"""Code sets from the command line: search them, load a newer CMS or X12 release."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from medbill_tui.db.code_tables import CodeLoadError
from medbill_tui.db.codesets import CodeHit, load_release_file, search_codes
from medbill_tui.db.ncci_edits import load_ncci_file
from medbill_tui.db.uow import read_connection
from medbill_tui.domain.codefiles import (
    BadRow,
    parse_adjustment_codes,
    parse_hcpcs_file,
    parse_icd10cm_order_file,
)
from medbill_tui.domain.ncci_files import ParsedMue, ParsedPtp, parse_mue_file, parse_ptp_files
from medbill_tui.services.errors import ServiceError, translate_errors
from medbill_tui.services.users import require

if TYPE_CHECKING:
    from sqlalchemy import Engine

LOADABLE_SETS = ("icd10cm", "hcpcs", "carc", "rarc", "ncci-ptp", "mue")


class CodeLoadRefused(ServiceError):
    """A release file had bad rows; nothing was loaded. `errors` lists them."""

    def __init__(self, errors: tuple[BadRow, ...]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} bad row(s), nothing loaded")


class CodeService:
    """Search and load code sets. Blocking: call from a worker or the CLI."""

    def __init__(self, engine: Engine, actor: str, role: str | None) -> None:
        self.engine = engine
        self.actor = actor
        self.role = role

    @translate_errors
    def search(self, words: str, code_set: str, limit: int) -> tuple[CodeHit, ...]:
        """Codes of `code_set` starting with `words` (a code prefix) or matching its words."""
        with read_connection(self.engine) as conn:
            return search_codes(conn, words, code_set, limit)

    @translate_errors
    def load(self, content: str, code_set: str, source: str) -> int:
        """Replace `code_set` (one of LOADABLE_SETS) with the release file's rows in one
        transaction; returns how many. Any bad row: CodeLoadRefused and nothing changes.
        """
        require(self.role, "change-rules")
        if code_set in ("ncci-ptp", "mue"):
            return self.load_ncci([(source, content)], code_set)
        if code_set == "icd10cm":
            parsed = parse_icd10cm_order_file(content.splitlines())
        elif code_set in ("carc", "rarc"):
            parsed = parse_adjustment_codes(content, code_set)
        else:
            parsed = parse_hcpcs_file(content)
        try:
            return load_release_file(self.engine, parsed, code_set, source, self.actor)
        except CodeLoadError as exc:
            raise CodeLoadRefused(exc.errors) from None

    @translate_errors
    def load_ncci(self, files: Sequence[tuple[str, str]], code_set: str) -> int:
        """Replace the NCCI PTP edits (a quarter comes in up to four files) or the MUEs
        (`code_set` "ncci-ptp" or "mue") with the (name, text) files' rows in one transaction.
        Any bad line: CodeLoadRefused and nothing changes."""
        require(self.role, "change-rules")
        if code_set == "ncci-ptp":
            edits: ParsedPtp | ParsedMue = parse_ptp_files(files)
        elif len(files) == 1:
            edits = parse_mue_file(files[0][1])
        else:
            raise ValueError("MUEs load from one file")
        source = ", ".join(name for name, _ in files)
        try:
            return load_ncci_file(self.engine, edits, source, self.actor)
        except CodeLoadError as exc:
            raise CodeLoadRefused(exc.errors) from None
