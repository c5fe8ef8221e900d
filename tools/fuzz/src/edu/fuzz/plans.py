"""Per service: which users fuzz it, which seeded values it may draw, and its exclusions.

Every exclusion switches off one check for one operation and says why next to it. There is no
list of known failures: what the fuzzer finds gets fixed in the service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from edu.fuzz.configuration import Exclusion, ServicePlan
from edu.fuzz.stack import GATEWAY
from edu.testing.journeys import Course

STUDENTS = ("student", "student-peer")
# The types video-processor takes (any other is its documented 415): half the declarations use one.
VIDEO_TYPES = ["video/mp4", "video/webm", "video/quicktime"]
TEACHERS = ("teacher", "teacher-peer")

EXCLUSIONS: dict[str, tuple[Exclusion, ...]] = {
    "identity": (
        Exclusion(
            "POST /auth/signup",
            "positive_data_acceptance",
            "the password policy also refuses common passwords, passwords of fewer than five "
            "different characters and passwords containing the email address; JSON Schema "
            "cannot say that, so a schema-valid sign-up is rightly answered 422",
            also_expected=("422",),
        ),
    ),
    "course": (
        *(
            Exclusion(
                operation,
                "ensure_resource_availability",
                "the catalogue shows published courses only: a course made by POST /courses "
                "lives at /teaching/courses/{course_id} until it is published, so the 404 a "
                "link inferred from POST /courses (nightly) gets here is the documented answer",
            )
            for operation in (
                "GET /courses/{course_id}",
                "GET /courses/{course_id}/lessons/{lesson_id}",
            )
        ),
        Exclusion(
            "PUT /courses/{course_id}/lesson-order",
            "positive_data_acceptance",
            "the new order must name exactly the course's current lessons, which no schema "
            "can know; any other list of ids is rightly answered 422",
            also_expected=("422",),
        ),
    ),
    "enrollment": (),
    "notifications": (),
    # Teachers only; a course id not theirs is a 404 by design (ADR 0019).
    "analytics-api": (
        Exclusion(
            "GET /analytics/courses/{course_id}/daily",
            "positive_data_acceptance",
            "at most 366 days a request, and `from` not after `to` (`to` defaults to today, so "
            "a `from` of 2000-01-01 alone spans too many days); JSON Schema cannot relate two "
            "parameters, so such a schema-valid range is rightly answered 422 naming the limit",
            also_expected=("422",),
        ),
    ),
    "event-ingestion": (
        Exclusion(
            "POST /v1/events",
            "positive_data_acceptance",
            "an event must be about the token's own user and have happened within ten minutes "
            "of now (ADR 0018); JSON Schema can say neither, so a schema-valid batch of "
            "generated events is rightly answered 422 naming each event's problem",
            also_expected=("422",),
        ),
    ),
    # Issue 22: students pay; the ledger is the admins'; webhooks are the provider's, signed.
    "payment-engine": (
        Exclusion(
            "POST /payments",
            "positive_data_acceptance",
            "an idempotency key used again with another request is refused (Stripe's semantics, "
            "ADR 0022); generated keys repeat across generated bodies, so a schema-valid "
            "payment is rightly answered 422 naming the key",
            also_expected=("422",),
        ),
        Exclusion(
            "GET /ledger/balances",
            "positive_data_acceptance",
            "the ledger is for admins; the fuzzing users are students, rightly answered 403",
            also_expected=("403",),
        ),
        Exclusion(
            "POST /provider/webhooks",
            "positive_data_acceptance",
            "only the provider can sign a webhook (HMAC with our secret, ADR 0022): a generated "
            "signature is malformed (400) or does not match (401), which is the point",
            also_expected=("400", "401"),
        ),
    ),
    # ADR 0024: the owner's PDF download; a code of someone else, unknown or not rendered yet
    # is the same documented 404, one that cannot be a code 422.
    "certificate-generator": (),
    # ADR 0025: the catalogue's public search; every bad parameter is a documented 422.
    "search": (),
    # ADR 0027: the review queue is for teachers (their courses) and admins; an item of another
    # teacher's course is the same documented 404 as an unknown id.
    "moderation": (),
    # Issue 24: the teacher dashboard is for teachers (students get the documented 403); a
    # course id not the teacher's is the same documented 404 as an unknown one, and an
    # upstream that does not answer is a section marked unavailable inside a 200.
    "teacher-tools": (),
    # Issue 24: course Q&A for the course's enrolled students and teacher (anyone else the
    # documented 403).
    "messaging": (
        Exclusion(
            "GET /qa/courses/{course_id}/posts",
            "positive_data_acceptance",
            "a page is the first after `after` or the last before `before`, never both; JSON "
            "Schema cannot relate two parameters, so a schema-valid request giving both is "
            "rightly answered 422 naming before",
            also_expected=("422",),
        ),
        Exclusion(
            "GET /ws",
            "positive_data_acceptance",
            "the WebSocket's handshake: schemathesis sends plain HTTP requests, never the "
            "Upgrade, so a schema-valid one is rightly answered the documented 426 (the "
            "handshake itself is tested by messaging's rust-integration tests, through the "
            "gateway by its own and by the E2E Q&A journey)",
            also_expected=("426",),
        ),
    ),
    # Issue 25: uploads are a course teacher's (anyone else the documented 403); playback files
    # open only with a signed, unexpired link, which no generator guesses (the documented 403).
    "video-processor": (
        Exclusion(
            "POST /videos",
            "positive_data_acceptance",
            "the video types taken and the size limit are the service's rules, checked before a "
            "byte is stored (415 and 413, documented on the operation): content_type stays an "
            "open string so a new type is not a breaking change, and EDU_VIDEO_MAX_BYTES is set "
            "per deployment, so a schema-valid declaration of another type or over the limit is "
            "rightly answered 415 or 413; and the lesson must be one of the course's, which no "
            "schema can relate (a seeded course with another lesson id: 422 naming lesson_id)",
            also_expected=("413", "415", "422"),
        ),
    ),
    # The gateway's own document (health, ready, its OpenAPI documents); every other run goes
    # through the gateway too.
    "api-gateway": (),
}


# The journey (edu.fuzz.journey): a teacher authors and publishes, a student enrols and learns.
JOURNEY = ServicePlan(
    "journey", users=("teacher", "student"), stateful_only=True, stateful_weight=2
)
# Only the steps of the journey, so the sequences walk it instead of every side road (each
# service's own run covers those).
JOURNEY_OPERATIONS = (
    "POST /courses",
    "POST /courses/{course_id}/lessons",
    "POST /courses/{course_id}/publish",
    "POST /enrollments",
    "PUT /enrollments/{enrollment_id}/completed-lessons/{lesson_id}",
    "GET /certificates/{code}",
)


def service_plan(
    name: str,
    published: Sequence[Course] = (),
    certificates: Sequence[str] = (),
    searchable: Sequence[str] = (),
    held_items: Sequence[str] = (),
    qa: Mapping[str, Sequence[str]] | None = None,
    videos: Mapping[str, Sequence[str]] | None = None,
) -> ServicePlan:
    if name == GATEWAY:
        # Its own endpoints take no token: no users, so none is sent.
        return ServicePlan(name, users=(), exclusions=EXCLUSIONS[name])
    if name == "search":
        # The catalogue's search is public: fuzzed without a token, as a visitor asks. Half
        # the generated `q` are words of courses the index holds, so hits, highlights and
        # facets are answered and checked against the schema, not only empty pages.
        seeded = {"searchable_words": list(searchable)} if searchable else {}
        return ServicePlan(
            name,
            users=(),
            exclusions=EXCLUSIONS[name],
            dictionaries=seeded,
            parameters={"query.q": "searchable_words"} if seeded else {},
        )
    if name == "messaging" and qa:
        # The fuzzing student is enrolled in a course with a visible question: half the
        # generated course and question ids are those, so history pages, questions and answers
        # are stored and answered (201, 200), not only the 403s and 404s; the peer student
        # takes part in nothing (403).
        return ServicePlan(
            name,
            users=STUDENTS,
            exclusions=EXCLUSIONS[name],
            dictionaries={k: list(v) for k, v in qa.items()},
            parameters={"path.course_id": "course_ids", "path.question_id": "question_ids"},
        )
    if name == "moderation":
        # Reviewers are teachers (students get the documented 403). Half the generated item
        # ids are of an item held from the fuzzing teacher's own course, so reading and
        # deciding it (200, then 409 for the other outcome) run, not only the 404s; the peer
        # teacher gets the same 404 as for an unknown id.
        seeded = {"held_items": list(held_items)} if held_items else {}
        return ServicePlan(
            name,
            users=TEACHERS,
            exclusions=EXCLUSIONS[name],
            dictionaries=seeded,
            parameters={"path.item_id": "held_items"} if seeded else {},
        )
    if name == "video-processor" and videos:
        # Half the generated course, lesson and video ids are the fuzzing teacher's own (a
        # course, its lesson, a completed upload): declaring, reading and links answer 201 and
        # 200, not only 403 and 404; the peer teacher gets the 403/404 of anyone else.
        return ServicePlan(
            name,
            users=TEACHERS,
            exclusions=EXCLUSIONS[name],
            dictionaries={**{k: list(v) for k, v in videos.items()}, "video_types": VIDEO_TYPES},
            parameters={
                "body.course_id": "course_ids",
                "body.lesson_id": "lesson_ids",
                "body.content_type": "video_types",
                "path.video_id": "video_ids",
            },
        )
    if name in ("course", "analytics-api", "teacher-tools", "video-processor"):
        return ServicePlan(name, users=TEACHERS, exclusions=EXCLUSIONS[name])
    if name == "enrollment" and published:
        # Enrolment needs a course another service published: half the generated course and
        # lesson ids are the seeded ones, so the success paths run, not only the 404s.
        return ServicePlan(
            name,
            users=STUDENTS,
            exclusions=EXCLUSIONS[name],
            dictionaries={
                "published_courses": [c.id for c in published],
                "seeded_lessons": [lesson for c in published for lesson in c.lesson_ids],
            },
            parameters={
                "body.course_id": "published_courses",
                "path.lesson_id": "seeded_lessons",
            },
        )
    if name == "certificate-generator" and certificates:
        # Half the generated codes are of the student's rendered certificate: the student
        # downloads the PDF (200), the peer gets the same 404 as for an unknown code.
        return ServicePlan(
            name,
            users=STUDENTS,
            exclusions=EXCLUSIONS[name],
            dictionaries={"rendered_certificates": list(certificates)},
            parameters={"path.code": "rendered_certificates"},
        )
    if name in EXCLUSIONS:  # enrollment without seeds too (unit tests)
        return ServicePlan(name, users=STUDENTS, exclusions=EXCLUSIONS[name])
    raise KeyError(f"no fuzzing plan for service {name!r}")
