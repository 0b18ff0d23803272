"""Audit controls: every change and every open of a patient, encounter or claim writes an
audit row in the same transaction; a refused change writes none; the trail cannot be changed.

`test_every_public_service_method_is_classified` walks every public method of every service
of `Services`: each is a case of CASES (a change or a view, run below against the demo
practice, asserting the audit row it writes) or listed in NO_RECORD with why it writes none.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from medbill_tui.records.audit import AuditFilter
from medbill_tui.records.forms import AuthorizationForm, PatientForm
from medbill_tui.runtime.clock import Clock
from medbill_tui.services import Services, build_services
from medbill_tui.services.audit import cursor_of
from medbill_tui.services.denials import DenialActionRefused
from tests.conftest import DEMO_TODAY
from tests.services.test_credits import FULL, a_visit, patient_credit
from tests.services.test_encounters import a_patient, form_for
from tests.services.test_imports import loop
from tests.services.test_unmatched import Unknown

ACTOR = "auditor"


@dataclass
class Ctx:
    """One case's world: the services as `ACTOR`, its database and a scratch folder."""

    svc: Services
    engine: Engine
    tmp: Path

    def one(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar_one()

    def imported_loop(self) -> None:
        """Claims created, sent, and the sandbox's 999, 277CA and 835 imported."""
        for path in loop(self.engine, self.tmp, reject_rate=0.0):
            self.svc.imports.import_file(path)


def services(engine: Engine, tmp: Path, day: date = DEMO_TODAY) -> Services:
    return build_services(
        engine,
        Clock(day),
        actor=ACTOR,
        role="admin",  # every method of every service is walked, supervisors' ones too
        outbox=tmp / "out",
        letters=tmp / "letters",
        receipts=tmp / "receipts",
        statements_dir=tmp / "statements",
    )


def _denial(c: Ctx) -> int:
    """An open denial on which the payer still owes less than the write-off limit."""
    return int(c.one("""SELECT w.id FROM work_item w JOIN claim cl ON cl.id = w.claim_id
        JOIN coverage cv ON cv.id = cl.coverage_id
        WHERE w.kind = 'denial' AND w.status = 'open' AND w.amount <= 100 AND (
          SELECT sum(amount) FROM ledger_entry le WHERE le.claim_id = cl.id
          AND le.responsibility = CASE cv.priority WHEN 1 THEN 'primary' ELSE 'secondary' END) > 0
        ORDER BY w.id LIMIT 1"""))  # fmt: skip


def _patient_denial(c: Ctx) -> int:
    """An open denial the patient may be billed for (not a contractual CO amount)."""
    return int(
        c.one("""SELECT w.id FROM work_item w JOIN claim cl ON cl.id = w.claim_id
        JOIN coverage cv ON cv.id = cl.coverage_id
        WHERE w.kind = 'denial' AND w.status = 'open' AND w.group_code <> 'CO' AND (
          SELECT sum(amount) FROM ledger_entry le WHERE le.claim_id = cl.id
          AND le.responsibility = CASE cv.priority WHEN 1 THEN 'primary' ELSE 'secondary' END) > 0
        ORDER BY w.id LIMIT 1""")
    )


def _claim(c: Ctx, status: str) -> int:
    return int(c.one("SELECT id FROM claim WHERE status = :s ORDER BY id LIMIT 1", s=status))


def _unbilled(c: Ctx) -> int:
    return int(c.one("SELECT id FROM encounter WHERE status = 'unbilled' ORDER BY id LIMIT 1"))


def _remittance(c: Ctx) -> int:
    c.imported_loop()
    return int(c.one("SELECT max(id) FROM remittance"))


def _followup(c: Ctx) -> int:
    saved = c.svc.followups.add("claim", _claim(c, "submitted"), "called", DEMO_TODAY)
    return saved.work_item_id


def _collections(c: Ctx) -> str:
    """Run the dunning cycle to its end: an account proposed for collections."""
    last = None
    for days in (0, 30, 60, 90):
        day = DEMO_TODAY + timedelta(days=days)
        last = services(c.engine, c.tmp, day).statements.run(day)
    assert last is not None
    account = next(e.account_no for e in last.entries if e.decision.action.value == "propose")
    c.svc = services(c.engine, c.tmp, DEMO_TODAY + timedelta(days=90))
    return account


def _credit(c: Ctx) -> int:
    pid = int(c.one("SELECT id FROM patient ORDER BY id LIMIT 1"))
    c.svc.payments.pay(pid, "5000.00", "cash")
    return pid


def _payer_credit(c: Ctx) -> int:
    """An open credit item: the payer paid a visit twice."""
    visit = a_visit(c.engine, c.tmp)
    visit.post(1, FULL)
    visit.post(2, FULL)
    return int(visit.items()[0].id)


def _patient_credit(c: Ctx) -> tuple[int, int]:
    """An open patient credit item and another visit of the patient that owes."""
    visit = a_visit(c.engine, c.tmp)
    return int(patient_credit(visit).id), visit.another_visit_owing("10.00")


def _taken(c: Ctx) -> int:
    """A denial leased to ACTOR (and a biller "bea" to give work to)."""
    with c.engine.begin() as conn:
        conn.execute(text("INSERT INTO app_user (login, role) VALUES (:a, 'admin'), "
                          "('bea', 'biller') ON CONFLICT DO NOTHING"), {"a": ACTOR})  # fmt: skip
    lease = c.svc.work.next("denials")
    assert lease is not None
    return lease.work_item_id


@dataclass(frozen=True)
class Case:
    """`name` is service.method; `setup` prepares (not audited), `act` is the call audited."""

    name: str
    expect: tuple[str, str]  # (action, entity) of an audit row `act` must write
    act: Callable[[Ctx, Any], object]
    setup: Callable[[Ctx], Any] = lambda c: None


CASES = [
    # changes
    Case("claims.create", ("create", "claim"), lambda c, _: c.svc.claims.create()),
    Case("claims.hold_claim", ("hold", "claim"),
         lambda c, cid: c.svc.claims.hold_claim(cid, "waiting for notes"),
         lambda c: _claim(c, "ready") if c.svc.claims.create() else 0),
    Case("claims.release_claim", ("release", "claim"),
         lambda c, cid: c.svc.claims.release_claim(cid),
         lambda c: c.svc.claims.hold_claim(cid := (c.svc.claims.create().claim_ids[0]), "x")
         or cid),
    Case("claims.bill_patient", ("bill-patient", "encounter"),
         lambda c, eid: c.svc.claims.bill_patient(eid, "patient asked"), _unbilled),
    Case("claims.hold_encounter", ("hold", "encounter"),
         lambda c, eid: c.svc.claims.hold_encounter(eid, "no notes"), _unbilled),
    Case("claims.release_encounter", ("release", "encounter"),
         lambda c, eid: c.svc.claims.release_encounter(eid),
         lambda c: c.svc.claims.hold_encounter(eid := _unbilled(c), "x") or eid),
    Case("claims.resend_rejected", ("resend", "claim"),
         lambda c, cid: c.svc.claims.resend_rejected(cid),
         lambda c: int(c.one("SELECT id FROM claim WHERE status IN ('rejected_999', "
                             "'rejected_277ca') ORDER BY id LIMIT 1"))),
    Case("claims.void", ("void", "claim"), lambda c, no: c.svc.claims.void(no),
         lambda c: str(c.one("SELECT claim_no FROM claim WHERE status = 'paid' "
                             "AND payer_claim_no IS NOT NULL ORDER BY id LIMIT 1"))),
    Case("claims.correct", ("correct", "claim"), lambda c, no: c.svc.claims.correct(no),
         lambda c: str(c.one("SELECT claim_no FROM claim WHERE status = 'denied' "
                             "ORDER BY id LIMIT 1"))),
    Case("claims.rebill", ("rebill", "claim"), lambda c, no: c.svc.claims.rebill(no),
         lambda c: str(c.one("SELECT claim_no FROM claim WHERE status IN ('submitted', "
                             "'accepted_999') AND payer_claim_no IS NULL ORDER BY id LIMIT 1"))),
    Case("encounters.save", ("create", "encounter"),
         lambda c, form: c.svc.encounters.save(form),
         lambda c: form_for(a_patient(c.engine))),
    Case("patients.save", ("update", "patient"),
         lambda c, form: c.svc.patients.save(form),
         lambda c: c.svc.patients.load(int(c.one("SELECT min(id) FROM patient")))),
    Case("patients.save_coverage", ("update", "coverage"),
         lambda c, form: c.svc.patients.save_coverage(form),
         lambda c: c.svc.patients.load_coverage(int(c.one("SELECT min(id) FROM coverage")))),
    Case("patients.save_authorization", ("request", "authorization"),
         lambda c, cov: c.svc.patients.save_authorization(AuthorizationForm(
             coverage_id=cov, status="pending", codes="97110", visits_allowed="12",
             follow_up_on="11/09/2026")),
         lambda c: int(c.one("SELECT min(id) FROM coverage"))),
    Case("denials.done", ("work", "work_item"),
         lambda c, w: c.svc.denials.done(w, "called the payer"), _denial),
    Case("denials.write_off", ("work", "work_item"),
         lambda c, w: c.svc.denials.write_off(w, "small balance"), _denial),
    Case("denials.transfer_to_patient", ("work", "work_item"),
         lambda c, w: c.svc.denials.transfer_to_patient(w), _patient_denial),
    Case("denials.add_note", ("note", "claim"),
         lambda c, w: c.svc.denials.add_note(w, "called", DEMO_TODAY), _denial),
    Case("denials.resubmit", ("work", "work_item"),
         lambda c, w: c.svc.denials.resubmit(w), _denial),
    Case("denials.appeal", ("export", "claim"),
         lambda c, w: c.svc.denials.appeal(w, "it was needed"), _denial),
    Case("followups.add", ("followup-open", "work_item"),
         lambda c, cid: c.svc.followups.add("claim", cid, "called", DEMO_TODAY),
         lambda c: _claim(c, "submitted")),
    Case("followups.done", ("followup-done", "work_item"),
         lambda c, w: c.svc.followups.done(w, "paid"), _followup),
    Case("imports.import_file", ("import", "edi_file"),
         lambda c, files: c.svc.imports.import_file(files[0]),
         lambda c: loop(c.engine, c.tmp, reject_rate=0.0)),
    Case("imports.import_bytes", ("import", "edi_file"),
         lambda c, files: c.svc.imports.import_bytes("a.835", files[2].read_bytes()),
         lambda c: loop(c.engine, c.tmp, reject_rate=0.0)),
    Case("remittances.undo", ("undo", "remittance"),
         lambda c, r: c.svc.remittances.undo(r, "posted to the wrong account"), _remittance),
    Case("remittances.repost", ("repost", "remittance"),
         lambda c, r: c.svc.remittances.repost(r),
         lambda c: c.svc.remittances.undo(r := _remittance(c), "x") and r),
    Case("payments.pay", ("patient-payment", "patient"),
         lambda c, pid: c.svc.payments.pay(pid, "20.00", "cash"),
         lambda c: int(c.one("SELECT min(id) FROM patient"))),
    Case("payments.refund", ("patient-refund", "patient"),
         lambda c, pid: c.svc.payments.refund(pid, "10.00", "check", "101"), _credit),
    Case("statements.run", ("statements.run", "statement_run"),
         lambda c, _: c.svc.statements.run()),
    Case("statements.set_hold", ("statement.hold", "patient"),
         lambda c, acct: c.svc.statements.set_hold(acct, True, "disputes the bill"),
         lambda c: str(c.one("SELECT min(account_no) FROM patient"))),
    Case("statements.confirm_collections", ("collections.confirm", "patient"),
         lambda c, acct: c.svc.statements.confirm_collections([acct]), _collections),
    Case("submissions.submit", ("export", "edi_file"),
         lambda c, _: c.svc.submissions.submit(),
         lambda c: c.svc.claims.create()),
    Case("unmatched.post", ("match", "claim_payment"),
         lambda c, u: c.svc.unmatched.post(u.row.work_item_id, u.claim_id),
         lambda c: Unknown(c.engine, c.tmp)),
    Case("unmatched.close_not_ours", ("close", "work_item"),
         lambda c, u: c.svc.unmatched.close_not_ours(u.row.work_item_id, "another practice"),
         lambda c: Unknown(c.engine, c.tmp)),
    Case("credits.refund_to_payer", ("credit-refund-payer", "work_item"),
         lambda c, w: c.svc.credits.refund_to_payer(w, "chk 1"), _payer_credit),
    Case("credits.refund_to_patient", ("credit-refund-patient", "work_item"),
         lambda c, w: c.svc.credits.refund_to_patient(w[0], "chk 2"), _patient_credit),
    Case("credits.apply_to_visit", ("credit-apply", "work_item"),
         lambda c, w: c.svc.credits.apply_to_visit(*w), _patient_credit),
    Case("work.next", ("work-take", "work_item"), lambda c, _: c.svc.work.next("denials")),
    Case("work.release", ("work-release", "work_item"),
         lambda c, w: c.svc.work.release(w), _taken),
    Case("work.renew", ("work-renew", "work_item"), lambda c, w: c.svc.work.renew(w), _taken),
    Case("work.reassign", ("work-reassign", "work_item"),
         lambda c, w: c.svc.work.reassign(w, "bea"), _taken),
    Case("work.release_mine", ("work-release", "work_item"),
         lambda c, _: c.svc.work.release_mine(), _taken),
    # opening a record
    Case("details.encounter", ("view", "encounter"),
         lambda c, eid: c.svc.details.encounter(eid), _unbilled),
    Case("details.claim", ("view", "claim"),
         lambda c, cid: c.svc.details.claim(cid), lambda c: _claim(c, "submitted")),
    Case("details.claim_edi", ("view", "claim"),
         lambda c, cid: c.svc.details.claim_edi(cid), lambda c: _claim(c, "submitted")),
    Case("details.account", ("view", "patient"),
         lambda c, pid: c.svc.details.account(pid),
         lambda c: int(c.one("SELECT min(id) FROM patient"))),
    Case("patients.load", ("view", "patient"),
         lambda c, pid: c.svc.patients.load(pid),
         lambda c: int(c.one("SELECT min(id) FROM patient"))),
    Case("patients.load_coverage", ("view", "coverage"),
         lambda c, cov: c.svc.patients.load_coverage(cov),
         lambda c: int(c.one("SELECT min(id) FROM coverage"))),
    Case("patients.load_authorization", ("view", "authorization"),
         lambda c, aid: c.svc.patients.load_authorization(aid),
         lambda c: int(c.one("SELECT min(id) FROM \"authorization\""))),
    Case("encounters.load", ("view", "encounter"),
         lambda c, eid: c.svc.encounters.load(eid), _unbilled),
    Case("encounters.patient_context", ("view", "patient"),
         lambda c, pid: c.svc.encounters.patient_context(pid),
         lambda c: int(c.one("SELECT min(id) FROM patient"))),
    Case("denials.detail", ("view", "claim"),
         lambda c, w: c.svc.denials.detail(w), _denial),
    Case("patient_merge.merge", ("merge", "patient"),
         lambda c, pair: c.svc.patient_merge.merge(*pair), lambda c: tuple(
             c.svc.patients.save(PatientForm(first, "Twin", "03/04/1980", "F", "1 Elm St",
                                             "Salem", "OR", "97301")).account_no
             for first in ("Ada", "Ida"))),
    Case("audit.login", ("login", "session"), lambda c, _: c.svc.audit.login()),
    Case("audit.logout", ("logout", "session"), lambda c, _: c.svc.audit.logout("quit")),
]  # fmt: skip

NO_RECORD = {
    # lists, searches, look-ups and previews: no one record is opened and nothing changes
    **dict.fromkeys(
        ["queues.summaries", "queues.page", "queues.balance_totals", "queues.aging_overview",
         "queues.payers", "encounters.find_patients", "encounters.providers",
         "encounters.search_codes", "encounters.fee", "encounters.check", "patients.payers",
         "patients.pending_authorizations", "followups.due", "followups.due_page",
         "followups.of", "unmatched.page", "unmatched.candidates", "unmatched.payment",
         "imports.inbox", "payments.account", "payments.preview", "statements.preview",
         "remittances.check_ledger", "remittances.recent",
         "reports.aging", "reports.denials", "reports.payments",
         "reports.productivity", "audit.page", "audit.of_record", "audit.cursor_before",
         "credits.open_items", "credits.visits_owing", "queues.find",
         "details.visit_problems", "patient_merge.candidates", "patient_merge.preview"],
        "read-only: a list, search, look-up or preview"),
    "queues.ping": "a connection check while the database is away: reads nothing",
    "remittances.post_in": "runs inside imports.import_*, which audits the import and posting",
    "remittances.post_read": "runs inside imports.import_*, which audits the import and posting",
    **dict.fromkeys(
        ["drafts.save", "drafts.find", "drafts.discard"],
        "a person's own unsaved copy of a form, autosaved as they type: the save it becomes "
        "is audited, the keystrokes are not"),
}  # fmt: skip


def test_every_public_service_method_is_classified(engine: Engine, tmp_path: Path) -> None:
    svc = services(engine, tmp_path)
    found: set[str] = set()
    for f in fields(Services):
        obj = getattr(svc, f.name)
        if not type(obj).__module__.startswith("medbill_tui.services"):
            continue
        for name, _ in inspect.getmembers(type(obj), inspect.isfunction):
            if not name.startswith("_"):
                found.add(f"{f.name}.{name}")
    known = {c.name for c in CASES} | set(NO_RECORD)
    assert found - known == set(), "a new service method: add it to CASES or NO_RECORD"


def _audit_rows(engine: Engine, after: int) -> list[tuple[str, str, str, int | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT actor, action, entity, entity_id FROM audit_event WHERE id > :a "
                 "ORDER BY id"), {"a": after}).all()  # fmt: skip
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _last_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT coalesce(max(id), 0) FROM audit_event")).scalar_one())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_change_and_open_writes_an_audit_row(
    demo_engine: Engine, tmp_path: Path, case: Case
) -> None:
    ctx = Ctx(services(demo_engine, tmp_path), demo_engine, tmp_path)
    arg = case.setup(ctx)
    before = _last_id(demo_engine)
    case.act(ctx, arg)
    rows = _audit_rows(demo_engine, before)
    assert (ACTOR, *case.expect) in [r[:3] for r in rows], rows
    assert {r[0] for r in rows} == {ACTOR}


