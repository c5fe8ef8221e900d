"""Who a session's access token belongs to, checked locally against identity's public keys.

The keys come through the identity client (so identity being unreachable is a "try again"
page, not a silent sign-out). They are trusted for ``keys_max_age`` seconds (five minutes, as
``edu.auth.tokens.TokenVerifier`` does), so a key identity withdraws stops working here soon
after, and fetched again before that when a token names a key we do not know (identity
restarted or rotated its key). Either way at most once per ``refetch_cooldown`` seconds, so
that made-up key ids cannot make web hammer identity. When identity cannot be reached at
expiry, the keys in hand keep verifying (as the api-gateway's do, ADR 0016): an outage of
identity does not sign everyone out, and the next successful fetch drops withdrawn keys.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import time
from collections.abc import Callable

from edu.auth.principal import Principal
from edu.auth.tokens import TokenVerifier
from edu.common.clock import Clock
from edu.common.problems import Unauthenticated
from edu.web.clients.errors import ServiceUnavailable
from edu.web.clients.identity import IdentityClient

logger = logging.getLogger("edu.web")


class AccessTokens:
    def __init__(
        self,
        identity: IdentityClient,
        *,
        issuer: str,
        audience: str,
        clock: Clock | None = None,
        refetch_cooldown: float = 30.0,
        keys_max_age: float = 300.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._identity = identity
        self._issuer, self._audience, self._clock = issuer, audience, clock
        self._cooldown = refetch_cooldown
        self._max_age = keys_max_age
        self._monotonic = monotonic
        self._verifier: TokenVerifier | None = None
        self._known_kids: frozenset[str] = frozenset()
        self._fetched_at = -math.inf  # when the keys in hand were fetched
        self._tried_at = -math.inf  # when a fetch was last attempted

    async def principal(self, token: str) -> Principal | None:
        """The token's user, or None for a token that is malformed, expired or not identity's."""
        kid = key_id(token)
        if kid is None:
            return None
        expired = self._monotonic() - self._fetched_at >= self._max_age
        if (expired or kid not in self._known_kids) and self._may_fetch():
            try:
                await self._fetch_keys()
            except ServiceUnavailable:
                if self._verifier is None:
                    raise
                logger.warning("identity's keys could not be refetched; keeping those in hand")
        if self._verifier is None or kid not in self._known_kids:
            return None
        try:
            return self._verifier.verify(token)
        except Unauthenticated:
            return None

    def _may_fetch(self) -> bool:
        return self._monotonic() - self._tried_at >= self._cooldown

    async def _fetch_keys(self) -> None:
        self._tried_at = self._monotonic()
        document = await self._identity.jwks()
        self._fetched_at = self._monotonic()
        self._verifier = TokenVerifier.from_keys(
            document, issuer=self._issuer, audience=self._audience, clock=self._clock
        )
        keys = document.get("keys", [])
        self._known_kids = frozenset(str(k.get("kid")) for k in keys if isinstance(k, dict))


def key_id(token: str) -> str | None:
    """The ``kid`` of a JWT's header, read without trusting it (the signature is checked later)."""
    header = token.split(".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    kid = decoded.get("kid") if isinstance(decoded, dict) else None
    return kid if isinstance(kid, str) else None
