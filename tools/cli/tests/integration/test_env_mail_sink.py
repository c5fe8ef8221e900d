"""The mail sink as `edu env` runs it, for real: up, a message over SMTP, `edu mail`, down.

The same DevEnvironment and ProcessLauncher as `edu env up`, on free ports in a temporary root
(the dev ports may be in use by a running `just dev`)."""

from __future__ import annotations

import json
import smtplib
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from typer.testing import CliRunner

from edu.cli.app import app
from edu.infra.binaries import BinaryFinder
from edu.infra.components import SMTP
from edu.infra.dev_launcher import ProcessLauncher
from edu.infra.devenv import DevEnvironment
from edu.infra.probes import free_ports, port_in_use
from edu.infra.selection import choose_backend


def sink_environment(root: Path) -> tuple[DevEnvironment, int]:
    smtp_port, page_port = free_ports(2)
    finder = BinaryFinder({})
    env = DevEnvironment(
        root,
        ProcessLauncher(root, nats_monitor_port=None, mail_page_port=page_port),
        lambda component: choose_backend(component, {}, finder, lambda: False),
        ports={"smtp": smtp_port},
        components=(SMTP,),
    )
    return env, page_port


def send(port: int, to: str, subject: str) -> None:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "no-reply@eduplatform.local", to, subject
    mail.set_content("Welcome aboard.")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(mail)


class TestTheSinkInTheDevEnvironment:
    def test_up_twice_receive_list_with_edu_mail_then_down_leaves_nothing(
        self, tmp_path: Path, gone: Callable[[int | None], bool]
    ) -> None:
        env, page_port = sink_environment(tmp_path)
        try:
            [up] = env.up()
            assert (up.action, up.answers, up.page_url) == (
                "started",
                True,
                f"http://127.0.0.1:{page_port}/",
            ), up.detail
            assert [o.action for o in env.up()] == ["already running"]
            pid = env.state.load()["smtp"].pid
            port = int(up.url.rsplit(":", 1)[1])

            send(port, "ada@example.org", "Welcome to eduplatform")

            mail_dir = tmp_path / ".edu" / "env" / "mail"
            listed = CliRunner().invoke(app, ["mail", "--dir", str(mail_dir), "--json"])
            assert listed.exit_code == 0, listed.output
            [mail] = json.loads(listed.output)
            assert (mail["rcpt_to"], mail["subject"]) == (
                ["ada@example.org"],
                "Welcome to eduplatform",
            )
            with urllib.request.urlopen(f"{up.page_url}api/messages", timeout=5) as page:  # noqa: S310 - loopback URL
                assert "Welcome to eduplatform" in page.read().decode()
        finally:
            [down] = env.down()
        assert down.action == "stopped"
        assert gone(pid)
        assert not port_in_use(port)
        assert not port_in_use(page_port)
        assert env.state.load() == {}