def test_a_refused_change_writes_no_audit_row(demo_engine: Engine, tmp_path: Path) -> None:
    ctx = Ctx(services(demo_engine, tmp_path), demo_engine, tmp_path)
    item = _denial(ctx)
    ctx.svc.denials.write_off(item, "small")
    before = _last_id(demo_engine)
    with pytest.raises(DenialActionRefused):
        ctx.svc.denials.write_off(item, "again")
    with pytest.raises(DenialActionRefused):
        ctx.svc.denials.detail(10**9)
    assert _audit_rows(demo_engine, before) == []


def test_views_carry_the_screen_not_patient_data(demo_engine: Engine, tmp_path: Path) -> None:
    ctx = Ctx(services(demo_engine, tmp_path), demo_engine, tmp_path)
    pid = int(ctx.one("SELECT min(id) FROM patient"))
    before = _last_id(demo_engine)
    account = ctx.svc.details.account(pid)
    assert account.patient
    form = ctx.svc.patients.load(pid)
    with demo_engine.connect() as conn:
        details = conn.execute(text("SELECT detail FROM audit_event WHERE id > :a"),
                               {"a": before}).scalars().all()  # fmt: skip
    assert details == ["account", "patient form"]
    for secret in (form.last_name, form.first_name, form.dob, form.account_no):
        assert all(secret not in d for d in details)


