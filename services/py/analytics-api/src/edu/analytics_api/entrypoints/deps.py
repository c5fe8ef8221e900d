"""FastAPI dependencies: the wired use case and the signed-in user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from edu.analytics_api.bootstrap import AnalyticsApiContainer
from edu.auth.bearer import principal_from_authorization
from edu.auth.principal import Principal


def analytics(request: Request) -> AnalyticsApiContainer:
    wired: AnalyticsApiContainer = request.app.state.analytics
    return wired


_bearer_scheme = HTTPBearer(auto_error=False, description="An access token from identity.")


def current_principal(
    request: Request,
    _documented: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
) -> Principal:
    authorization = request.headers.get("authorization")
    return principal_from_authorization(authorization, analytics(request).verifier)


AnalyticsDep = Annotated[AnalyticsApiContainer, Depends(analytics)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
