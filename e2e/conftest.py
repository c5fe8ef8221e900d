"""The E2E suite's stack and browser.

One session fixture starts the whole platform on free ports (its own embedded PostgreSQL,
NATS, Redis and mail sink; every service and worker) through the same code as `just dev`
(``edu.cli.dev.start_isolated_stack``), so a running `just dev` is never touched. Playwright
drives Debian's Chromium (``/usr/bin/chromium``; `playwright install` is never needed).
Each test makes its own accounts and courses, through the public APIs or the pages.

Headed, for local debugging: ``just test-e2e --headed --slowmo 300``. On a failure, the
screenshot and the Playwright trace (`playwright show-trace trace.zip`) land in
``$EDU_RESULTS_DIR/artifacts`` (``.edu/results/e2e/``), with every service's log beside them.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from edu.cli.dev import start_isolated_stack
from edu.infra.isolated_stack import IsolatedStack, stack_folder
from edu.mailsink.store import MailStore, ReceivedMail
from edu.testing import api_calls, journeys
from edu.testing.harness_client import HarnessClient

CHROMIUM = Path(os.environ.get("EDU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "violet-kettle-orbit-9"


def results_dir() -> Path:
    return Path(os.environ.get("EDU_RESULTS_DIR", ".edu/results/e2e"))


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright writes failure screenshots and traces under --output.
    if getattr(config.option, "output", None) in (None, "test-results"):
        config.option.output = str(results_dir() / "artifacts")


@pytest.fixture(scope="session")
def stack() -> Iterator[IsolatedStack]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (Debian's "
            "build; `playwright install` is not used), or set EDU_CHROMIUM",
            pytrace=False,
        )
    with stack_folder("edu-e2e-") as folder:
        yield from _stack_in(folder)


def _stack_in(folder: Path) -> Iterator[IsolatedStack]:
    # Started in a thread of its own: migrating runs event loops, and Playwright's sync API
    # may already have one running in this thread. A short service timeout lets an outage
    # turn into the friendly page quickly.
    with ThreadPoolExecutor(max_workers=1) as pool:
        starting = pool.submit(start_isolated_stack, folder, extra_env={"EDU_SERVICE_TIMEOUT": "2"})
        running = starting.result()
    with running:
        yield running
    logs = folder / "logs"
    if logs.is_dir():
        shutil.copytree(logs, results_dir() / "stack-logs", dirs_exist_ok=True)


@pytest.fixture(scope="session")
def web_url(stack: IsolatedStack) -> str:
    return stack.service_urls["web"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], web_url: str) -> dict[str, Any]:
    return {**browser_context_args, "base_url": web_url, "viewport": {"width": 1100, "height": 800}}


@pytest.fixture(scope="session")
def api(stack: IsolatedStack) -> Iterator[HarnessClient]:
    """The harness client, for making test data through the services' public APIs."""
    with httpx.Client(timeout=10) as http:
        yield HarnessClient(stack.service_urls, http)


NewAccount = Callable[..., tuple[str, str]]


@pytest.fixture
def new_account(api: HarnessClient) -> NewAccount:
    """An account made through identity's API: (email, access token)."""

    def make(role: str = "student", *, teacher: bool = False) -> tuple[str, str]:
        email = f"{role}-{uuid.uuid4().hex[:10]}@example.org"
        account = api.run(journeys.new_account(email, PASSWORD, teacher=teacher))
        return email, account.access_token

    return make


PublishedCourse = Callable[..., dict[str, Any]]


@pytest.fixture
def published_course(api: HarnessClient, new_account: NewAccount) -> PublishedCourse:
    """A course with lessons, published by a fresh teacher through course's API."""

    def make(title: str, lessons: int = 3) -> dict[str, Any]:
        _, token = new_account("teacher", teacher=True)
        draft = {"title": title, "summary": f"All about {title}.", "tags": ["e2e"]}
        parts = [
            {
                "title": f"Lesson {n} of {title}",
                "estimated_minutes": 5,
                "body_markdown": f"# Part {n}\n\nRead this, then **mark it complete**.",
            }
            for n in range(1, lessons + 1)
        ]
        return api.run(journeys.make_course(token, draft, parts)).view

    return make


@pytest.fixture
def priced_course(api: HarnessClient, new_account: NewAccount) -> PublishedCourse:
    """A published course with two lessons and a price (EUR minor units), set by its teacher
    through course's API."""

    def make(amount_minor: int) -> dict[str, Any]:
        _, token = new_account("teacher", teacher=True)
        title = f"Paid {uuid.uuid4().hex[:6]} masterclass"
        draft = {"title": title, "summary": f"All about {title}.", "tags": ["e2e"]}
        parts = [
            {"title": f"Lesson {n} of {title}", "estimated_minutes": 5, "body_markdown": "Read."}
            for n in (1, 2)
        ]
        course = api.run(journeys.make_course(token, draft, parts)).view
        api.send(api_calls.set_price(token, course["id"], "EUR", amount_minor))
        return course

    return make


MailTo = Callable[..., list[ReceivedMail]]


@pytest.fixture
def mail_to(stack: IsolatedStack) -> MailTo:
    """The mail the stack's SMTP sink received for an address, waiting until ``count`` came."""

    def received(address: str, count: int = 1, timeout: float = 30.0) -> list[ReceivedMail]:
        deadline = time.monotonic() + timeout
        while True:
            mails = [m for m in MailStore(stack.mail_dir).list() if address in m.rcpt_to]
            if len(mails) >= count or time.monotonic() > deadline:
                return mails
            time.sleep(0.25)

    return received


LogIn = Callable[..., None]


@pytest.fixture
def log_in() -> LogIn:
    """Sign a browser page in through the log-in form (the account exists already)."""

    def signed_in(page: Any, email: str, password: str = PASSWORD) -> None:
        page.goto("/login")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/learning")

    return signed_in


@pytest.fixture(scope="session")
def screens() -> Path:
    """Where tests keep the screenshots a person should look at ($EDU_RESULTS_DIR/screens)."""
    folder = results_dir() / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
