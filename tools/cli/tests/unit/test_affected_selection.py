"""From changed files to layers and their test folders, over a hand-built workspace."""

import dataclasses

import pytest

from edu.cli.affected.graph import DependencyGraph, MemberNode
from edu.cli.affected.selection import Selection, layers_for, select
from edu.cli.registry import Layer, Registry, RegistryError


def member(path: str, runtime: tuple[str, ...] = (), tests: tuple[str, ...] = ()) -> MemberNode:
    return MemberNode(f"edu-{path.rsplit('/', 1)[-1]}", path, frozenset(runtime), frozenset(tests))


GRAPH = DependencyGraph(
    [
        member("libs/py/common"),
        member("libs/py/proto-gen"),
        member("services/py/course", runtime=("edu-common", "edu-proto-gen")),
        member("services/py/identity", runtime=("edu-common",)),
        member("services/py/web", runtime=("edu-common",), tests=("edu-course",)),
        member("tools/fuzz", runtime=("edu-common",)),
    ]
)


def layer(name: str, kind: str, paths: tuple[str, ...] = (), args: tuple[str, ...] = ()) -> Layer:
    return Layer(
        name,
        f"the {name} layer",
        kind,
        paths,
        args or ("edu", "gate", name),
        30.0,
        None,
        ("pr", "nightly"),
        (),
    )


LAYERS = [
    layer("lint", "command"),
    layer("typecheck", "command"),
    layer("proto", "command", paths=("proto", "libs/py/proto-gen"), args=("edu", "proto", "check")),
    layer("openapi", "command", paths=("contracts/openapi", "services/py"), args=("edu", "x")),
    layer("unit", "pytest", paths=("*/tests/unit",)),
    layer("e2e", "pytest", paths=("e2e",)),
    layer("fuzz", "pytest", paths=("tools/fuzz/tests/fuzz",)),
]
TARGETS = {
    "unit": [
        "tests/repo",
        "libs/py/common/tests/unit",
        "libs/py/proto-gen/tests/unit",
        "services/py/course/tests/unit",
        "services/py/identity/tests/unit",
        "services/py/web/tests/unit",
        "tools/fuzz/tests/unit",
    ],
    "e2e": ["e2e"],
    "fuzz": ["tools/fuzz/tests/fuzz"],
}
SUITE_IMPORTS = {"tests/repo": {"edu-common"}, "e2e": set[str]()}


def pick(*files: str) -> Selection:
    return select(list(files), GRAPH, LAYERS, TARGETS, SUITE_IMPORTS)


def targets(selection: Selection, name: str) -> tuple[str, ...] | None:
    found = [p for p in selection.picks if p.layer.name == name]
    return found[0].targets if found else None


class TestALeafServiceChange:
    def test_selects_its_own_tests_and_the_suites_driving_the_system(self) -> None:
        selection = pick("services/py/identity/src/edu/identity/app.py")
        assert targets(selection, "unit") == ("tests/repo", "services/py/identity/tests/unit")
        assert targets(selection, "e2e") == ("e2e",)
        assert targets(selection, "fuzz") == ("tools/fuzz/tests/fuzz",)

    def test_gives_typecheck_only_the_affected_member_folders(self) -> None:
        selection = pick("services/py/identity/src/edu/identity/app.py")
        assert targets(selection, "typecheck") == ("services/py/identity",)

    def test_runs_whole_repository_gates_and_gates_covering_services(self) -> None:
        selection = pick("services/py/identity/src/edu/identity/app.py")
        assert {p.layer.name for p in selection.picks if p.whole} >= {"lint", "openapi"}
        assert "proto" in selection.skipped


class TestALibraryChange:
    def test_selects_every_dependents_tests_and_one_hop_of_test_users(self) -> None:
        selection = pick("libs/py/proto-gen/src/edu/proto_gen/course_pb2.py")
        assert targets(selection, "unit") == (
            "tests/repo",
            "libs/py/proto-gen/tests/unit",
            "services/py/course/tests/unit",
            "services/py/web/tests/unit",  # web's tests use course
        )
        assert "proto" not in selection.skipped

    def test_a_proto_change_selects_the_generated_code_and_its_users(self) -> None:
        selection = pick("proto/edu/course/v1/course.proto")
        unit = targets(selection, "unit") or ()
        assert "services/py/course/tests/unit" in unit
        assert "services/py/identity/tests/unit" not in unit


