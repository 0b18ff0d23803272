"""Fuzzing the 835 reader: broken copies of the shared samples never crash it.

The property: reading either works or raises one of our own errors (`X12SyntaxError`,
`UnsupportedTransaction`; `ImportFailed` naming the file through the import service) with a
message that says where. Never an IndexError, InvalidOperation or other traceback.

CI runs a bounded number of examples, derandomized so a run is repeatable. For a longer, random
hunt: `MEDBILL_FUZZ_EXAMPLES=5000 pytest -n 0 tests/edi/test_fuzz_835.py`.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from sqlalchemy import Engine

from medbill_tui.edi.detect import UnsupportedTransaction
from medbill_tui.edi.segments import X12SyntaxError
from medbill_tui.edi.validate import validate_x12
from medbill_tui.edi.x835 import parse_835_all
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.imports import ImportFailed, ImportService
from tests.conftest import DEMO_TODAY
from tests.edi.remit_reading import read_835_file
from tests.edi.x835_mutations import broken_835, load_sample

LONG_RUN = int(os.environ.get("MEDBILL_FUZZ_EXAMPLES", "0"))

WHOLE_FILE = re.compile(r"the file is empty|does not start with ISA|the ISA segment")
"""Problems of the whole file that have no segment to point at."""


def fuzz_settings(ci_examples: int) -> settings:
    """`ci_examples` repeatable examples in CI; `MEDBILL_FUZZ_EXAMPLES` random ones on demand."""
    return settings(
        max_examples=LONG_RUN or ci_examples,
        derandomize=not LONG_RUN,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def assert_says_where(exc: Exception) -> None:
    message = str(exc)
    assert message.strip(), f"{type(exc).__name__} without a message"
    if isinstance(exc, X12SyntaxError) and not exc.segment_no:
        assert WHOLE_FILE.search(message), f"no segment named: {message!r}"


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="medbill-fuzz-") as folder:
        yield Path(folder) / "broken.835"


def sample_bytes(name: str, *edits: tuple[str, str]) -> bytes:
    """A shared 835 (one segment a line), with each (old, new) text replaced once."""
    sample = load_sample(name)
    text = sample.text(list(sample.segments))
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    return text.encode()


MULT = "835-pyx12-mult-loops.x12"
# Crashes the fuzzer found, kept as examples (each was a traceback before its fix):
HUGE_EXPONENT = sample_bytes(MULT, ("SVC*HC:T1005*500.04", "SVC*HC:T1005*1e999999"))
"""Decimal reads it, but quantizing to cents raised InvalidOperation."""
OVER_THE_LEDGER = sample_bytes(MULT, ("CLP*2005555A*4*915.39", "CLP*2005555A*4*99999999999999"))
"""Read fine; posting it overflowed the ledger's numeric(12, 2) column."""
MILLION_UNITS = sample_bytes(MULT, ("0**68~", "0**1000000~"))
"""SVC05 units overflowed service_payment.units, numeric(7, 2)."""
PYX12_CRASH = sample_bytes(MULT, ("ST*835", "ST*836"), ("REF*EV*00GR~\n", ""))
"""An unknown ST01 with a wrong SE01 count: pyx12 raised AttributeError while validating."""
NUL_IN_PCN = sample_bytes(MULT, ("CLP*2005555A", "CLP*2005\x00555A"))
"""Read fine; PostgreSQL text refused the NUL byte when it was posted."""
LONG_GROUP = sample_bytes(MULT, ("CAS*CO*16", "CAS*COXYZ*16"))
"""Read fine; overflowed adjustment.group_code, varchar(2)."""


def test_the_unbroken_samples_read(scratch: Path) -> None:
    for name in ("835-pyx12-mult-loops.x12", "835-stupidedi-secondary-payments.x12"):
        scratch.write_bytes(sample_bytes(name))
        assert read_835_file(scratch)[0].claims


@fuzz_settings(110)
@given(content=broken_835())
@example(content=HUGE_EXPONENT)
@example(content=OVER_THE_LEDGER)
@example(content=MILLION_UNITS)
@example(content=NUL_IN_PCN)
@example(content=LONG_GROUP)
def test_the_streamed_reader_reads_or_says_where(scratch: Path, content: bytes) -> None:
    scratch.write_bytes(content)
    try:
        read_835_file(scratch)
    except (X12SyntaxError, UnsupportedTransaction) as exc:
        assert_says_where(exc)


@fuzz_settings(60)
@given(content=broken_835())
@example(content=HUGE_EXPONENT)
def test_the_in_memory_reader_reads_or_says_where(content: bytes) -> None:
    try:
        parse_835_all(content)
    except (X12SyntaxError, UnsupportedTransaction) as exc:
        assert_says_where(exc)


@fuzz_settings(30)
@given(content=broken_835())
@example(content=OVER_THE_LEDGER)
@example(content=MILLION_UNITS)
@example(content=PYX12_CRASH)
@example(content=NUL_IN_PCN)
@example(content=LONG_GROUP)
def test_import_dry_run_reads_or_names_the_file(engine: Engine, content: bytes) -> None:
    service = ImportService(engine, Clock(DEMO_TODAY), "fuzz")
    try:
        result = service.import_bytes("broken.835", content, dry_run=True)
    except ImportFailed as exc:
        assert str(exc).startswith("broken.835: ")
    else:
        assert result.status in ("dry-run", "not-posted")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (HUGE_EXPONENT, "segment 18: SVC02 '1e999999' is not an amount"),
        (OVER_THE_LEDGER, "segment 15: CLP03 '99999999999999' is larger than any amount medbill "
         "holds (9,999,999,999.99)"),
        (MILLION_UNITS, "segment 18: SVC05 '1000000' is more than medbill holds (99,999.99)"),
        (NUL_IN_PCN, "segment 15: the CLP segment holds a NUL byte (0x00), which X12 text "
         "cannot contain"),
        (LONG_GROUP, "segment 21: CAS01 'COXYZ' is not an adjustment group code"),
    ],
    ids=["exponent", "ledger", "units", "nul", "group"],
)  # fmt: skip
def test_values_medbill_cannot_hold_are_refused_in_words(
    scratch: Path, content: bytes, words: str
) -> None:
    scratch.write_bytes(content)
    with pytest.raises(X12SyntaxError) as caught:
        read_835_file(scratch)
    assert str(caught.value) == words


def test_import_refuses_an_amount_over_the_ledger_naming_file_and_segment(engine: Engine) -> None:
    service = ImportService(engine, Clock(DEMO_TODAY), "fuzz")
    with pytest.raises(ImportFailed, match=r"^big\.835: segment 15: CLP03 "):
        service.import_bytes("big.835", OVER_THE_LEDGER)


def test_a_pyx12_crash_is_a_warning_and_the_file_still_imports(engine: Engine) -> None:
    result = validate_x12(PYX12_CRASH.decode())
    assert not result.ok
    assert [i.message for i in result.issues] == [
        "pyx12 validation did not finish (AttributeError: "
        "'NoneType' object has no attribute 'get_cur_line')"
    ]
    service = ImportService(engine, Clock(DEMO_TODAY), "fuzz")
    outcome = service.import_bytes("odd-st.835", PYX12_CRASH, dry_run=True)
    assert outcome.status == "dry-run"
    assert any("pyx12 validation did not finish" in w for w in outcome.warnings)
