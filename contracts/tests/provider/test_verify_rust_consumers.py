"""The pacts across languages, verified like every other (see conftest.py).

Rust consumers: the pact file is written by a Rust test against the Pact mock server, the
provider it names runs for real.

api-gateway -> identity: the gateway's JWKS adapter (services/rs/api-gateway/tests/
identity_pact.rs) reads identity's token-signing keys; no provider state, since identity
always publishes the key it signs with.

Rust consumers of Python producers' events (message pacts written by hand by
``edu_testing::pact``, each example handed to the consumer's real decoder and handler):
search <- course and enrollment (services/rs/search/tests/event_pacts.rs: course.published,
course.updated, course.unpublished; enrollment.created, course.completed) and feed-builder <-
course and enrollment (workers/rs/feed-builder/tests/event_pacts.rs: the same course events;
enrollment.created, lesson.completed, course.completed). Verified like the Python consumers'
message pacts: the producer's states made through its public API (publish a course, add a
lesson to it, unpublish it; enrol, complete every lesson) and each message read back from the
stack's JetStream stream, the bytes its outbox relay published (conftest.py's
``course_events`` and ``enrollment_events``, shared with test_verify_providers.py).

A Rust provider: web -> event-ingestion (written by web's Python client,
contracts/tests/consumer/test_web_event_ingestion.py) is replayed against the stack's
event-ingestion binary, built by the stack from this checkout; the state gives the student's
token, its subject as the event's user, a fresh event id and the time now.

web -> payment-engine (contracts/tests/consumer/test_web_payment_engine.py) is replayed against
the stack's engine, charging through its provider sandbox; the states make a priced course, a
fresh idempotency key and a payment of the session's student.

web -> search (contracts/tests/consumer/test_web_search.py) is replayed against the stack's
search binary; the state publishes a Python course through course's API and waits until search
has indexed it from course.published, so web's words, facets and highlights find it.
course -> search (contracts/tests/consumer/test_course_search.py: the catalogue's ``q`` ranked by
search, only the hits' ids and the total read) is replayed the same way, with the same state.

web -> messaging (contracts/tests/consumer/test_web_messaging.py, issue 24) is replayed against the
stack's messaging binary with the session student's token; each interaction's state is a fresh
course the student is enrolled in (made before the verifier runs: messaging learns the enrolment
and the teacher from events and shows a post once moderation allowed it), where the student
asked a question the teacher answered, both visible, and asked one more that moderation holds.

enrollment -> payment-engine's messages (contracts/tests/consumer/test_enrollment_payment_
messages.py): each message is what `payment-engine pact-messages --state <the state's params>`
prints — the engine's own decisions, the outbox row its store inserts and its relay's encoding
and subject (services/rs/payment-engine/src/pact.rs), with only PostgreSQL and NATS left out. A
refund on the real stack needs an admin, which no stack has yet; the E2E layer sees the relay's
real payment.succeeded enrol a student.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pact.types import Message

from edu.infra.cargo_build import PROFILE_VARIABLE, profile_folder, target_directory
from edu.testing import api_calls
from edu.testing.harness_client import first_answer

ROOT = Path(__file__).resolve().parents[3]
PACTS = ROOT / "contracts" / "pacts"


def engine_messages(params: dict[str, Any]) -> dict[str, Any]:
    """The engine's messages for one provider state's params, from its own binary (the stack
    built it from this checkout)."""
    profile = os.environ.get(PROFILE_VARIABLE) or "dev"
    binary = target_directory(ROOT) / profile_folder(profile) / "payment-engine"
    done = subprocess.run(
        [str(binary), "pact-messages", "--state", json.dumps(params)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    messages: dict[str, Any] = json.loads(done.stdout)
    return messages


def engine_message(params: dict[str, Any], description: str) -> Message:
    made = engine_messages(params)[description]
    return Message(
        contents=made["contents"].encode(),
        metadata=made["metadata"],
        content_type="application/json",
    )


DISCUSSED = (
    "a student's course with their question answered by the teacher and another question "
    "moderation holds"
)
# web -> video-processor's states (contracts/tests/consumer/test_web_video_processor.py): the
# five bytes the pact's chunk carries, whose SHA-256 its declaration names.
LESSON = "a draft course of the teacher with one lesson"
DECLARED = "an upload of a lesson video the teacher declared"
ARRIVED = "an upload of a lesson video whose every byte arrived"
READY = "a ready lesson video with English captions"
CLIP = b"\x00\x00\x00\x18f"


def discussed_course(platform: Any) -> dict[str, str]:
    """A fresh course the session's student is enrolled in: their question, the teacher's
    answer (both allowed by moderation), and their second question, which moderation holds."""
    course, _ = platform.enrollment()
    course_id, student, teacher = course["id"], platform.student_token, platform.teacher_token

    def post(call: api_calls.Call) -> dict[str, Any]:
        # 403 until messaging has the enrolment or the course; an answer 404 until the
        # question is visible (moderation allowed it)
        made: dict[str, Any] = first_answer(call.op, lambda: platform.api.send(call).json())
        return made

    # Words of this course's own: moderation holds a text its author posted before (repeats),
    # and the session's student asks in every state's course (and in teacher-tools' states)
    tag = course_id[:8]
    asked = f"Why does lesson one of {tag} loop forever?"
    first = post(api_calls.ask_question(student, course_id, asked))
    post(api_calls.answer_question(teacher, course_id, first["id"], f"Add a break ({tag})."))
    post(api_calls.ask_question(student, course_id, f"Am I a loser for not getting {tag}?"))

    def both_visible() -> bool | None:
        posts = platform.api.send(api_calls.qa_history(student, course_id)).json()["posts"]
        return True if len(posts) == 2 else None

    first_answer(f"two visible posts in {course_id}", both_visible)
    return {"course_id": course_id, "question_id": first["id"]}


class TestRustConsumers:
    @pytest.mark.pact_pair("api-gateway", "identity")
    def test_identity_honours_api_gateway(self, verify_pact: Any) -> None:
        verify_pact("identity", "api-gateway", states={})


class TestWhatRustConsumersReadFromPythonProducers:
    @pytest.mark.pact_pair("search", "course")
    def test_course_publishes_what_search_reads(self, verify_pact: Any, course_events: Any) -> None:
        verify_pact("course", "search", **course_events)

    @pytest.mark.pact_pair("search", "enrollment")
    def test_enrollment_publishes_what_search_reads(
        self, verify_pact: Any, enrollment_events: Any
    ) -> None:
        verify_pact("enrollment", "search", **enrollment_events)

    @pytest.mark.pact_pair("feed-builder", "course")
    def test_course_publishes_what_feed_builder_reads(
        self, verify_pact: Any, course_events: Any
    ) -> None:
        verify_pact("course", "feed-builder", **course_events)

    @pytest.mark.pact_pair("feed-builder", "enrollment")
    def test_enrollment_publishes_what_feed_builder_reads(
        self, verify_pact: Any, enrollment_events: Any
    ) -> None:
        verify_pact("enrollment", "feed-builder", **enrollment_events)


class TestRustProviders:
    @pytest.mark.pact_pair("web", "event-ingestion")
    def test_event_ingestion_honours_web(self, platform: Any, verify_pact: Any) -> None:
        verify_pact("event-ingestion", "web", states={"a signed-in student": platform.student})

    @pytest.mark.pact_pair("web", "payment-engine")
    def test_payment_engine_honours_web(self, platform: Any, verify_pact: Any) -> None:
        verify_pact(
            "payment-engine",
            "web",
            states={
                "a signed-in student and a paid course": platform.paying,
                "a signed-in student with a payment": platform.with_payment,
            },
        )

    @pytest.mark.pact_pair("web", "search")
    def test_search_honours_web(self, platform: Any, verify_pact: Any) -> None:
        state = "published Python courses for beginners, indexed by search"
        verify_pact("search", "web", states={state: platform.indexed_course})

    @pytest.mark.pact_pair("course", "search")
    def test_search_honours_course(self, platform: Any, verify_pact: Any) -> None:
        state = "published Python courses for beginners, indexed by search"
        verify_pact("search", "course", states={state: platform.indexed_course})

    @pytest.mark.pact_pair("web", "messaging")
    def test_messaging_honours_web(self, platform: Any, verify_pact: Any) -> None:
        interactions = json.loads((PACTS / "web-messaging.json").read_text())["interactions"]
        # one fresh course per interaction of the state: an interaction's post would change
        # what the next one reads
        uses = sum(
            DISCUSSED in {s["name"] for s in i.get("providerStates", [])} for i in interactions
        )
        courses = [discussed_course(platform) for _ in range(uses)]
        states = {DISCUSSED: courses.pop}
        verify_pact("messaging", "web", states=states, token=platform.student_token)

    @pytest.mark.pact_pair("web", "video-processor")
    def test_video_processor_honours_web(self, platform: Any, verify_pact: Any) -> None:
        states = {
            LESSON: lambda: platform.course_ids(publish=False),
            DECLARED: lambda: platform.declared_video(CLIP),
            ARRIVED: lambda: platform.arrived_video(CLIP),
            # written by the provider's binary (no transcoder in this stack): conftest.py
            READY: platform.ready_video,
        }
        verify_pact("video-processor", "web", states=states, token=platform.teacher_token)

    @pytest.mark.pact_pair("enrollment", "payment-engine")
    def test_payment_engines_messages_honour_enrollment(
        self, platform: Any, verify_pact: Any
    ) -> None:
        interactions = json.loads((PACTS / "enrollment-payment-engine.json").read_text())
        states: dict[str, Any] = {}
        messages: dict[str, Any] = {}
        for interaction in interactions["interactions"]:
            [state] = interaction["providerStates"]
            states[state["name"]] = dict  # nothing to set up: the params make the message
            params, description = state["params"], interaction["description"]
            messages[description] = lambda p=params, d=description: engine_message(p, d)
        verify_pact("payment-engine", "enrollment", states=states, messages=messages)
