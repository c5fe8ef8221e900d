"""The harness's HTTP client: sends ``Call``s and runs journeys over sync or async httpx.

The caller owns the ``httpx.Client`` / ``httpx.AsyncClient`` (timeouts, limits, transport) and
hands over each service's base URL by name::

    with httpx.Client(timeout=10) as http:
        client = HarnessClient(stack.service_urls, http)
        teacher = client.run(journeys.new_account(email, password, teacher=True))

Every answer is checked against the call's expected statuses: any other raises
``UnexpectedStatus`` quoting the body. A transport error (timeout, refused connection) is
raised as httpx raised it. ``observe``, when given, sees every call as an ``Exchange`` (its wall
clock start and end, the answer or the error) before anything is raised: the chaos load
records every request that way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from edu.testing.api_calls import Call
from edu.testing.journeys import Steps

T = TypeVar("T")
BODY_QUOTED = 1000


class UnexpectedStatus(AssertionError):
    """A service answered a call with a status the call does not expect."""

    def __init__(self, call: Call, url: str, response: httpx.Response) -> None:
        self.call = call
        self.status = response.status_code
        self.body = response.text
        expected = " or ".join(str(status) for status in call.expect)
        super().__init__(
            f"{call.method} {url} ({call.op}) answered {self.status}, expected {expected}: "
            f"{self.body[:BODY_QUOTED]}"
        )


@dataclass(frozen=True)
class Exchange:
    """One call as it went: ``response`` is None when no answer came (``error`` says why)."""

    call: Call
    started: float
    ended: float
    response: httpx.Response | None
    error: httpx.HTTPError | None = None

    @property
    def ok(self) -> bool:
        return self.response is not None and self.response.status_code in self.call.expect


Observer = Callable[[Exchange], None]


class _Harness:
    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        observe: Observer | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.urls = dict(urls)
        self._observe = observe
        self._clock = clock

    def _observed(
        self,
        call: Call,
        started: float,
        response: httpx.Response | None,
        error: httpx.HTTPError | None = None,
    ) -> Exchange:
        exchange = Exchange(call, started, self._clock(), response, error)
        if self._observe is not None:
            self._observe(exchange)
        return exchange

    def _checked(self, call: Call, started: float, response: httpx.Response) -> httpx.Response:
        if not self._observed(call, started, response).ok:
            raise UnexpectedStatus(call, call.url(self.urls), response)
        return response


class HarnessClient(_Harness):
    """Sends calls and runs journeys over a synchronous ``httpx.Client``."""

    def __init__(
        self,
        urls: Mapping[str, str],
        http: httpx.Client,
        *,
        observe: Observer | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(urls, observe=observe, clock=clock)
        self.http = http

    def send(self, call: Call) -> httpx.Response:
        started = self._clock()
        try:
            response = self.http.request(call.method, call.url(self.urls), **_payload(call))
        except httpx.HTTPError as exc:
            self._observed(call, started, None, exc)
            raise
        return self._checked(call, started, response)

    def run(self, journey: Steps[T]) -> T:
        """Send each call the journey yields, hand it the answer, and return its result."""
        try:
            call = next(journey)
            while True:
                call = journey.send(self.send(call))
        except StopIteration as finished:
            result: T = finished.value
            return result


def _payload(call: Call) -> dict[str, Any]:
    """What httpx sends: the call's raw bytes when it has some, else its body as JSON."""
    if call.content is not None:
        return {"content": call.content, "headers": call.headers}
    return {"json": call.body, "headers": call.headers}


class AsyncHarnessClient(_Harness):
    """Sends calls and runs journeys over an ``httpx.AsyncClient``."""

    def __init__(
        self,
        urls: Mapping[str, str],
        http: httpx.AsyncClient,
        *,
        observe: Observer | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(urls, observe=observe, clock=clock)
        self.http = http

    async def send(self, call: Call) -> httpx.Response:
        started = self._clock()
        try:
            response = await self.http.request(call.method, call.url(self.urls), **_payload(call))
        except httpx.HTTPError as exc:
            self._observed(call, started, None, exc)
            raise
        return self._checked(call, started, response)

    async def run(self, journey: Steps[T]) -> T:
        """Send each call the journey yields, hand it the answer, and return its result."""
        try:
            call = next(journey)
            while True:
                call = journey.send(await self.send(call))
        except StopIteration as finished:
            result: T = finished.value
            return result


def first_answer(what: str, attempt: Callable[[], T | None], within: float = 20.0) -> T:
    """``attempt()``'s first result that is not None and did not raise UnexpectedStatus (an
    asynchronous consumer has not caught up yet); AssertionError naming ``what`` and the last
    refusal after ``within`` seconds."""
    deadline = time.monotonic() + within
    last = "no answer"
    while True:
        try:
            found = attempt()
        except UnexpectedStatus as exc:
            found, last = None, str(exc)
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within:g} s (last: {last})")
        time.sleep(0.1)
