"""The ``moderation.decided`` event of an item, as the outbox stores it."""

from __future__ import annotations

from edu.common.clock import Clock
from edu.db.outbox.event import OutboxEvent
from edu.moderation.domain.decisions import Outcome
from edu.moderation.domain.items import ModerationItem
from edu.moderation.domain.moderator import ItemKind
from edu.proto_gen.events.v1 import moderation_events_pb2 as pb

DECIDED = "moderation.decided"
_KINDS = {
    ItemKind.QUESTION: pb.MODERATED_ITEM_KIND_QUESTION,
    ItemKind.ANSWER: pb.MODERATED_ITEM_KIND_ANSWER,
    ItemKind.COURSE: pb.MODERATED_ITEM_KIND_COURSE,
}
_OUTCOMES = {
    Outcome.ALLOW: pb.MODERATION_OUTCOME_ALLOW,
    Outcome.HOLD: pb.MODERATION_OUTCOME_HOLD,
    Outcome.REJECT: pb.MODERATION_OUTCOME_REJECT,
}


def decided(item: ModerationItem, clock: Clock) -> OutboxEvent:
    """The event announcing the item's current decision (its version: 1 rules, 2 a person)."""
    payload = pb.ModerationDecided(
        item_id=str(item.id),
        kind=_KINDS[item.kind],
        subject_id=item.subject_id,
        course_id=item.course_id,
        author_id=item.author_id,
        outcome=_OUTCOMES[item.outcome],
        reasons=[pb.ModerationReason(code=r.code, detail=r.detail) for r in item.reasons],
        reviewer_id=str(item.reviewer_id) if item.reviewer_id else "",
        subject_version=item.subject_version,
    )
    return OutboxEvent.new(
        type=DECIDED, aggregate_id=item.id, version=item.version, payload=payload, clock=clock
    )
