"""identity's public API: accounts, tokens and the keys that verify them."""

from __future__ import annotations

from typing import Any, Protocol

from edu.web.clients.models import Tokens, User
from edu.web.clients.transport import ServiceTransport


class IdentityClient(Protocol):
    async def sign_up(self, email: str, password: str, *, teacher: bool) -> User: ...
    async def log_in(self, email: str, password: str) -> Tokens: ...
    async def refresh(self, refresh_token: str) -> Tokens: ...
    async def log_out(self, refresh_token: str) -> None: ...
    async def become_teacher(self, token: str) -> User: ...
    async def jwks(self) -> dict[str, Any]: ...


class HttpIdentityClient:
    def __init__(self, transport: ServiceTransport) -> None:
        self._http = transport

    async def sign_up(self, email: str, password: str, *, teacher: bool) -> User:
        body = {"email": email, "password": password, "teacher": teacher}
        response = await self._http.call("POST", "/auth/signup", json=body)
        return User.model_validate(response.json())

    async def log_in(self, email: str, password: str) -> Tokens:
        body = {"email": email, "password": password}
        response = await self._http.call("POST", "/auth/login", json=body)
        return Tokens.model_validate(response.json())

    async def refresh(self, refresh_token: str) -> Tokens:
        body = {"refresh_token": refresh_token}
        response = await self._http.call("POST", "/auth/refresh", json=body)
        return Tokens.model_validate(response.json())

    async def log_out(self, refresh_token: str) -> None:
        await self._http.call("POST", "/auth/logout", json={"refresh_token": refresh_token})

    async def become_teacher(self, token: str) -> User:
        response = await self._http.call("POST", "/me/teacher", token=token)
        return User.model_validate(response.json())

    async def jwks(self) -> dict[str, Any]:
        response = await self._http.call("GET", "/.well-known/jwks.json")
        document: dict[str, Any] = response.json()
        return document
