"""notifications' public API: the header's unread count, the notifications page (list, mark
read) and the email preferences page."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from edu.web.clients.models import EmailPreferences, Notification, NotificationPage
from edu.web.clients.transport import ServiceTransport


class NotificationsClient(Protocol):
    async def unread_count(self, token: str) -> int: ...
    async def notifications(self, token: str, *, limit: int, offset: int) -> NotificationPage: ...
    async def mark_read(self, token: str, notification_id: UUID) -> Notification: ...
    async def preferences(self, token: str) -> EmailPreferences: ...
    async def set_preferences(self, token: str, *, enrollment_emails: bool) -> EmailPreferences: ...


class HttpNotificationsClient:
    def __init__(self, transport: ServiceTransport) -> None:
        self._http = transport

    async def unread_count(self, token: str) -> int:
        response = await self._http.call("GET", "/notifications/unread-count", token=token)
        return int(response.json()["unread"])

    async def notifications(self, token: str, *, limit: int, offset: int) -> NotificationPage:
        params = {"limit": limit, "offset": offset}
        response = await self._http.call("GET", "/notifications", token=token, params=params)
        return NotificationPage.model_validate(response.json())

    async def mark_read(self, token: str, notification_id: UUID) -> Notification:
        path = f"/notifications/{notification_id}/read"
        response = await self._http.call("POST", path, token=token)
        return Notification.model_validate(response.json())

    async def preferences(self, token: str) -> EmailPreferences:
        response = await self._http.call("GET", "/preferences", token=token)
        return EmailPreferences.model_validate(response.json())

    async def set_preferences(self, token: str, *, enrollment_emails: bool) -> EmailPreferences:
        body = {"enrollment_emails": enrollment_emails}
        response = await self._http.call("PUT", "/preferences", token=token, json=body)
        return EmailPreferences.model_validate(response.json())
