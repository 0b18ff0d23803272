"""How pyx12 checks an imported file, by its size: in this process when the result is asked
for (small files), in a child process while the import runs (`BackgroundValidation`), or not
at all above the validation limit (one warning instead) or for a file it cannot read. The
findings become the imported file's warnings (services/imports.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from medbill_tui.edi.validate import (
    BackgroundValidation,
    ValidationIssue,
    ValidationResult,
    validate_x12_file,
)

MB = 1024 * 1024


class Validation(Protocol):
    def result(self) -> ValidationResult: ...

    def cancel(self) -> None: ...


class InProcessValidation:
    """Small files: pyx12 in this process when the result is asked for (no child start-up)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._result: ValidationResult | None = None

    def result(self) -> ValidationResult:
        if self._result is None:
            self._result = validate_x12_file(self.path)
        return self._result

    def cancel(self) -> None:
        return None


class SkippedValidation:
    """Files above the validation limit: one warning instead of pyx12's findings."""

    def __init__(self, size: int, limit: int) -> None:
        words = (
            f"pyx12 did not check this file: {size / MB:,.1f} MB is over the "
            f"{limit / MB:,.1f} MB validation limit (medbill's own checks ran)"
        )
        self._result = ValidationResult(False, (ValidationIssue(0, "", "", "", words),))

    def result(self) -> ValidationResult:
        return self._result

    def cancel(self) -> None:
        return None


class NoValidation:
    """A TA1 file (ISA, TA1, IEA): pyx12 reads only interchanges with functional groups, and
    our own envelope walk and TA1 reader check all there is."""

    def result(self) -> ValidationResult:
        return ValidationResult(True, ())

    def cancel(self) -> None:
        return None


NOT_CHECKED = NoValidation()


def validation_for(
    path: Path, size: int, *, validate_max_bytes: int, parallel_min_bytes: int
) -> Validation:
    """Skipped above `validate_max_bytes`, in a child process from `parallel_min_bytes`, else
    in this process."""
    if size > validate_max_bytes:
        return SkippedValidation(size, validate_max_bytes)
    if size >= parallel_min_bytes:
        return BackgroundValidation(path)
    return InProcessValidation(path)
