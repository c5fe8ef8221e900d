"""FastAPI dependencies: the wired use cases and the signed-in user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from edu.auth.bearer import principal_from_authorization
from edu.auth.principal import Principal
from edu.moderation.bootstrap import ModerationContainer


def moderation(request: Request) -> ModerationContainer:
    wired: ModerationContainer = request.app.state.moderation
    return wired


# Declares the bearer scheme in OpenAPI; the header itself is read below, so that a missing
# or malformed one gets edu.auth's plain messages rather than a bare 403.
_bearer_scheme = HTTPBearer(auto_error=False, description="An access token from identity.")


def current_principal(
    request: Request,
    _documented: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
) -> Principal:
    authorization = request.headers.get("authorization")
    return principal_from_authorization(authorization, moderation(request).verifier)


ModerationDep = Annotated[ModerationContainer, Depends(moderation)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
