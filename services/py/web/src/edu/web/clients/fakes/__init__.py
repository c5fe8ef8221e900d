"""Hand-written fakes of the four clients for web's unit tests: in memory, keeping what they
saw, and able to play an unavailable service (``down = True``)."""

from edu.web.clients.fakes.course import FakeCourseClient
from edu.web.clients.fakes.enrollment import FakeEnrollmentClient
from edu.web.clients.fakes.identity import FakeIdentityClient
from edu.web.clients.fakes.notifications import FakeNotificationsClient

__all__ = [
    "FakeCourseClient",
    "FakeEnrollmentClient",
    "FakeIdentityClient",
    "FakeNotificationsClient",
]
