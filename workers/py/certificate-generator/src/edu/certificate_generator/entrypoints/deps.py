"""FastAPI dependencies: the wired worker and the signed-in user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from edu.auth.bearer import principal_from_authorization
from edu.auth.principal import Principal
from edu.certificate_generator.bootstrap import CertificateGeneratorContainer


def wired(request: Request) -> CertificateGeneratorContainer:
    container: CertificateGeneratorContainer = request.app.state.certificates
    return container


_bearer_scheme = HTTPBearer(auto_error=False, description="An access token from identity.")


def current_principal(
    request: Request,
    _documented: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
) -> Principal:
    authorization = request.headers.get("authorization")
    return principal_from_authorization(authorization, wired(request).verifier)


WiredDep = Annotated[CertificateGeneratorContainer, Depends(wired)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
