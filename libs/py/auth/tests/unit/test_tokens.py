"""Access tokens signed by identity verify everywhere else, and nothing else does."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from edu.auth.keys import SigningKey
from edu.auth.principal import STUDENT, TEACHER, Principal
from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenIssuer, TokenVerifier
from edu.common.clock import FakeClock
from edu.common.problems import Unauthenticated

KEY = SigningKey.generate()


def issuer(clock: FakeClock, **options: object) -> TokenIssuer:
    return TokenIssuer(KEY, clock=clock, **options)  # type: ignore[arg-type]  # test options


def hs256_token(claims: dict[str, object], secret: bytes, *, kid: str) -> str:
    """Signed by hand: PyJWT itself refuses to HMAC with something that looks like a key."""
    encode = jwt.utils.base64url_encode
    header = encode(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = encode(json.dumps(claims).encode())
    signature = hmac.new(secret, header + b"." + body, hashlib.sha256).digest()
    return b".".join([header, body, encode(signature)]).decode()


def verifier(clock: FakeClock, **options: object) -> TokenVerifier:
    return TokenVerifier.from_keys({"keys": [KEY.public_jwk()]}, clock=clock, **options)


class TestVerifyingAGoodToken:
    def test_returns_the_principal_the_token_was_issued_for(self, clock: FakeClock) -> None:
        user_id = uuid.uuid4()
        token = issuer(clock).issue(user_id=user_id, email="ada@example.org", roles=[TEACHER])

        principal = verifier(clock).verify(token)

        assert principal == Principal(user_id, "ada@example.org", frozenset({TEACHER}))

    @given(roles=st.sets(st.sampled_from([STUDENT, TEACHER])))
    def test_roles_survive_the_round_trip(self, roles: set[str]) -> None:
        clock = FakeClock()
        token = issuer(clock).issue(user_id=uuid.uuid4(), email="a@b.c", roles=roles)
        assert verifier(clock).verify(token).roles == frozenset(roles)

    def test_accepts_a_token_until_it_expires(self, clock: FakeClock) -> None:
        token = issuer(clock, ttl=timedelta(minutes=15)).issue(
            user_id=uuid.uuid4(), email="a@b.c", roles=[]
        )
        clock.advance(timedelta(minutes=14))
        assert verifier(clock).verify(token).email == "a@b.c"


class TestRejectingBadTokens:
    def test_rejects_an_expired_token(self, clock: FakeClock) -> None:
        token = issuer(clock).issue(user_id=uuid.uuid4(), email="a@b.c", roles=[])
        clock.advance(timedelta(minutes=16))
        with pytest.raises(Unauthenticated, match="expired"):
            verifier(clock).verify(token)

    def test_rejects_a_token_signed_by_another_key(self, clock: FakeClock) -> None:
        token = TokenMinter(clock=clock).mint()
        with pytest.raises(Unauthenticated, match="unknown key"):
            verifier(clock).verify(token)

    def test_rejects_a_token_whose_payload_was_changed(self, clock: FakeClock) -> None:
        token = issuer(clock).issue(user_id=uuid.uuid4(), email="a@b.c", roles=[STUDENT])
        header, _, signature = token.split(".")
        claims = jwt.decode(token, options={"verify_signature": False})
        forged = jwt.utils.base64url_encode(
            json.dumps({**claims, "roles": [TEACHER]}).encode()
        ).decode()
        with pytest.raises(Unauthenticated, match="signature"):
            verifier(clock).verify(f"{header}.{forged}.{signature}")

    def test_rejects_an_unsigned_token(self, clock: FakeClock) -> None:
        claims = {"sub": str(uuid.uuid4()), "email": "a@b.c", "roles": [TEACHER]}
        encode = jwt.utils.base64url_encode
        header = encode(json.dumps({"alg": "none", "kid": KEY.kid}).encode()).decode()
        token = f"{header}.{encode(json.dumps(claims).encode()).decode()}."
        with pytest.raises(Unauthenticated):
            verifier(clock).verify(token)

    def test_rejects_an_hmac_token_keyed_with_the_public_key(self, clock: FakeClock) -> None:
        # The classic algorithm-confusion attack: sign HS256 with the published key bytes.
        now = int(clock.now().timestamp())
        claims = {
            "sub": str(uuid.uuid4()),
            "email": "a@b.c",
            "roles": [],
            "iat": now,
            "exp": now + 60,
            "iss": "eduplatform-identity",
            "aud": "eduplatform",
        }
        secret = json.dumps(KEY.public_jwk()).encode()
        token = hs256_token(claims, secret, kid=KEY.kid)
        with pytest.raises(Unauthenticated):
            verifier(clock).verify(token)

    @pytest.mark.parametrize("option", ["audience", "issuer"])
    def test_rejects_a_token_meant_for_someone_else(self, clock: FakeClock, option: str) -> None:
        token = issuer(clock, **{option: "elsewhere"}).issue(
            user_id=uuid.uuid4(), email="a@b.c", roles=[]
        )
        with pytest.raises(Unauthenticated, match="not valid"):
            verifier(clock).verify(token)

    @pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x.y.z"])
    def test_rejects_garbage_with_a_plain_message(self, clock: FakeClock, garbage: str) -> None:
        with pytest.raises(Unauthenticated, match="The access token is not valid"):
            verifier(clock).verify(garbage)


class TestConfiguringAVerifier:
    def test_needs_exactly_one_source_of_keys(self) -> None:
        with pytest.raises(ValueError, match="exactly one"):
            TokenVerifier()

    def test_a_service_verifier_takes_issuer_and_audience_from_its_settings(
        self, clock: FakeClock
    ) -> None:
        @dataclass
        class Settings:
            jwks_url: str = "http://127.0.0.1:1/.well-known/jwks.json"
            token_issuer: str = "other-issuer"
            token_audience: str = "other-audience"

        made = TokenVerifier.from_settings(Settings(), clock=clock)
        assert (made.issuer, made.audience, made.clock) == ("other-issuer", "other-audience", clock)
