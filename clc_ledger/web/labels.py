"""Words for codes shown to people, translated."""
from flask_babel import lazy_gettext as _l

from ..jobs import TABLE as JOB_TABLE

STATUS_LABELS = {
    "booked": _l("Booked"),
    "invoiced": _l("Invoiced"),
    "active": _l("Active"),
    "expired": _l("Expired"),
    "closed": _l("Closed"),
    "pending": _l("Pending"),
    "posted": _l("Posted"),
    "rejected": _l("Rejected"),
    "cancelled": _l("Cancelled"),
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "open": _l("Open"),
    "upheld": _l("Upheld"),
    "denied": _l("Denied"),
    "running": _l("Running"),
    "ok": _l("Succeeded"),
    "error": _l("Failed"),
    "partial": _l("Partly done"),  # R-JOB-2: some companies or messages failed; retried
    "died": _l("Process died"),  # R-JOB-1: its process was killed mid-run; taken over
}

TRIGGER_LABELS = {"api": _l("API"), "scheduler": _l("Scheduler"), "cli": _l("Command line"), "web": _l("Back office")}

CATEGORY_LABELS = {
    "instructor_led_training": _l("Instructor-led training"),
    "digital_learning": _l("Self-paced digital learning"),
    "exam_voucher": _l("Cisco exam vouchers"),
    "certification_prep": _l("Cisco certification prep"),
    "automation_bootcamp": _l("Automation bootcamp"),
    "guided_study_group": _l("Guided study group"),
    "cisco_live": _l("Cisco Live"),
    "cisco_modeling_labs": _l("Cisco Modeling Labs"),
    "customized_offering": _l("Customized offerings"),
    "learning_network_store": _l("Cisco Learning Network Store"),
}

JOB_LABELS = {job.name: job.label for job in JOB_TABLE}  # the job table words its jobs

REFUSED_CATEGORY_LABELS = {
    "learning_partner": _l("Payment to a Learning Partner directly"),
    "equipment": _l("Cisco equipment"),
    "services": _l("Cisco services"),
    "cisco_press_books": _l("Cisco Press books"),
    "class_materials": _l("Class materials"),
    "travel": _l("Travel"),
    "lodging": _l("Lodging"),
}

ALL_CATEGORY_LABELS = {**CATEGORY_LABELS, **REFUSED_CATEGORY_LABELS}

ROLE_LABELS = {"member": _l("Member"), "observer": _l("Observer"), "captain": _l("Captain"), "admin": _l("Admin")}


def status_label(status):
    return STATUS_LABELS.get(status, status)


def category_label(category):
    return ALL_CATEGORY_LABELS.get(category, category)


def role_label(role):
    return ROLE_LABELS.get(role, role)


def job_label(name):
    return JOB_LABELS.get(name, "")


def trigger_label(trigger):
    return TRIGGER_LABELS.get(trigger, trigger)


RESULT_LABELS = {
    "expired_sales_orders": _l("Sales orders expired"),
    "expired_credits": _l("Credits expired"),
    "sales_orders_checked": _l("Sales orders checked"),
    "reminders_enqueued": _l("Reminders queued"),
    "reminded": _l("Debits reminded"),
    "cancelled": _l("Debits cancelled"),
    "sent": _l("Emails sent"),
    "retrying": _l("Emails to retry"),
    "failed": _l("Failed"),
    "stopped": _l("Stopped"),
    "period": _l("Month"),
    "issued": _l("Statements issued"),
    "statements": _l("Statements"),
    "company_id": _l("Company"),
}


def _readable(value):
    """A job's result value as words, never a Python repr: lists joined, mappings as
    'label value', nothing as a dash."""
    if value is None or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if isinstance(value, dict):
        return ", ".join(f"{RESULT_LABELS.get(key, key.replace('_', ' '))} {_readable(item)}"
                         for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(_readable(item) for item in value)
    return str(value)


def job_result(result):
    """[(label, text)] for a job run's result mapping, in a stable order."""
    return [(RESULT_LABELS.get(key, key.replace("_", " ").capitalize()), _readable(value))
            for key, value in sorted((result or {}).items())]
