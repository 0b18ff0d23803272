"""Hypothesis strategies that break the shared 835 samples in the ways real files break.

Segment-level edits (drop, duplicate, swap, lose every SE/IEA/…, set an element to a random
string, number, negative, huge number, non-ASCII text or nothing) and byte-level ones (cut the
file short, swap in a wrong delimiter, splice in bytes that are not ASCII).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st

from medbill_tui.edi.segments import clean_text, delimiters_from_isa
from tests.conftest import X12_FIXTURES

SAMPLE_NAMES = ("835-pyx12-mult-loops.x12", "835-stupidedi-multiple-claims-single-check.x12",
                "835-stupidedi-secondary-payments.x12")  # fmt: skip


@dataclass(frozen=True)
class Sample:
    """One shared 835 as segment strings (without terminators) and its two main delimiters."""

    segments: tuple[str, ...]
    element: str
    terminator: str

    def text(self, segments: list[str]) -> str:
        return "".join(s + self.terminator + "\n" for s in segments)


def load_sample(name: str) -> Sample:
    text = clean_text((X12_FIXTURES / name).read_bytes()).lstrip()
    delims = delimiters_from_isa(text)
    pieces = (p.strip("\r\n ") for p in text.split(delims.segment))
    return Sample(tuple(p for p in pieces if p), delims.element, delims.segment)


ODD_VALUES = ("", "-0", "-", ".", "1.2.3", "1e999999", "-1E+9999", "1E-999999", "NaN", "sNaN",
              "Infinity", "9" * 60, "-" + "9" * 30, "99999999999999999999.99", "0.005", " 12 ",
              "20261399", "00000000", "2026-01-01", "١٢٣", "ÿ", "\x00", "ABC:DEF:GHI")  # fmt: skip

values = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=12),
    st.integers(-(10**30), 10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)

Edit = Callable[[list[str], Sample], list[str]]

NUMBERS = {"BPR": (2,), "CLP": (3, 4, 5), "SVC": (2, 3, 5, 7), "CAS": (3, 4, 6, 7, 9),
           "AMT": (2,), "PLB": (4, 6), "DTM": (2,), "QTY": (2,)}  # fmt: skip
"""Where the reader takes an amount, a quantity or a date: edited more often than the rest."""


def _set(i: int, position: int, value: str) -> Edit:
    def set_element(segs: list[str], sample: Sample) -> list[str]:
        out = list(segs)
        parts = out[i].split(sample.element)
        parts += [""] * (position + 1 - len(parts))
        parts[position] = value
        out[i] = sample.element.join(parts)
        return out

    return set_element


@st.composite
def segment_edit(draw: st.DrawFn, segs: list[str], element: str) -> Edit:
    """One edit of the segment list."""
    kind = draw(st.sampled_from(["drop", "duplicate", "swap", "set", "number", "number", "lose"]))
    i = draw(st.integers(0, len(segs) - 1))
    if kind == "drop":
        return lambda segs, _: segs[:i] + segs[i + 1 :]
    if kind == "duplicate":
        return lambda segs, _: segs[: i + 1] + segs[i:]
    if kind == "swap":
        j = draw(st.integers(0, len(segs) - 1))

        def swap(segs: list[str], _: Sample) -> list[str]:
            out = list(segs)
            out[i], out[j] = out[j], out[i]
            return out

        return swap
    if kind == "lose":
        sid = draw(st.sampled_from(["SE", "IEA", "GE", "ST", "BPR", "TRN", "CLP", "SVC", "N1"]))
        return lambda segs, sample: [s for s in segs if s.split(sample.element)[0] != sid]
    numbered = [k for k, seg in enumerate(segs) if seg.split(element)[0] in NUMBERS]
    if kind == "number" and numbered:
        i = draw(st.sampled_from(numbered))
        return _set(i, draw(st.sampled_from(NUMBERS[segs[i].split(element)[0]])), draw(values))
    return _set(i, draw(st.integers(1, 20)), draw(values))


@st.composite
def byte_edit(draw: st.DrawFn, data: bytes) -> bytes:
    """Cut short, a wrong delimiter, or bytes that are not ASCII spliced in."""
    kind = draw(st.sampled_from(["truncate", "delimiter", "bytes"]))
    at = draw(st.integers(0, len(data)))
    if kind == "truncate":
        return data[:at]
    if kind == "delimiter":
        old = draw(st.sampled_from([b"*", b"~", b":", b"^", b"\n"]))
        new = draw(st.sampled_from([b"*", b"~", b":", b"|", b"\n", b"", b"\xe9", b"**"]))
        if draw(st.booleans()):
            return data.replace(old, new)
        cut = data.find(old, at)
        return data if cut < 0 else data[:cut] + new + data[cut + len(old) :]
    noise = draw(
        st.binary(min_size=1, max_size=8) | st.text(min_size=1, max_size=4).map(str.encode)
    )
    return data[:at] + noise + data[at:]


@st.composite
def broken_835(draw: st.DrawFn) -> bytes:
    """A shared 835 with one to three segment edits and, sometimes, a byte-level edit."""
    sample = load_sample(draw(st.sampled_from(SAMPLE_NAMES)))
    segs = list(sample.segments)
    for _ in range(draw(st.integers(0 if draw(st.booleans()) else 1, 3))):
        if segs:
            segs = draw(segment_edit(segs, sample.element))(segs, sample)
    data = sample.text(segs).encode("utf-8")
    if draw(st.integers(0, 2)) == 0:
        data = draw(byte_edit(data))
    return data
