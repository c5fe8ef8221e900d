"""`edu env up | down | status`: the dev environment's servers, on the fixed dev ports."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from edu.infra.components import COMPONENTS, Backend, Component
from edu.infra.dev_launcher import Launcher
from edu.infra.launched import LaunchedServer
from edu.infra.selection import Choice, NoBackendError
from edu.infra.state import StateFile


@dataclass(frozen=True)
class Outcome:
    component: str
    backend: str
    url: str
    answers: bool
    action: str  # started | already running | external | stopped | not running | failed
    detail: str = ""
    page_url: str = ""  # a page for people, when the server has one (the mail sink's)


@dataclass
class DevEnvironment:
    root: Path
    launcher: Launcher
    choose: Callable[[Component], Choice]
    ports: Mapping[str, int] = field(
        default_factory=lambda: {c.name: c.dev_port for c in COMPONENTS}
    )
    # Which components this environment manages, in start order (all of them for `edu env`).
    components: Sequence[Component] = COMPONENTS

    @property
    def state(self) -> StateFile:
        return StateFile(self.root / ".edu" / "env" / "state.json")

    def up(self) -> list[Outcome]:
        """Start what is not running yet; what already runs is left alone (up twice is a no-op)."""
        servers = self.state.load()
        outcomes: list[Outcome] = []
        for component in self.components:
            known = servers.get(component.name)
            if known and self.launcher.running(known):
                outcomes.append(self._outcome(known, "already running"))
                continue
            try:
                server = self._start(component)
            except (NoBackendError, RuntimeError, OSError) as exc:
                outcomes.append(Outcome(component.name, "-", "-", False, "failed", str(exc)))
                continue
            servers[component.name] = server
            self.state.save(servers)  # after each start: a later failure still lets `down` work
            action = "external" if server.backend == Backend.EXTERNAL else "started"
            outcomes.append(self._outcome(server, action))
        return outcomes

    def down(self, only: Collection[str] | None = None) -> list[Outcome]:
        """Stop exactly what `up` started (or those of it named in ``only``).

        External servers are only forgotten.
        """
        servers = self.state.load()
        kept = {n: s for n, s in servers.items() if only is not None and n not in only}
        servers = {n: s for n, s in servers.items() if n not in kept}
        outcomes: list[Outcome] = []
        docker = [name for name, s in servers.items() if s.backend == Backend.DOCKER]
        if docker:
            self.launcher.stop_docker(docker)
        for name, server in list(servers.items()):
            stopped = server.backend != Backend.EMBEDDED or self.launcher.stop(server)
            if stopped:
                del servers[name]
            detail = "" if stopped else "still running; see `edu env logs`"
            outcomes.append(
                Outcome(
                    name,
                    server.backend,
                    server.url,
                    False,
                    "stopped" if stopped else "failed",
                    detail,
                )
            )
        self.state.save({**servers, **kept})
        return outcomes

    def status(self) -> list[Outcome]:
        servers = self.state.load()
        outcomes: list[Outcome] = []
        for component in self.components:
            known = servers.get(component.name)
            if known:
                running = self.launcher.running(known)
                outcomes.append(self._outcome(known, "running" if running else "not running"))
                continue
            try:
                choice = self.choose(component)
            except NoBackendError as exc:
                outcomes.append(Outcome(component.name, "-", "-", False, "unavailable", str(exc)))
                continue
            url = choice.external_url or component.url(self.ports[component.name])
            answers = self.launcher.answers(component.name, url)
            action = "external" if choice.backend == Backend.EXTERNAL else "not started"
            outcomes.append(Outcome(component.name, choice.backend, url, answers, action))
        return outcomes

    def _start(self, component: Component) -> LaunchedServer:
        choice = self.choose(component)
        if choice.backend == Backend.EXTERNAL:
            assert choice.external_url is not None  # noqa: S101 - set for external choices
            return LaunchedServer(component.name, Backend.EXTERNAL, choice.external_url)
        port = self.ports[component.name]
        if choice.backend == Backend.DOCKER:
            self.launcher.start_docker([component])
            page = component.dev_page_port and f"http://127.0.0.1:{component.dev_page_port}/"
            return LaunchedServer(
                component.name, Backend.DOCKER, component.url(port), page_url=page or None
            )
        if self.launcher.port_taken(port):
            raise RuntimeError(
                f"port {port} is taken by a process `edu env` did not start; stop it, or set "
                f"{component.env_var} to use that server as an external one"
            )
        return self.launcher.start_embedded(choice, port)

    def _outcome(self, server: LaunchedServer, action: str) -> Outcome:
        answers = self.launcher.answers(server.component, server.url)
        return Outcome(
            server.component,
            server.backend,
            server.url,
            answers,
            action,
            page_url=server.page_url or "",
        )

    def log_path(self, component: str) -> Path | None:
        server = self.state.load().get(component)
        return Path(server.log_path) if server and server.log_path else None
