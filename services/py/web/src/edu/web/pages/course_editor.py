"""One course in its teacher's hands: its details, its price, its lessons (add, edit, delete,
move up and down) and publishing."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from edu.web.clients.errors import ProblemError
from edu.web.clients.models import CourseDraft, Price
from edu.web.forms import FormErrors
from edu.web.pages import course_analytics, course_attention, lesson_captions, lesson_videos
from edu.web.pages.course_forms import (
    LEVELS,
    TextField,
    course_draft,
    course_problem,
    lesson_draft,
    lesson_entered,
    lesson_problem,
)
from edu.web.pages.deps import TeacherDep, WebDep
from edu.web.pages.flash import redirect_with
from edu.web.pages.rendering import render, see_other

# Included by the dashboard's router (edu.web.pages.teaching: /teach, its forms checked there).
router = APIRouter(prefix="/courses/{course_id}")
router.include_router(course_analytics.router)
router.include_router(course_attention.router)


async def _editor(
    request: Request,
    wired: WebDep,
    who: TeacherDep,
    course_id: UUID,
    *,
    errors: FormErrors | None = None,
    lesson: dict[str, str] | None = None,
    details: CourseDraft | None = None,
    details_errors: FormErrors | None = None,
    price: dict[str, str] | None = None,
    price_errors: FormErrors | None = None,
) -> HTMLResponse:
    course = await wired.course.teaching_course(who.token, course_id)
    failed = bool(errors or details_errors or price_errors)
    return await render(
        request,
        "course_editor.html",
        status_code=422 if failed else 200,
        course=course,
        errors=errors or FormErrors(),
        lesson=lesson or {},
        draft=details
        or CourseDraft(**course.model_dump(include={"title", "summary", "level", "tags"})),
        details_errors=details_errors or FormErrors(),
        levels=LEVELS,
        currencies=CURRENCIES,
        price=price or _price_entered(course.price),
        price_errors=price_errors or FormErrors(),
    )


# The currencies course takes (its CurrencyCode), in the order the form offers them.
CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "PLN", "UAH", "JPY")
NO_MINOR_UNITS = {"JPY"}
AMOUNT = re.compile(r"^\d{1,9}([.,]\d{1,2})?$")


def _price_entered(price: Price | None) -> dict[str, str]:
    if price is None:
        return {"currency": "EUR", "amount": ""}
    amount = price.display.split(" ")[0]
    return {"currency": price.currency_code, "amount": amount}


def parse_amount(text: str, currency: str) -> tuple[int | None, str | None]:
    """``49.90`` EUR -> 4990 minor units; the problem in words when it is not an amount."""
    entered = text.strip().replace(" ", "")
    if not entered:
        return None, "Enter the price, e.g. 49.00 (or make the course free)."
    if not AMOUNT.match(entered):
        return None, "Write the price as a number with at most two decimals, e.g. 49.90."
    whole, _, cents = entered.replace(",", ".").partition(".")
    if currency in NO_MINOR_UNITS:
        if cents.strip("0"):
            return None, f"{currency} has no cents: write a whole number, e.g. 4900."
        minor = int(whole)
    else:
        minor = int(whole) * 100 + int(cents.ljust(2, "0") or 0)
    if not 1 <= minor <= 100_000_000:
        return None, "The price must be more than 0 and at most 1,000,000.00."
    return minor, None


@router.get("", response_class=HTMLResponse)
async def course_editor(
    request: Request, course_id: UUID, wired: WebDep, who: TeacherDep
) -> HTMLResponse:
    """The course's details, its lessons in order (edit, move up / down), a new lesson, publish."""
    return await _editor(request, wired, who, course_id)


@router.post("", response_class=HTMLResponse)
async def save_details(
    request: Request,
    course_id: UUID,
    wired: WebDep,
    who: TeacherDep,
    title: TextField = "",
    summary: TextField = "",
    level: TextField = "beginner",
    tags: TextField = "",
) -> Response:
    """Change the title, summary, level and tags."""
    draft, errors = course_draft(title, summary, level, tags)
    if not errors:
        try:
            await wired.course.update_course(who.token, course_id, draft)
        except ProblemError as problem:
            if problem.status not in (409, 422):
                raise
            errors = course_problem(problem, draft)
        else:
            return redirect_with(wired, f"/teach/courses/{course_id}", "course-saved")
    return await _editor(request, wired, who, course_id, details=draft, details_errors=errors)


