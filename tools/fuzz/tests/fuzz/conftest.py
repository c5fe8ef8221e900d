"""The fuzzing suite's stack: every HTTP service as a real process on the run's backends (the
edu.testing plugin's PostgreSQL, NATS and Redis), real users from identity, seeded published
courses, and one schemathesis campaign over all of it."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from edu.fuzz.accounts import Account, sign_up_and_log_in
from edu.fuzz.campaign import Campaign
from edu.fuzz.profiles import (
    PROFILE_VARIABLE,
    SEED_VARIABLE,
    Profile,
    UnknownProfile,
    profile_from_environment,
)
from edu.fuzz.runner import FuzzRun
from edu.fuzz.seeds import PublishedCourse, publish_course
from edu.fuzz.stack import Backends, Stack, fuzzed_services, plan_stack
from edu.testing.database_fixtures import PostgresServer
from edu.testing.run_context import run_in_thread
from edu.testing.template_databases import clone_from_template, drop_database

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
def stack(
    pytestconfig: pytest.Config,
    postgres_server: PostgresServer,
    nats_url: str,
    redis_url: str,
    results_dir: Path,
) -> Iterator[Stack]:
    services = fuzzed_services(pytestconfig.rootpath)
    token = secrets.token_hex(3)
    databases = {s.name: f"edu_fuzz_{token}_{s.name}" for s in services}
    admin = postgres_server.url("postgres")
    for service in services:
        assert service.migrations is not None, f"{service.name} declares no migrations"
        run_in_thread(clone_from_template(admin, service.migrations, databases[service.name]))
    logs = results_dir / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    backends = Backends(postgres_server.url, nats_url, redis_url, f"fuzz{token}:")
    running = plan_stack(services, backends, databases, logs)
    running.start()
    try:
        yield running
    finally:
        running.stop()
        for name in databases.values():
            run_in_thread(drop_database(admin, name))


@pytest.fixture(scope="session")
def accounts(stack: Stack) -> dict[str, Account]:
    """Two students and two teachers: peers, none may see another's objects."""
    identity = stack.url("identity")
    return {
        "student": sign_up_and_log_in(identity, label="student"),
        "student-peer": sign_up_and_log_in(identity, label="student-peer"),
        "teacher": sign_up_and_log_in(identity, label="teacher", teacher=True),
        "teacher-peer": sign_up_and_log_in(identity, label="teacher-peer", teacher=True),
    }


@pytest.fixture(scope="session")
def published_courses(stack: Stack) -> list[PublishedCourse]:
    """Courses enrollment can enrol in: one of a single lesson (its completion certifies).

    Their teacher is nobody the fuzzer signs in as, so course's fuzzing cannot unpublish them.
    """
    publisher = sign_up_and_log_in(stack.url("identity"), label="publisher", teacher=True)
    return [publish_course(stack.url("course"), publisher, lessons=n) for n in (1, 2)]


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
    published_courses: list[PublishedCourse],
) -> dict[str, FuzzRun]:
    """Every service's run and the journey's, side by side (the tests read their verdicts)."""
    campaign = Campaign(stack, accounts, profile, results_dir, published_courses)
    services, journey = wanted_runs(request.session.items)
    return campaign.run_all([s for s in stack.services if s in services], journey=journey)
