"""A stored statement as HTML, CSV, PDF and an email, in the company's language and locale.

Everything here reads only the statement's snapshot (`Statement.content`), so a statement
renders the same forever. Texts are in the `mail` gettext domain (`_m`); dates, numbers and
amounts are formatted by Babel for the locale stated (R-MON-1: every amount in CLC and USD).
"""
import csv
import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal
from flask import current_app
from fpdf import FPDF  # here, not in the job: importing it takes ~0.2 s
from jinja2 import Environment, PackageLoader, select_autoescape

from .. import i18n
from ..i18n import _m, _mn, lazy_m
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

KIND_LABELS = {
    "activation": lazy_m("Activation"),
    "debit": lazy_m("Debit"),
    "reversal": lazy_m("Reversal"),
    "expiry": lazy_m("Expiry"),
    "reissue_out": lazy_m("Reissued out"),
    "reissue_in": lazy_m("Reissued in"),
    "hold": lazy_m("Hold for a pending debit"),
    "release": lazy_m("Release of a hold"),
}
STATUS_LABELS = {
    "booked": lazy_m("Booked"),
    "invoiced": lazy_m("Invoiced"),
    "active": lazy_m("Active"),
    "expired": lazy_m("Expired"),
    "closed": lazy_m("Closed (reissued)"),
}


def kind_label(kind):
    return str(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def status_label(status):
    return str(STATUS_LABELS[status]) if status in STATUS_LABELS else status


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
    """Babel formatting for one locale, cheap enough for a job's thousands of statements: days,
    months and numbers are formatted once per locale and process (a month's statements share
    their days), and amounts are written into the text Babel gives for one amount of the same
    shape (sign and number of digits)."""

    def __init__(self, locale):
        self.locale = locale or "en_US"

    def day(self, value, format="medium"):
        return "" if value is None else _formatted_day(self.locale, value, format)

    def long_day(self, value):
        return self.day(value, "long")

    def month(self, first_day):
        return _formatted_month(self.locale, first_day)

    def clc(self, hundredths):
        return self._amount(format_clc, hundredths, f"{abs(int(hundredths)):03d}")  # "0.05 CLC": 3 digits

    def usd(self, hundredths):
        return self._amount(format_usd, hundredths, str(abs(int(hundredths))))  # 0.05 CLC = "$5.00"

    def _amount(self, babel_format, hundredths, digits):
        shape = _amount_shape(babel_format, self.locale, hundredths < 0, len(digits))
        return shape.format(*digits) if shape else babel_format(hundredths, self.locale)

    def both(self, hundredths):
        return f"{self.clc(hundredths)} ({self.usd(hundredths)})"

    def number(self, value):
        return "" if value is None else _formatted_number(self.locale, value)


@lru_cache(maxsize=4096)
def _formatted_day(locale, value, format):
    return format_date(date.fromisoformat(value) if isinstance(value, str) else value, format=format, locale=locale)


@lru_cache(maxsize=1024)
def _formatted_month(locale, first_day):
    return format_skeleton("yMMMM", date.fromisoformat(first_day), locale=locale)


@lru_cache(maxsize=4096)
def _formatted_number(locale, value):
    return format_decimal(value, locale=locale)


@lru_cache(maxsize=1024)
def _amount_shape(babel_format, locale, negative, length):
    """The text babel_format gives an amount of `length` digits, all 1s, with a "{}" for each
    digit; False if a "1" there is not a digit (in a currency sign?): Babel then does each."""
    sample = babel_format(int("1" * length) * (-1 if negative else 1), locale)
    if sample.count("1") != length:
        return False
    return sample.replace("{", "{{").replace("}", "}}").replace("1", "{}")


def context(statement):
    """What the templates and the PDF show; call inside i18n.in_locale(locale)."""
    content = statement.content
    fmt = Formatter(content["company"]["locale"])
    kinds = {kind: kind_label(kind) for kind in {line["kind"] for line in content["entries"] + content["reservations"]}}
    # Each amount is formatted here once, for the HTML and the PDF alike.
    entries = [dict(line, kind_label=kinds[line["kind"]], text=_description(line), day=fmt.day(line["date"]),
                    amount_clc=fmt.clc(line["amount"]), amount_usd=fmt.usd(line["amount"]),
                    running_clc=fmt.clc(line["running_balance"]), running_usd=fmt.usd(line["running_balance"]))
               for line in content["entries"]]
    reservations = [dict(line, kind_label=kinds[line["kind"]], text=line["description"],
                         day=fmt.day(line["date"])) for line in content["reservations"]]
    sales_orders = [dict(line, status_label=status_label(line["status"]), expires=fmt.day(line["expires_on"]),
                         days=fmt.number(line["days_left"]), balance_clc=fmt.clc(line["balance"]),
                         balance_usd=fmt.usd(line["balance"]), held_clc=fmt.clc(line["held"]),
                         held_usd=fmt.usd(line["held"])) for line in content["sales_orders"]]
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
        "learning": _learning(content.get("learning"), fmt),
    }


