"""The money oracle's model: what each remittance event should do to the balances.

Written from issue 14's rules alone, never from the posting code: a payment takes what it paid,
its CO-45 and its PR off the payer's balance and puts the PR on the patient, the CO-45 and PR
(in the order the 835 gives them) never more than the payer still owes after the payment; a
denial moves no money; CLP02 = 22 puts back exactly what the earlier payment of the same payer
claim number moved, or nothing (unmatched), and counts before the file's other CLPs; another
payer's CLP changes nothing (unmatched); the same payer + TRN02 again is "already-posted" when
the content is the same and a "conflict" when it is not; a PLB WO naming a claim (a payer claim
number it was paid under) puts the amount back on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
KINDS = (
    "pay",
    "deny",
    "overpay",
    "reverse",
    "reverse-wrong",
    "correct-after",
    "correct-before",
    "cross",
    "again",
    "conflict",
    "take-back",
)


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One SVC: charge = paid + co + pr (+ the denied charge when `denial` is a CARC)."""

    charge: Decimal
    paid: Decimal
    co: Decimal = ZERO
    pr: Decimal = ZERO
    pr_reason: str = "1"
    denial: str = ""

    def negated(self) -> LineSpec:
        return replace(self, charge=-self.charge, paid=-self.paid, co=-self.co, pr=-self.pr)


@dataclass(frozen=True, slots=True)
class Clp:
    """One CLP: which claim it names, which payer sends it, its status and payer claim no."""

    claim: int
    payer: int
    status: str
    pcn: str
    lines: tuple[LineSpec, ...]

    @property
    def paid(self) -> Decimal:
        return sum((ln.paid for ln in self.lines), ZERO)

    def negated(self) -> Clp:
        """The payer's reversal (CLP02 = 22) of this payment."""
        return replace(self, status="22", lines=tuple(ln.negated() for ln in self.lines))


@dataclass(frozen=True, slots=True)
class Era:
    """One 835 file with one payment (ST set): TRN02 is `trace`, ISA13 is `isa`."""

    payer: int
    trace: int
    isa: int
    clps: tuple[Clp, ...]
    take_back: tuple[int, str, Decimal] | None = None
    """A PLB WO: (claim, a payer claim number it was paid under, the amount kept back)."""

    @property
    def total(self) -> Decimal:
        """What the payment moves (BPR02, or the PLB FB carried forward when negative)."""
        kept = self.take_back[2] if self.take_back else ZERO
        return sum((c.paid for c in self.clps), ZERO) - kept


@dataclass(frozen=True, slots=True)
class Expect:
    """What importing one file should report."""

    payment: str  # posted | already-posted | conflict
    matched: int = 0
    unmatched: int = 0
    denied: tuple[int, ...] = ()
    corrected: tuple[int, ...] = ()
    """Claims whose reversal and correction both posted from this file: they end paid."""


@dataclass(frozen=True, slots=True)
class OracleClaim:
    """What the model knows of a claim: its lines' charges, payer and patient (indexes)."""

    charges: tuple[Decimal, ...]
    payer: int
    patient: int


