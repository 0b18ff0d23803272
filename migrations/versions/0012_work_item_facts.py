"""work item facts: what a rejection or unmatched item is about, as columns instead of prose

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 09:00:00.000000

Rejections and unmatched items kept their facts only in `detail` ("277CA rejected it (A7:164):
…", "835 T1: payment for unknown claim X (DOE, JANE), paid 10.00 [claim payment 7]") and the
code read them back with regexes. They are nullable columns of `work_item` now, like the
denials' group code and CARC. The rows written before are filled here from their `detail`, one
set-based UPDATE per shape of text, the same patterns the code used to read them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COLUMNS = (
    ("source", sa.String(length=5)),
    ("claim_payment_id", sa.BigInteger()),
    ("patient_control_no", sa.String(length=38)),
    ("payer_claim_no", sa.String(length=50)),
    ("patient_name", sa.String(length=100)),
    ("stc_category", sa.String(length=30)),
    ("stc_status", sa.String(length=30)),
    ("stc_entity", sa.String(length=3)),
    ("error_segment", sa.String(length=3)),
    ("error_element", sa.SmallInteger()),
    ("error_code", sa.String(length=3)),
    ("reason", sa.Text()),
    ("outcome", sa.Text()),
)

_CLP = r"': payment for unknown claim (\S+) \('"
UNMATCHED_835 = rf"""
UPDATE work_item
SET source = '835',
    claim_payment_id = (SELECT cp.id FROM claim_payment cp
                        WHERE cp.id = substring(detail from '\[claim payment (\d+)\]')::bigint),
    patient_control_no = left(substring(detail from {_CLP}), 38),
    patient_name = nullif(left(substring(detail
        from ': payment for unknown claim \S+ \((.*)\), paid '), 100), 'no name')
WHERE kind = 'unmatched' AND detail LIKE '835 %'
"""
"""835 items name their claim payment ("[claim payment 123]") and say the claim number and the
name the payer sent ("… unknown claim X1 (DOE, JANE), paid 10.00")."""

UNTAGGED_835 = r"""
WITH items AS (
    SELECT id, left(substring(detail from '^835 (.*): payment for unknown claim '), 50) AS trace,
           patient_control_no AS pcn,
           substring(detail from '\), paid (-?[0-9.]+)')::numeric AS paid
    FROM work_item
    WHERE kind = 'unmatched' AND status = 'open' AND source = '835'
      AND claim_payment_id IS NULL
), ranked_items AS (
    SELECT *, row_number() OVER (PARTITION BY trace, pcn, paid ORDER BY id) AS k FROM items
), payments AS (
    SELECT cp.id, r.trace_no, cp.patient_control_no, cp.paid,
           row_number() OVER (PARTITION BY r.trace_no, cp.patient_control_no, cp.paid
                              ORDER BY cp.id) AS k
    FROM claim_payment cp JOIN remittance r ON r.id = cp.remittance_id
    WHERE cp.claim_id IS NULL AND r.trace_no IN (SELECT trace FROM items)
      AND NOT EXISTS (SELECT 1 FROM work_item x WHERE x.claim_payment_id = cp.id)
)
UPDATE work_item w SET claim_payment_id = p.id
FROM ranked_items i
JOIN payments p
  ON (p.trace_no, p.patient_control_no, p.paid, p.k) = (i.trace, i.pcn, i.paid, i.k)
WHERE w.id = i.id
"""
"""Open 835 items written before they named their payment: the code found them by trace number
and claim number (the first unposted match, the same for every item of a claim sent twice).
Here the k-th such item of a (trace, claim number, amount) gets the k-th unposted payment."""

PAYER_CLAIM_NO_835 = """
UPDATE work_item w SET payer_claim_no = cp.payer_claim_no
FROM claim_payment cp WHERE cp.id = w.claim_payment_id AND cp.payer_claim_no IS NOT NULL
"""

_ACK_HEAD = r"^277CA for unknown claim \S+ \("
UNMATCHED_277CA = rf"""
UPDATE work_item
SET source = '277CA',
    patient_control_no = left(substring(detail from '^277CA for unknown claim (\S+)'), 38),
    stc_category = substring(detail from '{_ACK_HEAD}([^: )]*)'),
    stc_status = substring(detail from '{_ACK_HEAD}[^: )]*:([^: )]*)'),
    stc_entity = nullif(substring(detail from '{_ACK_HEAD}[^: )]*:[^: )]*:([^: )]*)'), ''),
    reason = substring(detail from '{_ACK_HEAD}[^ )]*: (.*)\); payer claim no\. '),
    payer_claim_no = nullif(substring(detail from '; payer claim no\. ([^ ;]+)'), 'none')
WHERE kind = 'unmatched' AND detail LIKE '277CA for unknown claim %'
"""

REJECTIONS = r"""
WITH said AS (
    SELECT id, CASE WHEN status = 'open' THEN words
                    ELSE regexp_replace(words, '; corrected by \S+$', '') END AS words
    FROM (SELECT id, status, regexp_replace(detail, '^\s+|\s+$', '', 'g') AS words
          FROM work_item WHERE kind = 'rejection' AND detail IS NOT NULL) t
), facts AS (
    SELECT id,
           CASE WHEN words LIKE '999 rejected the file: %' THEN '999'
                WHEN words LIKE '277CA rejected it %' THEN '277CA' END AS source,
           CASE WHEN words LIKE '999 rejected the file: %' THEN substr(words, 24)
                WHEN words LIKE '277CA rejected it %'
                     THEN substring(words from '^277CA rejected it \([^)]*\): (.*)$')
                ELSE nullif(words, '') END AS reason,
           substring(words from '^277CA rejected it \(([^:)]*)') AS category,
           substring(words from '^277CA rejected it \([^:)]*:([^:)]*)') AS status,
           substring(words from '^277CA rejected it \([^:)]*:[^:)]*:([^:)]*)\)') AS entity
    FROM said
)
UPDATE work_item w
SET source = f.source, reason = f.reason, stc_category = f.category, stc_status = f.status,
    stc_entity = f.entity,
    error_segment = CASE WHEN f.source = '999'
        THEN substring(f.reason from '^([A-Z][A-Z0-9]{1,2}) segment') END,
    error_element = CASE WHEN f.source = '999' THEN substring(f.reason
        from '^[A-Z][A-Z0-9]{1,2} segment[^;]*; [A-Z][A-Z0-9]{1,2}(\d\d)\M')::smallint END
FROM facts f WHERE f.id = w.id
"""
"""A 999 item's words start with its first error ("NM1 segment #12 …; NM109 …"), so its
segment and element are read from them; its error code was never written and stays NULL."""

OUTCOMES = r"""
UPDATE work_item SET outcome = substring(detail from '^.*; (.*)$')
WHERE kind = 'unmatched' AND status <> 'open' AND detail LIKE '%; %'
"""
"""How a closed unmatched item ended: `_close` appended it to the detail after "; "."""


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("work_item", sa.Column(name, type_, nullable=True))
    op.create_foreign_key(
        op.f("fk_work_item_claim_payment_id_claim_payment"),
        "work_item",
        "claim_payment",
        ["claim_payment_id"],
        ["id"],
    )
    for statement in (
        UNMATCHED_835,
        UNTAGGED_835,
        PAYER_CLAIM_NO_835,
        UNMATCHED_277CA,
        REJECTIONS,
        OUTCOMES,
    ):
        op.execute(statement)


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_work_item_claim_payment_id_claim_payment"), "work_item", type_="foreignkey"
    )
    for name, _ in reversed(COLUMNS):
        op.drop_column("work_item", name)
