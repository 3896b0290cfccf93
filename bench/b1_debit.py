"""Measure 1: a debit request and its posting through the service layer
(clc_ledger.ledger.debits.request_debit, with its two notification emails in the outbox)
vs raw SQL doing the same reads, inserts and updates in one transaction on the same
database. Target: throughput ratio service / raw >= 0.25 on SQLite and PostgreSQL.

The raw baseline is the database's own limit for this work: the DB-API cursor, the company
row locked (FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite), the spendable SOs read,
the debit, its allocation and ledger entry (hash computed) inserted, the SO's balance and
the chain head updated, the captains and the balance left read for the notices, two outbox
rows (template and JSON snapshot, as the service writes them; rendered at delivery)
inserted, commit.
"""
import json
import uuid
from datetime import UTC, date

from bench import common

TARGET = 0.25


def _sql(dialect, statement):
    return statement.replace("?", "%s") if dialect == "postgresql" else statement


def _stamp(dialect, value):
    """How SQLAlchemy's UTCDateTime stores an instant: naive UTC text on SQLite."""
    if dialect == "sqlite":
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    return value


class Raw:
    """One debit as plain SQL statements on a DB-API connection, in one transaction."""

    def __init__(self, engine):
        self.dialect = engine.dialect.name
        self.connection = engine.raw_connection()
        if self.dialect == "sqlite":
            self.connection.driver_connection.isolation_level = None

    def close(self):
        self.connection.close()

    def debit(self, company_id, member_id, amount, now):
        from bench.common import entry_hash

        d, stamp = self.dialect, _stamp(self.dialect, now)
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE" if d == "sqlite" else "BEGIN")
        cursor.execute(_sql(d, "SELECT role, company_id, active, email FROM users WHERE id = ?"), (member_id,))
        cursor.fetchone()
        lock = " FOR UPDATE" if d == "postgresql" else ""
        cursor.execute(_sql(d, "SELECT id, ledger_head, captain_approval_required, country FROM companies "
                               "WHERE id = ?" + lock), (company_id,))
        _cid, head, _approval, _country = cursor.fetchone()
        cursor.execute(_sql(d, "SELECT id, so_number, balance, held, expires_on FROM sales_orders "
                               "WHERE company_id = ? AND status = 'active' ORDER BY expires_on, so_number"),
                       (company_id,))
        orders = cursor.fetchall()
        so_id, so_number = next((row[0], row[1]) for row in orders if row[2] - row[3] >= amount)
        description = "Exam vouchers for the team"
        cursor.execute(_sql(d, "INSERT INTO debits (company_id, requested_by_id, amount, category, description, "
                               "status, requested_at, decided_at) VALUES (?, ?, ?, ?, ?, 'posted', ?, ?) RETURNING id"),
                       (company_id, member_id, amount, "exam_voucher", description, stamp, stamp))
        debit_id = cursor.fetchone()[0]
        cursor.execute(_sql(d, "INSERT INTO debit_allocations (debit_id, sales_order_id, amount) VALUES (?, ?, ?)"),
                       (debit_id, so_id, amount))
        note = f"Debit #{debit_id}: {description}"
        digest = entry_hash(head, company_id=company_id, sales_order_id=so_id, at=now, kind="debit", amount=-amount,
                            debit_id=debit_id, description=note, actor_id=member_id)
        cursor.execute(_sql(d, "INSERT INTO ledger_entries (company_id, sales_order_id, effective_at, recorded_at, kind, "
                               "amount, debit_id, description, actor_id, prev_hash, hash) "
                               "VALUES (?, ?, ?, ?, 'debit', ?, ?, ?, ?, ?, ?)"),
                       (company_id, so_id, stamp, stamp, -amount, debit_id, note, member_id, head, digest))
        cursor.execute(_sql(d, "UPDATE sales_orders SET balance = balance - ? WHERE id = ?"), (amount, so_id))
        cursor.execute(_sql(d, "UPDATE companies SET ledger_head = ? WHERE id = ?"), (digest, company_id))
        cursor.execute(_sql(d, "SELECT email FROM users WHERE company_id = ? AND role = 'captain' AND active "
                               "AND id <> ? ORDER BY id"), (company_id, member_id))
        captains = [row[0] for row in cursor.fetchall()]
        # The balance left, which the notices show: every SO of the company, as the service reads it.
        cursor.execute(_sql(d, "SELECT status, expires_on, balance, held FROM sales_orders WHERE company_id = ?"),
                       (company_id,))
        remaining = sum(balance - held for _status, _expires, balance, held in cursor.fetchall())
        snapshot = {"company": {"name": "Bench"}, "requester": {"username": "member"},
                    "debit": {"id": debit_id, "amount": amount, "category": "exam_voucher",
                              "description": description, "reason": None},
                    "remaining": remaining, "allocations": [[so_number, amount]]}
        for event, to in (("debit_posted_without_approval", captains), ("debit_posted", ["member@example.com"])):
            cursor.execute(_sql(d, "INSERT INTO outbox_messages (message_id, dedupe_key, recipients, template, "
                                   "locale, snapshot, status, attempts, next_attempt_at, created_at) "
                                   "VALUES (?, ?, ?, ?, 'en_US', ?, 'pending', 0, ?, ?) "
                                   "ON CONFLICT (dedupe_key) DO NOTHING"),
                           (f"<{uuid.uuid4().hex}@bench>", f"{event}:{debit_id}", json.dumps(to), event,
                            json.dumps(snapshot), stamp, stamp))
        cursor.execute("COMMIT")
        cursor.close()


def run(size="small", kinds=None, runs=None):
    from clc_ledger import clock
    from clc_ledger.extensions import db
    from clc_ledger.ledger.debits import request_debit

    per_run = common.pick(size, 10, 150, 2000)
    runs = runs or common.pick(size, 1, 5, 5)
    companies = 16
    results = []
    for kind in common.databases(kinds):
        app = common.make_app(kind, "b1_debit")
        with app.app_context():
            rng = common.seeded(1)
            ids = common.add_companies(companies)
            members = {cid: common.users_of(cid)["member"] for cid in ids}
            credits = 10_000_000_00  # plenty for every run
            common.add_active_sales_orders([common.NewSalesOrder(cid, credits, date(2099, 1, day + 1))
                                            for cid in ids for day in range(3)])
            common.analyze()
            raw = Raw(db.engine)
            service_times, raw_times = [], []
            for _run in range(runs):
                plan = [(rng.choice(ids), rng.randint(1, 500) * 100) for _ in range(per_run)]

                def service():
                    for cid, amount in plan:
                        request_debit(requester_id=members[cid], amount=amount, category="exam_voucher",
                                      description="Exam vouchers for the team")
                        db.session.remove()

                def baseline():
                    for cid, amount in plan:
                        raw.debit(cid, members[cid], amount, clock.now())

                service_times.append(common.timed(service)[0])
                raw_times.append(common.timed(baseline)[0])
            raw.close()
            ratios = [r / s for r, s in zip(raw_times, service_times)]
            stat = common.Stat(ratios)
            results.append(common.Result(
                "1", "debit: service vs raw SQL (throughput ratio)", kind, f"{per_run} debits x {runs} runs",
                stat, "", f">= {TARGET}", stat.median >= TARGET,
                {"service_debits_per_s": common.Stat([per_run / t for t in service_times]).median,
                 "raw_debits_per_s": common.Stat([per_run / t for t in raw_times]).median}))
        common.dispose(app)
    return results


def main(argv=None):
    common.command_line(run, argv)


if __name__ == "__main__":
    main()
