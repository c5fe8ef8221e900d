"""`edu env up | down | status` with a fake launcher: no process is started."""

from collections.abc import Sequence
from pathlib import Path

from edu.infra.components import POSTGRES, SMTP, Backend, Component
from edu.infra.devenv import DevEnvironment
from edu.infra.launched import LaunchedServer
from edu.infra.selection import Choice, NoBackendError


class FakeLauncher:
    """Pretends to start servers; keeps what it started, stopped and which ports are taken."""

    def __init__(self, taken_ports: Sequence[int] = ()) -> None:
        self.live: dict[str, LaunchedServer] = {}
        self.started: list[str] = []
        self.stopped: list[str] = []
        self.docker_started: list[str] = []
        self.docker_stopped: list[str] = []
        self.taken_ports = set(taken_ports)
        self.next_pid = 100

    def start_embedded(self, choice: Choice, port: int) -> LaunchedServer:
        self.next_pid += 1
        page = f"http://127.0.0.1:{port + 1}/" if choice.component.name == "smtp" else None
        server = LaunchedServer(
            choice.component.name,
            "embedded",
            choice.component.url(port),
            pid=self.next_pid,
            page_url=page,
        )
        self.live[server.component] = server
        self.started.append(server.component)
        return server

    def start_docker(self, components: Sequence[Component]) -> None:
        self.docker_started += [c.name for c in components]

    def stop_docker(self, names: Sequence[str]) -> None:
        self.docker_stopped += list(names)

    def stop(self, server: LaunchedServer) -> bool:
        self.stopped.append(server.component)
        self.live.pop(server.component, None)
        return True

    def running(self, server: LaunchedServer) -> bool:
        return server.backend != "embedded" or self.live.get(server.component) == server

    def answers(self, component: str, url: str) -> bool:
        return component in self.live or component in self.docker_started

    def port_taken(self, port: int) -> bool:
        return port in self.taken_ports


def embedded(component: Component) -> Choice:
    return Choice(component, Backend.EMBEDDED, binary=Path("/bin") / component.name)


def environment(
    tmp_path: Path, launcher: FakeLauncher, choose: object = embedded, **options: object
) -> DevEnvironment:
    return DevEnvironment(tmp_path, launcher, choose, **options)  # type: ignore[arg-type]  # test choosers and options


class TestUp:
    def test_starts_every_component_and_remembers_it(self, tmp_path: Path) -> None:
        launcher = FakeLauncher()
        outcomes = environment(tmp_path, launcher).up()
        assert [o.action for o in outcomes] == ["started"] * 4
        assert launcher.started == ["postgres", "nats", "redis", "smtp"]
        assert set(environment(tmp_path, launcher).state.load()) == {
            "postgres",
            "nats",
            "redis",
            "smtp",
        }

    def test_the_mail_sink_comes_up_on_its_dev_port_with_its_page(self, tmp_path: Path) -> None:
        outcomes = environment(tmp_path, FakeLauncher()).up()
        smtp = next(o for o in outcomes if o.component == "smtp")
        assert (smtp.url, smtp.page_url) == ("smtp://127.0.0.1:11025", "http://127.0.0.1:11026/")

    def test_only_the_chosen_components_are_started(self, tmp_path: Path) -> None:
        launcher = FakeLauncher()
        outcomes = environment(tmp_path, launcher, components=(POSTGRES, SMTP)).up()
        assert [o.component for o in outcomes] == ["postgres", "smtp"]
        assert launcher.started == ["postgres", "smtp"]

    def test_up_twice_starts_nothing_the_second_time(self, tmp_path: Path) -> None:
        launcher = FakeLauncher()
        environment(tmp_path, launcher).up()
        outcomes = environment(tmp_path, launcher).up()
        assert [o.action for o in outcomes] == ["already running"] * 4
        assert len(launcher.started) == 4

    def test_restarts_a_component_that_died(self, tmp_path: Path) -> None:
        launcher = FakeLauncher()
        environment(tmp_path, launcher).up()
        del launcher.live["nats"]
        outcomes = environment(tmp_path, launcher).up()
        assert [o.action for o in outcomes] == [
            "already running",
            "started",
            "already running",
            "already running",
        ]

    def test_a_port_held_by_someone_else_fails_that_component_only(self, tmp_path: Path) -> None:
        launcher = FakeLauncher(taken_ports=[15432])
        outcomes = environment(tmp_path, launcher).up()
        assert [o.action for o in outcomes] == ["failed", "started", "started", "started"]
        assert "EDU_DATABASE_URL" in outcomes[0].detail

    def test_external_servers_are_recorded_not_started(self, tmp_path: Path) -> None:
        def external(component: Component) -> Choice:
            return Choice(component, Backend.EXTERNAL, external_url=f"{component.name}://ci")

        launcher = FakeLauncher()
        outcomes = environment(tmp_path, launcher, external).up()
        assert [o.action for o in outcomes] == ["external"] * 4
        assert launcher.started == []

    def test_a_component_without_backend_reports_what_to_install(self, tmp_path: Path) -> None:
        def nothing(component: Component) -> Choice:
            raise NoBackendError(f"install {component.name}")

        outcomes = environment(tmp_path, FakeLauncher(), nothing).up()
        assert [o.detail for o in outcomes] == [
            "install postgres",
            "install nats",
            "install redis",
            "install smtp",
        ]


