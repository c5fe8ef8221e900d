import io
import json
import logging
from collections.abc import Iterator

import pytest

from edu.common.log import configure_logging
from edu.common.request_context import bind_request_id
from edu.common.settings import LogFormat


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    yield buffer
    bind_request_id(None)
    for handler in list(logging.getLogger().handlers):
        if getattr(handler, "_edu_handler", False):
            logging.getLogger().removeHandler(handler)


def test_json_lines_carry_service_request_id_and_extra_fields(stream: io.StringIO) -> None:
    configure_logging("identity", fmt=LogFormat.JSON, stream=stream)
    bind_request_id("req-42")
    logging.getLogger("edu.test").info("user signed up", extra={"user_id": "u1"})
    record = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert record["service"] == "identity"
    assert record["request_id"] == "req-42"
    assert record["user_id"] == "u1"
    assert record["message"] == "user signed up"
    assert record["level"] == "info"


def test_console_lines_are_readable(stream: io.StringIO) -> None:
    configure_logging("course", fmt=LogFormat.CONSOLE, stream=stream)
    logging.getLogger("edu.test").warning("slow query", extra={"ms": 120})
    line = stream.getvalue().strip().splitlines()[-1]
    assert "WARNING" in line
    assert "course" in line
    assert "slow query" in line
    assert "ms=120" in line


def test_configuring_twice_keeps_one_handler(stream: io.StringIO) -> None:
    configure_logging("a", stream=stream)
    configure_logging("a", stream=stream)
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_edu_handler", False)]
    assert len(ours) == 1
