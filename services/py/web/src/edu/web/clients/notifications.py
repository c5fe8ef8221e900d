"""notifications' public API: only what the page header needs."""

from __future__ import annotations

from typing import Protocol

from edu.web.clients.transport import ServiceTransport


class NotificationsClient(Protocol):
    async def unread_count(self, token: str) -> int: ...


class HttpNotificationsClient:
    def __init__(self, transport: ServiceTransport) -> None:
        self._http = transport

    async def unread_count(self, token: str) -> int:
        response = await self._http.call("GET", "/notifications/unread-count", token=token)
        return int(response.json()["unread"])
