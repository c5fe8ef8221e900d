"""The seed's learning-event history (issue 21): what seeded students did on their lessons' pages.

It follows the enrolment plan, so the analytics agree with enrollment's records: a student who
completed a lesson opened it, sent heartbeats while reading or watching (a video lesson also
played its video) and finished it; after the last completed lesson some students opened the
next one and stopped part-way (a drop-off: heartbeats up to where they stopped, a paused video,
no ``lesson.finished``); a few completed lessons had an earlier visit that was abandoned the
same way; some students searched the catalogue for the course's subject before enrolling.

Deterministic like the rest of the plan: every draw comes from ``rng`` keyed by the student, so
the same student has the same history in every size and run. Times are offsets before
``until`` (the seed passes today's UTC midnight): the history covers the last
``HISTORY_DAYS`` days and never today, so the events are all in the past, and the event ids
(derived from the keys and the real ids, ``edu.seed.learning_events``) do not depend on the day,
so a later run claims nothing new.

Real clients send a heartbeat every few seconds; the seed keeps three per completed visit (a
third, two thirds and the end of the lesson) and one per third before a drop-off plus the
stopping point: the rollups (funnel, furthest and last position, drop-off) come out the same as
with every heartbeat, for a tenth of the events.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from edu.seed.factories import rng
from edu.seed.plan import SeedPlan
from edu.seed.specs import CourseSpec, EnrollmentSpec, LessonSpec

HISTORY_DAYS = 28
HEARTBEATS = (1 / 3, 2 / 3, 1.0)  # fractions of the lesson where a completed visit reports
SEARCH_SHARE = 0.3  # of enrolments, a catalogue search for the course's subject first
DROP_OFF_SHARE = 0.6  # of unfinished enrolments, the next lesson opened and left part-way
ABANDONED_FIRST_SHARE = 0.1  # of completed lessons, an earlier visit that stopped part-way
OPENING_SECONDS = 2  # from opening the page to the video playing or reading starting

OPENED = "lesson.opened"
HEARTBEAT = "lesson.heartbeat"
FINISHED = "lesson.finished"
SEARCHED = "search.performed"
PLAYED = "video.played"
PAUSED = "video.paused"


@dataclass(frozen=True)
class LearningEventSpec:
    """One learning event a seeded student sent.

    ``key`` is unique in the history and names the event for good (its id is derived from it and
    the student's real id); ``session`` names the page visit (event-ingestion wants one on every
    event, a search's too).
    """

    key: str
    type: str
    student_index: int
    occurred_at: datetime
    course_index: int | None = None
    lesson_position: int | None = None
    session: str = ""
    position: int | None = None  # seconds into the lesson (heartbeats, video events)
    duration: int = 0  # the video's length; 0 for a text lesson
    active: int = 0  # seconds of attention (heartbeats: since the last one; finished: in all)
    query: str = ""
    results: int = 0


def learning_history(plan: SeedPlan, until: datetime) -> tuple[LearningEventSpec, ...]:
    """Every learning event of ``plan``'s students with history, in each student's order."""
    courses = {course.index: course for course in plan.courses}
    matches = _search_results(plan.courses)
    every = plan.size.history_every
    history: list[LearningEventSpec] = []
    for student, group in groupby(plan.enrollments, key=lambda spec: spec.student_index):
        if student % every == 0:
            history += _student_history(student, list(group), courses, matches, until)
    return tuple(history)


def subject_of(course: CourseSpec) -> str:
    """What a student types to find ``course``: its subject, the part of the title before ':'."""
    return course.title.split(":", 1)[0]


def _search_results(courses: Iterable[CourseSpec]) -> dict[str, int]:
    found: dict[str, int] = {}
    for course in courses:
        if course.published:
            found[subject_of(course)] = found.get(subject_of(course), 0) + 1
    return found


def _student_history(
    student: int,
    enrolments: list[EnrollmentSpec],
    courses: dict[int, CourseSpec],
    matches: dict[str, int],
    until: datetime,
) -> list[LearningEventSpec]:
    pick = rng("student", student, "learning")
    events: list[LearningEventSpec] = []
    for enrolment in enrolments:
        course = courses[enrolment.course_index]
        started = until - timedelta(
            days=pick.randint(2, HISTORY_DAYS),
            hours=pick.randint(1, 16),
            minutes=pick.randint(0, 59),
        )
        events += _course_history(
            student, course, enrolment.lessons_done, started, until, pick, matches
        )
    return events


def _course_history(
    student: int,
    course: CourseSpec,
    done: int,
    started: datetime,
    until: datetime,
    pick: random.Random,
    matches: dict[str, int],
) -> Iterator[LearningEventSpec]:
    prefix = f"s{student}/c{course.index}"
    if pick.random() < SEARCH_SHARE:
        subject = subject_of(course)
        yield LearningEventSpec(
            f"{prefix}/search",
            SEARCHED,
            student,
            started - timedelta(minutes=pick.randint(1, 20)),
            session=f"{prefix}/search",  # a visit of the catalogue page
            query=subject.lower(),
            results=matches.get(subject, 0),
        )
    dropped = done < len(course.lessons) and pick.random() < DROP_OFF_SHARE
    visits = [(position, True) for position in range(done)]
    visits += [(done, False)] if dropped else []
    # The visits spread evenly from the enrolment to an hour before ``until``, a little jitter
    # each: at least two days for at most a dozen visits, so a slot outlasts the longest lesson.
    slot = (until - timedelta(hours=1) - started) / max(len(visits), 1)
    for number, (position, completes) in enumerate(visits):
        lesson = course.lessons[position]
        at = started + slot * number + timedelta(minutes=pick.randint(0, 20))
        session = f"{prefix}/l{position}"
        if completes and pick.random() < ABANDONED_FIRST_SHARE:
            # Left part-way first, back an hour or two later to finish (inside the same slot).
            yield from _visit(student, course, position, lesson, f"{session}/v0", at, pick, False)
            at += timedelta(hours=pick.randint(1, 2))
        yield from _visit(student, course, position, lesson, f"{session}/v1", at, pick, completes)


def _visit(
    student: int,
    course: CourseSpec,
    lesson_position: int,
    lesson: LessonSpec,
    session: str,
    at: datetime,
    pick: random.Random,
    completes: bool,
) -> Iterator[LearningEventSpec]:
    length = lesson.estimated_minutes * 60
    video = lesson.video_url is not None
    duration = length if video else 0
    stop = length if completes else int(length * pick.uniform(0.05, 0.9))
    seq = 0

    def event(
        kind: str, offset: int, *, position: int | None = None, duration: int = 0, active: int = 0
    ) -> LearningEventSpec:
        nonlocal seq
        seq += 1
        return LearningEventSpec(
            f"{session}/{seq}",
            kind,
            student,
            at + timedelta(seconds=offset),
            course_index=course.index,
            lesson_position=lesson_position,
            session=session,
            position=position,
            duration=duration,
            active=active,
        )

    yield event(OPENED, 0)
    if video:
        yield event(PLAYED, OPENING_SECONDS, position=0)
    reported = [int(length * share) for share in HEARTBEATS if int(length * share) < stop]
    reported += [stop]
    last = 0
    for reached in reported:
        yield event(
            HEARTBEAT,
            OPENING_SECONDS + reached,
            position=reached,
            duration=duration,
            active=reached - last,
        )
        last = reached
    if completes:
        yield event(FINISHED, OPENING_SECONDS + length + 1, active=length)
    elif video:
        yield event(PAUSED, OPENING_SECONDS + stop + 1, position=stop)
