"""The catalogue with search, a course's page with its outline, and enrolling.

Browsing (no words, no filter) lists course's catalogue; words or a level/tag filter go to the
search service (ADR 0025: typos forgiven, highlights, level and tag facets). When search does not
answer, course's own word search answers instead and the page says so: a slower, plainer
search beats an error page."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from edu.web.bootstrap import WebContainer
from edu.web.clients.errors import ProblemError, ServiceUnavailable
from edu.web.clients.models import SearchFacets, SearchHit, SearchResults
from edu.web.forms import FormErrors
from edu.web.pages import qa, verify
from edu.web.pages.deps import SignedInDep, VisitorDep, WebDep, checked_form
from edu.web.pages.flash import redirect_with
from edu.web.pages.home_feed import home_section
from edu.web.pages.progress import enrollment_in, resume_at
from edu.web.pages.rendering import render
from edu.web.validation import SEARCH

router = APIRouter(dependencies=[Depends(checked_form)])
PAGE_SIZE = 12
MAX_PAGE = 10_000  # course's own bound on page
MAX_SEARCH_PAGE = 10_000 // PAGE_SIZE + 1  # search skips at most 10,000 hits
FACET_CHOICES = 12  # the most common tags offered as filters
SEARCH_FALLBACK = (
    "Our search is not answering right now, so these results come from a simpler search: "
    "check your spelling, and try again in a minute for the best matches."
)


@dataclass(frozen=True)
class SearchPage:
    """One page of search's hits, paged as the catalogue pages (``found`` in the template)."""

    items: tuple[SearchHit, ...]
    total: int
    page: int
    facets: SearchFacets

    @classmethod
    def of(cls, results: SearchResults, page: int) -> SearchPage:
        return cls(results.hits, results.total, page, results.facets)

    @property
    def pages(self) -> int:
        return min(max(1, -(-self.total // PAGE_SIZE)), MAX_SEARCH_PAGE)


@router.get("/", response_class=HTMLResponse)
async def catalogue(
    request: Request,
    wired: WebDep,
    who: VisitorDep,
    q: str = "",
    page: int | str = 1,
    level: str = "",
    tag: str = "",
) -> Response:
    """Published courses; with ``q`` (or a level or tag), those search finds, best match
    first. A page out of range goes to the nearest one; a search that cannot be made is
    explained at the field; search not answering falls back to course's word search."""
    text = q.replace("\x00", "").strip()
    level, tag = level.replace("\x00", "").strip(), tag.replace("\x00", "").strip()
    links = Links(text, level, tag)
    if problem := SEARCH.check(text):
        errors = FormErrors()
        errors.add("q", problem)
        return await render(
            request,
            "catalogue.html",
            status_code=422,
            q=text,
            found=None,
            errors=errors,
            links=links,
        )
    asked = page_number(str(page))
    if text or level or tag:
        return await _search(request, wired, links, min(asked, MAX_SEARCH_PAGE))
    found = await wired.course.browse(None, page=asked, page_size=PAGE_SIZE)
    if asked > found.pages:
        return RedirectResponse(links.page(found.pages), status_code=302)
    # The home page: a signed-in student's feed above the catalogue's first page (issue 23).
    home = await home_section(wired, who) if asked == 1 else None
    return await render(
        request, "catalogue.html", q=text, found=found, errors=FormErrors(), links=links, home=home
    )


async def _search(request: Request, wired: WebContainer, links: Links, asked: int) -> Response:
    try:
        results = await wired.search.search(
            links.text or None,
            level=links.level or None,
            tag=links.tag or None,
            limit=PAGE_SIZE,
            offset=(asked - 1) * PAGE_SIZE,
        )
    except ServiceUnavailable:
        fallback = await wired.course.browse(links.text or None, page=asked, page_size=PAGE_SIZE)
        if asked > fallback.pages:
            return RedirectResponse(links.page(fallback.pages), status_code=302)
        return await render(
            request,
            "catalogue.html",
            q=links.text,
            found=fallback,
            errors=FormErrors(),
            links=links,
            notice=SEARCH_FALLBACK,
        )
    except ProblemError as problem:
        if problem.status != 422:
            raise
        errors = FormErrors()
        for name, messages in problem.field_errors.items():
            for message in messages:
                errors.add("q", message if name == "q" else f"The {name} filter: {message}.")
        if not problem.field_errors:
            errors.add("q", problem.message)
        return await render(
            request,
            "catalogue.html",
            status_code=422,
            q=links.text,
            found=None,
            errors=errors,
            links=links,
        )
    found = SearchPage.of(results, asked)
    if asked > found.pages:
        return RedirectResponse(links.page(found.pages), status_code=302)
    return await render(
        request, "catalogue.html", q=links.text, found=found, errors=FormErrors(), links=links
    )


@dataclass(frozen=True)
class Links:
    """The catalogue's own links for the current search: pages, and each facet's choices."""

    text: str
    level: str = ""
    tag: str = ""

    def page(self, page: int) -> str:
        return catalogue_url(self.text, page, level=self.level, tag=self.tag)

    def with_level(self, level: str) -> str:
        return catalogue_url(self.text, 1, level=level, tag=self.tag)

    def with_tag(self, tag: str) -> str:
        return catalogue_url(self.text, 1, level=self.level, tag=tag)

    @staticmethod
    def top(counts: dict[str, int]) -> list[tuple[str, int]]:
        """The choices most courses have, most first (ties by name), at most FACET_CHOICES."""
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [(name, count) for name, count in ranked if count > 0][:FACET_CHOICES]


def page_number(asked: str) -> int:
    """The page asked for, within what course serves (anything not a number is page 1)."""
    text = asked.strip()
    return min(max(int(text), 1), MAX_PAGE) if text.isdigit() and len(text) < 7 else 1


def catalogue_url(text: str, page: int, *, level: str = "", tag: str = "") -> str:
    chosen = {"q": text, "level": level, "tag": tag}
    query = {name: value for name, value in chosen.items() if value}
    return "/?" + urlencode({**query, "page": str(page)})


@router.get("/courses/{course_id}", response_class=HTMLResponse)
async def course_page(
    request: Request, course_id: UUID, wired: WebDep, who: VisitorDep
) -> HTMLResponse:
    """A course's summary and lesson outline; Enrol, or the visitor's progress in it; its Q&A."""
    course = await wired.course.course(course_id)
    enrollment = await enrollment_in(wired, who, course_id)
    return await render(
        request,
        "course.html",
        course=course,
        enrollment=enrollment,
        teaching=who.teaches(course.teacher_id),
        resume=resume_at(course, enrollment),
        qa=await qa.panel(
            wired, who, course, back=f"/courses/{course_id}", enrolled=enrollment is not None
        ),
    )


@router.post("/courses/{course_id}/enrol")
async def enrol(course_id: UUID, wired: WebDep, who: SignedInDep) -> RedirectResponse:
    """Enrol and start at the first lesson not done yet (enrolling again changes nothing)."""
    enrollment = await wired.enrollment.enrol(who.token, course_id)
    course = await wired.course.course(course_id)
    start = resume_at(course, enrollment)
    if start is None:
        return redirect_with(wired, f"/courses/{course_id}", "enrolled")
    return redirect_with(wired, f"/courses/{course_id}/lessons/{start.id}", "enrolled")


# Checking a certificate by its code: public, like the catalogue.
router.include_router(verify.router)
