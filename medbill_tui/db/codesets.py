"""Code sets in PostgreSQL: the built-in releases, loading newer CMS files, and search.

The official CARC and RARC lists (X12 publishes them) load into `carc` / `rarc` with
`medbill codes load FILE --set carc|rarc`; their words win over the ones we ship.

ICD-10-CM comes from the `simple-icd-10-cm` package (CMS April 1, 2026 release); HCPCS
Level II from the CMS release bundled in `medbill_tui/data/` (`shipped_data.HCPCS_RELEASE`);
POS, modifiers and our procedure-code labels from CSV files shipped there too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, text

from medbill_tui.db.code_tables import CodeLoadError, copy_rows, record_release
from medbill_tui.db.ncci_edits import ensure_sample_edits
from medbill_tui.db.repositories.audit import record_event
from medbill_tui.db.shipped_data import (
    HCPCS_FILE,
    HCPCS_RELEASE,
    bundled_hcpcs,
    read_data_csv,
)
from medbill_tui.domain.codefiles import CodeRow, ParsedFile, dotted_icd10

ICD10_RELEASE = "2026-04-01 (simple-icd-10-cm 1.5.0)"
CODE_SETS = ("icd10cm", "hcpcs", "cpt", "pos")
RECENT_USES = 20_000
"""How many of the latest diagnoses / charges count as "what this practice uses" when
ranking picks (a bounded look back: the cost does not grow with the history)."""
_USES_SQL = {
    "icd10cm": "SELECT code, count(*) AS uses FROM (SELECT code FROM encounter_diagnosis "
    "ORDER BY id DESC LIMIT :recent) recent GROUP BY code",
    "procedure": "SELECT code, count(*) AS uses FROM (SELECT code FROM charge "
    "ORDER BY id DESC LIMIT :recent) recent GROUP BY code",
}
_CODE_LIKE = re.compile(r"^[A-Za-z]?[0-9][0-9A-Za-z.]*$|^[A-Za-z][0-9]|^[A-Za-z]$")
"""A code prefix rather than words: one letter, or a letter/digit then digits."""


@dataclass(frozen=True, slots=True)
class CodeHit:
    """One search result."""

    code_set: str
    code: str
    description: str
    billable: bool


def builtin_icd10cm_rows() -> list[CodeRow]:
    """Every ICD-10-CM code of the packaged release (categories as non-billable headers)."""
    import simple_icd_10_cm as icd

    rows = []
    for code in icd.get_all_codes(True):
        if icd.is_chapter_or_block(code):
            continue
        rows.append(CodeRow(code, icd.get_description(code), icd.is_leaf(code)))
    return rows


def replace_icd10cm(
    conn: Connection, rows: list[CodeRow], release: str, source: str, actor: str
) -> int:
    """Replace the ICD-10-CM set inside the caller's transaction."""
    conn.execute(text("DELETE FROM icd10cm_code"))
    copy_rows(
        conn,
        "icd10cm_code",
        ("code", "description", "billable"),
        [(r.code, r.description, r.billable) for r in rows],
    )
    record_release(conn, "icd10cm", release, source, len(rows), actor)
    return len(rows)


def replace_hcpcs(
    conn: Connection, rows: list[CodeRow], release: str, source: str, actor: str
) -> int:
    """Load an HCPCS release: its codes become verified; codes the practice added that the
    release lacks stay, marked unverified (encounters may use them)."""
    conn.execute(text("UPDATE procedure_code SET verified = false WHERE code_set = 'HCPCS'"))
    conn.execute(text("CREATE TEMP TABLE hcpcs_load (code text, label text) ON COMMIT DROP"))
    copy_rows(conn, "hcpcs_load", ("code", "label"), [(r.code, r.description) for r in rows])
    conn.execute(
        text(
            "INSERT INTO procedure_code (code, code_set, label, verified) "
            "SELECT code, 'HCPCS', label, true FROM hcpcs_load "
            "ON CONFLICT (code) DO UPDATE SET verified = true, code_set = 'HCPCS', "
            "label = procedure_code.label"
        )
    )
    record_release(conn, "hcpcs", release, source, len(rows), actor)
    return len(rows)


