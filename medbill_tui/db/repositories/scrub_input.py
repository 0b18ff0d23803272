"""Build the scrubber's inputs for many encounters at once (a fixed number of queries)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, TextClause, bindparam, text

from medbill_tui.db.repositories.eligibility_state import eligibility_fields, eligibility_states
from medbill_tui.domain.codes import IcdCode, ProcedureInfo, normalize_icd10
from medbill_tui.domain.encounter_form import decode_pointers
from medbill_tui.domain.ncci import NcciPair, UnitLimit
from medbill_tui.domain.scrub_model import (
    AuthInfo,
    CoverageInfo,
    EncounterForScrub,
    LineInput,
    PatientInfo,
)


class DbCodeBook:
    """A CodeBook over the code-set tables, prefetched for a known set of ICD-10 codes and the
    NCCI edits of known procedure codes; another code's edits are read when first asked for."""

    def __init__(
        self, conn: Connection, icd_codes: Iterable[str], procedure_codes: Iterable[str] = ()
    ) -> None:
        wanted = sorted({c for c in (normalize_icd10(x) for x in icd_codes) if c})
        self._icd: dict[str, IcdCode] = {}
        if wanted:
            rows = conn.execute(
                text(
                    "SELECT code, description, billable FROM icd10cm_code WHERE code IN :codes"
                ).bindparams(bindparam("codes", expanding=True)),
                {"codes": wanted},
            ).all()
            self._icd = {r.code: IcdCode(r.code, r.description, r.billable) for r in rows}
        self._procedures = {
            r.code: ProcedureInfo(
                r.code, "HCPCS" if r.code_set == "HCPCS" else "CPT", r.label, r.verified
            )
            for r in conn.execute(
                text("SELECT code, code_set, label, verified FROM procedure_code")
            ).all()
        }
        self._modifiers: dict[str, str] = {
            r.code: r.description
            for r in conn.execute(text("SELECT code, description FROM modifier_code"))
        }
        self._conn = conn
        self._pairs: dict[str, tuple[NcciPair, ...]] = {}
        self._limits: dict[str, UnitLimit | None] = {}
        self._prefetch_edits(procedure_codes)
        self._pos: dict[str, str] = {
            r.code: r.name for r in conn.execute(text("SELECT code, name FROM pos_code"))
        }

    def icd10(self, code: str) -> IcdCode | None:
        return self._icd.get(normalize_icd10(code) or code)

    def procedure(self, code: str) -> ProcedureInfo | None:
        return self._procedures.get(code.strip().upper())

    def modifier(self, code: str) -> str | None:
        return self._modifiers.get(code.strip().upper())

    def pos(self, code: str) -> str | None:
        return self._pos.get(code.strip())

    def _prefetch_edits(self, codes: Iterable[str]) -> None:
        """Read the NCCI edits of `codes` not read yet: two queries for all of them."""
        wanted = {c.strip().upper() for c in codes if c.strip()} - self._limits.keys()
        if not wanted:
            return
        pairs, limits = edits_for(self._conn, wanted)
        for key in wanted:
            self._pairs[key] = pairs.get(key, ())
            self._limits[key] = limits.get(key)

    def _edits(self, code: str) -> str:
        key = code.strip().upper()
        self._prefetch_edits([key])
        return key

    def bundled_pairs(self, code: str) -> tuple[NcciPair, ...]:
        # a blank code (a line keyed modifier first) has no edits; it is never read
        return self._pairs.get(self._edits(code), ())

    def unit_limit(self, code: str) -> UnitLimit | None:
        return self._limits.get(self._edits(code))


def _pair(row: Any) -> NcciPair:
    return NcciPair(
        row.column1,
        row.column2,
        row.modifier_indicator,
        row.rationale,
        row.effective_on,
        row.deleted_on,
    )


def edits_for(
    conn: Connection, codes: Iterable[str]
) -> tuple[Mapping[str, tuple[NcciPair, ...]], Mapping[str, UnitLimit]]:
    """The PTP edits bundling each of `codes` (by column 2) and each code's MUE: two queries."""
    wanted = sorted({c.strip().upper() for c in codes if c.strip()})
    if not wanted:
        return {}, {}
    pairs: dict[str, list[NcciPair]] = {}
    for row in conn.execute(
        text(
            "SELECT * FROM ncci_ptp WHERE column2 IN :codes ORDER BY column2, column1, effective_on"
        ).bindparams(bindparam("codes", expanding=True)),
        {"codes": wanted},
    ):
        pairs.setdefault(row.column2, []).append(_pair(row))
    limits = {
        row.code: UnitLimit(row.code, row.max_units, row.adjudication_indicator, row.rationale)
        for row in conn.execute(
            text("SELECT * FROM mue WHERE code IN :codes").bindparams(
                bindparam("codes", expanding=True)
            ),
            {"codes": wanted},
        )
    }
    return {code: tuple(found) for code, found in pairs.items()}, limits


