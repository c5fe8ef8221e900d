"""The project graph the tools are configured from: members, crates and their edges."""

from pathlib import Path

from edu.buildbench.graph import (
    Project,
    dependents,
    project_of_tool_id,
    python_projects,
    rust_projects,
)


def write_member(root: Path, folder: str, name: str, deps: list[str], unit: bool = True) -> None:
    path = root / folder
    (path / "tests" / ("unit" if unit else "integration")).mkdir(parents=True)
    listed = ", ".join(f'"{d}"' for d in deps)
    (path / "pyproject.toml").write_text(
        f'[project]\nname = "{name}"\ndependencies = [{listed}]\n'
        '[dependency-groups]\ndev = ["edu-testing", "pytest>=8"]\n'
    )


class TestPythonProjects:
    def test_keeps_only_workspace_dependencies_and_dev_group_members(self, tmp_path: Path) -> None:
        write_member(tmp_path, "libs/py/common", "edu-common", ["pydantic>=2.9"])
        write_member(tmp_path, "libs/py/testing", "edu-testing", ["edu-common"])
        write_member(tmp_path, "services/py/course", "edu-course", ["edu-common", "fastapi[all]"])

        course = {p.name: p for p in python_projects(tmp_path)}["edu-course"]

        assert course.deps == ("edu-common", "edu-testing")
        assert course.path == "services/py/course"

    def test_a_member_without_unit_tests_has_no_unit_task(self, tmp_path: Path) -> None:
        write_member(tmp_path, "tools/seed", "edu-seed", [], unit=False)

        (seed,) = python_projects(tmp_path)

        assert seed.tasks == ("lint", "typecheck", "build")


class TestRustProjects:
    def test_reads_path_dependencies_between_workspace_crates(self, tmp_path: Path) -> None:
        metadata: dict[str, object] = {
            "packages": [
                {
                    "name": "edu-common",
                    "manifest_path": str(tmp_path / "libs/rs/common/Cargo.toml"),
                    "dependencies": [{"name": "serde"}],
                },
                {
                    "name": "api-gateway",
                    "manifest_path": str(tmp_path / "services/rs/api-gateway/Cargo.toml"),
                    "dependencies": [{"name": "edu-common"}, {"name": "tokio"}],
                },
            ]
        }

        crates = {p.name: p for p in rust_projects(tmp_path, metadata)}

        assert crates["rust:api-gateway"].deps == ("rust:edu-common",)
        assert crates["rust:edu-common"].deps == ()
        assert crates["rust:api-gateway"].tasks == ("lint", "build")


class TestNames:
    def test_tool_ids_keep_the_two_edu_commons_apart_and_map_back(self) -> None:
        py = Project("edu-common", "libs/py/common", "python", "edu-common", (), True)
        rs = Project("rust:edu-common", "libs/rs/common", "rust", "edu-common", (), False)

        assert py.tool_id != rs.tool_id
        assert project_of_tool_id(py.tool_id) == "edu-common"
        assert project_of_tool_id(rs.tool_id) == "rust:edu-common"

    def test_only_the_generated_code_projects_read_the_proto_sources(self) -> None:
        gen = Project("rust:edu-proto-gen", "libs/rs/proto-gen", "rust", "edu-proto-gen", (), False)
        other = Project("rust:edu-jwt", "libs/rs/jwt", "rust", "edu-jwt", (), False)

        assert gen.extra_inputs == ("proto/**",)
        assert other.extra_inputs == ()


class TestDependents:
    def test_follows_users_transitively(self) -> None:
        projects = [
            Project("a", "a", "python", "a", (), True),
            Project("b", "b", "python", "b", ("a",), True),
            Project("c", "c", "python", "c", ("b",), True),
            Project("d", "d", "python", "d", (), True),
        ]

        assert dependents(projects, {"a"}) == {"a", "b", "c"}
        assert dependents(projects, {"d"}) == {"d"}
