"""R-JOB-1: every scheduled job is due exactly once on every local day (the monthly one on
every 1st) in any IANA zone, across daylight-saving changes: days of 23 or 25 hours, clocks
that skip midnight (America/Santiago, America/Havana) or move by half an hour
(Australia/Lord_Howe). The scheduler's due dates are walked tick by tick over five years."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clc_ledger.jobs.calendar import Daily, Monthly, due_date, is_due
from clc_ledger.jobs.scheduler import SCHEDULE

ZONES = ["America/Los_Angeles", "America/Santiago", "America/Havana", "Australia/Lord_Howe", "Europe/Berlin",
         "Pacific/Auckland"]
FIRST, LAST = date(2026, 1, 1), date(2030, 12, 31)


def walk(zone_name, schedules, step, start=FIRST, end=LAST, jitter=()):
    """Tick from local midnight before `start` to the end of `end` every `step` (plus the
    jitter, cycled), as the scheduler does; returns {schedule: [(due date, local date of the
    run)]}. Bounded: the number of ticks is fixed by the span and the step."""
    zone = ZoneInfo(zone_name)
    now = datetime.combine(start, time(0), tzinfo=zone).astimezone(UTC)
    stop = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    done = {schedule: due_date(schedule, (now - timedelta(seconds=1)).astimezone(zone)) for schedule in schedules}
    runs = {schedule: [] for schedule in schedules}
    ticks = 0
    while now < stop:
        local = now.astimezone(zone)
        for schedule in schedules:
            if is_due(schedule, local, done[schedule]):
                done[schedule] = due_date(schedule, local)
                runs[schedule].append((done[schedule], local.date()))
        now += step + (jitter[ticks % len(jitter)] if jitter else timedelta(0))
        ticks += 1
    return runs


@pytest.mark.parametrize("zone_name", ZONES)
def test_R_JOB_1_every_daily_job_once_on_every_local_day_and_the_monthly_one_on_every_1st(zone_name):
    schedules = list(dict.fromkeys(SCHEDULE.values()))
    runs = walk(zone_name, schedules, timedelta(minutes=10))
    every_day = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    for schedule in schedules:
        expected = every_day if isinstance(schedule, Daily) else [d for d in every_day if d.day == 1]
        assert [due for due, _ran_on in runs[schedule]] == expected, (zone_name, schedule)
        # ...and each run happened on the local day it was due, not the next one.
        assert all(due == ran_on for due, ran_on in runs[schedule]), (zone_name, schedule)


@pytest.mark.parametrize("zone_name, day", [
    ("America/Los_Angeles", date(2027, 3, 14)),  # the day APScheduler 3's cron trigger skipped past
    ("America/Havana", date(2026, 3, 8)),  # 00:00 -> 01:00: midnight never happens
    ("America/Santiago", date(2026, 9, 6)),  # likewise
    ("America/Havana", date(2026, 11, 1)),  # 01:00 -> 00:00: 00:01 happens twice
])
def test_R_JOB_1_the_00_01_job_runs_once_on_a_day_whose_midnight_is_skipped_or_repeated(zone_name, day):
    runs = walk(zone_name, [Daily(time(0, 1))], timedelta(minutes=1), start=day - timedelta(days=1),
                end=day + timedelta(days=1))
    assert [due for due, _ in runs[Daily(time(0, 1))]] == [day - timedelta(days=1), day, day + timedelta(days=1)]


@settings(max_examples=12, deadline=None)
@given(zone_name=st.sampled_from(ZONES), year=st.integers(2026, 2030),
       jitter=st.lists(st.integers(0, 40 * 60), min_size=1, max_size=8))
def test_R_JOB_1_ticks_at_uneven_intervals_under_an_hour_still_miss_no_day_and_repeat_none(zone_name, year, jitter):
    """A busy or suspended process ticks late; as long as it ticks within the day it is due,
    each day still gets its one run."""
    schedules = [Daily(time(0, 1)), Daily(time(6, 5)), Monthly(time(3, 0))]
    start, end = date(year, 1, 1), date(year, 12, 31)
    runs = walk(zone_name, schedules, timedelta(minutes=10), start=start, end=end,
                jitter=[timedelta(seconds=s) for s in jitter])
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    assert [due for due, _ in runs[schedules[0]]] == days
    assert [due for due, _ in runs[schedules[1]]] == days
    assert [due for due, _ in runs[schedules[2]]] == [d for d in days if d.day == 1]


def test_R_JOB_1_a_process_down_for_days_runs_the_job_once_for_the_latest_due_date():
    zone = ZoneInfo("America/Los_Angeles")
    daily, monthly = Daily(time(0, 1)), Monthly(time(3, 0))
    back = datetime(2027, 2, 3, 9, 0, tzinfo=zone)  # down from 30 Jan to 3 Feb
    assert is_due(daily, back, date(2027, 1, 29)) and due_date(daily, back) == date(2027, 2, 3)
    assert is_due(monthly, back, date(2027, 1, 1)) and due_date(monthly, back) == date(2027, 2, 1)
    assert not is_due(monthly, back, date(2027, 2, 1))
    assert due_date(monthly, datetime(2027, 3, 1, 2, 59, tzinfo=zone)) == date(2027, 2, 1)
