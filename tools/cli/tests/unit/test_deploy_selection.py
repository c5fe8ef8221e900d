"""`edu deploy affected`: which images a change rebuilds, from `edu affected`'s graph."""

from __future__ import annotations

from edu.cli.affected.graph import RUST, DependencyGraph, MemberNode
from edu.cli.deploy.images import Deployable
from edu.cli.deploy.selection import images_to_rebuild

DEPLOYABLES = (
    Deployable("course", "python", "services/py/course", "edu-course", ()),
    Deployable("web", "python", "services/py/web", "edu-web", ()),
    Deployable("gateway", "rust", "services/rs/gateway", "gateway", ()),
)


def _graph() -> DependencyGraph:
    return DependencyGraph(
        [
            MemberNode("edu-common", "libs/py/common"),
            MemberNode("edu-course", "services/py/course", frozenset({"edu-common"})),
            # web's tests use course, its code does not
            MemberNode("edu-web", "services/py/web", tests=frozenset({"edu-course"})),
            MemberNode("edu-cli", "tools/cli", frozenset({"edu-common"})),
            MemberNode("rust:edu-common", "libs/rs/common", language=RUST),
            MemberNode(
                "rust:gateway", "services/rs/gateway", frozenset({"rust:edu-common"}), language=RUST
            ),
        ]
    )


def _names(files: list[str]) -> list[str]:
    return [r.deployable.name for r in images_to_rebuild(files, _graph(), DEPLOYABLES)]


class TestImagesToRebuild:
    def test_a_services_code_rebuilds_its_image_only(self) -> None:
        assert _names(["services/py/course/src/edu/course/app.py"]) == ["course"]

    def test_a_shared_library_rebuilds_the_images_running_it_not_those_testing_with_it(
        self,
    ) -> None:
        rebuilt = images_to_rebuild(["libs/py/common/src/x.py"], _graph(), DEPLOYABLES)
        assert [r.deployable.name for r in rebuilt] == ["course"]
        assert "edu-common" in rebuilt[0].reason

    def test_tests_docs_and_manifests_rebuild_nothing(self) -> None:
        assert _names(["services/py/course/tests/unit/test_x.py"]) == []
        assert _names(["docs/architecture/adr/0021.md"]) == []
        assert _names(["deploy/k8s/base/course/deployment.yaml"]) == []

    def test_a_languages_dockerfile_rebuilds_that_languages_images(self) -> None:
        assert _names(["deploy/docker/python.Dockerfile"]) == ["course", "web"]
        assert _names(["deploy/docker/rust-base.Dockerfile"]) == ["gateway"]

    def test_the_cargo_lockfile_rebuilds_every_rust_image_and_no_python_one(self) -> None:
        assert _names(["Cargo.lock"]) == ["gateway"]
        assert _names(["libs/rs/common/src/lib.rs"]) == ["gateway"]

    def test_the_uv_lockfile_or_the_builder_rebuild_everything(self) -> None:
        assert _names(["uv.lock"]) == ["course", "web", "gateway"]
        assert _names(["tools/cli/src/edu/cli/deploy/images.py"]) == ["course", "web", "gateway"]

    def test_the_rest_of_the_cli_rebuilds_nothing(self) -> None:
        assert _names(["tools/cli/src/edu/cli/runner.py"]) == []

    def test_ci_definitions_and_the_test_harness_rebuild_nothing(self) -> None:
        assert _names([".github/workflows/nightly.yml", "layers.toml", "justfile"]) == []
        assert _names(["libs/py/testing/src/edu/testing/x.py", ".ci/run"]) == []
