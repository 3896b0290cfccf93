"""The one source of "now". Everything that asks what time or day it is asks here.

With the test clock on (CLC_TESTING or TESTING), an admin may freeze "now" through the API;
the setting lives in the database so every web worker and the scheduler see the same time.
"""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from .db import UTCDateTime, utcnow_real
from .extensions import db

EXPIRY_TIME = time(0, 1)  # credits expire at 12:01 a.m. on expires_on (R-EXP-1)


class ClockSetting(db.Model):
    """A single row: the frozen "now" of the test clock, absent when real time applies."""

    __tablename__ = "test_clock"

    id = db.Column(db.Integer, primary_key=True)
    frozen_at = db.Column(UTCDateTime(), nullable=False)


def test_clock_enabled(app=None):
    config = (app or current_app).config
    return bool(config.get("TESTING") or config.get("CLC_TESTING"))


def now():
    """The current instant, aware, in UTC."""
    if test_clock_enabled():
        setting = db.session.get(ClockSetting, 1)
        if setting is not None:
            return setting.frozen_at
    return utcnow_real()


def zone():
    return ZoneInfo(current_app.config["CLC_TIMEZONE"])


def local_now():
    return now().astimezone(zone())


def today():
    """Today's date in the program's time zone (R-EXP-2)."""
    return local_now().date()


def day_start(day: date) -> datetime:
    """The first instant of a local calendar day (program time zone), as an aware UTC instant.
    Where clocks skip midnight (e.g. America/Santiago, America/Havana) that is the first wall
    time after the gap: a nonexistent 00:00 read with the offset before the change lands there."""
    return datetime.combine(day, time(0), tzinfo=zone()).astimezone(UTC)


def local_day(instant: datetime) -> date:
    """The local calendar date (program time zone) of an aware instant."""
    return instant.astimezone(zone()).date()


def expiry_instant(expires_on: date) -> datetime:
    """12:01 a.m. local time on the expiry date, as an aware UTC instant (R-EXP-1)."""
    return datetime.combine(expires_on, EXPIRY_TIME, tzinfo=zone()).astimezone(UTC)


def add_business_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day
