"""The cross-language vectors (proto/testdata): Python's side of the Python <-> Rust check.

The Rust side is libs/rs/proto-gen/tests/cross_language.rs (the rust-unit layer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from edu.cli.proto_vectors import encode, load, message_from_json
from edu.proto_gen.events.v1.envelope_pb2 import EventEnvelope
from edu.proto_gen.events.v1.learning_events_pb2 import LearningEvent

ROOT = Path(__file__).resolve().parents[4]
VECTORS = load(ROOT)
ENVELOPES = [v for v in VECTORS if v["message"] == "edu.events.v1.EventEnvelope"]
LEARNING = [v for v in VECTORS if v["message"] == "edu.events.v1.LearningEvent"]


def _name(vector: dict[str, Any]) -> str:
    return str(vector["name"])


class TestEventVectors:
    @pytest.mark.parametrize("vector", VECTORS, ids=_name)
    def test_the_committed_bytes_are_what_python_encodes_today(
        self, vector: dict[str, Any]
    ) -> None:
        assert encode(vector) == vector["binary_hex"], "run `just proto` to refresh the vectors"

    @pytest.mark.parametrize("vector", ENVELOPES, ids=_name)
    def test_python_decodes_the_bytes_to_the_vectors_values(self, vector: dict[str, Any]) -> None:
        decoded = EventEnvelope.FromString(bytes.fromhex(vector["binary_hex"]))
        assert decoded == message_from_json(vector)
        assert decoded.WhichOneof("payload") == vector["name"]

    @pytest.mark.parametrize("vector", LEARNING, ids=_name)
    def test_python_decodes_the_learning_events_bytes(self, vector: dict[str, Any]) -> None:
        decoded = LearningEvent.FromString(bytes.fromhex(vector["binary_hex"]))
        assert decoded == message_from_json(vector)
        assert f"learning_{decoded.WhichOneof('payload')}" == vector["name"]

    def test_every_payload_of_the_envelope_has_a_vector(self) -> None:
        cases = {field.name for field in EventEnvelope.DESCRIPTOR.oneofs_by_name["payload"].fields}
        assert cases == {_name(vector) for vector in ENVELOPES}

    def test_every_payload_of_a_learning_event_has_a_vector(self) -> None:
        cases = {field.name for field in LearningEvent.DESCRIPTOR.oneofs_by_name["payload"].fields}
        assert {f"learning_{case}" for case in cases} == {_name(vector) for vector in LEARNING}

    def test_the_vectors_exercise_non_ascii_text_and_the_largest_version(self) -> None:
        texts = str([vector["json"] for vector in VECTORS])
        assert any(ord(character) > 0xFFFF for character in texts)
        assert max(vector["json"]["version"] for vector in ENVELOPES) == 2**32 - 1
