"""moto's S3 server as the rust-integration layer starts it: up on a free port, answering
HTTP, and gone when stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from edu.infra.binaries import BinaryFinder
from edu.infra.embedded_servers import EmbeddedS3
from edu.infra.launched import stop_launched
from edu.infra.probes import free_port, s3_answers, url_answers


def test_moto_server_starts_answers_and_stops(tmp_path: Path) -> None:
    binary = BinaryFinder({}).moto_server()
    if binary is None:
        pytest.fail("moto_server is missing: `uv sync --all-packages` installs it (moto)")
    port = free_port()
    server = EmbeddedS3(binary, tmp_path / "s3", port, tmp_path / "s3.log").start()
    try:
        assert server.url == f"http://127.0.0.1:{port}"
        assert url_answers("s3", server.url)
    finally:
        stop_launched(server)
    assert not s3_answers("127.0.0.1", port)
