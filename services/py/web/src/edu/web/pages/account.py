"""Sign-up, log-in and log-out. Both forms show the services' messages next to the field."""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from edu.web.clients.errors import ProblemError, ServiceUnavailable
from edu.web.forms import FormErrors
from edu.web.pages import notifications
from edu.web.pages.deps import WebDep, checked_form
from edu.web.pages.flash import redirect_with
from edu.web.pages.rendering import render, safe_next, see_other
from edu.web.session import REFRESH_COOKIE, forget, remember
from edu.web.validation import PASSWORD, email_problem

router = APIRouter(dependencies=[Depends(checked_form)])
FIELDS = {"email": "email", "password": "password"}
TextField = Annotated[str, Form(max_length=4096)]


@router.get("/signup", response_class=HTMLResponse)
async def sign_up_form(request: Request, next: str = "") -> HTMLResponse:
    return await render(
        request,
        "signup.html",
        errors=FormErrors(),
        email="",
        teacher=False,
        next=safe_next(next, ""),
    )


@router.post("/signup", response_class=HTMLResponse)
async def sign_up(
    request: Request,
    wired: WebDep,
    email: TextField = "",
    password: TextField = "",
    teacher: TextField = "",
    next: TextField = "",
) -> Response:
    """Create the account, sign in with it, and go on (to the catalogue by default)."""
    errors = _sign_up_problems(email, password)
    if not errors:
        try:
            await wired.identity.sign_up(email.strip(), password, teacher=bool(teacher))
            remember(request, await wired.identity.log_in(email.strip(), password))
            return redirect_with(wired, safe_next(next, "/teach" if teacher else "/"), "signed-up")
        except ProblemError as problem:
            errors = FormErrors.from_problem(problem, FIELDS, conflict_field="email")
    return await render(
        request,
        "signup.html",
        status_code=422,
        errors=errors,
        email=email,
        teacher=bool(teacher),
        next=safe_next(next, ""),
    )


def _sign_up_problems(email: str, password: str) -> FormErrors:
    """Every field's problem at once, in identity's limits (it stops at the first kind)."""
    errors = FormErrors()
    if not email.strip():
        errors.add("email", "Enter your email address.")
    elif problem := email_problem(email):
        errors.add("email", problem)
    if not password:
        errors.add("password", "Choose a password.")
    elif problem := PASSWORD.check(password):
        errors.add("password", problem)
    return errors


@router.get("/login", response_class=HTMLResponse)
async def log_in_form(request: Request, next: str = "") -> HTMLResponse:
    return await render(
        request, "login.html", errors=FormErrors(), email="", next=safe_next(next, "")
    )


@router.post("/login", response_class=HTMLResponse)
async def log_in(
    request: Request,
    wired: WebDep,
    email: TextField = "",
    password: TextField = "",
    next: TextField = "",
) -> Response:
    """Sign in and return to where the visitor was going (My learning by default)."""
    errors = FormErrors()
    if not email.strip():
        errors.add("email", "Enter your email address.")
    if not password:
        errors.add("password", "Enter your password.")
    if not errors:
        try:
            remember(request, await wired.identity.log_in(email.strip(), password))
            return see_other(safe_next(next, "/learning"))
        except ProblemError as problem:
            errors = FormErrors.from_problem(problem, FIELDS)
    return await render(
        request, "login.html", status_code=422, errors=errors, email=email, next=safe_next(next, "")
    )


@router.post("/logout")
async def log_out(request: Request, wired: WebDep) -> RedirectResponse:
    """End the session here and at identity (its refresh-token family is revoked)."""
    refresh_token = request.cookies.get(REFRESH_COOKIE)
    if refresh_token:
        # The cookies go anyway: an unreachable identity only lets the refresh token expire.
        with contextlib.suppress(ServiceUnavailable, ProblemError):
            await wired.identity.log_out(refresh_token)
    forget(request)
    return see_other("/")


# The signed-in member's notifications and email preferences.
router.include_router(notifications.router)
