"""Validation with pyx12 4.0: a flat list of problems with segment positions.

pyx12 logs every error (and would print them over the TUI), reads ASCII only and exports no
ISA/GS/ST element errors to its JSON, so this wrapper silences its logger, feeds it text, and
collects errors from both the JSON tree and its log records (see shared/notes/pyx12.md).

`validate_x12_file` streams a file to pyx12 (BOM dropped, non-UTF-8 bytes read as Latin-1);
`BackgroundValidation` runs it in a separate Python process, so a large inbound file is
validated on another core while medbill parses and posts it (pyx12 is pure Python: a thread
would not run in parallel). `python -m medbill_tui.edi.validate FILE` prints the issues as JSON.
"""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from medbill_tui.edi.segments import LENIENT

_LOCK = threading.Lock()  # pyx12 is not known to be thread-safe; its logger is shared
_LOG_LINE = re.compile(r"Line:(\d+) (\w+):(\w+) - (.*)")


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One problem: `segment_no` counts segments from the ISA (= 1)."""

    segment_no: int
    segment_id: str
    element: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"segment {self.segment_no} ({self.element or self.segment_id})"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ValidationResult:
    ok: bool
    issues: tuple[ValidationIssue, ...]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.items: list[ValidationIssue] = []

    def emit(self, record: logging.LogRecord) -> None:
        match = _LOG_LINE.match(record.getMessage())
        if match:
            line, level, code, text = match.groups()
            self.items.append(ValidationIssue(int(line), level, "", code, text))
        else:
            self.items.append(ValidationIssue(0, "", "", "", record.getMessage()))


def _from_json(tree: dict[str, Any]) -> list[ValidationIssue]:
    out: list[ValidationIssue] = []
    for isa in tree.get("interchanges", []):
        for group in isa.get("groups", []):
            for st in group.get("transactions", []):
                for e in st.get("errors", []):
                    out.append(
                        ValidationIssue(st.get("cur_line", 0), "SE", "", e["err_cde"], e["err_str"])
                    )
                for seg in st.get("segments", []):
                    line = seg.get("cur_line", 0)
                    for e in seg.get("errors", []):
                        out.append(
                            ValidationIssue(line, seg["seg_id"], "", e["err_cde"], e["err_str"])
                        )
                    for ele in seg.get("elements", []):
                        ref = f"{seg['seg_id']}{ele['ele_pos']:02d}"
                        if ele.get("subele_pos"):
                            ref += f"-{ele['subele_pos']}"
                        for e in ele.get("errors", []):
                            out.append(
                                ValidationIssue(
                                    line, seg["seg_id"], ref, e["err_cde"], e["err_str"]
                                )
                            )
    return out


def validate_x12(text: str) -> ValidationResult:
    """Validate 005010 X12 text with pyx12; unsupported versions come back as one issue."""
    return _validate(io.StringIO(text.lstrip("\ufeff")))


def validate_x12_file(path: Path) -> ValidationResult:
    """Validate a file with pyx12, read in chunks (as `validate_x12` would its text)."""
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors=LENIENT, newline="")
        return _validate(text)


def _validate(source: TextIO) -> ValidationResult:
    import pyx12.errors
    import pyx12.params
    import pyx12.x12n_document

    logger = logging.getLogger("pyx12")
    with _LOCK:
        handler = _Collect()
        old_propagate, old_level = logger.propagate, logger.level
        logger.propagate = False
        logger.setLevel(logging.ERROR)
        logger.addHandler(handler)
        fd_json = io.StringIO()
        try:
            ok = pyx12.x12n_document.x12n_document(
                pyx12.params.params(),
                source,
                None,
                None,
                fd_json=fd_json,
            )
        except pyx12.errors.EngineError as exc:
            return ValidationResult(False, (ValidationIssue(0, "GS", "GS08", "", str(exc)),))
        except Exception as exc:
            # pyx12 has bugs on broken files (e.g. an unknown ST01 with a wrong SE01 raises
            # AttributeError); like a crashed BackgroundValidation child, that is a warning.
            words = f"pyx12 validation did not finish ({type(exc).__name__}: {exc})"
            return ValidationResult(False, (ValidationIssue(0, "", "", "", words),))
        finally:
            logger.removeHandler(handler)
            logger.propagate, logger.level = old_propagate, old_level
    issues = _from_json(json.loads(fd_json.getvalue() or "{}"))
    seen = {(i.segment_no, i.message) for i in issues}
    issues += [i for i in handler.items if (i.segment_no, i.message) not in seen]
    if not ok and not issues:
        issues.append(ValidationIssue(1, "ISA", "", "", "pyx12 does not recognise this as X12"))
    return ValidationResult(
        bool(ok) and not issues, tuple(sorted(issues, key=lambda i: i.segment_no))
    )


class BackgroundValidation:
    """pyx12 validation of a file in a child Python process; `result()` waits for it.

    A child that fails (crash, killed) gives one issue saying so: inbound files are imported
    whatever pyx12 says, so a validator failure is a warning, never a refusal.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._result: ValidationResult | None = None
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "medbill_tui.edi.validate", str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def result(self) -> ValidationResult:
        """Wait for the child and return its findings (the same object on later calls)."""
        if self._result is not None:
            return self._result
        assert self._proc is not None
        out, _ = self._proc.communicate()
        code, self._proc = self._proc.returncode, None
        try:
            if code != 0:
                raise ValueError(f"exit status {code}")
            data = json.loads(out)
            issues = tuple(ValidationIssue(**item) for item in data["issues"])
            self._result = ValidationResult(bool(data["ok"]), issues)
        except (ValueError, KeyError, TypeError) as exc:
            issue = ValidationIssue(0, "", "", "", f"pyx12 validation did not finish ({exc})")
            self._result = ValidationResult(False, (issue,))
        return self._result

    def cancel(self) -> None:
        """Stop the child if it is still running (the import failed or was not needed)."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.communicate()
            self._proc = None


def main(argv: list[str] | None = None) -> int:
    """`python -m medbill_tui.edi.validate FILE`: the issues of FILE as JSON on stdout."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m medbill_tui.edi.validate FILE", file=sys.stderr)
        return 2
    result = validate_x12_file(Path(args[0]))
    json.dump({"ok": result.ok, "issues": [asdict(i) for i in result.issues]}, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
