"""The arithmetic of Learning I, without the database: cycles, status, pathways, progress.

Everything here is a pure function of plain values, so that the rules can be read (and
tested, tests/learning/test_rules.py) on their own. Credits are whole numbers; dates are
local calendar dates.
"""
from datetime import date, timedelta
from typing import NamedTuple

from flask import current_app, has_app_context

CYCLE_YEARS = 3  # R-CRT-1
SUBMIT_WINDOW_DAYS = 90  # R-CEC-2
EARLY_WARNING_DAYS = 90  # R-CEX-1
LAPSE_AFTER_DAYS = 90  # R-CEL-3
REMINDER_DAYS = (180, 90, 60, 30, 7)  # R-CRN-1 (config CLC_LEARNING_REMINDER_DAYS)
VOUCHER_REMINDER_DAYS = (60, 30)  # R-CEL-4
AT_RISK_DAYS = 180  # R-CRN-1

# R-CER-1, Cisco's published pathways (config CLC_LEARNING_PATHWAYS): per level, a list of
# (credits, {exam kind: count}); any one of them met inside the cycle recertifies.
DEFAULT_PATHWAYS = {
    "entry": [],
    "associate": [(30, {}), (0, {"associate": 1}), (0, {"technology_core": 1}), (0, {"concentration": 1}),
                  (0, {"expert_lab": 1})],
    "specialist": [(40, {}), (0, {"specialist": 1})],
    "professional": [(80, {}), (40, {"concentration": 1}), (0, {"technology_core": 1}), (0, {"concentration": 2}),
                     (0, {"expert_lab": 1})],
    "expert": [(120, {}), (40, {"technology_core": 1}), (40, {"concentration": 2}), (80, {"concentration": 1}),
               (0, {"concentration": 3}), (0, {"expert_lab": 1})],
}


def pathways(level):
    """[(credits, {kind: count})] for a level, from configuration or Cisco's defaults."""
    table = DEFAULT_PATHWAYS
    if has_app_context():
        table = current_app.config.get("CLC_LEARNING_PATHWAYS") or DEFAULT_PATHWAYS
    return [(int(credits), dict(exams)) for credits, exams in table.get(level, [])]


def reminder_days():
    if has_app_context():
        return tuple(sorted(current_app.config.get("CLC_LEARNING_REMINDER_DAYS") or REMINDER_DAYS, reverse=True))
    return REMINDER_DAYS


def pathway_label(credits, exams):
    """'40 CE + 1 concentration', '80 CE', '1 technology_core': a pathway's stable name."""
    parts = [f"{credits} CE"] if credits else []
    parts += [f"{count} {kind}" for kind, count in sorted(exams.items())]
    return " + ".join(parts)


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February (R-CRT-1)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def cycle_end(level, started_on):
    """expires_on of a cycle starting on `started_on`: None for entry (never expires)."""
    return None if level == "entry" else add_years(started_on, CYCLE_YEARS)


def status(expires_on, today):
    """R-CRT-2: active through the end of `expires_on`, expired from the next day."""
    return "active" if expires_on is None or today <= expires_on else "expired"


def in_cycle(day, started_on, expires_on):
    return day is not None and started_on <= day and (expires_on is None or day <= expires_on)


def submit_window_closed_on(today):
    """The last day that falls outside the 90-day window of R-CEC-2: completed_on must be later."""
    return today - timedelta(days=SUBMIT_WINDOW_DAYS + 1)


class Credit(NamedTuple):
    """Credits of one claim as the rules see them: `on` is completed_on (or, for a planned
    claim, the day the training is expected), `credits` what is still unused of it."""
    id: int
    on: date
    credits: int
    status: str


class ExamPass(NamedTuple):
    id: int
    on: date
    kind: str


