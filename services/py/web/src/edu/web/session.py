"""The signed-in session: two HttpOnly cookies holding identity's tokens, and the visitor.

``edu_session`` holds the access token and ``edu_refresh`` the refresh token; both are HttpOnly
(scripts cannot read them), SameSite=Lax (not sent on cross-site posts) and Secure outside
development. An expired access token is renewed with the refresh token on the next request.
Renewals are shared for a short while per refresh token: identity treats a spent refresh token
presented twice as theft and signs the whole family out, and a browser easily sends two
requests at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from edu.auth.principal import TEACHER, Principal
from edu.web.clients.errors import ServiceUnavailable
from edu.web.clients.identity import IdentityClient
from edu.web.clients.models import Tokens

ACCESS_COOKIE = "edu_session"
REFRESH_COOKIE = "edu_refresh"
FORGET = "forget"


@dataclass(frozen=True)
class Member:
    """A signed-in visitor: who, and the access token to call the services with."""

    principal: Principal
    token: str

    @property
    def is_teacher(self) -> bool:
        return self.principal.has_role(TEACHER)


@dataclass(frozen=True)
class Visitor:
    """Whoever sent the request: signed in (with a principal and a token) or anonymous."""

    principal: Principal | None = None
    token: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.principal is not None and self.token is not None

    @property
    def is_teacher(self) -> bool:
        return self.principal is not None and self.principal.has_role(TEACHER)

    def teaches(self, teacher_id: UUID) -> bool:
        """This visitor is the teacher ``teacher_id`` (a course's own teacher: no Enrol for them)."""
        return self.principal is not None and self.principal.user_id == teacher_id

    def member(self) -> Member | None:
        if self.principal is None or self.token is None:
            return None
        return Member(self.principal, self.token)


def remember(request: Request, tokens: Tokens) -> None:
    """Set the session cookies on this request's response (the cookie middleware writes them)."""
    request.state.session_change = tokens


def forget(request: Request) -> None:
    request.state.session_change = FORGET


def write_session_cookies(request: Request, response: Response, *, secure: bool) -> None:
    change = getattr(request.state, "session_change", None)
    if change == FORGET:
        for name in (ACCESS_COOKIE, REFRESH_COOKIE):
            response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="lax")
    elif isinstance(change, Tokens):
        lifetime = change.refresh_expires_in
        for name, value in (
            (ACCESS_COOKIE, change.access_token),
            (REFRESH_COOKIE, change.refresh_token),
        ):
            response.set_cookie(
                name,
                value,
                max_age=lifetime,
                path="/",
                secure=secure,
                httponly=True,
                samesite="lax",
            )


class SharedRefresh:
    """One identity refresh per refresh token; callers within ``reuse_seconds`` share it."""

    def __init__(
        self,
        identity: IdentityClient,
        *,
        reuse_seconds: float = 30.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._identity = identity
        self._reuse = reuse_seconds
        self._monotonic = monotonic
        self._recent: dict[str, tuple[float, asyncio.Future[Tokens]]] = {}

    async def refresh(self, refresh_token: str) -> Tokens:
        now = self._monotonic()
        self._recent = {k: v for k, v in self._recent.items() if now - v[0] < self._reuse}
        if refresh_token not in self._recent:
            task = asyncio.ensure_future(self._identity.refresh(refresh_token))
            self._recent[refresh_token] = (now, task)
        shared = self._recent[refresh_token][1]
        try:
            return await asyncio.shield(shared)
        except ServiceUnavailable:
            # Identity never saw the token: it is still good, so the next request tries again.
            if self._recent.get(refresh_token, (0.0, None))[1] is shared:
                del self._recent[refresh_token]
            raise
