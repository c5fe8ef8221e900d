"""Where the services listen and who may log in: read once per Locust process; ``send`` sends
one of the harness's calls (``edu.testing.api_calls``: the API's paths and payloads, known
once) through Locust's own client.

Besides the three services the mix started with, the students send learning events to
event-ingestion, the teachers read analytics-api (issue 21) and the visitors ask the search
service (issue 23), the Q&A users post to messaging and hold its WebSockets, the teachers read
teacher-tools and moderation (issue 24), and the teachers upload lesson videos to
video-processor and the students play them from it (issue 25); through the gateway, all ten
URLs are the gateway's.

`edu load` passes the service URLs the way every stack process gets them
(``EDU_<SERVICE>_SERVICE_URL``) and the seed manifest's path (``EDU_SEED_MANIFEST``); the
manifest lists the seeded accounts and their shared password (tools/seed).
"""

from __future__ import annotations

import functools
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from locust import FastHttpUser

from edu.testing.api_calls import Call


@dataclass(frozen=True)
class Platform:
    identity: str
    course: str
    enrollment: str
    event_ingestion: str
    analytics: str
    search: str
    messaging: str
    moderation: str
    teacher_tools: str
    video_processor: str
    password: str
    students: tuple[str, ...]
    teachers: tuple[str, ...]

    def any_student(self) -> str:
        return random.choice(self.students)  # noqa: S311 - picking a test account, not a secret

    def any_teacher(self) -> str:
        return random.choice(self.teachers)  # noqa: S311 - picking a test account, not a secret

    @property
    def urls(self) -> dict[str, str]:
        return {
            "identity": self.identity,
            "course": self.course,
            "enrollment": self.enrollment,
            "event-ingestion": self.event_ingestion,
            "analytics-api": self.analytics,
            "search": self.search,
            "messaging": self.messaging,
            "moderation": self.moderation,
            "teacher-tools": self.teacher_tools,
            "video-processor": self.video_processor,
        }


def send(user: FastHttpUser, call: Call) -> Any:
    """The call through the user's client, its statistics grouped under the call's name."""
    return user.client.request(
        call.method,
        call.url(platform().urls),
        headers=call.headers,
        name=call.name,
        **payload(call),
    )


def payload(call: Call) -> dict[str, Any]:
    """What Locust's client sends: the call's raw bytes when it has some (a video chunk; Locust
    sends bytes as they are), else its body as JSON."""
    return {"data": call.content} if call.content is not None else {"json": call.body}


def _url(service: str) -> str:
    variable = f"EDU_{service.upper().replace('-', '_')}_SERVICE_URL"
    try:
        return os.environ[variable].rstrip("/")
    except KeyError:
        raise RuntimeError(f"{variable} is not set: run the suite through `edu load`") from None


@functools.cache
def platform() -> Platform:
    path = os.environ.get("EDU_SEED_MANIFEST")
    if not path:
        raise RuntimeError("EDU_SEED_MANIFEST is not set: run the suite through `edu load`")
    manifest = json.loads(Path(path).read_text())
    return Platform(
        identity=_url("identity"),
        course=_url("course"),
        enrollment=_url("enrollment"),
        event_ingestion=_url("event-ingestion"),
        analytics=_url("analytics-api"),
        search=_url("search"),
        messaging=_url("messaging"),
        moderation=_url("moderation"),
        teacher_tools=_url("teacher-tools"),
        video_processor=_url("video-processor"),
        password=str(manifest["password"]),
        students=tuple(manifest["students"]),
        teachers=tuple(manifest["teachers"]),
    )