def _expanding(sql: str) -> TextClause:
    return text(sql).bindparams(bindparam("ids", expanding=True))


def load_scrub_inputs(
    conn: Connection, encounter_ids: Sequence[int], today: date
) -> dict[int, EncounterForScrub]:
    """The scrubber's view of each encounter, keyed by id (missing ids are left out)."""
    if not encounter_ids:
        return {}
    ids = list(encounter_ids)
    heads = conn.execute(
        _expanding(
            """SELECT e.id, e.patient_id, e.dos, e.pos, pr.npi AS provider_npi,
                      p.first_name, p.last_name, p.dob, p.sex, p.address1, p.city, p.state,
                      p.zip, cv.member_id, cv.effective_from, cv.effective_to,
                      py.name AS payer_name, py.timely_filing_days, py.auth_required_codes,
                      e.coverage_id,
                      a.number AS auth_number, a.status AS auth_status, a.codes AS auth_codes,
                      a.start_date, a.end_date, a.visits_allowed, a.visits_used
               FROM encounter e
               JOIN patient p ON p.id = e.patient_id
               JOIN provider pr ON pr.id = e.provider_id
               LEFT JOIN coverage cv ON cv.id = e.coverage_id
               LEFT JOIN payer py ON py.id = cv.payer_id
               LEFT JOIN "authorization" a ON a.id = e.authorization_id
               WHERE e.id IN :ids"""
        ),
        {"ids": ids},
    ).all()
    billing_npi = conn.execute(text("SELECT npi FROM practice ORDER BY id LIMIT 1")).scalar()
    states = eligibility_states(conn, [h.coverage_id for h in heads if h.coverage_id is not None])
    dx: dict[int, list[str]] = defaultdict(list)
    for r in conn.execute(
        _expanding(
            "SELECT encounter_id, code FROM encounter_diagnosis "
            "WHERE encounter_id IN :ids ORDER BY encounter_id, seq"
        ),
        {"ids": ids},
    ):
        dx[r.encounter_id].append(r.code)
    lines: dict[int, list[LineInput]] = defaultdict(list)
    for r in conn.execute(
        _expanding(
            """SELECT encounter_id, code, modifier1, modifier2, modifier3, modifier4, units,
                      amount, dx_pointers
               FROM charge WHERE encounter_id IN :ids ORDER BY encounter_id, line_no"""
        ),
        {"ids": ids},
    ):
        mods = tuple(m for m in (r.modifier1, r.modifier2, r.modifier3, r.modifier4) if m)
        pointers = decode_pointers(r.dx_pointers)
        lines[r.encounter_id].append(
            LineInput(r.code, mods, Decimal(r.units), Decimal(r.amount), pointers)
        )
    same_day: dict[int, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    same_day_units: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for r in conn.execute(
        _expanding(
            """SELECT e.id AS encounter_id, c.code, c.modifier1, c.modifier2, c.modifier3,
                      c.modifier4, c.units
               FROM encounter e
               JOIN encounter o ON o.patient_id = e.patient_id AND o.dos = e.dos
                    AND o.id <> e.id AND o.status <> 'void'
               JOIN charge c ON c.encounter_id = o.id
               WHERE e.id IN :ids"""
        ),
        {"ids": ids},
    ):
        mods = tuple(m for m in (r.modifier1, r.modifier2, r.modifier3, r.modifier4) if m)
        same_day[r.encounter_id].append((r.code, mods))
        same_day_units[r.encounter_id].append((r.code, Decimal(r.units)))
    out: dict[int, EncounterForScrub] = {}
    for h in heads:
        coverage = None
        if h.coverage_id is not None:
            coverage = CoverageInfo(
                payer_name=h.payer_name,
                member_id=h.member_id or "",
                effective_from=h.effective_from,
                effective_to=h.effective_to,
                timely_filing_days=h.timely_filing_days,
                auth_required_codes=frozenset(h.auth_required_codes.split()),
                **eligibility_fields(states.get(h.coverage_id)),
            )
        auth = None
        if h.auth_status is not None:
            auth = AuthInfo(
                number=h.auth_number,
                status=h.auth_status,
                codes=frozenset(c for c in h.auth_codes.replace(",", " ").split() if c),
                start=h.start_date,
                end=h.end_date,
                visits_allowed=h.visits_allowed,
                visits_used=h.visits_used,
            )
        out[h.id] = EncounterForScrub(
            today=today,
            dos=h.dos,
            pos=h.pos,
            patient=PatientInfo(
                h.first_name, h.last_name, h.dob, h.sex, h.address1, h.city, h.state, h.zip
            ),
            coverage=coverage,
            provider_npi=h.provider_npi,
            billing_npi=billing_npi or "",
            authorization=auth,
            diagnoses=tuple(dx[h.id]),
            lines=tuple(lines[h.id]),
            other_lines_same_day=tuple(same_day[h.id]),
            other_units_same_day=tuple(same_day_units[h.id]),
        )
    return out