class TestSuitesThatDeclareWhatTheyDrive:
    """fuzz declares the services it fuzzes: a change to another deployable leaves it out."""

    FUZZ = Layer(
        "fuzz",
        "the fuzz layer",
        "pytest",
        ("tools/fuzz/tests/fuzz",),
        (),
        120.0,
        None,
        ("pr",),
        (),
        drives=("course", "identity"),
    )

    def chosen(self, *files: str) -> Selection:
        return select(list(files), GRAPH, [self.FUZZ], TARGETS, SUITE_IMPORTS)

    def test_a_driven_service_selects_it(self) -> None:
        assert targets(self.chosen("services/py/course/src/edu/course/app.py"), "fuzz") == (
            "tools/fuzz/tests/fuzz",
        )

    def test_a_deployable_it_does_not_drive_leaves_it_out(self) -> None:
        selection = self.chosen("services/py/web/src/edu/web/app.py")
        assert "fuzz" in selection.skipped

    def test_a_library_under_a_driven_service_selects_it(self) -> None:
        assert targets(self.chosen("libs/py/common/src/edu/common/x.py"), "fuzz") is not None

    def test_with_keywords_one_driven_service_runs_only_its_tests(self) -> None:
        fuzz = dataclasses.replace(
            self.FUZZ, drive_keywords=(("course", "course or journey"), ("identity", "identity"))
        )
        selection = select(
            ["services/py/course/src/edu/course/app.py"], GRAPH, [fuzz], TARGETS, SUITE_IMPORTS
        )
        [chosen] = selection.picks
        assert (chosen.keyword, chosen.share, chosen.whole) == ("(course or journey)", 0.5, False)

    def test_with_keywords_every_driven_service_changed_runs_it_whole(self) -> None:
        fuzz = dataclasses.replace(
            self.FUZZ, drive_keywords=(("course", "course"), ("identity", "identity"))
        )
        selection = select(
            ["libs/py/common/src/edu/common/x.py"], GRAPH, [fuzz], TARGETS, SUITE_IMPORTS
        )
        [chosen] = selection.picks
        assert (chosen.keyword, chosen.whole) == (None, True)

    def test_with_keywords_a_change_inside_the_suite_runs_it_whole(self) -> None:
        fuzz = dataclasses.replace(
            self.FUZZ, drive_keywords=(("course", "course"), ("identity", "identity"))
        )
        files = ["services/py/course/src/edu/course/app.py", "tools/fuzz/tests/fuzz/conftest.py"]
        [chosen] = select(files, GRAPH, [fuzz], TARGETS, SUITE_IMPORTS).picks
        assert chosen.keyword is None


class TestAPactChange:
    """A pact is data the contract suite reads: no member's code changes with it."""

    CONTRACT = Layer(
        "contract",
        "the contract layer",
        "pytest",
        ("contracts/tests",),
        (),
        60.0,
        None,
        ("pr",),
        (),
        drives=("web", "course", "identity"),
        drive_keywords=(
            ("web", "(consumer and web) or web_honours"),
            ("course", "(consumer and course) or course_honours"),
            ("identity", "(consumer and identity) or identity_honours"),
        ),
    )

    def chosen(self, *files: str) -> Selection:
        targets = {**TARGETS, "contract": ["contracts/tests"]}
        return select(list(files), GRAPH, [self.CONTRACT], targets, SUITE_IMPORTS)

    def test_selects_the_contract_suite_for_its_consumer_and_provider_only(self) -> None:
        [chosen] = self.chosen("contracts/pacts/web-course.json").picks
        assert chosen.targets == ("contracts/tests",)
        assert chosen.keyword == (
            "((consumer and course) or course_honours) or ((consumer and web) or web_honours)"
        )

    def test_a_file_elsewhere_under_contracts_does_not(self) -> None:
        assert "contract" in self.chosen("contracts/README.md").skipped


class TestNarrowChanges:
    def test_a_docs_change_runs_only_the_always_on_checks(self) -> None:
        selection = pick("docs/architecture/adr/0001-workspace-and-tooling.md")
        assert targets(selection, "unit") == ("tests/repo",)
        assert "typecheck" in selection.skipped
        assert {"e2e", "fuzz", "proto", "openapi"} <= selection.skipped.keys()

    def test_a_suite_outside_members_runs_when_a_file_in_it_changes(self) -> None:
        assert targets(pick("e2e/test_sign_up.py"), "e2e") == ("e2e",)

    def test_a_tool_change_runs_its_own_tests_but_not_the_system_suites(self) -> None:
        selection = pick("tools/fuzz/tests/unit/test_seeds.py")
        assert targets(selection, "unit") == ("tests/repo", "tools/fuzz/tests/unit")
        assert "e2e" in selection.skipped

    def test_repository_tests_are_typechecked_when_a_library_they_import_changes(self) -> None:
        selection = pick("libs/py/common/src/edu/common/clock.py")
        assert "tests" in (targets(selection, "typecheck") or ())


class TestFullRuns:
    def test_a_full_trigger_selects_every_layer_whole(self) -> None:
        selection = pick("uv.lock", "services/py/identity/src/x.py")
        assert selection.full
        assert all(p.whole for p in selection.picks)
        assert targets(selection, "unit") == tuple(TARGETS["unit"])

    def test_a_requested_full_run_needs_no_changed_file(self) -> None:
        selection = select([], GRAPH, LAYERS, TARGETS, SUITE_IMPORTS, full_reason="--all")
        assert selection.full_reasons == ("--all",)
        assert len(selection.picks) == len(LAYERS)


class TestLayerFilters:
    REGISTRY = Registry(tuple(LAYERS))

    def test_kind_and_exclude_narrow_a_triggers_layers(self) -> None:
        chosen = layers_for(self.REGISTRY, "pr", exclude=["unit"], kind="pytest")
        assert [item.name for item in chosen] == ["e2e", "fuzz"]

    def test_naming_a_layer_the_trigger_lacks_is_an_error(self) -> None:
        with pytest.raises(RegistryError, match="not run by the 'weekly' trigger"):
            layers_for(self.REGISTRY, "weekly", only=["unit"])
