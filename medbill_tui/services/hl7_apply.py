"""What a taken HL7 message changes: patients and coverages (ADT^A04/A08), a merge (ADT^A40),
an encounter's charges (DFT^P03). Each runs inside the message's transaction and raises
`Hl7Refused` (naming the segment and field) for anything it cannot take without guessing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import encounters as encounter_repo
from medbill_tui.db.repositories import hl7 as repo
from medbill_tui.db.repositories import patient_merge as merge_repo
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.fees import fee_for, payer_id_for_coverage
from medbill_tui.db.repositories.notes import write_note
from medbill_tui.domain.encounter_form import parse_form
from medbill_tui.domain.roles import can
from medbill_tui.edi.hl7_fields import Hl7Refused
from medbill_tui.edi.hl7_read import (
    ChargeLine,
    ChargePosting,
    Merge,
    Registration,
)
from medbill_tui.records.forms import EncounterForm, LineForm
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.encounters import EncounterService
from medbill_tui.services.hl7_register import Registrar

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine


@dataclass(frozen=True, slots=True)
class Applied:
    patient_id: int | None
    encounter_id: int | None = None


class MessageApplier:
    """Applies one message on `conn` for `actor` (with `role`); blocking."""

    def __init__(
        self, engine: Engine, conn: Connection, clock: Clock, actor: str, role: str | None
    ) -> None:
        self.engine = engine
        self.conn = conn
        self.clock = clock
        self.actor = actor
        self.role = role

    def registration(self, msg: Registration) -> Applied:
        return Applied(Registrar(self.conn, self.clock, self.actor).apply(msg))

    def merge(self, msg: Merge) -> Applied:
        facility = msg.header.facility
        survivor = repo.patient_for_ehr_id(self.conn, facility, msg.survivor_ehr_id)
        merged = repo.patient_for_ehr_id(self.conn, facility, msg.merged_ehr_id)
        if survivor is None:
            raise Hl7Refused("AE", "PID-3", f"patient {msg.survivor_ehr_id} is not registered")
        if merged is None:
            raise Hl7Refused("AE", "MRG-1", f"patient {msg.merged_ehr_id} is not registered")
        if merged == survivor:  # merged already (by hand or an earlier A40)
            return Applied(survivor)
        if not can(self.role, "merge-patients"):
            raise Hl7Refused(
                "AE",
                "MRG-1",
                f"{self.actor} may not merge patients: run the interface as a "
                "supervisor or merge them in the app, then reprocess",
            )
        merge_repo.lock_pair(self.conn, merged, survivor)
        held = merge_repo.blockers(self.conn, (merged, survivor), lock=True)
        if held:
            raise Hl7Refused("AE", "MRG-1", "cannot merge now: " + "; ".join(held))
        source = repo.account_no(self.conn, merged)
        target = repo.account_no(self.conn, survivor)
        dunning = not merge_repo.survivor_has_dunning(self.conn, survivor)
        merge_repo.move(self.conn, merged, survivor, dunning)
        detail = f"merged {source} into {target} (HL7 ADT^A40 from {facility})"
        record_audit(self.conn, self.actor, "merge", "patient", survivor, detail)
        write_note(self.conn, "patient", survivor, self.actor, f"Account {detail}.")
        return Applied(survivor)

    def charges(self, msg: ChargePosting) -> Applied:
        facility = msg.header.facility
        pid = repo.patient_for_ehr_id(self.conn, facility, msg.ehr_id)
        if pid is None:
            raise Hl7Refused(
                "AE",
                "PID-3",
                f"patient {msg.ehr_id} is not registered from {facility}: send its ADT^A04 first",
            )
        dos = msg.lines[0].dos
        provider_code = msg.lines[0].provider_code or msg.attending_code
        provider_id = self._provider(facility, provider_code, msg.lines[0])
        key = msg.visit_number or f"{dos:%Y%m%d}|{msg.ehr_id}|{provider_code}"
        encounter_id = repo.encounter_for_visit(self.conn, facility, key)
        new_visit = encounter_id is None
        if encounter_id is not None:
            status = repo.lock_encounter(self.conn, encounter_id)
            if status not in ("unbilled", "hold"):
                self._changed_after_billing(pid, encounter_id, msg)
                return Applied(pid, encounter_id)
            form, _ = encounter_repo.load_form(self.conn, encounter_id)
        else:
            pos = self._place_of_service(facility, msg.location)
            coverage = repo.primary_coverage_on(self.conn, pid, dos)
            form = EncounterForm(pid, provider_id, coverage, None, f"{dos:%m/%d/%Y}", pos, (), ())
        form = self._with_lines(form, msg.lines)
        encounter_id = self._save(form)
        if new_visit:
            repo.link_visit(self.conn, facility, key, encounter_id)
        return Applied(pid, encounter_id)

    def _provider(self, facility: str, code: str, line: ChargeLine) -> int:
        where = f"FT1 #{line.segment_no} FT1-20" if line.provider_code else "PV1-7"
        if not code:
            raise Hl7Refused("AE", where, "the rendering provider is missing")
        npi = repo.mapped(self.conn, facility, "provider", code)
        found = None if npi is None else repo.provider_by_npi(self.conn, npi)
        if found is None:
            raise Hl7Refused(
                "AE",
                where,
                f"provider {code} from {facility} is not mapped to one of ours: add "
                f"it with `medbill hl7 map {facility} provider {code} NPI`",
            )
        return found

    def _place_of_service(self, facility: str, location: str) -> str:
        if not location:
            raise Hl7Refused("AE", "PV1-3", "the patient's location is missing")
        pos = repo.mapped(self.conn, facility, "location", location)
        if pos is None or not repo.pos_exists(self.conn, pos):
            raise Hl7Refused(
                "AE",
                "PV1-3",
                f"location {location} from {facility} is not mapped to a place "
                f"of service: add it with `medbill hl7 map {facility} location {location} POS`",
            )
        return pos

    def _with_lines(self, form: EncounterForm, lines: tuple[ChargeLine, ...]) -> EncounterForm:
        diagnoses = list(form.diagnoses)
        kept = list(form.lines)
        payer_id = (
            None if form.coverage_id is None else payer_id_for_coverage(self.conn, form.coverage_id)
        )
        for line in lines:
            mods = (*line.modifiers[:4], "", "", "", "")[:4]
            if line.units < 0:
                kept = self._credit(kept, line, mods)
                continue
            for code in line.diagnoses:
                if code not in diagnoses:
                    diagnoses.append(code)
            if len(diagnoses) > 12:
                raise Hl7Refused(
                    "AE", f"FT1 #{line.segment_no} FT1-19", "a visit takes at most 12 diagnoses"
                )
            pointers = [diagnoses.index(c) + 1 for c in line.diagnoses][:4] or [1]
            amount = line.amount
            if amount is None:
                fee = fee_for(self.conn, line.code, mods[0], payer_id)
                if fee is None:
                    raise Hl7Refused(
                        "AE",
                        f"FT1 #{line.segment_no} FT1-11",
                        f"no amount sent and no fee for {line.code} in the fee schedule",
                    )
                amount = fee * line.units
            kept.append(
                LineForm(
                    line.code,
                    (mods[0], mods[1], mods[2], mods[3]),
                    f"{line.units.normalize():f}",
                    f"{amount:.2f}",
                    ",".join(str(p) for p in pointers),
                )
            )
        return replace(form, diagnoses=tuple(diagnoses), lines=tuple(kept))

    @staticmethod
    def _credit(kept: list[LineForm], line: ChargeLine, mods: tuple[str, ...]) -> list[LineForm]:
        """Take the credited units off the visit's matching line (gone when none are left)."""
        for n, old in enumerate(kept):
            if old.code != line.code or tuple(m for m in old.modifiers) != mods:
                continue
            units = Decimal(old.units)
            left = units + line.units
            if left < 0:
                break
            if left == 0:
                return kept[:n] + kept[n + 1 :]
            amount = Decimal(old.charge) * left / units
            kept[n] = replace(old, units=f"{left.normalize():f}", charge=f"{amount:.2f}")
            return kept
        raise Hl7Refused(
            "AE",
            f"FT1 #{line.segment_no} FT1-7",
            f"no {line.code} charge of {-line.units} unit(s) on the visit to credit",
        )

    def _save(self, form: EncounterForm) -> int:
        if not form.lines:
            raise Hl7Refused("AE", "FT1", "the credits leave the visit without charges")
        checker = EncounterService(self.engine, self.clock, self.actor)
        findings = checker.check_on(self.conn, form)
        blocking = [f for f in findings if f.blocks_save]
        if blocking:
            raise Hl7Refused("AE", _segment_of(blocking[0].field), blocking[0].message)
        parsed = parse_form(form.dos, form.diagnoses, form.lines)
        assert parsed.dos is not None
        eid, _ = encounter_repo.write_encounter(
            self.conn, form, parsed.dos, parsed.diagnoses, parsed.lines, self.actor
        )
        return eid

    def _changed_after_billing(self, pid: int, encounter_id: int, msg: ChargePosting) -> None:
        claim_id = repo.latest_claim(self.conn, encounter_id)
        what = ", ".join(f"{line.code} x{line.units.normalize():f}" for line in msg.lines)
        detail = (
            f"charge changed after billing: HL7 {msg.header.control_id} from "
            f"{msg.header.facility} sent {what} for encounter {encounter_id}; the claim was "
            "not changed — correct it if the change stands"
        )
        repo.open_changed_charge_item(self.conn, claim_id, pid, self.clock.today(), detail)
        record_audit(self.conn, self.actor, "hl7-charge-after-billing", "encounter",
                     encounter_id, detail)  # fmt: skip


def _segment_of(field: str) -> str:
    """The HL7 place of a charge-entry finding (line.N.x → FT1 #N, dx → FT1-19 ...)."""
    if field.startswith("line."):
        return f"FT1 #{field.split('.')[1]} FT1-7"
    if field.startswith("dx") or field.startswith("diagnos"):
        return "FT1-19"
    return {"dos": "FT1-4", "pos": "PV1-3", "coverage": "IN1", "provider.npi": "FT1-20"}.get(
        field, "FT1"
    )
