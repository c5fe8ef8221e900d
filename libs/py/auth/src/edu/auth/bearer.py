"""Reading the ``Authorization: Bearer ...`` header, framework-free.

Each service wraps these in its own FastAPI dependency (``entrypoints/deps.py``), so the rules
for a missing, malformed or under-privileged token read the same everywhere.
"""

from __future__ import annotations

from edu.auth.principal import Principal
from edu.auth.tokens import TokenVerifier
from edu.common.problems import PermissionDenied, Unauthenticated


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization`` header value, or Unauthenticated."""
    if not authorization:
        raise Unauthenticated("Sign in first: send an access token as `Authorization: Bearer ...`.")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("The Authorization header must read `Bearer <access token>`.")
    return token.strip()


def principal_from_authorization(authorization: str | None, verifier: TokenVerifier) -> Principal:
    """Verify the bearer token of an ``Authorization`` header value."""
    return verifier.verify(bearer_token(authorization))


def require_role(principal: Principal, role: str) -> Principal:
    """``principal`` if it holds ``role``; PermissionDenied otherwise."""
    if not principal.has_role(role):
        raise PermissionDenied(f"Only a {role} may do this.")
    return principal
