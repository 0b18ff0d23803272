"""`medbill claims print CLAIM... --out FILE.pdf [--offset DX,DY] [--alignment]`: CMS-1500
(02/12) forms to print on pre-printed red forms."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.paper_claims import ClaimNotPrinted, PaperClaimService

EXIT_FAILED = 1
EXIT_USAGE = 2


def offset(text: str) -> tuple[float, float]:
    """`DX,DY` in inches, e.g. `0.05,-0.1` (right and down)."""
    try:
        dx, dy = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not DX,DY in inches") from None
    if abs(dx) > 1 or abs(dy) > 1:
        raise argparse.ArgumentTypeError("an offset is at most 1 inch each way")
    return dx, dy


def add_action(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`claims print`."""
    action = actions.add_parser("print", help="CMS-1500 (02/12) forms of claims as a PDF")
    action.add_argument("claim_nos", nargs="+", metavar="CLAIM", help="our claim number (C…)")
    action.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    action.add_argument(
        "--offset", type=offset, default=(0.0, 0.0), metavar="DX,DY",
        help="move the print right and down by inches, for the printer",
    )  # fmt: skip
    action.add_argument("--alignment", action="store_true", help="an alignment page first")


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """Exit 1 (no file written) for an unknown claim or a required box with no value."""
    service = PaperClaimService(runtime.engine, runtime.actor)
    try:
        made = service.print_claims(args.claim_nos, offset=args.offset, alignment=args.alignment)
    except ClaimNotPrinted as exc:
        print(f"medbill: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        args.out.write_bytes(made.pdf)
    except OSError as exc:
        print(f"medbill: cannot write {args.out}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {args.out}: {made.forms} form(s) for {len(made.claims)} claim(s)")
    return 0
