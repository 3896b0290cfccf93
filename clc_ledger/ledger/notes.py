"""What a ledger entry says, stored as data and worded when shown (R-TXT-1).

An entry carries a `note` (what happened: `debit_approved`, `expired`...) and its `refs`
(the SO numbers, debit, dispute or reissue request it names, a date), plus in `description`
only what a person wrote (a debit's description, a rejection's reason). `word()` turns them
into a sentence in the current language of the `mail` domain (statements, mail, CSV, PDF and
the API all word them alike).

Entries written before notes existed hold an English sentence in `description`. They are
append-only and their hash covers that text (R-LED-1, R-LED-2), so they are not rewritten:
`parse_legacy()` reads the same note and refs back out of the sentence when they are shown.
"""
import re
from datetime import date

from flask_babel import format_date, get_locale

from ..i18n import lazy_m
from ..money import format_clc

# note -> the English template (mail domain). Placeholders: refs by name, %(text)s the free text.
TEMPLATES = {
    "activated": lazy_m("Credits of %(so)s activated"),
    "expired": lazy_m("Credits of %(so)s expired on %(on)s"),
    "debit_requested": lazy_m("Debit #%(debit)s: %(text)s"),
    "debit_approved": lazy_m("Debit #%(debit)s approved: %(text)s"),
    "debit_rejected": lazy_m("Debit #%(debit)s rejected: %(text)s"),
    "debit_cancelled": lazy_m("Debit #%(debit)s cancelled"),
    "debit_auto_cancelled": lazy_m("Debit #%(debit)s cancelled automatically: no captain decided within 45 days"),
    "expiry_undone": lazy_m("Expiry of %(amount)s undone: reissued as %(to_so)s (reissue request %(request)s)"),
    "reissued_to": lazy_m("Reissued to %(to_so)s (reissue request %(request)s)"),
    "reissued_from": lazy_m("Reissue of %(from_so)s (reissue request %(request)s)"),
    "released_forwarded_to": lazy_m("Released credits follow the reissue to %(to_so)s"),
    "released_forwarded_from": lazy_m("Released credits of %(from_so)s, reissued"),
    "dispute_upheld": lazy_m("Dispute #%(dispute)s upheld: debit #%(debit)s reversed"),
}
NOTES = tuple(TEMPLATES)

_AUTO_CANCEL = "Cancelled automatically: no captain decided within 45 days."
# The English sentences entries held before notes, newest forms first where two overlap.
_LEGACY = [
    ("activated", re.compile(r"Credits of (?P<so>.+) activated")),
    ("expired", re.compile(r"Credits of (?P<so>.+) expired on (?P<on>\d{4}-\d\d-\d\d)")),
    ("debit_auto_cancelled", re.compile(r"Debit #(?P<debit>\d+): " + re.escape(_AUTO_CANCEL))),
    ("debit_approved", re.compile(r"Debit #(?P<debit>\d+) approved: (?P<text>.*)", re.S)),
    ("debit_rejected", re.compile(r"Debit #(?P<debit>\d+) rejected: (?P<text>.*)", re.S)),
    ("debit_cancelled", re.compile(r"Debit #(?P<debit>\d+) cancelled")),
    ("debit_requested", re.compile(r"Debit #(?P<debit>\d+): (?P<text>.*)", re.S)),
    ("expiry_undone", re.compile(r"Expiry of (?P<amount>\d+\.\d\d) undone: reissued as (?P<to_so>.+) "
                                 r"\(reissue request (?P<request>\d+)\)")),
    ("reissued_to", re.compile(r"Reissued to (?P<to_so>.+) \(reissue request (?P<request>\d+)\)")),
    ("reissued_from", re.compile(r"Reissue of (?P<from_so>.+) \(reissue request (?P<request>\d+)\)")),
    ("released_forwarded_to", re.compile(r"Released credits follow the reissue to (?P<to_so>.+)")),
    ("released_forwarded_from", re.compile(r"Released credits of (?P<from_so>.+), reissued")),
    ("dispute_upheld", re.compile(r"Dispute #(?P<dispute>\d+) upheld: debit #(?P<debit>\d+) reversed")),
]
_INTEGER_REFS = {"debit", "dispute", "request"}


# Category names for mail and statements (the pages have theirs in web/labels.py).
CATEGORY_WORDS = {
    "instructor_led_training": lazy_m("Instructor-led training"),
    "digital_learning": lazy_m("Self-paced digital learning"),
    "exam_voucher": lazy_m("Cisco exam vouchers"),
    "certification_prep": lazy_m("Cisco certification prep"),
    "automation_bootcamp": lazy_m("Automation bootcamp"),
    "guided_study_group": lazy_m("Guided study group"),
    "cisco_live": lazy_m("Cisco Live"),
    "cisco_modeling_labs": lazy_m("Cisco Modeling Labs"),
    "customized_offering": lazy_m("Customized offerings"),
    "learning_network_store": lazy_m("Cisco Learning Network Store"),
}


def category_word(category):
    return str(CATEGORY_WORDS[category]) if category in CATEGORY_WORDS else category


def parse_legacy(description):
    """(note, refs, text) read out of an entry's English sentence; (None, {}, description)
    when it is none of them (then it is shown as written)."""
    for note, pattern in _LEGACY:
        match = pattern.fullmatch(description or "")
        if match:
            refs = {name: value for name, value in match.groupdict().items() if name != "text"}
            for name in _INTEGER_REFS & refs.keys():
                refs[name] = int(refs[name])
            if "amount" in refs:
                whole, cents = refs["amount"].split(".")
                refs["amount"] = int(whole) * 100 + int(cents)
            return note, refs, match.groupdict().get("text") or ""
    return None, {}, description or ""


def word(note, refs, description, fmt):
    """The entry in the current language. `fmt` formats dates and amounts for the reader
    (statements.context.Formatter or anything with .day() and .clc())."""
    if note is None:
        note, refs, description = parse_legacy(description)
    template = TEMPLATES.get(note)
    if template is None:
        return description or ""
    values = dict(refs or {})
    if "on" in values:
        values["on"] = fmt.day(values["on"])
    if "amount" in values:
        values["amount"] = fmt.clc(values["amount"])
    values["text"] = description or ""
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return description or note


class ReaderFormat:
    """Babel formatting for `word()` outside a statement (the API): the current locale."""

    def day(self, value):
        return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "medium")

    def clc(self, hundredths):
        return format_clc(hundredths, str(get_locale() or "en"))
