"""The environment of a process `edu dev` starts: its connections and where the others listen.

Connections follow FIXED INTERFACE 2 (``EDU_DATABASE_URL``, ``EDU_NATS_URL``, ``EDU_REDIS_URL``)
plus the mail server in the names email-sender reads (``EDU_SMTP_HOST``, ``EDU_SMTP_PORT``; the
URL form ``EDU_SMTP_URL`` too). Every process also learns every declared service's URL as
``EDU_<SERVICE>_SERVICE_URL``, so nothing depends on the dev ports: a stack on free ports
(tests, load runs) wires itself the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol
from urllib.parse import urlsplit

from edu.infra.databases import with_database

# Settings the services read today under names of their own: (service, variable, path).
_ALIASES = (
    ("identity", "EDU_JWKS_URL", "/.well-known/jwks.json"),  # course, enrollment, notifications
    ("web", "EDU_WEB_URL", ""),  # notifications: links in emails
    # payment-engine charges through the provider (its sandbox in every stack), which confirms
    # by webhook to the engine (ADR 0022)
    ("payment-provider-sandbox", "EDU_PROVIDER_URL", ""),
    ("payment-engine", "EDU_SANDBOX_WEBHOOK_URL", "/provider/webhooks"),
)


class Listening(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str: ...


def connection_environment(urls: Mapping[str, str], database: str | None) -> dict[str, str]:
    """A process's own connections, in development mode; ``urls`` maps component to URL."""
    env: dict[str, str] = {}
    if database is not None:
        env["EDU_DATABASE_URL"] = with_database(urls["postgres"], database)
    env["EDU_NATS_URL"] = urls["nats"]
    env["EDU_REDIS_URL"] = urls["redis"]
    if "smtp" in urls:
        env.update(smtp_environment(urls["smtp"]))
    env["EDU_ENVIRONMENT"] = "development"
    return env


def smtp_environment(url: str) -> dict[str, str]:
    split = urlsplit(url)
    return {
        "EDU_SMTP_URL": url,
        "EDU_SMTP_HOST": split.hostname or "127.0.0.1",
        "EDU_SMTP_PORT": str(split.port or 25),
    }


def service_links(services: Iterable[Listening]) -> dict[str, str]:
    """``EDU_<SERVICE>_SERVICE_URL`` for every service, plus the aliases services read."""
    services = list(services)
    urls = {service.name: service.url for service in services}
    env = {f"EDU_{name.upper().replace('-', '_')}_SERVICE_URL": url for name, url in urls.items()}
    for service in services:
        target = getattr(service, "grpc_target", None)
        if target:  # e.g. EDU_COURSE_GRPC_TARGET, read by enrollment's gRPC client
            env[f"EDU_{service.name.upper().replace('-', '_')}_GRPC_TARGET"] = target
    for name, variable, path in _ALIASES:
        if name in urls:
            env[variable] = urls[name] + path
    return env
