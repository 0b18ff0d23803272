"""Known product faults that another branch of issue 15 fixes: each mark says which and why.

A mark is strict: the test must fail, with that error, until the fix is merged; then it passes,
the mark fails the run, and the mark is dropped.
"""

from __future__ import annotations

import pytest

from medbill_tui.services.submissions import SubmissionFailed

WRITER_SENDS_EAF_TWICE = pytest.mark.xfail(
    strict=True,
    raises=SubmissionFailed,
    reason="issue 15 item 1 (branch cob-loops): the 837P writer sends AMT*EAF at 2320 and at "
    "2430, which the front-end edit COB-REMAINING-ONCE refuses; drop this mark after the merge",
)
