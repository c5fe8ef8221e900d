"""Signing keys load from configuration; bearer headers and roles are read the same everywhere."""

from __future__ import annotations

import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from edu.auth.bearer import bearer_token, principal_from_authorization, require_role
from edu.auth.keys import InvalidSigningKey, SigningKey, jwks_document
from edu.auth.principal import STUDENT, TEACHER, Principal
from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.common.problems import PermissionDenied, Unauthenticated


class TestSigningKeys:
    def test_a_key_survives_a_pem_round_trip_with_the_same_key_id(self) -> None:
        key = SigningKey.generate()
        assert SigningKey.from_pem(key.to_pem()).kid == key.kid

    def test_different_keys_have_different_ids(self) -> None:
        assert SigningKey.generate().kid != SigningKey.generate().kid

    def test_the_jwks_holds_only_public_material(self) -> None:
        (jwk,) = jwks_document(SigningKey.generate())["keys"]
        assert set(jwk) == {"kty", "crv", "x", "y", "kid", "alg", "use"}
        assert jwk["alg"] == "ES256"

    def test_refuses_text_that_is_not_a_pem_key(self) -> None:
        with pytest.raises(InvalidSigningKey, match="not a PEM"):
            SigningKey.from_pem("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----")

    def test_refuses_a_key_of_the_wrong_kind(self) -> None:
        p384_pem = ec.generate_private_key(ec.SECP384R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        with pytest.raises(InvalidSigningKey, match="P-256"):
            SigningKey.from_pem(p384_pem)


class TestBearerHeaders:
    @pytest.mark.parametrize("header", [None, ""])
    def test_a_missing_header_asks_to_sign_in(self, header: str | None) -> None:
        with pytest.raises(Unauthenticated, match="Sign in first"):
            bearer_token(header)

    @pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer   ", "token"])
    def test_a_malformed_header_says_what_shape_is_expected(self, header: str) -> None:
        with pytest.raises(Unauthenticated, match="Bearer <access token>"):
            bearer_token(header)

    def test_the_scheme_is_case_insensitive(self) -> None:
        assert bearer_token("bearer abc.def.ghi") == "abc.def.ghi"

    def test_a_minted_token_in_a_header_yields_its_principal(self) -> None:
        minter = TokenMinter()
        user_id = uuid.uuid4()
        header = minter.headers(user_id=user_id, roles={TEACHER})["Authorization"]

        principal = principal_from_authorization(header, TokenVerifier.from_keys(minter.jwks()))

        assert principal.user_id == user_id
        assert principal.roles == {TEACHER}


class TestRequiringARole:
    def test_lets_a_holder_of_the_role_through(self) -> None:
        teacher = Principal(uuid.uuid4(), "t@example.org", frozenset({STUDENT, TEACHER}))
        assert require_role(teacher, TEACHER) is teacher

    def test_refuses_anyone_else_in_plain_words(self) -> None:
        student = Principal(uuid.uuid4(), "s@example.org", frozenset({STUDENT}))
        with pytest.raises(PermissionDenied, match="Only a teacher may do this"):
            require_role(student, TEACHER)
