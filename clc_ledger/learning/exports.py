"""CSV and PDF exports of the team view (R-TEAM-1): the rows the viewer may see (a member
only their own), soonest expiry first, and, for captains and observers, the company's
specializations with their points."""
import csv
import io

from ..statements.fonts import choose_font, use_working_fonts
from . import specializations
from .overview import company_rows

COLUMNS = ("person", "certification", "level", "status", "expires_on", "days_left", "required", "earned",
           "pending", "projected", "gap", "at_risk")


def _rows(company_id, viewer):
    for row in company_rows(company_id, viewer=viewer):
        yield (row["person_name"], row["name"], row["level"], row["status"],
               row["expires_on"].isoformat() if row["expires_on"] else "",
               "" if row["days_left"] is None else row["days_left"], row["required"], row["earned"],
               row["pending"], row["projected"], row["gap"], "yes" if row["at_risk"] else "no")


def _panel(company_id, viewer):
    if not (viewer.is_admin or viewer.role in ("captain", "observer")):
        return []
    return [specializations.view(s) for s in specializations.list_specializations(company_id)]


def to_csv(company_id, viewer) -> bytes:
    """UTF-8 with a BOM (spreadsheets read it so), CRLF lines: the rows, then a blank line and
    the specializations."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_rows(company_id, viewer))
    panel = _panel(company_id, viewer)
    if panel:
        writer.writerow(())
        writer.writerow(("specialization", "type", "renewal_due_on", "window_from", "points", "required", "short"))
        for s in panel:
            writer.writerow((s["name"], s["type"], s["renewal_due_on"].isoformat(), s["window_from"].isoformat(),
                             s["points"], s["required"], s["short"]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_pdf(company, viewer) -> bytes:
    """A landscape A4 table of the rows and the specializations, laid out by fpdf2."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    rows = [tuple(str(value) for value in row) for row in _rows(company.id, viewer)]
    panel = _panel(company.id, viewer)
    title = f"{company.name}: certifications and CE credits"
    texts = [title] + [value for row in rows for value in row] + [s["name"] for s in panel]
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(f"{company.name}: learning")
    pdf.add_page()
    # The statements' choice of font: the core font when it can, else the embedded ones the texts need.
    family, clean, _rich = choose_font(pdf, texts)
    # A CFF face (CJK) is embedded without its bold (statements/fonts.py): headings go regular.
    bold = "" if family in getattr(pdf, "clc_regular_only", ()) else "B"
    headings = {} if bold else {"headings_style": FontFace()}
    pdf.set_font(family, bold, 14)
    pdf.cell(0, 10, clean(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 8)
    widths = (40, 45, 22, 16, 22, 14, 16, 14, 14, 16, 12, 12)
    with pdf.table(col_widths=widths, text_align="LEFT", **headings) as table:
        table.row([clean(name) for name in COLUMNS])
        for row in rows:
            table.row([clean(value) for value in row])
    if panel:
        pdf.ln(6)
        pdf.set_font(family, bold, 11)
        pdf.cell(0, 8, "Specializations", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 8)
        with pdf.table(text_align="LEFT", **headings) as table:
            table.row(["specialization", "type", "renewal due", "window from", "points", "required", "short"])
            for s in panel:
                table.row([clean(s["name"]), s["type"], s["renewal_due_on"].isoformat(),
                           s["window_from"].isoformat(), str(s["points"]), str(s["required"]), str(s["short"])])
    use_working_fonts(pdf)
    return bytes(pdf.output())
