"""deploy/docker/compose.yaml serves the same components on the same fixed dev ports."""

from pathlib import Path
from typing import Any

import yaml

from edu.infra.components import (
    COMPONENTS,
    MAIL_PAGE_DEV_PORT,
    MAILPIT_PAGE_PORT,
    NATS_MONITOR_DEV_PORT,
)

COMPOSE = Path(__file__).parents[5] / "deploy" / "docker" / "compose.yaml"


def services() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return dict(loaded["services"])


class TestComposeFile:
    def test_every_component_is_a_service_on_its_dev_port_bound_to_loopback(self) -> None:
        for component in COMPONENTS:
            ports = services()[component.name]["ports"]
            assert f"127.0.0.1:{component.dev_port}:{component.container_port}" in ports

    def test_images_match_the_ones_tests_use(self) -> None:
        for component in COMPONENTS:
            assert services()[component.name]["image"] == component.docker_image

    def test_nats_runs_jetstream_with_monitoring_on_its_dev_port(self) -> None:
        nats = services()["nats"]
        assert "--jetstream" in nats["command"]
        assert f"127.0.0.1:{NATS_MONITOR_DEV_PORT}:8222" in nats["ports"]

    def test_the_mail_catcher_shows_its_page_on_the_mail_page_dev_port(self) -> None:
        assert f"127.0.0.1:{MAIL_PAGE_DEV_PORT}:{MAILPIT_PAGE_PORT}" in services()["smtp"]["ports"]

    def test_no_port_is_published_beyond_loopback(self) -> None:
        for name, service in services().items():
            for port in service.get("ports", []):
                assert port.startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"

    def test_every_core_service_has_a_healthcheck_for_up_wait(self) -> None:
        for component in COMPONENTS:
            assert "healthcheck" in services()[component.name]
