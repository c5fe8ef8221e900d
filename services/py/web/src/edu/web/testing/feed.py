"""FakeFeedReader: the feeds a test puts in, or an unreadable store (``down = True``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from edu.web.clients.feed import FeedUnavailable, HomeFeed


@dataclass
class FakeFeedReader:
    feeds: dict[UUID, HomeFeed] = field(default_factory=dict)
    down: bool = False
    # the student ids asked for, in order
    asked: list[UUID] = field(default_factory=list)
    closed: bool = False

    def put(self, feed: HomeFeed) -> None:
        self.feeds[feed.student_id] = feed

    async def feed(self, student_id: UUID) -> HomeFeed | None:
        self.asked.append(student_id)
        if self.down:
            raise FeedUnavailable("the fake feed store is down")
        return self.feeds.get(student_id)

    async def aclose(self) -> None:
        self.closed = True
