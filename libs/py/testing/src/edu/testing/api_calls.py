"""The platform's public HTTP API as data: one ``Call`` per request a harness makes.

Each builder knows one endpoint once: its service, method, path, payload and the statuses that
mean it worked (contracts/openapi/<service>.json). Nothing here sends anything: the journeys
(``edu.testing.journeys``) chain calls, ``edu.testing.harness_client`` sends them over sync or
async httpx, and the Locust scenarios (load/) send them through Locust's own client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

OK = (200,)
CREATED = (201,)


@dataclass(frozen=True)
class Call:
    """One request: ``op`` names the step ("signup", "enrol", ...) for whoever records calls;
    ``name`` is the path with its placeholders (how statistics group it); ``expect`` holds the
    statuses that count as success; ``token`` None sends no Authorization header."""

    op: str
    service: str
    method: str
    path: str
    name: str
    body: Any = None
    token: str | None = None
    expect: tuple[int, ...] = OK
    extra_headers: tuple[tuple[str, str], ...] = ()  # e.g. the payment-engine's Idempotency-Key
    content: bytes | None = None  # raw bytes sent instead of ``body``'s JSON (a video chunk)

    @property
    def headers(self) -> dict[str, str]:
        auth = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**auth, **dict(self.extra_headers)}

    def url(self, urls: Mapping[str, str]) -> str:
        """The absolute URL, given each service's base URL by name."""
        try:
            base = urls[self.service]
        except KeyError:
            raise KeyError(f"no URL for service {self.service!r} (have {sorted(urls)})") from None
        return base.rstrip("/") + self.path

    def tolerating(self, *statuses: int) -> Call:
        """The same call, also content with ``statuses`` (a sign-up that may find the account)."""
        return replace(self, expect=(*self.expect, *statuses))


# identity


def sign_up(email: str, password: str, *, teacher: bool = False) -> Call:
    body = {"email": email, "password": password, "teacher": teacher}
    return Call("signup", "identity", "POST", "/auth/signup", "/auth/signup", body, None, CREATED)


def log_in(email: str, password: str) -> Call:
    body = {"email": email, "password": password}
    return Call("login", "identity", "POST", "/auth/login", "/auth/login", body)


def refresh(refresh_token: str) -> Call:
    body = {"refresh_token": refresh_token}
    return Call("refresh", "identity", "POST", "/auth/refresh", "/auth/refresh", body)


def become_teacher(token: str | None) -> Call:
    """Adds the teacher role; the tokens carry it only once refreshed."""
    return Call("become_teacher", "identity", "POST", "/me/teacher", "/me/teacher", token=token)


# course


def create_course(token: str | None, draft: Mapping[str, Any]) -> Call:
    return Call(
        "create_course", "course", "POST", "/courses", "/courses", dict(draft), token, CREATED
    )


def add_lesson(token: str | None, course_id: str, lesson: Mapping[str, Any]) -> Call:
    path = f"/courses/{course_id}/lessons"
    name = "/courses/{course_id}/lessons"
    return Call("add_lesson", "course", "POST", path, name, dict(lesson), token, CREATED)


def publish(token: str | None, course_id: str) -> Call:
    path = f"/courses/{course_id}/publish"
    return Call("publish", "course", "POST", path, "/courses/{course_id}/publish", token=token)


def unpublish(token: str | None, course_id: str) -> Call:
    """Takes a published course out of the catalogue (its teacher only)."""
    path = f"/courses/{course_id}/unpublish"
    return Call("unpublish", "course", "POST", path, "/courses/{course_id}/unpublish", token=token)


def teaching_course(token: str | None, course_id: str) -> Call:
    """The teacher's view of their course (drafts included)."""
    path = f"/teaching/courses/{course_id}"
    return Call(
        "teaching_course", "course", "GET", path, "/teaching/courses/{course_id}", token=token
    )


def set_price(token: str | None, course_id: str, currency_code: str, amount_minor: int) -> Call:
    """A course's price (its teacher only); the course answers with itself."""
    path = f"/courses/{course_id}/price"
    body = {"currency_code": currency_code, "amount_minor": amount_minor}
    return Call("set_price", "course", "PUT", path, "/courses/{course_id}/price", body, token)


# enrollment


def enrol(token: str | None, course_id: str) -> Call:
    """201 for a new enrollment, 200 when the student was already enrolled."""
    body = {"course_id": course_id}
    return Call(
        "enrol", "enrollment", "POST", "/enrollments", "/enrollments", body, token, (200, 201)
    )


def complete_lesson(token: str | None, enrollment_id: str, lesson_id: str) -> Call:
    path = f"/enrollments/{enrollment_id}/completed-lessons/{lesson_id}"
    name = "/enrollments/{enrollment_id}/completed-lessons/{lesson_id}"
    return Call("complete", "enrollment", "PUT", path, name, token=token)


