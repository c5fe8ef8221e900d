"""What enrollment keeps of a CourseService answer (the call itself: tests/integration)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from edu.enrollment.adapters.course_grpc_client import SERVICE_CONFIG, outline_from_course
from edu.proto_gen.course.v1 import course_service_pb2 as pb

LESSONS = [uuid4(), uuid4()]


def course(status: pb.CourseStatus.ValueType) -> pb.Course:
    return pb.Course(
        id=str(uuid4()),
        title="Glass blowing",
        status=status,
        lessons=[pb.Lesson(id=str(i), position=n) for n, i in enumerate(LESSONS, 1)],
        version=4,
    )


class TestOutlineFromCourse:
    def test_a_published_course_is_open_with_its_lessons_and_version(self) -> None:
        outline = outline_from_course(course(pb.COURSE_STATUS_PUBLISHED))
        assert (outline.published, outline.version) == (True, 4)
        assert outline.lesson_ids == frozenset(LESSONS)

    def test_a_draft_is_kept_but_closed(self) -> None:
        assert not outline_from_course(course(pb.COURSE_STATUS_DRAFT)).published

    def test_an_id_that_is_no_uuid_is_an_error_not_an_outline(self) -> None:
        with pytest.raises(ValueError, match="hexadecimal UUID"):
            outline_from_course(pb.Course(id="42"))


class TestRetryPolicy:
    def test_only_unavailable_is_retried_and_attempts_are_bounded(self) -> None:
        [method] = SERVICE_CONFIG["methodConfig"]
        assert method["name"] == [{"service": "edu.course.v1.CourseService"}]
        assert method["retryPolicy"]["retryableStatusCodes"] == ["UNAVAILABLE"]
        assert method["retryPolicy"]["maxAttempts"] == 3
