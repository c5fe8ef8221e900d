"""The signed-in user's notifications and email preferences."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from edu.common.http_problems import problem_responses
from edu.common.openapi_links import link, links_on
from edu.notifications.entrypoints.deps import CurrentPrincipal, NotificationsDep
from edu.notifications.entrypoints.schemas import (
    NotificationOut,
    NotificationPageOut,
    PreferencesIn,
    PreferencesOut,
    UnreadCountOut,
)

router = APIRouter()


@router.get(
    "/notifications",
    summary="My notifications",
    response_model=NotificationPageOut,
    responses={
        **problem_responses(401, 422),
        **links_on(
            200,
            mark_first_read=link(
                "POST",
                "/notifications/{notification_id}/read",
                notification_id="$response.body#/items/0/id",
                description="Mark the newest notification on the page read.",
            ),
        ),
    },
    tags=["notifications"],
)
async def my_notifications(
    principal: CurrentPrincipal,
    service: NotificationsDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000, description="How many to skip.")] = 0,
) -> NotificationPageOut:
    """The signed-in user's notifications, newest first, one page at a time."""
    page = await service.inbox.page(principal.user_id, limit=limit, offset=offset)
    return NotificationPageOut.of(page)


@router.get(
    "/notifications/unread-count",
    summary="How many of my notifications are unread",
    response_model=UnreadCountOut,
    responses=problem_responses(401),
    tags=["notifications"],
)
async def unread_count(principal: CurrentPrincipal, service: NotificationsDep) -> UnreadCountOut:
    """The number the web front end shows on its bell."""
    return UnreadCountOut(unread=await service.inbox.unread_count(principal.user_id))


@router.post(
    "/notifications/{notification_id}/read",
    summary="Mark a notification read",
    response_model=NotificationOut,
    responses=problem_responses(401, 404),
    tags=["notifications"],
)
async def mark_read(
    notification_id: UUID, principal: CurrentPrincipal, service: NotificationsDep
) -> NotificationOut:
    """Mark one of my notifications read; marking it again changes nothing."""
    notification = await service.inbox.mark_read(principal.user_id, notification_id)
    return NotificationOut.of(notification)


@router.get(
    "/preferences",
    summary="My email preferences",
    response_model=PreferencesOut,
    responses=problem_responses(401),
    tags=["preferences"],
)
async def my_preferences(principal: CurrentPrincipal, service: NotificationsDep) -> PreferencesOut:
    """Which optional emails I get, and which are always sent."""
    return PreferencesOut.of(await service.preferences.of(principal.user_id))


@router.put(
    "/preferences",
    summary="Change my email preferences",
    response_model=PreferencesOut,
    responses=problem_responses(401, 422),
    tags=["preferences"],
)
async def change_preferences(
    body: PreferencesIn, principal: CurrentPrincipal, service: NotificationsDep
) -> PreferencesOut:
    """Switch optional emails on or off; transactional emails always go."""
    chosen = await service.preferences.change(
        principal.user_id, enrollment_emails=body.enrollment_emails
    )
    return PreferencesOut.of(chosen)


class Health(BaseModel):
    status: Literal["ok"] = "ok"
