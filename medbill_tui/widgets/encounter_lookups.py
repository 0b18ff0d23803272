"""Code look-ups of charge entry wait for a pause in typing and go out together."""

from __future__ import annotations

from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.timer import Timer

from medbill_tui.widgets.encounter_messages import CodeAsk


class AskBatch:
    """Look-ups waiting for `delay` seconds without a new one, then handed to `send` as one
    batch (one worker call). A newer ask for the same field replaces the older."""

    def __init__(
        self, node: MessagePump, send: Callable[[tuple[CodeAsk, ...]], None], delay: float
    ) -> None:
        self._node = node
        self._send = send
        self._delay = delay
        self._asks: dict[str, CodeAsk] = {}
        self._timer: Timer | None = None

    @property
    def waiting(self) -> bool:
        """True while asks wait for the pause."""
        return self._timer is not None

    def add(self, ask: CodeAsk, *, now: bool = False) -> None:
        self._asks[ask.key] = ask
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if now:
            self.flush()
        else:
            self._timer = self._node.set_timer(self._delay, self.flush)

    def flush(self) -> None:
        self._timer = None
        asks = tuple(self._asks.values())
        self._asks.clear()
        if asks:
            self._send(asks)
