"""The helpers services' tests share: running loops, polling for state, OpenAPI gaps."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from edu.testing.loops import eventually, running
from edu.testing.openapi_checks import undocumented


class CountingLoop:
    def __init__(self) -> None:
        self.turns = 0
        self.stopped = False

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.turns += 1
            await asyncio.sleep(0.001)
        self.stopped = True


class TestRunningAndEventually:
    async def test_loops_run_for_the_block_and_are_stopped_after_it(self) -> None:
        first, second = CountingLoop(), CountingLoop()
        async with running(first, second):

            async def both_turned() -> bool:
                return first.turns > 2 and second.turns > 2

            await eventually(both_turned, "both loops turn")
        assert (first.stopped, second.stopped) == (True, True)

    async def test_a_check_that_never_holds_fails_naming_what_was_awaited(self) -> None:
        async def never() -> bool:
            return False

        with pytest.raises(AssertionError, match=r"not within 0.1 s: the impossible"):
            await eventually(never, "the impossible", within=0.1)


def operation(**overrides: Any) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": {"content": {"application/json": {}}}, "404": {}}
    return {"summary": "Read it", "responses": responses} | overrides


class TestUndocumented:
    def test_a_fully_documented_api_has_no_gaps(self) -> None:
        spec = {
            "paths": {
                "/things/{id}": {"get": operation()},
                "/things": {"delete": operation(responses={"204": {}, "401": {}})},
                "/health": {"get": operation(responses={"200": {"content": {}}})},
            }
        }
        assert undocumented(spec) == []

    def test_names_each_gap_of_each_operation(self) -> None:
        spec = {
            "paths": {
                "/a": {"get": operation(summary="")},
                "/b": {"post": operation(responses={"201": {}})},
                "/c": {"put": operation(responses={"422": {}})},
            }
        }
        assert undocumented(spec) == [
            "GET /a: no summary",
            "POST /b: no 4xx answer",
            "POST /b: the 201 answer has no body",
            "PUT /c: no 2xx answer",
        ]