@dataclass
class Model:
    claims: Sequence[OracleClaim]
    balance: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    live: dict[int, list[Clp]] = field(default_factory=dict)
    """claim -> payments posted and not reversed, oldest first."""
    posted: dict[tuple[int, int], Era] = field(default_factory=dict)
    """(payer, TRN02) -> the payment posted under it."""
    moved: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    """payer claim no -> what its payment took off the payer and put on the patient."""
    unmatched: int = 0
    """CLPs sent to the unmatched list so far."""
    pcns: int = 0

    def __post_init__(self) -> None:
        for i, claim in enumerate(self.claims):
            self.balance[(i, "primary")] = sum(claim.charges, ZERO)
            self.balance[(i, "patient")] = ZERO

    def patient_total(self, patient: int, responsibility: str) -> Decimal:
        return sum(
            (
                self.balance[(i, responsibility)]
                for i, c in enumerate(self.claims)
                if c.patient == patient
            ),
            ZERO,
        )

    def apply(self, era: Era) -> Expect:
        """Import `era`: the balances it should leave and what the import should say."""
        earlier = self.posted.get((era.payer, era.trace))
        if earlier is not None:
            return Expect("already-posted" if earlier.clps == era.clps else "conflict")
        self.posted[(era.payer, era.trace)] = era
        matched = unmatched = 0
        denied: list[int] = []
        reversed_: set[int] = set()
        paid: set[int] = set()
        reversals_first = sorted(era.clps, key=lambda c: c.status != "22")
        for clp in reversals_first:
            if clp.payer != self.claims[clp.claim].payer:
                unmatched += 1
            elif clp.status == "22":
                live = self.live.setdefault(clp.claim, [])
                target = next((p for p in reversed(live) if p.negated() == clp), None)
                if target is None:
                    unmatched += 1
                    continue
                live.remove(target)
                off, to_patient = self.moved.pop(target.pcn)
                self.balance[(clp.claim, "primary")] += off
                self.balance[(clp.claim, "patient")] -= to_patient
                reversed_.add(clp.claim)
                matched += 1
            elif clp.status == "4":
                denied.append(clp.claim)
                matched += 1
            else:
                self.live.setdefault(clp.claim, []).append(clp)
                self.moved[clp.pcn] = self._move(clp)
                paid.add(clp.claim)
                matched += 1
        if era.take_back is not None:  # the payer keeps money it paid on that claim
            claim, _, amount = era.take_back
            self.balance[(claim, "primary")] += amount
        self.unmatched += unmatched
        return Expect("posted", matched, unmatched, tuple(denied), tuple(reversed_ & paid))

    def _move(self, clp: Clp) -> tuple[Decimal, Decimal]:
        """Post a payment; returns what it took off the payer and put on the patient."""
        owed = self.balance[(clp.claim, "primary")]
        left = owed - clp.paid
        to_patient = ZERO
        for line in clp.lines:
            for amount, is_pr in ((line.co, False), (line.pr, True)):
                amount = min(amount, max(left, ZERO))
                left -= amount
                to_patient += amount if is_pr else ZERO
        self.balance[(clp.claim, "primary")] = left
        self.balance[(clp.claim, "patient")] += to_patient
        return owed - left, to_patient

    # --- the events, as a payer would send them -------------------------------------------

    def new_pcn(self, claim: int) -> str:
        self.pcns += 1
        return f"26{claim}{self.pcns:07d}"

    def payment(self, claim: int, seed: int) -> Clp:
        """Paid at a contracted rate (CO-45) with a deductible or coinsurance (PR-1/PR-2)."""
        lines = []
        for n, charge in enumerate(self.claims[claim].charges):
            s = seed + 31 * n
            allowed = _cents(charge * (50 + s % 51) / 100)
            pr = _cents(allowed * ((s // 51) % 4) / 10)
            reason = "1" if (s // 204) % 2 else "2"
            lines.append(LineSpec(charge, allowed - pr, charge - allowed, pr, reason))
        return Clp(claim, self.claims[claim].payer, "1", self.new_pcn(claim), tuple(lines))

    def overpayment(self, claim: int, seed: int) -> Clp:
        """More than the charge paid on the first line, a negative CO-45 balancing it."""
        extra = Decimal(1 + seed % 5000) / 100
        first, *rest = self.claims[claim].charges
        lines = (LineSpec(first, first + extra, -extra), *(LineSpec(c, c) for c in rest))
        return Clp(claim, self.claims[claim].payer, "1", self.new_pcn(claim), lines)

    def denial(self, claim: int, seed: int) -> Clp:
        carc = ("16", "50", "197", "29")[seed % 4]
        lines = tuple(LineSpec(c, ZERO, denial=carc) for c in self.claims[claim].charges)
        return Clp(claim, self.claims[claim].payer, "4", self.new_pcn(claim), lines)

    def reversal(self, claim: int, wrong: bool) -> Clp:
        """The reversal of the claim's last live payment (`wrong`: naming half its first line's
        payment); with none, a reversal of a payment never made."""
        live = self.live.get(claim)
        if not live:
            full = tuple(LineSpec(c, c) for c in self.claims[claim].charges)
            return Clp(claim, self.claims[claim].payer, "1", self.new_pcn(claim), full).negated()
        back = live[-1].negated()
        if not wrong:
            return back
        first, *rest = back.lines
        less = _cents(first.paid / 2)
        return replace(
            back, lines=(replace(first, paid=first.paid - less, co=first.co + less), *rest)
        )

    def cross(self, claim: int) -> Clp:
        """The other payer paying this claim in full."""
        full = tuple(LineSpec(c, c) for c in self.claims[claim].charges)
        return Clp(claim, 1 - self.claims[claim].payer, "1", self.new_pcn(claim), full)

    def event(self, kind: str, claim: int, seed: int, number: int) -> Era:
        """The 835 for one event (`number` makes its TRN02 and ISA13)."""
        payer = self.claims[claim].payer
        if kind in ("again", "conflict"):
            earlier = [e for e in self.posted.values() if kind == "again" or e.total > 0]
            if earlier:
                era = earlier[seed % len(earlier)]
                if kind == "again":
                    return replace(era, isa=number)
                return replace(era, isa=number, clps=_one_more_dollar(era.clps))
            kind = "pay"
        if kind.startswith(("reverse", "correct")) and not self.live.get(claim) and seed % 3:
            # mostly a claim with a payment to take back (a third stay with nothing posted)
            claim = next((c for c in sorted(self.live) if self.live[c]), claim)
            payer = self.claims[claim].payer
        clps: tuple[Clp, ...]
        if kind == "take-back":  # a payment of this claim, less a WO on a claim paid before
            pay = self.payment(claim, seed)
            owner = next(
                (c for c in sorted(self.live) if self.live[c] and self.claims[c].payer == payer),
                None,
            )
            amount = _cents(min(pay.paid - CENT, Decimal(1 + seed % 2000) / 100))
            if owner is not None and amount > 0:
                back = (owner, self.live[owner][-1].pcn, amount)
                return Era(payer, number, number, (pay,), back)
            kind = "pay"
        if kind == "pay":
            clps = (self.payment(claim, seed),)
        elif kind == "deny":
            clps = (self.denial(claim, seed),)
        elif kind == "overpay":
            clps = (self.overpayment(claim, seed),)
        elif kind in ("reverse", "reverse-wrong"):
            clps = (self.reversal(claim, kind == "reverse-wrong"),)
        elif kind == "correct-after":
            clps = (self.reversal(claim, False), self.payment(claim, seed))
        elif kind == "correct-before":
            clps = (self.payment(claim, seed), self.reversal(claim, False))
        else:
            clps = (self.cross(claim),)
            payer = 1 - payer
        return Era(payer, number, number, clps)


def _one_more_dollar(clps: tuple[Clp, ...]) -> tuple[Clp, ...]:
    """The same CLPs, the first positive payment's first line paying 1.00 more (CO-45 less)."""
    i = next(i for i, c in enumerate(clps) if c.paid > 0)
    first, *rest = clps[i].lines
    one = Decimal("1.00")
    changed = replace(
        clps[i], lines=(replace(first, paid=first.paid + one, co=first.co - one), *rest)
    )
    return (*clps[:i], changed, *clps[i + 1 :])


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)
