"""At 80x24 every main screen's footer shows its most important keys whole, and `?`."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console

from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.keys_footer import KeysFooter
from tests.ui.conftest import settle


def screen_lines(app: MedbillApp) -> list[str]:
    """The lines of the screen as the terminal shows them."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), record=True)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text().rstrip("\n").split("\n")


# (screen, keys from the one before, its three most important keys, its help key)
WALK: list[tuple[str, list[str], tuple[str, str, str], str]] = [
    ("dashboard", [], ("⏎ Open", "r Refresh", "1234567098w Queues"), "? Help"),
    ("unbilled", ["1"], ("⏎ Open", "a New", "c Claim"), "? Help"),
    ("charge entry", ["enter"], ("^s Save", "^b Save+claim", "^n Next issue"), "f1 Keys"),
    ("pending", ["escape", "2"], ("⏎ Open", "s Send", "t Timers"), "? Help"),
    ("claim detail", ["enter"], ("p Payer call", "m Note", "e Raw EDI"), "? Help"),
    ("denials", ["escape", "3"], ("⏎ Open", "n Next", "/ Filter"), "? Help"),
    ("denial", ["enter"], ("d Done+next", "m Note", "r Resubmit"), "? Help"),
    ("rejections", ["8"], ("⏎ Open", "n Next", "/ Filter"), "? Help"),
    ("balances", ["4"], ("⏎ Open", "/ Filter", "b By claim"), "? Help"),
    ("account", ["enter"], ("⏎ Open", "m Note", "$ Payment"), "? Help"),
    ("statements", ["escape", "ctrl+t"], ("s Send", "c Collections", "r Refresh"), "? Help"),
    ("follow-ups", ["w"], ("⏎ Open", "d Done+next", "m Note"), "? Help"),
    ("unmatched", ["9"], ("⏎ Match", "x Not ours", "n Next"), "? Help"),
    ("reports", ["0"], ("a Aging", "d Denials", "p Payments"), "? Help"),
    ("patient form", ["5", "ctrl+n"], ("^s Save", "esc Back", "f1 Keys"), "f1 Keys"),
    ("credits", ["escape", "escape", "c"], ("p To payer", "t To patient", "a Apply"), "? Help"),
]


async def test_each_main_screen_shows_its_top_keys_and_help_at_80_columns(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for name, keys, top, help_key in WALK:
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            footer = screen_lines(app)[-1]
            at = -1
            for shown in top:  # in this order, each whole
                assert footer.find(shown, at + 1) > at, f"{name}: {shown!r} in {footer!r}"
                at = footer.find(shown, at + 1)
            assert footer.rstrip().endswith(help_key), f"{name}: {footer!r}"
            # no key is cut: each key in the footer is one the screen has, whole
            bar = app.screen.query_one(KeysFooter)
            words = {f"{k.key_display} {k.description}".strip() for k in bar.query("FooterKey")}
            assert all(word in footer for word in words), f"{name}: {footer!r} vs {words}"
        await pilot.resize_terminal(120, 30)  # wider: the keys left out come back
        await settle(pilot)
        assert "esc Back" in screen_lines(app)[-1]