def test_the_trail_reads_back_newest_first_in_pages(engine: Engine, tmp_path: Path) -> None:
    svc = services(engine, tmp_path)
    svc.audit.login()
    for user in ("ann", "bob", "ann"):
        svc_user = build_services(engine, Clock(DEMO_TODAY), actor=user, role="biller")
        svc_user.audit.login("cli")
    svc.audit.logout("quit")
    everything = svc.audit.page(AuditFilter())
    assert [(e.actor, e.action) for e in everything] == [
        (ACTOR, "logout"),
        ("ann", "login"),
        ("bob", "login"),
        ("ann", "login"),
        (ACTOR, "login"),
    ]
    first = svc.audit.page(AuditFilter(), limit=2)
    rest = svc.audit.page(AuditFilter(), cursor_of(first[-1]), limit=10)
    assert first + rest == everything
    assert [e.actor for e in svc.audit.page(AuditFilter(actor="ann"))] == ["ann", "ann"]
    assert [e.action for e in svc.audit.page(AuditFilter(action="logout"))] == ["logout"]
    today = everything[0].at.date()
    assert len(svc.audit.page(AuditFilter(since=today, until=today))) == 5
    assert svc.audit.page(AuditFilter(until=today - timedelta(days=1))) == ()
    assert svc.audit.page(AuditFilter(since=today + timedelta(days=1))) == ()


