"""Fonts for statement PDFs: a fallback chain over the scripts a company's name or a
description may be written in (R-TXT-2: Latin, CJK, Thai, Devanagari, Arabic, Hebrew,
Cyrillic, Greek), found on the system (Debian: fonts-noto-core, fonts-noto-cjk,
fonts-dejavu-core; `make system-deps` installs them).

A document embeds only the fonts its texts need: the first of the chain that covers most of
them becomes the main font, the others are fpdf2 fallback fonts for the characters it lacks.
Thai, Devanagari, Arabic and Hebrew need shaping (HarfBuzz, through fpdf2 and uharfbuzz):
joined and reordered glyphs, right-to-left runs. A character no font of the chain has is
logged once per document as a warning; nothing is logged otherwise.

The config key CLC_PDF_FONTS replaces the chain: a list of (regular, bold or None, index in
a font collection).
"""
import logging
import threading
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)

_NOTO = "/usr/share/fonts/truetype/noto/"
_NOTO_CJK = ("/usr/share/fonts/opentype/noto/", "/usr/share/fonts/noto-cjk/", "/usr/share/fonts/google-noto-cjk/")
_DEJAVU = ("/usr/share/fonts/truetype/dejavu/", "/usr/share/fonts/dejavu/", "/usr/share/fonts/TTF/")

# (regular, bold, collection index), in the order they are preferred.
CHAIN = [
    (_NOTO + "NotoSans-Regular.ttf", _NOTO + "NotoSans-Bold.ttf", 0),  # Latin, Greek, Cyrillic
    *((d + "DejaVuSans.ttf", d + "DejaVuSans-Bold.ttf", 0) for d in _DEJAVU),
    *((d + "NotoSansCJK-Regular.ttc", d + "NotoSansCJK-Bold.ttc", 0) for d in _NOTO_CJK),  # Japanese first
    (_NOTO + "NotoSansThai-Regular.ttf", _NOTO + "NotoSansThai-Bold.ttf", 0),
    (_NOTO + "NotoSansDevanagari-Regular.ttf", _NOTO + "NotoSansDevanagari-Bold.ttf", 0),
    (_NOTO + "NotoSansArabic-Regular.ttf", _NOTO + "NotoSansArabic-Bold.ttf", 0),
    (_NOTO + "NotoNaskhArabic-Regular.ttf", _NOTO + "NotoNaskhArabic-Bold.ttf", 0),
    (_NOTO + "NotoSansHebrew-Regular.ttf", _NOTO + "NotoSansHebrew-Bold.ttf", 0),
    ("/System/Library/Fonts/Hiragino Sans GB.ttc", None, 0),
]

# Scripts whose glyphs join, reorder or run right to left: drawn shaped.
_COMPLEX = ((0x0590, 0x08FF), (0x0900, 0x0DFF), (0x0E00, 0x0EFF), (0x0F00, 0x109F), (0x1780, 0x17FF),
            (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))
# Characters nobody expects a glyph for: spaces and marks that only steer layout.
_INVISIBLE = {0x0A, 0x0D, 0x09, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF}


def needs_shaping(chars):
    return any(low <= ord(char) <= high for char in chars for low, high in _COMPLEX)


def chain():
    configured = current_app.config.get("CLC_PDF_FONTS")
    candidates = [tuple(c) for c in configured] if configured is not None else CHAIN
    return [(regular, bold, index) for regular, bold, index in candidates if regular and Path(regular).is_file()]


@lru_cache(maxsize=64)
def coverage(path, index):
    """The code points a font file has glyphs for (read once per process)."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    try:
        return frozenset(font.getBestCmap() or ())
    finally:
        font.close()


def plan(texts):
    """([(regular, bold, index)] to embed, main first; the characters none of them has)."""
    needed = {ord(char) for text in texts for char in text} - _INVISIBLE
    needed = {code for code in needed if code > 0x20}
    chosen, left = [], set(needed)
    candidates = chain()
    while left and candidates:
        best = max(candidates, key=lambda c: len(left & coverage(c[0], c[2])))
        covered = left & coverage(best[0], best[2])
        if not covered:
            break
        chosen.append(best)
        left -= covered
        candidates = [c for c in candidates if c is not best]
    # The main font is the one that covers the most of all the texts (usually the Latin one).
    chosen.sort(key=lambda c: -len(needed & coverage(c[0], c[2])))
    return chosen, sorted(left)


def embed(pdf, texts):
    """Add the fonts the texts need to `pdf`. Returns (main family or None, shaped?).

    Logs a warning naming the characters no font has (they show as empty boxes)."""
    fonts, missing = plan(texts)
    if missing:
        log.warning("No font for %d character(s) of a statement PDF: %s", len(missing),
                    " ".join(f"U+{code:04X}" for code in missing[:40]))
    families = []
    for number, (regular, bold, index) in enumerate(fonts):
        family = f"f{number}"
        try:
            add_font(pdf, family, "", regular, index)
            if _parsed(regular, index, "").is_cff:
                # A CFF face (CJK) costs most of a PDF to embed: its bold is drawn from the
                # regular face, filled and stroked (statements/pdf.py), not embedded too.
                pdf.clc_regular_only = getattr(pdf, "clc_regular_only", set()) | {family}
            else:
                add_font(pdf, family, "B", bold if bold and Path(bold).is_file() else regular, index)
        except Exception:  # a broken or unsupported font file: do without it
            log.warning("Cannot embed the font %s in a statement PDF", regular, exc_info=True)
            continue
        families.append(family)
    if not families:
        return None, False
    if len(families) > 1:
        pdf.set_fallback_fonts(families[1:], exact_match=False)
    shaped = needs_shaping({char for text in texts for char in text})
    if shaped:
        pdf.set_text_shaping(True)
    return families[0], shaped or len(families) > 1


# --- the choice of font: the core font when it can -----------------------------------------
#
# The statements' PDF and learning's team export choose the same way: nothing is embedded when
# the core font (Latin-1) shows every text.

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


def choose_font(pdf, texts):
    """(family, clean, rich): the core font when it shows every text (nothing to embed), else
    the fonts of the chain the texts need (embed), else the core font with '?'
    for what it cannot show. `rich`: lines go through fpdf2's fallback fonts and shaping."""
    shown = _in_core_font(texts)
    if shown is not None:
        return CORE_FONT, lambda text: shown.get(text) or _latin1(text), False
    family, rich = embed(pdf, texts)
    return (family, str, rich) if family else (CORE_FONT, _latin1, False)