# event-ingestion (ADR 0018) and analytics-api (ADR 0019)

ACCEPTED = (202,)


def record_events(token: str | None, events: list[dict[str, Any]]) -> Call:
    """A batch of learning events (protobuf JSON mapping); 202 once JetStream stored them, with
    ``accepted``, ``duplicates`` and ``rejected`` ids in the answer."""
    body = {"events": events}
    return Call(
        "learning_events",
        "event-ingestion",
        "POST",
        "/v1/events",
        "/v1/events",
        body,
        token,
        ACCEPTED,
    )


def course_figures(token: str | None, course_id: str) -> Call:
    """A course's figures per lesson (its teacher only)."""
    path = f"/analytics/courses/{course_id}"
    name = "/analytics/courses/{course_id}"
    return Call("course_figures", "analytics-api", "GET", path, name, token=token)


def daily_activity(token: str | None, course_id: str) -> Call:
    """A course's active students per day, the last 30 days (analytics-api's default range)."""
    path = f"/analytics/courses/{course_id}/daily"
    name = "/analytics/courses/{course_id}/daily"
    return Call("daily_activity", "analytics-api", "GET", path, name, token=token)


# payment-engine (ADR 0022)


def pay(
    token: str | None,
    idempotency_key: str,
    course_id: str,
    currency_code: str,
    amount_minor: int,
    card_token: str = "tok_visa",  # noqa: S107 - the provider sandbox's test card, not a secret
) -> Call:
    """201 for a new (pending) payment, 200 for the key's first payment again."""
    body = {
        "course_id": course_id,
        "amount": {"currency_code": currency_code, "amount_minor": amount_minor},
        "card_token": card_token,
    }
    return Call(
        "pay",
        "payment-engine",
        "POST",
        "/payments",
        "/payments",
        body,
        token,
        (200, 201),
        (("Idempotency-Key", idempotency_key),),
    )


def payment(token: str | None, payment_id: str) -> Call:
    path = f"/payments/{payment_id}"
    return Call("payment", "payment-engine", "GET", path, "/payments/{payment_id}", token=token)


# search (ADR 0025)


def search(query: str) -> Call:
    """The catalogue's search (public: no token); ``query`` is the query string as sent
    (``q=pyhton&tag=data``), already URL-encoded."""
    return Call("search", "search", "GET", f"/search?{query}", "/search")


# moderation (ADR 0027)


def review_queue(token: str | None) -> Call:
    """Held items awaiting the reviewer's decision (a teacher's own courses, an admin's all)."""
    path = "/moderation/queue"
    return Call("review_queue", "moderation", "GET", path, path, token=token)


def held_items(token: str | None, course_id: str) -> Call:
    """One course's held items awaiting the teacher's decision."""
    path = f"/moderation/queue?course_id={course_id}"
    return Call("held_items", "moderation", "GET", path, "/moderation/queue", token=token)


def decide_held_item(token: str | None, item_id: str, outcome: str) -> Call:
    """A reviewer's decision on a held item: ``allow`` or ``reject`` (moderation.decided, v2)."""
    path = f"/moderation/items/{item_id}/decision"
    name = "/moderation/items/{item_id}/decision"
    return Call("decide", "moderation", "PUT", path, name, {"outcome": outcome}, token)


# messaging (issue 24): course Q&A


def ask_question(token: str | None, course_id: str, body: str) -> Call:
    path = f"/qa/courses/{course_id}/questions"
    name = "/qa/courses/{course_id}/questions"
    return Call("ask", "messaging", "POST", path, name, {"body": body}, token, CREATED)


def answer_question(token: str | None, course_id: str, question_id: str, body: str) -> Call:
    path = f"/qa/courses/{course_id}/questions/{question_id}/answers"
    name = "/qa/courses/{course_id}/questions/{question_id}/answers"
    return Call("answer", "messaging", "POST", path, name, {"body": body}, token, CREATED)


def qa_history(token: str | None, course_id: str) -> Call:
    """The first page (100) of a course's Q&A history as the caller sees it."""
    path = f"/qa/courses/{course_id}/posts?after=0&limit=100"
    return Call(
        "qa_history", "messaging", "GET", path, "/qa/courses/{course_id}/posts", token=token
    )


# teacher-tools (issue 24): the teacher dashboard


def teacher_courses(token: str | None) -> Call:
    return Call(
        "teacher_courses",
        "teacher-tools",
        "GET",
        "/teacher/courses",
        "/teacher/courses",
        token=token,
    )


