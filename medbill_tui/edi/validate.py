"""Validation with pyx12 4.0: a flat list of problems with segment positions.

pyx12 logs every error (and would print them over the TUI), reads ASCII only and exports no
ISA/GS/ST element errors to its JSON, so this wrapper silences its logger, feeds it text, and
collects errors from both the JSON tree and its log records (see shared/notes/pyx12.md).
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

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
                    out.append(ValidationIssue(st.get("cur_line", 0), "SE", "", e["err_cde"],
                                               e["err_str"]))  # fmt: skip
                for seg in st.get("segments", []):
                    line = seg.get("cur_line", 0)
                    for e in seg.get("errors", []):
                        out.append(ValidationIssue(line, seg["seg_id"], "", e["err_cde"],
                                                   e["err_str"]))  # fmt: skip
                    for ele in seg.get("elements", []):
                        ref = f"{seg['seg_id']}{ele['ele_pos']:02d}"
                        if ele.get("subele_pos"):
                            ref += f"-{ele['subele_pos']}"
                        for e in ele.get("errors", []):
                            out.append(ValidationIssue(line, seg["seg_id"], ref, e["err_cde"],
                                                       e["err_str"]))  # fmt: skip
    return out


def validate_x12(text: str) -> ValidationResult:
    """Validate 005010 X12 text with pyx12; unsupported versions come back as one issue."""
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
                pyx12.params.params(), io.StringIO(text.lstrip("\ufeff")), None, None,
                fd_json=fd_json,
            )  # fmt: skip
        except pyx12.errors.EngineError as exc:
            return ValidationResult(False, (ValidationIssue(0, "GS", "GS08", "", str(exc)),))
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
