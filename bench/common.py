"""What every benchmark shares: a fresh database (SQLite file or PostgreSQL), seeded bulk
data that keeps the ledger consistent, timing with median and spread, and result rows.

Bulk data: companies, users, sales orders and ledger entries are inserted with plain
multi-row INSERTs (not through the services) so that a million entries take seconds, not
hours. They are still a valid ledger: every entry is chained to its company's previous one
with the same hash the product computes (LedgerEntry.compute_hash), each company's
`ledger_head` is its newest entry, and each SO's stored `balance`/`held` equal the sum of
its entries, so `clc-ledger verify-ledger` passes on the generated data (the smoke test
checks it).
"""
import argparse
import json
import os
import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text, update

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"  # git-ignored: databases, instance folder
PG_URL = os.environ.get("CLC_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/clc_bench")
SIZES = ("tiny", "small", "full")
SECRET_KEY = "bench-secret-" + "0" * 32  # long enough for `clc-ledger serve` to accept it


def normalize_url(url):
    return url.replace("postgresql+psycopg://", "postgresql://")


def pick(size, tiny, small, full):
    return {"tiny": tiny, "small": small, "full": full}[size]


# --- databases -----------------------------------------------------------------------------

def pg_available(url=None):
    """Whether the bench database answers; created on first use when the server does
    (a fresh machine has the server but not this database)."""
    url = url or PG_URL
    try:
        import psycopg

        with psycopg.connect(normalize_url(url), connect_timeout=3):
            return True
    except Exception:
        return _create_pg_database(url)


