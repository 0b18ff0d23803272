"""x12sdk (pinned in pyproject) behind one door: its typed models as plain dicts, and its
validation errors as words. It reads 270/271/276/277; medbill writes its own 270/276 and asks
x12sdk to read each back before it is sent."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from x12sdk.io import X12ModelReader

from medbill_tui.edi import x12sdk_fixes  # noqa: F401  (corrects x12sdk before any read)


class X12SdkRefused(ValueError):
    """x12sdk could not read the text as the implementation guide says."""


def read_models(text: str) -> list[dict[str, Any]]:
    """Each transaction set of `text` as a dict (header, loop_2000a, footer, …)."""
    try:
        with X12ModelReader(text) as reader:
            return [tx.model_dump(mode="json", exclude_none=True) for tx in reader.models()]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise X12SdkRefused(f"{where}: {first['msg']}") from None
    except (ValueError, LookupError, AttributeError) as exc:
        raise X12SdkRefused(str(exc) or type(exc).__name__) from None


def check_written(text: str) -> None:
    """Raise `X12SdkRefused` when x12sdk does not read a file we are about to send."""
    read_models(text)
