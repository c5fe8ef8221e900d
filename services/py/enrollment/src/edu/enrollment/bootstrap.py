"""The composition root: settings in, wired use cases out. Nothing connects until used."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from edu.auth.tokens import TokenVerifier
from edu.common.clock import Clock, SystemClock
from edu.db.engine import open_sessions
from edu.db.outbox import EventPublisher, OutboxRelay, service_relay
from edu.enrollment.adapters.course_grpc_client import GrpcCourseDirectory
from edu.enrollment.adapters.unit_of_work import SqlAlchemyEnrollmentUnitOfWork
from edu.enrollment.service_layer.certificates import CertificateVerification
from edu.enrollment.service_layer.course_information import CourseInformation
from edu.enrollment.service_layer.enrollments import Enrollments
from edu.enrollment.service_layer.payments import PaymentEvents
from edu.enrollment.service_layer.ports import CourseDirectory, EnrollmentUnitOfWork
from edu.enrollment.settings import EnrollmentSettings


@dataclass
class EnrollmentContainer:
    """Everything the entrypoints use, plus what must be closed on shutdown."""

    enrollments: Enrollments
    certificates: CertificateVerification
    courses: CourseInformation
    payments: PaymentEvents
    verifier: TokenVerifier
    relay: OutboxRelay | None = None
    course_client: GrpcCourseDirectory | None = None
    engine: AsyncEngine | None = None

    async def close(self) -> None:
        """Close what the lifespan opened; the relay's publisher is closed by relay_lifespan."""
        if self.course_client is not None:
            await self.course_client.aclose()
        if self.engine is not None:
            await self.engine.dispose()


def bootstrap(
    settings: EnrollmentSettings,
    *,
    sessions: async_sessionmaker[AsyncSession] | None = None,
    verifier: TokenVerifier | None = None,
    directory: CourseDirectory | None = None,
    publisher: EventPublisher | None = None,
    clock: Clock | None = None,
) -> EnrollmentContainer:
    """Wire the enrollment service from ``settings``; each keyword replaces one real adapter.

    ``sessions`` binds the repositories to given sessions (integration tests bind them to a
    rolled-back connection); ``directory`` replaces the course-service client.
    """
    clock = clock or SystemClock()
    session_maker, engine = open_sessions(
        settings.database_url, pool_size=settings.database_pool_size, given=sessions
    )

    def unit_of_work() -> EnrollmentUnitOfWork:
        return SqlAlchemyEnrollmentUnitOfWork(session_maker)

    client = None
    if directory is None:
        client = GrpcCourseDirectory(
            settings.course_grpc_target, deadline=settings.course_grpc_deadline
        )
        directory = client
    courses = CourseInformation(unit_of_work, directory)
    return EnrollmentContainer(
        enrollments=Enrollments(unit_of_work, courses, clock),
        certificates=CertificateVerification(unit_of_work),
        courses=courses,
        payments=PaymentEvents(unit_of_work, clock),
        verifier=verifier or TokenVerifier.from_settings(settings, clock=clock),
        relay=service_relay(
            session_maker, nats_url=settings.nats_url, publisher=publisher, clock=clock
        ),
        course_client=client,
        engine=engine,
    )
