"""identity's events as outbox events, built from the generated ``edu.events.v1`` messages.

The contract carries one ``role`` at registration (the one chosen: a teacher's sign-up is
``ROLE_TEACHER``, although a teacher is also a student) and no registration time: that is
the envelope's ``occurred_at``.
"""

from __future__ import annotations

from edu.common.clock import Clock
from edu.db.outbox.event import OutboxEvent
from edu.identity.domain.user import Role, User
from edu.proto_gen.events.v1 import identity_events_pb2 as wire

_WIRE_ROLES = {Role.STUDENT: wire.ROLE_STUDENT, Role.TEACHER: wire.ROLE_TEACHER}


def user_registered(user: User, clock: Clock) -> OutboxEvent:
    chosen = Role.TEACHER if user.is_teacher else Role.STUDENT
    return OutboxEvent.new(
        type="user.registered",
        aggregate_id=user.id,
        version=user.version,
        payload=wire.UserRegistered(
            user_id=str(user.id), email=user.email.value, role=_WIRE_ROLES[chosen]
        ),
        clock=clock,
    )


def role_granted(user: User, role: Role, clock: Clock) -> OutboxEvent:
    return OutboxEvent.new(
        type="user.role_granted",
        aggregate_id=user.id,
        version=user.version,
        payload=wire.UserRoleGranted(user_id=str(user.id), role=_WIRE_ROLES[role]),
        clock=clock,
    )
