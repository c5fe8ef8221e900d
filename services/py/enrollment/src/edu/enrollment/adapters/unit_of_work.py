"""The enrollment unit of work: edu.db's transaction with enrollment's repositories attached."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from edu.db.uow import SqlAlchemyUnitOfWork
from edu.enrollment.adapters.course_outlines import SqlAlchemyCourseOutlines
from edu.enrollment.adapters.enrollment_repository import SqlAlchemyEnrollmentRepository
from edu.enrollment.adapters.purchase_repository import SqlAlchemyPurchaseRepository


class SqlAlchemyEnrollmentUnitOfWork(SqlAlchemyUnitOfWork):
    enrollments: SqlAlchemyEnrollmentRepository
    outlines: SqlAlchemyCourseOutlines
    purchases: SqlAlchemyPurchaseRepository

    def _open_repositories(self, session: AsyncSession) -> None:
        self.enrollments = SqlAlchemyEnrollmentRepository(session)
        self.outlines = SqlAlchemyCourseOutlines(session)
        self.purchases = SqlAlchemyPurchaseRepository(session)