def add_bundled_hcpcs(conn: Connection, actor: str) -> int:
    """Add the bundled HCPCS Level II release inside the caller's transaction: codes not yet
    known get its words; codes already there keep their labels (ours, or the practice's)."""
    rows = bundled_hcpcs()
    conn.execute(
        text(
            "INSERT INTO procedure_code (code, code_set, label) "
            "SELECT c, 'HCPCS', l FROM unnest(CAST(:codes AS text[]), CAST(:labels AS text[])) "
            "AS t(c, l) ON CONFLICT (code) DO NOTHING"
        ),
        {"codes": [code for code, _ in rows], "labels": [label for _, label in rows]},
    )
    record_release(conn, "hcpcs", HCPCS_RELEASE, f"medbill_tui/data/{HCPCS_FILE}", len(rows), actor)
    return len(rows)


def replace_adjustment_codes(
    conn: Connection, code_set: str, rows: list[CodeRow], release: str, source: str, actor: str
) -> int:
    """Replace the loaded official CARC or RARC list (the `carc` / `rarc` table). Codes it
    lacks keep the words shipped with the app (edi/codelists.py)."""
    table = {"carc": "carc", "rarc": "rarc"}[code_set]
    conn.execute(text(f"DELETE FROM {table}"))
    copy_rows(conn, table, ("code", "description"), [(r.code, r.description) for r in rows])
    record_release(conn, code_set, release, source, len(rows), actor)
    return len(rows)


def load_release_file(
    engine: Engine, parsed: ParsedFile, code_set: str, source: str, actor: str
) -> int:
    """Load a parsed CMS file in one transaction; any bad row means nothing changes."""
    if parsed.errors:
        raise CodeLoadError(parsed.errors)
    with engine.begin() as conn:
        if code_set == "icd10cm":
            count = replace_icd10cm(conn, list(parsed.rows), source, source, actor)
        elif code_set == "hcpcs":
            count = replace_hcpcs(conn, list(parsed.rows), source, source, actor)
        elif code_set in ("carc", "rarc"):
            count = replace_adjustment_codes(
                conn, code_set, list(parsed.rows), source, source, actor
            )
        else:
            raise ValueError(f"cannot load code set {code_set!r}")
        record_event(conn, actor, "import", "code_set", f"{code_set} {source}: {count} codes")
        return count


def ensure_builtin_code_sets(engine: Engine, actor: str = "system") -> dict[str, int]:
    """Load the packaged code sets into empty tables (idempotent; cheap when already loaded)."""
    loaded: dict[str, int] = {}
    with engine.begin() as conn:
        # Processes starting together on a fresh database would each fill the same empty
        # tables; the lock makes the later ones wait and then find them filled.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('medbill.code_sets'))"))
        counts = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM icd10cm_code), (SELECT count(*) FROM pos_code), "
                "(SELECT count(*) FROM modifier_code), (SELECT count(*) FROM procedure_code)"
            )
        ).one()
        if counts[0] == 0:
            loaded["icd10cm"] = replace_icd10cm(
                conn, builtin_icd10cm_rows(), ICD10_RELEASE, "simple-icd-10-cm package", actor
            )
        if counts[1] == 0:
            rows = [(r["code"], r["name"]) for r in read_data_csv("pos.csv")]
            copy_rows(conn, "pos_code", ("code", "name"), rows)
            record_release(
                conn, "pos", "CMS POS 2026", "medbill_tui/data/pos.csv", len(rows), actor
            )
            loaded["pos"] = len(rows)
        if counts[2] == 0:
            mods = [(r["code"], r["description"]) for r in read_data_csv("modifiers.csv")]
            copy_rows(conn, "modifier_code", ("code", "description"), mods)
            loaded["modifiers"] = len(mods)
        if counts[3] == 0:
            procs = [
                (r["code"], r["code_set"], r["label"]) for r in read_data_csv("procedure_codes.csv")
            ]
            copy_rows(conn, "procedure_code", ("code", "code_set", "label"), procs)
            loaded["procedures"] = len(procs)
        hcpcs_known = conn.execute(
            text("SELECT EXISTS (SELECT 1 FROM code_set_release WHERE code_set = 'hcpcs')")
        ).scalar()
        if not hcpcs_known:
            loaded["hcpcs"] = add_bundled_hcpcs(conn, actor)
        loaded |= ensure_sample_edits(conn, actor)
    return loaded


