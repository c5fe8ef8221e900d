"""Cross-language test vectors for every events/v1 message (``proto/testdata``), ADR 0014.

Each vector gives a message's values in the protobuf JSON mapping and the bytes Google's
protobuf runtime (the Python side) encodes them to. The Python unit test proves the bytes are
still what Python writes; the Rust test (libs/rs/proto-gen/tests) builds the same values with
the generated Rust types and must encode them to the very same bytes, and decode the bytes back
to the same values. ``edu proto gen`` refreshes the bytes after a .proto change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from google.protobuf import json_format, symbol_database
from google.protobuf.message import Message

import edu.proto_gen.events.v1.envelope_pb2
import edu.proto_gen.events.v1.learning_events_pb2  # noqa: F401 - and the learning events

VECTORS = Path("proto/testdata/events_v1_vectors.json")


def load(root: Path) -> list[dict[str, Any]]:
    vectors: list[dict[str, Any]] = json.loads((root / VECTORS).read_text())
    return vectors


def message_from_json(vector: dict[str, Any]) -> Message:
    message_class = symbol_database.Default().GetSymbol(vector["message"])
    message: Message = json_format.ParseDict(vector["json"], message_class())
    return message


def encode(vector: dict[str, Any]) -> str:
    """The hex of the vector's values as the Python runtime encodes them (deterministically)."""
    return message_from_json(vector).SerializeToString(deterministic=True).hex()


def refresh(root: Path) -> int:
    """Rewrite every vector's ``binary_hex``; return how many changed."""
    vectors = load(root)
    changed = 0
    for vector in vectors:
        fresh = encode(vector)
        if vector.get("binary_hex") != fresh:
            vector["binary_hex"] = fresh
            changed += 1
    text = json.dumps(vectors, indent=2, ensure_ascii=False) + "\n"
    (root / VECTORS).write_text(text, encoding="utf-8")
    return changed
