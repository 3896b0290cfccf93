"""When a scheduled job is due, in local calendar days of the program's time zone (R-JOB-1).

No trigger arithmetic: a job is due on local date `d` from the first instant whose local
wall clock reads `d` at or after its time of day. `due_date(schedule, local_now)` is the
latest such date reached by `local_now`; the scheduler runs the job when that date is later
than the last one it completed (JobSchedule.done_through) and then records it. So:
- a day of 23 or 25 hours, or one whose midnight never happens (America/Santiago,
  America/Havana), still has its one due date: if the time of day falls in a gap, the job
  is due at the first wall time after it; if it happens twice (clocks set back), the first
  time counts and the second finds the date done;
- a process that was down, or a tick that came late, runs the job once, for the latest due
  date (the jobs act "as of now", so that catches up everything missed).
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


@dataclass(frozen=True)
class Daily:
    """Due every local day at `at` (wall time)."""

    at: time

    def due_date(self, local_now: datetime) -> date:
        today = local_now.date()
        return today if _wall_time(local_now) >= self.at else today - timedelta(days=1)


@dataclass(frozen=True)
class Monthly:
    """Due on the 1st of every local month at `at` (wall time)."""

    at: time

    def due_date(self, local_now: datetime) -> date:
        first = local_now.date().replace(day=1)
        if local_now.day == 1 and _wall_time(local_now) < self.at:
            first = (first - timedelta(days=1)).replace(day=1)
        return first


def _wall_time(local_now):
    return local_now.time().replace(tzinfo=None)


def due_date(schedule, local_now: datetime) -> date:
    """The latest local date on which `schedule` is due, as of `local_now` (an aware
    datetime in the program's time zone)."""
    return schedule.due_date(local_now)


def is_due(schedule, local_now: datetime, done_through: date | None) -> bool:
    """Whether the job should run now: its latest due date is not done yet."""
    return done_through is None or due_date(schedule, local_now) > done_through
