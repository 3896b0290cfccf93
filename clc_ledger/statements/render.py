"""A stored statement as HTML, CSV, PDF and an email, in the company's language and locale.

Everything here reads only the statement's snapshot (`Statement.content`), so a statement
renders the same forever. Texts are in the `mail` gettext domain (`_m`); dates, numbers and
amounts are formatted by Babel for the locale stated (R-MON-1: every amount in CLC and USD).
"""
import csv
import io
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal
from flask import current_app
from jinja2 import Environment, PackageLoader, select_autoescape

from .. import i18n
from ..i18n import _m, _mn
from ..money import credits_str, format_clc, format_usd, usd_str

CSV_COLUMNS = ("date", "type", "sales_order", "description", "amount", "running_balance",
               "amount_usd", "running_balance_usd")


@lru_cache(maxsize=1)
def _jinja():
    environment = Environment(loader=PackageLoader("clc_ledger.statements", "templates"),
                              autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    environment.globals.update(_m=_m, _mn=_mn, expiring_line=expiring_line)
    return environment


# --- labels --------------------------------------------------------------------------------

def kind_label(kind):
    labels = {
        "activation": _m("Activation"),
        "debit": _m("Debit"),
        "reversal": _m("Reversal"),
        "expiry": _m("Expiry"),
        "reissue_out": _m("Reissued out"),
        "reissue_in": _m("Reissued in"),
        "hold": _m("Hold for a pending debit"),
        "release": _m("Release of a hold"),
    }
    return labels.get(kind, kind)


def status_label(status):
    labels = {
        "booked": _m("Booked"),
        "invoiced": _m("Invoiced"),
        "active": _m("Active"),
        "expired": _m("Expired"),
        "closed": _m("Closed (reissued)"),
    }
    return labels.get(status, status)


def expiring_line(line, fmt):
    return _mn("%(so)s: %(amount)s expire on %(day)s (%(count)s day left)",
               "%(so)s: %(amount)s expire on %(day)s (%(count)s days left)", line["days_left"],
               so=line["so_number"], amount=fmt.both(line["available"]), day=line["expires"], count=line["days"])


def _description(line):
    """System entries are described in the reader's language; people's texts stay as written."""
    if line["kind"] == "activation":
        return _m("Credits of %(so)s activated", so=line["so_number"])
    if line["kind"] == "expiry":
        return _m("Credits of %(so)s expired", so=line["so_number"])
    return line["description"]


# --- the context every format shares ----------------------------------------------------

class Formatter:
    """Babel formatting for one locale."""

    def __init__(self, locale):
        self.locale = locale or "en_US"

    def day(self, value, format="medium"):
        if value is None:
            return ""
        if isinstance(value, str):
            value = date.fromisoformat(value)
        return format_date(value, format=format, locale=self.locale)

    def long_day(self, value):
        return self.day(value, "long")

    def month(self, first_day):
        return format_skeleton("yMMMM", date.fromisoformat(first_day), locale=self.locale)

    def clc(self, hundredths):
        return format_clc(hundredths, self.locale)

    def usd(self, hundredths):
        return format_usd(hundredths, self.locale)

    def both(self, hundredths):
        return f"{self.clc(hundredths)} ({self.usd(hundredths)})"

    def number(self, value):
        return "" if value is None else format_decimal(value, locale=self.locale)


def context(statement):
    """What the templates and the PDF show; call inside i18n.in_locale(locale)."""
    content = statement.content
    fmt = Formatter(content["company"]["locale"])
    entries = [dict(line, kind_label=kind_label(line["kind"]), text=_description(line), day=fmt.day(line["date"]))
               for line in content["entries"]]
    reservations = [dict(line, kind_label=kind_label(line["kind"]), text=line["description"],
                         day=fmt.day(line["date"])) for line in content["reservations"]]
    sales_orders = [dict(line, status_label=status_label(line["status"]), expires=fmt.day(line["expires_on"]),
                         days=fmt.number(line["days_left"])) for line in content["sales_orders"]]
    movements = content["closing_balance"] - content["opening_balance"]
    return {
        "statement": statement,
        "content": content,
        "fmt": fmt,
        "company_name": content["company"]["name"],
        "month": fmt.month(content["first_day"]),
        "first_day": fmt.long_day(content["first_day"]),
        "last_day": fmt.long_day(content["last_day"]),
        "issued_on": fmt.long_day(statement.generated_at.date().isoformat()),
        "opening": content["opening_balance"],
        "closing": content["closing_balance"],
        "movements": movements,
        "entries": entries,
        "reservations": reservations,
        "sales_orders": sales_orders,
        "expiring": [line for line in sales_orders if line["expiring_soon"]],
        "expiring_total": content["expiring_soon"],
        "expiring_days": 90,
    }


def _locale_of(statement):
    return statement.content["company"]["locale"]


# --- HTML ------------------------------------------------------------------------------------

def render_html(statement, *, email=False):
    with i18n.in_locale(_locale_of(statement)):
        ctx = context(statement)
        ctx["email"] = email
        ctx["lang"] = i18n.language_of(_locale_of(statement))
        return _jinja().get_template("statements/statement.html").render(**ctx)


# --- CSV -------------------------------------------------------------------------------------

def render_csv(statement) -> bytes:
    """One row per balance-moving entry; amounts exact ("12.50"), so that the amount column
    sums to closing - opening. UTF-8 with a byte-order mark so spreadsheets read it right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in statement.content["entries"]:
        writer.writerow([line["date"], line["kind"], line["so_number"], line["description"],
                         credits_str(line["amount"]), credits_str(line["running_balance"]),
                         usd_str(line["amount"]), usd_str(line["running_balance"])])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- PDF -------------------------------------------------------------------------------------

# (regular, bold, index in a font collection). The first that exists is embedded. CJK-capable
# fonts are tried first when the text needs them; a config key CLC_PDF_FONTS (same shape)
# replaces both lists. Without any, the PDF falls back to a core font (Latin-1 only).
CJK_FONTS = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 0),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc", 0),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
     "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc", 0),
    ("/System/Library/Fonts/Hiragino Sans GB.ttc", None, 0),
]
LATIN_FONTS = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 0),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf", 0),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf", 0),
]


def _needs_cjk(texts):
    return any(ord(char) >= 0x2E80 for text in texts for char in text)


def _font_candidates(texts):
    configured = current_app.config.get("CLC_PDF_FONTS")
    if configured is not None:
        return [tuple(candidate) for candidate in configured]
    return CJK_FONTS + LATIN_FONTS if _needs_cjk(texts) else LATIN_FONTS + CJK_FONTS


def _embed_font(pdf, texts):
    """Embed the first usable Unicode font; None means only the core Latin-1 font is left."""
    for regular, bold, index in _font_candidates(texts):
        if not regular or not Path(regular).is_file():
            continue
        try:
            pdf.add_font("statement", "", regular, collection_font_number=index)
            bold_path = bold if bold and Path(bold).is_file() else regular
            pdf.add_font("statement", "B", bold_path, collection_font_number=index)
        except Exception:  # a broken or unsupported font file: try the next one
            current_app.logger.warning("Cannot embed the font %s in a statement PDF", regular, exc_info=True)
            continue
        return "statement"
    return None


def render_pdf(statement) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    with i18n.in_locale(_locale_of(statement)):
        ctx = context(statement)
        fmt = ctx["fmt"]
        title = _m("Statement of Cisco Learning Credits")
        headers = [_m("Date"), _m("Type"), _m("Sales order"), _m("Description"), _m("Amount"),
                   _m("Running balance")]
        so_headers = [_m("Sales order"), _m("Status"), _m("Balance"), _m("Reserved"), _m("Expires on"),
                      _m("Days left")]
        texts = [ctx["company_name"], title, *[line["text"] for line in ctx["entries"]]]

        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_title(f"{title} {ctx['company_name']} {statement.period}")
        pdf.set_author("CLC Ledger")
        pdf.set_creator("CLC Ledger")
        pdf.set_creation_date(statement.generated_at)
        family = _embed_font(pdf, texts)
        clean = (lambda text: str(text)) if family else _latin1
        family = family or "helvetica"
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_page()

        pdf.set_font(family, "B", 15)
        pdf.multi_cell(0, 8, clean(title), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "B", 12)
        pdf.multi_cell(0, 7, clean(ctx["company_name"]), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 10)
        pdf.multi_cell(0, 6, clean(f"{ctx['month']}: {ctx['first_day']} – {ctx['last_day']}"),
                       align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 6, clean(_m("Issued on %(day)s", day=ctx["issued_on"])), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

        with pdf.table(col_widths=(60, 65, 65), text_align=("LEFT", "RIGHT", "RIGHT"), first_row_as_headings=False,
                       line_height=6) as table:
            for label, value in ((_m("Opening balance"), ctx["opening"]),
                                 (_m("Movements"), ctx["movements"]),
                                 (_m("Closing balance"), ctx["closing"])):
                row = table.row()
                row.cell(clean(label), style=FontFace(emphasis="BOLD"))
                row.cell(clean(fmt.clc(value)))
                row.cell(clean(fmt.usd(value)))
        pdf.ln(4)

        if ctx["expiring"]:
            pdf.set_font(family, "B", 11)
            pdf.set_text_color(160, 40, 0)
            pdf.multi_cell(0, 6, clean(_m("Credits expiring within %(days)s days of the period end: %(amount)s",
                                          days=ctx["expiring_days"], amount=fmt.both(ctx["expiring_total"]))),
                           align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.set_font(family, "", 9)
            for line in ctx["expiring"]:
                pdf.multi_cell(0, 5, clean("• " + expiring_line(line, fmt)), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)

        pdf.set_font(family, "B", 11)
        pdf.multi_cell(0, 7, clean(_m("Movements")), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 8)
        if ctx["entries"]:
            with pdf.table(col_widths=(22, 26, 30, 44, 34, 34), line_height=4.5,
                           text_align=("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT"),
                           headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230))) as table:
                row = table.row()
                for header in headers:
                    row.cell(clean(header))
                for line in ctx["entries"]:
                    row = table.row()
                    row.cell(clean(line["day"]))
                    row.cell(clean(line["kind_label"]))
                    row.cell(clean(line["so_number"]))
                    row.cell(clean(line["text"]))
                    row.cell(clean(f"{fmt.clc(line['amount'])}\n{fmt.usd(line['amount'])}"))
                    row.cell(clean(f"{fmt.clc(line['running_balance'])}\n{fmt.usd(line['running_balance'])}"))
        else:
            pdf.multi_cell(0, 6, clean(_m("No movements this month.")), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)

        pdf.set_font(family, "B", 11)
        pdf.multi_cell(0, 7, clean(_m("Sales orders at the end of the period")), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 8)
        if ctx["sales_orders"]:
            with pdf.table(col_widths=(28, 30, 40, 40, 32, 20), line_height=4.5,
                           text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "LEFT", "RIGHT"),
                           headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230))) as table:
                row = table.row()
                for header in so_headers:
                    row.cell(clean(header))
                for line in ctx["sales_orders"]:
                    style = FontFace(fill_color=(255, 228, 196), emphasis="BOLD") if line["expiring_soon"] else None
                    status = line["status_label"] + ("\n" + _m("Expiring soon") if line["expiring_soon"] else "")
                    row = table.row()
                    row.cell(clean(line["so_number"]), style=style)
                    row.cell(clean(status), style=style)
                    row.cell(clean(f"{fmt.clc(line['balance'])}\n{fmt.usd(line['balance'])}"), style=style)
                    row.cell(clean(f"{fmt.clc(line['held'])}\n{fmt.usd(line['held'])}"), style=style)
                    row.cell(clean(line["expires"]), style=style)
                    row.cell(clean(line["days"]), style=style)
        else:
            pdf.multi_cell(0, 6, clean(_m("No sales orders.")), align="L", new_x="LMARGIN", new_y="NEXT")

        if ctx["reservations"]:
            pdf.ln(4)
            pdf.set_font(family, "B", 10)
            pdf.multi_cell(0, 6, clean(_m("Reservations for pending debits (not part of the balance)")),
                           align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(family, "", 8)
            for line in ctx["reservations"]:
                pdf.multi_cell(0, 4.5, clean(f"{line['day']}  {line['kind_label']}  {line['so_number']}  "
                                             f"{fmt.clc(line['amount'])} ({fmt.usd(line['amount'])})  {line['text']}"),
                               align="L", new_x="LMARGIN", new_y="NEXT")

        pdf.ln(4)
        pdf.set_font(family, "", 7)
        pdf.multi_cell(0, 4, clean(_m("1 CLC = 100 USD. Dates are in the time zone %(zone)s.",
                                      zone=statement.content["time_zone"])), align="L", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())


_LATIN1_REPLACEMENTS = {"\u202f": " ", "\u00a0": " ", "\u2013": "-", "\u2014": "-", "\u2019": "'", "\u2022": "*",
                        "\u20ac": "EUR", "\u2212": "-"}


def _latin1(text):
    """For the core font, which knows only Latin-1: keep what it can show, '?' for the rest."""
    text = "".join(_LATIN1_REPLACEMENTS.get(char, char) for char in str(text))
    return text.encode("latin-1", "replace").decode("latin-1")


# --- the email ---------------------------------------------------------------------------------

def attachment_names(statement):
    return f"clc-statement-{statement.company_id}-{statement.period}.pdf", \
        f"clc-statement-{statement.company_id}-{statement.period}.csv"


def statement_email(statement):
    """Subject, text, HTML and attachments (filename, bytes, mimetype) of a statement email."""
    locale = _locale_of(statement)
    with i18n.in_locale(locale):
        ctx = context(statement)
        fmt = ctx["fmt"]
        subject = _m("Your Cisco Learning Credits statement for %(month)s – %(company)s",
                     month=ctx["month"], company=ctx["company_name"])
        lines = [
            _m("Statement of Cisco Learning Credits"),
            ctx["company_name"],
            f"{ctx['first_day']} – {ctx['last_day']}",
            "",
            f"{_m('Opening balance')}: {fmt.both(ctx['opening'])}",
            f"{_m('Movements')}: {fmt.both(ctx['movements'])}",
            f"{_m('Closing balance')}: {fmt.both(ctx['closing'])}",
            "",
        ]
        if ctx["expiring"]:
            lines.append(_m("Credits expiring within %(days)s days of the period end: %(amount)s",
                            days=ctx["expiring_days"], amount=fmt.both(ctx["expiring_total"])))
            for line in ctx["expiring"]:
                lines.append("- " + expiring_line(line, fmt))
            lines.append("")
        lines.append(_m("The full statement is attached as PDF and CSV."))
        text = "\n".join(lines) + "\n"
    html = render_html(statement, email=True)
    pdf_name, csv_name = attachment_names(statement)
    return {
        "subject": subject,
        "text": text,
        "html": html,
        "attachments": [(pdf_name, render_pdf(statement), "application/pdf"),
                        (csv_name, render_csv(statement), "text/csv")],
    }
