"""The background load's record of each request: the lines the verdict and the ledger read."""

import io
import json
from typing import Any

import httpx

from edu.chaos.load import Recorder
from edu.testing import api_calls
from edu.testing.harness_client import Exchange


def recorded(*exchanges: Exchange) -> tuple[list[dict[str, Any]], dict[str, int]]:
    out = io.StringIO()
    recorder = Recorder(out)
    for exchange in exchanges:
        recorder.observe(exchange)
    return [json.loads(line) for line in out.getvalue().splitlines()], recorder.counts


class TestRecorder:
    def test_a_successful_enrollment_is_recorded_with_its_id(self) -> None:
        call = api_calls.enrol("token", "c-1")
        answer = httpx.Response(201, json={"id": "e-1"})

        lines, counts = recorded(Exchange(call, 10.0, 10.5, answer))

        assert lines == [
            {"op": "enrol", "t0": 10.0, "t1": 10.5, "status": 201, "ok": True, "ref": "e-1"}
        ]
        assert counts == {"enrol:ok": 1}

    def test_making_the_courses_is_recorded_as_setup(self) -> None:
        calls = [
            api_calls.create_course("t", {}),
            api_calls.add_lesson("t", "c-1", {}),
            api_calls.publish("t", "c-1"),
        ]
        answers = [httpx.Response(201, json={}), httpx.Response(201, json={}), httpx.Response(200)]

        lines, counts = recorded(
            *(Exchange(c, 1.0, 2.0, a) for c, a in zip(calls, answers, strict=True))
        )

        assert [line["op"] for line in lines] == ["setup", "setup", "setup"]
        assert counts == {"setup:ok": 3}

    def test_an_unexpected_answer_is_a_failure_quoting_the_body(self) -> None:
        call = api_calls.sign_up("a@example.org", "pw")

        lines, counts = recorded(Exchange(call, 1.0, 2.0, httpx.Response(503, text="busy")))

        assert lines == [
            {
                "op": "signup",
                "t0": 1.0,
                "t1": 2.0,
                "status": 503,
                "ok": False,
                "error": "busy",
                "type": "text/plain; charset=utf-8",
            }
        ]
        assert counts == {"signup:failed": 1}

    def test_a_refusal_keeps_its_content_type_and_retry_after(self) -> None:
        call = api_calls.log_in("a@example.org", "pw")
        headers = {"content-type": "application/problem+json", "retry-after": "5"}
        answer = httpx.Response(503, headers=headers, text='{"status": 503}')

        lines, _ = recorded(Exchange(call, 1.0, 1.1, answer))

        assert lines[0]["type"] == "application/problem+json"
        assert lines[0]["retry_after"] == "5"
        assert "retry_after" not in recorded(Exchange(call, 1.0, 1.1, httpx.Response(502)))[0][0]

    def test_an_answer_the_gateway_counted_carries_its_limit(self) -> None:
        call = api_calls.complete_lesson("token", "e-1", "l-1")
        counted = httpx.Response(200, headers={"ratelimit-limit": "600"}, json={"id": "e-1"})

        lines, _ = recorded(
            Exchange(call, 1.0, 1.1, counted), Exchange(call, 2.0, 2.1, httpx.Response(200))
        )

        assert lines[0]["ratelimit"] == "600"
        assert "ratelimit" not in lines[1]

    def test_signed_in_users_requests_are_recorded_under_their_own_names(self) -> None:
        out = io.StringIO()
        recorder = Recorder(out)
        calls = [
            api_calls.enrol("token", "c-1"),
            api_calls.complete_lesson("token", "e-1", "l-1"),
            api_calls.teaching_course("token", "c-1"),
        ]
        for call in calls:
            recorder.observe(Exchange(call, 1.0, 1.1, httpx.Response(500)), signed_in=True)

        ops = [json.loads(line)["op"] for line in out.getvalue().splitlines()]
        assert ops == ["signed_in_enrol", "signed_in_complete", "teacher_view"]
        assert recorder.counts == {
            "signed_in_enrol:failed": 1,
            "signed_in_complete:failed": 1,
            "teacher_view:failed": 1,
        }

    def test_no_answer_is_status_0_with_the_error(self) -> None:
        call = api_calls.log_in("a@example.org", "pw")
        error = httpx.ReadTimeout("timed out")

        lines, _ = recorded(Exchange(call, 1.0, 6.0, None, error))

        assert lines[0]["status"] == 0
        assert lines[0]["ok"] is False
        assert lines[0]["error"] == "ReadTimeout: timed out"
