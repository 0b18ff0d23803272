"""The money oracle run long: many random sequences of 835 events against the separate model.

CI runs `tests/services/test_money_oracle.py` with 15 fixed examples; this runs it with N random
ones (each a fresh database), prints the outcome counts hypothesis gathered and the seconds.

    .venv/bin/python benchmarks/money_oracle.py              # 300 examples
    .venv/bin/python benchmarks/money_oracle.py --examples 2000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300)
    args = parser.parse_args()
    os.environ["MEDBILL_ORACLE_EXAMPLES"] = str(args.examples)
    start = time.perf_counter()
    code = pytest.main(
        [
            "-q",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            "--hypothesis-show-statistics",
            str(ROOT / "tests" / "services" / "test_money_oracle.py"),
        ]
    )
    print(f"{args.examples} examples in {time.perf_counter() - start:.0f} s: exit {int(code)}")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
