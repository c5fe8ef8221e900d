"""The events/v1 envelope keeps the promises ADR 0006 makes about its JSON form."""

import json
import re

from google.protobuf import json_format

from edu.proto_gen.events.v1 import enrollment_events_pb2, envelope_pb2, identity_events_pb2

EVENT_TYPES = {
    "user.registered",
    "user.role_granted",
    "course.published",
    "course.unpublished",
    "course.updated",
    "enrollment.created",
    "lesson.completed",
    "course.completed",
    "certificate.issued",
    "payment.succeeded",
    "payment.failed",
    "payment.refunded",
    "qa.question_posted",
    "qa.answer_posted",
    "moderation.decided",
    "video.uploaded",
    "video.transcoding_progressed",
    "video.transcoded",
    "video.transcoding_failed",
}


def enrollment_created() -> envelope_pb2.EventEnvelope:
    envelope = envelope_pb2.EventEnvelope(
        id="0b6c3c9e-8a4e-4b8e-9d55-0f2f3c1f6a01",
        type="enrollment.created",
        aggregate="enrollment",
        aggregate_id="e-1",
        version=1,
        enrollment_created=enrollment_events_pb2.EnrollmentCreated(
            enrollment_id="e-1", student_id="s-1", course_id="c-1"
        ),
    )
    envelope.occurred_at.FromJsonString("2026-11-27T17:00:00Z")
    return envelope


class TestJsonForm:
    def test_reads_like_the_envelope_services_already_publish(self) -> None:
        text = json_format.MessageToJson(enrollment_created(), preserving_proto_field_name=True)
        assert json.loads(text) == {
            "id": "0b6c3c9e-8a4e-4b8e-9d55-0f2f3c1f6a01",
            "type": "enrollment.created",
            "occurred_at": "2026-11-27T17:00:00Z",
            "aggregate": "enrollment",
            "aggregate_id": "e-1",
            "version": 1,
            "enrollment_created": {"enrollment_id": "e-1", "student_id": "s-1", "course_id": "c-1"},
        }

    def test_round_trips_without_a_type_registry(self) -> None:
        text = json_format.MessageToJson(enrollment_created(), preserving_proto_field_name=True)
        parsed = json_format.Parse(text, envelope_pb2.EventEnvelope())
        assert parsed == enrollment_created()
        assert parsed.WhichOneof("payload") == "enrollment_created"

    def test_also_parses_the_camel_case_json_other_languages_print_by_default(self) -> None:
        text = json_format.MessageToJson(enrollment_created())
        assert '"aggregateId"' in text
        assert json_format.Parse(text, envelope_pb2.EventEnvelope()) == enrollment_created()

    def test_enum_values_travel_by_name(self) -> None:
        payload = identity_events_pb2.UserRegistered(
            user_id="u-1", email="a@example.org", role=identity_events_pb2.ROLE_TEACHER
        )
        assert json_format.MessageToDict(payload)["role"] == "ROLE_TEACHER"

    def test_a_consumer_ignoring_unknown_fields_survives_an_event_it_does_not_know(self) -> None:
        newer = json.loads(json_format.MessageToJson(enrollment_created()))
        del newer["enrollmentCreated"]
        newer["type"] = "course.archived"
        newer["courseArchived"] = {"courseId": "c-1"}
        parsed = json_format.Parse(
            json.dumps(newer), envelope_pb2.EventEnvelope(), ignore_unknown_fields=True
        )
        assert parsed.type == "course.archived"
        assert parsed.WhichOneof("payload") is None


class TestPayloadNaming:
    def test_every_published_event_type_has_exactly_one_payload_field(self) -> None:
        oneof = envelope_pb2.EventEnvelope.DESCRIPTOR.oneofs_by_name["payload"]
        assert {field.name.replace("_", ".", 1) for field in oneof.fields} == EVENT_TYPES

    def test_each_payload_message_is_named_after_its_field(self) -> None:
        oneof = envelope_pb2.EventEnvelope.DESCRIPTOR.oneofs_by_name["payload"]
        for field in oneof.fields:
            camel = re.sub(r"(?:^|_)(\w)", lambda m: m.group(1).upper(), field.name)
            assert field.message_type is not None, f"{field.name} is not a message"
            assert field.message_type.name == camel
