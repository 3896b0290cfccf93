"""A Hypothesis state machine over claims, exams, CE-bearing debits and the clock (R-CER-2,
R-CEC-1, R-CEL-2, R-CEL-3, R-CRT-3). After every step: credits never count twice (no claim
gives more than it holds; what recertifications used is what claims gave), never outside
their cycle, planned credits never count as earned, and a claim resolves once."""
import itertools
import os
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from clc_ledger import clock
from clc_ledger.accounts import services as accounts
from clc_ledger.clock_api import freeze
from clc_ledger.errors import ClcError, Conflict
from clc_ledger.extensions import db
from clc_ledger.ledger import debits, sales_orders
from clc_ledger.learning import claims, people, rules
from clc_ledger.learning.clc_link import lapse_planned_claims
from clc_ledger.learning.models import CeItem, Claim, Exam, Recertification
from clc_ledger.learning.progress import views_of_person

EXAMPLES = int(os.environ.get("CLC_STATEFUL_EXAMPLES", 150 if os.environ.get("CI") else 30))
_serial = itertools.count()
FINAL = ("earned", "denied", "cancelled", "lapsed")


class LearningMachine(RuleBasedStateMachine):
    @initialize(approval=st.booleans())
    def start(self, approval):
        n = next(_serial)
        self.now = datetime(2026, 6, 15, 19, 0, tzinfo=UTC)
        freeze(self.now)
        company = accounts.create_company(name=f"Learners {n}", country="US", captain_approval_required=approval)
        self.company_id = company.id
        self.requester = accounts.create_user(username=f"r{n}", email="r@example.com", password="a state machine passphrase",
                                              role="captain", company_id=company.id)
        self.reviewer = accounts.create_user(username=f"v{n}", email="v@example.com", password="a state machine passphrase",
                                             role="captain", company_id=company.id)
        self.person = people.create_person(viewer_id=self.requester.id, name="Lee", email=f"lee{n}@example.com")
        for name, level, earned in (("CCNP", "professional", "2024-01-10"), ("CCNA", "associate", "2025-02-28"),
                                    ("CCIE", "expert", "2023-11-01")):
            people.add_certification(self.person.id, viewer_id=self.requester.id, name=name, level=level,
                                     earned_on=datetime.fromisoformat(earned).date())
        if not db.session.scalar(select(func.count(CeItem.id))):
            for code, credits in (("A", 8), ("B", 24), ("C", 40), ("D", 64)):
                claims.create_item(code=code, title=code, credits=credits, delivery="ilt")
        self.items = db.session.scalars(select(CeItem.id).order_by(CeItem.id)).all()
        self.sales_orders = itertools.count()
        self.resolved = {}  # claim id -> (status, resolved_at) when first final

    def _claims(self):
        return db.session.scalars(select(Claim).where(Claim.person_id == self.person.id)
                                  .execution_options(populate_existing=True)).all()

    @rule(days=st.sampled_from([1, 7, 30, 89, 90, 91, 200]))
    def pass_time(self, days):
        self.now += timedelta(days=days)
        freeze(self.now)

    @rule(item=st.integers(0, 3), days_ago=st.sampled_from([0, 1, 45, 90, 91, 120]))
    def submit(self, item, days_ago):
        try:
            claims.submit_claim(viewer_id=self.requester.id, person_id=self.person.id, ce_item_id=self.items[item],
                                completed_on=clock.today() - timedelta(days=days_ago), validation_code="V")
        except ClcError as error:
            assert error.code in (409, 422)

    @rule(index=st.integers(0, 30), earn=st.booleans())
    def review(self, index, earn):
        mine = self._claims()
        if not mine:
            return
        claim = mine[index % len(mine)]
        before = claim.status
        try:
            if earn:
                claims.earn_claim(claim.id, viewer_id=self.reviewer.id)
            else:
                claims.deny_claim(claim.id, viewer_id=self.reviewer.id, reason="no")
        except Conflict:
            assert before != "pending"
        else:
            assert before == "pending"

    @rule(index=st.integers(0, 30), days_ago=st.sampled_from([0, 10, 91]))
    def complete(self, index, days_ago):
        mine = [c for c in self._claims() if c.debit_id]
        if not mine:
            return
        try:
            claims.complete_claim(mine[index % len(mine)].id, viewer_id=self.requester.id,
                                  completed_on=clock.today() - timedelta(days=days_ago), validation_code="V")
        except ClcError as error:
            assert error.code in (409, 422)

    @rule(kind=st.sampled_from(["associate", "technology_core", "concentration", "expert_lab"]),
          days_ago=st.sampled_from([0, 30]))
    def exam(self, kind, days_ago):
        claims.record_exam(self.person.id, viewer_id=self.requester.id, code="350-401", kind=kind,
                           passed_on=clock.today() - timedelta(days=days_ago))

    @rule(item=st.integers(0, 3), event_in=st.sampled_from([-5, 0, 20]))
    def buy_training(self, item, event_in):
        so = f"SO-L{self.company_id}-{next(self.sales_orders)}"  # credits that have not expired
        sales_orders.book_sales_order(so_number=so, company_id=self.company_id, credits=100_00, booked_on=clock.today())
        sales_orders.invoice_sales_order(so, invoice_date=clock.today())
        sales_orders.activate_sales_order(so)
        debit = debits.request_debit(requester_id=self.requester.id, amount=100_00, category="instructor_led_training",
                                     description="course", event_date=clock.today() + timedelta(days=event_in),
                                     ce_item_id=self.items[item], seats=2, attendees=[self.person.id])
        if debit.status == "pending":
            debits.approve_debit(debit.id, captain_id=self.reviewer.id)
            with pytest.raises(Conflict):
                debits.approve_debit(debit.id, captain_id=self.reviewer.id)
        assert db.session.scalar(select(func.count(Claim.id)).where(Claim.debit_id == debit.id)) == 1

    @rule()
    def lapse(self):
        lapse_planned_claims(self.now)

    @invariant()
    def credits_never_count_twice(self):
        if not hasattr(self, "person"):
            return
        mine = self._claims()
        for claim in mine:
            assert 0 <= claim.credits_used <= claim.credits
            assert claim.credits_used == 0 or claim.status == "earned"  # planned never counts as earned
        used = db.session.scalar(select(func.coalesce(func.sum(Recertification.credits_used), 0)).where(
            Recertification.reason == "pathway", Recertification.certification_id.in_(
                select(people.Certification.id).where(people.Certification.person_id == self.person.id))))
        assert int(used) == sum(claim.credits_used for claim in mine)
        exams = db.session.scalars(select(Exam).where(Exam.person_id == self.person.id)).all()
        assert len({exam.used_by_id for exam in exams if exam.used_by_id}) <= len(exams)

    @invariant()
    def only_earned_credits_inside_the_cycle_count(self):
        if not hasattr(self, "person"):
            return
        mine = self._claims()
        for row in views_of_person(self.person.id):
            if row["expires_on"] is None:
                continue
            start, end = row["cycle_started_on"], row["expires_on"]
            inside = [c for c in mine if c.status == "earned" and rules.in_cycle(c.completed_on, start, end)]
            assert row["earned"] == sum(c.credits - c.credits_used for c in inside)
            planned = [c for c in mine if c.status == "planned" and rules.in_cycle(c.expected_on, start, end)]
            assert row["projected"] == sum(c.credits for c in planned)

    @invariant()
    def a_claim_resolves_once(self):
        if not hasattr(self, "person"):
            return
        for claim in self._claims():
            if claim.id in self.resolved:
                assert (claim.status, claim.resolved_at) == self.resolved[claim.id]
            elif claim.status in FINAL:
                self.resolved[claim.id] = (claim.status, claim.resolved_at)


@pytest.mark.slow
def test_claims_exams_debits_and_time_keep_the_credit_invariants(app):
    run_state_machine_as_test(LearningMachine, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=25, deadline=None, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
