"""The reverse dependency closure: runtime edges carry a change on, test edges stop."""

from edu.cli.affected.graph import DependencyGraph, MemberNode


def node(name: str, runtime: set[str] | None = None, tests: set[str] | None = None) -> MemberNode:
    return MemberNode(name, f"libs/py/{name}", frozenset(runtime or ()), frozenset(tests or ()))


GRAPH = DependencyGraph(
    [
        node("common"),
        node("db", runtime={"common"}),
        node("course", runtime={"db"}),
        node("identity", runtime={"common"}),
        node("web", runtime={"common"}, tests={"course"}),
        node("e2e-helper", tests={"web"}),
        node("mailsink"),
    ]
)


class TestCodeChanges:
    def test_a_library_change_reaches_every_member_running_it_transitively(self) -> None:
        affected = GRAPH.affected({"db": "changed"}, {})
        assert set(affected.code) == {"db", "course"}
        assert affected.code["course"] == "runs db's code"

    def test_the_root_library_reaches_everything_that_runs_it(self) -> None:
        affected = GRAPH.affected({"common": "changed"}, {})
        assert set(affected.code) == {"common", "db", "course", "identity", "web"}
        assert "mailsink" not in affected.tested

    def test_a_test_edge_selects_the_tests_one_hop_away_only(self) -> None:
        affected = GRAPH.affected({"course": "changed"}, {})
        assert set(affected.code) == {"course"}
        assert set(affected.tested) == {"course", "web"}
        assert affected.tested["web"] == "its tests use course"
        assert "e2e-helper" not in affected.tested  # it uses web's code, which did not change

    def test_a_change_to_a_leaf_selects_only_the_leaf(self) -> None:
        affected = GRAPH.affected({"identity": "changed"}, {})
        assert set(affected.tested) == {"identity"}


class TestTestOnlyChanges:
    def test_changing_only_a_members_tests_selects_only_those_tests(self) -> None:
        affected = GRAPH.affected({}, {"db": "db/tests/unit/test_x.py changed"})
        assert dict(affected.code) == {}
        assert set(affected.tested) == {"db"}

    def test_unknown_members_are_ignored(self) -> None:
        affected = GRAPH.affected({"ghost": "changed"}, {"phantom": "changed"})
        assert not affected.tested


class TestOwnership:
    def test_the_deepest_member_folder_owns_a_path(self) -> None:
        graph = DependencyGraph(
            [MemberNode("outer", "tools/outer"), MemberNode("inner", "tools/outer/inner")]
        )
        assert graph.owner_of("tools/outer/inner/src/x.py") == graph.nodes["inner"]
        assert graph.owner_of("tools/outer/src/x.py") == graph.nodes["outer"]
        assert graph.owner_of("tools/outerwear/x.py") is None