def _tsquery(words: str) -> str:
    terms = [re.sub(r"[^0-9A-Za-z]", "", w) for w in words.split()]
    return " & ".join(f"{t}:*" for t in terms if t)


def search_codes(
    conn: Connection,
    query: str,
    code_set: str = "icd10cm",
    limit: int = 20,
    *,
    billable_only: bool = False,
    used_first: bool = False,
) -> tuple[CodeHit, ...]:
    """Codes whose code starts with `query` (dots optional) or whose words match it.

    `code_set` "procedure" searches CPT and HCPCS together. `billable_only` leaves out
    ICD-10-CM categories; `used_first` puts the codes this practice used most lately
    (its last RECENT_USES diagnoses or charges) first, the rest after in the usual order.
    """
    q = query.strip()
    if not q:
        return ()
    params: dict[str, Any] = {"limit": limit, "recent": RECENT_USES}
    by_code = bool(_CODE_LIKE.match(q)) and " " not in q
    if by_code:
        params["prefix"] = (
            dotted_icd10(q).replace(".", "") if code_set == "icd10cm" else q.upper()
        ) + "%"
    elif code_set != "pos":
        params["tsq"] = _tsquery(q)
        if not params["tsq"]:
            return ()
    if code_set == "icd10cm":
        select = "SELECT c.code, c.description, c.billable FROM icd10cm_code c"
        if by_code:
            where, order = "replace(c.code, '.', '') LIKE :prefix", "replace(c.code, '.', '')"
        else:
            where = "to_tsvector('english', c.description) @@ to_tsquery('english', :tsq)"
            order = "c.billable DESC, length(c.description), c.code"
        if billable_only:
            where += " AND c.billable"
        uses = "icd10cm"
    elif code_set in ("hcpcs", "cpt", "procedure"):
        select = (
            "SELECT c.code, c.label AS description, c.verified AS billable FROM procedure_code c"
        )
        params["sets"] = ["CPT", "HCPCS"] if code_set == "procedure" else [code_set.upper()]
        match = (
            "c.code LIKE :prefix"
            if by_code
            else "to_tsvector('english', c.label) @@ to_tsquery('english', :tsq)"
        )
        where, order, uses = f"c.code_set = ANY(:sets) AND {match}", "c.code", "procedure"
    elif code_set == "pos":
        params["prefix"] = q + "%"
        params["words"] = "%" + q.lower() + "%"
        select = "SELECT c.code, c.name AS description, true AS billable FROM pos_code c"
        where, order, uses = "c.code LIKE :prefix OR lower(c.name) LIKE :words", "c.code", ""
    else:
        raise ValueError(f"unknown code set {code_set!r}; choose one of {', '.join(CODE_SETS)}")
    if used_first and uses:
        select += f" LEFT JOIN ({_USES_SQL[uses]}) u ON u.code = c.code"
        order = f"coalesce(u.uses, 0) DESC, {order}"
    sql = f"{select} WHERE {where} ORDER BY {order} LIMIT :limit"
    rows = conn.execute(text(sql), params).all()
    return tuple(CodeHit(code_set, r.code, r.description, bool(r.billable)) for r in rows)