def _learning(section, fmt):
    """The learning section (R-TEAM-2) with its dates formatted, or None."""
    if not section:
        return None
    return {**section,
            "expiring": [dict(line, day=fmt.day(line["expires_on"]), days=fmt.number(line["days_left"]))
                         for line in section["expiring"]]}


def _locale_of(statement):
    return statement.content["company"]["locale"]


# --- HTML ------------------------------------------------------------------------------------

def render_html(statement, *, email=False):
    with i18n.in_locale(_locale_of(statement)):
        return _html(statement, context(statement), email=email)


def _html(statement, ctx, *, email):
    return _jinja().get_template("statements/statement.html").render(
        **ctx, email=email, lang=i18n.language_of(_locale_of(statement)))


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
#
# Laid out with fpdf2's cheap primitives (text, rect, line) and our own line wrapping and page
# breaks: its table() and multi_cell() measure every character several times over and were
# most of a statement's cost. A TTF font is embedded only when the core font cannot show a
# text; parsing and subsetting one costs more than all the rest of a statement together.

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
CORE_FONT = "helvetica"

# Characters the core font lacks that have a plain equivalent (Babel's French and Swiss
# groupings, dashes in the period line, the bullet of the expiring lines).
_LATIN1_REPLACEMENTS = str.maketrans({"\u202f": " ", "\u00a0": " ", "\u2013": "-", "\u2014": "-", "\u2019": "'",
                                      "\u2022": "*", "\u20ac": "EUR", "\u2212": "-"})


