"""This repository's own workflows, registry and recorded test times (it reads the whole
repository, so it lives with the integration tests, not in the unit layer's budget).

The selection must pay off: a change to one leaf service (one nothing else runs) may select
at most a third of the pull-request tests' recorded time (.test_durations, refreshed by
`just test-durations`, for unit and integration; the suites it does not cover — fuzz,
contract — count at their registered goal time, at the share of their tests selected).
"""

from pathlib import Path

import pytest

from edu.cli.affected.estimate import DURATIONS_FILE, estimate, read_durations
from edu.cli.affected.graph import DependencyGraph
from edu.cli.affected.scan import ModuleOwners, folder_imports, workspace_graph
from edu.cli.affected.selection import select
from edu.cli.pipelines.agreement import check
from edu.cli.pipelines.gate import load_commands
from edu.cli.registry import load_registry
from edu.cli.workspace import REGISTRY_FILE, Workspace, find_root

ROOT = find_root(Path(__file__).parent)
LEAF_SHARE_LIMIT = 1 / 3


@pytest.fixture(scope="module")
def workspace_graph_and_owners() -> tuple[DependencyGraph, ModuleOwners]:
    return workspace_graph(Workspace(ROOT))


def leaf_services(graph: DependencyGraph) -> list[str]:
    return sorted(
        name
        for name, node in graph.nodes.items()
        if node.path.startswith("services/")
        and set(graph.affected({name: "changed"}, {}).code) == {name}
    )


class TestWorkflowsAgreeWithTheRegistry:
    def test_every_trigger_is_served_and_every_layer_named_is_known(self) -> None:
        problems = check(load_registry(ROOT / REGISTRY_FILE), load_commands(ROOT))
        assert problems == []


class TestLeafServiceSelection:
    def test_a_leaf_service_change_keeps_at_most_a_third_of_the_pr_test_time(
        self, workspace_graph_and_owners: tuple[DependencyGraph, ModuleOwners]
    ) -> None:
        graph, owners = workspace_graph_and_owners
        layers = load_registry(ROOT / REGISTRY_FILE).for_trigger("pr")
        targets = {
            layer.name: layer.expand_paths(ROOT) for layer in layers if layer.kind == "pytest"
        }
        outside = sorted({t for ts in targets.values() for t in ts if graph.owner_of(t) is None})
        imports = folder_imports(owners, ROOT, outside)
        durations = read_durations(ROOT / DURATIONS_FILE)
        assert durations, f"{DURATIONS_FILE} is missing: run `just test-durations`"
        goals = {layer.name: layer.goal_seconds or layer.budget_seconds for layer in layers}
        leaves = leaf_services(graph)
        assert leaves, "no service is a leaf: every service is run by another member"
        shares = {}
        for leaf in leaves:
            changed = f"{graph.nodes[leaf].path}/src/changed.py"
            selection = select([changed], graph, layers, targets, imports)
            shares[leaf] = estimate(selection, layers, targets, durations, goals).tests_fraction
        assert max(shares.values()) <= LEAF_SHARE_LIMIT, shares

    def test_a_notifications_change_leaves_the_other_services_tests_out(
        self, workspace_graph_and_owners: tuple[DependencyGraph, ModuleOwners]
    ) -> None:
        graph, _ = workspace_graph_and_owners
        affected = graph.affected({"edu-notifications": "changed"}, {})
        assert "edu-notifications" in affected.tested
        assert not {"edu-identity", "edu-course", "edu-enrollment"} & affected.tested.keys()
