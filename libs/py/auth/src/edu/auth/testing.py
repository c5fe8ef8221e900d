"""Access tokens for other services' tests, without running identity.

minter = TokenMinter()
verifier = TokenVerifier.from_keys(minter.jwks())
headers = {"Authorization": f"Bearer {minter.mint(user_id=uuid4(), roles={'teacher'})}"}
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from uuid import UUID

from edu.auth.keys import SigningKey, jwks_document
from edu.auth.principal import STUDENT
from edu.auth.tokens import DEFAULT_ACCESS_TTL, DEFAULT_AUDIENCE, DEFAULT_ISSUER, TokenIssuer
from edu.common.clock import Clock


class TokenMinter:
    """A throwaway key pair that signs tokens exactly as identity does."""

    def __init__(
        self,
        *,
        issuer: str = DEFAULT_ISSUER,
        audience: str = DEFAULT_AUDIENCE,
        ttl: timedelta = DEFAULT_ACCESS_TTL,
        clock: Clock | None = None,
    ) -> None:
        self.key = SigningKey.generate()
        self._issuer = TokenIssuer(self.key, issuer=issuer, audience=audience, ttl=ttl, clock=clock)

    def mint(
        self,
        *,
        user_id: UUID | None = None,
        roles: Iterable[str] = (STUDENT,),
        email: str | None = None,
    ) -> str:
        user_id = user_id or uuid.uuid4()
        return self._issuer.issue(
            user_id=user_id, email=email or f"user-{user_id.hex[:12]}@example.test", roles=roles
        )

    def headers(self, **claims: Any) -> dict[str, str]:
        """``{"Authorization": "Bearer <token>"}`` for :meth:`mint` with ``claims``."""
        return {"Authorization": f"Bearer {self.mint(**claims)}"}

    def jwks(self) -> dict[str, Any]:
        return jwks_document(self.key)
