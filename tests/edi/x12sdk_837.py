"""x12sdk, a second and stricter parser, on the 837Ps the app writes (next to pyx12).

`assert_x12sdk_reads_837p` fails the test with x12sdk's pydantic errors. One exception is
pinned (see `test_second_parser_837.py`): x12sdk 2.2.0 takes only F or M in DMG03 where the guide
also allows U. A test whose claims carry U says where (`unknown_sex_at`), and then exactly those
errors, and every one of them, must be there.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pytest
from pydantic import ValidationError
from x12sdk.io import X12ModelReader

from medbill_tui.edi.validate import validate_x12

DMG_LOOPS = {"loop_2010ba": "2010BA", "loop_2010ca": "2010CA"}


def x12sdk_errors(text: str) -> list[Any]:
    """x12sdk's validation errors for the 837P `text` (empty when it reads every set)."""
    try:
        with X12ModelReader(text) as reader:
            models = list(reader.models())
    except ValidationError as exc:
        return list(exc.errors())
    assert models, "x12sdk read no transaction set from the 837P"
    return []


def unknown_sex_loop(error: Any) -> str | None:
    """ "2010BA"/"2010CA" when `error` is x12sdk refusing DMG03 = U there, else None."""
    loc = tuple(str(part) for part in error["loc"])
    if loc[-2:] != ("dmg_segment", "gender_code") or error.get("input") != "U":
        return None
    return DMG_LOOPS.get(loc[-3])


def _words(errors: list[Any]) -> str:
    return "\n".join(
        f"  {'.'.join(str(p) for p in e['loc'])}: {e['msg']} (got {e.get('input')!r})"
        for e in errors[:10]
    )


def assert_x12sdk_reads_837p(text: str, *, unknown_sex_at: Collection[str] = ()) -> None:
    """Fail with x12sdk's errors unless it reads the 837P; with `unknown_sex_at` ("2010BA",
    "2010CA"), the only errors must be DMG03 = U in exactly those loops."""
    errors = x12sdk_errors(text)
    others = [e for e in errors if unknown_sex_loop(e) is None]
    if others:
        pytest.fail(f"x12sdk cannot read the 837P:\n{_words(others)}", pytrace=False)
    found = {unknown_sex_loop(e) for e in errors}
    assert found == set(unknown_sex_at), (
        f"x12sdk refused DMG03 = U in {sorted(str(f) for f in found) or 'no loop'}, the test "
        f"expected {sorted(unknown_sex_at) or 'none'}: if the sex is now sent, drop "
        "unknown_sex_at"
    )


def x12sdk_referring(text: str) -> dict[str, tuple[str, str, str, str]]:
    """Each claim's 2310A as x12sdk reads it: CLM01 -> (NM101, last, first, NPI)."""
    found: dict[str, tuple[str, str, str, str]] = {}
    with X12ModelReader(text) as reader:
        for tx in reader.models():
            for billing in tx.model_dump(exclude_none=True)["loop_2000a"]:
                for subscriber in billing.get("loop_2000b", []):
                    claims = list(subscriber.get("loop_2300", []))
                    for patient in subscriber.get("loop_2000c", []):
                        claims += patient.get("loop_2300", [])
                    for claim in claims:
                        nm1 = claim.get("loop_2310a", {}).get("nm1_segment")
                        if nm1 is not None:
                            found[claim["clm_segment"]["patient_control_number"]] = (
                                nm1["entity_identifier_code"],
                                nm1["name_last_or_organization_name"],
                                nm1.get("name_first", ""),
                                nm1["identification_code"],
                            )
    return found


def assert_both_parsers_read_837p(text: str, *, unknown_sex_at: Collection[str] = ()) -> None:
    """pyx12 validates the 837P clean and x12sdk reads it (see `assert_x12sdk_reads_837p`)."""
    result = validate_x12(text)
    assert result.ok, [str(issue) for issue in result.issues]
    assert_x12sdk_reads_837p(text, unknown_sex_at=unknown_sex_at)
