"""Course Q&A on the course and lesson pages (issue 24), over FakeMessagingClient: who sees the
panel, asking and answering as plain forms (post, come back), messaging's refusals at the field,
the author's own posts awaiting review or rejected, older pages, an outage, and the live feed's
ticket for the page's script."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import httpx
import pytest

from edu.common.settings import Environment
from edu.web.clients.models import QaPage, QaPost
from edu.web.qa_threads import threads
from edu.web.session import ACCESS_COOKIE, REFRESH_COOKIE
from edu.web.settings import WebSettings
from edu.web.testing import FakeIdentityClient, FakeMessagingClient

Call = Callable[..., Awaitable[Any]]


def act_as(site: httpx.AsyncClient, identity: FakeIdentityClient, email: str) -> None:
    """Put ``email``'s session in the site's cookies (another browser, in effect)."""
    tokens = identity.tokens_for(email)
    site.cookies.set(ACCESS_COOKIE, tokens.access_token, domain="web.test")
    site.cookies.set(REFRESH_COOKIE, tokens.refresh_token, domain="web.test")


async def course_with_student(submit: Call, sign_in: Call, publish_course: Call) -> Any:
    made = await publish_course("Rust for teachers")
    await sign_in("student@example.org")
    await submit(f"/courses/{made.id}/enrol", {})
    return made


def teacher_email(identity: FakeIdentityClient, teacher_id: UUID) -> str:
    return next(email for email, (user, _) in identity.users.items() if user.id == teacher_id)


class TestPanel:
    async def test_a_visitor_who_is_not_signed_in_is_asked_to_log_in_and_messaging_is_not_called(
        self, site: httpx.AsyncClient, publish_course: Call, messaging: FakeMessagingClient
    ) -> None:
        made = await publish_course()
        page = await site.get(f"/courses/{made.id}")
        assert page.status_code == 200
        assert "Questions and answers" in page.text
        assert "and enrol to read this course" in page.text
        assert "data-qa-live" not in page.text
        assert messaging.pages == []

    async def test_a_student_not_enrolled_is_told_to_enrol_and_cannot_post(
        self, site: httpx.AsyncClient, sign_in: Call, submit: Call, publish_course: Call
    ) -> None:
        made = await publish_course()
        await sign_in()
        page = await site.get(f"/courses/{made.id}")
        assert "Enrol in this course to read its questions" in page.text
        assert 'action="/courses/' + str(made.id) + '/qa/questions"' not in page.text
        refused = await submit(f"/courses/{made.id}/qa/questions", {"text": "Hello?"})
        assert refused.status_code == 403
        assert "for its enrolled students and its teacher only" in refused.text

    async def test_an_enrolment_messaging_has_not_heard_of_yet_says_the_qa_opens_in_a_moment(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
        identity: FakeIdentityClient,
        messaging: FakeMessagingClient,
    ) -> None:
        made = await course_with_student(submit, sign_in, publish_course)
        student = identity.users["student@example.org"][0].id
        messaging.not_heard_of.add(student)
        page = await site.get(f"/courses/{made.id}/lessons/{made.lessons[0].id}")
        assert "open for you in a moment" in page.text
        assert "Enrol in this course" not in page.text

    async def test_messaging_down_is_a_notice_on_the_page_and_a_503_page_for_a_post(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
        messaging: FakeMessagingClient,
    ) -> None:
        made = await course_with_student(submit, sign_in, publish_course)
        messaging.down = True
        page = await site.get(f"/courses/{made.id}")
        assert page.status_code == 200
        assert "Questions and answers are not available right now" in page.text
        posted = await submit(f"/courses/{made.id}/qa/questions", {"text": "Anyone?"})
        assert posted.status_code == 503


class TestAskingAndAnswering:
    async def test_a_student_asks_on_a_lesson_page_and_comes_back_to_it_with_the_question_shown(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
        messaging: FakeMessagingClient,
    ) -> None:
        made = await course_with_student(submit, sign_in, publish_course)
        lesson = f"/courses/{made.id}/lessons/{made.lessons[0].id}"
        posted = await submit(
            f"/courses/{made.id}/qa/questions", {"text": "Why <b>borrow</b>?", "back": lesson}
        )
        assert posted.status_code == 303
        assert posted.headers["location"] == f"{lesson}#qa"
        page = await site.get(lesson)
        assert "Your question is sent" in page.text
        assert "Why &lt;b&gt;borrow&lt;/b&gt;?" in page.text  # text, never markup
        assert '<span class="qa-author">You</span>' in page.text
        assert [p.body for p in messaging.stored] == ["Why <b>borrow</b>?"]
        # A student has no answer form: answering is the teacher's.
        assert "/answers" not in page.text

    async def test_the_teacher_sees_the_question_answers_it_and_the_student_sees_the_answer(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
        identity: FakeIdentityClient,
        messaging: FakeMessagingClient,
    ) -> None:
        made = await course_with_student(submit, sign_in, publish_course)
        await submit(f"/courses/{made.id}/qa/questions", {"text": "What is a lifetime?"})
        question = messaging.stored[0]
        act_as(site, identity, teacher_email(identity, made_teacher(made, messaging, identity)))
        page = await site.get(f"/courses/{made.id}")
        assert "What is a lifetime?" in page.text
        assert '<span class="qa-author">A student</span>' in page.text
        action = f"/courses/{made.id}/qa/questions/{question.id}/answers"
        assert f'action="{action}"' in page.text
        answered = await submit(action, {"text": "How long a borrow lives.", "back": "/"})
        assert answered.status_code == 303
        # Back to a page of this course only: "/" is not one.
        assert answered.headers["location"] == f"/courses/{made.id}#qa-thread-{question.id}"
        act_as(site, identity, "student@example.org")
        again = await site.get(f"/courses/{made.id}")
        assert "How long a borrow lives." in again.text
        assert '<span class="qa-author">Teacher</span>' in again.text

    async def test_an_empty_question_is_refused_at_the_field_with_messagings_reason(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, publish_course: Call
    ) -> None:
        made = await course_with_student(submit, sign_in, publish_course)
        refused = await submit(f"/courses/{made.id}/qa/questions", {"text": "   "})
        assert refused.status_code == 422
        assert 'aria-invalid="true"' in refused.text
        assert 'id="qa-question-error"' in refused.text
        assert "write something: the text is empty" in refused.text

    async def test_a_too_long_answer_keeps_its_text_under_the_question_it_answered(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
        identity: FakeIdentityClient,
        messaging: FakeMessagingClient,
    ) -> None:
        made = await course_with_student(submit, sign_in, publish_course)
        await submit(f"/courses/{made.id}/qa/questions", {"text": "Long answers?"})
        question = messaging.stored[0]
        act_as(site, identity, teacher_email(identity, made_teacher(made, messaging, identity)))
        text = "x" * 10_001
        refused = await submit(
            f"/courses/{made.id}/qa/questions/{question.id}/answers", {"text": text}
        )
        assert refused.status_code == 422
        assert f'id="answer-{question.id}-error"' in refused.text
        assert "at most 10000 characters (this has 10001)" in refused.text
        assert text in refused.text
        assert len(messaging.stored) == 1


def made_teacher(made: Any, messaging: FakeMessagingClient, identity: FakeIdentityClient) -> UUID:
    return messaging.enrollments.courses.courses[made.id].teacher_id


class TestModeration:
    async def test_a_rejected_question_is_shown_only_to_its_author_as_not_published(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
        identity: FakeIdentityClient,
        messaging: FakeMessagingClient,
    ) -> None:
        made = await course_with_student(submit, sign_in, publish_course)
        await submit(f"/courses/{made.id}/qa/questions", {"text": "buy spamword now"})
        await submit(f"/courses/{made.id}/qa/questions", {"text": "a heldword question"})
        mine = await site.get(f"/courses/{made.id}")
        assert "Not published — moderation did not accept it" in mine.text
        assert "Awaiting review — only you can see it" in mine.text
        act_as(site, identity, teacher_email(identity, made_teacher(made, messaging, identity)))
        theirs = await site.get(f"/courses/{made.id}")
        assert "spamword" not in theirs.text
        assert "heldword" not in theirs.text
        assert "No questions yet" in theirs.text


class TestHistory:
    async def test_the_latest_twenty_come_first_and_older_ones_on_a_page_of_their_own(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, publish_course: Call
    ) -> None:
        made = await course_with_student(submit, sign_in, publish_course)
        for n in range(1, 26):
            await submit(f"/courses/{made.id}/qa/questions", {"text": f"Question number {n}."})
        latest = await site.get(f"/courses/{made.id}")
        assert "Question number 25." in latest.text
        assert "Question number 5." not in latest.text
        assert f'href="/courses/{made.id}/qa?before=6"' in latest.text
        assert 'data-after="25"' in latest.text
        older = await site.get(f"/courses/{made.id}/qa?before=6")
        assert older.status_code == 200
        assert "Question number 5." in older.text
        assert "Question number 1." in older.text
        assert "Question number 6." not in older.text
        # An older page is not live: new posts belong at the end of the latest one.
        assert "data-qa-live" not in older.text
        assert "qa-live.js" not in older.text

    def test_answers_hang_under_their_question_and_own_unpublished_ones_follow(self) -> None:
        course, author = UUID(int=1), UUID(int=2)

        def post(n: int, kind: str, seq: int | None, question: int | None = None) -> QaPost:
            return QaPost.model_validate(
                {
                    "id": str(UUID(int=100 + n)),
                    "course_id": str(course),
                    "kind": kind,
                    "author_id": str(author),
                    "body": f"p{n}",
                    "status": "visible" if seq else "pending",
                    "created_at": "2026-12-05T09:00:00Z",
                    "seq": seq,
                    "question_id": str(UUID(int=100 + question)) if question else None,
                }
            )

        page = QaPage(
            posts=(
                post(1, "answer", 3, question=9),
                post(2, "question", 4),
                post(3, "answer", 5, 2),
            ),
            more=True,
            unpublished=(post(4, "answer", None, 2), post(5, "question", None)),
        )
        found = threads(page)
        assert [t.question.body if t.question else None for t in found] == [None, "p2", "p5"]
        assert [a.body for a in found[0].answers] == ["p1"]
        assert [a.body for a in found[1].answers] == ["p3", "p4"]


class TestLiveFeed:
    async def test_the_ticket_names_the_gateways_websocket_and_the_sessions_token(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, publish_course: Call
    ) -> None:
        made = await course_with_student(submit, sign_in, publish_course)
        page = await site.get(f"/courses/{made.id}")
        assert f'data-qa-live="/courses/{made.id}/qa/live"' in page.text
        assert 'src="/static/qa-live.js"' in page.text
        assert "connect-src 'self' ws://127.0.0.1:8020" in page.headers["content-security-policy"]
        ticket = await site.get(f"/courses/{made.id}/qa/live")
        assert ticket.status_code == 200
        assert ticket.headers["cache-control"] == "no-store"
        assert ticket.json() == {
            "url": f"ws://127.0.0.1:8020/ws?course_id={made.id}",
            "token": site.cookies[ACCESS_COOKIE],
        }

    async def test_without_a_session_the_ticket_is_a_401(
        self, site: httpx.AsyncClient, publish_course: Call
    ) -> None:
        made = await publish_course()
        ticket = await site.get(f"/courses/{made.id}/qa/live")
        assert ticket.status_code == 401

    @pytest.mark.parametrize(
        ("given", "url"),
        [
            ({}, "ws://127.0.0.1:8020/ws"),
            ({"messaging_service_url": "http://127.0.0.1:9180/"}, "ws://127.0.0.1:9180/ws"),
            ({"public_base_url": "https://learn.example.org"}, "wss://learn.example.org/ws"),
            ({"qa_live_url": "wss://live.example.org/ws"}, "wss://live.example.org/ws"),
        ],
    )
    def test_the_websockets_url_is_configured_or_derived(
        self, given: dict[str, str], url: str
    ) -> None:
        settings = WebSettings.model_validate({"environment": Environment.TEST, **given})
        assert settings.qa_websocket_url == url
