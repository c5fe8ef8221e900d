"""web -> notifications: the unread badge, the notifications page (list, mark read) and the
email preferences page, through web's real notifications client.

A student's notifications are theirs alone, and marking one read changes what the list shows:
so each interaction's provider state makes its own student, and the bearer token and the
notification's id come from that state (``fromProviderState``: ``${token}``,
``${notification_id}``); here they are examples matched by a pattern."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from pact import Pact, generate, match
from pact.match import AbstractMatcher
from pact.match.matcher import GenericMatcher

from edu.web.clients.notifications import HttpNotificationsClient
from edu.web.clients.transport import ServiceTransport


def from_state(example: str, expression: str, regex: str) -> AbstractMatcher[str]:
    """``example`` in the consumer test, matched by ``regex``; the verifier sends
    ``expression`` with the provider state's values (pact-python's ``match.regex`` takes no
    generator)."""
    generator = generate.provider_state(expression)
    return GenericMatcher("regex", example, generator=generator, extra_fields={"regex": regex})


JSON = "application/json"
TOKEN = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
NOTIFICATION_ID = "9c8b7a6f-5e4d-4c3b-8a29-180706f5e4d3"
AN_ID = r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
BEARER = from_state(f"Bearer {TOKEN}", "Bearer ${token}", r"^Bearer \S+$")
READ_PATH = from_state(
    f"/notifications/{NOTIFICATION_ID}/read",
    "/notifications/${notification_id}/read",
    rf"^/notifications/{AN_ID}/read$",
)
UNREAD = {
    "id": match.uuid(NOTIFICATION_ID),
    "title": match.str("Welcome to eduplatform"),
    "body": match.str("Your account is ready. Find a course and start learning."),
    "created_at": match.regex("2026-11-27T10:00:00Z", regex=TIMESTAMP),
    "read_at": None,
}
WITH_UNREAD = "a signed-in student with an unread notification"
SIGNED_IN = "a signed-in student"


def notifications_pact() -> Pact:
    pact = Pact("web", "notifications").with_specification("V4")
    (
        pact.upon_receiving("a student's unread count for the header badge")
        .given(WITH_UNREAD)
        .with_request("GET", "/notifications/unread-count")
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body({"unread": match.int(1)}, JSON)
    )
    (
        pact.upon_receiving("a student lists their notifications")
        .given(WITH_UNREAD)
        .with_request("GET", "/notifications")
        .with_query_parameters({"limit": "20", "offset": "0"})
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(
            {"items": match.each_like(UNREAD), "total": match.int(1), "limit": 20, "offset": 0},
            JSON,
        )
    )
    (
        pact.upon_receiving("a student marks a notification read")
        .given(WITH_UNREAD)
        .with_request("POST", READ_PATH)
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(
            {**UNREAD, "read_at": match.regex("2026-11-27T10:05:00Z", regex=TIMESTAMP)}, JSON
        )
    )
    (
        pact.upon_receiving("a student reads their email preferences")
        .given(SIGNED_IN)
        .with_request("GET", "/preferences")
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body({"enrollment_emails": match.bool(True)}, JSON)
    )
    (
        pact.upon_receiving("a student switches enrolment emails off")
        .given(SIGNED_IN)
        .with_request("PUT", "/preferences")
        .with_header("Authorization", BEARER)
        .with_body({"enrollment_emails": False}, JSON)
        .will_respond_with(200)
        .with_body({"enrollment_emails": False}, JSON)
    )
    return pact


@pytest.mark.pact_pair("web", "notifications")
class TestWebNotificationsContract:
    async def test_web_notifications_client_reads_what_notifications_promises(
        self, pact_check: Any
    ) -> None:
        pact = notifications_pact()
        with pact.serve() as server:
            client = HttpNotificationsClient(
                ServiceTransport("notifications", str(server.url), timeout=5)
            )
            unread = await client.unread_count(TOKEN)
            page = await client.notifications(TOKEN, limit=20, offset=0)
            marked = await client.mark_read(TOKEN, UUID(NOTIFICATION_ID))
            chosen = await client.preferences(TOKEN)
            changed = await client.set_preferences(TOKEN, enrollment_emails=False)
            assert unread == 1
            assert page.items[0].unread
            assert page.items[0].title == "Welcome to eduplatform"
            assert not marked.unread
            assert chosen.enrollment_emails
            assert not changed.enrollment_emails
        pact_check(pact)
