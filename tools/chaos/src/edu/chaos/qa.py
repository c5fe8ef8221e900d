"""Course Q&A under chaos (issue 24): one messaging instance killed -9 under connected clients.

The stack runs two messaging instances (``messaging`` = A, ``messaging-b`` = B: one database,
one NATS, one durable consumer; edu.chaos.stack). ``start_qa_clients`` makes a course (its
teacher publishes it through the gateway) and enrols ``clients`` students in it, waits until
messaging has learnt the enrolments, then starts the background process (``python -m
edu.chaos.qa``): every student holds a WebSocket on instance A (``/ws``, protocol
``edu.qa.v1``), acks every post and keeps the places it received; the teacher posts a question
to instance B every ``pace_s``. When A is killed, each client reconnects to B with
``after`` = the last place it kept, as a client whose instance went away does. The action
returns once every client has received a few posts on A: messages flow when the fault comes.
``stop_qa_clients`` stops the posting, waits until messaging gave every post a place, tells the
clients the last place and waits until they received it (or their patience ran out); each
client writes what it received.

``qa_ledger`` (hypothesis) counts: posted (201) = placed (each post with its ``seq``, i.e.
moderation allowed it and messaging showed it), and per client: every place 1..head received
(lost = the ones missing), none twice (duplicated), in order; and the proof that the fault
reached the clients: each was connected to A first, lost that connection and received posts
on B afterwards. Before the method there is nothing to count.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil
import websocket
from chaoslib.exceptions import InterruptExecution

from edu.chaos.ledger import plain
from edu.chaos.load import PASSWORD
from edu.chaos.target import Target, mark, run_dir, timeline
from edu.infra.probes import wait_until
from edu.testing import api_calls, journeys
from edu.testing.harness_client import AsyncHarnessClient
from edu.testing.qa import subprotocols, varied_words

A, B = "messaging", "messaging-b"
LESSON = {"title": "Only lesson", "estimated_minutes": 5, "body_markdown": "Read."}


def _folder() -> Path:
    return run_dir() / "qa"


def _body(n: int) -> str:
    return f"Question {n}: " + varied_words() + "?"


# --- the actions and the probe (run in chaostoolkit's process) -------------------------------


async def _setup(target: Target, clients: int) -> dict[str, Any]:
    word = uuid.uuid4().hex[:10]
    b_url = f"http://127.0.0.1:{target.port(B)}"
    async with httpx.AsyncClient(timeout=15.0) as http:
        client = AsyncHarnessClient({**target.api_urls, "messaging": b_url}, http)
        teacher = await client.run(
            journeys.new_account(
                f"chaos-qa-teacher-{word}@chaos.eduplatform.test", PASSWORD, teacher=True
            )
        )
        draft = {"title": f"Chaos Q&A {word}", "summary": "Asked while messaging is under chaos."}
        course = await client.run(journeys.make_course(teacher.access_token, draft, [LESSON]))

        async def student(n: int) -> str:
            email = f"chaos-qa-{n}-{word}@chaos.eduplatform.test"
            account = await client.run(journeys.new_account(email, PASSWORD))
            await client.run(journeys.enrol(account.access_token, course.id))
            return account.access_token

        students = list(await asyncio.gather(*(student(n) for n in range(clients))))
        # messaging learns enrolments and teachers from events: 403 until it has heard of them
        deadline = time.monotonic() + 20
        for token in [teacher.access_token, *students]:
            while True:
                answer = await http.get(
                    f"{b_url}/qa/courses/{course.id}/posts",
                    headers={"Authorization": f"Bearer {token}"},
                )
                if answer.status_code == 200:
                    break
                if time.monotonic() > deadline:
                    raise InterruptExecution(f"messaging still answers {answer.status_code}")
                await asyncio.sleep(0.1)
    return {
        "course_id": course.id,
        "teacher": teacher.access_token,
        "students": students,
        "a": f"ws://127.0.0.1:{target.port(A)}",
        "b": f"ws://127.0.0.1:{target.port(B)}",
        "post_url": b_url,
    }


def start_qa_clients(
    clients: int = 6, pace_s: float = 0.1, flowing: int = 5, timeout_s: float = 20.0
) -> dict[str, Any]:
    """A course, ``clients`` enrolled students holding WebSockets on instance A, the teacher
    posting to instance B every ``pace_s`` (edu.chaos.qa in the background); returns once
    every client has received ``flowing`` posts on A: messages flow when the fault comes."""
    target = Target.load()
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    setup = asyncio.run(_setup(target, clients))
    (folder / "setup.json").write_text(json.dumps(setup, indent=2))
    with (folder / "clients.log").open("ab") as log:
        child = subprocess.Popen(
            [
                *(sys.executable, "-m", "edu.chaos.qa", "--folder", str(folder)),
                *("--pace", str(pace_s), "--flowing", str(flowing)),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (folder / "pid").write_text(str(child.pid))
    ready = wait_until(
        lambda: (folder / "flowing").is_file() or child.poll() is not None, timeout_s
    )
    if not ready or child.poll() is not None:
        child.kill()
        raise InterruptExecution(
            f"the Q&A clients did not connect and receive {flowing} posts on instance A; "
            f"see {folder / 'clients.log'}"
        )
    return mark("qa-clients-started", pid=child.pid, clients=clients, course=setup["course_id"])


async def _places(database_url: str, course_id: str) -> dict[str, int | None]:
    conn = await asyncpg.connect(plain(database_url), timeout=5)
    try:
        rows = await conn.fetch(
            "SELECT id::text AS id, seq FROM posts WHERE course_id = $1::uuid", course_id
        )
    finally:
        await conn.close()
    return {row["id"]: row["seq"] for row in rows}


def stop_qa_clients(patience_s: float = 15.0) -> dict[str, Any]:
    """Stop posting; once every post has its place, the clients wait for the last one, write
    what they received and exit."""
    target, folder = Target.load(), _folder()
    pid_file = folder / "pid"
    if not pid_file.is_file():
        raise InterruptExecution("no Q&A clients were started in this run")
    (folder / "stop-posting").touch()
    if not wait_until((folder / "posted.json").is_file, 10.0):
        raise InterruptExecution("the Q&A poster did not stop")
    posted = json.loads((folder / "posted.json").read_text())["posted"]
    setup = json.loads((folder / "setup.json").read_text())
    database = target.database_url(A)
    started = time.monotonic()
    places: dict[str, int | None] = {}
    while time.monotonic() - started < patience_s:
        places = asyncio.run(_places(database, setup["course_id"]))
        if all(places.get(post) is not None for post in posted):
            break
        time.sleep(0.2)
    head = max((seq for seq in places.values() if seq is not None), default=0)
    (folder / "head").write_text(str(head))
    pid = int(pid_file.read_text())
    finished = wait_until((folder / "done").is_file, patience_s)
    with contextlib.suppress(psutil.NoSuchProcess, psutil.TimeoutExpired):
        psutil.Process(pid).terminate()
        psutil.Process(pid).wait(5)
    pid_file.unlink()
    return mark("qa-clients-stopped", posted=len(posted), head=head, finished=finished)


def ensure_qa_clients_stopped() -> dict[str, Any]:
    """Rollback: the background clients of this run, if still running."""
    pid_file = _folder() / "pid"
    if pid_file.is_file():
        with contextlib.suppress(ProcessLookupError, ValueError, PermissionError):
            os.killpg(int(pid_file.read_text()), signal.SIGKILL)
        pid_file.unlink()
    return {"stopped": True}


def qa_ledger() -> dict[str, Any]:
    """Posted = placed; every client received every place once, in order, and went from A to
    B (see the module's docstring)."""
    folder = _folder()
    if not (folder / "posted.json").is_file():
        return {"ok": True, "phase": "before the method: no Q&A clients in this run yet"}
    target = Target.load()
    setup = json.loads((folder / "setup.json").read_text())
    posted = json.loads((folder / "posted.json").read_text())
    places = asyncio.run(_places(target.database_url(A), setup["course_id"]))
    unplaced = [post for post in posted["posted"] if places.get(post) is None]
    head = max((seq for seq in places.values() if seq is not None), default=0)
    killed_at = next(
        (e["at"] for e in timeline() if e["event"] == "fault-start" and e["fault"] == f"{A}-down"),
        None,
    )
    violations: list[str] = []
    clients = []
    for path in sorted(folder.glob("client-*.json")):
        seen = json.loads(path.read_text())
        received = [int(place) for place, _, _ in seen["received"]]
        lost = sorted(set(range(1, head + 1)) - set(received))
        duplicated = len(received) - len(set(received))
        in_order = received == sorted(received)
        on_b = [p for p, at, where in seen["received"] if where == "b" and at > (killed_at or 0)]
        on_a = [p for p, at, where in seen["received"] if where == "a"]
        row = {
            "client": path.stem,
            "received": len(received),
            "lost": len(lost),
            "duplicated": duplicated,
            "in_order": in_order,
            "connections": seen["connections"],
            "received_on_a": len(on_a),
            "received_on_b_after_the_kill": len(on_b),
        }
        clients.append(row)
        if lost:
            violations.append(f"{path.stem} lost {len(lost)} places: {lost[:10]}")
        if duplicated:
            violations.append(f"{path.stem} received {duplicated} places twice")
        if not in_order:
            violations.append(f"{path.stem} received places out of order")
        # the proof that the fault reached the client: its connection to A ended by the kill
        cut_off = [
            c
            for c in seen["connections"]
            if c["instance"] == "a" and "ended" in c and c["at"] >= (killed_at or float("inf"))
        ]
        if not on_a:
            violations.append(f"{path.stem} received nothing on instance A before the kill")
        if not cut_off or not on_b:
            violations.append(f"{path.stem} never went from instance A to B after the kill")
    if not clients:
        violations.append("no client wrote what it received")
    if unplaced:
        violations.append(f"{len(unplaced)} posts answered 201 never got a place")
    if posted["refused"]:
        violations.append(f"posting to instance B failed: {posted['refused'][:3]}")
    if killed_at is None:
        violations.append("no kill of instance A in this run's timeline")
    report = {
        "ok": not violations,
        "violations": violations,
        "posted": len(posted["posted"]),
        "placed": len(posted["posted"]) - len(unplaced),
        "head": head,
        "lost": sum(c["lost"] for c in clients),
        "duplicated": sum(c["duplicated"] for c in clients),
        "clients": clients,
        "phase": "after the method",
    }
    (run_dir() / "qa-ledger.json").write_text(json.dumps(report, indent=2))
    return report


# --- the background process: clients and the poster -------------------------------------------


class Client(threading.Thread):
    """One student's WebSocket: on A first, on B once A's connection is gone."""

    def __init__(self, n: int, setup: dict[str, Any], folder: Path, stop: threading.Event):
        super().__init__(daemon=True)
        self.n, self.setup, self.folder, self.stop = n, setup, folder, stop
        self.token = setup["students"][n]
        self.received: list[tuple[int, float, str]] = []
        self.connections: list[dict[str, Any]] = []
        self.instance = "a"
        self.connected = threading.Event()

    def last(self) -> int:
        return self.received[-1][0] if self.received else 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self._connection()
            except (OSError, websocket.WebSocketException) as error:
                self.connections.append(
                    {"instance": self.instance, "ended": repr(error), "at": time.time()}
                )
                self.instance = "b"  # A went away: the other instance
                time.sleep(0.05)

    def _connection(self) -> None:
        base = self.setup[self.instance]
        url = f"{base}/ws?course_id={self.setup['course_id']}&after={self.last()}"
        socket = websocket.create_connection(url, timeout=5, subprotocols=subprotocols(self.token))
        try:
            welcome = json.loads(socket.recv())
            if welcome.get("type") != "welcome":
                raise websocket.WebSocketException(f"no welcome: {welcome}")
            self.connections.append({"instance": self.instance, "after": welcome["after"]})
            self.connected.set()
            socket.settimeout(0.2)
            while not self.stop.is_set():
                try:
                    frame = socket.recv()
                except websocket.WebSocketTimeoutException:
                    continue
                if not frame:
                    raise websocket.WebSocketConnectionClosedException(f"closed {socket.status}")
                message = json.loads(frame)
                if message.get("type") == "post":
                    place = int(message["post"]["seq"])
                    self.received.append((place, time.time(), self.instance))
                    socket.send(json.dumps({"type": "ack", "seq": place}))
        finally:
            with contextlib.suppress(OSError, websocket.WebSocketException):
                socket.close()

    def write(self) -> None:
        path = self.folder / f"client-{self.n}.json"
        path.write_text(json.dumps({"received": self.received, "connections": self.connections}))


def _post(
    setup: dict[str, Any], folder: Path, pace: float, clients: list[Client], flowing: int
) -> None:
    posted: list[str] = []
    refused: list[str] = []
    url = {"messaging": setup["post_url"]}
    with httpx.Client(timeout=5.0) as http:
        n = 0
        while not (folder / "stop-posting").is_file():
            n += 1
            call = api_calls.ask_question(setup["teacher"], setup["course_id"], _body(n))
            try:
                answer = http.request(
                    call.method, call.url(url), json=call.body, headers=call.headers
                )
            except httpx.HTTPError as error:
                refused.append(repr(error))
            else:
                if answer.status_code == 201:
                    posted.append(str(answer.json()["id"]))
                else:
                    refused.append(f"{answer.status_code} {answer.text[:200]}")
            if all(len(client.received) >= flowing for client in clients):
                (folder / "flowing").touch()
            time.sleep(pace)
    (folder / "posted.json").write_text(json.dumps({"posted": posted, "refused": refused}))


def main(folder: Path, pace: float, flowing: int) -> None:
    setup = json.loads((folder / "setup.json").read_text())
    stop = threading.Event()
    clients = [Client(n, setup, folder, stop) for n in range(len(setup["students"]))]
    for client in clients:
        client.start()
    if not all(client.connected.wait(10) for client in clients):
        raise SystemExit("not every client connected to instance A")
    _post(setup, folder, pace, clients, flowing)
    while not (folder / "head").is_file():
        time.sleep(0.05)
    head = int((folder / "head").read_text())
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(c.last() < head for c in clients):
        time.sleep(0.05)
    stop.set()
    for client in clients:
        client.join(2)
        client.write()
    (folder / "done").touch()


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m edu.chaos.qa")
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--pace", type=float, default=0.1)
    parser.add_argument("--flowing", type=int, default=5)
    args = parser.parse_args()
    main(args.folder, args.pace, args.flowing)


if __name__ == "__main__":
    cli()
