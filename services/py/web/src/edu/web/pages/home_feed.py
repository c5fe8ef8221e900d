"""The home page's feed for a signed-in student (issue 23): "Continue learning" and
"Recommended for you" (each with its reason) above the catalogue, from the feed-builder's
document (edu.web.clients.feed). A student without a feed gets the empty state; a feed that
cannot be read now gets a notice — never an error page: the catalogue below still works."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from edu.web.bootstrap import WebContainer
from edu.web.clients.feed import FeedUnavailable, HomeFeed
from edu.web.session import Visitor

logger = logging.getLogger("edu.web.feed")

UNAVAILABLE = (
    "Your learning feed is not available right now. Your courses are safe: find them under "
    "My learning, or try again in a minute."
)


@dataclass(frozen=True)
class HomeSection:
    """What the template shows: ``feed`` with items, else the empty state or ``notice``."""

    feed: HomeFeed | None = None
    notice: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.notice is None and (self.feed is None or self.feed.is_empty)


async def home_section(wired: WebContainer, who: Visitor) -> HomeSection | None:
    """The section for ``who``; None for a visitor who is not signed in (no feed to show)."""
    if not who.signed_in or who.principal is None:
        return None
    try:
        feed = await wired.feed.feed(who.principal.user_id)
    except FeedUnavailable as exc:
        logger.warning("home feed unavailable: %s", exc)
        return HomeSection(notice=UNAVAILABLE)
    if feed is not None and feed.student_id != who.principal.user_id:
        # A document under this student's key about someone else: never show it.
        logger.error("the feed under %s names student %s", who.principal.user_id, feed.student_id)
        return HomeSection(notice=UNAVAILABLE)
    return HomeSection(feed=feed)
