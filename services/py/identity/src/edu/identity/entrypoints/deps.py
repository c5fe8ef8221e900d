"""FastAPI dependencies: the wired use cases and the signed-in user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from edu.auth.bearer import principal_from_authorization
from edu.auth.principal import Principal
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
    # Behind a proxy, uvicorn's --proxy-headers (with --forwarded-allow-ips) puts the real
    # client here; identity never reads X-Forwarded-For itself, which any client could forge.
    return request.client.host if request.client else "unknown"


IdentityDep = Annotated[IdentityContainer, Depends(identity)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
ClientAddress = Annotated[str, Depends(client_address)]