@lru_cache(maxsize=16)
def _parsed(path, index, style):
    """fpdf2's parse of a font file (cmap, widths, glyph ids, metrics), once per process: for
    a CJK face it costs more than laying out a whole statement."""
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    font = TTFFont(FPDF(), Path(path), "parsed", style, collection_font_number=index)
    font.ttfont.close()
    font.ttfont = None  # each document gets its own: fpdf2 subsets it in place when it writes
    return font


def add_font(pdf, family, style, path, index):
    """pdf.add_font(), but from the parse cached by _parsed(): a shallow copy with this
    document's own subset, glyph bookkeeping and (lazily read) font file."""
    from fontTools.ttLib import TTFont
    from fpdf.fonts import SubsetMap, TTFFont

    parsed = _parsed(path, index, style)
    font = TTFFont.__new__(TTFFont)
    for slot in TTFFont.__slots__:
        if hasattr(parsed, slot):
            setattr(font, slot, getattr(parsed, slot))
    font.i = len(pdf.fonts) + 1
    font.fontkey = f"{family.lower()}{style}"
    font.ttfont = TTFont(path, recalcTimestamp=False, fontNumber=index, lazy=True)
    font._hbfont = None
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    pdf.fonts[font.fontkey] = font
    if font.is_cff and font.is_cid_keyed:
        pdf._set_min_pdf_version("1.6")


# --- cheap subsets ---------------------------------------------------------------------
#
# fpdf2 subsets each embedded font when it writes the PDF, from the whole font file: for a
# CJK face (16 MB, CFF outlines) that dominates a document's time (bench/RESULTS.md, 5c).
# Instead each document's font is
# handed a "working font" cut once from the face: the glyphs documents of this process
# have needed so far. fpdf2 then cuts its subset from that small font, cheaply. A
# document needing a glyph the working font lacks makes it again, with that glyph added.

WORKING_MAX_GLYPHS = 3000  # past this, a new working font starts from what one document needs
_working = {}  # (path, index) -> (frozenset of glyph names, font bytes)
_working_lock = threading.Lock()


def _subset_options():
    from fontTools import subset as ftsubset

    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True)
    # As fpdf2 does when it embeds (fpdf/output.py): tables a PDF does not use.
    options.drop_tables += ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC",
                            "EBDT", "EBLC", "EBSC", "SVG ", "CPAL", "COLR"]
    return options


def _cut(font, names, desubroutinize):
    from fontTools import subset as ftsubset

    options = _subset_options()
    options.desubroutinize = desubroutinize
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(glyphs=names)
    subsetter.subset(font)
    buffer = BytesIO()
    font.save(buffer)
    font.close()
    return buffer.getvalue()


def _working_font(path, index, needed):
    from fontTools.ttLib import TTFont

    key = (str(path), index)
    with _working_lock:
        names, data = _working.get(key, (frozenset(), None))
        if data is None or not needed <= names:
            names = needed if len(names) + len(needed) > WORKING_MAX_GLYPHS else names | needed
            data = _cut(TTFont(path, fontNumber=index, lazy=True, recalcTimestamp=False), names, False)
            # Then without subroutines, so that each document's cut has none to trace; done on
            # the small font, as on the whole face it would hold every charstring in memory.
            data = _cut(TTFont(BytesIO(data), lazy=True, recalcTimestamp=False), names, True)
            _working[key] = (frozenset(names), data)
    # Bounding boxes as the face has them: recomputing them runs every glyph's charstring.
    return TTFont(BytesIO(data), lazy=True, recalcTimestamp=False, recalcBBoxes=False)


def use_working_fonts(pdf):
    """Before pdf.output(): give each embedded font the working font to cut its subset from."""
    from fpdf.fonts import TTFFont

    for font in pdf.fonts.values():
        # CFF fonts only: their glyph names live in the font program and survive the cut;
        # TrueType ones (small, and cheap to subset anyway) would come back renamed.
        if not isinstance(font, TTFFont) or font.ttfont is None or not font.is_cff:
            continue
        needed = frozenset(font.subset.get_all_glyph_names()) | {".notdef"}
        font.ttfont.close()
        font.ttfont = _working_font(font.ttffile, font.collection_font_number, needed)