@pytest.mark.parametrize("table", ["audit_event", "ledger_entry", "claim_event", "dunning_event"])
@pytest.mark.parametrize(
    "statement",
    ["UPDATE {t} SET id = id", "DELETE FROM {t}", "TRUNCATE {t}", "TRUNCATE {t} CASCADE"],
)
def test_the_append_only_tables_refuse_change(
    demo_engine: Engine, table: str, statement: str
) -> None:
    with demo_engine.connect() as conn:
        before = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    assert before > 0 or table == "dunning_event"
    with pytest.raises(DBAPIError, match="append-only"), demo_engine.begin() as conn:
        if before == 0:  # a row trigger needs a row to fire on; TRUNCATE fires regardless
            conn.execute(text("INSERT INTO dunning_event (guarantor_id, cycle_no, step, as_of, "
                              "amount, created_by) SELECT min(id), 1, 'first', current_date, 1, "
                              "'t' FROM patient"))  # fmt: skip
        conn.execute(text(statement.format(t=table)))
    with demo_engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == before


def test_a_demo_load_still_replaces_everything(demo_engine: Engine) -> None:
    """The demo loader lifts the TRUNCATE guard in its own transaction and puts it back."""
    from medbill_tui.db.demo import load_demo

    load_demo(demo_engine, encounters=20, seed=3, today=DEMO_TODAY)
    with demo_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM encounter")).scalar_one() == 20
        enabled = conn.execute(text(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%\\_no\\_truncate' "
            "AND tgenabled = 'O'")).scalar_one()  # fmt: skip
    assert enabled == 4
    with pytest.raises(DBAPIError, match="append-only"), demo_engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_event"))


def test_a_second_edit_keeps_both_audits(demo_engine: Engine, tmp_path: Path) -> None:
    ctx = Ctx(services(demo_engine, tmp_path), demo_engine, tmp_path)
    form = ctx.svc.patients.load(int(ctx.one("SELECT min(id) FROM patient")))
    saved = ctx.svc.patients.save(replace(form, phone="5555550100"))
    ctx.svc.patients.save(replace(saved, phone="5555550101"))
    assert [e.action for e in ctx.svc.audit.of_record("patient", form.patient_id or 0)][:3] == [
        "update",
        "update",
        "view",
    ]
