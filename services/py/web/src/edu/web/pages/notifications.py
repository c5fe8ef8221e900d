"""The signed-in user's notifications (newest first, mark read) and email preferences."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from edu.web.pages.catalogue import page_number
from edu.web.pages.deps import SignedInDep, WebDep
from edu.web.pages.flash import redirect_with
from edu.web.pages.rendering import render

# Included by the account pages' router (edu.web.pages.account, its forms checked there).
router = APIRouter()
PAGE_SIZE = 20
MAX_OFFSET = 100_000  # notifications' own bound on offset


@router.get("/notifications", response_class=HTMLResponse)
async def notifications(
    request: Request, wired: WebDep, who: SignedInDep, page: str = "1"
) -> HTMLResponse:
    """Every notification, newest first, unread ones marked and each can be marked read."""
    at = min(page_number(page), MAX_OFFSET // PAGE_SIZE)
    found = await wired.notifications.notifications(
        who.token, limit=PAGE_SIZE, offset=(at - 1) * PAGE_SIZE
    )
    pages = max(1, -(-found.total // PAGE_SIZE))
    return await render(request, "notifications.html", found=found, page=at, pages=pages)


@router.post("/notifications/{notification_id}/read")
async def mark_read(
    notification_id: UUID,
    wired: WebDep,
    who: SignedInDep,
    page: Annotated[str, Form(max_length=8)] = "1",
) -> RedirectResponse:
    """Mark one notification read and come back to the same page of the list."""
    await wired.notifications.mark_read(who.token, notification_id)
    return redirect_with(wired, f"/notifications?page={page_number(page)}", "read")


@router.get("/preferences", response_class=HTMLResponse)
async def preferences(request: Request, wired: WebDep, who: SignedInDep) -> HTMLResponse:
    """Which emails to receive (welcome and certificate emails are always sent)."""
    chosen = await wired.notifications.preferences(who.token)
    return await render(request, "preferences.html", preferences=chosen)


@router.post("/preferences")
async def save_preferences(
    wired: WebDep,
    who: SignedInDep,
    enrollment_emails: Annotated[str, Form(max_length=8)] = "",
) -> RedirectResponse:
    """An unticked checkbox sends nothing: no value means "off"."""
    await wired.notifications.set_preferences(who.token, enrollment_emails=bool(enrollment_emails))
    return redirect_with(wired, "/preferences", "preferences-saved")