def _latin1(text):
    """For the core font, which knows only Latin-1: keep what it can show, '?' for the rest."""
    return str(text).translate(_LATIN1_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


def _in_core_font(texts):
    """{text: as the core font shows it} if it can show every text, else None."""
    shown = {}
    for text in texts:
        if text.isascii():
            shown[text] = text
            continue
        latin1 = text.translate(_LATIN1_REPLACEMENTS)
        try:
            latin1.encode("latin-1")
        except UnicodeEncodeError:
            return None
        shown[text] = latin1
    return shown


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


def _choose_font(pdf, texts):
    """(family, clean): the core font when it shows every text (nothing to embed), else an
    embedded Unicode font, else the core font with '?' for what it cannot show."""
    shown = _in_core_font(texts)
    if shown is not None:
        return CORE_FONT, shown.__getitem__
    family = _embed_font(pdf, texts)
    return (family, str) if family else (CORE_FONT, _latin1)


# What the PDF states, before it is laid out: paragraphs and tables of plain texts.

@dataclass(frozen=True)
class _Paragraph:
    text: str
    size: float  # points
    bold: bool = False
    color: tuple = (0, 0, 0)
    space_before: float = 0  # mm
    heading: bool = False  # kept on the page of what follows it


@dataclass(frozen=True)
class _Column:
    width: float  # mm
    align: str = "L"  # "L" or "R"
    bold: bool = False


@dataclass(frozen=True)
class _Row:
    cells: tuple  # one text per column; "\n" starts a new line
    highlight: bool = False  # "expiring soon"


@dataclass(frozen=True)
class _Table:
    columns: tuple
    rows: list
    header: tuple = None  # repeated at the top of every page the table runs onto
    size: float = 8
    space_before: float = 0

    def texts(self):
        return [*(self.header or ()), *(cell for row in self.rows for cell in row.cells)]


SUMMARY_COLUMNS = (_Column(60, bold=True), _Column(65, "R"), _Column(65, "R"))
MOVEMENT_COLUMNS = (_Column(22), _Column(26), _Column(30), _Column(44), _Column(34, "R"), _Column(34, "R"))
SALES_ORDER_COLUMNS = (_Column(28), _Column(30), _Column(40, "R"), _Column(40, "R"), _Column(32), _Column(20, "R"))
WARNING_COLOR = (160, 40, 0)
HEADER_FILL = (230, 230, 230)
EXPIRING_FILL = (255, 228, 196)
RULE_COLOR = (200, 200, 200)


def _pdf_blocks(ctx):
    fmt = ctx["fmt"]
    blocks = [
        _Paragraph(_m("Statement of Cisco Learning Credits"), 15, bold=True),
        _Paragraph(ctx["company_name"], 12, bold=True),
        _Paragraph(f"{ctx['month']}: {ctx['first_day']} – {ctx['last_day']}", 10),
        _Paragraph(_m("Issued on %(day)s", day=ctx["issued_on"]), 10),
        _Table(SUMMARY_COLUMNS, [_Row((label, fmt.clc(value), fmt.usd(value))) for label, value in (
            (_m("Opening balance"), ctx["opening"]), (_m("Movements"), ctx["movements"]),
            (_m("Closing balance"), ctx["closing"]))], size=10, space_before=3),
    ]
    if ctx["expiring"]:
        blocks.append(_Paragraph(_m("Credits expiring within %(days)s days of the period end: %(amount)s",
                                    days=ctx["expiring_days"], amount=fmt.both(ctx["expiring_total"])),
                                 11, bold=True, color=WARNING_COLOR, space_before=4))
        blocks += [_Paragraph("• " + expiring_line(line, fmt), 9) for line in ctx["expiring"]]

    blocks += _learning_blocks(ctx.get("learning"))
    blocks.append(_Paragraph(_m("Movements"), 11, bold=True, space_before=4, heading=True))
    if ctx["entries"]:
        header = (_m("Date"), _m("Type"), _m("Sales order"), _m("Description"), _m("Amount"), _m("Running balance"))
        blocks.append(_Table(MOVEMENT_COLUMNS, [
            _Row((line["day"], line["kind_label"], line["so_number"], line["text"],
                  f"{line['amount_clc']}\n{line['amount_usd']}", f"{line['running_clc']}\n{line['running_usd']}"))
            for line in ctx["entries"]], header))
    else:
        blocks.append(_Paragraph(_m("No movements this month."), 10))

    blocks.append(_Paragraph(_m("Sales orders at the end of the period"), 11, bold=True, space_before=4,
                             heading=True))
    if ctx["sales_orders"]:
        header = (_m("Sales order"), _m("Status"), _m("Balance"), _m("Reserved"), _m("Expires on"), _m("Days left"))
        expiring_soon = _m("Expiring soon")
        blocks.append(_Table(SALES_ORDER_COLUMNS, [
            _Row((line["so_number"], line["status_label"] + ("\n" + expiring_soon if line["expiring_soon"] else ""),
                  f"{line['balance_clc']}\n{line['balance_usd']}", f"{line['held_clc']}\n{line['held_usd']}",
                  line["expires"], line["days"]),
                 highlight=line["expiring_soon"]) for line in ctx["sales_orders"]], header))
    else:
        blocks.append(_Paragraph(_m("No sales orders."), 10))

    if ctx["reservations"]:
        blocks.append(_Paragraph(_m("Reservations for pending debits (not part of the balance)"), 10, bold=True,
                                 space_before=4, heading=True))
        blocks += [_Paragraph(f"{line['day']}  {line['kind_label']}  {line['so_number']}  {fmt.both(line['amount'])}"
                              f"  {line['text']}", 8) for line in ctx["reservations"]]
    blocks.append(_Paragraph(_m("1 CLC = 100 USD. Dates are in the time zone %(zone)s.",
                                zone=ctx["content"]["time_zone"]), 7, space_before=4))
    return blocks


def _learning_blocks(learning):
    """R-TEAM-2: CE credits earned from training bought with CLCs, certifications expiring soon."""
    if not learning:
        return []
    blocks = [_Paragraph(_m("Learning"), 11, bold=True, space_before=4, heading=True),
              _Paragraph(_m("CE credits earned this month from training bought with Learning Credits: %(credits)s",
                            credits=learning["credits_earned"]) + " " + _m(
                  "(claims: %(claims)s; people: %(people)s)", claims=learning["claims_earned"],
                  people=learning["people_earning"]), 9)]
    if learning["expiring"]:
        blocks.append(_Paragraph(_m("Certifications expiring within %(days)s days:", days=learning["expiring_days"]),
                                 9, bold=True, space_before=2))
        blocks += [_Paragraph("• " + _m("%(person)s: %(certification)s expires on %(day)s, in %(days)s days",
                                        person=line["person"], certification=line["certification"],
                                        day=line["day"], days=line["days"]), 8) for line in learning["expiring"]]
    return blocks


class _Sheet:
    """A4 pages filled from the top: texts wrap within their width, a table row is never
    split across pages, and a table's header is repeated on each page it runs onto."""

    LEFT, TOP, BOTTOM, WIDTH = 10, 12, 297 - 15, 190  # mm
    PAD_X, PAD_Y = 1, 0.8  # inside a table cell
    KEEP_WITH_HEADING = 18  # mm: a heading at the foot of a page goes over with what follows

    def __init__(self, pdf, family, clean):
        self.pdf, self.family, self.clean = pdf, family, clean
        self.font = None
        pdf.set_auto_page_break(False)
        pdf.set_draw_color(*RULE_COLOR)
        pdf.add_page()
        self.y = self.TOP

    @staticmethod
    def line_height(size):
        return size * 0.45  # mm for a size in points: fpdf2's usual spacing

    def set_font(self, size, bold=False):
        if self.font != (size, bold):
            self.pdf.set_font(self.family, "B" if bold else "", size)
            self.font = (size, bold)
            # Measured here, not with get_string_width(), which copies the graphics state every time.
            self._text_width, self._size_pt = self.pdf.current_font.get_text_width, self.pdf.font_size_pt

    def width(self, text):
        """Of `text` in the current font, in mm."""
        return self._text_width(text, self._size_pt, None)[1] / self.pdf.k

    def wrap(self, text, width):
        """`text` as (line, its width) no wider than `width`: broken at spaces, or inside a word
        (Japanese text, a long reference) where it must be; "\\n" starts a new line."""
        if "\n" not in text:  # most cells: one line that fits
            text_width = self.width(text)
            if text_width <= width:
                return [(text, text_width)]
        lines = []
        for part in text.split("\n"):
            part_width = self.width(part)
            if part_width <= width:
                lines.append((part, part_width))
                continue
            line = ""
            for word in part.split(" "):
                candidate = f"{line} {word}" if line else word
                if self.width(candidate) <= width:
                    line = candidate
                    continue
                if line:
                    lines.append((line, self.width(line)))
                while self.width(word) > width:
                    fitting = self._fitting(word, width)
                    lines.append((word[:fitting], self.width(word[:fitting])))
                    word = word[fitting:]
                line = word
            lines.append((line, self.width(line)))
        return lines

    def _fitting(self, word, width):
        """How many leading characters of `word` fit in `width` (at least one)."""
        used = 0
        for count, char in enumerate(word):
            used += self.width(char)
            if used > width:
                return max(count, 1)
        return len(word)

    def room(self, height):
        """Go on a new page unless `height` mm fit on this one; True if it did. Something
        taller than a page just starts at the top of one (no row is: a description has at
        most 500 characters, ~130 mm of Japanese in its column)."""
        if self.y + height <= self.BOTTOM or self.y == self.TOP:
            return False
        self.pdf.add_page()
        self.font = None  # fpdf2 sets the font again on a new page
        self.y = self.TOP
        return True

    def baseline(self, top, line_height):
        # Where fpdf2's cell() puts it: half the line down, plus 0.3 of the font size.
        return top + line_height / 2 + 0.3 * self.pdf.font_size

    def paragraph(self, block):
        self.y += block.space_before
        self.set_font(block.size, block.bold)
        height = self.line_height(block.size)
        lines = self.wrap(self.clean(block.text), self.WIDTH)
        if block.heading:
            self.room(len(lines) * height + self.KEEP_WITH_HEADING)
        if block.color != (0, 0, 0):
            self.pdf.set_text_color(*block.color)
        for line, _width in lines:
            self.room(height)
            self.pdf.text(self.LEFT, self.baseline(self.y, height), line)
            self.y += height
        if block.color != (0, 0, 0):
            self.pdf.set_text_color(0)

    def table(self, block):
        self.y += block.space_before
        header = block.header and self._lay_out(block, block.header, bold=True)
        for number, row in enumerate(block.rows):
            cells, height = self._lay_out(block, row.cells, bold=row.highlight)
            if header and number == 0:
                self.room(header[1] + height)
                self._draw(block, *header, HEADER_FILL, bold=True)
            elif self.room(height) and header:
                self._draw(block, *header, HEADER_FILL, bold=True)
            self._draw(block, cells, height, EXPIRING_FILL if row.highlight else None, bold=row.highlight)

    def _lay_out(self, block, texts, *, bold):
        """(each cell's lines, wrapped to its column; the row's height)."""
        cells = []
        for column, text in zip(block.columns, texts, strict=True):
            self.set_font(block.size, bold or column.bold)
            cells.append(self.wrap(self.clean(text), column.width - 2 * self.PAD_X))
        return cells, max(map(len, cells)) * self.line_height(block.size) + 2 * self.PAD_Y

    def _draw(self, block, cells, height, fill, *, bold):
        pdf = self.pdf
        if fill:
            pdf.set_fill_color(*fill)
            pdf.rect(self.LEFT, self.y, self.WIDTH, height, style="F")
            pdf.set_fill_color(0)  # as the text: fpdf2 then writes no colour for each text
        line_height = self.line_height(block.size)
        x = self.LEFT
        for column, lines in zip(block.columns, cells):
            self.set_font(block.size, bold or column.bold)
            baseline = self.baseline(self.y + self.PAD_Y, line_height)
            for line, width in lines:
                pdf.text(x + self.PAD_X if column.align == "L" else x + column.width - self.PAD_X - width,
                         baseline, line)
                baseline += line_height
            x += column.width
        self.y += height
        pdf.line(self.LEFT, self.y, self.LEFT + self.WIDTH, self.y)


def render_pdf(statement) -> bytes:
    with i18n.in_locale(_locale_of(statement)):
        return _pdf(statement, context(statement))


def _pdf(statement, ctx):
    blocks = _pdf_blocks(ctx)
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    title = _m("Statement of Cisco Learning Credits")
    pdf.set_title(f"{title} {ctx['company_name']} {statement.period}")
    pdf.set_author("CLC Ledger")
    pdf.set_creator("CLC Ledger")
    pdf.set_creation_date(statement.generated_at)
    texts = [text for block in blocks for text in (block.texts() if isinstance(block, _Table) else [block.text])]
    sheet = _Sheet(pdf, *_choose_font(pdf, texts))
    for block in blocks:
        if isinstance(block, _Table):
            sheet.table(block)
        else:
            sheet.paragraph(block)
    return bytes(pdf.output())


# --- the email ---------------------------------------------------------------------------------

def attachment_names(statement):
    return f"clc-statement-{statement.company_id}-{statement.period}.pdf", \
        f"clc-statement-{statement.company_id}-{statement.period}.csv"


def statement_email(statement):
    """Subject, text, HTML and attachments (filename, bytes, mimetype) of a statement email."""
    with i18n.in_locale(_locale_of(statement)):
        ctx = context(statement)  # once for the text, the HTML and the PDF
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
        html = _html(statement, ctx, email=True)
        pdf = _pdf(statement, ctx)
    pdf_name, csv_name = attachment_names(statement)
    return {
        "subject": subject,
        "text": text,
        "html": html,
        "attachments": [(pdf_name, pdf, "application/pdf"), (csv_name, render_csv(statement), "text/csv")],
    }
