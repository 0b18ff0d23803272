"""NPI check digit (Luhn over "80840" + the first 9 digits)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medbill_tui.domain.npi import luhn_check_digit, npi_is_valid, npi_with_check_digit


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126", "1497758544"])
def test_known_valid_npis(npi: str) -> None:
    assert npi_is_valid(npi)


@pytest.mark.parametrize(
    "npi",
    [
        "1234567890",
        "1234567894",
        "123456789",
        "12345678931",
        "",
        "12345 6789",
        "abcdefghij",
        "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff13",
        "123456789³",
    ],
)
def test_invalid_npis(npi: str) -> None:
    assert not npi_is_valid(npi)


def test_with_check_digit() -> None:
    assert npi_with_check_digit("123456789") == "1234567893"
    for bad in ("12345678", "1234567890", "12345678x", ""):
        with pytest.raises(ValueError):
            npi_with_check_digit(bad)


def test_luhn_check_digit_of_classic_example() -> None:
    assert luhn_check_digit("7992739871") == "3"
    with pytest.raises(ValueError):
        luhn_check_digit("12a")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_completed_npi_is_valid_and_any_other_last_digit_is_not(first9: str) -> None:
    npi = npi_with_check_digit(first9)
    assert npi_is_valid(npi)
    for digit in "0123456789":
        if digit != npi[9]:
            assert not npi_is_valid(first9 + digit)


@given(st.text(max_size=12))
def test_npi_is_valid_never_raises(text: str) -> None:
    npi_is_valid(text)
