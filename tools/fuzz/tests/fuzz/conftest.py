"""The fuzzing suite's stack: every fuzzed service and the api-gateway in front of them as real
processes on an isolated stack (`start_isolated_stack`, the one way every suite starts the
platform), real users from identity, seeded published courses, and one schemathesis campaign
over all of it; every request of the set-up and of the campaign goes through the gateway."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from edu.cli.dev import start_isolated_stack, workspace_members
from edu.fuzz.campaign import Campaign
from edu.fuzz.profiles import (
    PROFILE_VARIABLE,
    SEED_VARIABLE,
    Profile,
    UnknownProfile,
    profile_from_environment,
)
from edu.fuzz.runner import FuzzRun
from edu.fuzz.stack import FUZZ_ENVIRONMENT, GATEWAY, Stack, fuzzed_services, fuzzed_workers
from edu.infra.dev_services import declared_services, rust_service_crates
from edu.infra.dev_workers import declared_workers
from edu.infra.isolated_stack import stack_folder
from edu.testing import api_calls, journeys
from edu.testing.harness_client import HarnessClient, UnexpectedStatus
from edu.testing.journeys import Account, Course

PROFILE = pytest.StashKey[Profile]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("edu-fuzz")
    group.addoption("--fuzz-profile", help=f"pr (default) or nightly; also {PROFILE_VARIABLE}")
    group.addoption("--fuzz-seed", help=f"replay a run's seed; also {SEED_VARIABLE}")


def _settings(config: pytest.Config) -> dict[str, str]:
    chosen = dict(os.environ)
    for option, variable in (("fuzz_profile", PROFILE_VARIABLE), ("fuzz_seed", SEED_VARIABLE)):
        value = config.getoption(option, default=None)
        if value:
            chosen[variable] = str(value)
    return chosen


def pytest_configure(config: pytest.Config) -> None:
    # Drawn once per run (a nightly seed is random): the header and the runs use the same one.
    try:
        config.stash[PROFILE] = profile_from_environment(_settings(config))
    except UnknownProfile as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_report_header(config: pytest.Config) -> str:
    return f"edu-fuzz {config.stash[PROFILE].describe()}"


@pytest.fixture(scope="session")
def results_dir(pytestconfig: pytest.Config) -> Path:
    """$EDU_RESULTS_DIR (the layer runner's .edu/results/fuzz), else that same folder."""
    folder = Path(os.environ.get("EDU_RESULTS_DIR") or pytestconfig.rootpath / ".edu/results/fuzz")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def profile(pytestconfig: pytest.Config, results_dir: Path) -> Profile:
    chosen = pytestconfig.stash[PROFILE]
    (results_dir / "profile.txt").write_text(chosen.describe() + "\n")
    return chosen


@pytest.fixture(scope="session")
def stack(pytestconfig: pytest.Config, results_dir: Path) -> Iterator[Stack]:
    root = pytestconfig.rootpath
    members = workspace_members(root)
    declared = declared_services(root, [*members, *rust_service_crates(root)])
    fuzzed = [s.name for s in fuzzed_services(declared)]
    fuzzed += [w.name for w in fuzzed_workers(declared_workers(members))]
    assert GATEWAY in fuzzed, f"no {GATEWAY} declared under services/rs: nothing to fuzz through"
    logs = results_dir / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    with stack_folder("edu-fuzz-") as folder:
        # In a thread of its own: migrating runs event loops of its own.
        with ThreadPoolExecutor(max_workers=1) as pool:
            starting = pool.submit(
                start_isolated_stack, folder, root, only=fuzzed, extra_env=FUZZ_ENVIRONMENT
            )
            running = starting.result()
        with running:
            urls = {**running.service_urls, **running.worker_urls}
            yield Stack({name: urls[name] for name in fuzzed}, running.log_path)
        if (folder / "logs").is_dir():
            shutil.copytree(folder / "logs", logs, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def harness(stack: Stack) -> Iterator[HarnessClient]:
    """The set-up's client: real users and courses through the gateway, as every client makes
    them (the tokens are identity's own ES256 access tokens, checked by the gateway and by the
    services against its JWKS)."""
    with httpx.Client(timeout=10) as http:
        yield HarnessClient(dict.fromkeys(stack.services, stack.gateway), http)


def new_account(harness: HarnessClient, label: str, *, teacher: bool = False) -> Account:
    """A new account, logged in once; its long random password passes the password policy."""
    email = f"{label}-{secrets.token_hex(4)}@fuzz.example.org"
    password = f"fuzz-{secrets.token_urlsafe(18)}"
    return harness.run(journeys.new_account(email, password, teacher=teacher))


@pytest.fixture(scope="session")
def accounts(harness: HarnessClient) -> dict[str, Account]:
    """Two students and two teachers: peers, none may see another's objects."""
    return {
        "student": new_account(harness, "student"),
        "student-peer": new_account(harness, "student-peer"),
        "teacher": new_account(harness, "teacher", teacher=True),
        "teacher-peer": new_account(harness, "teacher-peer", teacher=True),
    }


@pytest.fixture(scope="session")
def published_courses(harness: HarnessClient) -> list[Course]:
    """Courses enrollment can enrol in: one of a single lesson (its completion certifies).

    Enrolment needs a course another service published, and links cannot cross OpenAPI
    documents: their ids go to enrollment's fuzzing as a schemathesis dictionary (the journey
    run covers the same chain with links). Their teacher is nobody the fuzzer signs in as, so
    course's fuzzing cannot unpublish them.
    """
    token = new_account(harness, "publisher", teacher=True).access_token
    return [seeded_course(harness, token, lessons) for lessons in (1, 2)]


def seeded_course(harness: HarnessClient, token: str, lessons: int) -> Course:
    draft = {"title": f"Fuzzing seed {secrets.token_hex(3)}", "summary": "Seeded by edu-fuzz."}
    parts = [
        {"title": f"Lesson {n + 1}", "body_markdown": "Read this.", "estimated_minutes": 5}
        for n in range(lessons)
    ]
    return harness.run(journeys.make_course(token, draft, parts))


@pytest.fixture(scope="session")
def rendered_certificates(harness: HarnessClient, accounts: dict[str, Account]) -> list[str]:
    """The fuzzing student's certificate of a fresh one-lesson course, once certificate-
    generator has rendered it from the events (ADR 0024): its code seeds that run."""
    publisher = new_account(harness, "certified-course", teacher=True).access_token
    course = seeded_course(harness, publisher, 1)
    student = accounts["student"].access_token
    deadline = time.monotonic() + 20
    while True:  # enrollment learns of the course from course.published, asynchronously
        try:
            enrolled = harness.run(journeys.enrol(student, course.id))
            break
        except UnexpectedStatus:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    done = harness.run(journeys.complete_lesson(student, enrolled.id, course.lesson_ids[0]))
    code = str(done.view["certificate_code"])
    pdf = f"/certificate-documents/{code}.pdf"
    url = harness.urls["certificate-generator"] + pdf  # the gateway, as every fuzz request
    headers = {"Authorization": f"Bearer {student}"}
    while (status := harness.http.get(url, headers=headers).status_code) != 200:
        assert status == 404, f"{pdf}: {status} while waiting for it to be rendered"
        assert time.monotonic() < deadline, f"{pdf} was not rendered within 20 s"
        time.sleep(0.1)
    return [code]


@pytest.fixture(scope="session")
def searchable_words(harness: HarnessClient, published_courses: list[Course]) -> list[str]:
    """The seeded courses' title words, once search has indexed them from course.published
    (ADR 0025: asynchronously, through the events): they seed half of search's `q`."""
    titles = [str(course.view["title"]) for course in published_courses]
    deadline = time.monotonic() + 20
    for course, title in zip(published_courses, titles, strict=True):
        query = urlencode({"q": title})
        while course.id not in {
            hit["course_id"] for hit in harness.send(api_calls.search(query)).json()["hits"]
        }:
            assert time.monotonic() < deadline, f"search did not index {title!r} within 20 s"
            time.sleep(0.1)
    return sorted({word for title in titles for word in title.split()} | set(titles))


@pytest.fixture(scope="session")
def held_items(harness: HarnessClient, accounts: dict[str, Account]) -> list[str]:
    """An item moderation held (ADR 0027: a sales phrase in a course title) in a course of
    the fuzzing teacher, once moderation has decided it from course.published: its id seeds
    half of moderation's item ids."""
    teacher = accounts["teacher"].access_token
    draft = {"title": f"Fuzzing held {secrets.token_hex(3)}, click here", "summary": "Held."}
    lesson = {"title": "Lesson 1", "body_markdown": "Read this.", "estimated_minutes": 5}
    harness.run(journeys.make_course(teacher, draft, [lesson]))
    deadline = time.monotonic() + 20
    while not (items := harness.send(api_calls.review_queue(teacher)).json()["items"]):
        assert time.monotonic() < deadline, "moderation held nothing within 20 s"
        time.sleep(0.1)
    return [str(item["id"]) for item in items]


@pytest.fixture(scope="session")
def qa_seeds(harness: HarnessClient, accounts: dict[str, Account]) -> dict[str, list[str]]:
    """A course the fuzzing student is enrolled in, with a question of theirs moderation
    allowed (issue 24: messaging learns the enrolment from events and shows a post once
    moderation allowed it): their ids seed half of messaging's course and question ids."""
    publisher = new_account(harness, "qa-course", teacher=True).access_token
    course = seeded_course(harness, publisher, 1)
    student = accounts["student"].access_token
    deadline = time.monotonic() + 20

    def until(call: api_calls.Call) -> dict[str, object]:
        while True:  # 403/404 until enrollment and messaging have heard of the course
            try:
                answer: dict[str, object] = harness.send(call).json()
                return answer
            except UnexpectedStatus:
                assert time.monotonic() < deadline, f"{call.op} not answered within 20 s"
                time.sleep(0.1)

    until(api_calls.enrol(student, course.id))
    asked = until(api_calls.ask_question(student, course.id, "Fuzzing: what is lesson 1 about?"))
    while not harness.send(api_calls.qa_history(student, course.id)).json()["posts"]:
        assert time.monotonic() < deadline, "moderation allowed nothing within 20 s"
        time.sleep(0.1)
    return {"course_ids": [course.id], "question_ids": [str(asked["id"])]}


@pytest.fixture(scope="session")
def video_seeds(harness: HarnessClient, accounts: dict[str, Account]) -> dict[str, list[str]]:
    """A course and lesson of the fuzzing teacher and an upload of theirs, completed (issue
    25): their ids seed half of video-processor's course, lesson and video ids, so declaring
    (201), reading the video (200) and its playback links (200) run, not only 403s and 404s.
    The bytes are no video: the transcoder fails it, which changes none of those answers."""
    teacher = accounts["teacher"].access_token
    course = seeded_course(harness, teacher, 1)
    data = b"Seeded by edu-fuzz: not a video."
    digest = hashlib.sha256(data).hexdigest()
    declare = api_calls.declare_video(teacher, course.id, course.lesson_ids[0], len(data), digest)
    video_id = str(harness.send(declare).json()["id"])
    harness.send(api_calls.send_video_chunk(teacher, video_id, 0, data, digest))
    harness.send(api_calls.complete_video(teacher, video_id))
    return {
        "course_ids": [course.id],
        "lesson_ids": list(course.lesson_ids),
        "video_ids": [video_id],
    }


def wanted_runs(items: list[pytest.Item]) -> tuple[list[str], bool]:
    """The services whose tests were collected, and whether the journey's was: `-k notifications`
    (what `edu affected` passes for a notifications change) runs that campaign only."""
    services: list[str] = []
    journey = False
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "service" in callspec.params:
            services.append(str(callspec.params["service"]))
        elif "journey" in item.name:
            journey = True
    return services, journey


@pytest.fixture(scope="session")
def fuzz_runs(
    request: pytest.FixtureRequest,
    stack: Stack,
    accounts: dict[str, Account],
    profile: Profile,
    results_dir: Path,
    published_courses: list[Course],
    rendered_certificates: list[str],
    searchable_words: list[str],
    held_items: list[str],
    qa_seeds: dict[str, list[str]],
    video_seeds: dict[str, list[str]],
) -> dict[str, FuzzRun]:
    """Every service's run and the journey's, side by side (the tests read their verdicts)."""
    campaign = Campaign(
        stack,
        accounts,
        profile,
        results_dir,
        published_courses,
        rendered_certificates,
        searchable_words,
        held_items,
        qa_seeds,
        video_seeds,
    )
    services, journey = wanted_runs(request.session.items)
    return campaign.run_all([s for s in stack.services if s in services], journey=journey)
