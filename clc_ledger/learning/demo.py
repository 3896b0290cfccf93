"""Learning demo data for `clc-ledger demo`: a CE catalog, Acme's roster with certifications
at various stages (at risk, healthy, recertified, expired), claims in each state and a
CE-bearing debit whose attendees got planned claims. Dates are relative to today."""
from datetime import timedelta

from sqlalchemy import select

from .. import clock
from ..accounts.models import User
from ..extensions import db
from ..ledger import debits
from . import claims, people, specializations
from .models import Person

ITEMS = [  # code, title, credits, delivery, CLC category
    ("ENCOR-ILT", "Implementing Cisco Enterprise Network Core Technologies (ENCOR)", 64, "ilt",
     "instructor_led_training"),
    ("CCNA-DL", "Implementing and Administering Cisco Solutions (CCNA), digital", 30, "digital", "digital_learning"),
    ("AUTO-BC", "Network Automation Bootcamp", 32, "bootcamp", "automation_bootcamp"),
    ("CL-BRKENS", "Cisco Live breakout session", 4, "cisco_live_session", None),
    ("PY-REVUP", "Rev Up to Recert: Python", 15, "digital", None),
]

# name, user, certification, level, earned this many days ago
ROSTER = [
    ("Bob Baker", "bob", "CCNP Enterprise", "professional", 3 * 365 - 150),  # expires in ~5 months: at risk
    ("Dana Diaz", None, "CCNA", "associate", 400),
    ("Erin Ek", None, "CCIE Enterprise Infrastructure", "expert", 3 * 365 - 60),
    ("Frank Fox", None, "CCNA", "associate", 3 * 365 + 30),  # expired a month ago
]


def load_learning_demo():
    if db.session.scalar(select(Person.id)):
        return
    today = clock.today()
    users = {user.username: user for user in db.session.scalars(select(User))}
    alice, bob = users["alice"], users["bob"]

    items = {code: claims.create_item(code=code, title=title, credits=credits, delivery=delivery,
                                      clc_category=category)
             for code, title, credits, delivery, category in ITEMS}
    roster = {}
    for name, username, certification, level, days_ago in ROSTER:
        person = people.create_person(viewer_id=alice.id, name=name,
                                      email=f"{name.split()[0].lower()}@acme.example",
                                      user_id=users[username].id if username else None)
        people.add_certification(person.id, viewer_id=alice.id, name=certification, level=level,
                                 earned_on=today - timedelta(days=days_ago))
        roster[name.split()[0]] = person
    # Dana: an earned claim; Erin: one pending review, with a validation code.
    earned = claims.submit_claim(viewer_id=alice.id, person_id=roster["Dana"].id, ce_item_id=items["PY-REVUP"].id,
                                 completed_on=today - timedelta(days=30), validation_code="REVUP-7781")
    claims.earn_claim(earned.id, viewer_id=alice.id)
    claims.submit_claim(viewer_id=alice.id, person_id=roster["Erin"].id, ce_item_id=items["AUTO-BC"].id,
                        completed_on=today - timedelta(days=12), validation_code="BC-20931")
    # Training bought with CLCs: two seats of ENCOR for Bob and Erin; approval plans their claims.
    debit = debits.request_debit(requester_id=bob.id, amount=7000, category="instructor_led_training",
                                 description="ENCOR, two seats for Bob and Erin", event_date=today + timedelta(days=14),
                                 ce_item_id=items["ENCOR-ILT"].id, seats=2,
                                 attendees=[roster["Bob"].id, roster["Erin"].id])
    if debit.status == "pending":
        debits.approve_debit(debit.id, captain_id=alice.id)
    load_partner_demo(alice, roster)


# Knowledge sessions (code, title, points, specializations) and Acme's specializations
# (name, type, approved this many days ago): Enterprise Networks falls due in about two months
# and is short of points, Collaboration (express) has what it needs.
SESSIONS = [
    ("KS-SDA-101", "SD-Access design essentials (knowledge session)", 20, ["Enterprise Networks"]),
    ("KS-WIFI6", "Wi-Fi 6 and 6E deployment (knowledge session)", 10, ["Enterprise Networks"]),
    ("KS-WEBEX", "Webex Calling for partners (knowledge session)", 20, ["Collaboration"]),
    ("KS-SECURE", "Secure access for collaboration (knowledge session)", 5, ["Collaboration", "Enterprise Networks"]),
]
SPECIALIZATIONS = [("Enterprise Networks", "architecture", 300), ("Collaboration", "express", 120)]


def load_partner_demo(alice, roster):
    """Acme as a Cisco partner: specializations, knowledge sessions and points earned (R-PTS-*)."""
    today = clock.today()
    sessions = {code: claims.create_item(code=code, title=title, credits=1, delivery="knowledge_session",
                                         points=points, specializations=names)
                for code, title, points, names in SESSIONS}
    held = {name: specializations.create_specialization(alice.company_id, viewer_id=alice.id, name=name, type=kind,
                                                        approved_on=today - timedelta(days=days_ago))
            for name, kind, days_ago in SPECIALIZATIONS}
    for person, code, spec, days_ago, how in (
            ("Bob", "KS-SDA-101", "Enterprise Networks", 200, "started"),
            ("Erin", "KS-SDA-101", "Enterprise Networks", 150, "assessment_passed"),
            ("Dana", "KS-WIFI6", "Enterprise Networks", 40, "started"),
            ("Dana", "KS-WEBEX", "Collaboration", 90, "started"),
            ("Erin", "KS-WEBEX", "Collaboration", 60, "assessment_passed")):
        specializations.record_points(held[spec].id, viewer_id=alice.id, person_id=roster[person].id,
                                      ce_item_id=sessions[code].id, on=today - timedelta(days=days_ago), how=how)
