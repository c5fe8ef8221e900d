"""Confirmations after a form did its work (Post/Redirect/Get): the redirect carries a short
key in a cookie, the next page shows its sentence once and drops the cookie. Only known keys
are shown, so the cookie can never put text of its own on a page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from edu.web.bootstrap import WebContainer

FLASH_COOKIE = "edu_flash"
MESSAGES = {
    "signed-up": "Welcome! Your account is ready and you are signed in.",
    "enrolled": "You are enrolled in this course.",
    "paid": "Payment received: you are enrolled in this course.",
    "lesson-completed": "Lesson marked complete.",
    "course-completed": "You completed the course. Your certificate is ready.",
    "course-saved": "Course details saved.",
    "price-saved": "Price saved: students buy the course before they are enrolled.",
    "made-free": "The course is free again.",
    "lesson-added": "Lesson added.",
    "lesson-saved": "Lesson saved.",
    "lesson-deleted": "Lesson deleted.",
    "video-uploaded": "Video uploaded. It is being prepared for playback; the status is below.",
    "captions-added": "Captions saved: the lesson's video shows them to students.",
    "read": "Marked as read.",
    "preferences-saved": "Your email preferences are saved.",
    "question-sent": "Your question is sent. Others see it once moderation approves it.",
    "answer-sent": "Your answer is sent. Others see it once moderation approves it.",
}


def redirect_with(wired: WebContainer, path: str, key: str) -> RedirectResponse:
    """303 to ``path``; the page there confirms what was done with ``MESSAGES[key]``."""
    if key not in MESSAGES:  # pragma: no cover - a route naming an unknown key
        raise KeyError(key)
    response = RedirectResponse(path, status_code=303)
    response.set_cookie(
        FLASH_COOKIE,
        key,
        max_age=60,
        path="/",
        secure=wired.settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    return response


def pending(request: Request) -> str | None:
    """The confirmation this request's page should show, if any."""
    return MESSAGES.get(request.cookies.get(FLASH_COOKIE, ""))


def shown(request: Request, response: HTMLResponse) -> None:
    """The page showed (or ignored) the confirmation: it is not shown again."""
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")
