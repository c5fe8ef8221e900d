"""What one changed path means: full run, a member's code, a member's tests, or nothing."""

from edu.cli.affected.graph import DependencyGraph, MemberNode
from edu.cli.affected.rules import Effect, effects_of

GRAPH = DependencyGraph(
    MemberNode(f"edu-{path.rsplit('/', 1)[-1]}", path)
    for path in (
        "libs/py/common",
        "libs/py/testing",
        "libs/py/proto-gen",
        "services/py/web",
        "services/py/course",
        "services/py/enrollment",
        "workers/py/email-sender",
        "services/py/notifications",
        "tools/chaos",
        "workers/rs/feed-builder",
    )
)


def kinds(path: str) -> list[tuple[str, str | None]]:
    return [(e.kind, e.member) for e in effects_of(path, GRAPH)]


class TestFullSuiteTriggers:
    def test_the_lockfile_root_config_registry_and_recipes_run_everything(self) -> None:
        for path in ("uv.lock", "pyproject.toml", "layers.toml", "justfile"):
            assert kinds(path) == [("full", None)], path

    def test_the_testing_plugin_and_ci_definitions_run_everything(self) -> None:
        for path in (
            "libs/py/testing/src/edu/testing/plugin.py",
            ".ci/run",
            ".github/workflows/pr.yml",
            ".github/actions/setup-workspace/action.yml",
        ):
            assert kinds(path) == [("full", None)], path

    def test_a_members_own_pyproject_is_not_the_root_one(self) -> None:
        assert kinds("services/py/course/pyproject.toml") == [("code", "edu-course")]


class TestMemberFiles:
    def test_a_source_file_changes_its_members_code(self) -> None:
        assert kinds("services/py/course/src/edu/course/domain.py") == [("code", "edu-course")]

    def test_a_test_file_changes_only_its_members_tests(self) -> None:
        assert kinds("services/py/course/tests/unit/test_x.py") == [("tests", "edu-course")]

    def test_docs_outside_members_change_nothing(self) -> None:
        assert kinds("docs/architecture/adr/0001-workspace-and-tooling.md") == []
        assert kinds("README.md") == []


class TestContracts:
    def test_a_proto_file_changes_the_generated_code(self) -> None:
        assert kinds("proto/edu/course/v1/course_service.proto") == [("code", "edu-proto-gen")]

    def test_a_pact_selects_its_consumer_and_provider(self) -> None:
        assert kinds("contracts/pacts/web-course.json") == [
            ("tests", "edu-web"),
            ("tests", "edu-course"),
        ]

    def test_a_pact_between_hyphenated_members_is_split_where_both_names_exist(self) -> None:
        assert kinds("contracts/pacts/email-sender-notifications.json") == [
            ("tests", "edu-email-sender"),
            ("tests", "edu-notifications"),
        ]

    def test_a_pact_naming_unknown_members_runs_everything_rather_than_nothing(self) -> None:
        [effect] = effects_of("contracts/pacts/mobile-course.json", GRAPH)
        assert effect.kind == "full"
        assert "consumer" in effect.reason

    def test_an_openapi_spec_selects_its_service_and_the_web_client(self) -> None:
        assert kinds("contracts/openapi/course.json") == [
            ("tests", "edu-course"),
            ("tests", "edu-web"),
        ]

    def test_a_stored_documents_example_selects_its_writer_and_its_reader(self) -> None:
        assert kinds("contracts/feeds/feed-v1.json") == [
            ("tests", "edu-feed-builder"),
            ("tests", "edu-web"),
        ]

    def test_a_chaos_experiment_selects_the_chaos_suite_only(self) -> None:
        assert kinds("chaos/experiments/02-nats-down-30s.json") == [("tests", "edu-chaos")]
        assert kinds("chaos/k8s/README.md") == [("tests", "edu-chaos")]

    def test_a_migration_changes_its_services_code(self) -> None:
        effects = effects_of("migrations/enrollment/versions/0002_x.py", GRAPH)
        assert effects == [
            Effect(
                "code",
                "edu-enrollment",
                "its migration migrations/enrollment/versions/0002_x.py changed",
            )
        ]


class TestMigrationReaders:
    """A migrations folder reaches every member running on its schema, not only the service
    named like it (selection audit, issue 28: migrations/analytics selected nothing)."""

    GRAPH = DependencyGraph(
        GRAPH.nodes.values(),
        readers={
            "migrations/analytics": {
                "edu-analytics-api": "code",
                "edu-email-sender": "code",
                "edu-web": "tests",
                "edu-unknown": "code",
            },
            "migrations/enrollment": {"edu-enrollment": "code", "edu-web": "tests"},
        },
    )

    def kinds(self, path: str) -> list[tuple[str, str | None]]:
        return [(e.kind, e.member) for e in effects_of(path, self.GRAPH)]

    def test_a_migration_selects_the_members_declaring_or_testing_its_database(self) -> None:
        assert self.kinds("migrations/analytics/versions/0001_x.py") == [
            ("code", "edu-email-sender"),
            ("tests", "edu-web"),
        ]

    def test_the_service_named_like_the_folder_comes_once_as_code(self) -> None:
        assert self.kinds("migrations/enrollment/versions/0002_x.py") == [
            ("code", "edu-enrollment"),
            ("tests", "edu-web"),
        ]

    def test_a_migrations_folder_no_member_uses_runs_everything(self) -> None:
        [effect] = effects_of("migrations/payments/versions/0001_x.py", self.GRAPH)
        assert effect.kind == "full"
        assert "migrations/payments" in effect.reason
        assert self.kinds("migrations/README.md") == []
