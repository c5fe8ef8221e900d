"""The enrollment API: students' enrolments and progress, and public certificate checks."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Response, status

from edu.common.http_problems import problem_responses
from edu.common.openapi_links import link, links_on
from edu.enrollment.entrypoints.deps import ServicesDep, StudentDep
from edu.enrollment.entrypoints.schemas import CertificateOut, EnrolIn, EnrollmentOut

router = APIRouter()

# The learning workflow as OpenAPI links: enrol, complete what remains, verify the certificate.
_COMPLETE = "/enrollments/{enrollment_id}/completed-lessons/{lesson_id}"
_NEXT_LESSON = "$response.body#/remaining_lesson_ids/0"
_ENROLLMENT_LINKS = {
    "read": link("GET", "/enrollments/{enrollment_id}", enrollment_id="$response.body#/id"),
    "complete_next": link(
        "PUT", _COMPLETE, enrollment_id="$response.body#/id", lesson_id=_NEXT_LESSON
    ),
}
_PROGRESS_LINKS = links_on(
    200,
    complete_next=link(
        "PUT", _COMPLETE, enrollment_id="$request.path.enrollment_id", lesson_id=_NEXT_LESSON
    ),
    verify_certificate=link(
        "GET",
        "/certificates/{code}",
        code="$response.body#/certificate_code",
        description="Once the last lesson is complete, its certificate verifies publicly.",
    ),
)


@router.post(
    "/enrollments",
    status_code=status.HTTP_201_CREATED,
    summary="Enrol in a course",
    tags=["enrolments"],
    responses={
        200: {
            "model": EnrollmentOut,
            "description": "Already enrolled: the existing enrolment.",
            "links": _ENROLLMENT_LINKS,
        },
        **problem_responses(401, 403, 404, 409, 422, 503),
        402: {
            **problem_responses(402)[402],
            "description": "The course costs money: buy it first (the payment-engine's "
            "POST /payments); its succeeded payment enrols.",
        },
        **links_on(201, **_ENROLLMENT_LINKS),
    },
)
async def enrol(
    body: EnrolIn, student: StudentDep, wired: ServicesDep, response: Response
) -> EnrollmentOut:
    """Enrol the calling student in a published free course (201). Idempotent: enrolling
    again answers 200 with the existing enrolment. A paid course answers 402 until it is
    bought: its succeeded payment enrols the student."""
    standing, created = await wired.enrollments.enrol(student.user_id, body.course_id)
    if not created:
        response.status_code = status.HTTP_200_OK
    return EnrollmentOut.of(standing)


# The operation ids of the two reads are pinned to the ones published when their functions were
# spelled "enrolment": clients and contracts know them by these names.
@router.get(
    "/enrollments",
    summary="List my enrolments",
    operation_id="list_enrolments_enrollments_get",
    tags=["enrolments"],
    responses=problem_responses(401, 403, 503),
)
async def list_enrollments(student: StudentDep, wired: ServicesDep) -> list[EnrollmentOut]:
    """The calling student's enrolments with their progress, newest first."""
    return [EnrollmentOut.of(s) for s in await wired.enrollments.enrollments_of(student.user_id)]


@router.get(
    "/enrollments/{enrollment_id}",
    summary="Read one of my enrolments",
    operation_id="read_enrolment_enrollments__enrollment_id__get",
    tags=["enrolments"],
    responses={**problem_responses(401, 403, 404, 422, 503), **_PROGRESS_LINKS},
)
async def read_enrollment(
    enrollment_id: UUID, student: StudentDep, wired: ServicesDep
) -> EnrollmentOut:
    """One of the calling student's enrolments with its progress."""
    return EnrollmentOut.of(await wired.enrollments.enrollment_of(student.user_id, enrollment_id))


@router.put(
    "/enrollments/{enrollment_id}/completed-lessons/{lesson_id}",
    summary="Mark a lesson complete",
    tags=["enrolments"],
    responses={**problem_responses(401, 403, 404, 409, 422, 503), **_PROGRESS_LINKS},
)
async def complete_lesson(
    enrollment_id: UUID, lesson_id: UUID, student: StudentDep, wired: ServicesDep
) -> EnrollmentOut:
    """Mark a lesson of the enrolled course complete, in any order; doing it again changes
    nothing. Completing the last lesson completes the course and issues a certificate. A
    revoked enrolment (its payment refunded) answers 409."""
    standing = await wired.enrollments.complete_lesson(student.user_id, enrollment_id, lesson_id)
    return EnrollmentOut.of(standing)


@router.get(
    "/certificates/{code}",
    summary="Verify a certificate",
    tags=["certificates"],
    responses=problem_responses(404, 422),
)
async def verify_certificate(
    code: Annotated[str, Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")],
    wired: ServicesDep,
) -> CertificateOut:
    """Public: the certificate a verification code belongs to, or 404."""
    return CertificateOut.of(await wired.certificates.verify(code))
