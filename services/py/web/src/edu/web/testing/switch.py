"""What every fake shares: an off switch, and who a token belongs to."""

from __future__ import annotations

from uuid import UUID

from edu.auth.principal import Principal
from edu.auth.tokens import TokenVerifier
from edu.web.clients.errors import NotSignedIn, ServiceUnavailable


class Switchable:
    """``down = True`` makes every call fail as an unreachable service does."""

    down = False
    name = "service"

    def answer(self, service: str | None = None) -> None:
        if self.down:
            raise ServiceUnavailable(service or self.name, "ConnectError")


def principal_of(verifier: TokenVerifier, token: str) -> Principal:
    try:
        return verifier.verify(token)
    except Exception:  # the real services answer any bad token with a 401
        raise NotSignedIn(
            401, "Authentication required", "The access token is not valid."
        ) from None


def caller_of(verifier: TokenVerifier, token: str) -> UUID:
    return principal_of(verifier, token).user_id
