"""The chart of credits expiring per month (pygal: server-side SVG, no script).

Amounts stay integer hundredths; pygal only places them on the axis, and every label is
formatted from an exact Decimal for the viewer's locale.
"""
import re
from datetime import date

import pygal
from flask_babel import gettext as _
from pygal.style import Style

from .common import clc, month

MONTHS_AHEAD = 12
SCRIPT = re.compile(r"<script\b[^>]*/>|<script\b[^>]*>.*?</script>", re.S)

STYLE = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#1d2733", foreground_strong="#1d2733",
    foreground_subtle="#dde3ea", colors=("#0a6ebd",), font_family="system-ui, sans-serif",
    label_font_size=13, major_label_font_size=13, value_font_size=12, title_font_size=16,
)


def _month_start(day: date, months_later: int) -> date:
    index = day.month - 1 + months_later
    return date(day.year + index // 12, index % 12 + 1, 1)


def expiring_by_month(views, today):
    """[(first day of month, hundredths expiring that month)] for this and the next 11 months:
    what is still available or held on active sales orders, by the month of their expiry
    date. Held credits count: they expire too if their request is rejected (R-EXP-3)."""
    months = [_month_start(today, offset) for offset in range(MONTHS_AHEAD)]
    totals = dict.fromkeys(months, 0)
    for view in views:
        at_risk = view.available + view.held
        if view.status != "active" or not view.expires_on or at_risk <= 0 or view.expires_on < today:
            continue
        key = date(view.expires_on.year, view.expires_on.month, 1)
        if key in totals:
            totals[key] += at_risk
    return [(month, totals[month]) for month in months]


def expiring_svg(months):
    chart = pygal.Bar(
        style=STYLE, width=800, height=320, show_legend=False, js=[], disable_xml_declaration=False,
        title=_("Credits expiring per month"), x_label_rotation=0, truncate_label=-1,
        value_formatter=lambda value: clc(int(round(value or 0))), print_values=False, margin=16,
    )
    chart.x_labels = [month(first_day, "yyMMM") for first_day, _amount in months]
    chart.add(_("Expiring"), [amount for _month, amount in months])
    # pygal always writes its tooltip-config <script>; the chart is a plain picture here.
    return SCRIPT.sub("", chart.render(is_unicode=True))
