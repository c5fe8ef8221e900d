"""The event pacts of course Q&A (issue 24) and video (issue 25), verified against their real
producers (see conftest.py).

moderation <- messaging (a Python consumer of a Rust producer, contracts/tests/consumer/
test_moderation_messages.py): the states go through messaging's API on the stack — the
session's student, enrolled in a fresh course, asks; the teacher answers once moderation allowed
the question — and each message is read back from JetStream, the bytes messaging's outbox relay
published.

messaging <- moderation (a Rust consumer of a Python producer, services/rs/messaging/tests/
event_pacts.rs): a post is made through messaging's API and moderation decides it from
``qa.*`` by its rules (a plain question is allowed, one calling its asker a loser is held, an
answer calling someone an idiot is rejected), or the course's teacher allows a held question
through moderation's review API (version 2); the message is the ``moderation.decided`` about
that post, read back from JetStream.

video-transcoder <- video-processor and video-processor <- video-transcoder (Rust both ways:
workers/rs/video-transcoder/tests/event_pacts.rs, services/rs/video-processor/tests/
event_pacts.rs): each message is what the producer's binary prints with ``pact-messages`` (the
stack built both from this checkout) — video-processor's ``video.uploaded`` from the domain's
video, the outbox row a completed upload inserts and its relay's encoding; the transcoder's
results from the job's own payload and envelope functions over the domain's ladder, and its
bus's encoding (``src/pact.rs`` of each) — with PostgreSQL, the object store, ffmpeg and NATS
left out. Nothing to set up per state: the binary makes the whole message.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
import pytest
from pact.types import Message

from edu.events import decode
from edu.infra.cargo_build import PROFILE_VARIABLE, profile_folder, target_directory
from edu.proto_gen.events.v1.moderation_events_pb2 import (
    MODERATED_ITEM_KIND_COURSE,
    ModerationDecided,
)
from edu.testing import api_calls
from edu.testing.harness_client import first_answer

ROOT = Path(__file__).resolve().parents[3]
PACTS = ROOT / "contracts" / "pacts"
WITHIN = 20.0  # seconds: messaging learns enrolments and moderation decides from events


class QaCourse:
    """A fresh course the session's student is enrolled in, driven through messaging's API."""

    def __init__(self, platform: Any) -> None:
        self.platform = platform
        course, _ = platform.enrollment()
        self.id: str = course["id"]
        self.tag = self.id[:8]  # words of its own: moderation holds a text repeated

    def post(self, call: api_calls.Call) -> dict[str, Any]:
        # 403 until messaging knows the enrolment or the teacher; an answer 404 until its
        # question is visible
        made: dict[str, Any] = first_answer(
            call.op, lambda: self.platform.api.send(call).json(), WITHIN
        )
        return made

    def ask(self, text: str) -> str:
        call = api_calls.ask_question(self.platform.student_token, self.id, text)
        return str(self.post(call)["id"])

    def answer(self, question_id: str, text: str) -> str:
        token = self.platform.teacher_token
        return str(self.post(api_calls.answer_question(token, self.id, question_id, text))["id"])

    def allowed_question(self) -> str:
        """A plain question: moderation allows it and messaging shows it."""
        return self.ask(f"Which editor settings does course {self.tag} recommend?")

    def held_question(self, words: str = "Would a loser like me pass quiz") -> str:
        """A question calling its asker a loser: moderation holds it for the teacher."""
        return self.ask(f"{words} {self.tag}?")

    def shown(self, post_id: str) -> bool | None:
        """True once ``post_id`` is in the course's history (moderation allowed it)."""
        call = api_calls.qa_history(self.platform.student_token, self.id)
        posts = self.platform.api.send(call).json()["posts"]
        return True if any(p["id"] == post_id for p in posts) else None


def stream_position(platform: Any) -> int:
    """The sequence number of the last message in the stack's EVENTS stream."""

    async def read() -> int:
        client = await nats.connect(platform.nats_url)
        try:
            info = await client.jetstream().stream_info("EVENTS")
            return int(info.state.last_seq)
        finally:
            await client.close()

    return asyncio.run(read())


