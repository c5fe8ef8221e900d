"""Certificates as PDF with fpdf2: TrueType fonts embedded as subsets, the QR code drawn as
vector squares (segno's matrix), nothing fetched at run time.

The fonts come from a folder (EDU_CERTIFICATE_FONT_DIR, Debian's fonts-dejavu-core by default:
Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew, Arabic letters' isolated forms and more)
plus any fallback files configured (EDU_CERTIFICATE_FALLBACK_FONTS, e.g. a Noto CJK file for
Chinese, Japanese and Korean names, which DejaVu does not cover). Characters no font has are
reported and left out, never drawn as empty boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time
from pathlib import Path

import segno

# fontTools ships no type information (no py.typed, no stubs on PyPI); only TTFont is used.
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from edu.certificate_generator.domain.certificate import CertificateDocument
from edu.certificate_generator.domain.names import unprintable
from edu.certificate_generator.service_layer.ports import RenderedDocument

REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
FAMILY = "certificate"
PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 18.0  # A4 landscape, millimetres
QR_SIZE = 38.0
NAME_MAX, NAME_MIN = 32, 18  # points
INK, MUTED, ACCENT = (20, 24, 33), (90, 96, 110), (31, 78, 140)


class MissingFonts(RuntimeError):
    """The configured fonts are not there: the worker refuses to start without them."""


def _cmap(path: Path) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def _covered(regular: Path, bold: Path, fallbacks: Sequence[Path]) -> frozenset[int]:
    """What every name can be drawn with: in both weights of the main font, or a fallback."""
    points = _cmap(regular) & _cmap(bold)
    for path in fallbacks:
        points |= _cmap(path)
    return points


class FpdfCertificateRenderer:
    def __init__(self, font_dir: Path, fallback_fonts: Sequence[Path] = ()) -> None:
        self._regular, self._bold = font_dir / REGULAR, font_dir / BOLD
        self._fallbacks = tuple(fallback_fonts)
        missing = [p for p in (self._regular, self._bold, *self._fallbacks) if not p.is_file()]
        if missing:
            raise MissingFonts(
                "certificate fonts not found: "
                + ", ".join(map(str, missing))
                + " (Debian: apt-get install fonts-dejavu-core; or set EDU_CERTIFICATE_FONT_DIR)"
            )
        self.covered = _covered(self._regular, self._bold, self._fallbacks)

    def render(self, document: CertificateDocument) -> RenderedDocument:
        pdf = self._new_pdf(document)
        pdf.add_page()
        _frame(pdf)
        _centred(pdf, 34, "CERTIFICATE OF COMPLETION", 15, ACCENT, bold=True)
        _centred(pdf, 52, "This certifies that", 13, MUTED)
        below_name = _name(pdf, 62, document.holder_name)
        _centred(pdf, below_name + 4, "has completed the course", 13, MUTED)
        pdf.set_xy(MARGIN + 15, below_name + 14)
        pdf.set_font(FAMILY, "B", 21)
        pdf.set_text_color(*INK)
        pdf.multi_cell(PAGE_W - 2 * (MARGIN + 15), 10, document.course_title, align=Align.C)
        _centred(pdf, pdf.get_y() + 4, f"taught by {document.teacher_name}", 13, MUTED)
        self._footer(pdf, document)
        text = " ".join((document.holder_name, document.course_title, document.teacher_name))
        return RenderedDocument(bytes(pdf.output()), unprintable(text, self.covered))

    def _new_pdf(self, document: CertificateDocument) -> FPDF:
        pdf = FPDF(orientation="L", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.add_font(FAMILY, "", str(self._regular))
        pdf.add_font(FAMILY, "B", str(self._bold))
        names = []
        for i, path in enumerate(self._fallbacks):
            names.append(f"fallback{i}")
            pdf.add_font(names[-1], "", str(path))
        if names:
            pdf.set_fallback_fonts(names, exact_match=False)
        # The same certificate renders to the same bytes: the date is the issue date, not now.
        pdf.set_creation_date(datetime.combine(document.issued_on, time(), tzinfo=UTC))
        pdf.set_title(f"Certificate: {document.course_title}")
        pdf.set_author("eduplatform")
        pdf.set_subject(f"Certificate {document.verification_code}")
        return pdf

    def _footer(self, pdf: FPDF, document: CertificateDocument) -> None:
        top = PAGE_H - MARGIN - 8 - QR_SIZE
        lines = (
            (f"Issued on {document.issued_on.isoformat()}", 11, INK),
            (f"Verification code: {document.verification_code}", 10, INK),
            ("Check it at", 9, MUTED),
            (document.verify_url, 9, ACCENT),
        )
        y = top + 6
        for line, size, colour in lines:
            pdf.set_xy(MARGIN + 10, y)
            pdf.set_font(FAMILY, "", size)
            pdf.set_text_color(*colour)
            pdf.cell(
                PAGE_W - 2 * MARGIN - QR_SIZE - 30, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            y += 7
        _qr(pdf, document.verify_url, PAGE_W - MARGIN - 10 - QR_SIZE, top)


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(MARGIN - 8, MARGIN - 8, PAGE_W - 2 * (MARGIN - 8), PAGE_H - 2 * (MARGIN - 8))
    pdf.set_line_width(0.3)
    pdf.rect(MARGIN - 5, MARGIN - 5, PAGE_W - 2 * (MARGIN - 5), PAGE_H - 2 * (MARGIN - 5))


def _centred(
    pdf: FPDF, y: float, text: str, size: float, colour: tuple[int, int, int], *, bold: bool = False
) -> None:
    pdf.set_xy(MARGIN, y)
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.cell(PAGE_W - 2 * MARGIN, size * 0.5, text, align=Align.C)


def _name(pdf: FPDF, y: float, text: str) -> float:
    """The holder's name: one line, its font shrunk until it fits; a name too long even at
    NAME_MIN points wraps instead of running off the page. Returns the y below it."""
    width = PAGE_W - 2 * (MARGIN + 10)
    size = NAME_MAX
    pdf.set_font(FAMILY, "B", size)
    while size > NAME_MIN and pdf.get_string_width(text) > width:
        size -= 1
        pdf.set_font_size(size)
    pdf.set_text_color(*INK)
    pdf.set_xy(MARGIN + 10, y)
    pdf.multi_cell(width, size * 0.45, text, align=Align.C)
    return max(pdf.get_y(), y + 16)


def _qr(pdf: FPDF, url: str, x: float, y: float) -> None:
    """The QR code of ``url`` as filled squares, one per dark module (ISO 18004, level M)."""
    rows = list(segno.make(url, error="m", micro=False).matrix_iter(scale=1, border=0))
    module = QR_SIZE / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * module, y + r * module, module, module, style="F")
