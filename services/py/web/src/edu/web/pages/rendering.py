"""Turning a template and its data into a page: the header's visitor, unread count and the
form token are added to every page here, so no route can forget them."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from edu.web import validation
from edu.web.bootstrap import WebContainer
from edu.web.clients.errors import ProblemError, ServiceUnavailable
from edu.web.csrf import session_of
from edu.web.forms import FormErrors
from edu.web.highlights import highlighted
from edu.web.lesson_markdown import render_lesson
from edu.web.pages import flash
from edu.web.pages.deps import visitor, web
from edu.web.session import Visitor

logger = logging.getLogger("edu.web")

TEMPLATES = Jinja2Templates(directory=Path(__file__).parents[1] / "templates")
TEMPLATES.env.filters["markdown"] = render_lesson
TEMPLATES.env.filters["highlighted"] = highlighted  # search's <b> marks, made safe
# The services' limits, for the inputs' HTML constraints: limits.title, limits.email, ...
TEMPLATES.env.globals["limits"] = validation.FIELDS
TEMPLATES.env.globals["no_errors"] = FormErrors()  # for a form shown before anything was sent
TEMPLATES.env.filters["day"] = lambda when: (
    when.strftime("%-d %B %Y") if isinstance(when, date) else ""
)


async def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    wired = web(request)
    who = await visitor(request, wired)
    unread = await _unread(wired, who)
    context = {"flash": flash.pending(request), **context}
    response = _response(request, wired, who, template, status_code, unread, context)
    flash.shown(request, response)
    return response


def render_plain(
    request: Request, template: str, *, status_code: int, **context: Any
) -> HTMLResponse:
    """For error pages: no service call, so a page about an outage never needs the outage."""
    who = getattr(request.state, "visitor", None) or Visitor()
    return _response(request, web(request), who, template, status_code, None, context)


def _response(
    request: Request,
    wired: WebContainer,
    who: Visitor,
    template: str,
    status_code: int,
    unread: int | None,
    context: dict[str, Any],
) -> HTMLResponse:
    nonce = getattr(request.state, "csrf_nonce", "")
    return TEMPLATES.TemplateResponse(
        request,
        template,
        status_code=status_code,
        context={
            "visitor": who,
            "unread": unread,
            "csrf_token": wired.csrf.token_for(nonce, session_of(who.principal)),
            **context,
        },
    )


async def _unread(wired: WebContainer, who: Visitor) -> int | None:
    """The header's unread count; a notifications outage hides it instead of failing the page."""
    if not who.signed_in or who.token is None:
        return None
    try:
        return await wired.notifications.unread_count(who.token)
    except (ServiceUnavailable, ProblemError) as exc:
        logger.info("unread count unavailable: %s", exc)
        return None


def see_other(path: str) -> RedirectResponse:
    """After a successful post: the browser GETs the next page (no re-post on reload)."""
    return RedirectResponse(path, status_code=303)


def safe_next(candidate: str | None, default: str) -> str:
    """Only a path on this site: never ``//evil.example`` or a backslash trick (open redirect)."""
    if (
        not candidate
        or not candidate.startswith("/")
        or candidate.startswith(("//", "/\\"))
        or any(ch in candidate for ch in "\\\r\n\t")
    ):
        return default
    return candidate
