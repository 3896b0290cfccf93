"""A statement as a PDF (R-STM-1): A4 pages laid out with fpdf2's cheap primitives.

Rows taller than what is left of a page go on over the next pages, the table header
repeated at the top of each; every page says "page x of y"; credits expiring soon stand out.
Fonts: statements/fonts.py (a fallback chain over the scripts of R-TXT-2, with shaping).
"""

from .. import i18n
from ..i18n import _m
from . import fonts
from .context import context, locale_of
from .pdf_blocks import Table, pdf_blocks

# --- PDF -------------------------------------------------------------------------------------
#
# Laid out with fpdf2's cheap primitives (text, rect, line) and our own line wrapping and page
# breaks: its table() and multi_cell() measure every character several times over and were
# most of a statement's cost. A TTF font is embedded only when the core font cannot show a
# text; parsing and subsetting one costs more than all the rest of a statement together.
#
# fpdf2 is imported when the first PDF is made, as in fonts.py: importing it costs about 0.3 s,
# some 40% of importing the app, which every process and command would pay otherwise.

HEADER_FILL = (230, 230, 230)
EXPIRING_FILL = (255, 228, 196)
RULE_COLOR = (200, 200, 200)
RULE_WIDTH = 0.2  # mm, fpdf2's default


class _Sheet:
    """A4 pages filled from the top: texts wrap within their width, a table row that does not
    fit what is left of a page goes on over the next ones, and a table's header is repeated
    on each page it runs onto. `rich`: lines are measured and drawn through fpdf2's fallback
    fonts and text shaping (complex scripts), else with its cheap primitives."""

    LEFT, TOP, BOTTOM, WIDTH = 10, 12, 297 - 15, 190  # mm
    PAD_X, PAD_Y = 1, 0.8  # inside a table cell
    KEEP_WITH_HEADING = 18  # mm: a heading at the foot of a page goes over with what follows

    def __init__(self, pdf, family, clean, rich=False):
        self.pdf, self.family, self.clean, self.rich = pdf, family, clean, rich
        self.font = None
        pdf.set_auto_page_break(False)
        pdf.c_margin = 0
        pdf.set_draw_color(*RULE_COLOR)
        pdf.add_page()
        self.y = self.TOP

    @staticmethod
    def line_height(size):
        return size * 0.45  # mm for a size in points: fpdf2's usual spacing

    def set_font(self, size, bold=False):
        if self.font != (size, bold):
            from fpdf.enums import TextMode

            drawn_bold = bold and self.family in getattr(self.pdf, "clc_regular_only", ())
            self.pdf.set_font(self.family, "B" if bold and not drawn_bold else "", size)
            if drawn_bold:  # the regular face, filled and stroked in the text colour
                self.pdf.set_draw_color(0)
                self.pdf.set_line_width(size * 0.012)
                self.pdf.text_mode = TextMode.FILL_STROKE
            elif self.pdf.text_mode != TextMode.FILL:
                self.pdf.text_mode = TextMode.FILL
                # fpdf2 writes the render mode only when it is not "fill", and it lasts on the page
                self.pdf._out("BT 0 Tr ET")
            self.font = (size, bold)
            # Measured here, not with get_string_width(), which copies the graphics state every time.
            self._text_width, self._size_pt = self.pdf.current_font.get_text_width, self.pdf.font_size_pt

    def width(self, text):
        """Of `text` in the current font, in mm."""
        if self.rich:
            return self.pdf.get_string_width(text)
        return self._text_width(text, self._size_pt, None)[1] / self.pdf.k

    def put(self, x, baseline, text, line_height, width):
        """Draw one line whose left end is at `x`."""
        if not self.rich:
            self.pdf.text(x, baseline, text)
            return
        # cell() places the baseline as text() does when its height is the line height.
        self.pdf.set_xy(x, baseline - line_height / 2 - 0.3 * self.pdf.font_size)
        self.pdf.cell(width, line_height, text)

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
        for line, width in lines:
            self.room(height)
            self.put(self.LEFT, self.baseline(self.y, height), line, height, width)
            self.y += height
        if block.color != (0, 0, 0):
            self.pdf.set_text_color(0)

    def table(self, block):
        self.y += block.space_before
        header = block.header and self._lay_out(block, block.header, bold=True)
        header_height = header[1] if header else 0
        line_height = self.line_height(block.size)
        for number, row in enumerate(block.rows):
            cells, height = self._lay_out(block, row.cells, bold=row.highlight)
            fill = EXPIRING_FILL if row.highlight else None
            if height > self.BOTTOM - self.TOP - header_height:  # taller than a page: split it
                self._split_row(block, header, cells, line_height, fill, row.highlight, first=number == 0)
                continue
            if header and number == 0:
                self.room(header[1] + height)
                self._draw(block, *header, HEADER_FILL, bold=True)
            elif self.room(height) and header:
                self._draw(block, *header, HEADER_FILL, bold=True)
            self._draw(block, cells, height, fill, bold=row.highlight)

    def _split_row(self, block, header, cells, line_height, fill, bold, *, first):
        """A row taller than a page: as many of its lines as fit on each page, the header
        repeated above the rest on the next."""
        header_height = header[1] if header else 0
        if first and header:
            self.room(header_height + 2 * self.PAD_Y + 3 * line_height)
            self._draw(block, *header, HEADER_FILL, bold=True)
        while any(cells):
            fitting = int((self.BOTTOM - self.y - 2 * self.PAD_Y) // line_height)
            if fitting < 1:
                self.room(self.BOTTOM)  # always a new page here
                if header:
                    self._draw(block, *header, HEADER_FILL, bold=True)
                continue
            part = [lines[:fitting] for lines in cells]
            cells = [lines[fitting:] for lines in cells]
            self._draw(block, part, max(map(len, part)) * line_height + 2 * self.PAD_Y, fill, bold=bold)
            if any(cells):
                self.room(self.BOTTOM)
                if header:
                    self._draw(block, *header, HEADER_FILL, bold=True)

    def page_numbers(self, words):
        """'Page x of y' at the foot of every page; `words` has %(page)s and %(pages)s."""
        from fpdf.enums import TextMode

        pdf, total = self.pdf, pdf_pages(self.pdf)
        for number in range(1, total + 1):
            pdf.page = number
            pdf.current_font_is_set_on_page = False  # that page's stream sets its font again
            pdf.text_mode = TextMode.FILL
            pdf._out("BT 0 Tr ET")  # the page may end with a bold drawn by stroking
            pdf.set_font(self.family, "", 7)
            self.font = None
            text = self.clean(words % {"page": number, "pages": total})
            self._text_width, self._size_pt = pdf.current_font.get_text_width, pdf.font_size_pt
            width = self.width(text)
            self.put(self.LEFT + self.WIDTH - width, 297 - 8, text, self.line_height(7), width)

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
                self.put(x + self.PAD_X if column.align == "L" else x + column.width - self.PAD_X - width,
                         baseline, line, line_height, width)
                baseline += line_height
            x += column.width
        self.y += height
        pdf.set_draw_color(*RULE_COLOR)
        pdf.set_line_width(RULE_WIDTH)
        pdf.line(self.LEFT, self.y, self.LEFT + self.WIDTH, self.y)


def render_pdf(statement) -> bytes:
    with i18n.in_locale(locale_of(statement)):
        return pdf_of(statement, context(statement))


def pdf_of(statement, ctx):
    """The PDF's bytes; call inside i18n.in_locale(the company's locale), `ctx` from context.context."""
    from fpdf import FPDF

    blocks = pdf_blocks(ctx)
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    title = _m("Statement of Cisco Learning Credits")
    pdf.set_title(f"{title} {ctx['company_name']} {statement.period}")
    pdf.set_author("CLC Ledger")
    pdf.set_creator("CLC Ledger")
    pdf.set_creation_date(statement.generated_at)
    texts = [text for block in blocks for text in (block.texts() if isinstance(block, Table) else [block.text])]
    texts.append(_m("Page %(page)s of %(pages)s"))
    sheet = _Sheet(pdf, *fonts.choose_font(pdf, texts))
    for block in blocks:
        if isinstance(block, Table):
            sheet.table(block)
        else:
            sheet.paragraph(block)
    sheet.page_numbers(_m("Page %(page)s of %(pages)s"))
    fonts.use_working_fonts(pdf)
    return bytes(pdf.output())


def pdf_pages(pdf):
    return pdf.pages_count


