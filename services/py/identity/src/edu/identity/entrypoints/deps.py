"""FastAPI dependencies: the wired use cases and the signed-in user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from edu.auth.bearer import principal_from_authorization
from edu.auth.principal import Principal
from edu.common.client_address import client_address as forwarded_client_address
from edu.identity.bootstrap import IdentityContainer


def identity(request: Request) -> IdentityContainer:
    wired: IdentityContainer = request.app.state.identity
    return wired


# Declares the bearer scheme in OpenAPI; the header itself is read below, so that a missing
# or malformed one gets edu.auth's plain messages rather than a bare 403.
_bearer_scheme = HTTPBearer(auto_error=False, description="An access token from /auth/login.")


def current_principal(
    request: Request,
    _documented: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
) -> Principal:
    authorization = request.headers.get("authorization")
    return principal_from_authorization(authorization, identity(request).verifier)


def client_address(request: Request) -> str:
    """The visitor's address: forwarded by a proxy holding EDU_PROXY_TOKEN (web, the gateway),
    else the peer's (ADR 0015). X-Forwarded-For, which any client could forge, is never read."""
    peer = request.client.host if request.client else None
    return forwarded_client_address(request.headers, peer, identity(request).proxy_token)


IdentityDep = Annotated[IdentityContainer, Depends(identity)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
ClientAddress = Annotated[str, Depends(client_address)]
