"""FastAPI dependencies: the wired use cases and the signed-in user with their token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from edu.auth.bearer import bearer_token
from edu.auth.principal import Principal
from edu.teacher_tools.bootstrap import TeacherToolsContainer


@dataclass(frozen=True)
class Caller:
    """The verified principal and the token it came with (passed on to the upstreams)."""

    principal: Principal
    token: str


def teacher_tools(request: Request) -> TeacherToolsContainer:
    wired: TeacherToolsContainer = request.app.state.teacher_tools
    return wired


# Declares the bearer scheme in OpenAPI; the header itself is read below, so that a missing
# or malformed one gets edu.auth's plain messages rather than a bare 403.
_bearer_scheme = HTTPBearer(auto_error=False, description="An access token from identity.")


def current_caller(
    request: Request,
    _documented: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
) -> Caller:
    token = bearer_token(request.headers.get("authorization"))
    return Caller(teacher_tools(request).verifier.verify(token), token)


TeacherToolsDep = Annotated[TeacherToolsContainer, Depends(teacher_tools)]
CallerDep = Annotated[Caller, Depends(current_caller)]