def progress(level, started_on, expires_on, credits, exams, options=None):
    """Progress of one certification (R-CER-1, R-CER-2, R-CEL-3).

    `credits`: Credit tuples of the person's pool (unused parts only); `exams`: unused ExamPass
    tuples. Only what falls inside the cycle counts; planned claims are projected, never
    earned. `options`: pathways(level), when the caller has read them already (the team view
    computes thousands of rows). Returns dict(required, earned, pending, projected, gap,
    best_pathway, met, gap_counting_all) where `best_pathway` is the pathway that needs the
    least more.
    """
    earned = pending = projected = 0
    for credit in credits:
        on = credit.on
        if on is None or on < started_on or (expires_on is not None and on > expires_on):
            continue  # outside the cycle (in_cycle)
        if credit.status == "earned":
            earned += credit.credits
        elif credit.status == "pending":
            pending += credit.credits
        elif credit.status == "planned":
            projected += credit.credits
    kinds = {}
    for exam in exams:
        if in_cycle(exam.on, started_on, expires_on):
            kinds[exam.kind] = kinds.get(exam.kind, 0) + 1
    if options is None:
        options = pathways(level)
    if not options:
        return {"required": 0, "earned": earned, "pending": pending, "projected": projected, "gap": 0,
                "best_pathway": None, "met": True, "gap_counting_all": 0}
    everything = earned + pending + projected
    best = None
    best_need = None
    gap_all = None  # credits still missing, counting everything, on pathways whose exams are passed
    for option in options:
        required, exams_needed = option
        missing_exams = _missing_exams(exams_needed, kinds)
        need = (missing_exams, max(0, required - earned))
        if best_need is None or need < best_need:
            best, best_need = option, need
        if missing_exams == 0:
            credit_gap = max(0, required - everything)
            if gap_all is None or credit_gap < gap_all:
                gap_all = credit_gap
    required, needed_exams = best
    missing = {kind: count - kinds.get(kind, 0) for kind, count in needed_exams.items() if kinds.get(kind, 0) < count}
    gap = max(0, required - earned)
    # gap_all: counting pending and projected credits too, the credits still missing on the
    # best pathway whose exams are passed (R-CRN-1 at_risk), None when every pathway lacks an exam.
    return {"required": required, "earned": earned, "pending": pending, "projected": projected, "gap": gap,
            "best_pathway": {"name": pathway_label(*best), "credits": required, "exams": dict(needed_exams),
                             "missing_exams": missing},
            "met": gap == 0 and not missing, "gap_counting_all": gap_all}


def _missing_exams(exams, kinds):
    """Exam sittings a pathway still lacks: the pathway that needs least lacks the fewest exams
    (an exam is a sitting, not a number of credits), then the fewest credits."""
    missing = 0
    for kind, count in exams.items():
        have = kinds.get(kind, 0)
        if have < count:
            missing += count - have
    return missing


class Completion(NamedTuple):
    on: date
    pathway: str
    credits: dict  # claim id -> credits consumed
    exams: list  # exam ids consumed
    total_credits: int


def completion(level, started_on, expires_on, credits, exams):
    """The first moment inside the cycle at which earned credits and exams meet a pathway
    (R-CRT-3), walking activities in date order; None if none is met. Of the pathways met at
    that moment, the one consuming fewest credits, then fewest exams, is used."""
    options = pathways(level)
    if not options:
        return None
    activities = sorted(
        [(credit.on, 0, credit.id, credit) for credit in credits
         if credit.status == "earned" and credit.credits > 0 and in_cycle(credit.on, started_on, expires_on)]
        + [(exam.on, 1, exam.id, exam) for exam in exams if in_cycle(exam.on, started_on, expires_on)],
        key=lambda row: row[:3])
    pool, passed = [], []
    for on, _order, _id, activity in activities:
        (passed if isinstance(activity, ExamPass) else pool).append(activity)
        total = sum(credit.credits for credit in pool)
        met = []
        for required, needed in options:
            chosen = _exams_for(needed, passed)
            if total >= required and chosen is not None:
                met.append((required, len(chosen), required, needed, chosen))
        if met:
            _, _, required, needed, chosen = min(met, key=lambda row: row[:2])
            return Completion(on, pathway_label(required, needed), _take(pool, required), chosen, required)
    return None


def _exams_for(needed, passed):
    chosen = []
    for kind, count in needed.items():
        matching = [exam.id for exam in passed if exam.kind == kind]
        if len(matching) < count:
            return None
        chosen += matching[:count]
    return chosen


def _take(pool, amount):
    """Consume `amount` credits from the pool, oldest first: {claim id: credits}."""
    taken = {}
    for credit in pool:
        if amount <= 0:
            break
        part = min(credit.credits, amount)
        taken[credit.id] = part
        amount -= part
    return taken
