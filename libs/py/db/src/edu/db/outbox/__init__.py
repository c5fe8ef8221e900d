"""The transactional outbox: events stored with the change, relayed to NATS JetStream."""

from edu.db.outbox.event import Outbox, OutboxEvent
from edu.db.outbox.lifespan import relay_lifespan, service_relay
from edu.db.outbox.publishers import (
    EVENTS_STREAM,
    SUBJECT_PREFIX,
    EventPublisher,
    JetStreamPublisher,
)
from edu.db.outbox.relay import OutboxRelay
from edu.db.outbox.table import OUTBOX, SqlAlchemyOutbox, outbox_table

__all__ = [
    "EVENTS_STREAM",
    "OUTBOX",
    "SUBJECT_PREFIX",
    "EventPublisher",
    "JetStreamPublisher",
    "Outbox",
    "OutboxEvent",
    "OutboxRelay",
    "SqlAlchemyOutbox",
    "outbox_table",
    "relay_lifespan",
    "service_relay",
]
