"""Passwords: at least 12 characters, not common, not the email address."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edu.identity.domain.passwords import PasswordPolicy, WeakPassword, normalise_password

GOOD = "violet-kettle-orbit-9"


class TestLength:
    @given(st.text(max_size=11).filter(lambda p: len(normalise_password(p)) < 12))
    def test_anything_shorter_than_12_characters_is_refused(self, password: str) -> None:
        policy = PasswordPolicy(frozenset())
        with pytest.raises(WeakPassword, match="at least 12 characters"):
            policy.check(password)

    def test_a_long_unusual_passphrase_is_accepted(self, policy: PasswordPolicy) -> None:
        assert policy.problems(GOOD, email="ada@example.org") == []

    def test_a_password_longer_than_256_characters_is_refused(self, policy: PasswordPolicy) -> None:
        assert policy.problems("x1" * 129) == ["Use at most 256 characters."]


class TestCommonPasswords:
    def test_the_shipped_list_is_substantial_and_lower_case(self, policy: PasswordPolicy) -> None:
        assert len(policy.common) > 19_000
        assert all(word == word.lower() for word in list(policy.common)[:500])

    @pytest.mark.parametrize("password", ["password1234", "Q1W2E3R4T5Y6", "QwertyQwerty"])
    def test_a_common_password_is_refused_whatever_its_case(
        self, policy: PasswordPolicy, password: str
    ) -> None:
        assert "This is one of the most common passwords." in policy.problems(password)

    @pytest.mark.parametrize("password", ["sunshine2024!", "dragon12345678", "football!!!!!"])
    def test_a_common_password_with_digits_or_symbols_added_is_refused(
        self, policy: PasswordPolicy, password: str
    ) -> None:
        assert "This is a common password with digits or symbols added." in policy.problems(
            password
        )

    def test_every_listed_password_of_allowed_length_is_refused(
        self, policy: PasswordPolicy
    ) -> None:
        # Every one, as listed and in upper case: exhaustive beats sampling 100 of them.
        long_enough = sorted(p for p in policy.common if 12 <= len(p) <= 256)
        assert len(long_enough) > 100
        accepted = [
            candidate
            for password in long_enough
            for candidate in (password, password.upper())
            if not policy.problems(candidate)
        ]
        assert accepted == []


class TestOtherRules:
    def test_too_few_different_characters_are_refused(self, policy: PasswordPolicy) -> None:
        assert "Use more different characters." in policy.problems("abababababab")

    @pytest.mark.parametrize("password", ["ada.lovelace@example.org", "xx-ada.lovelace-xx"])
    def test_the_email_address_or_its_name_part_is_refused(
        self, policy: PasswordPolicy, password: str
    ) -> None:
        problems = policy.problems(password, email="Ada.Lovelace@example.org")
        assert "Do not use your email address in your password." in problems

    def test_every_reason_becomes_a_field_problem_on_the_password(
        self, policy: PasswordPolicy
    ) -> None:
        with pytest.raises(WeakPassword) as caught:
            policy.check("abababababab", email="abab@example.org")
        assert {e.field for e in caught.value.errors} == {"body.password"}
        assert len(caught.value.errors) == 2

    @given(
        st.lists(
            st.sampled_from(string.ascii_letters + string.digits),
            min_size=12,
            max_size=40,
            unique=True,
        ).map("".join)
    )
    def test_any_long_uncommon_password_of_varied_characters_passes(self, password: str) -> None:
        assert PasswordPolicy(frozenset({"password1234"})).problems(password) == []
