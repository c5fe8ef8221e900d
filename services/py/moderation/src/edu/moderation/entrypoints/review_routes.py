"""The review queue: held items for teachers (their courses) and admins (every course)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from edu.common.http_problems import problem_responses
from edu.common.problems import DomainError
from edu.moderation.domain.decisions import Outcome
from edu.moderation.entrypoints.deps import CurrentPrincipal, ModerationDep
from edu.moderation.entrypoints.schemas import DecisionIn, ItemOut, QueueOut, ReadyOut

router = APIRouter()


@router.get(
    "/moderation/queue",
    summary="Held items awaiting my decision",
    response_model=QueueOut,
    responses=problem_responses(401, 403, 422),
    tags=["moderation"],
)
async def review_queue(
    principal: CurrentPrincipal,
    service: ModerationDep,
    course_id: Annotated[
        str | None, Query(max_length=200, description="Only this course's items.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000, description="How many to skip.")] = 0,
) -> QueueOut:
    """Held items nobody decided yet, oldest first: a teacher's own courses, an admin's all."""
    found = await service.reviews.queue(principal, course_id, limit=limit, offset=offset)
    return QueueOut(items=[ItemOut.of(item) for item in found], limit=limit, offset=offset)


@router.get(
    "/moderation/items/{item_id}",
    summary="One held item",
    response_model=ItemOut,
    responses=problem_responses(401, 403, 404, 422),
    tags=["moderation"],
)
async def held_item(item_id: UUID, principal: CurrentPrincipal, service: ModerationDep) -> ItemOut:
    """An item the rules held, awaiting a decision or decided since."""
    return ItemOut.of(await service.reviews.get(principal, item_id))


@router.put(
    "/moderation/items/{item_id}/decision",
    summary="Allow or reject a held item",
    response_model=ItemOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    tags=["moderation"],
)
async def decide_item(
    item_id: UUID, body: DecisionIn, principal: CurrentPrincipal, service: ModerationDep
) -> ItemOut:
    """Decide a held item (moderation.decided follows); the same decision again changes
    nothing, another one afterwards is a 409."""
    item = await service.reviews.decide(principal, item_id, Outcome(body.outcome))
    return ItemOut.of(item)


class NotReady(DomainError):
    status = 503
    slug = "not-ready"
    title = "Not ready"


@router.get(
    "/ready",
    summary="Readiness",
    response_model=ReadyOut,
    responses=problem_responses(503),
    tags=["health"],
)
async def ready(service: ModerationDep) -> ReadyOut:
    """Answers once the moderation database can be read; 503 otherwise."""
    try:
        await service.ping()
    except Exception as exc:
        raise NotReady(
            f"The moderation database cannot be reached: {type(exc).__name__}."
        ) from None
    return ReadyOut()
