"""FastAPI dependencies of the course routes: the wired use cases and who is calling."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from edu.auth.bearer import principal_from_authorization, require_role
from edu.auth.principal import TEACHER, Principal
from edu.course.bootstrap import CourseContainer

# Declares bearer authentication in OpenAPI; the checking happens in edu.auth.
bearer_scheme = HTTPBearer(auto_error=False, description="An access token from identity.")


# async although it awaits nothing: FastAPI runs a plain def dependency in a worker thread,
# a thread hop per request for one attribute read (ADR 0009).
async def course_service(request: Request) -> CourseContainer:
    wired: CourseContainer = request.app.state.course
    return wired


ServicesDep = Annotated[CourseContainer, Depends(course_service)]


def current_teacher(
    request: Request,
    wired: ServicesDep,
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    # A plain def on purpose: FastAPI runs it in a thread, and verifying may fetch identity's
    # JWKS (a blocking HTTP call, cached afterwards) without stalling the event loop.
    principal = principal_from_authorization(request.headers.get("authorization"), wired.verifier)
    return require_role(principal, TEACHER)


TeacherDep = Annotated[Principal, Depends(current_teacher)]
