"""The EDI view: the claim's segments of its last 837P marked, and the 999 about it."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from sqlalchemy import text
from textual.widgets import Static

from medbill_tui.edi.sandbox import respond
from medbill_tui.screens.edi_view import EdiViewScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import settle


def body_text(screen: EdiViewScreen) -> str:
    console = Console(width=78, record=True, file=io.StringIO())
    console.print(screen.query_one("#detail-body", Static).content)
    return console.export_text()


async def test_edi_view_marks_the_claim_and_shows_the_999(
    make_app: Callable[..., MedbillApp], services: Services, tmp_path: Path
) -> None:
    services.claims.create()
    run = services.submissions.submit(out_dir=tmp_path / "out")
    answer = respond(Path(run.files[0].path).read_text(), seed=5, reject_rate=0.0,
                     today=DEMO_TODAY, ack_reject_rate=0.0)  # fmt: skip
    ack = tmp_path / "a.999"
    ack.write_text(answer.ack_999)
    assert services.imports.import_file(ack).status == "imported"
    # a claim of that file
    first = Path(run.files[0].path).read_text()
    clm = next(s for s in first.split("~") if s.strip().startswith("CLM*"))
    claim_no = clm.strip().split("*")[1]
    with services.engine.connect() as conn:
        claim_id = conn.execute(text("SELECT id FROM claim WHERE claim_no = :n"),
                                {"n": claim_no}).scalar_one()  # fmt: skip
    edi = services.details.claim_edi(claim_id)
    assert edi.acks and edi.acks[0].kind == "999"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EdiViewScreen(claim_id))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EdiViewScreen) and screen.edi is not None
        shown = body_text(screen)
        marked = [line for line in shown.splitlines() if line.startswith("▶")]
        assert any(f"CLM*{claim_no}*" in line for line in marked)
        assert all(len(line) <= 78 for line in shown.splitlines())
        assert "999" in shown and "Acknowledgments" in shown
        assert f"claim {claim_no}" in str(screen.sub_title)
        await pilot.press("f")
        assert len(body_text(screen).splitlines()) >= len(shown.splitlines())
        await pilot.press("escape")
        assert not isinstance(app.screen, EdiViewScreen)
