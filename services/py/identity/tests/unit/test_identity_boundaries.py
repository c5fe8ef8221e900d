"""identity's rules at their edges: the longest address and password accepted, the characters
refused in an address, common passwords in disguise, the times a token family records.

Written from the survivors of the first mutation run (ADR 0020): `>=` for `>` at each length
limit, `and` for `or` in the blocklist and character checks, `issued_at = None` all passed.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from edu.identity.domain.email import MAX_LENGTH, MAX_LOCAL_LENGTH, InvalidEmail, normalise_email
from edu.identity.domain.passwords import MAX_LENGTH as PASSWORD_MAX
from edu.identity.domain.passwords import PasswordPolicy, WeakPassword
from edu.identity.domain.refresh_tokens import RefreshTokenFamily

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def address_of_length(length: int) -> str:
    """A valid address exactly ``length`` characters long (labels of at most 63)."""
    local = "a" * MAX_LOCAL_LENGTH
    remaining = length - len(local) - 1 - len(".org")
    labels = []
    while remaining > 0:
        size = min(63, remaining)
        if remaining - size == 1:  # a label cannot be empty: leave two for the last one
            size -= 1
        labels.append("d" * size)
        remaining -= size + 1
    return f"{local}@{'.'.join(labels)}.org"


class TestAddressLimits:
    def test_an_address_of_the_maximum_length_is_accepted(self) -> None:
        address = address_of_length(MAX_LENGTH)
        assert len(address) == MAX_LENGTH
        assert normalise_email(address) == address

    def test_a_longer_address_is_refused(self) -> None:
        with pytest.raises(InvalidEmail, match=f"at most {MAX_LENGTH}"):
            normalise_email(address_of_length(MAX_LENGTH + 1))

    def test_a_name_part_of_the_maximum_length_is_accepted(self) -> None:
        local = "a" * MAX_LOCAL_LENGTH
        assert normalise_email(f"{local}@example.org") == f"{local}@example.org"

    @pytest.mark.parametrize("character", ['"', "<", ">", "(", ")", "[", "]", ",", ";", ":", "\\"])
    def test_a_printable_character_reserved_by_the_address_syntax_is_refused(
        self, character: str
    ) -> None:
        with pytest.raises(InvalidEmail, match="characters not allowed"):
            normalise_email(f"ada{character}x@example.org")

    def test_a_numeric_last_label_is_refused_however_many_labels_come_before(self) -> None:
        with pytest.raises(InvalidEmail, match="not an address"):
            normalise_email("ada@mail.example.123")

    def test_a_numeric_label_before_the_last_is_fine(self) -> None:
        assert normalise_email("ada@mail.1.example.org") == "ada@mail.1.example.org"


class TestPasswordEdges:
    def test_a_password_of_the_maximum_length_is_accepted(self) -> None:
        password = ("violet-kettle-orbit-9 " * 20)[:PASSWORD_MAX]
        assert PasswordPolicy(frozenset()).problems(password) == []

    def test_a_common_password_wrapped_in_spaces_is_still_common(self) -> None:
        policy = PasswordPolicy(frozenset({"correcthorsebattery"}))
        assert policy.problems("  correcthorsebattery  ") == [
            "This is one of the most common passwords."
        ]

    def test_a_four_letter_common_word_with_digits_added_is_refused(self) -> None:
        policy = PasswordPolicy(frozenset({"wxyz"}))
        assert policy.problems("wxyz12345678") == [
            "This is a common password with digits or symbols added."
        ]

    def test_five_different_characters_are_enough(self) -> None:
        assert PasswordPolicy(frozenset()).problems("abcdeabcdeab") == []

    def test_each_reason_is_its_own_problem_on_the_password(self) -> None:
        policy = PasswordPolicy(frozenset())
        with pytest.raises(WeakPassword) as caught:
            policy.check("abababababab", email="abab@example.org")
        assert [e.message for e in caught.value.errors] == [
            "Use more different characters.",
            "Do not use your email address in your password.",
        ]


class TestTokenFamilyTimes:
    def test_a_family_records_when_it_started_and_its_tokens_when_issued(self) -> None:
        family = RefreshTokenFamily.start(user_id=uuid.uuid4(), now=NOW)
        token = family.issue(token_hash="t0", now=NOW, ttl=timedelta(days=14))
        assert (family.created_at, token.issued_at, token.expires_at) == (
            NOW,
            NOW,
            NOW + timedelta(days=14),
        )