@router.post("/price", response_class=HTMLResponse)
async def save_price(
    request: Request,
    course_id: UUID,
    wired: WebDep,
    who: TeacherDep,
    currency: TextField = "EUR",
    amount: TextField = "",
) -> Response:
    """Put a price on the course: students buy it before they are enrolled."""
    errors = FormErrors()
    if currency not in CURRENCIES:
        errors.add("currency", "Choose one of the currencies listed.")
    minor, problem = parse_amount(amount, currency)
    if problem:
        errors.add("amount", problem)
    if not errors and minor is not None:
        try:
            await wired.course.price_course(who.token, course_id, currency, minor)
        except ProblemError as refused:
            if refused.status not in (409, 422):
                raise
            errors.add("amount", refused.detail or "course refused this price.")
        else:
            return redirect_with(wired, f"/teach/courses/{course_id}", "price-saved")
    entered = {"currency": currency, "amount": amount}
    return await _editor(request, wired, who, course_id, price=entered, price_errors=errors)


@router.post("/price/free")
async def make_free(course_id: UUID, wired: WebDep, who: TeacherDep) -> Response:
    """Take the price off: enrolling is free again (paid enrolments stay)."""
    await wired.course.make_free(who.token, course_id)
    return redirect_with(wired, f"/teach/courses/{course_id}", "made-free")


@router.post("/lessons", response_class=HTMLResponse)
async def add_lesson(
    request: Request,
    course_id: UUID,
    wired: WebDep,
    who: TeacherDep,
    lesson_title: TextField = "",
    body: TextField = "",
    minutes: TextField = "10",
    video_url: TextField = "",
) -> Response:
    """Append a lesson at the end of the course."""
    entered = lesson_entered(lesson_title, body, minutes, video_url)
    draft, errors = lesson_draft(entered)
    if draft is not None:
        try:
            await wired.course.add_lesson(who.token, course_id, draft)
        except ProblemError as problem:
            errors = lesson_problem(problem)
        else:
            return redirect_with(wired, f"/teach/courses/{course_id}#lessons", "lesson-added")
    return await _editor(request, wired, who, course_id, errors=errors, lesson=entered)


@router.get("/lessons/{lesson_id}", response_class=HTMLResponse)
async def lesson_editor(
    request: Request, course_id: UUID, lesson_id: UUID, wired: WebDep, who: TeacherDep
) -> HTMLResponse:
    """One lesson's form, and deleting it."""
    return await _lesson_form(request, wired, who, course_id, lesson_id)


async def _lesson_form(
    request: Request,
    wired: WebDep,
    who: TeacherDep,
    course_id: UUID,
    lesson_id: UUID,
    *,
    entered: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    video_errors: FormErrors | None = None,
    captions_errors: FormErrors | None = None,
    captions_entered: dict[str, str] | None = None,
) -> HTMLResponse:
    course = await wired.course.teaching_course(who.token, course_id)
    found = next((x for x in course.lessons if x.id == lesson_id), None)
    if found is None:
        raise ProblemError(404, "Not found", "This course has no lesson with that id.")
    if entered is None:
        entered = lesson_entered(
            found.title, found.body_markdown, str(found.estimated_minutes), found.video_url or ""
        )
    return await render(
        request,
        "lesson_editor.html",
        status_code=422 if errors or video_errors or captions_errors else 200,
        course=course,
        lesson_id=lesson_id,
        lesson=entered,
        errors=errors or FormErrors(),
        video=await lesson_videos.status_for(wired, who.token, found.video_url),
        video_errors=video_errors or FormErrors(),
        captions=await lesson_captions.captions_for(wired, who.token, found.video_url),
        captions_errors=captions_errors or FormErrors(),
        captions_entered=captions_entered or {"language": "", "label": ""},
    )


