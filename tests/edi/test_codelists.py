"""Code lists in words: sizes, required codes, unknown codes never dropped."""

from __future__ import annotations

import pytest

from medbill_tui.db.demo.codes import carc_codes
from medbill_tui.edi.codelists import (
    ACK_KINDS,
    ack_error_words,
    carc_table,
    carc_words,
    claim_payment_status_words,
    claim_status_category_words,
    claim_status_table,
    claim_status_words,
    entity_words,
    rarc_table,
    rarc_words,
)


def codes(text: str) -> list[str]:
    """A space-separated list of codes."""
    return text.split()


REQUIRED_CARCS = codes(
    "1 2 3 4 5 6 11 13 15 16 18 19 22 23 24 26 27 29 31 32 39 40 45 49 50 51 54 55 56 58 59 66 "
    "89 94 95 96 97 100 101 102 104 107 109 110 111 112 114 115 116 117 119 121 125 128 129 130 "
    "131 132 133 136 139 140 142 146 149 150 151 152 154 155 157 158 159 160 163 165 166 167 169 "
    "170 171 172 173 174 175 176 177 178 179 181 182 183 184 185 186 187 188 189 190 192 193 194 "
    "195 197 198 199 200 201 202 203 204 205 206 207 208 209 210 211 212 213 215 216 219 222 223 "
    "224 225 226 227 228 229 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 "
    "248 249 250 251 252 253 254 256 257 258 259 260 261 262 A0 A1 A5 A6 A7 A8 B1 B4 B7 B8 B9 B10 "
    "B11 B12 B13 B14 B15 B16 B20 B22 B23 P1 P2 P3 P4 P5 P6 P7 P8 P9 P10 P11 P12 P13 P14 P15 P16 "
    "P17 P18 P19 P20 P21 P22 P23"
)

REQUIRED_RARCS = codes(
    "M1 M15 M20 M51 M76 M77 M80 M86 MA04 MA13 MA18 MA61 MA63 MA66 MA120 MA130 N4 N20 N30 N56 N95 "
    "N115 N130 N179 N180 N211 N290 N362 N381 N382 N386 N425 N432 N479 N519 N522 N572 N640 N657 "
    "N704 N706 N781 N807"
)


def test_carc_table_is_large_and_keeps_the_demo_format() -> None:
    table = carc_table()
    assert len(table) >= 100
    assert [c for c in REQUIRED_CARCS if c not in table] == []
    assert dict(carc_codes()) == table  # the demo loader reads the same code,description file
    assert carc_words("45").startswith("Billed amount is above")
    assert carc_words(" 16 ") == table["16"]


def test_rarc_table_is_large() -> None:
    table = rarc_table()
    assert len(table) >= 100
    assert [c for c in REQUIRED_RARCS if c not in table] == []
    assert rarc_words("m15") == table["M15"]


@pytest.mark.parametrize(
    ("lookup", "code", "words"),
    [
        (carc_words, "999", "unknown CARC 999"),
        (rarc_words, "N99999", "unknown RARC N99999"),
        (claim_status_category_words, "Z9", "unknown status category Z9"),
        (claim_status_words, "99999", "unknown claim status 99999"),
        (entity_words, "ZZZ", "entity ZZZ"),
    ],
)
def test_unknown_codes_are_named_not_dropped(lookup: object, code: str, words: str) -> None:
    assert callable(lookup)
    assert lookup(code) == words


def test_claim_status_words() -> None:
    assert claim_status_category_words("A7") == "Rejected: information is not valid"
    assert claim_status_category_words("A2").startswith("Acknowledged: accepted")
    assert "National Provider Identifier" in claim_status_words("562")
    assert claim_status_words("20") == "Accepted for processing"
    assert entity_words("85") == "the billing provider"
    assert len(claim_status_table()) >= 100
    assert claim_payment_status_words("4") == "denied"
    assert claim_payment_status_words("99") == "unknown claim payment status 99"


def test_ack_error_words() -> None:
    assert ack_error_words("segment", "3") == "a required segment is missing"
    assert ack_error_words("segment", "I9").startswith("a segment the guide requires")
    assert ack_error_words("element", "7") == "the code is not a valid value here"
    assert ack_error_words("element", "I12") == "the value does not match the guide's pattern"
    assert ack_error_words("status", "P").startswith("partly accepted")
    assert ack_error_words("set", "5") == "one or more segments have errors"
    assert ack_error_words("group", "4").startswith("the control numbers in GS and GE")
    assert ack_error_words("interchange", "001").startswith("the control numbers in ISA and IEA")
    assert ack_error_words("element", "77") == "unknown element error code 77"
    for kind in ACK_KINDS:
        sample = {"status": "A", "interchange": "000"}.get(kind, "1")
        assert not ack_error_words(kind, sample).startswith("unknown")
    with pytest.raises(ValueError, match="unknown acknowledgment code kind"):
        ack_error_words("weird", "1")
    for code in [*"12345678", "I4", "I5", "I6", "I7", "I8", "I9"]:
        assert not ack_error_words("segment", code).startswith("unknown")
    for code in [*map(str, range(1, 14)), "I6", "I9", "I10", "I11", "I12", "I13"]:
        assert not ack_error_words("element", code).startswith("unknown")


def test_every_code_the_sandbox_and_posting_use_is_described() -> None:
    from medbill_tui.domain.posting import CONTRACTUAL_CARCS
    from medbill_tui.edi.sandbox_835 import DENIALS

    carcs, rarcs = carc_table(), rarc_table()
    sandbox_carcs = {carc for _, carc, _, _ in DENIALS} | {"45", "1", "2", "3", "97"}
    sandbox_rarcs = {rarc for _, _, rarc, _ in DENIALS if rarc} | {"M15"}
    assert sorted(sandbox_carcs - carcs.keys()) == []
    assert sorted(sandbox_rarcs - rarcs.keys()) == []
    assert sorted(CONTRACTUAL_CARCS - carcs.keys()) == []


def test_official_words_win_and_unknown_codes_stay_named() -> None:
    assert carc_words("16", "Claim lacks information.") == "Claim lacks information."
    assert carc_words("16", "  ") == carc_table()["16"]
    assert carc_words("999", None) == "unknown CARC 999"
    assert rarc_words("M15", "Bundled.") == "Bundled."
    assert rarc_words("N99999", "") == "unknown RARC N99999"
