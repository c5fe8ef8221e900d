"""Names made from addresses, text made printable, and what no font covers."""

from __future__ import annotations

import uuid

import pytest

from edu.certificate_generator.domain.certificate import document_key, verify_url
from edu.certificate_generator.domain.names import (
    MAX_PRINTED,
    name_from_email,
    printable,
    unprintable,
)


class TestNameFromEmail:
    @pytest.mark.parametrize(
        ("email", "name"),
        [
            ("ada.lovelace@example.org", "Ada Lovelace"),
            ("ada.lovelace+edu@example.org", "Ada Lovelace"),
            ("grace_hopper-1906@example.org", "Grace Hopper 1906"),
            ("дмитрий.шостакович@example.org", "Дмитрий Шостакович"),
            ("ολυμπία.παπαδοπούλου@example.org", "Ολυμπία Παπαδοπούλου"),
            ("mcDonald@example.org", "McDonald"),
            ("...@example.org", "..."),
        ],
    )
    def test_the_local_part_becomes_capitalised_words(self, email: str, name: str) -> None:
        assert name_from_email(email) == name


class TestPrintable:
    def test_control_characters_go_and_spaces_collapse(self) -> None:
        assert printable("SQL\u0000 for\n\tbeginners\u202e") == "SQL for beginners"

    def test_long_text_is_cut_with_an_ellipsis(self) -> None:
        cut = printable("x" * 500)
        assert len(cut) == MAX_PRINTED
        assert cut.endswith("…")


class TestUnprintable:
    def test_lists_each_uncovered_character_once_in_order(self) -> None:
        covered = frozenset(map(ord, "abc"))
        assert unprintable("a 漢b字漢", covered) == "漢字"


class TestLocations:
    def test_the_verify_url_is_web_s_verify_page_with_the_code_escaped(self) -> None:
        assert verify_url("https://x.example/", "a/b c") == "https://x.example/verify/a%2Fb%20c"

    def test_the_key_depends_on_the_certificate_alone(self) -> None:
        certificate = uuid.uuid4()
        assert document_key(certificate) == f"certificates/{certificate}.pdf"
