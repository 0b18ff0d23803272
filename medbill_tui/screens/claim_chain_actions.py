"""Void, corrected claim and rebill from the claim screen: each asks first, saying what will
happen, then runs in a worker; a corrected claim then opens the visit in charge entry."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message

from medbill_tui.domain.claim_chain import IN_FLIGHT, SENT
from medbill_tui.domain.claim_state import ClaimStatus
from medbill_tui.records.claims import ClaimReplaced
from medbill_tui.records.detail import ClaimDetail
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.conflict import ConfirmScreen

FREQUENCY_WORDS = {"7": "corrected claim (7)", "8": "void (8)", "1": "original (1)"}

CHAIN_BINDINGS: list[BindingType] = [
    Binding(
        "v",
        "void_claim",
        "Void",
        id="claim.void",
        tooltip="Void this claim at the payer (frequency 8); asks first",
    ),
    Binding(
        "c",
        "correct_claim",
        "Corrected",
        id="claim.correct",
        tooltip="Send a corrected claim (frequency 7) and correct the visit; asks first",
    ),
    Binding(
        "b",
        "rebill_claim",
        "Rebill",
        id="claim.rebill",
        tooltip="The payer never received it: bill it again as an original; asks first",
    ),
]


class ChainDone(Message):
    """A replacement was made (worker -> screen)."""

    def __init__(self, action: str, made: ClaimReplaced, encounter_id: int) -> None:
        super().__init__()
        self.action = action
        self.made = made
        self.encounter_id = encounter_id


class ClaimChainActions(ServiceScreen):
    """`v` void, `c` corrected claim, `b` rebill on a sent claim; each key shows only when the
    claim as loaded allows it (the service checks again under the claim's lock)."""

    BINDINGS: ClassVar[list[BindingType]] = CHAIN_BINDINGS

    def loaded_claim(self) -> ClaimDetail | None:
        """The claim as the screen last loaded it (None while loading)."""
        raise NotImplementedError

    def chain_done(self) -> None:
        """Hook: after a replacement was made (reload)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("void_claim", "correct_claim", "rebill_claim"):
            claim = self.loaded_claim()
            if claim is None or ClaimStatus(claim.status) not in SENT:
                return False
            if action == "void_claim":
                return bool(claim.payer_claim_no)
            if action == "rebill_claim":
                return not claim.payer_claim_no and ClaimStatus(claim.status) in IN_FLIGHT
            return True
        return super().check_action(action, parameters)

    def action_void_claim(self) -> None:
        claim = self.loaded_claim()
        if claim is not None:
            self._ask(
                claim,
                "void",
                f"Void claim {claim.claim_no}? A void claim (frequency 8, REF*F8 "
                f"{claim.payer_claim_no}) becomes ready to send and {claim.claim_no} is "
                "replaced. Its money stays until the payer takes its payment back.",
                "Yes, void it",
            )

    def action_correct_claim(self) -> None:
        claim = self.loaded_claim()
        if claim is not None:
            kind = (
                f"a corrected claim (frequency 7, REF*F8 {claim.payer_claim_no})"
                if claim.payer_claim_no
                else "a new original claim (the payer has no claim number for it)"
            )
            self._ask(
                claim,
                "correct",
                f"Send {kind} for {claim.claim_no}? It is made ready from the visit's "
                "charges and the visit opens in charge entry: a save updates it. Open work "
                f"items of {claim.claim_no} close.",
                "Yes, correct it",
            )

    def action_rebill_claim(self) -> None:
        claim = self.loaded_claim()
        if claim is not None:
            self._ask(
                claim,
                "rebill",
                f"Bill the visit again as an original claim (frequency 1)? {claim.claim_no} "
                "is replaced and the new claim is ready to send.",
                "Yes, rebill it",
            )

    def _ask(self, claim: ClaimDetail, action: str, question: str, yes: str) -> None:
        def answered(go: bool | None) -> None:
            if go:
                self.replace_claim(action, claim.claim_no, claim.encounter_id)

        self.app.push_screen(ConfirmScreen(question, yes=yes, no="No, leave it"), answered)

    @work(thread=True, exit_on_error=False, group="claim-chain", exclusive=True)
    def replace_claim(self, action: str, claim_no: str, encounter_id: int) -> None:
        claims = self.services.claims
        do = {"void": claims.void, "correct": claims.correct, "rebill": claims.rebill}[action]
        self.post_message(ChainDone(action, do(claim_no), encounter_id))

    def on_chain_done(self, message: ChainDone) -> None:
        made = message.made
        self.notify(
            f"Claim {made.claim_no}, {FREQUENCY_WORDS[made.frequency]}, replaces "
            f"{made.replaced_no} and is ready to send",
            title="Claim replaced",
            timeout=8,
        )
        self.chain_done()
        if message.action == "correct":
            from medbill_tui.screens.encounter_entry import EncounterEntryScreen

            self.app.push_screen(EncounterEntryScreen(message.encounter_id))
