"""The whole stack on free ports for E2E and load runs: `edu.cli.dev.start_isolated_stack`,
on a throwaway workspace with a service, a database-less service and a worker."""

from __future__ import annotations

import json
import secrets
import urllib.request
from collections.abc import Callable
from pathlib import Path

from edu.cli.dev import start_isolated_stack
from edu.infra.components import COMPONENTS
from edu.infra.databases import with_database
from edu.infra.isolated_stack import stack_folder
from edu.infra.probes import host_port, port_in_use, wait_until
from edu.mailsink.store import MailStore

APP = """
import os

import asyncpg
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def info(request):
    env = {k: v for k, v in os.environ.items() if k.startswith("EDU_")}
    if "EDU_DATABASE_URL" in env:
        conn = await asyncpg.connect(env["EDU_DATABASE_URL"].replace("+asyncpg", ""))
        env["migrated"] = await conn.fetchval("SELECT to_regclass('tiny_items') IS NOT NULL")
        await conn.close()
    return JSONResponse(env)


def create_app():
    return Starlette(routes=[Route("/", info)])
"""

# Mails what it was given, as email-sender would: over SMTP to EDU_SMTP_HOST:EDU_SMTP_PORT.
WORKER = """
import os, smtplib, time
from email.message import EmailMessage

mail = EmailMessage()
mail["From"], mail["To"], mail["Subject"] = "worker@eduplatform.local", "ada@example.org", "hi"
mail.set_content(os.environ["EDU_DATABASE_URL"])
with smtplib.SMTP(os.environ["EDU_SMTP_HOST"], int(os.environ["EDU_SMTP_PORT"])) as client:
    client.send_message(mail)
while True:
    time.sleep(1)
"""


def member(root: Path, path: str, table: str, files: dict[str, str]) -> None:
    folder = root / path
    (folder / "src").mkdir(parents=True)
    name = folder.name
    (folder / "pyproject.toml").write_text(
        f'[project]\nname = "edu-{name}"\n[tool.uv.build-backend]\nmodule-name = "{name}"\n{table}'
    )
    for relative, text in files.items():
        (folder / relative).write_text(text)


def workspace(root: Path, migrations: Callable[[Path], None]) -> str:
    database = f"tiny_{secrets.token_hex(4)}"
    (root / "pyproject.toml").write_text(
        '[tool.uv.workspace]\nmembers = ["services/py/*", "workers/py/*"]\n'
    )
    service = '[tool.edu.service]\nport = 8001\napp = "tinyapp:create_app"\n'
    member(
        root,
        "services/py/tiny",
        service + f'database = "{database}"\nmigrations = "migrations/tiny"\n',
        {"src/tinyapp.py": APP},
    )
    member(root, "services/py/front", service.replace("8001", "8000"), {"src/tinyapp.py": APP})
    worker = f'[tool.edu.worker]\ncommand = ["python", "workers/py/mailer/mailer.py"]\ndatabase = "{database}"\n'
    member(root, "workers/py/mailer", worker, {"mailer.py": WORKER})
    migrations(root)
    return database


def log_of(path: Path | None) -> str:
    return path.read_text() if path and path.is_file() else "no log"


def fetch_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback URL
        loaded: dict[str, object] = json.loads(response.read())
        return loaded


class TestIsolatedStack:
    def test_everything_on_free_ports_wired_together_and_nothing_left_after_stop(
        self, tmp_path: Path, tiny_migrations: Callable[[Path], None]
    ) -> None:
        root = tmp_path / "checkout"
        root.mkdir()
        database = workspace(root, tiny_migrations)
        # The stack's state outside pytest's tmp_path: its PostgreSQL runs as its own user, and
        # a pytest session starting meanwhile would chmod /tmp/pytest-of-root back to 0700.
        with stack_folder() as folder, start_isolated_stack(folder, root=root) as stack:
            urls = stack.service_urls
            assert set(urls) == {"tiny", "front"}
            assert not {host_port(u)[1] for u in urls.values()} & {8000, 8001}
            tiny, front = fetch_json(urls["tiny"]), fetch_json(urls["front"])
            assert tiny["migrated"] is True
            assert tiny["EDU_DATABASE_URL"] == with_database(
                stack.infrastructure["postgres"], database
            )
            assert "EDU_DATABASE_URL" not in front
            assert front["EDU_TINY_SERVICE_URL"] == urls["tiny"]
            assert (front["EDU_NATS_URL"], front["EDU_REDIS_URL"]) == (
                stack.infrastructure["nats"],
                stack.infrastructure["redis"],
            )

            mails = MailStore(stack.mail_dir)
            assert wait_until(lambda: bool(mails.list()), 30), log_of(stack.log_path("mailer"))
            [mail] = mails.list()
            assert mails.text_of(mail.id).strip() == tiny["EDU_DATABASE_URL"]
            assert stack.mail_page_url is not None
            listening = [*urls.values(), *stack.infrastructure.values(), stack.mail_page_url]
        assert not [url for url in listening if port_in_use(host_port(url)[1])]
        assert stack.environment.state.load() == {}
        assert {c.name for c in COMPONENTS} == set(stack.infrastructure)
