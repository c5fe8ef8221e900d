"""The user's inbox and email preferences as use cases, and the rules the domain keeps."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from edu.common.clock import FakeClock
from edu.common.problems import NotFound
from edu.notifications.domain import notifications
from edu.notifications.domain.notifications import NotificationKind
from edu.notifications.domain.preferences import Preferences
from edu.notifications.service_layer.email_preferences import EmailPreferences
from edu.notifications.service_layer.inbox import Inbox
from edu.notifications.testing import FakeDatabase

ADA, BOB = uuid.uuid4(), uuid.uuid4()


def seed(db: FakeDatabase, clock: FakeClock, user_id: uuid.UUID, count: int) -> list[uuid.UUID]:
    ids = []
    for _ in range(count):
        n = notifications.welcome(user_id, clock.now(), uuid.uuid4())
        db.notifications[n.id] = n
        ids.append(n.id)
        clock.advance(timedelta(minutes=1))
    return ids


class TestInbox:
    async def test_pages_through_my_notifications_newest_first(
        self, inbox: Inbox, db: FakeDatabase, clock: FakeClock
    ) -> None:
        mine = seed(db, clock, ADA, 5)
        seed(db, clock, BOB, 2)

        first = await inbox.page(ADA, limit=2, offset=0)
        last = await inbox.page(ADA, limit=2, offset=4)

        assert [n.id for n in first.items] == [mine[4], mine[3]]
        assert [n.id for n in last.items] == [mine[0]]
        assert first.total == 5

    async def test_marking_read_lowers_the_unread_count_once(
        self, inbox: Inbox, db: FakeDatabase, clock: FakeClock
    ) -> None:
        first, _ = seed(db, clock, ADA, 2)

        read = await inbox.mark_read(ADA, first)
        clock.advance(timedelta(hours=1))
        again = await inbox.mark_read(ADA, first)

        assert await inbox.unread_count(ADA) == 1
        assert again.read_at == read.read_at

    async def test_someone_elses_notification_is_not_found(
        self, inbox: Inbox, db: FakeDatabase, clock: FakeClock
    ) -> None:
        (bobs,) = seed(db, clock, BOB, 1)

        with pytest.raises(NotFound):
            await inbox.mark_read(ADA, bobs)
        assert db.notifications[bobs].read_at is None


class TestEmailPreferences:
    async def test_everything_is_on_until_switched_off(
        self, email_preferences: EmailPreferences
    ) -> None:
        assert (await email_preferences.of(ADA)).enrollment_emails is True

    async def test_switching_enrollment_emails_off_is_remembered(
        self, email_preferences: EmailPreferences
    ) -> None:
        await email_preferences.change(ADA, enrollment_emails=False)

        assert (await email_preferences.of(ADA)).enrollment_emails is False
        assert (await email_preferences.of(BOB)).enrollment_emails is True


class TestWhichEmailsGo:
    @pytest.mark.parametrize(
        "kind", [NotificationKind.WELCOME, NotificationKind.CERTIFICATE_ISSUED]
    )
    def test_transactional_emails_go_even_with_everything_off(self, kind: NotificationKind) -> None:
        assert Preferences(ADA, enrollment_emails=False).wants_email(kind)

    def test_the_enrollment_email_follows_the_preference(self) -> None:
        kind = NotificationKind.ENROLLMENT_CONFIRMED
        assert Preferences(ADA).wants_email(kind)
        assert not Preferences(ADA, enrollment_emails=False).wants_email(kind)
