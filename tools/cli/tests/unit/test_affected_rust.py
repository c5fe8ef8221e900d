"""`edu affected` across the language line: Cargo crates in the graph, proto to both sides."""

from pathlib import Path

from edu.cli.affected.graph import RUST, DependencyGraph, MemberNode
from edu.cli.affected.scan import crate_nodes
from edu.cli.affected.selection import Selection, select
from edu.cli.registry import Layer

ROOT = Path("/repo")


def package(name: str, folder: str, *deps: tuple[str, str | None]) -> dict[str, object]:
    return {
        "name": name,
        "manifest_path": f"/repo/{folder}/Cargo.toml",
        "dependencies": [
            {"name": dep, "kind": kind, "path": f"/repo/libs/rs/{dep}"} for dep, kind in deps
        ]
        + [{"name": "tokio", "kind": None}],
    }


METADATA = {
    "packages": [
        package("edu-common", "libs/rs/common"),
        package("edu-proto-gen", "libs/rs/proto-gen"),
        package("edu-testing", "libs/rs/testing", ("edu-common", None)),
        package(
            "api-gateway",
            "services/rs/api-gateway",
            ("edu-common", None),
            ("edu-proto-gen", None),
            ("edu-testing", "dev"),
        ),
    ]
}


def python(path: str, *runtime: str) -> MemberNode:
    return MemberNode(f"edu-{path.rsplit('/', 1)[-1]}", path, frozenset(runtime))


GRAPH = DependencyGraph(
    [
        python("libs/py/common"),
        python("libs/py/proto-gen"),
        python("services/py/course", "edu-common", "edu-proto-gen"),
        *crate_nodes(METADATA, ROOT),
    ]
)


def layer(name: str, kind: str, paths: tuple[str, ...] = (), drives: tuple[str, ...] = ()) -> Layer:
    return Layer(
        name,
        name,
        kind,
        paths,
        ("edu", "gate", name) if kind == "command" else ("--workspace",),
        30.0,
        None,
        ("pr",),
        (),
        drives=drives,
    )


LAYERS = [
    layer("typecheck", "command"),
    layer("unit", "pytest", paths=("*/tests/unit",)),
    layer("e2e", "pytest", paths=("e2e",)),
    layer("gateway-suite", "pytest", paths=("load",), drives=("api-gateway",)),
    layer("rust-unit", "cargo", paths=("Cargo.toml", "libs/rs", "services/rs")),
]
TARGETS = {
    "unit": ["services/py/course/tests/unit", "libs/py/proto-gen/tests/unit"],
    "e2e": ["e2e"],
    "gateway-suite": ["load"],
}


def pick(*files: str) -> Selection:
    return select(list(files), GRAPH, LAYERS, TARGETS, {"e2e": set(), "load": set()})


def picked(selection: Selection) -> dict[str, tuple[str, ...]]:
    return {p.layer.name: p.targets for p in selection.picks}


class TestCargoMetadata:
    def test_path_dependencies_are_edges_and_dev_dependencies_test_edges(self) -> None:
        nodes = {node.name: node for node in crate_nodes(METADATA, ROOT)}
        gateway = nodes["rust:api-gateway"]
        assert gateway.path == "services/rs/api-gateway"
        assert gateway.runtime == {"rust:edu-common", "rust:edu-proto-gen"}
        assert gateway.tests == {"rust:edu-testing"}
        assert gateway.language == RUST

    def test_a_python_member_wins_a_folder_name_shared_with_a_crate(self) -> None:
        found = GRAPH.by_folder_name("common")
        assert found is not None
        assert found.name == "edu-common"


class TestARustChange:
    def test_a_shared_crate_selects_its_users_and_no_python_suite(self) -> None:
        chosen = picked(pick("libs/rs/common/src/settings.rs"))
        assert chosen["rust-unit"] == (
            "-p",
            "api-gateway",
            "-p",
            "edu-common",
            "-p",
            "edu-testing",
        )
        assert "unit" not in chosen
        assert "typecheck" not in chosen
        assert "e2e" in chosen, "a changed deployable's users reach it over the network"

    def test_a_rust_service_selects_the_suites_that_drive_it(self) -> None:
        chosen = picked(pick("services/rs/api-gateway/src/main.rs"))
        assert chosen["rust-unit"] == ("-p", "api-gateway")
        assert chosen["gateway-suite"] == ("load",)
        assert "typecheck" not in chosen

    def test_cargo_lock_rebuilds_every_crate_but_no_python(self) -> None:
        chosen = picked(pick("Cargo.lock"))
        assert chosen["rust-unit"].count("-p") == 4
        assert "unit" not in chosen

    def test_a_python_change_selects_no_rust_layer(self) -> None:
        chosen = picked(pick("services/py/course/src/edu/course/app.py"))
        assert "rust-unit" not in chosen


class TestAProtoChange:
    def test_selects_both_languages_generated_code_and_their_users(self) -> None:
        selection = pick("proto/edu/events/v1/envelope.proto")
        assert {"edu-proto-gen", "rust:edu-proto-gen", "rust:api-gateway", "edu-course"} <= set(
            selection.affected.code
        )
        assert picked(selection)["rust-unit"] == ("-p", "api-gateway", "-p", "edu-proto-gen")
