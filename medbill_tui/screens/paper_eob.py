"""Key a paper EOB: the check (payer, number, date, amount), then each claim on it (found by
claim number, account or name) with each line's allowed, paid, adjustments, RARCs and patient
share. The running total shows against the check; it posts (through the same posting as an
835) only once every line and the check balance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Header, Input, Static

from medbill_tui.edi.paper_eob import (
    EobUnreadable,
    KeyedCheck,
    KeyedClaim,
    check_date_problems,
    keyed_line,
    parse_amount,
    parse_day,
)
from medbill_tui.errors import ServiceError
from medbill_tui.records.paper_eob import ClaimsToKey, ClaimToKey
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.conflict import ConfirmScreen
from medbill_tui.widgets.code_input import EntryInput
from medbill_tui.widgets.keys_footer import KeysFooter
from medbill_tui.widgets.paper_eob_claim import COLUMNS, EobBox, KeyedClaimBlock
from medbill_tui.widgets.text import money

HEADER_BOXES = ("eob-payer", "eob-check", "eob-date", "eob-amount", "eob-find")
"""Enter moves along these, then into the claim found."""
SHOWN_PROBLEMS = 3
HINT = "Enter: next box · Enter on a blank claim box or ^s posts · ^d drops a claim"


@dataclass
class ClaimsFound(Message):
    words: str
    found: ClaimsToKey


@dataclass
class EobAnswer(Message):
    """Words for the message line: a refused look-up or post, or what was posted."""

    words: str
    posted: bool = False


class PaperEobScreen(ServiceScreen):
    """Key a paper check and its claims; post once they balance.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next box; in the claim box, find the claim (blank: post). |
    | tab / shift+tab | Next or previous box. |
    | ctrl+s | Post the check (it must balance). |
    | ctrl+d | Take the claim under the cursor off the check. |
    | escape | Back (asks first when something is keyed). |
    """

    DEFAULT_CSS = """
    PaperEobScreen .eob-row { height: 1; }
    PaperEobScreen .eob-label { width: auto; margin-right: 1; }
    PaperEobScreen #eob-total { height: 1; text-style: bold; padding: 0 1; }
    PaperEobScreen #eob-columns { height: 1; color: $text-muted; }
    PaperEobScreen #eob-claims { height: 1fr; }
    PaperEobScreen #eob-message { height: auto; max-height: 4; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "post", "Post", id="paper-eob.post", tooltip="Post the check"),
        Binding(
            "ctrl+d",
            "drop",
            "Drop claim",
            id="paper-eob.drop",
            priority=True,  # before the field's own ctrl+d (delete to the right)
            tooltip="Take the claim under the cursor off the check",
        ),
        Binding("escape", "back", "Back", id="paper-eob.back", tooltip="Leave the paper EOB"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.looking_up = False
        self.posting = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="eob-row"):
            for label, box, width, hint in (
                ("Payer", "eob-payer", 18, "name or code"),
                ("Check", "eob-check", 10, "number"),
                ("Date", "eob-date", 11, "MM/DD/YYYY"),
                ("Amount", "eob-amount", 10, "0.00"),
            ):
                yield Static(f" {label}", classes="eob-label")
                yield EobBox(id=box, width=width, placeholder=hint, max_length=60)
        yield Static("", id="eob-total")
        with Horizontal(classes="eob-row"):
            yield Static(" Claim", classes="eob-label")
            yield EobBox(id="eob-find", width=26, placeholder="claim no., account or name")
            yield Static("Enter finds it", classes="eob-label")
        yield Static(COLUMNS, id="eob-columns")
        yield VerticalScroll(id="eob-claims", can_focus=False)
        yield Static(HINT, id="eob-message", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Paper EOB"
        self.set_focus(self.box("eob-payer"))
        self.show_total()

    def box(self, box_id: str) -> EobBox:
        return self.query_one(f"#{box_id}", EobBox)

    def blocks(self) -> list[KeyedClaimBlock]:
        return list(self.query(KeyedClaimBlock))

    def keys_wait(self) -> bool:
        # a look-up or a post under way: keys typed meanwhile wait for its answer
        return self.looking_up or self.posting

    def say(self, words: str) -> None:
        self.query_one("#eob-message", Static).update(words)

    # moving and finding -------------------------------------------------------------------

    def box_entered(self, box: EntryInput) -> None:
        """Enter in a box: on to the next one, or find the claim typed (see `EobBox`). Focus
        moves at once (`set_focus`, not `focus()`, which waits a turn): a key typed right
        after Enter goes to the next box."""
        box_id = box.id or ""
        if box_id == "eob-find":
            self.find_claim()
        elif box_id in HEADER_BOXES:
            self.set_focus(self.box(HEADER_BOXES[HEADER_BOXES.index(box_id) + 1]))
        elif any(block.last_box() is box for block in self.blocks()):
            self.set_focus(self.box("eob-find"))
        else:
            self.focus_next()

    def find_claim(self) -> None:
        words = self.box("eob-find").value.strip()
        if not words:
            if self.blocks():
                self.action_post()
            else:
                self.say("Type a claim number, an account number or a name, then Enter")
            return
        payer = self.box("eob-payer").value.strip()
        if not payer:
            self.say("Type the check's payer first (its name or payer code)")
            self.set_focus(self.box("eob-payer"))
            return
        self.looking_up = True
        self.look_up(payer, words)

    @work(thread=True, exit_on_error=False, group="paper-eob-find", exclusive=True)
    def look_up(self, payer: str, words: str) -> None:
        try:
            found = self.services.paper_eobs.claims_to_key(payer, words)
        except ServiceError as exc:
            self.post_message(EobAnswer(str(exc)))
            return
        self.post_message(ClaimsFound(words, found))

    async def on_claims_found(self, message: ClaimsFound) -> None:
        claims = message.found.claims
        self.box("eob-payer").value = message.found.payer_name  # the payer the words found
        try:
            if not claims:
                self.say(f"No claim of {message.found.payer_name} matches {message.words!r}")
            elif len(claims) == 1:
                await self.add_claim(claims[0])
            else:
                from medbill_tui.screens.paper_eob_pick import ClaimPickScreen

                self.app.push_screen(ClaimPickScreen(message.words, claims), self._picked)
        finally:
            self.looking_up = False  # the keys typed meanwhile go to the claim's first box

    def _picked(self, claim: ClaimToKey | None) -> None:
        if claim is not None:
            self.looking_up = True  # keys typed after the pick wait for the claim's boxes
            self.run_worker(self._add_picked(claim), group="paper-eob-add")
        else:
            self.set_focus(self.box("eob-find"))

    async def _add_picked(self, claim: ClaimToKey) -> None:
        try:
            await self.add_claim(claim)
        finally:
            self.looking_up = False

    async def add_claim(self, claim: ClaimToKey) -> None:
        """Put the claim on the check and the cursor in its first line's allowed box."""
        self.box("eob-find").value = ""
        for block in self.blocks():
            if block.claim.claim_no == claim.claim_no:
                self.say(f"{claim.claim_no} is on this check already")
                self.set_focus(block.first_box())
                return
        if not claim.lines:
            self.say(f"{claim.claim_no} has no service lines to key")
            return
        block = KeyedClaimBlock(claim)
        await self.query_one("#eob-claims", VerticalScroll).mount(block)
        self.say(HINT)
        self.set_focus(block.first_box())
        block.scroll_visible()
        self.show_total()

    def worker_failed(self, worker: object) -> None:
        self.looking_up = self.posting = False

    # the running total ---------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if (event.input.id or "").endswith(("-paid", "eob-amount")):
            self.show_total()

    def show_total(self) -> None:
        """The check against what the keyed lines paid so far."""
        paid, unreadable = parse_amount("0", "total"), 0
        for block in self.blocks():
            for row in block.rows():
                try:
                    paid += parse_amount(row.box("paid").value.strip() or "0", "paid")
                except EobUnreadable:
                    unreadable += 1
        claims = len(self.blocks())
        text = f"Paid on {claims} claim{'s' if claims != 1 else ''}: {money(paid)}"
        try:
            amount = parse_amount(self.box("eob-amount").value.strip(), "amount")
        except EobUnreadable:
            amount = None
        if amount is not None:
            left = amount - paid
            state = (
                "balances ✔"
                if not left
                else f"{money(abs(left))} " + ("left" if left > 0 else "over")
            )
            text = f"Check {money(amount)} · {text} · {state}"
        if unreadable:
            text += f" · {unreadable} paid box(es) not an amount"
        self.query_one("#eob-total", Static).update(text)

    # posting ------------------------------------------------------------------------------

    def keyed_check(self) -> KeyedCheck:
        """The check as keyed (`EobUnreadable` names the first box that is not)."""
        payer = self.box("eob-payer").value.strip()
        check_no = self.box("eob-check").value.strip()
        if not payer or not check_no:
            raise EobUnreadable("the check needs its payer and its number")
        check = KeyedCheck(
            payer,
            check_no,
            parse_day(self.box("eob-date").value.strip(), "the check's date"),
            parse_amount(self.box("eob-amount").value.strip(), "the check's amount"),
        )
        for block in self.blocks():
            claim = KeyedClaim(block.claim.claim_no)
            for number, row in enumerate(block.rows(), start=1):
                where = f"{claim.claim_no} line {number} ({row.line.code})"
                claim.lines.append(keyed_line(row.values(), number, where))
            check.claims[claim.claim_no] = claim
        return check

    def action_post(self) -> None:
        if self.posting:
            return
        try:
            check = self.keyed_check()
        except EobUnreadable as exc:
            self.say(f"Not posted: {exc}")
            return
        if not check.claims:
            self.say("Not posted: key the claims on the check first")
            return
        dos = {block.claim.claim_no: block.claim.dos for block in self.blocks()}
        problems = check_date_problems(check, self.services.clock.today(), dos)
        problems += check.problems()
        if problems:
            more = len(problems) - SHOWN_PROBLEMS
            tail = [f"and {more} more"] if more > 0 else []
            self.say("Not posted:\n" + "\n".join(problems[:SHOWN_PROBLEMS] + tail))
            return
        count = len(check.claims)
        question = (
            f"Post check {check.check_no} from {check.payer}: {money(check.amount)} "
            f"on {count} claim{'s' if count != 1 else ''}?"
        )
        confirm = ConfirmScreen(question, "Post it", "Post nothing")
        self.app.push_screen(confirm, self._post_if(check))

    def _post_if(self, check: KeyedCheck) -> Callable[[bool | None], None]:
        def answered(yes: bool | None) -> None:
            if yes:
                self.posting = True
                self.post(check)

        return answered

    @work(thread=True, exit_on_error=False, group="paper-eob-post", exclusive=True)
    def post(self, check: KeyedCheck) -> None:
        try:
            [outcome] = self.services.paper_eobs.post([check])
        except ServiceError as exc:
            self.post_message(EobAnswer(str(exc)))
            return
        denials = f", {outcome.denials} denial(s) to work" if outcome.denials else ""
        words = (
            f"Posted check {check.check_no} from {outcome.payer_name}: "
            f"{money(outcome.amount)} on {outcome.matched} claims{denials}"
        )
        self.post_message(EobAnswer(words, posted=True))

    async def on_eob_answer(self, message: EobAnswer) -> None:
        self.looking_up = self.posting = False
        self.say(message.words)
        if message.posted:
            self.notify(message.words, title="Posted", timeout=10)
            await self.clear_check()

    async def clear_check(self) -> None:
        """Ready for the next check from the same payer."""
        await self.query_one("#eob-claims", VerticalScroll).remove_children()
        for box_id in HEADER_BOXES[1:]:
            self.box(box_id).value = ""
        self.set_focus(self.box("eob-check"))
        self.show_total()

    # dropping and leaving -----------------------------------------------------------------

    async def action_drop(self) -> None:
        focused = self.focused
        for block in self.blocks():
            if focused is not None and block in focused.ancestors:
                await block.remove()
                self.say(f"{block.claim.claim_no} is off the check")
                self.set_focus(self.box("eob-find"))
                self.show_total()
                return
        self.say("Put the cursor in a claim's boxes to drop it")

    def unsaved(self) -> bool:
        """A claim on the check, or any check box typed in. The payer alone does not count:
        it stays after a post, ready for the next check."""
        typed = any(self.box(box_id).value.strip() for box_id in HEADER_BOXES[1:])
        return typed or bool(self.blocks())

    def confirm_leave(self, proceed: Callable[[], None]) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                proceed()

        question = "Leave the paper EOB? What you keyed is not posted and is lost."
        self.app.push_screen(ConfirmScreen(question, "Leave", "Stay"), answered)

    def _leave(self) -> None:
        self.app.pop_screen()

    def action_back(self) -> None:
        if self.unsaved():
            self.confirm_leave(self._leave)
        else:
            self.app.pop_screen()
