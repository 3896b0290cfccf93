"""What a statement's PDF states, before it is laid out (statements/pdf.py lays it out):
paragraphs and tables of plain texts, in the statement's language, built from the context
that statements/context.py makes for the HTML, the mail and the PDF alike."""
from dataclasses import dataclass

from ..i18n import _m
from .context import expiring_line

# What the PDF states, before it is laid out: paragraphs and tables of plain texts.

@dataclass(frozen=True)
class Paragraph:
    text: str
    size: float  # points
    bold: bool = False
    color: tuple = (0, 0, 0)
    space_before: float = 0  # mm
    heading: bool = False  # kept on the page of what follows it


@dataclass(frozen=True)
class Column:
    width: float  # mm
    align: str = "L"  # "L" or "R"
    bold: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple  # one text per column; "\n" starts a new line
    highlight: bool = False  # "expiring soon"


@dataclass(frozen=True)
class Table:
    columns: tuple
    rows: list
    header: tuple = None  # repeated at the top of every page the table runs onto
    size: float = 8
    space_before: float = 0

    def texts(self):
        return [*(self.header or ()), *(cell for row in self.rows for cell in row.cells)]


SUMMARY_COLUMNS = (Column(60, bold=True), Column(65, "R"), Column(65, "R"))
MOVEMENT_COLUMNS = (Column(22), Column(26), Column(30), Column(44), Column(34, "R"), Column(34, "R"))
SALES_ORDER_COLUMNS = (Column(28), Column(30), Column(40, "R"), Column(40, "R"), Column(32), Column(20, "R"))
RESERVATION_COLUMNS = (Column(22), Column(30), Column(30), Column(74), Column(34, "R"))
WARNING_COLOR = (160, 40, 0)


def pdf_blocks(ctx):
    fmt = ctx["fmt"]
    blocks = [
        Paragraph(_m("Statement of Cisco Learning Credits"), 15, bold=True),
        Paragraph(ctx["company_name"], 12, bold=True),
        Paragraph(f"{ctx['month']}: {ctx['first_day']} – {ctx['last_day']}", 10),
        Paragraph(_m("Issued on %(day)s", day=ctx["issued_on"]), 10),
        Table(SUMMARY_COLUMNS, [Row((label, fmt.clc(value), fmt.usd(value))) for label, value in (
            (_m("Opening balance"), ctx["opening"]), (_m("Movements"), ctx["movements"]),
            (_m("Closing balance"), ctx["closing"]))], size=10, space_before=3),
    ]
    if ctx["expiring"]:
        blocks.append(Paragraph(_m("Credits expiring within %(days)s days of the period end: %(amount)s",
                                    days=ctx["expiring_days"], amount=fmt.both(ctx["expiring_total"])),
                                 11, bold=True, color=WARNING_COLOR, space_before=4))
        blocks += [Paragraph("• " + expiring_line(line, fmt), 9) for line in ctx["expiring"]]

    blocks += _learning_blocks(ctx.get("learning"))
    blocks.append(Paragraph(_m("Movements"), 11, bold=True, space_before=4, heading=True))
    if ctx["entries"]:
        header = (_m("Date"), _m("Type"), _m("Sales order"), _m("Description"), _m("Amount"), _m("Running balance"))
        blocks.append(Table(MOVEMENT_COLUMNS, [
            Row((line["day"], line["kind_label"], line["so_number"], line["text"],
                  f"{line['amount_clc']}\n{line['amount_usd']}", f"{line['running_clc']}\n{line['running_usd']}"))
            for line in ctx["entries"]], header))
    else:
        blocks.append(Paragraph(_m("No movements this month."), 10))

    blocks.append(Paragraph(_m("Sales orders at the end of the period"), 11, bold=True, space_before=4,
                             heading=True))
    if ctx["sales_orders"]:
        header = (_m("Sales order"), _m("Status"), _m("Balance"), _m("Reserved"), _m("Expires on"), _m("Days left"))
        expiring_soon = _m("Expiring soon")
        blocks.append(Table(SALES_ORDER_COLUMNS, [
            Row((line["so_number"], line["status_label"] + ("\n" + expiring_soon if line["expiring_soon"] else ""),
                  f"{line['balance_clc']}\n{line['balance_usd']}", f"{line['held_clc']}\n{line['held_usd']}",
                  line["expires"], line["days"]),
                 highlight=line["expiring_soon"]) for line in ctx["sales_orders"]], header))
    else:
        blocks.append(Paragraph(_m("No sales orders."), 10))

    if ctx["reservations"]:
        blocks.append(Paragraph(_m("Reservations for pending debits (not part of the balance)"), 10, bold=True,
                                 space_before=4, heading=True))
        header = (_m("Date"), _m("Type"), _m("Sales order"), _m("Description"), _m("Amount"))
        blocks.append(Table(RESERVATION_COLUMNS, [
            Row((line["day"], line["kind_label"], line["so_number"], line["text"],
                  f"{fmt.clc(line['amount'])}\n{fmt.usd(line['amount'])}")) for line in ctx["reservations"]],
            header))
    blocks.append(Paragraph(_m("1 CLC = 100 USD. Dates are in the time zone %(zone)s.",
                                zone=ctx["content"]["time_zone"]), 7, space_before=4))
    return blocks



def _learning_blocks(learning):
    """R-TEAM-2: CE credits earned from training bought with CLCs, certifications expiring soon."""
    if not learning:
        return []
    blocks = [Paragraph(_m("Learning"), 11, bold=True, space_before=4, heading=True),
              Paragraph(_m("CE credits earned this month from training bought with Learning Credits: %(credits)s",
                            credits=learning["credits_earned"]) + " " + _m(
                  "(claims: %(claims)s; people: %(people)s)", claims=learning["claims_earned"],
                  people=learning["people_earning"]), 9)]
    if learning["expiring"]:
        blocks.append(Paragraph(_m("Certifications expiring within %(days)s days:", days=learning["expiring_days"]),
                                 9, bold=True, space_before=2))
        blocks += [Paragraph("• " + _m("%(person)s: %(certification)s expires on %(day)s, in %(days)s days",
                                        person=line["person"], certification=line["certification"],
                                        day=line["day"], days=line["days"]), 8) for line in learning["expiring"]]
    return blocks
