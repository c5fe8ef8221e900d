"""Test servers as Docker containers (testcontainers), used when a Docker engine answers."""

from __future__ import annotations

from testcontainers.core.config import testcontainers_config
from testcontainers.core.container import DockerContainer

from edu.infra.components import Component
from edu.infra.embedded_servers import StartError
from edu.infra.launched import LaunchedServer, stop_launched
from edu.infra.probes import url_answers, wait_until

_COMMANDS = {
    # Throwaway data: durability buys nothing and costs time.
    "postgres": "postgres -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
    "nats": "--jetstream",
    "redis": "redis-server --save '' --appendonly no",
}


def start_container(component: Component, timeout: float = 90.0) -> LaunchedServer:
    # Ryuk removes containers when the process that made them exits; under xdist that can be a
    # worker finishing before the others. The run's controller removes them instead.
    testcontainers_config.ryuk_disabled = True
    container = DockerContainer(component.docker_image)
    container.with_exposed_ports(component.container_port)
    if component.name in _COMMANDS:  # moto's image serves S3 on its port as it is
        container.with_command(_COMMANDS[component.name])
    if component.name == "postgres":
        container.with_env("POSTGRES_HOST_AUTH_METHOD", "trust")
        container.with_env("POSTGRES_USER", "postgres")
    container.start()
    host = container.get_container_host_ip()
    port = int(container.get_exposed_port(component.container_port))
    server = LaunchedServer(
        component.name,
        "docker",
        component.url(port, host=host),
        container_id=container.get_wrapped_container().id,
    )
    # The postgres image's first start runs initdb on a Unix socket only; TCP answers once the
    # real server is up.
    if not wait_until(lambda: url_answers(component.name, server.url), timeout, interval=0.25):
        stop_launched(server)
        raise StartError(f"{component.name} container did not answer on {server.url}")
    return server
