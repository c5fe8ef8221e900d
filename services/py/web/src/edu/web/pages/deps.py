"""FastAPI dependencies: the wired app, the visitor, and the checks forms and pages need."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from edu.web.bootstrap import WebContainer
from edu.web.clients.errors import NotSignedIn, ServiceUnavailable
from edu.web.csrf import CSRF_COOKIE, CSRF_FIELD, session_of
from edu.web.session import ACCESS_COOKIE, REFRESH_COOKIE, Member, Visitor, forget, remember


class SignInRequired(Exception):
    """The page needs a signed-in visitor: answered with a redirect to log-in and back."""

    def __init__(self, back_to: str) -> None:
        super().__init__(back_to)
        self.back_to = back_to


class TeachersOnly(Exception):
    """The page needs the teacher role: answered with the dashboard's "become a teacher"."""


def web(request: Request) -> WebContainer:
    wired: WebContainer = request.app.state.web
    return wired


WebDep = Annotated[WebContainer, Depends(web)]


async def visitor(request: Request, wired: WebDep) -> Visitor:
    """The signed-in visitor, renewing an expired access token with the refresh token."""
    known: Visitor | None = getattr(request.state, "visitor", None)
    if known is not None:
        return known
    found = Visitor()
    token = request.cookies.get(ACCESS_COOKIE)
    principal = await wired.access_tokens.principal(token) if token else None
    if token and principal is not None:
        found = Visitor(principal, token)
    elif refresh_token := request.cookies.get(REFRESH_COOKIE):
        try:
            tokens = await wired.refresh.refresh(refresh_token)
            principal = await wired.access_tokens.principal(tokens.access_token)
        except NotSignedIn:
            forget(request)  # spent, revoked or expired: the session is over
        except ServiceUnavailable:
            pass  # keep the cookies; pages that need a sign-in send the visitor to log in
        else:
            if principal is not None:
                remember(request, tokens)
                found = Visitor(principal, tokens.access_token)
    elif token:
        forget(request)
    request.state.visitor = found
    return found


VisitorDep = Annotated[Visitor, Depends(visitor)]


def back_to(request: Request) -> str:
    """Where log-in should return to: this page (a POST returns to the page it came from)."""
    if request.method == "GET":
        query = f"?{request.url.query}" if request.url.query else ""
        return f"{request.url.path}{query}"
    referer = request.headers.get("referer", "")
    host = f"{request.url.scheme}://{request.url.netloc}"
    return referer.removeprefix(host) if referer.startswith(host + "/") else "/"


async def signed_in(request: Request, who: VisitorDep) -> Member:
    member = who.member()
    if member is None:
        raise SignInRequired(back_to(request))
    return member


SignedInDep = Annotated[Member, Depends(signed_in)]


async def teacher(who: SignedInDep) -> Member:
    if not who.is_teacher:
        raise TeachersOnly
    return who


TeacherDep = Annotated[Member, Depends(teacher)]


async def checked_form(request: Request, wired: WebDep) -> None:
    """Every unsafe method must carry the CSRF token of this browser and this session
    (raises CsrfRejected)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    form = await request.form()  # Starlette keeps the parsed form for the route's Form(...)
    who = await visitor(request, wired)
    session = session_of(who.principal)
    wired.csrf.check(request.cookies.get(CSRF_COOKIE), form.get(CSRF_FIELD), session)