def course_dashboard(token: str | None, course_id: str) -> Call:
    path = f"/teacher/courses/{course_id}/dashboard"
    name = "/teacher/courses/{course_id}/dashboard"
    return Call("course_dashboard", "teacher-tools", "GET", path, name, token=token)


# video-processor (issue 25): a teacher's resumable upload, then its status


def declare_video(
    token: str | None,
    course_id: str,
    lesson_id: str,
    size_bytes: int,
    sha256: str,
    content_type: str = "video/mp4",
) -> Call:
    """Declares an upload of a lesson's video (its size and SHA-256 before any byte)."""
    body = {
        "course_id": course_id,
        "lesson_id": lesson_id,
        "size_bytes": size_bytes,
        "content_type": content_type,
        "sha256": sha256,
    }
    return Call(
        "declare_video", "video-processor", "POST", "/videos", "/videos", body, token, CREATED
    )


def send_video_chunk(
    token: str | None, video_id: str, offset: int, chunk: bytes, chunk_sha256: str
) -> Call:
    """One chunk of an upload at ``offset`` (where the previous one ended), with its checksum."""
    headers = (("Chunk-SHA256", chunk_sha256), ("Content-Type", "application/octet-stream"))
    return Call(
        "send_video_chunk",
        "video-processor",
        "PUT",
        f"/videos/{video_id}/content?offset={offset}",
        "/videos/{video_id}/content",
        token=token,
        extra_headers=headers,
        content=chunk,
    )


def complete_video(token: str | None, video_id: str) -> Call:
    """Ends an upload whose every byte arrived: the whole file's SHA-256 is checked."""
    path = f"/videos/{video_id}/complete"
    return Call(
        "complete_video",
        "video-processor",
        "POST",
        path,
        "/videos/{video_id}/complete",
        token=token,
    )


def video(token: str | None, video_id: str) -> Call:
    """A video as its teacher sees it: status, bytes received, transcoding progress."""
    return Call(
        "video", "video-processor", "GET", f"/videos/{video_id}", "/videos/{video_id}", token=token
    )


def put_captions(
    token: str | None, video_id: str, language: str, vtt: bytes, label: str | None = None
) -> Call:
    """A WebVTT caption track for one language of the teacher's video (the same language
    again replaces it); the video's tracks come back."""
    query = f"?{urlencode({'label': label})}" if label else ""
    return Call(
        "put_captions",
        "video-processor",
        "PUT",
        f"/videos/{video_id}/captions/{language}{query}",
        "/videos/{video_id}/captions/{language}",
        token=token,
        extra_headers=(("Content-Type", "text/vtt"),),
        content=vtt,
    )


# video-processor's playback (issue 25): signed links for the teacher or an enrolled student,
# then the files behind them (no token: the signature in the path is the permission)

PARTIAL = (206,)


def playback(token: str | None, video_id: str) -> Call:
    """Signed, expiring links to a video's files: ``original_url`` once uploaded,
    ``master_playlist_url`` and ``poster_url`` once ready (paths on video-processor)."""
    path = f"/videos/{video_id}/playback"
    return Call(
        "playback", "video-processor", "GET", path, "/videos/{video_id}/playback", token=token
    )


def signed_file(link: str, *, first_byte: int | None = None, last_byte: int | None = None) -> Call:
    """One file behind a signed link (``/play/<expires>/<signature>/<video>/original`` or
    ``…/hls/<file>``, as ``playback`` handed it out or a playlist named it), grouped by its kind
    of file: the expiry, signature, video, rendition and segment are placeholders in its name.
    ``first_byte`` asks for a byte range (``Range: bytes=first-last``, answered 206)."""
    if first_byte is None:
        return Call("signed_file", "video-processor", "GET", link, signed_file_name(link))
    last = "" if last_byte is None else str(last_byte)
    return Call(
        "signed_file",
        "video-processor",
        "GET",
        link,
        signed_file_name(link),
        expect=PARTIAL,
        extra_headers=(("Range", f"bytes={first_byte}-{last}"),),
    )


def signed_file_name(link: str) -> str:
    """``/play/{expires}/{signature}/{video_id}/`` and what follows, the rendition
    (``240p``) and segment (``segment_3.ts``) of an HLS file and a caption track's language
    (``captions/en.vtt``) as placeholders."""
    parts = link.split("?", 1)[0].split("/")
    if len(parts) < 6 or parts[1] != "play":
        raise ValueError(f"not a signed playback link: {link!r}")
    rest = [
        "{rendition}" if part.endswith("p") and part[:-1].isdigit() else part for part in parts[5:]
    ]
    if rest and rest[-1].startswith("segment_"):
        rest[-1] = "{segment}"
    if rest and rest[0] == "captions":
        rest[-1] = "{language}.vtt"
    return "/".join(["", "play", "{expires}", "{signature}", "{video_id}", *rest])
