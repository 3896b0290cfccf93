"""How a deadline reads on a page: the expiry moment with its time zone, "today"/"tomorrow",
an urgency level a glance can read, and the reissue window still open after expiry.

R-EXP-1: credits expire at 12:01 a.m. on `expires_on` in the program's time zone, and every
place that shows an expiry date also says that moment. R-EXP-2: `days_left` counts whole
local days. Words come from the `messages` catalog (R-TXT-1), plural forms through ngettext.
"""
from datetime import date, datetime

from babel.dates import format_date, format_time, get_timezone_name
from flask_babel import gettext as _
from flask_babel import ngettext

from .. import clock
from ..ledger.sales_orders import EXPIRING_SOON_DAYS
from .common import locale_name

# Urgency scale, soonest first: (at most this many days left, level). The CSS colours and
# the badge words follow the level; the words say it too, so colour is never the only sign.
URGENCY = ((1, "critical"), (7, "urgent"), (30, "soon"), (EXPIRING_SOON_DAYS, "watch"))


def _locale():
    return locale_name().replace("-", "_")


def zone_name():
    """'Pacific Time' for America/Los_Angeles, in the reader's language."""
    return get_timezone_name(clock.zone(), "long", "generic", locale=_locale())


def expiry_moment(expires_on: date) -> str:
    """'12:01 AM on Jan 5, 2027 (Pacific Time)': the local minute the credits expire."""
    moment = datetime.combine(expires_on, clock.EXPIRY_TIME)
    return _("%(time)s on %(date)s (%(zone)s)", time=format_time(moment, "short", locale=_locale()),
             date=format_date(expires_on, "medium", locale=_locale()), zone=zone_name())


def urgency(days_left):
    """'critical' (today, tomorrow), 'urgent' (7 days), 'soon' (30), 'watch' (90), or None."""
    if days_left is None or days_left < 0:
        return None
    for limit, level in URGENCY:
        if days_left <= limit:
            return level
    return None


def days_left_text(days_left):
    """'today', 'tomorrow', '1 day left'... for a date not yet past; '' otherwise."""
    if days_left is None or days_left < 0:
        return ""
    if days_left == 0:
        return _("today")
    if days_left == 1:
        return _("tomorrow")
    return ngettext("%(num)d day left", "%(num)d days left", days_left)


def expiry_sentence(expires_on: date, days_left, *, expired=False) -> str:
    """The one sentence a row shows: 'Expires today at 12:01 AM on … (Pacific Time)'."""
    moment = expiry_moment(expires_on)
    if expired:
        return _("Expired at %(moment)s", moment=moment)
    if days_left == 0:
        return _("Expires today, at %(moment)s", moment=moment)
    if days_left == 1:
        return _("Expires tomorrow, at %(moment)s", moment=moment)
    return _("Expires at %(moment)s", moment=moment)