def next_message(
    platform: Any, subject: str, after: int, wanted: Callable[[bytes], bool]
) -> tuple[int, bytes, dict[str, Any]]:
    """The first message on ``subject`` after stream position ``after`` that is ``wanted``
    (relays are async): its position, body and metadata."""

    async def read() -> tuple[int, bytes, dict[str, Any]]:
        client = await nats.connect(platform.nats_url)
        try:
            stream = client.jetstream()
            deadline, position = time.monotonic() + WITHIN, after
            while True:
                try:
                    message = await stream.get_msg("EVENTS", position + 1, subject, next=True)
                    position = message.seq or position + 1
                    if wanted(message.data or b""):
                        return position, message.data or b"", {"subject": message.subject}
                    continue
                except nats.js.errors.NotFoundError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"no {subject} event as awaited after {after}")
                await asyncio.sleep(0.05)
        finally:
            await client.close()

    return asyncio.run(read())


def as_message(contents: bytes, metadata: dict[str, Any]) -> Message:
    # pact-python 4 reads `contents` (not `body`) from a message producer.
    return Message(contents=contents, metadata=metadata, content_type="application/json")


def messaging_events(platform: Any) -> dict[str, Any]:
    """qa.question_posted after the student asked; qa.answer_posted after the teacher answered
    (in one fresh course)."""
    posted: dict[str, str] = {}
    course = Lazily(lambda: QaCourse(platform))

    def student_asks() -> None:
        posted["question"] = course().held_question()

    def teacher_answers() -> None:
        posted["answer"] = course().answer(course().allowed_question(), "Add a break.")

    def event(subject: str, post: str) -> Callable[[], Message]:
        return lambda: as_message(*platform.last_event(subject, posted[post]))

    return {
        "states": {
            "a student has asked a question in a course they are enrolled in": student_asks,
            "a teacher has answered a student's question": teacher_answers,
        },
        "messages": {
            "a qa.question_posted event": event("events.qa.question_posted", "question"),
            "a qa.answer_posted event": event("events.qa.answer_posted", "answer"),
        },
    }


class Lazily:
    """One course for every state of a verification, made by the first state that needs it
    (a course and an enrolment cost ~0.5 s each)."""

    def __init__(self, make: Callable[[], QaCourse]) -> None:
        self._make = make
        self._made: QaCourse | None = None

    def __call__(self) -> QaCourse:
        if self._made is None:
            self._made = self._make()
        return self._made


DECIDED = "events.moderation.decided"


@dataclass
class Awaited:
    """A decision a state caused: about ``post`` of ``course``, after stream position ``after``."""

    course: str
    after: int
    post: str = ""

    def __call__(self, data: bytes) -> bool:
        """Whether ``data`` is that decision: about the post or, when a producer dropped or
        renamed the post's id, about the course (a fresh course, where no other post is being
        decided after ``after``); a course title's decision is not one. Either id identifies
        it, so a producer that drops one is shown the pact's mismatch, not a timeout."""
        decided = decode(data).payload
        if not isinstance(decided, ModerationDecided):
            return False
        if decided.kind == MODERATED_ITEM_KIND_COURSE:
            return False
        return decided.subject_id == self.post or decided.course_id == self.course


