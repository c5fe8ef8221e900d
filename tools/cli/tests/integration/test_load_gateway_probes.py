"""`edu load gateway`'s probes against real local servers: the keep-alive client holds one
connection for every sample, the CPU reading follows a busy process, and the cold-start probe
times a spawned server to its first /health 200 and stops it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from edu.cli.load.gateway import GatewayBenchError, KeepAlive, cold_starts, process_cpu_seconds
from edu.infra.dev_stack import ProcessSpec


class Counting(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed ACK
    connections: set[int] = set()  # noqa: RUF012 - shared by the server's handler instances

    def do_GET(self) -> None:
        Counting.connections.add(id(self.connection))
        body = b"{}" if self.path == "/ok" else b"nope"
        self.send_response(200 if self.path == "/ok" else 503)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Counting.connections = set()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class TestKeepAlive:
    def test_every_request_goes_over_one_connection(self, server: str) -> None:
        client = KeepAlive(server)
        try:
            statuses = [client.get("/ok") for _ in range(50)]
        finally:
            client.close()
        assert statuses == [200] * 50
        assert len(Counting.connections) == 1

    def test_returns_the_status_of_an_error(self, server: str) -> None:
        client = KeepAlive(server)
        try:
            assert client.get("/down") == 503
        finally:
            client.close()


class TestProcessCpu:
    def test_counts_the_cpu_a_busy_process_spends(self) -> None:
        # The child spins until it has spent 0.5 s of CPU by its own clock, says so and waits:
        # what the probe reads then does not depend on how busy the machine is (a wall-clock
        # window did: 0.17 s of 0.4 s beside a Rust build).
        busy = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, time\n"
                "while time.process_time() < 0.5: pass\n"
                "print('spent', flush=True)\n"
                "sys.stdin.readline()",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert busy.stdin is not None
        assert busy.stdout is not None
        try:
            assert busy.stdout.readline().strip() == "spent"
            spent = process_cpu_seconds(busy.pid)
        finally:
            busy.stdin.close()
            busy.wait(timeout=10)
        assert 0.45 <= spent < 5


# Answers /health after a chosen delay, on the port EDU_PORT names, like the gateway.
LATE_SERVER = """
import os, time
from http.server import BaseHTTPRequestHandler, HTTPServer
time.sleep(float(os.environ["DELAY"]))

class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(os.environ["EDU_PORT"])), Health).serve_forever()
"""


def spec(tmp_path: Path, delay: float, script: str = LATE_SERVER) -> ProcessSpec:
    env = {**os.environ, "DELAY": str(delay), "EDU_PORT": "1"}  # the probe picks the port
    return ProcessSpec("api-gateway", [sys.executable, "-c", script], env, tmp_path, None)


class TestColdStarts:
    def test_times_each_start_to_the_first_health_answer(self, tmp_path: Path) -> None:
        found = cold_starts(spec(tmp_path, 0.3), 2, tmp_path / "cold.log")
        assert len(found) == 2
        assert all(300 <= ms < 5000 for ms in found), found

    def test_a_process_that_exits_fails_the_measurement(self, tmp_path: Path) -> None:
        with pytest.raises(GatewayBenchError, match="exited with 3"):
            cold_starts(spec(tmp_path, 0, "raise SystemExit(3)"), 1, tmp_path / "cold.log")
