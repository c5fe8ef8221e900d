"""Verification codes are unguessable: at least 128 random bits, URL-safe, never repeated."""

from __future__ import annotations

import base64

from edu.enrollment.domain.certificate import new_verification_code


class TestVerificationCode:
    def test_a_code_carries_at_least_128_random_bits(self) -> None:
        code = new_verification_code()
        raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
        assert len(raw) * 8 >= 128

    def test_a_code_is_safe_in_a_url_path(self) -> None:
        code = new_verification_code()
        assert code.replace("-", "").replace("_", "").isalnum()

    def test_codes_do_not_repeat(self) -> None:
        codes = {new_verification_code() for _ in range(2_000)}
        assert len(codes) == 2_000
