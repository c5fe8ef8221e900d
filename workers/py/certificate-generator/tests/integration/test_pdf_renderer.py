"""The renderer on Debian's DejaVu fonts: what it covers, what it says it cannot print, and
that the same certificate renders to the same bytes."""

from __future__ import annotations

import dataclasses
import io
import uuid
from datetime import date
from pathlib import Path

import pypdf
import pytest

from edu.certificate_generator.adapters.pdf_renderer import FpdfCertificateRenderer, MissingFonts
from edu.certificate_generator.domain.certificate import CertificateDocument
from edu.certificate_generator.domain.names import printable
from edu.certificate_generator.settings import DEJAVU

DOCUMENT = CertificateDocument(
    certificate_id=uuid.uuid4(),
    enrollment_id=uuid.uuid4(),
    student_id=uuid.uuid4(),
    course_id=uuid.uuid4(),
    verification_code="abcdefghijklmnop0123",
    holder_name="Ada Lovelace",
    course_title="SQL",
    teacher_name="Grace Hopper",
    issued_on=date(2026, 12, 5),
    verify_url="https://learn.example.org/verify/abcdefghijklmnop0123",
)


@pytest.fixture(scope="module")
def renderer() -> FpdfCertificateRenderer:
    return FpdfCertificateRenderer(DEJAVU)


def text_of(pdf: bytes) -> str:
    return " ".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


class TestScripts:
    @pytest.mark.parametrize(
        "name", ["Ολυμπία Παπαδοπούλου", "Дмитрий Шостакович", "Zoë Ørsted-Łukasiewicz"]
    )
    def test_latin_greek_and_cyrillic_names_are_printed_whole(
        self, renderer: FpdfCertificateRenderer, name: str
    ) -> None:
        rendered = renderer.render(dataclasses.replace(DOCUMENT, holder_name=name))

        assert rendered.unprintable == ""
        assert name in text_of(rendered.data)

    def test_a_cjk_name_is_reported_unprintable_and_left_out_not_boxed(
        self, renderer: FpdfCertificateRenderer, caplog: pytest.LogCaptureFixture
    ) -> None:
        """DejaVu has no CJK ideographs: fonts-noto-cjk (EDU_CERTIFICATE_FALLBACK_FONTS) would."""
        rendered = renderer.render(dataclasses.replace(DOCUMENT, holder_name="山田 太郎"))

        assert rendered.unprintable == "山田太郎"
        assert "missing the following glyphs" in caplog.text
        assert "山" not in text_of(rendered.data)

    def test_a_long_name_shrinks_and_the_longest_wraps_inside_the_page(
        self, renderer: FpdfCertificateRenderer
    ) -> None:
        longest = printable("Wolfgang Amadeus Theophilus Chrysostomus Mozart-Bartholdy " * 3)
        rendered = renderer.render(dataclasses.replace(DOCUMENT, holder_name=longest))

        assert " ".join(longest.split()) in text_of(rendered.data)
        assert min(text_starts(rendered.data)) >= 0  # centred text too wide starts left of it


def text_starts(pdf: bytes) -> list[float]:
    """Where each piece of text starts on the page, in points from the left edge."""
    starts: list[float] = []

    def seen(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            starts.append(tm[4] * cm[0] + cm[4])

    pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=seen)
    return starts


class TestDeterminism:
    def test_the_same_certificate_renders_to_the_same_bytes(
        self, renderer: FpdfCertificateRenderer
    ) -> None:
        assert renderer.render(DOCUMENT).data == renderer.render(DOCUMENT).data


class TestFonts:
    def test_a_missing_font_folder_stops_the_worker_with_what_to_install(
        self, tmp_path: Path
    ) -> None:
        with pytest.raises(MissingFonts, match="fonts-dejavu-core"):
            FpdfCertificateRenderer(tmp_path)
