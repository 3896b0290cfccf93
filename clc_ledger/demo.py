"""Demo data: two companies, their people and sales orders, dated relative to today."""
from datetime import timedelta

from sqlalchemy import select

from . import clock
from .accounts import services as accounts
from .accounts.models import User
from .extensions import db
from .ledger import debits, sales_orders
from .learning.demo import load_learning_demo
from .ledger.models import SalesOrder

PASSWORD = "demo-password"

PEOPLE = [
    ("admin", "admin", None),
    ("alice", "captain", "Acme Networks"),
    ("bob", "member", "Acme Networks"),
    ("olivia", "observer", "Acme Networks"),
    ("klaus", "captain", "Rheinland Systeme GmbH"),
    ("greta", "member", "Rheinland Systeme GmbH"),
]

COMPANIES = [
    ("Acme Networks", "US", "en_US", True),
    ("Rheinland Systeme GmbH", "DE", "de_DE", False),
]

# (SO number, company, credits, invoiced this many days ago, activate?)
SALES_ORDERS = [
    ("SO-100101", "Acme Networks", 5000, 310, True),   # expires in ~55 days: reissue window open
    ("SO-100102", "Acme Networks", 12000, 40, True),
    ("SO-100103", "Acme Networks", 3000, None, False),  # booked, not yet available
    ("SO-200201", "Rheinland Systeme GmbH", 8000, 200, True),
]


class DemoNotLoaded(Exception):
    """The database holds records with the demo's names that are not the demo's; nothing was changed."""


def load_demo():
    """Load the demo beside whatever the database already holds. Returns (logins, added):
    logins as (username, password, role, company) rows; added is False when the demo was
    loaded before (its people exist and sign in with its password) and nothing was added.

    Raises DemoNotLoaded, changing nothing, when a demo username or sales order number is
    taken by something else: the demo's logins would not work."""
    logins = [(name, PASSWORD, role, company or "(back office)") for name, role, company in PEOPLE]
    names = [name for name, _role, _company in PEOPLE]
    numbers = [number for number, *_rest in SALES_ORDERS]
    users = db.session.scalars(select(User).where(User.username.in_(names))).all()
    taken_numbers = db.session.scalars(select(SalesOrder.so_number).where(SalesOrder.so_number.in_(numbers))).all()
    if users or taken_numbers:
        if len(users) == len(names) and len(taken_numbers) == len(numbers) \
                and all(accounts.check_password(user, PASSWORD) for user in users):
            return logins, False
        taken = sorted(user.username for user in users if not accounts.check_password(user, PASSWORD))
        reasons = ([f"the username(s) {', '.join(taken)} exist with other passwords"] if taken else []) \
            + ([f"the sales order(s) {', '.join(sorted(taken_numbers))} exist"] if taken_numbers else [])
        raise DemoNotLoaded("; ".join(reasons) or "part of the demo exists, not all of it")
    today = clock.today()
    companies = {}
    for name, country, locale, approval in COMPANIES:
        companies[name] = accounts.create_company(
            name=name, country=country, locale=locale, captain_approval_required=approval,
            statement_recipients=[f"finance@{name.split()[0].lower()}.example"])
    for username, role, company in PEOPLE:
        user = accounts.create_user(username=username, email=f"{username}@example.com", password=PASSWORD,
                                    role=role, company_id=companies[company].id if company else None)
        if username != "bob":  # bob meets the Terms and Conditions on first sign-in
            accounts.accept_terms(user.id)
    for number, company, credits, invoiced_ago, activate in SALES_ORDERS:
        booked_on = today - timedelta(days=(invoiced_ago or 3) + 5)
        sales_orders.book_sales_order(so_number=number, company_id=companies[company].id, credits=credits,
                                      booked_on=booked_on)
        if invoiced_ago is not None:
            sales_orders.invoice_sales_order(number, invoice_date=today - timedelta(days=invoiced_ago))
        if activate:
            sales_orders.activate_sales_order(number)
    _demo_debits()
    load_learning_demo()
    return logins, True


# (requester, amount in hundredths, category, description, decided by) — None leaves it pending
DEBITS = [
    ("bob", 1200, "instructor_led_training", "CCNP ENCOR course, March cohort", "alice"),
    ("bob", 300, "exam_voucher", "CCNA exam voucher for Dana", None),
    ("alice", 850, "cisco_live", "Cisco Live Amsterdam full pass", None),
    ("greta", 2500, "digital_learning", "Cisco U. all-access, team of five", "auto"),
]


def _demo_debits():
    users = {user.username: user for user in db.session.scalars(select(User))}
    for requester, amount, category, description, decided_by in DEBITS:
        debit = debits.request_debit(requester_id=users[requester].id, amount=amount, category=category,
                                     description=description)
        if decided_by not in (None, "auto"):
            debits.approve_debit(debit.id, captain_id=users[decided_by].id)