def moderation_events(platform: Any) -> dict[str, Any]:
    """moderation.decided about a post: allowed, held, rejected by the rules, or allowed by the
    course's teacher after the rules held it; all in one fresh course. Each state notes the
    stream's position before the post (or the review) it awaits the decision of: every earlier
    post was decided already (the verifier fetched its decision; an answer waits for its
    question to be shown, the review for the rules' hold to be relayed)."""
    awaited: dict[str, Awaited] = {}  # by the interaction's description
    course = Lazily(lambda: QaCourse(platform))

    def allowed() -> None:
        decision = Awaited(course().id, stream_position(platform))
        decision.post = course().allowed_question()
        awaited["allowing a question"] = decision

    def held() -> None:
        decision = Awaited(course().id, stream_position(platform))
        decision.post = course().held_question()
        awaited["holding a question"] = decision

    def rejected() -> None:
        # the allowed question again, if that state came first (the same text twice is a repeat)
        known = awaited.get("allowing a question")
        question = known.post if known else course().allowed_question()
        first_answer(f"{question} shown", lambda: course().shown(question))
        decision = Awaited(course().id, stream_position(platform))
        decision.post = course().answer(question, f"Only an idiot asks that in {course().tag}.")
        awaited["rejecting an answer"] = decision

    def reviewed() -> None:
        hold = Awaited(course().id, stream_position(platform))
        hold.post = question = course().held_question("Quiz makes me feel like a loser in")
        token, course_id = platform.teacher_token, course().id

        def held_item() -> str | None:
            items = platform.api.send(api_calls.held_items(token, course_id)).json()["items"]
            return next((i["id"] for i in items if i["subject_id"] == question), None)

        item = first_answer(f"{question} in the teacher's review queue", held_item)
        held_at, _, _ = next_message(platform, DECIDED, hold.after, hold)
        awaited["a reviewer's allowing a held question"] = Awaited(course_id, held_at, question)
        platform.api.send(api_calls.decide_held_item(token, item, "allow"))

    def event(which: str) -> Callable[[], Message]:
        def message() -> Message:
            decision = awaited[which]
            _, data, metadata = next_message(platform, DECIDED, decision.after, decision)
            return as_message(data, metadata)

        return message

    return {
        "states": {
            "moderation's rules have allowed a student's question": allowed,
            "moderation's rules have held a student's question": held,
            "moderation's rules have rejected a teacher's answer": rejected,
            "a teacher has allowed a held question of their course": reviewed,
        },
        "messages": {
            "a moderation.decided event allowing a question": event("allowing a question"),
            "a moderation.decided event holding a question": event("holding a question"),
            "a moderation.decided event rejecting an answer": event("rejecting an answer"),
            "a reviewer's moderation.decided event allowing a held question": event(
                "a reviewer's allowing a held question"
            ),
        },
    }


def printed_messages(binary: str) -> dict[str, Any]:
    """What ``<binary> pact-messages`` prints: its messages by pact description."""
    profile = os.environ.get(PROFILE_VARIABLE) or "dev"
    path = target_directory(ROOT) / profile_folder(profile) / binary
    done = subprocess.run(
        [str(path), "pact-messages"], capture_output=True, text=True, check=True, timeout=30
    )
    messages: dict[str, Any] = json.loads(done.stdout)
    return messages


def printed_events(binary: str, consumer: str) -> dict[str, Any]:
    """The states (nothing to set up) and messages of ``consumer``'s pact with ``binary``,
    printed once for the verification."""
    interactions = json.loads((PACTS / f"{consumer}-{binary}.json").read_text())["interactions"]
    states = {s["name"]: dict for i in interactions for s in i.get("providerStates", [])}
    printed: dict[str, Any] = {}

    def message(description: str) -> Message:
        printed.update(printed or printed_messages(binary))
        made = printed[description]
        return as_message(made["contents"].encode(), made["metadata"])

    messages = {i["description"]: lambda d=i["description"]: message(d) for i in interactions}
    return {"states": states, "messages": messages}


class TestQaEvents:
    @pytest.mark.pact_pair("moderation", "messaging")
    def test_messaging_publishes_what_moderation_reads(
        self, platform: Any, verify_pact: Any
    ) -> None:
        verify_pact("messaging", "moderation", **messaging_events(platform))

    @pytest.mark.pact_pair("messaging", "moderation")
    def test_moderation_publishes_what_messaging_reads(
        self, platform: Any, verify_pact: Any
    ) -> None:
        verify_pact("moderation", "messaging", **moderation_events(platform))


class TestVideoEvents:
    @pytest.mark.pact_pair("video-transcoder", "video-processor")
    def test_video_processor_publishes_what_video_transcoder_reads(
        self, platform: Any, verify_pact: Any
    ) -> None:
        events = printed_events("video-processor", "video-transcoder")
        verify_pact("video-processor", "video-transcoder", **events)

    @pytest.mark.pact_pair("video-processor", "video-transcoder")
    def test_video_transcoder_publishes_what_video_processor_reads(
        self, platform: Any, verify_pact: Any
    ) -> None:
        events = printed_events("video-transcoder", "video-processor")
        verify_pact("video-transcoder", "video-processor", **events)
