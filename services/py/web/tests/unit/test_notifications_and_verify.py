"""The header's unread count leads to the notifications page (list, mark read), preferences
has a page, and anyone can check a certificate by typing its code."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from edu.web.testing import FakeEnrollmentClient, FakeIdentityClient, FakeNotificationsClient

Call = Callable[..., Awaitable[Any]]


async def user_id(identity: FakeIdentityClient, email: str) -> Any:
    return identity.users[email][0].id


class TestNotificationsPage:
    async def test_the_unread_badge_links_to_the_notifications_page(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        notifications: FakeNotificationsClient,
    ) -> None:
        email = await sign_in()
        notifications.unread[await user_id(identity, email)] = 3
        page = (await site.get("/learning")).text
        assert re.search(r'<a class="notifications badge" href="/notifications">3 unread', page)

    async def test_lists_notifications_newest_first_and_marks_one_read(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        identity: FakeIdentityClient,
        notifications: FakeNotificationsClient,
    ) -> None:
        owner = await user_id(identity, await sign_in())
        notifications.deliver(owner, "Welcome to eduplatform", "Glad you are here.")
        newest = notifications.deliver(owner, "You are enrolled in Knots", "Start now.")
        page = await site.get("/notifications")
        assert page.status_code == 200
        assert page.text.index("You are enrolled in Knots") < page.text.index("Welcome to")
        assert page.text.count(">Mark as read</button>") == 2
        assert page.text.count('name="csrf_token" value=""') == 0  # each form can be sent

        answer = await submit(f"/notifications/{newest.id}/read", {"page": "1"})
        assert answer.status_code == 303
        assert answer.headers["location"] == "/notifications?page=1"
        after = (await site.get("/notifications")).text
        assert after.count(">Mark as read</button>") == 1
        assert "1 unread notification<" in after
        assert "Marked as read." in after

    async def test_needs_a_sign_in(self, site: httpx.AsyncClient) -> None:
        answer = await site.get("/notifications")
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login")


class TestPreferencesPage:
    async def test_switches_enrolment_emails_off_and_on(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        identity: FakeIdentityClient,
        notifications: FakeNotificationsClient,
    ) -> None:
        owner = await user_id(identity, await sign_in())
        page = (await site.get("/preferences")).text
        assert re.search(r'id="enrollment_emails"[^>]* checked', page)
        assert re.search(
            r'<form method="post" action="/preferences">\s*<input type="hidden" name="csrf_token" value="[^"]+"',
            page,
        )
        await submit("/preferences", {})  # an unticked box sends nothing
        assert notifications.enrollment_emails[owner] is False
        page = (await site.get("/preferences")).text
        assert not re.search(r'id="enrollment_emails"[^>]* checked', page)
        assert "Your email preferences are saved." in page
        await submit("/preferences", {"enrollment_emails": "yes"})
        assert notifications.enrollment_emails[owner] is True


class TestVerifyByCode:
    async def test_the_form_is_public_and_labelled(self, site: httpx.AsyncClient) -> None:
        page = await site.get("/verify")
        assert page.status_code == 200
        assert '<label for="code">Certificate code</label>' in page.text
        assert '<form method="get" action="/verify"' in page.text

    async def test_a_well_formed_code_goes_to_its_result(self, site: httpx.AsyncClient) -> None:
        answer = await site.get("/verify", params={"code": "  abcdefghijklmnop-_12 "})
        assert answer.status_code == 303
        assert answer.headers["location"] == "/verify/abcdefghijklmnop-_12"

    async def test_a_malformed_code_is_explained_at_the_field(
        self, site: httpx.AsyncClient
    ) -> None:
        page = await site.get("/verify", params={"code": "short code!"})
        assert page.status_code == 422
        assert re.search(r'id="code-error">A certificate code has 16 to 64', page.text)
        assert 'value="short code!"' in page.text

    async def test_the_result_names_the_course_and_date_and_not_the_holder(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
        enrollment: FakeEnrollmentClient,
    ) -> None:
        course = await publish_course("Knots", lessons=1)
        email = await sign_in("holder@example.org")
        await submit(f"/courses/{course.id}/enrol", {})
        await submit(f"/courses/{course.id}/lessons/{course.lessons[0].id}/complete", {})
        (code,) = enrollment.certificates
        site.cookies.clear()  # anyone
        page = (await site.get(f"/verify/{code}")).text
        assert "Valid certificate." in page
        assert "Knots" in page
        assert "27 November 2026" in page
        assert email not in page
        assert "not the holder's name" in page