class TestDown:
    def test_stops_exactly_what_up_started(self, tmp_path: Path) -> None:
        launcher = FakeLauncher()
        environment(tmp_path, launcher).up()
        outcomes = environment(tmp_path, launcher).down()
        assert sorted(launcher.stopped) == ["nats", "postgres", "redis", "smtp"]
        assert {o.action for o in outcomes} == {"stopped"}
        assert not (tmp_path / ".edu" / "env" / "state.json").exists()

    def test_leaves_external_servers_alone(self, tmp_path: Path) -> None:
        def external_postgres(component: Component) -> Choice:
            if component.name == "postgres":
                return Choice(component, Backend.EXTERNAL, external_url="postgresql://ci/db")
            return embedded(component)

        launcher = FakeLauncher()
        environment(tmp_path, launcher, external_postgres).up()
        environment(tmp_path, launcher).down()
        assert sorted(launcher.stopped) == ["nats", "redis", "smtp"]

    def test_down_of_one_component_leaves_the_others_running(self, tmp_path: Path) -> None:
        launcher = FakeLauncher()
        environment(tmp_path, launcher).up()
        environment(tmp_path, launcher).down(only=["smtp"])
        assert launcher.stopped == ["smtp"]
        assert set(environment(tmp_path, launcher).state.load()) == {"postgres", "nats", "redis"}

    def test_docker_components_are_removed_through_compose(self, tmp_path: Path) -> None:
        def docker(component: Component) -> Choice:
            return Choice(component, Backend.DOCKER)

        launcher = FakeLauncher()
        environment(tmp_path, launcher, docker).up()
        environment(tmp_path, launcher).down()
        assert launcher.docker_started == ["postgres", "nats", "redis", "smtp"]
        assert sorted(launcher.docker_stopped) == ["nats", "postgres", "redis", "smtp"]

    def test_the_docker_mail_catcher_shows_its_page_on_the_dev_page_port(
        self, tmp_path: Path
    ) -> None:
        def docker(component: Component) -> Choice:
            return Choice(component, Backend.DOCKER)

        outcomes = environment(tmp_path, FakeLauncher(), docker).up()
        assert outcomes[-1].page_url == "http://127.0.0.1:11080/"

    def test_with_nothing_started_does_nothing(self, tmp_path: Path) -> None:
        assert environment(tmp_path, FakeLauncher()).down() == []


class TestStatus:
    def test_shows_the_backend_that_would_be_used_before_up(self, tmp_path: Path) -> None:
        outcomes = environment(tmp_path, FakeLauncher()).status()
        assert [(o.backend, o.action, o.answers) for o in outcomes] == [
            ("embedded", "not started", False)
        ] * 4
        assert outcomes[0].url == "postgresql+asyncpg://postgres@127.0.0.1:15432/postgres"

    def test_shows_running_servers_and_whether_they_answer(self, tmp_path: Path) -> None:
        launcher = FakeLauncher()
        environment(tmp_path, launcher).up()
        outcomes = environment(tmp_path, launcher).status()
        assert [(o.component, o.action, o.answers) for o in outcomes] == [
            ("postgres", "running", True),
            ("nats", "running", True),
            ("redis", "running", True),
            ("smtp", "running", True),
        ]