@router.post("/lessons/{lesson_id}/video", response_class=HTMLResponse)
async def upload_video(
    request: Request,
    course_id: UUID,
    lesson_id: UUID,
    wired: WebDep,
    who: TeacherDep,
    video: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Upload the lesson's video; its edit page then shows the transcoding progress."""
    refused = await lesson_videos.upload(wired, who, course_id, lesson_id, video)
    if refused:
        return await _lesson_form(request, wired, who, course_id, lesson_id, video_errors=refused)
    return redirect_with(wired, f"/teach/courses/{course_id}/lessons/{lesson_id}", "video-uploaded")


@router.post("/lessons/{lesson_id}/video/captions", response_class=HTMLResponse)
async def add_captions(
    request: Request,
    course_id: UUID,
    lesson_id: UUID,
    wired: WebDep,
    who: TeacherDep,
    language: TextField = "",
    label: TextField = "",
    captions: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Add (or replace) a WebVTT caption track of the lesson's video for one language."""
    refused = await lesson_captions.add_captions(
        wired, who, course_id, lesson_id, language, label, captions
    )
    if refused:
        entered = {"language": language, "label": label}
        return await _lesson_form(
            request,
            wired,
            who,
            course_id,
            lesson_id,
            captions_errors=refused,
            captions_entered=entered,
        )
    return redirect_with(wired, f"/teach/courses/{course_id}/lessons/{lesson_id}", "captions-added")


@router.post("/lessons/{lesson_id}", response_class=HTMLResponse)
async def save_lesson(
    request: Request,
    course_id: UUID,
    lesson_id: UUID,
    wired: WebDep,
    who: TeacherDep,
    lesson_title: TextField = "",
    body: TextField = "",
    minutes: TextField = "10",
    video_url: TextField = "",
) -> Response:
    """Change a lesson's title, text, minutes and video link."""
    entered = lesson_entered(lesson_title, body, minutes, video_url)
    draft, errors = lesson_draft(entered)
    if draft is not None:
        try:
            await wired.course.update_lesson(who.token, course_id, lesson_id, draft)
        except ProblemError as problem:
            if problem.status not in (409, 422):
                raise
            errors = lesson_problem(problem)
        else:
            return redirect_with(wired, f"/teach/courses/{course_id}#lessons", "lesson-saved")
    return await _lesson_form(
        request, wired, who, course_id, lesson_id, entered=entered, errors=errors
    )


@router.post("/lessons/{lesson_id}/delete", response_class=HTMLResponse)
async def delete_lesson(
    request: Request, course_id: UUID, lesson_id: UUID, wired: WebDep, who: TeacherDep
) -> Response:
    """Remove a lesson (a published course keeps at least one)."""
    try:
        await wired.course.delete_lesson(who.token, course_id, lesson_id)
    except ProblemError as problem:
        if problem.status != 409:
            raise
        refused = FormErrors(general=[problem.message])
        return await _lesson_form(request, wired, who, course_id, lesson_id, errors=refused)
    return redirect_with(wired, f"/teach/courses/{course_id}#lessons", "lesson-deleted")


@router.post("/lessons/{lesson_id}/move")
async def move_lesson(
    course_id: UUID,
    lesson_id: UUID,
    wired: WebDep,
    who: TeacherDep,
    direction: Annotated[Literal["up", "down"], Form()] = "up",
) -> Response:
    """Swap the lesson with its neighbour above or below."""
    course = await wired.course.teaching_course(who.token, course_id)
    order = [lesson.id for lesson in course.lessons]
    if lesson_id in order:
        at = order.index(lesson_id)
        other = at - 1 if direction == "up" else at + 1
        if 0 <= other < len(order):
            order[at], order[other] = order[other], order[at]
            await wired.course.reorder_lessons(who.token, course_id, order)
    return see_other(f"/teach/courses/{course_id}#lessons")


@router.post("/publish", response_class=HTMLResponse)
async def publish(request: Request, course_id: UUID, wired: WebDep, who: TeacherDep) -> Response:
    """Open the course to the catalogue (it needs a lesson first)."""
    try:
        await wired.course.publish(who.token, course_id)
    except ProblemError as problem:
        if problem.status != 409:
            raise
        return await _editor(
            request, wired, who, course_id, errors=FormErrors(general=[problem.message])
        )
    return see_other(f"/teach/courses/{course_id}")


@router.post("/unpublish")
async def unpublish(course_id: UUID, wired: WebDep, who: TeacherDep) -> Response:
    """Take the course out of the catalogue; enrolled students keep their place."""
    await wired.course.unpublish(who.token, course_id)
    return see_other(f"/teach/courses/{course_id}")
