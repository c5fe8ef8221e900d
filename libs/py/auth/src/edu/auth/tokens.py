"""Access tokens: identity issues them, every service verifies them locally.

Claims: ``sub`` (user id), ``email``, ``roles`` (list), ``iss``, ``aud``, ``iat``, ``exp`` and
``jti``. Verification checks the signature against identity's public keys, the algorithm
(ES256 only: a token cannot choose ``none`` or an HMAC algorithm), issuer, audience and expiry.
Any failure is :class:`edu.common.problems.Unauthenticated` with a plain message.

With ``jwks_url`` the keys are fetched once and cached for five minutes, and refetched when a
token names an unknown key id (key rotation), at most once per ``refetch_cooldown`` so random
key ids cannot make a service hammer identity. The fetch is a short blocking HTTP call (PyJWT's
client), made only on those rare occasions.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, Protocol
from uuid import UUID

import jwt

from edu.auth.keys import ALGORITHM, SigningKey
from edu.auth.principal import Principal
from edu.common.clock import Clock, SystemClock
from edu.common.problems import Unauthenticated

DEFAULT_ISSUER = "eduplatform-identity"
DEFAULT_AUDIENCE = "eduplatform"
DEFAULT_ACCESS_TTL = timedelta(minutes=15)
# Tolerated clock difference between identity and the verifying service.
CLOCK_SKEW = timedelta(seconds=10)


class TokenIssuer:
    """Signs access tokens with identity's private key."""

    def __init__(
        self,
        key: SigningKey,
        *,
        issuer: str = DEFAULT_ISSUER,
        audience: str = DEFAULT_AUDIENCE,
        ttl: timedelta = DEFAULT_ACCESS_TTL,
        clock: Clock | None = None,
    ) -> None:
        self.key = key
        self.issuer = issuer
        self.audience = audience
        self.ttl = ttl
        self.clock = clock or SystemClock()

    def issue(self, *, user_id: UUID, email: str, roles: Iterable[str]) -> str:
        now = self.clock.now()
        claims = {
            "sub": str(user_id),
            "email": email,
            "roles": sorted(set(roles)),
            "iss": self.issuer,
            "aud": self.audience,
            "iat": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp()),
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(
            claims, self.key.private_key, algorithm=ALGORITHM, headers={"kid": self.key.kid}
        )


class VerifierSettings(Protocol):
    """Where a service finds identity's keys and which tokens it accepts (its EDU_* settings)."""

    @property
    def jwks_url(self) -> str: ...

    @property
    def token_issuer(self) -> str: ...

    @property
    def token_audience(self) -> str: ...


class TokenVerifier:
    """Turns a bearer token into a :class:`Principal`, or raises Unauthenticated."""

    def __init__(
        self,
        *,
        jwks_url: str | None = None,
        keys: Mapping[str, Any] | None = None,
        issuer: str = DEFAULT_ISSUER,
        audience: str = DEFAULT_AUDIENCE,
        clock: Clock | None = None,
        fetch_timeout: float = 5.0,
        refetch_cooldown: float = 30.0,
    ) -> None:
        if (jwks_url is None) == (keys is None):
            raise ValueError("give exactly one of jwks_url or keys")
        self._client = (
            jwt.PyJWKClient(
                jwks_url,
                cache_jwk_set=True,
                lifespan=300,
                timeout=fetch_timeout,
                cooldown_duration=refetch_cooldown,
            )
            if jwks_url
            else None
        )
        self._static = jwt.PyJWKSet.from_dict(dict(keys)) if keys is not None else None
        self.issuer = issuer
        self.audience = audience
        self.clock = clock or SystemClock()

    @classmethod
    def from_keys(cls, jwks: Mapping[str, Any], **options: Any) -> TokenVerifier:
        """A verifier that trusts the keys of a JWKS document (``{"keys": [...]}``)."""
        return cls(keys=jwks, **options)

    @classmethod
    def from_settings(
        cls, settings: VerifierSettings, *, clock: Clock | None = None
    ) -> TokenVerifier:
        """A service's verifier: identity's keys at ``jwks_url``, its issuer and audience."""
        return cls(
            jwks_url=settings.jwks_url,
            issuer=settings.token_issuer,
            audience=settings.token_audience,
            clock=clock,
        )

    def verify(self, token: str) -> Principal:
        try:
            key = self._key_for(token)
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={
                    "require": ["sub", "exp", "iat", "iss", "aud"],
                    "verify_iat": False,  # checked below against our clock, with skew
                    "verify_exp": False,
                },
            )
            return self._principal(claims)
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"The access token is not valid ({_reason(exc)}).") from None

    def _key_for(self, token: str) -> Any:
        kid = jwt.get_unverified_header(token).get("kid")
        if not isinstance(kid, str):
            raise jwt.InvalidTokenError("it names no key id")
        if self._client is not None:
            return self._client.get_signing_key(kid).key
        try:
            return self._static[kid].key if self._static is not None else None
        except KeyError:
            raise jwt.InvalidTokenError("it was signed by an unknown key") from None

    def _principal(self, claims: dict[str, Any]) -> Principal:
        now = self.clock.now().timestamp()
        skew = CLOCK_SKEW.total_seconds()
        if not isinstance(claims["exp"], int | float) or claims["exp"] + skew <= now:
            raise jwt.ExpiredSignatureError("it has expired")
        if not isinstance(claims["iat"], int | float) or claims["iat"] - skew > now:
            raise jwt.ImmatureSignatureError("it was issued in the future")
        roles = claims.get("roles", [])
        email = claims.get("email")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise jwt.InvalidTokenError("its roles are malformed")
        if not isinstance(email, str):
            raise jwt.InvalidTokenError("it carries no email")
        try:
            user_id = UUID(str(claims["sub"]))
        except ValueError:
            raise jwt.InvalidTokenError("its subject is not a user id") from None
        return Principal(user_id=user_id, email=email, roles=frozenset(roles))


def _reason(exc: jwt.PyJWTError) -> str:
    if isinstance(exc, jwt.ExpiredSignatureError):
        return "it has expired"
    if isinstance(exc, jwt.InvalidAudienceError):
        return "it is meant for another audience"
    if isinstance(exc, jwt.InvalidIssuerError):
        return "it was issued by someone else"
    if isinstance(exc, jwt.InvalidSignatureError):
        return "its signature does not match"
    if isinstance(exc, jwt.DecodeError):
        return "it is not a well-formed token"
    if isinstance(exc, jwt.PyJWKClientError):
        return "its signing key could not be found"
    text = str(exc)
    return text if text.startswith("it") else "it could not be verified"
