"""Hand-written fakes of the clients for web's unit tests: in memory, keeping what they
saw, and able to play an unavailable service (``down = True``). Not shipped: the wheel leaves
this package out and no page or client imports it."""

from edu.web.testing.analytics import FakeAnalyticsClient
from edu.web.testing.course import FakeCourseClient
from edu.web.testing.enrollment import FakeEnrollmentClient
from edu.web.testing.feed import FakeFeedReader
from edu.web.testing.identity import FakeIdentityClient
from edu.web.testing.learning_events import FakeLearningEventsClient
from edu.web.testing.messaging import FakeMessagingClient
from edu.web.testing.notifications import FakeNotificationsClient
from edu.web.testing.payments import FakePaymentsClient
from edu.web.testing.search import FakeSearchClient
from edu.web.testing.teacher_tools import FakeTeacherToolsClient
from edu.web.testing.videos import FakeVideoClient

__all__ = [
    "FakeAnalyticsClient",
    "FakeCourseClient",
    "FakeEnrollmentClient",
    "FakeFeedReader",
    "FakeIdentityClient",
    "FakeLearningEventsClient",
    "FakeMessagingClient",
    "FakeNotificationsClient",
    "FakePaymentsClient",
    "FakeSearchClient",
    "FakeTeacherToolsClient",
    "FakeVideoClient",
]