def _create_pg_database(url):
    import psycopg
    from sqlalchemy.engine import make_url

    target = make_url(normalize_url(url))
    try:
        admin_url = target.set(database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(admin_url, connect_timeout=3, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{target.database}"')
        print(f"Created the bench database {target.database}")
        return True
    except Exception:
        return False


def database_url(kind, name, own_database=False):
    """The URL of the benchmark's database `name`: a file for SQLite; for PostgreSQL the bench
    database, or with own_database one beside it (created if need be), so that two datasets
    can be open at once."""
    if kind == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    if kind == "postgresql":
        if not own_database:
            return PG_URL
        from sqlalchemy.engine import make_url

        base = make_url(PG_URL)
        url = base.set(database=f"{base.database}_{name}").render_as_string(hide_password=False)
        if not pg_available(url):
            raise RuntimeError(f"cannot create the PostgreSQL database for {name}")
        OWN_DATABASES.add(url)
        return url
    raise ValueError(kind)


OWN_DATABASES = set()  # URLs of the databases beside PG_URL that database_url() handed out


def drop_own_databases():
    """Drop the databases beside PG_URL that this process used (the tests' clean-up)."""
    import psycopg
    from sqlalchemy.engine import make_url

    for url in sorted(OWN_DATABASES):
        target = make_url(normalize_url(url))
        admin_url = target.set(database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(admin_url, connect_timeout=10, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    OWN_DATABASES.clear()


def make_app(kind, name, own_database=False, **config):
    """A Flask app on a freshly created, empty schema (the benchmark's own database)."""
    from clc_ledger.extensions import db

    url = database_url(kind, name, own_database)
    app = open_app(url, **config)
    with app.app_context():
        if kind == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.create_all()
        db.session.remove()
    return app


def open_app(url, **config):
    """A Flask app on the benchmark database at `url`, as it is (another process's view of it)."""
    os.environ.setdefault("CLC_INSTANCE_PATH", str(OUT / "instance"))
    from clc_ledger import create_app

    settings = {
        "TESTING": False,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": SECRET_KEY,
        "CLC_MAIL_URL": None,
        "CLC_MAIL_DIR": str(OUT / "mail"),
        "CLC_TIMEZONE": "America/Los_Angeles",
        "CLC_PASSWORD_PROFILE": "CHEAPEST",
        "WTF_CSRF_ENABLED": True,
    }
    settings.update(config)
    return create_app(settings)


def dispose(app):
    from clc_ledger.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- bulk data -------------------------------------------------------------------------------

T0 = datetime(2025, 1, 6, 17, 0, tzinfo=UTC)
PASSWORD_HASH = "$argon2id$v=19$m=8,t=1,p=1$bm90LWEtcmVhbC1zYWx0$0000000000000000000000"


def entry_hash(prev_hash, *, company_id, sales_order_id, at, kind, amount, debit_id, description, actor_id):
    """LedgerEntry.compute_hash without building an ORM object,
    for an entry effective when it was recorded, at `at`."""
    from clc_ledger.ledger.models import chain_hash, entry_content

    return chain_hash(prev_hash, entry_content(
        company_id=company_id, sales_order_id=sales_order_id, effective_at=at, recorded_at=at, deferred_from=None,
        kind=kind, amount=amount, debit_id=debit_id, description=description, actor_id=actor_id))


def _chunks(rows, size):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def bulk_insert(table, rows, chunk=5000):
    from clc_ledger.extensions import db

    for part in _chunks(rows, chunk):
        db.session.execute(insert(table), part)


def _next_id(table):
    from clc_ledger.extensions import db

    return (db.session.scalar(select(text("max(id)")).select_from(table)) or 0) + 1


def reset_sequences():
    """PostgreSQL: identity sequences follow the explicit ids bulk inserts gave."""
    from clc_ledger.extensions import db

    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"))


def add_companies(count, *, approval=False, locale="en_US", prefix="Company"):
    """[company_id] of `count` new companies, each with a captain and a member."""
    from clc_ledger.accounts.models import Company, User
    from clc_ledger.extensions import db

    first = _next_id(Company.__table__)
    ids = list(range(first, first + count))
    bulk_insert(Company.__table__, [
        {"id": cid, "name": f"{prefix} {cid}", "country": "US", "locale": locale,
         "captain_approval_required": approval, "statement_recipients": [f"finance{cid}@example.com"],
         "created_at": T0, "ledger_head": None} for cid in ids])
    user_id = _next_id(User.__table__)
    users = []
    for cid in ids:
        for role in ("captain", "member"):
            users.append({"id": user_id, "username": f"{role}{cid}", "email": f"{role}{cid}@example.com",
                          "password_hash": PASSWORD_HASH, "role": role, "company_id": cid, "active": True,
                          "terms_accepted_at": T0, "created_at": T0, "session_epoch": 0})
            user_id += 1
    bulk_insert(User.__table__, users)
    reset_sequences()
    db.session.commit()
    return ids


def users_of(company_id):
    """{role: user_id} of a company made by add_companies."""
    from clc_ledger.accounts.models import User
    from clc_ledger.extensions import db

    return dict(db.session.execute(select(User.role, User.id).where(User.company_id == company_id)).all())


@dataclass
class NewSalesOrder:
    company_id: int
    credits: int  # hundredths
    expires_on: date
    spends: list = field(default_factory=list)  # [(at, amount>0)] posted debits after activation
    activated_at: datetime = T0


def add_active_sales_orders(orders, *, prefix="SO-B", entry_chunk=20000):
    """Insert active SOs with an activation entry and the given posted debits each, chained
    to their companies' ledgers; stored balances equal the entries. Returns the SO ids.

    Entries are written in time order per company (activation first, then spends in the
    order given); debits are written as bare `debit` entries (no Debit row), which is all a
    balance or a statement reads."""
    from clc_ledger.accounts.models import Company
    from clc_ledger.extensions import db
    from clc_ledger.ledger.models import LedgerEntry, SalesOrder

    company_ids = sorted({order.company_id for order in orders})
    heads = {}
    for part in _chunks(company_ids, 5000):
        heads.update(db.session.execute(select(Company.id, Company.ledger_head).where(Company.id.in_(part))).all())
    so_id = _next_id(SalesOrder.__table__)
    entry_id = _next_id(LedgerEntry.__table__)
    so_rows, ids, entries = [], [], []
    for order in orders:
        balance = order.credits - sum(amount for _at, amount in order.spends)
        assert balance >= 0
        number = f"{prefix}{so_id:08d}"
        so_rows.append({"id": so_id, "so_number": number, "company_id": order.company_id, "credits": order.credits,
                        "status": "active", "booked_on": order.expires_on - timedelta(days=372),
                        "invoice_date": order.expires_on - timedelta(days=365), "expires_on": order.expires_on,
                        "activated_at": order.activated_at, "reissue_of_id": None, "balance": balance, "held": 0,
                        "created_at": order.activated_at})
        ids.append(so_id)
        moves = [(order.activated_at, "activation", order.credits, f"Credits of {number} activated")]
        moves += [(at, "debit", -amount, f"Bench debit on {number}") for at, amount in order.spends]
        for at, kind, amount, description in moves:
            entries.append((order.company_id, so_id, at, kind, amount, description))
        so_id += 1
    bulk_insert(SalesOrder.__table__, so_rows)
    # Chain in (company, time) order, as the service would have written them.
    entries.sort(key=lambda e: (e[0], e[2]))
    rows = []
    for company_id, sales_order_id, at, kind, amount, description in entries:
        prev = heads.get(company_id)
        digest = entry_hash(prev, company_id=company_id, sales_order_id=sales_order_id, at=at, kind=kind,
                            amount=amount, debit_id=None, description=description, actor_id=None)
        rows.append({"id": entry_id, "company_id": company_id, "sales_order_id": sales_order_id,
                     "effective_at": at, "recorded_at": at,
                     "kind": kind, "amount": amount, "debit_id": None, "description": description,
                     "actor_id": None, "prev_hash": prev, "hash": digest})
        heads[company_id] = digest
        entry_id += 1
        if len(rows) >= entry_chunk:
            bulk_insert(LedgerEntry.__table__, rows)
            rows = []
    if rows:
        bulk_insert(LedgerEntry.__table__, rows)
    for company_id in company_ids:
        db.session.execute(update(Company).where(Company.id == company_id).values(ledger_head=heads[company_id]))
    # The sealed anchors move with the heads, as record_entry moves them (R-LED-2).
    from clc_ledger.ledger.anchors import LedgerAnchor, seal

    for part in _chunks(company_ids, 5000):
        db.session.execute(LedgerAnchor.__table__.delete().where(LedgerAnchor.company_id.in_(part)))
    bulk_insert(LedgerAnchor.__table__, [{"company_id": company_id, "head": heads[company_id],
                                          "seal": seal(company_id, heads[company_id])} for company_id in company_ids])
    reset_sequences()
    db.session.commit()
    return ids


def freeze_clock(at):
    """Set the test clock (the app must be created with TESTING=True)."""
    from clc_ledger.clock import ClockSetting
    from clc_ledger.extensions import db

    setting = db.session.get(ClockSetting, 1)
    if setting is None:
        db.session.add(ClockSetting(id=1, frozen_at=at))
    else:
        setting.frozen_at = at
    db.session.commit()


def analyze():
    from clc_ledger.extensions import db

    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


# --- timing and results --------------------------------------------------------------------

def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


@dataclass
class Stat:
    values: list

    @property
    def median(self):
        return statistics.median(self.values)

    @property
    def low(self):
        return min(self.values)

    @property
    def high(self):
        return max(self.values)

    def spread(self):
        """± half the range, relative to the median, in percent."""
        if not self.values or self.median == 0:
            return 0.0
        return 50.0 * (self.high - self.low) / abs(self.median)


@dataclass
class Result:
    measure: str  # "1", "2", ...
    name: str
    database: str
    sizes: str
    stat: Stat  # of the figure compared with the target
    unit: str
    target: str
    met: bool | None
    details: dict = field(default_factory=dict)

    def figure(self):
        return f"{self.stat.median:.3g} {self.unit}".strip()

    def as_dict(self):
        return {"measure": self.measure, "name": self.name, "database": self.database, "sizes": self.sizes,
                "median": self.stat.median, "low": self.stat.low, "high": self.stat.high,
                "spread_pct": self.stat.spread(), "runs": len(self.stat.values), "unit": self.unit,
                "target": self.target, "met": self.met, "details": self.details}


def seeded(seed):
    return random.Random(seed)


def databases(requested=None):
    kinds = list(requested or ("sqlite", "postgresql"))
    if "postgresql" in kinds and not pg_available():
        print(f"PostgreSQL not reachable at {PG_URL.split('@')[-1]}: skipped")
        kinds.remove("postgresql")
    return kinds


def command_line(run, argv=None):
    """Run one measure from the shell: `python -m bench.b1_debit --size small --db sqlite`;
    prints one JSON line per result."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--db", action="append", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    for result in run(args.size, args.db):
        print(json.dumps(result.as_dict()), flush=True)
